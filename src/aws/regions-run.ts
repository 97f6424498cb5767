import type { Finding } from "../report";
import { State } from "../state";
import { awsErrorText } from "./errors";

export interface RegionOutcome<T> {
  region: string;
  value?: T;
  error?: unknown;
}

/**
 * Runs `work` for every region at once. With one region its error is the run's error; with several, a
 * failing region becomes one UNKNOWN finding and the other regions' results are kept and judged.
 */
export async function perRegion<T>(regions: string[], work: (region: string) => Promise<T>): Promise<{ results: { region: string; value: T }[]; failures: Finding[] }> {
  const settled = await Promise.allSettled(regions.map((r) => work(r)));
  const outcomes: RegionOutcome<T>[] = settled.map((s, i) =>
    s.status === "fulfilled" ? { region: regions[i], value: s.value } : { region: regions[i], error: s.reason },
  );
  const failed = outcomes.filter((o) => "error" in o);
  if (regions.length === 1 && failed.length === 1) throw failed[0].error;
  return {
    results: outcomes.filter((o) => !("error" in o)).map((o) => ({ region: o.region, value: o.value as T })),
    failures: failed.map((o) => ({ state: State.UNKNOWN, text: `region ${o.region}: ${awsErrorText(o.error)}`, region: o.region })),
  };
}

/** `; 2 region(s) could not be read` for a summary, or nothing when every region answered. */
export function unreadRegionsNote(failures: readonly Finding[]): string {
  return failures.length > 0 ? `; ${failures.length} region(s) could not be read` : "";
}

/** Splits a list into batches of `size` (API limits such as 100 InstanceIds per call). */
export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
