import type { GateEntry } from "../config";
import { seconds } from "../outcome";

/**
 * One self-rewriting status line while checks run, for a person at a terminal only (never in a pipe or
 * a CI log): `[3/20] 2.1s running: events-prod, backups`. Cleared before the results are printed.
 */
export class Progress {
  private done = 0;
  private readonly running = new Set<string>();
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly total: number,
    private readonly write: (text: string) => void,
    private readonly columns: number,
  ) {
    // Ticks so the elapsed time moves while one slow check holds the line; unref'd: never keeps us alive.
    this.timer = setInterval(() => this.draw(), 500);
    this.timer.unref();
    this.draw();
  }

  start(entry: GateEntry): void {
    this.running.add(entry.name);
    this.draw();
  }

  finish(entry: GateEntry): void {
    this.running.delete(entry.name);
    this.done++;
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.write("\r\x1b[K");
  }

  private draw(): void {
    const head = `[${this.done}/${this.total}] ${seconds(performance.now() - this.started)}`;
    const line = this.running.size === 0 ? head : `${head} running: ${[...this.running].join(", ")}`;
    const width = Math.max(10, this.columns - 1);
    this.write(`\r\x1b[K${line.length > width ? `${line.slice(0, width - 3)}...` : line}`);
  }
}
