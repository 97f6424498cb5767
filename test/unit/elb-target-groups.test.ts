import { describe, expect, it } from "vitest";
import type { HealthRules } from "../../checks/check_elb_health/rules";
import {
  judgeTargetGroup,
  targetCount,
  targetGroupMetrics,
  type TargetGroupHealth,
  type TargetHealth,
  worstTargetGroupFirst,
} from "../../checks/check_elb_health/target-groups";
import { renderMetric } from "../../src/metric";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";

let n = 0;
const target = (state: string, extra: Partial<TargetHealth> = {}): TargetHealth => ({ id: `i-0000000000000000${++n}`, port: 80, state, ...extra });
const healthy = () => target("healthy");
const unhealthy = () => target("unhealthy", { reason: "Target.FailedHealthChecks", description: "Health checks failed" });
const tg = (...targets: TargetHealth[]): TargetGroupHealth => ({
  name: "web",
  arn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef",
  region: "us-east-1",
  targetType: "instance",
  loadBalancers: ["web-alb"],
  targets,
});
const rules = (w?: string, c = "1:", minHealthyPercent?: number): HealthRules => ({ thresholds: Thresholds.parse(w, c), minHealthyPercent });

describe("targetCount", () => {
  it.each([
    ["healthy", "healthy"],
    ["unhealthy", "unhealthy"],
    ["unavailable", "unhealthy"],
    ["initial", "other"],
    ["draining", "other"],
    ["unused", "other"],
    ["unhealthy.draining", "other"],
    ["some-future-state", "other"],
  ])("%s counts as %s", (state, kind) => expect(targetCount(state)).toBe(kind));
});

describe("judgeTargetGroup", () => {
  it.each([
    ["ok-all-healthy", tg(healthy(), healthy()), rules(), State.OK, "web: 2 of 2 targets healthy"],
    ["ok-one-unhealthy-default", tg(healthy(), unhealthy()), rules(), State.OK, "web: 1 of 2 targets healthy"],
    ["ok-draining-counted-in-neither", tg(healthy(), healthy(), target("draining")), rules("2:"), State.OK, "web: 2 of 2 targets healthy, not counted: 1 draining"],
    [
      "ok-deploy-in-progress",
      tg(healthy(), target("initial"), target("initial"), target("unhealthy.draining")),
      rules(undefined, "1:", 100),
      State.OK,
      "web: 1 of 1 targets healthy, not counted: 2 initial, 1 unhealthy.draining",
    ],
    ["warn-warning-range", tg(healthy(), healthy(), unhealthy()), rules("3:"), State.WARNING, "web: 2 of 3 targets healthy (warning range 3:)"],
    ["crit-critical-range", tg(healthy(), unhealthy(), unhealthy()), rules("3:", "2:"), State.CRITICAL, "web: 1 of 3 targets healthy (critical range 2:)"],
    [
      "warn-min-healthy-percent-of-counted-targets",
      tg(healthy(), healthy(), unhealthy(), target("draining"), target("unused")),
      rules(undefined, "1:", 75),
      State.WARNING,
      "web: 2 of 3 targets healthy (66.7% < 75%), not counted: 1 draining, 1 unused",
    ],
    [
      "ok-at-min-healthy-percent",
      tg(healthy(), healthy(), healthy(), target("unavailable"), target("draining")),
      rules(undefined, "1:", 75),
      State.OK,
      "web: 3 of 4 targets healthy, not counted: 1 draining",
    ],
    [
      "crit-range-and-percent",
      tg(healthy(), unhealthy(), unhealthy()),
      rules(undefined, "2:", 50),
      State.CRITICAL,
      "web: 1 of 3 targets healthy (critical range 2:, 33.3% < 50%)",
    ],
    [
      "crit-all-unhealthy-fails-open",
      tg(unhealthy(), target("unavailable"), target("draining")),
      rules(),
      State.CRITICAL,
      "web: 0 of 2 targets healthy (critical range 1:), not counted: 1 draining - web-alb fails open, routing to all 2 unhealthy targets",
    ],
    [
      "crit-nothing-healthy-only-registering",
      tg(target("initial"), target("initial")),
      rules(),
      State.CRITICAL,
      "web: 0 healthy targets (critical range 1:), not counted: 2 initial",
    ],
    ["crit-empty-target-group", tg(), rules(), State.CRITICAL, "web: no target registered"],
    [
      "ok-not-used-by-any-load-balancer",
      { ...tg(target("unused"), target("unused")), loadBalancers: [] },
      rules("5:", "3:"),
      State.OK,
      "web: not used by any load balancer, 2 targets registered",
    ],
  ] as const)("%s", (_id, health, r, state, text) => {
    const j = judgeTargetGroup(health, r);
    expect(j.state).toBe(state);
    expect(j.text).toBe(text);
    expect(j.findings[0]).toMatchObject({ state, text, targetGroup: "web" });
  });

  it("counts each kind and knows when the load balancer fails open", () => {
    const j = judgeTargetGroup(tg(unhealthy(), unhealthy(), target("initial"), target("unhealthy.draining")), rules());
    expect(j).toMatchObject({ healthy: 0, unhealthy: 2, other: 2, registered: 4, failsOpen: true });
    const two = judgeTargetGroup({ ...tg(unhealthy()), loadBalancers: ["a-alb", "b-alb"] }, rules());
    expect(two.text).toBe("web: 0 of 1 targets healthy (critical range 1:) - a-alb, b-alb fail open, routing to all 1 unhealthy targets");
    expect(judgeTargetGroup(tg(healthy(), unhealthy()), rules()).failsOpen).toBe(false);
    expect(judgeTargetGroup(tg(target("draining")), rules()).failsOpen).toBe(false);
  });

  it("each target that is not healthy is one line: id, port, Name tag, state, reason, description", () => {
    const j = judgeTargetGroup(
      tg(
        healthy(),
        { id: "i-0abc12345678def01", port: 8080, name: "web-1", state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [502]" },
        { id: "10.0.3.7", port: 9000, state: "unavailable", reason: "Target.HealthCheckDisabled", description: "Health checks disabled" },
        { id: "i-0abc12345678def03", port: 8080, state: "draining", reason: "Target.DeregistrationInProgress", description: "Target deregistration is in progress" },
        { id: "arn:aws:lambda:us-east-1:123456789012:function:f", state: "initial", reason: "Elb.RegistrationInProgress" },
      ),
      rules("2:"),
    );
    expect(j.findings.map((f) => [f.state, f.text])).toEqual([
      [State.WARNING, "web: 1 of 3 targets healthy (warning range 2:), not counted: 1 draining, 1 initial"],
      [State.WARNING, "web: i-0abc12345678def01:8080 (web-1) unhealthy (Target.ResponseCodeMismatch): Health checks failed with these codes: [502]"],
      [State.WARNING, "web: 10.0.3.7:9000 unavailable (Target.HealthCheckDisabled): Health checks disabled"],
      [State.OK, "web: i-0abc12345678def03:8080 draining (Target.DeregistrationInProgress): Target deregistration is in progress"],
      [State.OK, "web: arn:aws:lambda:us-east-1:123456789012:function:f initial (Elb.RegistrationInProgress)"],
    ]);
    expect(j.findings[1]).toMatchObject({ target: "i-0abc12345678def01", port: 8080, targetState: "unhealthy", reason: "Target.ResponseCodeMismatch" });
  });

  it("names the region when asked", () => {
    expect(judgeTargetGroup(tg(healthy()), rules(), true).text).toBe("web [us-east-1]: 1 of 1 targets healthy");
  });

  it("worst first: state, failing open, the smallest healthy share, then name", () => {
    const named = (name: string, ...t: TargetHealth[]) => judgeTargetGroup({ ...tg(...t), name }, rules());
    const judged = [
      named("a", healthy(), healthy()),
      named("b", healthy(), unhealthy()),
      named("c", target("initial")),
      named("d", unhealthy()),
      named("e", healthy(), unhealthy(), unhealthy()),
    ].sort(worstTargetGroupFirst);
    expect(judged.map((j) => j.tg.name)).toEqual(["d", "c", "e", "b", "a"]);
  });
});

describe("targetGroupMetrics", () => {
  it("gives <tg>.healthy with the ranges in force, <tg>.unhealthy and <tg>.other, per item", () => {
    const r = rules("2:", "1:");
    const j = judgeTargetGroup(tg(healthy(), unhealthy(), target("unavailable"), target("draining")), r);
    const metrics = targetGroupMetrics([j], r, false);
    expect(metrics.map(renderMetric)).toEqual(["web.healthy=1;2:;1:;0;4", "web.unhealthy=2;;;0;4", "web.other=1;;;0;4"]);
    expect(metrics.every((m) => m.perItem)).toBe(true);
    expect(targetGroupMetrics([j], r, true).map((m) => m.label)).toEqual(["us-east-1/web.healthy", "us-east-1/web.unhealthy", "us-east-1/web.other"]);
  });
});
