import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import type { HostSample } from "./judge";

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

/** `0-3,6` -> 5: the kernel's list of online CPUs, the count load averages are measured against. */
export function countCpuList(list: string): number {
  let n = 0;
  for (const part of list.trim().split(",")) {
    const [from, to] = part.split("-").map(Number);
    n += to === undefined ? 1 : to - from + 1;
  }
  return n;
}

// One small sysfs read; os.cpus() parses /proc/cpuinfo and /proc/stat for every CPU to give the same count.
function onlineCpus(): number {
  try {
    const n = countCpuList(readFileSync("/sys/devices/system/cpu/online", "utf8"));
    if (Number.isInteger(n) && n > 0) return n;
  } catch {
    // Not Linux, or sysfs not mounted (some containers): fall back below.
  }
  return availableParallelism();
}

/** Reads this host's load averages, online CPU count and, when asked, memory and swap. */
export async function sampleHost(withMemory: boolean, signal?: AbortSignal): Promise<HostSample> {
  const [load1, load5, load15] = loadavg();
  const sample: HostSample = { load1, load5, load15, cpus: onlineCpus() };
  if (withMemory) sample.memory = parseMeminfo(await readFile("/proc/meminfo", { encoding: "utf8", signal }));
  return sample;
}

/** What the score is computed from: this host's load and memory. */
export interface HostPort {
  sample(withMemory: boolean, signal?: AbortSignal): Promise<HostSample>;
}

export const thisHost: HostPort = { sample: sampleHost };
