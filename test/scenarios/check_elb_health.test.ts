import { describe, expect, it } from "vitest";
import check from "../../checks/check_elb_health/index";
import type { HealthSource, RegionHealth, RegionTargetGroups, TargetGroupSelection } from "../../checks/check_elb_health/source";
import type { TargetHealth } from "../../checks/check_elb_health/target-groups";
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
    // No ALB/NLB/GWLB in these regions (the target group table below has them).
    targetGroups: async () => ({ targetGroups: [], missingTargetGroups: [], missingLoadBalancers: [], withoutTargetGroups: [] }),
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
    ["unknown-no-load-balancer-in-region", [], one({}), State.UNKNOWN, "no load balancer or target group in eu-west-1"],
    ["unknown-access-denied", [], one(denied("elasticloadbalancing:DescribeLoadBalancers")), State.UNKNOWN, "may not call elasticloadbalancing:DescribeLoadBalancers"],
    ["unknown-percent-on-a-count", ["-c", "50%"], one({}), State.UNKNOWN, "--critical: '50%' is not a percentage here"],
    [
      "unknown-other-region-unread",
      [],
      regional({ "eu-west-1": elb({ web: [up("i-1")] }), "us-east-1": elb(denied("elasticloadbalancing:DescribeLoadBalancers")) }),
      State.UNKNOWN,
      "[UNKNOWN] region us-east-1: access denied: the credentials may not call elasticloadbalancing:DescribeLoadBalancers",
    ],
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

// ALB/NLB/GWLB target groups, run whole in-process against fixture ports: every target state and mix,
// fail-open, percent and range thresholds, missing and empty groups, classic and v2 together.

interface Group {
  targets: TargetHealth[];
  /** Load balancers routing to it; default ["web-alb"]. */
  lbs?: string[];
}

let n = 0;
const t = (state: string, extra: Partial<TargetHealth> = {}): TargetHealth => ({ id: `i-0${String(++n).padStart(16, "0")}`, port: 80, state, ...extra });
const arnOf = (name: string) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/0123456789abcdef`;

/** One region with these target groups (and, if given, classic load balancers and ALBs that route to no group). */
function v2Region(groups: Record<string, Group> | Error, classic: Record<string, InstanceHealth[]> = {}, bareLbs: string[] = []): HealthSource {
  const classicRead = (names: string[]): RegionHealth => ({
    loadBalancers: names.filter((x) => x in classic).map((name) => ({ name, region: "eu-west-1", instances: classic[name] })),
    missing: names.filter((x) => !(x in classic)),
  });
  const health = (name: string, g: Group) => ({ name, arn: arnOf(name), region: "eu-west-1", targetType: "instance", loadBalancers: g.lbs ?? ["web-alb"], targets: g.targets });
  return {
    named: async (names) => classicRead(names),
    all: async () => ({ ...classicRead(Object.keys(classic)), missing: [] }),
    targetGroups: async (sel: TargetGroupSelection): Promise<RegionTargetGroups> => {
      if (groups instanceof Error) throw groups;
      const entries = Object.entries(groups);
      const chosen = new Map<string, Group>();
      if (sel.all) entries.forEach(([k, g]) => chosen.set(k, g));
      const missingTargetGroups = sel.targetGroups.filter((r) => !(r.name in groups));
      sel.targetGroups.filter((r) => r.name in groups).forEach((r) => chosen.set(r.name, groups[r.name]));
      const lbsKnown = new Set(entries.flatMap(([, g]) => g.lbs ?? ["web-alb"]));
      const missingLoadBalancers = sel.loadBalancers.filter((r) => !lbsKnown.has(r.name) && !bareLbs.includes(r.name));
      const withoutTargetGroups = sel.loadBalancers.filter((r) => bareLbs.includes(r.name)).map((r) => r.name);
      for (const r of sel.loadBalancers) entries.filter(([, g]) => (g.lbs ?? ["web-alb"]).includes(r.name)).forEach(([k, g]) => chosen.set(k, g));
      return { targetGroups: [...chosen].map(([k, g]) => health(k, g)), missingTargetGroups, missingLoadBalancers, withoutTargetGroups };
    },
  };
}
const tgs = (groups: Record<string, Group> | Error, classic: Record<string, InstanceHealth[]> = {}, bareLbs: string[] = []) =>
  regional({ "eu-west-1": v2Region(groups, classic, bareLbs) });
const healthy = () => t("healthy");
const unhealthy = () => t("unhealthy", { reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [502]" });

describe("check_elb_health scenarios: target groups", () => {
  it.each([
    // every state, alone
    ["ok-healthy", ["--target-group", "web"], tgs({ web: { targets: [healthy(), healthy()] } }), State.OK, "ELB OK: web: 2 of 2 targets healthy"],
    ["crit-unhealthy-fails-open", ["--target-group", "web"], tgs({ web: { targets: [unhealthy(), unhealthy()] } }), State.CRITICAL, "web: 0 of 2 targets healthy (critical range 1:) - web-alb fails open, routing to all 2 unhealthy targets"],
    ["crit-unavailable-counts-against", ["--target-group", "web"], tgs({ web: { targets: [t("unavailable")] } }), State.CRITICAL, "web: 0 of 1 targets healthy (critical range 1:) - web-alb fails open"],
    ["crit-initial-only-nothing-serves", ["--target-group", "web"], tgs({ web: { targets: [t("initial"), t("initial")] } }), State.CRITICAL, "web: 0 healthy targets (critical range 1:), not counted: 2 initial"],
    ["crit-draining-only", ["--target-group", "web"], tgs({ web: { targets: [t("draining")] } }), State.CRITICAL, "web: 0 healthy targets (critical range 1:), not counted: 1 draining"],
    ["crit-unhealthy-draining-only", ["--target-group", "web"], tgs({ web: { targets: [t("unhealthy.draining")] } }), State.CRITICAL, "not counted: 1 unhealthy.draining"],
    ["ok-unused-not-attached", ["--target-group", "web"], tgs({ web: { targets: [t("unused"), t("unused")], lbs: [] } }), State.OK, "web: not used by any load balancer, 2 targets registered"],
    // mixes
    ["ok-deploy-in-progress", ["--target-group", "web", "--min-healthy-percent", "100"], tgs({ web: { targets: [healthy(), t("initial"), t("draining"), t("unhealthy.draining"), t("unused")] } }), State.OK, "web: 1 of 1 targets healthy, not counted: 1 initial, 1 draining, 1 unhealthy.draining, 1 unused"],
    ["ok-one-unhealthy-by-default", ["--target-group", "web"], tgs({ web: { targets: [healthy(), unhealthy()] } }), State.OK, "[OK] web: i-"],
    ["crit-unhealthy-target-line", ["--target-group", "web", "-c", "2:"], tgs({ web: { targets: [healthy(), unhealthy()] } }), State.CRITICAL, ":80 unhealthy (Target.ResponseCodeMismatch): Health checks failed with these codes: [502]"],
    ["ok-draining-line-never-alerts", ["--target-group", "web", "-c", "2:"], tgs({ web: { targets: [healthy(), healthy(), t("draining", { reason: "Target.DeregistrationInProgress" })] } }), State.OK, "draining (Target.DeregistrationInProgress)"],
    // thresholds
    ["warn-range", ["--target-group", "web", "-w", "3:"], tgs({ web: { targets: [healthy(), healthy(), unhealthy()] } }), State.WARNING, "web: 2 of 3 targets healthy (warning range 3:)"],
    ["crit-range", ["--target-group", "web", "-w", "4:", "-c", "3:"], tgs({ web: { targets: [healthy(), healthy(), unhealthy()] } }), State.CRITICAL, "web.healthy=2;4:;3:;0;3"],
    ["warn-percent-of-counted-targets", ["--target-group", "web", "--min-healthy-percent", "75%"], tgs({ web: { targets: [healthy(), healthy(), unhealthy(), t("draining")] } }), State.WARNING, "(66.7% < 75%)"],
    ["ok-percent-ignores-draining", ["--target-group", "web", "--min-healthy-percent", "100"], tgs({ web: { targets: [healthy(), healthy(), t("draining"), t("draining")] } }), State.OK, "web: 2 of 2 targets healthy"],
    // missing and empty
    ["crit-empty-target-group", ["--target-group", "web"], tgs({ web: { targets: [] } }), State.CRITICAL, "web: no target registered"],
    ["crit-missing-target-group", ["--target-group", "web", "--target-group", "gone"], tgs({ web: { targets: [healthy()] } }), State.CRITICAL, "gone: no target group of that name in eu-west-1"],
    ["crit-missing-load-balancer", ["--load-balancer", "old-alb"], tgs({ web: { targets: [healthy()] } }), State.CRITICAL, "old-alb: no ALB/NLB/GWLB of that name in eu-west-1"],
    ["unknown-load-balancer-without-target-groups", ["--load-balancer", "new-alb"], tgs({ web: { targets: [healthy()] } }, {}, ["new-alb"]), State.UNKNOWN, "ELB UNKNOWN: new-alb: no target group belongs to this load balancer"],
    ["ok-load-balancer-groups", ["--load-balancer", "web-alb"], tgs({ web: { targets: [healthy()] }, api: { targets: [healthy()] }, other: { targets: [unhealthy()], lbs: ["tcp-nlb"] } }), State.OK, "2 target groups OK, 2 of 2 targets healthy"],
    // classic and v2 together, everything in the region
    ["warn-classic-and-target-groups", ["-w", "2:"], tgs({ api: { targets: [healthy(), healthy()] } }, { web: [{ instanceId: "i-1", state: "InService", reasonCode: "N/A", description: "" }] }), State.WARNING, "web: 1 of 1 instances InService (warning range 2:) (1 of 2 load balancers and target groups)"],
    ["unknown-nothing-in-region", [], tgs({}), State.UNKNOWN, "no load balancer or target group in eu-west-1"],
    ["unknown-target-health-access-denied", ["--target-group", "web"], tgs(denied("elasticloadbalancing:DescribeTargetHealth")), State.UNKNOWN, "may not call elasticloadbalancing:DescribeTargetHealth"],
  ])("%s", async (_id, argv, port, state, text) => {
    const r = await runCheck(check, argv, { port });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });

  it("perfdata: target_groups, and <tg>.healthy / .unhealthy / .other per group", async () => {
    const r = await runCheck(check, ["--target-group", "web", "-w", "2:"], { port: tgs({ web: { targets: [healthy(), unhealthy(), t("initial")] } }) });
    expect(r.stdout.split("| ")[1]).toBe("target_groups=1;;;0 web.healthy=1;2:;1:;0;3 web.unhealthy=1;;;0;3 web.other=1;;;0;3\n");
  });
});
