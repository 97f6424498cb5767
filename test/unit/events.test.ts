import { describe, expect, it } from "vitest";
import { isOver, judgeEvent, type ScheduledEvent } from "../../checks/check_instance_events/judge";
import { parseImdsDate } from "../../checks/check_instance_events/self";
import { State } from "../../src/state";

const NOW = new Date("2026-11-23T12:00:00Z");
const HOUR = 3600;
const DAY = 86400;

function event(inSeconds: number, description = "scheduled reboot", code = "system-reboot"): ScheduledEvent {
  return { instanceId: "i-0123456789abcdef0", name: "web-1", code, description, notBefore: new Date(NOW.getTime() + inSeconds * 1000) };
}

describe("judging one scheduled event", () => {
  const defaults = { criticalSeconds: 3 * DAY, ignoreCodes: [] };
  it.each([
    ["crit-already-started", -HOUR, defaults, State.CRITICAL],
    ["crit-starting-now", 0, defaults, State.CRITICAL],
    ["crit-within-3d", 2 * DAY, defaults, State.CRITICAL],
    ["crit-exactly-3d", 3 * DAY, defaults, State.CRITICAL],
    ["warn-default-every-pending-event-warns", 30 * DAY, defaults, State.WARNING],
    ["warn-within-warning", 10 * DAY, { ...defaults, warningSeconds: 14 * DAY }, State.WARNING],
    ["ok-beyond-warning", 20 * DAY, { ...defaults, warningSeconds: 14 * DAY }, State.OK],
  ])("%s", (_id, inSeconds, rules, expected) => {
    expect(judgeEvent(event(inSeconds), rules, NOW).finding.state).toBe(expected);
  });

  it("names the instance, its Name tag, the code, NotBefore in UTC and the time until it", () => {
    const { finding } = judgeEvent(event(DAY + 2 * HOUR), defaults, NOW);
    expect(finding.text).toBe(
      "i-0123456789abcdef0 (web-1) system-reboot at 2026-11-24T14:00:00Z, in 1d 2h: scheduled reboot",
    );
  });

  it("says how long ago an event started", () => {
    expect(judgeEvent(event(-90 * 60), defaults, NOW).finding.text).toContain("started 1h 30m ago");
  });
});

describe("events that are over", () => {
  it.each(["[Completed] scheduled reboot", "[completed] x", "[Canceled] scheduled reboot", "[CANCELLED] x", " [Completed] x"])(
    "'%s' is over",
    (d) => expect(isOver(event(DAY, d))).toBe(true),
  );
  it.each(["scheduled reboot", "Completed soon", "The instance is [Completed]"])("'%s' is pending", (d) =>
    expect(isOver(event(DAY, d))).toBe(false),
  );
});

describe("IMDS dates", () => {
  it("reads the IMDS format as UTC", () => {
    expect(parseImdsDate("21 Jan 2019 09:00:43 GMT").toISOString()).toBe("2019-01-21T09:00:43.000Z");
    expect(parseImdsDate("5 Dec 2026 23:59:59 GMT").toISOString()).toBe("2026-12-05T23:59:59.000Z");
  });
  it.each(["2019-01-21T09:00:43Z", "21 Foo 2019 09:00:43 GMT", ""])("rejects '%s'", (text) => {
    expect(() => parseImdsDate(text)).toThrow(/unparseable date/);
  });
});
