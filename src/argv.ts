import type { ParsedArgs } from "./definition";
import { UsageError } from "./errors";
import type { OptionSpec } from "./help";

/**
 * A strict getopt-style parser for option specs. yargs did this before, but loading it cost about as
 * much as the rest of a local check's start-up together; these few rules are all the suite uses:
 * `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, grouped flags (`-vvv`), values that
 * start with `-` (`-w -10:-2`), repeats (an array), flags, counters, string defaults and choices.
 */

export interface Token {
  name: string;
  /** undefined for flags and counters. */
  value?: string;
}

type Kind = "value" | "flag" | "count";

function kindOf(spec: OptionSpec): Kind {
  return spec.type === "boolean" ? "flag" : spec.type === "count" ? "count" : "value";
}

function aliasesOf(spec: OptionSpec): string[] {
  return spec.alias === undefined ? [] : [spec.alias].flat();
}

/** The flag as typed (`--warning`, `-w`) -> its long name. */
function flagTable(options: Record<string, OptionSpec>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [name, spec] of Object.entries(options)) {
    for (const n of [name, ...aliasesOf(spec)]) table.set(n.length === 1 ? `-${n}` : `--${n}`, name);
  }
  return table;
}

/**
 * Splits argv into options and their values. Throws a UsageError for an unknown option, a missing
 * value, a value given to a flag, or any positional argument (the suite has none).
 */
export function scanArgv(argv: string[], options: Record<string, OptionSpec>): Token[] {
  const table = flagTable(options);
  const tokens: Token[] = [];
  let i = 0;
  const valueFor = (name: string, attached: string | undefined): string => {
    if (attached !== undefined) return attached;
    if (i + 1 >= argv.length) throw new UsageError(`--${name}: missing value`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      if (i + 1 < argv.length) throw new UsageError(`unexpected argument '${argv[i + 1]}'`);
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const typed = eq === -1 ? arg : arg.slice(0, eq);
      const name = table.get(typed);
      if (name === undefined) throw new UsageError(`unknown option '${typed}'`);
      const kind = kindOf(options[name]);
      if (kind !== "value" && eq !== -1) throw new UsageError(`--${name}: takes no value`);
      tokens.push(kind === "value" ? { name, value: valueFor(name, eq === -1 ? undefined : arg.slice(eq + 1)) } : { name });
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // A group of short options; the first one that takes a value takes the rest of the group.
      for (let j = 1; j < arg.length; j++) {
        const name = table.get(`-${arg[j]}`);
        if (name === undefined) throw new UsageError(`unknown option '-${arg[j]}'`);
        if (kindOf(options[name]) !== "value") {
          tokens.push({ name });
          continue;
        }
        const after = arg.slice(j + 1);
        tokens.push({ name, value: valueFor(name, after === "" ? undefined : after.replace(/^=/, "")) });
        break;
      }
      continue;
    }
    throw new UsageError(`unexpected argument '${arg}'`);
  }
  return tokens;
}

/**
 * Parses argv into `{ "long-name": value }` (aliases too): a string, or a string[] when repeated;
 * `true` for a flag given; a number for a counter; defaults for options not given.
 */
export function parseArgv(argv: string[], options: Record<string, OptionSpec>): ParsedArgs {
  const parsed: ParsedArgs = { _: [] };
  for (const { name, value } of scanArgv(argv, options)) {
    const kind = kindOf(options[name]);
    const before = parsed[name];
    if (kind === "flag") parsed[name] = true;
    else if (kind === "count") parsed[name] = Number(before ?? 0) + 1;
    else parsed[name] = before === undefined ? value : ([] as unknown[]).concat(before, value);
  }
  for (const [name, spec] of Object.entries(options)) {
    if (parsed[name] === undefined && spec.default !== undefined) parsed[name] = spec.default;
    if (parsed[name] === undefined && kindOf(spec) === "count") parsed[name] = 0;
    const choices = spec.choices as readonly unknown[] | undefined;
    if (choices !== undefined && parsed[name] !== undefined) {
      for (const v of [parsed[name]].flat()) {
        if (!choices.includes(v)) throw new UsageError(`--${name}: expected ${choices.join(", ")}, got '${String(v)}'`);
      }
    }
    for (const alias of aliasesOf(spec)) if (parsed[name] !== undefined) parsed[alias] = parsed[name];
  }
  return parsed;
}
