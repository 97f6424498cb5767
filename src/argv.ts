import { UsageError } from "./errors";
import { longName, type OptionSpecs, type Values } from "./options";

/**
 * A strict getopt-style parser for option specs. yargs did this before, but loading it cost about as
 * much as the rest of a local check's start-up together; these few rules are all the suite uses:
 * `--name value`, `--name=value`, `-n value`, `-nvalue`, `-n=value`, grouped flags (`-vvv`), values that
 * start with `-` (`-w -10:-2`), repeats, flags and counters. An empty value (`--name=`, `-n ''`) means
 * the option's default, so a Nagios macro left empty (`--warning=$ARG1$`) keeps the plugin's default.
 */

export interface Token {
  /** The spec key (`probeTimeout`). */
  key: string;
  /** undefined for flags and counters. */
  value?: string;
}

/** The flag as typed (`--warning`, `-w`) -> its spec key. */
function flagTable(specs: OptionSpecs): Map<string, string> {
  const table = new Map<string, string>();
  for (const [key, spec] of Object.entries(specs)) {
    table.set(`--${longName(key)}`, key);
    if (spec.short !== undefined) table.set(`-${spec.short}`, key);
  }
  return table;
}

/**
 * Splits argv into options and their values. Throws a UsageError for an unknown option, a missing
 * value, a value given to a flag, or any positional argument (the suite has none).
 */
export function scanArgv(argv: readonly string[], specs: OptionSpecs): Token[] {
  const table = flagTable(specs);
  const tokens: Token[] = [];
  let i = 0;
  const valueFor = (key: string, attached: string | undefined): string => {
    if (attached !== undefined) return attached;
    if (i + 1 >= argv.length) throw new UsageError(`--${longName(key)}: missing value`);
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
      const key = table.get(typed);
      if (key === undefined) throw new UsageError(`unknown option '${typed}'`);
      const valued = specs[key].kind === "value";
      if (!valued && eq !== -1) throw new UsageError(`--${longName(key)}: takes no value`);
      tokens.push(valued ? { key, value: valueFor(key, eq === -1 ? undefined : arg.slice(eq + 1)) } : { key });
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      // A group of short options; the first one that takes a value takes the rest of the group.
      for (let j = 1; j < arg.length; j++) {
        const key = table.get(`-${arg[j]}`);
        if (key === undefined) throw new UsageError(`unknown option '-${arg[j]}'`);
        if (specs[key].kind !== "value") {
          tokens.push({ key });
          continue;
        }
        const after = arg.slice(j + 1);
        tokens.push({ key, value: valueFor(key, after === "" ? undefined : after.replace(/^=/, "")) });
        break;
      }
      continue;
    }
    throw new UsageError(`unexpected argument '${arg}'`);
  }
  return tokens;
}

interface CommandLine<S extends OptionSpecs> {
  values: Values<S>;
  /** The long names of the options given with a value (or as a flag); empty values do not count. */
  given: ReadonlySet<string>;
}

/** Parses argv into typed values, one per spec; every problem is a UsageError naming the option. */
export function parseCommandLine<S extends OptionSpecs>(argv: readonly string[], specs: S): CommandLine<S> {
  const texts = new Map<string, string[]>();
  for (const { key, value } of scanArgv(argv, specs)) {
    // Flags and counters are counted by their (empty) texts; an empty value is the same as none.
    if (value === "") continue;
    texts.set(key, [...(texts.get(key) ?? []), value ?? ""]);
  }
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const given = texts.get(key);
    const used = given ?? (spec.default === undefined ? [] : [spec.default]);
    values[key] = spec.parse(used, `--${longName(key)}`);
  }
  return { values: values as Values<S>, given: new Set([...texts.keys()].map(longName)) };
}
