/**
 * How late a deadline may end on a loaded 2-core machine (other test files, other jobs) and the test
 * still pass. A test bounds a duration by `lateBy(deadline)` only where the regression it guards is far
 * slower than that: a hang held until the harness kills it (20 s and more), a default 10 s timeout in
 * place of the 1–3 s given, a 30 s sleep waited for. So the bound never trips under load and still
 * catches the regression. How fast things are is measured by bench/ (BENCHMARKS.md), never by a test.
 */
export const LOAD_SLACK_MS = 5_000;

/** The latest a run with this deadline may end: the deadline plus LOAD_SLACK_MS. */
export function lateBy(deadlineMs: number): number {
  return deadlineMs + LOAD_SLACK_MS;
}

/**
 * Waits until `condition()` holds, checking every 10 ms: for "the server has seen the request" and the
 * like, where a fixed sleep would race the scheduler. Gives up (throws, naming `what`) only after a
 * minute, which no loaded machine needs.
 */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > 60_000) throw new Error(`still waiting for ${what} after 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
