import { UsageError } from "./errors";

export type DurationUnit = "s" | "m" | "h" | "d" | "w";

const SECONDS: Record<DurationUnit, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const DURATION = /^(\d+(?:\.\d+)?)([smhdw])?$/;

/** Parses `90m`, `26h`, `3d`; a bare number is in `bareUnit`. Returns seconds. */
export function parseDuration(text: string, bareUnit: DurationUnit, option = "duration"): number {
  const m = DURATION.exec(text);
  if (!m) throw new UsageError(`${option}: invalid duration '${text}' (use a number with s, m, h, d or w, e.g. 26h)`);
  return Number(m[1]) * SECONDS[(m[2] as DurationUnit | undefined) ?? bareUnit];
}

/** `3d 4h`, `2h 5m`, `40s`: the two largest units, for humans. */
export function humanDuration(seconds: number): string {
  const sign = seconds < 0 ? "-" : "";
  let rest = Math.round(Math.abs(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size || (unit === "s" && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(" ");
}

/** ISO 8601 UTC without milliseconds: `2026-11-23T19:00:00Z`. */
export function isoUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
