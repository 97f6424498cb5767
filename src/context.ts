import type { Report } from "./report";

/** What a check's connect and evaluate steps get from the runner: its clock, deadline and debug lines. */
export interface Context {
  /** Aborted when the run's deadline (`-t`) passes; pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds at which the run's deadline passes. */
  readonly deadline: number;
  readonly timeoutSeconds: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly verbosity: number;
  now(): Date;
  /** Names what the check is doing, for the timeout message ("timed out after 10s while <stage>"). */
  stage(name: string): void;
  /**
   * What the deadline means from now on, when it means more than "timed out" (a mount still silent when
   * it passes is hung: CRITICAL). `undefined` goes back to the plain UNKNOWN timeout.
   */
  onTimeout(report: ((seconds: number) => Report) | undefined): void;
  /** A line of long output shown from verbosity `level` up (`-v`, `-vv`, `-vvv`). */
  debug(level: 1 | 2 | 3, text: string): void;
  /** Milliseconds left until the deadline (never negative). */
  remainingMs(): number;
}
