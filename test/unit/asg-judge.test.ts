import { describe, expect, it } from "vitest";
import { type AsgRules, type Group, type GroupInstance, groupMetrics, judgeGroup, summarize, worstFirst } from "../../checks/check_asg_health/judge";
import { renderMetric } from "../../src/metric";
import { Range } from "../../src/range";
import { State } from "../../src/state";

const NOW = new Date("2026-11-30T12:00:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const up = (n: number): GroupInstance => ({ id: `i-${n}`, lifecycleState: "InService", healthy: true });
const sick = (n: number): GroupInstance => ({ id: `i-${n}`, lifecycleState: "InService", healthy: false });
const moving = (n: number, lifecycleState: string, minutes?: number, extra: Partial<GroupInstance> = {}): GroupInstance => ({
  id: `i-${n}`,
  lifecycleState,
  healthy: true,
  since: minutes === undefined ? undefined : ago(minutes),
  sinceFrom: minutes === undefined ? undefined : "activity",
  ...extra,
});
const group = (min: number, desired: number, max: number, instances: GroupInstance[], suspendedProcesses: string[] = []): Group => ({
  name: "web",
  region: "us-east-1",
  minSize: min,
  desiredCapacity: desired,
  maxSize: max,
  instances,
  suspendedProcesses,
});
const rules = (over: Partial<AsgRules> = {}): AsgRules => ({ stuckAfterSeconds: 900, allowSuspended: [], ...over });

describe("judgeGroup", () => {
  it.each([
    ["ok-full", group(2, 4, 6, [up(1), up(2), up(3), up(4)]), rules(), State.OK, "web: 4/4 in service (min 2, max 6)"],
    ["ok-scaled-to-zero", group(0, 0, 4, []), rules(), State.OK, "web: 0/0 in service (min 0, max 4), scaled to zero"],
    ["ok-scaled-to-zero-ignores-ranges", group(0, 0, 4, []), rules({ critical: Range.parse("1:") }), State.OK, "web: 0/0 in service (min 0, max 4), scaled to zero"],
    ["warn-below-desired", group(2, 4, 6, [up(1), up(2), up(3)]), rules(), State.WARNING, "web: 3/4 in service (min 2, max 6), below desired 4"],
    ["crit-below-min", group(2, 4, 6, [up(1)]), rules(), State.CRITICAL, "web: 1/4 in service (min 2, max 6), below MinSize 2"],
    ["crit-none-in-service-min-0", group(0, 2, 4, []), rules(), State.CRITICAL, "web: 0/2 in service (min 0, max 4), none in service"],
    [
      "ok-replacing-one-of-four-3m",
      group(2, 4, 6, [up(1), up(2), up(3), moving(4, "Pending:Wait", 3, { launchedFor: "replacement" })]),
      rules(),
      State.OK,
      "web: 3/4 in service (min 2, max 6), replacement in progress: i-4 Pending:Wait for 3m",
    ],
    [
      "warn-replacing-one-of-four-40m",
      group(2, 4, 6, [up(1), up(2), up(3), moving(4, "Pending:Wait", 40, { launchedFor: "replacement" })]),
      rules(),
      State.WARNING,
      "web: 3/4 in service (min 2, max 6), below desired 4; stuck (over 15m): i-4 Pending:Wait for 40m",
    ],
    [
      "ok-scale-out-in-progress",
      group(2, 4, 6, [up(1), up(2), moving(3, "Pending", 2, { launchedFor: "scale-out" }), moving(4, "Pending", 2, { launchedFor: "scale-out" })]),
      rules(),
      State.OK,
      "web: 2/4 in service (min 2, max 6), scale-out in progress: i-3 Pending for 2m, i-4 Pending for 2m",
    ],
    [
      "crit-self-healing-single-instance-replaced",
      group(1, 1, 1, [moving(9, "Pending", 4, { launchedFor: "replacement" })]),
      rules(),
      State.CRITICAL,
      "web: 0/1 in service (min 1, max 1), below MinSize 1; replacement in progress: i-9 Pending for 4m",
    ],
    [
      "crit-single-instance-replaced-no-activity-min-eq-max",
      group(1, 1, 1, [moving(9, "Pending", 4, { sinceFrom: "launch-time" })]),
      rules(),
      State.CRITICAL,
      "web: 0/1 in service (min 1, max 1), below MinSize 1; replacement in progress: i-9 Pending for 4m",
    ],
    [
      "warn-pending-of-unknown-age-does-not-excuse",
      group(2, 4, 6, [up(1), up(2), up(3), moving(4, "Pending")]),
      rules(),
      State.WARNING,
      "web: 3/4 in service (min 2, max 6), below desired 4; launch in progress: i-4 Pending (for how long unknown)",
    ],
    [
      "warn-stuck-terminating",
      group(1, 2, 3, [up(1), up(2), moving(3, "Terminating:Wait", 61)]),
      rules(),
      State.WARNING,
      "web: 2/2 in service (min 1, max 3), stuck (over 15m): i-3 Terminating:Wait for 1h 1m",
    ],
    [
      "ok-terminating-young",
      group(1, 2, 3, [up(1), up(2), moving(3, "Terminating", 1)]),
      rules(),
      State.OK,
      "web: 2/2 in service (min 1, max 3), termination in progress: i-3 Terminating for 1m",
    ],
    [
      "ok-stuck-after-raised",
      group(2, 4, 6, [up(1), up(2), up(3), moving(4, "Pending:Wait", 40)]),
      rules({ stuckAfterSeconds: 3600 }),
      State.OK,
      "web: 3/4 in service (min 2, max 6), launch in progress: i-4 Pending:Wait for 40m",
    ],
    [
      "warn-unhealthy-named",
      group(1, 3, 4, [up(1), up(2), sick(3)]),
      rules(),
      State.WARNING,
      "web: 2/3 in service (min 1, max 4), below desired 3; unhealthy i-3",
    ],
    [
      "warn-suspended",
      group(1, 2, 3, [up(1), up(2)], ["ReplaceUnhealthy", "AZRebalance"]),
      rules(),
      State.WARNING,
      "web: 2/2 in service (min 1, max 3), suspended ReplaceUnhealthy, AZRebalance",
    ],
    [
      "warn-suspended-one-allowed",
      group(1, 2, 3, [up(1), up(2)], ["ReplaceUnhealthy", "AZRebalance"]),
      rules({ allowSuspended: ["azrebalance"] }),
      State.WARNING,
      "web: 2/2 in service (min 1, max 3), suspended ReplaceUnhealthy; suspended (allowed) AZRebalance",
    ],
    [
      "ok-suspended-allowed",
      group(1, 2, 3, [up(1), up(2)], ["AZRebalance"]),
      rules({ allowSuspended: ["AZRebalance"] }),
      State.OK,
      "web: 2/2 in service (min 1, max 3), suspended (allowed) AZRebalance",
    ],
    [
      "ok-warning-range-replaces-default",
      group(2, 4, 6, [up(1), up(2), up(3)]),
      rules({ warning: Range.parse("2:") }),
      State.OK,
      "web: 3/4 in service (min 2, max 6)",
    ],
    [
      "warn-warning-range-no-launch-grace",
      group(2, 4, 6, [up(1), moving(2, "Pending", 1)]),
      rules({ warning: Range.parse("2:"), critical: Range.parse("1:") }),
      State.WARNING,
      "web: 1/4 in service (min 2, max 6), outside warning range 2:; launch in progress: i-2 Pending for 1m",
    ],
    [
      "crit-critical-range-replaces-default",
      group(1, 4, 6, [up(1), up(2), up(3), up(4)]),
      rules({ critical: Range.parse("5:") }),
      State.CRITICAL,
      "web: 4/4 in service (min 1, max 6), outside critical range 5:",
    ],
    [
      "ok-critical-range-replaces-min-rule",
      group(2, 2, 2, [up(1), moving(2, "Pending", 1)]),
      rules({ critical: Range.parse("1:") }),
      State.OK,
      "web: 1/2 in service (min 2, max 2), replacement in progress: i-2 Pending for 1m",
    ],
  ] as const)("%s", (_id, g, r, state, text) => {
    const j = judgeGroup(g, r, NOW);
    expect(j.text).toBe(text);
    expect(j.state).toBe(state);
  });

  it("a healthy group has no long-output line; a group with a note or a problem has one, with the details in JSON fields", () => {
    expect(judgeGroup(group(2, 2, 4, [up(1), up(2)]), rules(), NOW).finding).toBeUndefined();
    expect(judgeGroup(group(0, 0, 4, []), rules(), NOW).finding).toBeUndefined();
    const j = judgeGroup(group(2, 4, 6, [up(1), up(2), sick(3), moving(4, "Pending:Wait", 40)], ["Launch"]), rules(), NOW);
    expect(j.finding).toMatchObject({
      state: State.WARNING,
      group: "web",
      inService: 2,
      desired: 4,
      unhealthy: ["i-3"],
      stuck: [{ instanceId: "i-4", lifecycleState: "Pending:Wait", since: "2026-11-30T11:20:00.000Z", sinceFrom: "activity" }],
      suspended: ["Launch"],
    });
    expect(judgeGroup(group(2, 4, 6, [up(1), up(2), up(3), moving(4, "Pending", 3)]), rules(), NOW).finding?.state).toBe(State.OK);
  });

  it("the region is part of the label with several regions", () => {
    expect(judgeGroup(group(1, 1, 1, [up(1)]), rules(), NOW, true).text).toBe("us-east-1/web: 1/1 in service (min 1, max 1)");
  });
});

describe("perfdata", () => {
  it("groups, then per group in_service with the ranges in force, desired, unhealthy, pending", () => {
    const judged = [
      judgeGroup(group(2, 4, 6, [up(1), up(2), up(3), moving(4, "Pending", 3)]), rules(), NOW),
      judgeGroup({ ...group(0, 0, 3, []), name: "night" }, rules(), NOW),
      judgeGroup({ ...group(0, 2, 3, [up(1), sick(2)]), name: "min0" }, rules(), NOW),
    ];
    expect(groupMetrics(judged, false).map(renderMetric)).toEqual([
      "groups=3;;;0",
      "web.in_service=3;4:;2:;0;6",
      "web.desired=4;;;0;6",
      "web.unhealthy=0;;;0",
      "web.pending=1;;;0",
      "night.in_service=0;;;0;3",
      "night.desired=0;;;0;3",
      "night.unhealthy=0;;;0",
      "night.pending=0;;;0",
      "min0.in_service=1;2:;1:;0;3",
      "min0.desired=2;;;0;3",
      "min0.unhealthy=1;;;0",
      "min0.pending=0;;;0",
    ]);
    const ranged = judgeGroup(group(2, 4, 6, [up(1)]), rules({ warning: Range.parse("3:"), critical: Range.parse("@0:1") }), NOW);
    expect(renderMetric(groupMetrics([ranged], false)[1])).toBe("web.in_service=1;3:;@0:1;0;6");
  });
});

describe("summary and order", () => {
  const fine = (name: string) => judgeGroup({ ...group(1, 2, 3, [up(1), up(2)]), name }, rules(), NOW);
  const low = (name: string) => judgeGroup({ ...group(1, 2, 3, [up(1)]), name }, rules(), NOW);
  const down = (name: string) => judgeGroup({ ...group(1, 2, 3, []), name }, rules(), NOW);

  it("one group: its own line", () => {
    expect(summarize([fine("a")], [])).toBe("a: 2/2 in service (min 1, max 3)");
  });
  it("all fine: counts, and how many have notes", () => {
    const noted = judgeGroup({ ...group(1, 2, 3, [up(1), moving(2, "Pending", 1)]), name: "n" }, rules(), NOW);
    expect(summarize([fine("a"), fine("b"), noted], [])).toBe("3 groups OK, 5 of 6 desired instances in service (1 with notes)");
  });
  it("one problem among several names it; several give the worst first", () => {
    expect(summarize([fine("a"), low("b")], [])).toBe("b: 1/2 in service (min 1, max 3), below desired 2 (1 of 2 groups)");
    const sorted = [low("b"), fine("a"), down("c")].sort(worstFirst);
    expect(sorted.map((j) => j.group.name)).toEqual(["c", "b", "a"]);
    expect(summarize(sorted, [])).toBe("2 of 3 groups need attention; worst: c: 0/2 in service (min 1, max 3), below MinSize 1");
  });
  it("a missing group counts as a problem and comes first", () => {
    const missing = [{ state: State.CRITICAL, text: "gone: no Auto Scaling group of that name in us-east-1" }];
    expect(summarize([fine("a")], missing)).toBe("gone: no Auto Scaling group of that name in us-east-1 (1 of 2 groups)");
  });
});
