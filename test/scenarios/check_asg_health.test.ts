import { describe, expect, it } from "vitest";
import check from "../../checks/check_asg_health/index";
import type { Group, GroupInstance } from "../../checks/check_asg_health/judge";
import type { AsgHealthSource, RegionGroups } from "../../checks/check_asg_health/source";
import type { AsgSelection } from "../../src/aws/asg";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { denied, regional } from "./ports";

const NOW = new Date("2026-11-30T12:00:00Z");
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const up = (id: string): GroupInstance => ({ id, lifecycleState: "InService", healthy: true });
const sick = (id: string): GroupInstance => ({ id, lifecycleState: "InService", healthy: false });
const moving = (id: string, lifecycleState: string, minutes: number, launchedFor?: "scale-out" | "replacement"): GroupInstance => ({
  id,
  lifecycleState,
  healthy: true,
  since: ago(minutes),
  sinceFrom: "activity",
  launchedFor,
});

function group(name: string, min: number, desired: number, max: number, instances: GroupInstance[], suspendedProcesses: string[] = [], region = "eu-west-1"): Group {
  return { name, region, minSize: min, desiredCapacity: desired, maxSize: max, instances, suspendedProcesses };
}

/** One region's Auto Scaling as the check sees it: the selection is applied as AWS would apply it. */
function asg(groups: Group[] | Error, tags: Record<string, Record<string, string>> = {}): AsgHealthSource & { asked: AsgSelection[] } {
  const asked: AsgSelection[] = [];
  return {
    asked,
    groups: async (selection): Promise<RegionGroups> => {
      asked.push(selection);
      if (groups instanceof Error) throw groups;
      const carries = (g: Group) => selection.tags.every((t) => tags[g.name]?.[t.key] === t.value);
      const named = (g: Group) => selection.names.length === 0 || selection.names.includes(g.name);
      const found = groups.filter((g) => named(g) && carries(g));
      return { groups: found, missing: selection.names.filter((n) => !found.some((g) => g.name === n)) };
    },
  };
}

const one = (...groups: Group[]) => regional({ "eu-west-1": asg(groups) });

/** A fleet of four replacing one (desired 4, min 2): the new instance Pending for `minutes`. */
const replacingOneOfFour = (minutes: number) =>
  one(group("fleet", 2, 4, 6, [up("i-1"), up("i-2"), up("i-3"), moving("i-5", "Pending:Wait", minutes, "replacement"), { ...moving("i-4", "Terminating", minutes), healthy: false }]));

/** The seed's single self-healing instance (min = max = desired = 1) while Auto Scaling replaces it. */
const selfHealingReplaced = one(group("app", 1, 1, 1, [moving("i-9", "Pending", 4, "replacement")]));

describe("check_asg_health scenarios", () => {
  it.each([
    ["ok-all-in-service", [], one(group("web", 2, 4, 6, [up("i-1"), up("i-2"), up("i-3"), up("i-4")])), State.OK, "ASG OK: web: 4/4 in service (min 2, max 6)"],
    ["ok-scaled-to-zero", [], one(group("nightly", 0, 0, 4, [])), State.OK, "ASG OK: nightly: 0/0 in service (min 0, max 4), scaled to zero"],
    ["ok-scaled-to-zero-despite-ranges", ["-c", "1:"], one(group("nightly", 0, 0, 4, [])), State.OK, "scaled to zero"],
    [
      "ok-replacing-one-of-four-pending-3m",
      [],
      replacingOneOfFour(3),
      State.OK,
      "ASG OK: fleet: 3/4 in service (min 2, max 6), replacement in progress: i-5 Pending:Wait for 3m, i-4 Terminating for 3m; unhealthy i-4",
    ],
    [
      "warn-replacing-one-of-four-pending-40m",
      [],
      replacingOneOfFour(40),
      State.WARNING,
      "ASG WARNING: fleet: 3/4 in service (min 2, max 6), below desired 4; stuck (over 15m): i-5 Pending:Wait for 40m, i-4 Terminating for 40m; unhealthy i-4",
    ],
    ["ok-replacing-one-of-four-40m-stuck-after-1h", ["--stuck-after", "1h"], replacingOneOfFour(40), State.OK, "replacement in progress: i-5 Pending:Wait for 40m"],
    ["warn-replacing-one-of-four-3m-stuck-after-2", ["--stuck-after", "2"], replacingOneOfFour(3), State.WARNING, "stuck (over 2m): i-5 Pending:Wait for 3m"],
    [
      "crit-self-healing-instance-replaced",
      [],
      selfHealingReplaced,
      State.CRITICAL,
      "ASG CRITICAL: app: 0/1 in service (min 1, max 1), below MinSize 1; replacement in progress: i-9 Pending for 4m",
    ],
    [
      "ok-scale-out-in-progress",
      [],
      one(group("web", 2, 4, 6, [up("i-1"), up("i-2"), moving("i-3", "Pending", 2, "scale-out"), moving("i-4", "Pending", 2, "scale-out")])),
      State.OK,
      "scale-out in progress: i-3 Pending for 2m, i-4 Pending for 2m",
    ],
    ["warn-below-desired", [], one(group("web", 2, 4, 6, [up("i-1"), up("i-2"), up("i-3")])), State.WARNING, "ASG WARNING: web: 3/4 in service (min 2, max 6), below desired 4"],
    ["crit-below-min", [], one(group("web", 2, 4, 6, [up("i-1")])), State.CRITICAL, "ASG CRITICAL: web: 1/4 in service (min 2, max 6), below MinSize 2"],
    ["crit-none-in-service-min-0", [], one(group("web", 0, 2, 4, [])), State.CRITICAL, "web: 0/2 in service (min 0, max 4), none in service"],
    [
      "warn-stuck-terminating",
      [],
      one(group("web", 1, 2, 3, [up("i-1"), up("i-2"), moving("i-3", "Terminating:Wait", 61)])),
      State.WARNING,
      "stuck (over 15m): i-3 Terminating:Wait for 1h 1m",
    ],
    ["warn-unhealthy-named", [], one(group("web", 1, 3, 4, [up("i-1"), up("i-2"), sick("i-3")])), State.WARNING, "below desired 3; unhealthy i-3"],
    ["warn-suspended-named", [], one(group("web", 1, 2, 3, [up("i-1"), up("i-2")], ["ReplaceUnhealthy", "AZRebalance"])), State.WARNING, "suspended ReplaceUnhealthy, AZRebalance"],
    [
      "ok-suspended-allowed",
      ["--allow-suspended", "ReplaceUnhealthy", "--allow-suspended", "azrebalance"],
      one(group("web", 1, 2, 3, [up("i-1"), up("i-2")], ["ReplaceUnhealthy", "AZRebalance"])),
      State.OK,
      "suspended (allowed) ReplaceUnhealthy, AZRebalance",
    ],
    ["ok-warning-range-replaces-default", ["-w", "2:"], one(group("web", 2, 4, 6, [up("i-1"), up("i-2"), up("i-3")])), State.OK, "ASG OK: web: 3/4 in service (min 2, max 6)"],
    ["warn-warning-range", ["-w", "4:", "-c", "1:"], one(group("web", 2, 4, 6, [up("i-1")])), State.WARNING, "outside warning range 4:"],
    ["crit-critical-range-replaces-default", ["-c", "5:"], one(group("web", 1, 4, 6, [up("i-1"), up("i-2"), up("i-3"), up("i-4")])), State.CRITICAL, "outside critical range 5:"],
    [
      "crit-missing-asg-named",
      ["--asg", "web", "--asg", "gone"],
      one(group("web", 1, 1, 1, [up("i-1")])),
      State.CRITICAL,
      "ASG CRITICAL: gone: no Auto Scaling group of that name in eu-west-1 (1 of 2 groups)",
    ],
    ["unknown-tag-matches-nothing", ["--tag", "env=prod"], one(group("web", 1, 1, 1, [up("i-1")])), State.UNKNOWN, "ASG UNKNOWN: no Auto Scaling group carrying env=prod in eu-west-1"],
    ["unknown-no-group-in-region", [], one(), State.UNKNOWN, "ASG UNKNOWN: no Auto Scaling group in eu-west-1"],
    [
      "unknown-access-denied",
      [],
      regional({ "eu-west-1": asg(denied("autoscaling:DescribeAutoScalingGroups")) }),
      State.UNKNOWN,
      "ASG UNKNOWN: access denied: the credentials may not call autoscaling:DescribeAutoScalingGroups",
    ],
    ["unknown-bad-stuck-after", ["--stuck-after", "soon"], one(), State.UNKNOWN, "ASG UNKNOWN: --stuck-after: invalid duration 'soon'"],
    [
      "unknown-other-region-failed",
      [],
      regional({ "eu-west-1": asg([group("web", 1, 1, 1, [up("i-1")])]), "us-east-1": asg(denied("autoscaling:DescribeAutoScalingGroups")) }),
      State.UNKNOWN,
      "[UNKNOWN] region us-east-1: access denied: the credentials may not call autoscaling:DescribeAutoScalingGroups",
    ],
    [
      "crit-other-region-failed-does-not-hide",
      [],
      regional({ "eu-west-1": asg([group("web", 2, 4, 6, [up("i-1")])]), "us-east-1": asg(denied("autoscaling:DescribeAutoScalingGroups")) }),
      State.CRITICAL,
      "; 1 region(s) could not be read",
    ],
  ] as const)("%s", async (_id, argv, fixture, state, text) => {
    const r = await runCheck(check, [...argv], { port: fixture, now: () => NOW });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });

  it("passes --asg and --tag to the source as the selection", async () => {
    const source = asg([group("web", 1, 1, 1, [up("i-1")])], { web: { env: "prod" } });
    const r = await runCheck(check, ["--asg", "web", "--tag", "env=prod"], { port: regional({ "eu-west-1": source }), now: () => NOW });
    expect(r.exitCode).toBe(State.OK);
    expect(source.asked).toEqual([{ names: ["web"], tags: [{ key: "env", value: "prod" }] }]);
  });

  it("long output: one line per group with something to say, worst first; perfdata with the ranges in force", async () => {
    const r = await runCheck(check, [], {
      port: one(group("web", 2, 4, 6, [up("i-1"), up("i-2"), up("i-3"), up("i-4")]), group("app", 1, 1, 1, []), group("jobs", 1, 2, 3, [up("i-7"), up("i-8")], ["AZRebalance"])),
      now: () => NOW,
    });
    expect(r.exitCode).toBe(State.CRITICAL);
    expect(r.stdout).toBe(
      "ASG CRITICAL: 2 of 3 groups need attention; worst: app: 0/1 in service (min 1, max 1), below MinSize 1\n" +
        "[CRITICAL] app: 0/1 in service (min 1, max 1), below MinSize 1\n" +
        "[WARNING] jobs: 2/2 in service (min 1, max 3), suspended AZRebalance | groups=3;;;0 " +
        "app.in_service=0;1:;1:;0;1 app.desired=1;;;0;1 app.unhealthy=0;;;0 app.pending=0;;;0 " +
        "jobs.in_service=2;2:;1:;0;3 jobs.desired=2;;;0;3 jobs.unhealthy=0;;;0 jobs.pending=0;;;0 " +
        "web.in_service=4;4:;2:;0;6 web.desired=4;;;0;6 web.unhealthy=0;;;0 web.pending=0;;;0\n",
    );
  });

  it("several regions: labels carry the region; a group is missing only where no region has it", async () => {
    const r = await runCheck(check, ["--asg", "web", "--asg", "api"], {
      port: regional({ "eu-west-1": asg([group("web", 1, 1, 1, [up("i-1")])]), "us-east-1": asg([group("api", 1, 1, 1, [up("i-2")], [], "us-east-1")]) }),
      now: () => NOW,
    });
    expect(r.exitCode).toBe(State.OK);
    expect(r.stdout).toContain("ASG OK: 2 groups OK, 2 of 2 desired instances in service");
    expect(r.stdout).toContain("eu-west-1/web.in_service=1;1:;1:;0;1");
    expect(r.stdout).toContain("us-east-1/api.in_service=1;1:;1:;0;1");
  });
});
