/**
 * The serverscore formula: host health as an integer from 1 (in danger) to 100 (idle). Every part is a
 * clamped, piecewise-linear, non-increasing function of its load measure; the score is the lowest part.
 */

export type Component = "load" | "mem" | "swap";
export const COMPONENTS: readonly Component[] = ["load", "mem", "swap"];
export type Window = 1 | 5 | 15;

/** (x, score) anchors; x rises left to right. */
type Anchors = readonly (readonly [number, number])[];

// Idle headroom = 100, fully busy = 75, 2x oversubscribed = 25 (Netdata's load15 warning), 3x = 1.
const LOAD_ANCHORS: Anchors = [[0.7, 100], [1.0, 75], [2.0, 25], [3.0, 1]];
const MEM_USED_ANCHORS: Anchors = [[80, 100], [98, 1]]; // in % used, i.e. 20% .. 2% available
const SWAP_USED_ANCHORS: Anchors = [[50, 100], [98, 1]];

function interpolate(x: number, anchors: Anchors): number {
  if (!Number.isFinite(x)) throw new RangeError(`cannot score a non-finite value (${x})`);
  const [firstX, firstY] = anchors[0];
  if (x <= firstX) return firstY;
  for (let i = 1; i < anchors.length; i++) {
    const [x0, y0] = anchors[i - 1];
    const [x1, y1] = anchors[i];
    if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return anchors[anchors.length - 1][1];
}

const clampScore = (s: number) => Math.min(100, Math.max(1, Math.round(s)));

/** r = load average / online CPUs. */
export const loadScore = (r: number) => clampScore(interpolate(r, LOAD_ANCHORS));
export const memScore = (availablePct: number) => clampScore(interpolate(100 - availablePct, MEM_USED_ANCHORS));
export const swapScore = (usedPct: number) => clampScore(interpolate(usedPct, SWAP_USED_ANCHORS));

export interface HostSample {
  load1: number;
  load5: number;
  load15: number;
  cpus: number;
  /** From /proc/meminfo, only when a memory or swap part is asked for. */
  memory?: { totalBytes: number; availableBytes: number; swapTotalBytes: number; swapFreeBytes: number };
}

export interface ScoreResult {
  score: number;
  window: Window;
  load1: number;
  load5: number;
  load15: number;
  cpus: number;
  load_per_cpu: number;
  components: Partial<Record<Component, number>>;
  limiting: Component;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function scoreHost(sample: HostSample, window: Window, components: readonly Component[]): ScoreResult {
  const load = window === 1 ? sample.load1 : window === 5 ? sample.load5 : sample.load15;
  const r = load / Math.max(1, sample.cpus);
  const parts: Partial<Record<Component, number>> = {};
  for (const c of components) {
    if (c === "load") parts.load = loadScore(r);
    else {
      const m = sample.memory;
      if (!m) throw new Error(`no memory figures to score '${c}'`);
      if (c === "mem") parts.mem = memScore(m.totalBytes > 0 ? (100 * m.availableBytes) / m.totalBytes : 100);
      else parts.swap = swapScore(m.swapTotalBytes > 0 ? (100 * (m.swapTotalBytes - m.swapFreeBytes)) / m.swapTotalBytes : 0);
    }
  }
  // Ties go to the first part asked for, so the default always names `load`.
  let limiting = components[0];
  for (const c of components) if ((parts[c] as number) < (parts[limiting] as number)) limiting = c;
  return {
    score: parts[limiting] as number,
    window,
    load1: round2(sample.load1),
    load5: round2(sample.load5),
    load15: round2(sample.load15),
    cpus: sample.cpus,
    load_per_cpu: round2(r),
    components: parts,
    limiting,
  };
}
