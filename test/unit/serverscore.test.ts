import fc from "fast-check";
import { describe, expect, it } from "vitest";
import checkServerscore from "../../checks/check_serverscore/index";
import serverscore from "../../checks/serverscore/index";
import { countCpuList, parseMeminfo, sampleHost } from "../../checks/serverscore/source";
import { SCORE_OPTIONS } from "../../checks/serverscore/options";

const parseWindow = (v: string | string[] | undefined) => SCORE_OPTIONS.window.parse(v === undefined ? ["5"] : [v].flat(), "--window");
const parseComponents = (v: string | string[]) => SCORE_OPTIONS.components.parse([v].flat(), "--components");
import { type HostSample, loadScore, memScore, scoreHost, swapScore } from "../../checks/serverscore/judge";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { isValidPerfdata, perfdataOf } from "../support/perfdata-grammar";

describe("the load part: straight lines through (0.7,100) (1.0,75) (2.0,25) (3.0,1)", () => {
  it.each([
    [0, 100],
    [0.5, 100],
    [0.7, 100],
    [0.85, 88], // 87.5 rounds up
    [1.0, 75],
    [1.5, 50],
    [2.0, 25],
    [2.5, 13],
    [3.0, 1],
    [3.5, 1],
    [1000, 1],
  ])("r = %d scores %d", (r, score) => {
    expect(loadScore(r)).toBe(score);
  });

  it("never rises as the load rises, and stays within 1..100 (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(loadScore(hi)).toBeLessThanOrEqual(loadScore(lo));
        expect(Number.isInteger(loadScore(lo))).toBe(true);
        expect(loadScore(lo)).toBeGreaterThanOrEqual(1);
        expect(loadScore(lo)).toBeLessThanOrEqual(100);
      }),
    );
  });

  it("refuses a non-finite load rather than scoring it", () => {
    expect(() => loadScore(NaN)).toThrow(/non-finite/);
    expect(() => loadScore(Infinity)).toThrow(/non-finite/);
  });
});

describe("the mem and swap parts", () => {
  it.each([
    [100, 100],
    [20, 100],
    [11, 51], // 50.5 rounds up
    [2, 1],
    [0, 1],
  ])("mem: %d%% available scores %d", (available, score) => {
    expect(memScore(available)).toBe(score);
  });

  it.each([
    [0, 100],
    [50, 100],
    [74, 51],
    [98, 1],
    [100, 1],
  ])("swap: %d%% used scores %d", (used, score) => {
    expect(swapScore(used)).toBe(score);
  });

  it("mem never rises as less memory is available; swap never rises as more is used (property)", () => {
    const pct = fc.double({ min: 0, max: 100, noNaN: true });
    fc.assert(
      fc.property(pct, pct, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(memScore(lo)).toBeLessThanOrEqual(memScore(hi));
        expect(swapScore(hi)).toBeLessThanOrEqual(swapScore(lo));
      }),
    );
  });
});

const GiB = 1024 ** 3;
function sample(over: Partial<HostSample> = {}): HostSample {
  return {
    load1: 4,
    load5: 2,
    load15: 1,
    cpus: 2,
    memory: { totalBytes: 10 * GiB, availableBytes: 5 * GiB, swapTotalBytes: 4 * GiB, swapFreeBytes: 4 * GiB },
    ...over,
  };
}

describe("scoreHost", () => {
  it("--window picks the load average; r = load / online CPUs", () => {
    expect(scoreHost(sample(), 1, ["load"])).toMatchObject({ window: 1, load_per_cpu: 2, score: 25 });
    expect(scoreHost(sample(), 5, ["load"])).toMatchObject({ window: 5, load_per_cpu: 1, score: 75 });
    expect(scoreHost(sample(), 15, ["load"])).toMatchObject({ window: 15, load_per_cpu: 0.5, score: 100 });
  });

  it("gives exactly the JSON fields of the interface", () => {
    const result = scoreHost(sample({ load1: 1.234, load5: 0.5, load15: 0.25, cpus: 4 }), 1, ["load"]);
    expect(result).toEqual({
      score: 100,
      window: 1,
      load1: 1.23,
      load5: 0.5,
      load15: 0.25,
      cpus: 4,
      load_per_cpu: 0.31,
      components: { load: 100 },
      limiting: "load",
    });
  });

  it("the score is the lowest part, and names it", () => {
    const lowMem = sample({ load5: 0.2, memory: { totalBytes: 100, availableBytes: 5, swapTotalBytes: 100, swapFreeBytes: 90 } });
    const r = scoreHost(lowMem, 5, ["load", "mem", "swap"]);
    expect(r.components).toEqual({ load: 100, mem: 18, swap: 100 }); // 5% available: 17.5 rounds up
    expect(r).toMatchObject({ score: 18, limiting: "mem" });
    const swapping = sample({ load5: 0.2, memory: { totalBytes: 100, availableBytes: 50, swapTotalBytes: 100, swapFreeBytes: 3 } });
    expect(scoreHost(swapping, 5, ["load", "swap"])).toMatchObject({ score: 3, limiting: "swap", components: { load: 100, swap: 3 } });
  });

  it("ties go to the first part asked for", () => {
    const idle = sample({ load5: 0, memory: { totalBytes: 100, availableBytes: 100, swapTotalBytes: 0, swapFreeBytes: 0 } });
    expect(scoreHost(idle, 5, ["mem", "load", "swap"]).limiting).toBe("mem");
    expect(scoreHost(idle, 5, ["load", "mem"]).limiting).toBe("load");
  });

  it("no swap configured counts as no swap used; zero CPUs reads as one", () => {
    const noSwap = sample({ memory: { totalBytes: 100, availableBytes: 100, swapTotalBytes: 0, swapFreeBytes: 0 } });
    expect(scoreHost(noSwap, 15, ["swap"]).score).toBe(100);
    expect(scoreHost(sample({ cpus: 0, load5: 1 }), 5, ["load"]).score).toBe(75);
  });

  it("asking for mem without memory figures is an error, not a made-up score", () => {
    expect(() => scoreHost(sample({ memory: undefined }), 5, ["mem"])).toThrow(/no memory figures/);
  });

  it("the host score never rises as load, used memory or used swap rise (property)", () => {
    const load = fc.double({ min: 0, max: 64, noNaN: true });
    const frac = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), load, load, frac, frac, frac, frac, (cpus, l1, l2, a1, a2, s1, s2) => {
        const mk = (l: number, avail: number, swapFree: number) =>
          sample({ cpus, load5: l, memory: { totalBytes: 1000 * GiB, availableBytes: avail * 1000 * GiB, swapTotalBytes: GiB, swapFreeBytes: swapFree * GiB } });
        const all = ["load", "mem", "swap"] as const;
        // worse in every measure: more load, less available memory, less free swap
        const better = mk(Math.min(l1, l2), Math.max(a1, a2), Math.max(s1, s2));
        const worse = mk(Math.max(l1, l2), Math.min(a1, a2), Math.min(s1, s2));
        expect(scoreHost(worse, 5, all).score).toBeLessThanOrEqual(scoreHost(better, 5, all).score);
      }),
    );
  });
});

describe("options", () => {
  it("--window takes 1, 5 or 15 (default 5)", () => {
    expect([parseWindow(undefined), parseWindow("1"), parseWindow("15"), parseWindow(["1", "5"])]).toEqual([5, 1, 15, 5]);
    for (const bad of ["0", "10", "5m", "", "abc"]) expect(() => parseWindow(bad)).toThrow(/^--window: expected 1, 5 or 15/);
  });

  it("--components: comma-separated or repeated, duplicates dropped, order kept", () => {
    expect(parseComponents("load")).toEqual(["load"]);
    expect(parseComponents("mem,load")).toEqual(["mem", "load"]);
    expect(parseComponents(["load,mem", "swap", "mem"])).toEqual(["load", "mem", "swap"]);
    expect(parseComponents(" load , swap ")).toEqual(["load", "swap"]);
  });

  it.each([["cpu", "unknown part 'cpu'"], ["load,", "unknown part ''"], ["LOAD", "unknown part 'LOAD'"]])("--components %j: %s", (text, message) => {
    expect(() => parseComponents(text)).toThrow(`--components: ${message}`);
  });
});

describe("reading this host", () => {
  const MEMINFO = ["MemTotal:        8048260 kB", "MemFree:          512000 kB", "MemAvailable:    4024130 kB", "SwapTotal:       2097148 kB", "SwapFree:        2097148 kB", ""].join("\n");

  it("parses /proc/meminfo in bytes", () => {
    expect(parseMeminfo(MEMINFO)).toEqual({
      totalBytes: 8048260 * 1024,
      availableBytes: 4024130 * 1024,
      swapTotalBytes: 2097148 * 1024,
      swapFreeBytes: 2097148 * 1024,
    });
    expect(() => parseMeminfo(MEMINFO.replace(/MemAvailable.*\n/, ""))).toThrow("/proc/meminfo has no MemAvailable");
  });

  it("samples the real load averages, CPUs and memory", async () => {
    const s = await sampleHost(true);
    expect(s.cpus).toBeGreaterThanOrEqual(1);
    for (const l of [s.load1, s.load5, s.load15]) expect(l).toBeGreaterThanOrEqual(0);
    expect(s.memory!.totalBytes).toBeGreaterThan(s.memory!.availableBytes);
    expect((await sampleHost(false)).memory).toBeUndefined();
  });
});

describe("serverscore (probe) through runCheck", () => {
  it("prints the score alone on one line, exit 0", async () => {
    const { stdout, exitCode } = await runCheck(serverscore, []);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^\d{1,3}\n$/);
    expect(Number(stdout)).toBeGreaterThanOrEqual(1);
    expect(Number(stdout)).toBeLessThanOrEqual(100);
  });

  it("--format json has the interface's fields, with --window and --components applied", async () => {
    const { stdout, exitCode } = await runCheck(serverscore, ["--format", "json", "--window", "15", "--components", "load,mem,swap"]);
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(["score", "window", "load1", "load5", "load15", "cpus", "load_per_cpu", "components", "limiting"]);
    expect(json.window).toBe(15);
    expect(Object.keys(json.components)).toEqual(["load", "mem", "swap"]);
    expect(json.score).toBe(Math.min(...(Object.values(json.components) as number[])));
    expect(json.components[json.limiting]).toBe(json.score);
    expect(json.load_per_cpu).toBeCloseTo(json.load15 / json.cpus, 1);
  });

  it("bad options are one SERVERSCORE UNKNOWN line, exit 3", async () => {
    expect(await runCheck(serverscore, ["--window", "2"])).toEqual({ exitCode: 3, stdout: "SERVERSCORE UNKNOWN: --window: expected 1, 5 or 15, got '2'\n" });
    expect(await runCheck(serverscore, ["-w", "10"])).toEqual({ exitCode: 3, stdout: "SERVERSCORE UNKNOWN: unknown option '-w'\n" });
  });
});

describe("check_serverscore (local) through runCheck", () => {
  // The host's real score varies; these ranges judge every score from 1 to 100 the same way.
  it.each([
    [["-c", "@1:100"], State.CRITICAL],
    [["-w", "@1:100", "-c", "0:100"], State.WARNING],
    [["-w", "@1:100", "-c", "@1:100"], State.CRITICAL],
    [["-w", "-10:-2", "-c", "-30:200"], State.WARNING],
    [["-w", "1:100", "-c", "1:100"], State.OK],
    [["-w", "101:", "-c", "0:100"], State.WARNING],
  ])("%j exits %i", async (args, state) => {
    const { stdout, exitCode } = await runCheck(checkServerscore, args);
    expect(exitCode).toBe(state);
    expect(stdout).toMatch(new RegExp(`^SERVERSCORE ${State[state]}: score \\d+ \\(\\d+(\\.\\d+)? load per CPU over 5 min\\) \\| score=\\d+;`));
    const [w, c] = [args[args.indexOf("-w") + 1], args[args.indexOf("-c") + 1]];
    const score = perfdataOf(stdout)!.split(" ")[0];
    expect(score).toBe(`score=${/score=(\d+)/.exec(stdout)![1]};${args.includes("-w") ? w : "50:"};${args.includes("-c") ? c : "25:"};1;100`);
  });

  it("default thresholds: WARNING below 50, CRITICAL below 25, perfdata valid", async () => {
    const { stdout, exitCode } = await runCheck(checkServerscore, ["--window", "1"]);
    const score = Number(/score=(\d+)/.exec(stdout)![1]);
    expect(exitCode).toBe(score < 25 ? State.CRITICAL : score < 50 ? State.WARNING : State.OK);
    expect(stdout).toContain("over 1 min");
    expect(isValidPerfdata(perfdataOf(stdout)!, true)).toBe(true);
    expect(perfdataOf(stdout)).toMatch(/^score=\d+;50:;25:;1;100 load_per_cpu=\d+(\.\d+)?;;;0$/);
  });

  it("--components names every part and the limiting one", async () => {
    const { stdout } = await runCheck(checkServerscore, ["--components", "load,mem,swap"]);
    expect(stdout).toMatch(/; load \d+, mem \d+, swap \d+; limited by (load|mem|swap)\) \|/);
  });

  it.each([
    [["--components", "disk"], "--components: unknown part 'disk' (use load, mem, swap)"],
    [["--window", "60"], "--window: expected 1, 5 or 15, got '60'"],
    [["-w", "50"], null],
    [["-c", "abc"], "--critical: invalid range 'abc' (use N, N:, :N, ~:N, N:M or @N:M)"],
  ])("%j", async (args, message) => {
    const { stdout, exitCode } = await runCheck(checkServerscore, args);
    if (message === null) expect(exitCode).not.toBe(3);
    else expect({ stdout, exitCode }).toEqual({ stdout: `SERVERSCORE UNKNOWN: ${message}\n`, exitCode: 3 });
  });
});

describe("online CPU count", () => {
  it.each([["0", 1], ["0-1", 2], ["0-3,6", 5], ["0-3,8-11\n", 8]])("'%s' lists %i CPUs", (list, n) => {
    expect(countCpuList(list)).toBe(n);
  });
});
