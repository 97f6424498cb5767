import { bySeverityDesc, State, stateName } from "../../src/state";
import type { GatePlan } from "./config";
import { failOnName, gateState, type Policy } from "./policy";
import type { CheckResult } from "./result";

/** A finished gate: everything every output format needs. */
export interface GateOutcome {
  file: string;
  plan: GatePlan;
  policy: Policy;
  results: CheckResult[];
  state: State;
  startedAt: Date;
  durationMs: number;
}

export function outcomeOf(file: string, plan: GatePlan, policy: Policy, results: CheckResult[], startedAt: Date, durationMs: number): GateOutcome {
  return { file, plan, policy, results, state: gateState(results.filter((r) => r.failed).map((r) => r.state)), startedAt, durationMs };
}

/** Failures first, then the rest, each worst first; file order among equals. */
export function displayOrder(results: readonly CheckResult[]): CheckResult[] {
  return [...results].sort((a, b) => Number(b.failed) - Number(a.failed) || bySeverityDesc(a.state, b.state));
}

const MAX_NAMED = 3;

/** The gate's one-line verdict, e.g. `2 of 20 checks failed: events-prod, backups`. */
export function headline(outcome: GateOutcome): string {
  const { results, policy } = outcome;
  const failed = results.filter((r) => r.failed);
  if (failed.length > 0) {
    const named = displayOrder(failed).slice(0, MAX_NAMED).map((r) => r.entry.name);
    const more = failed.length > MAX_NAMED ? ` and ${failed.length - MAX_NAMED} more` : "";
    return `${failed.length} of ${results.length} check(s) failed: ${named.join(", ")}${more}`;
  }
  const notOk = results.filter((r) => r.state !== State.OK);
  const tail = notOk.length === 0 ? "" : `, ${notOk.length} not OK but allowed or below --fail-on ${failOnName(policy)}`;
  return `all ${results.length} check(s) passed${tail}`;
}

/** How a passing non-OK check got through, for the long output and the table. */
export function passNote(result: CheckResult, policy: Policy): string | undefined {
  if (result.failed || result.state === State.OK) return undefined;
  return result.entry.allowed.includes(result.state) ? `${stateName(result.state)} allowed` : `below --fail-on ${failOnName(policy)}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}
