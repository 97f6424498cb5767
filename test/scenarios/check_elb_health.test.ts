import { describe, expect, it } from "vitest";
import check from "../../checks/check_elb_health/index";
import type { HealthSource, RegionHealth } from "../../checks/check_elb_health/source";
import type { InstanceHealth } from "../../src/aws/elb";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { denied, regional } from "./ports";

const up = (id: string): InstanceHealth => ({ instanceId: id, state: "InService", reasonCode: "N/A", description: "" });
const down = (id: string): InstanceHealth => ({ instanceId: id, state: "OutOfService", reasonCode: "Instance", description: "Instance has failed at least the UnhealthyThreshold" });

/** One region's classic ELB: load balancers by name. */
function elb(lbs: Record<string, InstanceHealth[]> | Error): HealthSource {
  const read = (names: string[]): RegionHealth => {
    if (lbs instanceof Error) throw lbs;
    return {
      loadBalancers: names.filter((n) => n in lbs).map((name) => ({ name, region: "eu-west-1", instances: lbs[name] })),
      missing: names.filter((n) => !(n in lbs)),
    };
  };
  return {
    named: async (names) => read(names),
    all: async () => ({ ...read(lbs instanceof Error ? [] : Object.keys(lbs)), missing: [] }),
  };
}

const one = (lbs: Record<string, InstanceHealth[]> | Error) => regional({ "eu-west-1": elb(lbs) });

describe("check_elb_health scenarios", () => {
  it.each([
    ["ok-all-in-service", [], one({ web: [up("i-1"), up("i-2")] }), State.OK, "ELB OK: web: 2 of 2 instances InService"],
    ["ok-several-load-balancers", [], one({ web: [up("i-1")], api: [up("i-2")] }), State.OK, "2 load balancers OK, 2 of 2 instances InService"],
    ["ok-share-above-min-healthy-percent", ["--min-healthy-percent", "50%"], one({ web: [up("i-1"), down("i-2")] }), State.OK, "1 of 2 instances InService"],
    ["warn-count-in-warning-range", ["-w", "3:"], one({ web: [up("i-1"), up("i-2")] }), State.WARNING, "(warning range 3:)"],
    ["warn-below-min-healthy-percent", ["--min-healthy-percent", "75"], one({ web: [up("i-1"), down("i-2")] }), State.WARNING, "(50% < 75%)"],
    ["crit-none-in-service-by-default", [], one({ web: [down("i-1"), down("i-2")] }), State.CRITICAL, "web: 0 of 2 instances InService (critical range 1:)"],
    ["crit-out-of-service-instance-named", [], one({ web: [down("i-1")] }), State.CRITICAL, "[CRITICAL] web: i-1 OutOfService (Instance): Instance has failed"],
    ["crit-named-load-balancer-missing", ["--elb", "gone"], one({ web: [up("i-1")] }), State.CRITICAL, "gone: no classic load balancer of that name in eu-west-1"],
    ["unknown-no-load-balancer-in-region", [], one({}), State.UNKNOWN, "no classic load balancer in eu-west-1"],
    ["unknown-access-denied", [], one(denied("elasticloadbalancing:DescribeLoadBalancers")), State.UNKNOWN, "may not call elasticloadbalancing:DescribeLoadBalancers"],
    ["unknown-percent-on-a-count", ["-c", "50%"], one({}), State.UNKNOWN, "--critical: '50%' is not a percentage here"],
    [
      "warn-other-region-unread",
      ["-w", "3:"],
      regional({ "eu-west-1": elb({ web: [up("i-1")] }), "us-east-1": elb(denied("elasticloadbalancing:DescribeLoadBalancers")) }),
      State.WARNING,
      "; 1 region(s) could not be read",
    ],
    [
      "ok-named-load-balancer-found-in-one-region",
      ["--elb", "web"],
      regional({ "eu-west-1": elb({ web: [up("i-1")] }), "us-east-1": elb({}) }),
      State.OK,
      "ELB OK: web [eu-west-1]: 1 of 1 instances InService",
    ],
  ])("%s", async (_id, argv, port, state, text) => {
    const r = await runCheck(check, argv, { port });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });
});
