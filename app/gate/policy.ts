import { State, stateName, worst } from "../../src/state";

/**
 * When the gate fails. A check fails when its state is at or above `failOn` in exit-code order
 * OK < WARNING < CRITICAL < UNKNOWN, unless its entry allows that state. UNKNOWN is last on purpose:
 * a check that could not tell (no credentials, a timeout) fails under every policy, so a broken gate
 * never reads as green.
 */
export interface Policy {
  failOn: State.WARNING | State.CRITICAL | State.UNKNOWN;
}

export function parseFailOn(text: string): Policy["failOn"] | undefined {
  switch (text.toLowerCase()) {
    case "warning":
      return State.WARNING;
    case "critical":
      return State.CRITICAL;
    case "unknown":
      return State.UNKNOWN;
    default:
      return undefined;
  }
}

export function failOnName(policy: Policy): string {
  return stateName(policy.failOn).toLowerCase();
}

/** Whether one check's state fails the gate. */
export function fails(state: State, allowed: readonly State[], policy: Policy): boolean {
  return state !== State.OK && state >= policy.failOn && !allowed.includes(state);
}

/**
 * The gate's own state and exit code: the worst failing state in the suite's worst-of order
 * (OK < UNKNOWN < WARNING < CRITICAL), so one check that could not tell never hides a real CRITICAL;
 * OK when nothing fails.
 */
export function gateState(failing: readonly State[]): State {
  return worst(...failing);
}
