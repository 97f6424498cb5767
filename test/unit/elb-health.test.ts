import { describe, expect, it } from "vitest";
import { type HealthRules, judgeLoadBalancer, type LoadBalancerHealth, worstFirst } from "../../checks/check_elb_health/judge";
import type { InstanceHealth } from "../../src/aws/elb";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";

const inService = (n: number): InstanceHealth => ({ instanceId: `i-0000000000000000${n}`, state: "InService", reasonCode: "N/A", description: "N/A" });
const out = (n: number): InstanceHealth => ({
  instanceId: `i-0000000000000000${n}`,
  state: "OutOfService",
  reasonCode: "Instance",
  description: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
});
const unknown = (n: number): InstanceHealth => ({
  instanceId: `i-0000000000000000${n}`,
  state: "Unknown",
  reasonCode: "ELB",
  description: "A transient error occurred. Please try again later.",
});
const lb = (...instances: InstanceHealth[]): LoadBalancerHealth => ({ name: "web", region: "us-east-1", instances });
const rules = (w?: string, c = "1:", minHealthyPercent?: number): HealthRules => ({ thresholds: Thresholds.parse(w, c), minHealthyPercent });

describe("judgeLoadBalancer", () => {
  it.each([
    ["ok-all-in-service", lb(inService(1), inService(2)), rules(), State.OK, "web: 2 of 2 instances InService"],
    ["ok-partly-out-default", lb(inService(1), out(2)), rules(), State.OK, "web: 1 of 2 instances InService"],
    ["warn-partly-out-range", lb(inService(1), out(2)), rules("2:"), State.WARNING, "web: 1 of 2 instances InService (warning range 2:)"],
    ["crit-none-in-service", lb(out(1), unknown(2)), rules(), State.CRITICAL, "web: 0 of 2 instances InService (critical range 1:)"],
    ["crit-nothing-registered", lb(), rules(), State.CRITICAL, "web: no instance registered (critical range 1:)"],
    ["warn-min-healthy-percent", lb(inService(1), inService(2), out(3)), rules(undefined, "1:", 75), State.WARNING, "web: 2 of 3 instances InService (66.7% < 75%)"],
    ["ok-at-min-healthy-percent", lb(inService(1), inService(2), inService(3), out(4)), rules(undefined, "1:", 75), State.OK, "web: 3 of 4 instances InService"],
    ["crit-range-beats-percent", lb(inService(1), out(2), out(3)), rules(undefined, "2:", 50), State.CRITICAL, "web: 1 of 3 instances InService (critical range 2:, 33.3% < 50%)"],
  ] as const)("%s", (_id, health, r, state, text) => {
    const j = judgeLoadBalancer(health, r);
    expect(j.state).toBe(state);
    expect(j.text).toBe(text);
    expect(j.findings[0]).toMatchObject({ state, text });
  });

  it("each instance not InService is one line with its state, ReasonCode and Description, in its load balancer's state", () => {
    const j = judgeLoadBalancer(lb(inService(1), out(2), unknown(3)), rules("3:"));
    expect(j.findings.map((f) => [f.state, f.text])).toEqual([
      [State.WARNING, "web: 1 of 3 instances InService (warning range 3:)"],
      [State.WARNING, "web: i-00000000000000002 OutOfService (Instance): Instance has failed at least the UnhealthyThreshold number of health checks consecutively."],
      [State.WARNING, "web: i-00000000000000003 Unknown (ELB): A transient error occurred. Please try again later."],
    ]);
    expect(j).toMatchObject({ inService: 1, outOfService: 2, registered: 3 });
  });

  it("names the region when asked", () => {
    expect(judgeLoadBalancer(lb(inService(1)), rules(), true).text).toBe("web [us-east-1]: 1 of 1 instances InService");
  });

  it("worstFirst: state, then the smallest InService share, then name", () => {
    const a = judgeLoadBalancer({ ...lb(inService(1), out(2)), name: "b" }, rules());
    const b = judgeLoadBalancer({ ...lb(inService(1), inService(2)), name: "a" }, rules());
    const c = judgeLoadBalancer({ ...lb(out(1)), name: "c" }, rules());
    const d = judgeLoadBalancer({ ...lb(inService(1), out(2)), name: "a" }, rules());
    expect([a, b, c, d].sort(worstFirst).map((j) => j.lb.name)).toEqual(["c", "a", "b", "a"]);
    expect([a, b, c, d].sort(worstFirst).map((j) => j.inService)).toEqual([0, 1, 1, 2]);
  });
});
