import { describe, expect, it } from "vitest";
import { isValidPerfdata, perfdataOf } from "../support/perfdata-grammar";
import { firstLine, runBinary } from "../support/run-binary";

// The compiled serverscore and local check_serverscore (run `npm run build` first). The host's real score
// varies with its load, so state tests use ranges that judge every score from 1 to 100 alike.

const scoreOf = (stdout: string) => Number(/ score=(\d+);/.exec(stdout)?.[1]);

describe("serverscore (the probe)", () => {
  it("prints an integer 1-100 alone on one line, exit 0", async () => {
    const r = await runBinary("serverscore", []);
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    expect(r.stdout).toMatch(/^\d{1,3}\n$/);
    expect(Number(r.stdout)).toBeGreaterThanOrEqual(1);
    expect(Number(r.stdout)).toBeLessThanOrEqual(100);
  });

  it("--format json has the interface's fields; --window and --components apply", async () => {
    const r = await runBinary("serverscore", ["--format", "json", "--window", "1", "--components", "load,mem,swap"]);
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(["score", "window", "load1", "load5", "load15", "cpus", "load_per_cpu", "components", "limiting"]);
    expect(json).toMatchObject({ window: 1, components: { load: expect.any(Number), mem: expect.any(Number), swap: expect.any(Number) } });
    expect(json.score).toBe(json.components[json.limiting]);
    expect(json.cpus).toBeGreaterThanOrEqual(1);
  });

  it("a bad option is one SERVERSCORE UNKNOWN line, exit 3", async () => {
    const r = await runBinary("serverscore", ["--components", "load,cpu"]);
    expect(r).toEqual(expect.objectContaining({ exitCode: 3, stderr: "", stdout: "SERVERSCORE UNKNOWN: --components: unknown part 'cpu' (use load, mem, swap)\n" }));
  });
});

describe("check_serverscore (this host)", () => {
  it("default: score with -w 50: -c 25:, state matching the score, valid perfdata on line 1", async () => {
    const r = await runBinary("check_serverscore", []);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")).toHaveLength(2);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE (OK|WARNING|CRITICAL): score \d+ \(\d+(\.\d+)? load per CPU over 5 min\)$/);
    const score = scoreOf(r.stdout);
    expect(r.exitCode).toBe(score < 25 ? 2 : score < 50 ? 1 : 0);
    expect(perfdataOf(r.stdout)).toMatch(/^score=\d+;50:;25:;1;100 load_per_cpu=\d+(\.\d+)?;;;0$/);
    expect(isValidPerfdata(perfdataOf(r.stdout)!, true)).toBe(true);
  });

  it.each([
    [["-c", "@1:100"], 2, "CRITICAL"],
    [["-w", "@1:100", "-c", "0:100"], 1, "WARNING"],
    [["-w", "@1:100", "-c", "@1:100"], 2, "CRITICAL"],
    [["-w", "1:100", "-c", "1:100"], 0, "OK"],
    [["-w", "-10:-2", "-c", "-30:200"], 1, "WARNING"],
    [["--warning=-10:-2", "--critical=-30:200"], 1, "WARNING"],
    [["-w-10:-2", "-c-30:200"], 1, "WARNING"],
    [["-w", "~:0", "-c", "~:200"], 1, "WARNING"],
    [["-w", "101", "-c", "0:100", "-w", "1:100"], 0, "OK"],
  ])("%j exits %i (%s) and echoes the ranges in force", async (args, exitCode, state) => {
    const r = await runBinary("check_serverscore", args);
    expect(r).toMatchObject({ exitCode, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^SERVERSCORE ${state}: score \\d+ `));
    const last = (flags: string[]) => {
      let value: string | undefined;
      for (const [i, a] of args.entries()) {
        const m = /^(-w|-c|--warning=|--critical=)(.*)$/.exec(a);
        if (m && flags.includes(m[1])) value = m[2] !== "" ? m[2] : args[i + 1];
      }
      return value;
    };
    const [w, c] = [last(["-w", "--warning="]) ?? "50:", last(["-c", "--critical="]) ?? "25:"];
    expect(perfdataOf(r.stdout)!.split(" ")[0]).toBe(`score=${scoreOf(r.stdout)};${w};${c};1;100`);
  });

  it("--window 15 --components load,mem,swap names every part and the limiting one", async () => {
    const r = await runBinary("check_serverscore", ["--window", "15", "--components", "load,mem,swap", "-w", "1:100", "-c", "1:100"]);
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: score \d+ \(\d+(\.\d+)? load per CPU over 15 min; load \d+, mem \d+, swap \d+; limited by (load|mem|swap)\)$/);
    const parts = Object.fromEntries([...r.stdout.matchAll(/(load|mem|swap) (\d+)[,;]/g)].map((m) => [m[1], Number(m[2])]));
    expect(scoreOf(r.stdout)).toBe(Math.min(...Object.values(parts)));
  });

  it("--format json", async () => {
    const r = await runBinary("check_serverscore", ["--format=json", "-c", "@1:100"]);
    expect(r).toMatchObject({ exitCode: 2, stderr: "" });
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ command: "check_serverscore", state: "CRITICAL", exitCode: 2, findings: [] });
    expect(json.metrics[0]).toEqual({ label: "score", value: expect.any(Number), uom: "", warning: "50:", critical: "@1:100", min: 1, max: 100 });
  });

  it("-vvv adds long output, perfdata moves to the last line, stderr stays empty", async () => {
    const r = await runBinary("check_serverscore", ["-vvv", "-w", "1:100", "-c", "1:100"]);
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).not.toContain("|");
    expect(lines.at(-1)).toMatch(/ \| score=\d+;1:100;1:100;1;100 load_per_cpu=/);
  });

  const REJECTED = ["20:10", "-5", "@", ":", "~", "~:", "10:20:30", "1:12%", "1e3", "+5", ".5", "5.", "5,5", " 10"];
  it.each(REJECTED)("-w '%s' is rejected: one line naming --warning, exit 3, empty stderr", async (range) => {
    const r = await runBinary("check_serverscore", ["-w", range]);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(r.stdout).toMatch(/^SERVERSCORE UNKNOWN: --warning: [^\n|]+\n$/);
  });

  it.each([
    [["--window", "10"], "--window: expected 1, 5 or 15, got '10'"],
    [["--components=,"], "--components: unknown part '' (use load, mem, swap)"],
    [["-c"], "--critical: missing value"],
    [["--critical", "1:12%"], "--critical: '1:12%' is not a percentage here: drop the '%' (the value judged is a count or an amount)"],
  ])("%j: %s", async (args, message) => {
    const r = await runBinary("check_serverscore", args);
    expect(r).toEqual(expect.objectContaining({ exitCode: 3, stderr: "", stdout: `SERVERSCORE UNKNOWN: ${message}\n` }));
  });

  it.each([
    [["-w", "", "-c", "@1:100"], "50:", "@1:100"],
    [["--warning=", "--critical=", "--components=", "--window="], "50:", "25:"],
    [["-w", ":100", "-c", ":100"], "0:100", "0:100"],
  ])("%j: an empty value is the default, ':N' is 0..N (as the C plugins read it)", async (args, warning, critical) => {
    const r = await runBinary("check_serverscore", args);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^SERVERSCORE [A-Z]+: score \\d+ .*\\| score=\\d+;${warning};${critical};1;100 `));
  });
});
