import type { Context } from "../context";
import { CheckError } from "../errors";
import type { Finding } from "../report";
import { State } from "../state";
import { awsErrorText } from "./errors";

/**
 * The one multi-region path every AWS check takes: resolve the regions, read each through the check's
 * port, keep what answered, turn what did not into findings, and map AWS errors to words. Loads no SDK
 * code: the real port is built by `awsRegions` (src/aws/connect.ts) in a check's source.ts.
 */

/** A check's port across regions: which regions to read, and its source in one of them. */
export interface RegionalPort<S> {
  /** --region, every enabled region for `all`, or the default chain (AWS_REGION, profile, IMDS). */
  regions(): Promise<string[]>;
  in(region: string): S;
}

interface RegionsRead<T> {
  /** The regions asked. */
  regions: string[];
  results: { region: string; value: T }[];
  /** One UNKNOWN finding per region that could not be read (only when several were asked). */
  failures: Finding[];
  /** `; 2 region(s) could not be read` for the summary, or nothing when every region answered. */
  note: string;
  /** The regions that answered, for "no such … in eu-west-1, us-east-1". */
  where: string;
  /** The names that every region which answered reports missing: a thing lives in one region. */
  missingEverywhere(names: readonly string[], missingIn: (value: T) => readonly string[]): string[];
}

/** An AWS error as a CheckError in words an operator can act on; the deadline's abort passes through. */
function mapAwsError(err: unknown, ctx: Context): unknown {
  if (err instanceof CheckError || ctx.signal.aborted) return err;
  return new CheckError(awsErrorText(err));
}

/** The regions to read (stage named for the timeout message, errors mapped). */
export async function regionsOf<S>(port: RegionalPort<S>, ctx: Context): Promise<string[]> {
  ctx.stage("resolving regions");
  try {
    return await port.regions();
  } catch (err) {
    throw mapAwsError(err, ctx);
  }
}

/**
 * Runs `work` in every region at once. With one region its error is the run's error (mapped); with
 * several, a failing region becomes one UNKNOWN finding and the other regions' results are kept.
 * `regions` replaces the resolved list (a check that plans its own, e.g. queue URLs naming theirs).
 */
export async function acrossRegions<S, T>(
  port: RegionalPort<S>,
  ctx: Context,
  work: (source: S, region: string) => Promise<T>,
  regions?: string[],
): Promise<RegionsRead<T>> {
  const asked = regions ?? (await regionsOf(port, ctx));
  const settled = await Promise.allSettled(asked.map((r) => work(port.in(r), r)));
  const failed = settled.flatMap((s, i) => (s.status === "rejected" ? [{ region: asked[i], error: s.reason as unknown }] : []));
  if (asked.length === 1 && failed.length === 1) throw mapAwsError(failed[0].error, ctx);
  if (failed.length > 0 && ctx.signal.aborted) throw failed[0].error;
  const results = settled.flatMap((s, i) => (s.status === "fulfilled" ? [{ region: asked[i], value: s.value as T }] : []));
  const failures: Finding[] = failed.map((f) => ({
    state: State.UNKNOWN,
    text: `region ${f.region}: ${f.error instanceof CheckError ? f.error.message : awsErrorText(f.error)}`,
    region: f.region,
  }));
  return {
    regions: asked,
    results,
    failures,
    note: failures.length > 0 ? `; ${failures.length} region(s) could not be read` : "",
    where: results.map((r) => r.region).join(", "),
    missingEverywhere: (names, missingIn) =>
      names.filter((n) => results.length > 0 && results.every((r) => missingIn(r.value).includes(n))),
  };
}
