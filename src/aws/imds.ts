import { MetadataService } from "@aws-sdk/ec2-metadata-service";
import { CheckError } from "../errors";

/**
 * Reads one IMDSv2 path within `budgetMs`, or returns undefined. The SDK's MetadataService waits forever
 * and retries by default, which a check cannot afford; v1 fallback is off (IMDSv2 only).
 */
export async function imdsGet(path: string, budgetMs: number, signal: AbortSignal): Promise<string | undefined> {
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

/** Like imdsGet, but a missing answer is an error naming what was asked. */
export async function imdsRequire(path: string, budgetMs: number, signal: AbortSignal): Promise<string> {
  try {
    const value = await imdsGet(path, budgetMs, signal);
    if (value !== undefined) return value;
  } catch {
    // Fall through to the uniform message: the cause is always "no usable IMDS here".
  }
  throw new CheckError(`instance metadata (IMDSv2) did not answer ${path} within ${budgetMs} ms: not on EC2, or IMDS disabled`);
}
