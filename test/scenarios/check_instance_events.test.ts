import { describe, expect, it } from "vitest";
import check from "../../checks/check_instance_events/index";
import type { EventsPort, EventsSource, RegionEvents } from "../../checks/check_instance_events/source";
import type { ScheduledEvent } from "../../checks/check_instance_events/judge";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { denied, regional } from "./ports";

const NOW = new Date("2026-11-23T12:00:00Z");
const DAY = 86400_000;
const ID = "i-0123456789abcdef0";

function event(inMs: number, description = "scheduled reboot", code = "system-reboot"): ScheduledEvent {
  return { instanceId: ID, region: "eu-west-1", code, description, notBefore: new Date(NOW.getTime() + inMs) };
}

/** One region's EC2 as the check sees it. */
function ec2(read: RegionEvents | Error, names: Record<string, string> = { [ID]: "web-1" }): EventsSource {
  return {
    read: async () => {
      if (read instanceof Error) throw read;
      return { ...read, events: read.events.map((e) => ({ ...e })) };
    },
    names: async (ids) => new Map(ids.map((id) => [id, names[id]])),
  };
}

function port(byRegion: Record<string, EventsSource>, self: ScheduledEvent[] = []): EventsPort {
  return { regional: regional(byRegion), self: async () => ({ instanceId: ID, events: self }) };
}

const one = (events: ScheduledEvent[], instances = 3) => port({ "eu-west-1": ec2({ instances, events }) });

describe("check_instance_events scenarios", () => {
  it.each([
    ["ok-no-instance", [], one([], 0), State.OK, "EVENTS OK: no scheduled events on 0 instance(s)"],
    ["ok-no-event", [], one([]), State.OK, "EVENTS OK: no scheduled events on 3 instance(s)"],
    ["ok-completed-event-never-alerts", [], one([event(-DAY, "[Completed] reboot")]), State.OK, "no scheduled events"],
    ["ok-canceled-event-never-alerts", [], one([event(DAY, "[Canceled] reboot")]), State.OK, "no scheduled events"],
    ["ok-beyond-warning", ["-w", "7d"], one([event(10 * DAY)]), State.OK, "1 scheduled event(s)"],
    ["ok-ignored-code", ["--ignore-code", "system-reboot"], one([event(DAY)]), State.OK, "no scheduled events"],
    ["warn-every-pending-event-by-default", [], one([event(10 * DAY)]), State.WARNING, `next: ${ID} system-reboot in 10d`],
    ["warn-within-warning", ["-w", "14d"], one([event(10 * DAY)]), State.WARNING, "in 10d"],
    ["crit-within-default-3d", [], one([event(2 * DAY)]), State.CRITICAL, "in 2d"],
    ["crit-within-critical", ["-c", "12d"], one([event(10 * DAY)]), State.CRITICAL, "in 10d"],
    ["crit-already-started", [], one([event(-3600_000)]), State.CRITICAL, "started 1h ago"],
    ["crit-self-from-imds", ["--self"], port({}, [event(DAY)]), State.CRITICAL, "on 1 instance(s)"],
    ["unknown-tag-matches-nothing", ["--tag", "env=prod"], one([], 0), State.UNKNOWN, "no instance matches --tag env=prod"],
    ["unknown-access-denied", [], port({ "eu-west-1": ec2(denied("ec2:DescribeInstanceStatus")) }), State.UNKNOWN, "access denied: the credentials may not call ec2:DescribeInstanceStatus"],
    ["unknown-self-with-tag", ["--self", "--tag", "a=b"], one([]), State.UNKNOWN, "--self cannot be combined with --instance-id or --tag"],
    [
      "unknown-other-region-failed",
      [],
      port({ "eu-west-1": ec2({ instances: 1, events: [] }), "us-east-1": ec2(denied("ec2:DescribeInstanceStatus")) }),
      State.UNKNOWN,
      "[UNKNOWN] region us-east-1: access denied: the credentials may not call ec2:DescribeInstanceStatus",
    ],
    [
      "warn-other-region-failed",
      [],
      port({ "eu-west-1": ec2({ instances: 1, events: [event(10 * DAY)] }), "us-east-1": ec2(denied("ec2:DescribeInstanceStatus")) }),
      State.WARNING,
      "; 1 region(s) could not be read",
    ],
  ])("%s", async (_id, argv, fixture, state, text) => {
    const r = await runCheck(check, argv, { port: fixture, now: () => NOW });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });

  it("names the instance by its Name tag and prints the next event's perfdata", async () => {
    const r = await runCheck(check, ["-w", "14d"], { port: one([event(10 * DAY)]), now: () => NOW });
    expect(r.stdout).toContain(`[WARNING] ${ID} (web-1) [eu-west-1] system-reboot at 2026-12-03T12:00:00Z`);
    expect(r.stdout).toContain("next_event=864000s;1209600:;259200:");
  });
});
