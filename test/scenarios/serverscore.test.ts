import { describe, expect, it } from "vitest";
import probe from "../../checks/serverscore/index";
import type { HostSample } from "../../checks/serverscore/judge";
import type { HostPort } from "../../checks/serverscore/source";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";

const GIB = 1024 ** 3;
/**
 * A 2-CPU host with this 5-minute load (rising: twice that over 1 minute, half over 15), this share of
 * memory available and of swap used (no swap: undefined).
 */
const host = (load5: number, availablePct = 50, swapUsedPct?: number): HostPort => ({
  sample: async () =>
    ({
      load1: load5 * 2,
      load5,
      load15: load5 / 2,
      cpus: 2,
      memory: {
        totalBytes: 8 * GIB,
        availableBytes: (8 * GIB * availablePct) / 100,
        swapTotalBytes: swapUsedPct === undefined ? 0 : 4 * GIB,
        swapFreeBytes: swapUsedPct === undefined ? 0 : (4 * GIB * (100 - swapUsedPct)) / 100,
      },
    }) satisfies HostSample,
});

// The probe judges nothing: every score exits OK, and only bad input is UNKNOWN. The rows pin the anchors of
// each part, which check_serverscore's thresholds are chosen against.
describe("serverscore (the probe) scenarios", () => {
  it.each([
    ["ok-prints-the-score", [], host(1), "100\n"],
    ["ok-load-3-per-cpu-scores-1", [], host(6), "1\n"],
    ["ok-load-on-the-window-asked-for", ["--window", "15", "--format", "json"], host(4), '"load_per_cpu":1,"components":{"load":75}'],
    ["ok-mem-2-percent-available-scores-1", ["--components", "mem"], host(0, 2), "1\n"],
    ["ok-mem-20-percent-available-scores-100", ["--components", "mem"], host(0, 20), "100\n"],
    ["ok-swap-98-percent-used-scores-1", ["--components", "swap"], host(0, 50, 98), "1\n"],
    ["ok-no-swap-scores-100", ["--components", "swap"], host(0, 50), "100\n"],
    ["ok-lowest-part-is-the-score", ["--components", "load,mem"], host(1, 2), "1\n"],
    ["ok-json", ["--format", "json", "--components", "load,mem"], host(1, 2), '"components":{"load":100,"mem":1},"limiting":"mem"'],
  ])("%s", async (_id, argv, port, text) => {
    const r = await runCheck(probe, argv, { port });
    // The bare score is the whole output (a "1" must not pass for "21"); JSON rows name the fields that matter.
    if (argv.includes("json")) expect(r.stdout).toContain(text);
    else expect(r.stdout).toBe(text);
    expect(r.exitCode).toBe(State.OK);
  });

  it("unknown-bad-window", async () => {
    expect(await runCheck(probe, ["--window", "10"], { port: host(0) })).toEqual({
      exitCode: State.UNKNOWN,
      stdout: "SERVERSCORE UNKNOWN: --window: expected 1, 5 or 15, got '10'\n",
    });
  });
});
