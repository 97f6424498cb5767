import { State } from "../../src/state";
import type { GateEntry } from "./config";

/** What one check of the gate gave. */
export interface CheckResult {
  entry: GateEntry;
  state: State;
  /** The check's whole plugin output. */
  output: string;
  durationMs: number;
  /** Fails the gate under the policy in force. */
  failed: boolean;
}

const FIRST_LINE = /^[A-Z][A-Z0-9_]* (OK|WARNING|CRITICAL|UNKNOWN): /;

/** The first line without its `PREFIX STATE: ` and perfdata: what a person wants to read in a table. */
export function summaryOf(output: string): string {
  const first = output.split("\n")[0].split("|")[0].trim();
  return first.replace(FIRST_LINE, "") || "(no output)";
}

/** An exit code outside 0–3 cannot come from runCheck; treat anything odd as "could not tell". */
export function stateOf(exitCode: number): State {
  return [State.OK, State.WARNING, State.CRITICAL, State.UNKNOWN].includes(exitCode) ? (exitCode as State) : State.UNKNOWN;
}
