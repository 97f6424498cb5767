import { parseDuration, type DurationUnit } from "./duration";
import { UsageError } from "./errors";
import { Range } from "./range";
import { parseState, type State } from "./state";

/**
 * One command-line option: how it is typed (`kind`), shown (`help`, `placeholder`, `group`), defaulted
 * and turned into a typed value (`parse`). The key a spec is stored under is its only name: `probeTimeout`
 * is `--probe-timeout` on the command line and `options.probeTimeout` in the check.
 */
export interface OptionSpec<T = unknown> {
  /** `value` takes a value; `flag` is a boolean switch; `count` counts repeats (`-vvv`). */
  kind: "value" | "flag" | "count";
  /** One-letter alias, e.g. `w` for `-w`. */
  short?: string;
  /** Value name in the help, e.g. RANGE, DURATION, ID. */
  placeholder?: string;
  help: string;
  /** Heading the option is listed under, e.g. "Thresholds:". */
  group?: string;
  repeatable?: boolean;
  /** The text parsed when the option is not given (or given empty: `--opt=`); shown in `--help`. */
  default?: string;
  /** A default named in `--help` that the value does not take (see `asGiven`). */
  shownDefault?: string;
  /**
   * The typed value from every text given, in order (repeats), or `[default]`, or `[]` when neither.
   * `flag` is how the user spelled it (`--warning`), for messages.
   */
  parse(texts: readonly string[], flag: string): T;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The typed values of a set of specs, under the same keys. */
export type Values<S extends OptionSpecs> = { [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };

/** `probeTimeout` -> `probe-timeout`: the long option of a spec key. */
export function longName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

interface Shown {
  short?: string;
  placeholder?: string;
  help: string;
  group?: string;
}

interface Valued extends Shown {
  default?: string;
}

/** The value type of an option: always set when it has a default, else possibly undefined. */
type Maybe<O, T> = O extends { default: string } ? T : T | undefined;

/** getopt: a non-repeatable option given twice takes its last value. */
function last(texts: readonly string[]): string | undefined {
  return texts.length === 0 ? undefined : texts[texts.length - 1];
}

export function flag(o: Omit<Shown, "placeholder">): OptionSpec<boolean> {
  return { ...o, kind: "flag", parse: (texts) => texts.length > 0 };
}

export function counter(o: Omit<Shown, "placeholder">): OptionSpec<number> {
  return { ...o, kind: "count", parse: (texts) => texts.length };
}

/** One value, converted by `convert` (which throws a UsageError naming `flag`). */
export function value<O extends Valued, T>(o: O, convert: (text: string, flag: string) => T): OptionSpec<Maybe<O, T>> {
  return {
    ...o,
    kind: "value",
    parse: (texts, flag) => {
      const text = last(texts);
      return (text === undefined ? undefined : convert(text, flag)) as Maybe<O, T>;
    },
  };
}

/** A repeatable option: every value, in order, duplicates dropped. */
export function values<T>(o: Shown, convert: (text: string, flag: string) => T): OptionSpec<T[]> {
  return {
    ...o,
    kind: "value",
    repeatable: true,
    parse: (texts, flag) => [...new Set(texts)].map((t) => convert(t, flag)),
  };
}

export function text<O extends Valued>(o: O): OptionSpec<Maybe<O, string>> {
  return value(o, (t) => t);
}

export function texts(o: Shown): OptionSpec<string[]> {
  return values(o, (t) => t);
}

/** A Nagios range. `percent`: a trailing `%` is accepted (the value is a percentage). */
export function range<O extends Valued & { percent?: boolean }>(o: O): OptionSpec<Maybe<O, Range>> {
  const { percent, ...shown } = o;
  return value({ placeholder: "RANGE", ...shown } as O, (t, flag) => Range.parse(t, flag, { percent }));
}

/** A duration (`90m`, `26h`, `3d`) in seconds; a bare number is in `unit`. */
export function duration<O extends Valued & { unit: DurationUnit }>(o: O): OptionSpec<Maybe<O, number>> {
  const { unit, ...shown } = o;
  return value({ placeholder: "DURATION", ...shown } as O, (t, flag) => parseDuration(t, unit, flag));
}

export function positiveNumber<O extends Valued>(o: O): OptionSpec<Maybe<O, number>> {
  return value(o, parsePositive);
}

export function positiveInteger<O extends Valued>(o: O): OptionSpec<Maybe<O, number>> {
  return value(o, (t, flag) => {
    const n = parsePositive(t, flag);
    if (!Number.isInteger(n)) throw new UsageError(`${flag}: expected a whole number, got '${t}'`);
    return n;
  });
}

/** A percentage 0-100; a trailing `%` is allowed. */
export function percentage<O extends Valued>(o: O): OptionSpec<Maybe<O, number>> {
  return value({ placeholder: "P", ...o }, (t, flag) => {
    const m = /^(\d+(?:\.\d+)?)%?$/.exec(t);
    if (!m || Number(m[1]) > 100) throw new UsageError(`${flag}: expected a percentage from 0 to 100, got '${t}'`);
    return Number(m[1]);
  });
}

/** One of a fixed list of words. */
export function choice<C extends string, O extends Valued>(o: O, choices: readonly C[]): OptionSpec<Maybe<O, C>> {
  return value({ placeholder: choices.join("|"), ...o }, (t, flag) => {
    if (!choices.includes(t as C)) throw new UsageError(`${flag}: expected ${choices.join(", ")}, got '${t}'`);
    return t as C;
  });
}

/** `ok|warning|critical|unknown`, any case. */
export function state<O extends Valued>(o: O): OptionSpec<Maybe<O, State>> {
  return value({ placeholder: "STATE", ...o }, (t, flag) => {
    const s = parseState(t);
    if (s === undefined) throw new UsageError(`${flag}: expected ok, warning, critical or unknown, got '${t}'`);
    return s;
  });
}

export interface KeyValue {
  key: string;
  value: string;
}

/** A repeatable `KEY=VALUE` option such as `--tag`. */
export function keyValues(o: Omit<Shown, "placeholder">): OptionSpec<KeyValue[]> {
  return values({ placeholder: "KEY=VALUE", ...o }, (t, flag) => {
    const eq = t.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag}: expected KEY=VALUE, got '${t}'`);
    return { key: t.slice(0, eq), value: t.slice(eq + 1) };
  });
}

/**
 * The same option without its default: the value is undefined unless given, and `--help` still names
 * the default. For a command that passes an option on only when the user gave it (fleet mode's probe).
 */
export function asGiven<T>(spec: OptionSpec<T>): OptionSpec<T | undefined> {
  return {
    ...spec,
    default: undefined,
    shownDefault: spec.default,
    parse: (texts, flag) => (texts.length === 0 ? undefined : spec.parse(texts, flag)),
  };
}

/** The value a spec gives when its option is not given. */
export function defaultOf<T>(spec: OptionSpec<T>, key: string): T {
  return spec.parse(spec.default === undefined ? [] : [spec.default], `--${longName(key)}`);
}

/** A positive decimal number, as `-t` and every count of seconds takes it. */
export function parsePositive(t: string, flag: string): number {
  if (!/^\d+(\.\d+)?$/.test(t) || Number(t) <= 0) throw new UsageError(`${flag}: expected a positive number, got '${t}'`);
  return Number(t);
}
