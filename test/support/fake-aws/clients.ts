/**
 * Client configuration for tests that point the real AWS SDK v3 clients at
 * a fake: static dummy credentials, the fake's endpoint, a region.
 */
import type { FakeAws } from "./server";

export const TEST_CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "x" } as const;

export interface FakeClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
}

/** `{ endpoint: fake.url, region, credentials: {AKIDTEST, x} }` */
export function clientConfig(fake: Pick<FakeAws, "url">, region = "us-east-1", extra: Partial<FakeClientConfig> = {}): FakeClientConfig {
  return { endpoint: fake.url, region, credentials: { ...TEST_CREDENTIALS }, ...extra };
}
