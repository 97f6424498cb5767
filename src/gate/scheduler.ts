/**
 * Runs `work` on every item with at most `limit` running at once, and returns the results in item order.
 * Each item starts as soon as a slot frees, so one slow item holds one slot, never the others.
 * `work` must not reject: the gate turns every failure into a result.
 */
export async function runBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
