/** Plugin states; the numeric value is the exit code. */
export enum State {
  OK = 0,
  WARNING = 1,
  CRITICAL = 2,
  UNKNOWN = 3,
}

// Worst-of order is not the exit-code order: a failed lookup (UNKNOWN) must never hide a real problem.
const SEVERITY: Record<State, number> = {
  [State.OK]: 0,
  [State.UNKNOWN]: 1,
  [State.WARNING]: 2,
  [State.CRITICAL]: 3,
};

export function stateName(state: State): string {
  return State[state];
}

/** The more severe of the given states (OK when none). */
export function worst(...states: State[]): State {
  let result = State.OK;
  for (const s of states) if (SEVERITY[s] > SEVERITY[result]) result = s;
  return result;
}

/** Sort comparator: most severe first. */
export function bySeverityDesc(a: State, b: State): number {
  return SEVERITY[b] - SEVERITY[a];
}

const BY_NAME: Record<string, State> = {
  ok: State.OK,
  warning: State.WARNING,
  critical: State.CRITICAL,
  unknown: State.UNKNOWN,
};

/** Parses `ok|warning|critical|unknown` (any case), as options like `--unreachable` take. */
export function parseState(text: string): State | undefined {
  return BY_NAME[text.toLowerCase()];
}
