import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import type { HostSample } from "./score";

// /proc/meminfo is read directly: no process spawn, well under a millisecond (systeminformation's
// currentLoad() would wait 500 ms and fsSize() can hang on a dead NFS mount).
export function parseMeminfo(text: string): NonNullable<HostSample["memory"]> {
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return {
    totalBytes: kib("MemTotal"),
    availableBytes: kib("MemAvailable"),
    swapTotalBytes: kib("SwapTotal"),
    swapFreeBytes: kib("SwapFree"),
  };
}

/** Reads this host's load averages, online CPU count and, when asked, memory and swap. */
export async function sampleHost(withMemory: boolean, signal?: AbortSignal): Promise<HostSample> {
  const [load1, load5, load15] = loadavg();
  const sample: HostSample = { load1, load5, load15, cpus: cpus().length || availableParallelism() };
  if (withMemory) sample.memory = parseMeminfo(await readFile("/proc/meminfo", { encoding: "utf8", signal }));
  return sample;
}
