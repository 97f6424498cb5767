import { humanDuration, isoUtc } from "../../src/duration";
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

export interface JudgedEvent {
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
