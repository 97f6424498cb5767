import { MetadataService } from "@aws-sdk/ec2-metadata-service";
import { CheckError } from "../errors";

/**
 * Reads one IMDSv2 path within `budgetMs`, or returns undefined. The SDK's MetadataService waits forever
 * and retries by default, which a check cannot afford; v1 fallback is off (IMDSv2 only).
 */
export async function imdsGet(path: string, checkBudgetMs: number, signal: AbortSignal): Promise<string | undefined> {
  const budgetMs = imdsBudgetMs(checkBudgetMs);
  const service = new MetadataService({ httpOptions: { timeout: budgetMs }, retries: 0, ec2MetadataV1Disabled: true });
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), budgetMs);
    signal.addEventListener("abort", () => resolve(undefined), { once: true });
  });
  try {
    // No leading slash: the service prefixes the endpoint's own path ("/").
    return await Promise.race([service.request(path.replace(/^\//, ""), {}), giveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The time one IMDS read may take: the check's own budget, or AWS_METADATA_SERVICE_TIMEOUT (seconds, the
 * SDK's own variable) when that is longer, for hosts where the metadata service answers slowly. The
 * run's deadline (-t) still ends the wait through the signal.
 */
function imdsBudgetMs(checkBudgetMs: number, env: Readonly<Record<string, string | undefined>> = process.env): number {
  const seconds = Number(env.AWS_METADATA_SERVICE_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(checkBudgetMs, seconds * 1000) : checkBudgetMs;
}

/** Like imdsGet, but a missing answer is an error naming what was asked. */
export async function imdsRequire(path: string, budgetMs: number, signal: AbortSignal): Promise<string> {
  try {
    const value = await imdsGet(path, budgetMs, signal);
    if (value !== undefined) return value;
  } catch {
    // Fall through to the uniform message: the cause is always "no usable IMDS here".
  }
  throw new CheckError(`instance metadata (IMDSv2) did not answer ${path} within ${imdsBudgetMs(budgetMs)} ms: not on EC2, or IMDS disabled`);
}
