import type { Context } from "./context";
import type { OptionSpecs, Values } from "./options";
import type { Format } from "./render";
import type { Report } from "./report";

/**
 * One command of the suite, read top to bottom: its options, the port it reads through (`connect`), and
 * how it judges what it read (`evaluate`). Tests hand `runCheck` a fixture port instead of `connect`.
 */
export interface CheckDefinition<S extends OptionSpecs = OptionSpecs, P = unknown> {
  /** Command name, e.g. `check_instance_events`. */
  name: string;
  /** First word of the output, e.g. `EVENTS`. */
  prefix: string;
  /** One line: what it checks. */
  summary: string;
  /** Longer help text shown under the usage line. */
  description?: string;
  /** Every option of the command (the general ones, -t -v -h -V --format, are added by the library). */
  options: S;
  /** The IAM actions the command may call; the README's policy is tested against this list. */
  iam?: readonly IamAction[];
  /** Shown at the end of `--help`; the first is the one a user most likely wants. */
  examples: readonly string[];
  /**
   * Checks between options (`--self` with `--tag`, …); throws a UsageError naming them. `given` holds the
   * long names of the options on the command line (a default is not "given").
   */
  validate?(options: Values<S>, given: ReadonlySet<string>): void;
  /**
   * Builds the real adapter (the check's `source.ts`) from the options; nothing is read yet. Import the
   * source here (`await import("./source")`) so that SDK code loads only when a run needs it.
   */
  connect?(options: Values<S>, ctx: Context): P | Promise<P>;
  /** Reads through the port and judges. Throw CheckError for a known condition. */
  evaluate(options: Values<S>, port: P, ctx: Context): Promise<Report>;
  /** Replaces the Nagios rendering (the `serverscore` probe prints a bare number). */
  print?(report: Report, format: Format): string;
}

/** An IAM action and, when it is not always called, the option that makes the check call it. */
interface IamAction {
  action: string;
  when?: string;
}

/** Only for type inference: `export default defineCheck({...})` types options and port from the object. */
export function defineCheck<S extends OptionSpecs, P>(def: CheckDefinition<S, P>): CheckDefinition<S, P> {
  return def;
}

/** An entry of the multi-call binary: cheap metadata, and the definition loaded only when run. */
export interface CommandEntry {
  name: string;
  summary: string;
  hidden?: boolean;
  load(): Promise<AnyCheck>;
}

// Options and ports differ per check; the runner only passes them from one step to the next.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = CheckDefinition<any, any>;
