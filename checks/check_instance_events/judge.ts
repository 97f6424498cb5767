import { humanDuration, isoUtc } from "../../src/duration";
import type { Metric } from "../../src/metric";
import { Range } from "../../src/range";
import type { Finding } from "../../src/report";
import { State } from "../../src/state";

/** A scheduled event as both the EC2 API and IMDS describe it. */
export interface ScheduledEvent {
  instanceId: string;
  name?: string;
  region?: string;
  code: string;
  description: string;
  notBefore: Date;
}

export interface EventRules {
  /** Seconds: WARNING when the event starts within this; undefined = every pending event warns. */
  warningSeconds?: number;
  /** Seconds: CRITICAL when the event starts within this. */
  criticalSeconds: number;
  ignoreCodes: string[];
}

// AWS keeps completed events describable for a week and prefixes them; canceled ones likewise.
const OVER = /^\s*\[(completed|canceled|cancelled)\]/i;

export function isOver(event: ScheduledEvent): boolean {
  return OVER.test(event.description);
}

interface JudgedEvent {
  event: ScheduledEvent;
  secondsUntil: number;
  finding: Finding;
}

/** Judges one pending event by how soon it starts; one already started is CRITICAL. */
export function judgeEvent(event: ScheduledEvent, rules: EventRules, now: Date): JudgedEvent {
  const secondsUntil = Math.round((event.notBefore.getTime() - now.getTime()) / 1000);
  let state: State;
  if (secondsUntil <= 0 || secondsUntil <= rules.criticalSeconds) state = State.CRITICAL;
  else if (rules.warningSeconds === undefined || secondsUntil <= rules.warningSeconds) state = State.WARNING;
  else state = State.OK;
  const who = event.name ? `${event.instanceId} (${event.name})` : event.instanceId;
  const when = secondsUntil <= 0 ? `started ${humanDuration(-secondsUntil)} ago` : `in ${humanDuration(secondsUntil)}`;
  const where = event.region ? ` [${event.region}]` : "";
  return {
    event,
    secondsUntil,
    finding: {
      state,
      text: `${who}${where} ${event.code} at ${isoUtc(event.notBefore)}, ${when}: ${event.description}`,
      instanceId: event.instanceId,
      code: event.code,
      notBefore: isoUtc(event.notBefore),
      secondsUntil,
    },
  };
}

/** The pending events worth judging: not over and not ignored, nearest first. */
export function judgeEvents(events: readonly ScheduledEvent[], rules: EventRules, now: Date): JudgedEvent[] {
  return events
    .filter((e) => !isOver(e) && !rules.ignoreCodes.includes(e.code))
    .map((e) => judgeEvent(e, rules, now))
    .sort((a, b) => a.secondsUntil - b.secondsUntil);
}

/** Why an event read is not judged, for `-v`; undefined when it is judged. */
export function whyNotJudged(event: ScheduledEvent, rules: EventRules): string | undefined {
  if (isOver(event)) return `over, not judged: ${event.instanceId} ${event.code}: ${event.description}`;
  if (rules.ignoreCodes.includes(event.code)) return `ignored code: ${event.instanceId} ${event.code}`;
  return undefined;
}

export function summarize(judged: JudgedEvent[], instances: number): string {
  if (judged.length === 0) return `no scheduled events on ${instances} instance(s)`;
  const next = judged[0];
  const when = next.secondsUntil <= 0 ? `started ${humanDuration(-next.secondsUntil)} ago` : `in ${humanDuration(next.secondsUntil)}`;
  return `${judged.length} scheduled event(s) on ${instances} instance(s); next: ${next.event.instanceId} ${next.event.code} ${when}`;
}

export function metrics(judged: JudgedEvent[], instances: number, rules: EventRules): Metric[] {
  const out: Metric[] = [
    { label: "events", value: judged.length, min: 0 },
    { label: "instances", value: instances, min: 0 },
  ];
  if (judged.length > 0) {
    out.push({
      label: "next_event",
      value: judged[0].secondsUntil,
      uom: "s",
      // Alert when the nearest event is closer than the threshold: the range `N:`.
      warning: rules.warningSeconds === undefined ? undefined : Range.below(rules.warningSeconds),
      critical: Range.below(rules.criticalSeconds),
    });
  }
  return out;
}
