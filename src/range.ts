import { UsageError } from "./errors";

// Strict on purpose: forms the lenient C parser accepts but no one means (`1e3`, `+5`, `.5`, `10:5x`) are
// rejected so that a typo never silently becomes a different threshold. `:N` is 0..N, as in C.
const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const RANGE = new RegExp(`^(@)?(?:(~|${NUMBER})?:(${NUMBER})?|(${NUMBER}))$`);

/** A Nagios threshold range `[@][start:][end]`. */
export class Range {
  constructor(
    readonly start: number,
    readonly end: number,
    /** `@`: alert when the value is inside [start, end]. */
    readonly inside = false,
    private readonly text?: string,
  ) {}

  /**
   * `percent`: the value judged is a percentage, so a `%` after a number is accepted and dropped
   * (`80%`, `1:12%`, as the C plugins read them); elsewhere a `%` is refused.
   */
  static parse(given: string, option = "range", { percent = false }: { percent?: boolean } = {}): Range {
    if (given === "") throw new UsageError(`${option}: missing value (a range such as 10, 10:, ~:10 or @10:20)`);
    if (given.includes("%") && !percent) {
      throw new UsageError(`${option}: '${given}' is not a percentage here: drop the '%' (the value judged is a count or an amount)`);
    }
    const text = percent ? given.replace(/(\d)%/g, "$1") : given;
    const m = RANGE.exec(text);
    if (!m || (m[2] === undefined && m[3] === undefined && m[4] === undefined)) {
      throw new UsageError(`${option}: invalid range '${given}' (use N, N:, :N, ~:N, N:M or @N:M)`);
    }
    const [, at, startText, endAfterColon, endAlone] = m;
    let start = 0;
    let end = Infinity;
    if (endAlone !== undefined) {
      end = Number(endAlone);
    } else {
      start = startText === "~" ? -Infinity : startText === undefined ? 0 : Number(startText);
      if (endAfterColon !== undefined) end = Number(endAfterColon);
      else if (startText === "~") throw new UsageError(`${option}: invalid range '${text}' (~: has no end)`);
    }
    if (start > end) throw new UsageError(`${option}: invalid range '${text}' (start is greater than end)`);
    // Echoed in perfdata, where `:N` is better spelled out as `0:N`.
    return new Range(start, end, at === "@", text.replace(/^(@?):/, "$10:"));
  }

  /** Alert when the value is below `min` (e.g. a score floor). */
  static below(min: number): Range {
    return new Range(min, Infinity);
  }

  /** Alert when the value is above `max` (values below zero cannot occur for the callers). */
  static above(max: number): Range {
    return new Range(-Infinity, max);
  }

  alertsOn(value: number): boolean {
    const within = value >= this.start && value <= this.end;
    return this.inside ? within : !within;
  }

  toString(): string {
    if (this.text !== undefined) return this.text;
    const start = this.start === -Infinity ? "~" : formatPlain(this.start);
    const prefix = this.inside ? "@" : "";
    if (this.end === Infinity) return `${prefix}${start}:`;
    if (this.start === 0 && !this.inside) return formatPlain(this.end);
    return `${prefix}${start}:${formatPlain(this.end)}`;
  }
}

/** A finite number as a plain decimal: no exponent, no locale. */
export function formatPlain(value: number, maxDecimals = 6): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // Every double from 2^53 up is an integer; from 1e21 toString() uses an exponent, which Sensu misreads.
  if (Number.isInteger(value)) return expandExponent(String(value));
  const fixed = value.toFixed(maxDecimals);
  const trimmed = fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
  return trimmed === "-0" ? "0" : trimmed;
}

/** `1.5e+300` -> `15` and 299 zeros: the shortest digits that read back as the same double. */
function expandExponent(text: string): string {
  const m = /^(-?)(\d)(?:\.(\d+))?e\+(\d+)$/.exec(text);
  if (!m) return text;
  const digits = m[2] + (m[3] ?? "");
  return m[1] + digits + "0".repeat(Number(m[4]) - (digits.length - 1));
}
