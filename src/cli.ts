import { parseArgv, scanArgv } from "./argv";
import type { AnyCheck as CheckDefinition, ParsedArgs } from "./definition";
import { UsageError } from "./errors";
import { AWS_OPTIONS } from "./aws/options";
import { type OptionSpec, renderHelp } from "./help";
import { parseState, State } from "./state";
import { Thresholds } from "./thresholds";

/** Options every command has. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  timeout: {
    alias: "t",
    type: "string",
    placeholder: "SECONDS",
    default: "10",
    describe: "Whole-run deadline; on expiry UNKNOWN naming the stage reached",
    group: "General:",
  },
  verbose: { alias: "v", type: "count", describe: "More detail in the long output (up to -vvv)", group: "General:" },
  format: {
    type: "string",
    placeholder: "FORMAT",
    default: "nagios",
    choices: ["nagios", "json", "openmetrics"],
    describe: "nagios (plugin output), json (one object) or openmetrics (Prometheus text); same exit code",
    group: "General:",
  },
  help: { alias: "h", type: "boolean", describe: "Show this help and exit 3", group: "General:" },
  version: { alias: "V", type: "boolean", describe: "Show the version and exit 3", group: "General:" },
};

/** `-w`/`-c` with help text naming what they judge. */
export function thresholdOptions(what: { warning: string; critical: string; placeholder?: string }): Record<string, OptionSpec> {
  return {
    warning: { alias: "w", type: "string", placeholder: what.placeholder ?? "RANGE", describe: what.warning, group: "Thresholds:" },
    critical: { alias: "c", type: "string", placeholder: what.placeholder ?? "RANGE", describe: what.critical, group: "Thresholds:" },
  };
}

/**
 * Rewrites argv as `--name=value` and `--name` items (for callers that inspect which options were
 * given, such as the gate). Throws the same UsageError parseArgs would.
 */
export function normalizeArgv(argv: string[], options: Record<string, OptionSpec>): string[] {
  return scanArgv(argv, options).map((t) => (t.value === undefined ? `--${t.name}` : `--${t.name}=${t.value}`));
}

export function allOptions(def: CheckDefinition): Record<string, OptionSpec> {
  return { ...def.options, ...(def.aws ? AWS_OPTIONS : {}), ...COMMON_OPTIONS };
}

export function helpText(def: CheckDefinition): string {
  return renderHelp({ ...def, options: allOptions(def) });
}

/** Parses argv strictly; every problem is a UsageError naming the option. */
export function parseArgs(def: CheckDefinition, argv: string[]): ParsedArgs {
  return parseArgv(argv, allOptions(def));
}

/** Every value given for a repeatable option, in order (also splits nothing: commas are data). */
export function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The last value of a non-repeatable option, as getopt does when an option is repeated. */
export function one(value: unknown): string | undefined {
  const all = list(value);
  return all.length === 0 ? undefined : all[all.length - 1];
}

export function positiveNumber(value: unknown, option: string, fallback: number): number {
  const text = one(value);
  if (text === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new UsageError(`${option}: expected a positive number, got '${text}'`);
  return Number(text);
}

export function positiveInteger(value: unknown, option: string, fallback: number): number {
  const n = positiveNumber(value, option, fallback);
  if (!Number.isInteger(n)) throw new UsageError(`${option}: expected a whole number, got '${one(value)}'`);
  return n;
}

export function stateOption(value: unknown, option: string, fallback: State): State {
  const text = one(value);
  if (text === undefined) return fallback;
  const state = parseState(text);
  if (state === undefined) throw new UsageError(`${option}: expected ok, warning, critical or unknown, got '${text}'`);
  return state;
}

/** `KEY=VALUE` pairs of a repeatable option such as `--tag`. */
export function keyValues(value: unknown, option: string): { key: string; value: string }[] {
  return list(value).map((text) => {
    const eq = text.indexOf("=");
    if (eq <= 0) throw new UsageError(`${option}: expected KEY=VALUE, got '${text}'`);
    return { key: text.slice(0, eq), value: text.slice(eq + 1) };
  });
}

/** `-w`/`-c` as ranges, with the command's defaults when not given. */
export function rangeThresholds(args: ParsedArgs, defaults: { warning?: string; critical?: string } = {}): Thresholds {
  return Thresholds.parse(one(args.warning) ?? defaults.warning, one(args.critical) ?? defaults.critical);
}
