/** What a check's evaluate step gets from the runner: its clock, deadline and a place for debug lines. */
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
  /** A line of long output shown from verbosity `level` up (`-v`, `-vv`, `-vvv`). */
  debug(level: 1 | 2 | 3, text: string): void;
  /** Milliseconds left until the deadline (never negative). */
  remainingMs(): number;
}
