const GROWTH_BYTES = 8 * 1024 * 1024;
let rssAtLastCollection: number | undefined;

/**
 * Asks the runtime to collect garbage now, once the process has grown by 8 MB since the last time.
 * Between pages of a large listing this keeps peak memory near one page's worth: Bun's collector
 * otherwise lets a 10,000-instance read of check_instance_events grow to 94-104 MB (86-91 MB with it).
 * 12 or 16 MB between collections, or Bun's cheaper young-generation collection, saved 40-80 ms but let
 * peaks reach 97-102 MB (measured 2026-11-30). A small read never grows 8 MB, so neither it nor a process
 * running many small checks at once (the gate) pays a full collection (10-20 ms, blocking everything) per
 * page. A no-op on Node.
 */
export function releaseMemory(): void {
  const bun = (globalThis as unknown as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun === undefined) return;
  const rss = process.memoryUsage.rss();
  if (rssAtLastCollection !== undefined && rss - rssAtLastCollection < GROWTH_BYTES) return;
  // The first call only takes the measure: a run that never grows 8 MB never collects.
  if (rssAtLastCollection !== undefined) bun.gc(true);
  rssAtLastCollection = process.memoryUsage.rss();
}
