import { State } from "./state";

/** An error that already knows the plugin state and the one-line reason to print. */
export class CheckError extends Error {
  constructor(
    message: string,
    readonly state: State = State.UNKNOWN,
  ) {
    super(message);
    this.name = "CheckError";
  }
}

/** Bad command-line input: always UNKNOWN, exit 3. */
export class UsageError extends CheckError {
  constructor(message: string) {
    super(message, State.UNKNOWN);
    this.name = "UsageError";
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
