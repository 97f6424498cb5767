/**
 * Asks the runtime to collect garbage now. Between pages of a large listing this keeps peak memory near
 * one page's worth: Bun's collector otherwise lets a 10,000-instance read grow past 150 MB. A no-op on Node.
 */
export function releaseMemory(): void {
  (globalThis as unknown as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true);
}
