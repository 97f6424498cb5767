import yargs from "yargs";
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
    placeholder: "nagios|json",
    default: "nagios",
    choices: ["nagios", "json"],
    describe: "Plugin output, or one JSON object (same exit code)",
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

function optionNames(options: Record<string, OptionSpec>) {
  const valued = new Map<string, string>(); // flag as typed -> long name
  for (const [name, spec] of Object.entries(options)) {
    if (spec.type === "boolean" || spec.type === "count") continue;
    const aliases = spec.alias === undefined ? [] : Array.isArray(spec.alias) ? spec.alias : [spec.alias];
    for (const n of [name, ...aliases]) valued.set(n.length === 1 ? `-${n}` : `--${n}`, name);
  }
  return valued;
}

/**
 * getopt semantics yargs lacks: `-w -10:-2` and `-w10` take the next (or attached) text as the value
 * even when it starts with `-`. Rewriting to `--name=value` before yargs sees it keeps yargs strict.
 */
export function normalizeArgv(argv: string[], options: Record<string, OptionSpec>): string[] {
  const valued = optionNames(options);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const long = valued.get(arg);
    if (long !== undefined) {
      // yargs would quietly use the default for a trailing `-t`; getopt calls it a missing argument.
      if (i + 1 >= argv.length) throw new UsageError(`--${long}: missing value`);
      out.push(`--${long}=${argv[++i]}`);
      continue;
    }
    const attached = /^-([A-Za-z])(.+)$/.exec(arg);
    const shortLong = attached ? valued.get(`-${attached[1]}`) : undefined;
    if (attached && shortLong !== undefined) {
      out.push(`--${shortLong}=${attached[2].replace(/^=/, "")}`);
      continue;
    }
    out.push(arg);
  }
  return out;
}

export function allOptions(def: CheckDefinition): Record<string, OptionSpec> {
  return { ...def.options, ...(def.aws ? AWS_OPTIONS : {}), ...COMMON_OPTIONS };
}

function buildParser(def: CheckDefinition, options: Record<string, OptionSpec>, argv: string[]) {
  // help and version off before the options: yargs warns (on stderr) about a "version" option otherwise.
  return yargs(argv)
    .scriptName(def.name)
    .help(false)
    .version(false)
    .options(options)
    .strict()
    .exitProcess(false)
    .parserConfiguration({ "camel-case-expansion": false, "boolean-negation": false, "short-option-groups": true })
    .fail((msg, err) => {
      throw new UsageError(usageMessage(msg ?? err?.message ?? "invalid arguments", argv));
    });
}

/** yargs' messages, reworded to name the option as the user typed it. */
function usageMessage(msg: string, argv: string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (unknown) {
    const name = unknown[1].split(", ")[0];
    const typed = name.length === 1 ? `-${name}` : `--${name}`;
    // yargs names positional arguments the same way; only a typed flag is an unknown option.
    const isFlag = argv.some((a) => a === typed || a.startsWith(`${typed}=`) || (name.length === 1 && /^-[A-Za-z]+$/.test(a) && a.includes(name)));
    return isFlag ? `unknown option '${typed}'` : `unexpected argument '${name}'`;
  }
  const choice = /Argument: (\S+), Given: "(.*)", Choices: (.+)$/m.exec(msg);
  if (choice) return `--${choice[1]}: expected ${choice[3].replace(/"/g, "")}, got '${choice[2]}'`;
  return msg.replace(/\s*\n\s*/g, "; ");
}

export function helpText(def: CheckDefinition): string {
  return renderHelp({ ...def, options: allOptions(def) });
}

/** Parses argv strictly; every problem is a UsageError naming the option. */
export function parseArgs(def: CheckDefinition, argv: string[]): ParsedArgs {
  const options = allOptions(def);
  const parsed = buildParser(def, options, normalizeArgv(argv, options)).parseSync() as ParsedArgs;
  const positional = parsed._ as unknown[];
  if (positional.length > 0) throw new UsageError(`unexpected argument '${String(positional[0])}'`);
  return parsed;
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
