import type { OptionSpec as Options } from "./help";
import type { Context } from "./context";
import type { Format } from "./render";
import type { Report } from "./report";

export type ParsedArgs = Record<string, unknown>;

/** One command of the suite: its options, how to turn them into typed input, and how to evaluate it. */
export interface CheckDefinition<O = unknown> {
  /** Command name, e.g. `check_instance_events`. */
  name: string;
  /** First word of the output, e.g. `EVENTS`. */
  prefix: string;
  /** One line: what it checks. */
  summary: string;
  /** Longer help text shown under the usage line. */
  description?: string;
  /** Command-specific options. Shared groups are added by `aws` and the library. */
  options: Record<string, Options>;
  /** Adds the AWS option group. */
  aws?: boolean;
  /** Shown at the end of `--help`; the first is the one a user most likely wants. */
  examples: string[];
  /** Validates and converts parsed arguments; throws UsageError naming the option. */
  parse(args: ParsedArgs): O;
  run(options: O, ctx: Context): Promise<Report>;
  /** Maps a thrown error to a report (e.g. the AWS error mapping); default: UNKNOWN with its message. */
  mapError?(err: unknown): Report | undefined;
  /** Replaces the Nagios rendering (the `serverscore` probe prints a bare number). */
  print?(report: Report, format: Format): string;
  /** Report to give when the whole-run deadline passes; default UNKNOWN "timed out". */
  onTimeout?(stage: string, seconds: number): Report | undefined;
}

/** An entry of the multi-call binary: cheap metadata, and the definition loaded only when run. */
export interface CommandEntry {
  name: string;
  summary: string;
  hidden?: boolean;
  load(): Promise<AnyCheck>;
}

// Options differ per check; the runner only passes parse()'s result back to run().
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCheck = CheckDefinition<any>;
