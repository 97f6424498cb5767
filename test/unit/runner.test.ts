import { describe, expect, it } from "vitest";
import { CheckError } from "../../src/errors";
import { makeReport, simpleReport } from "../../src/report";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { type GaugeCheck, gaugeCheck } from "../fixtures/gauge";
import { lateBy } from "../support/timing";

describe("runCheck: the deadline", () => {
  it("a run() that never settles is UNKNOWN 'timed out after 1s while <stage>' within the deadline", async () => {
    const hang = gaugeCheck(async (_o, ctx) => {
      ctx.stage("waiting for the gauge");
      return new Promise(() => {});
    });
    const started = Date.now();
    const result = await runCheck(hang, ["-t", "1"]);
    const elapsed = Date.now() - started;
    expect(result).toEqual({ exitCode: 3, stdout: "GAUGE UNKNOWN: timed out after 1s while waiting for the gauge\n" });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(lateBy(1000)); // not the default 10 s
  });

  it("names the stage reached last, and 'starting' when none was named", async () => {
    const stages = gaugeCheck(async (_o, ctx) => {
      ctx.stage("listing queues");
      // An await between the stages, but no timer: a loaded machine must not let -t 0.3 win the race.
      await Promise.resolve();
      ctx.stage("reading attributes");
      return new Promise(() => {});
    });
    expect((await runCheck(stages, ["-t", "0.3"])).stdout).toBe("GAUGE UNKNOWN: timed out after 0.3s while reading attributes\n");
    const silent = gaugeCheck(() => new Promise(() => {}));
    expect((await runCheck(silent, ["--timeout=0.2"])).stdout).toBe("GAUGE UNKNOWN: timed out after 0.2s while starting\n");
  });

  it("aborts ctx.signal at the deadline; an I/O error caused by the abort still reads as the timeout", async () => {
    let aborted = false;
    const io = gaugeCheck(async (_o, ctx) => {
      ctx.stage("calling the API");
      await new Promise((_resolve, reject) =>
        ctx.signal.addEventListener("abort", () => {
          aborted = true;
          reject(new Error("socket hang up"));
        }),
      );
      return makeReport({ summary: "unreachable" });
    });
    const { stdout, exitCode } = await runCheck(io, ["-t", "0.2"]);
    expect(aborted).toBe(true);
    expect(exitCode).toBe(3);
    expect(stdout).toBe("GAUGE UNKNOWN: timed out after 0.2s while calling the API\n");
  });

  it("a check may say what the deadline means from a point on (a hung mount is CRITICAL), and take it back", async () => {
    const hung = gaugeCheck((_o, ctx) => {
      ctx.onTimeout((seconds) => simpleReport(State.CRITICAL, `hung: no answer in ${seconds}s`));
      return new Promise(() => {});
    });
    expect(await runCheck(hung, ["-t", "0.2"])).toEqual({ exitCode: 2, stdout: "GAUGE CRITICAL: hung: no answer in 0.2s\n" });
    const after = gaugeCheck((_o, ctx) => {
      ctx.onTimeout((seconds) => simpleReport(State.CRITICAL, `hung: no answer in ${seconds}s`));
      ctx.onTimeout(undefined);
      ctx.stage("judging");
      return new Promise(() => {});
    });
    expect(await runCheck(after, ["-t", "0.2"])).toEqual({ exitCode: 3, stdout: "GAUGE UNKNOWN: timed out after 0.2s while judging\n" });
  });

  it("ctx knows the deadline and the time left", async () => {
    const def = gaugeCheck(async (_o, ctx) => {
      const left = ctx.remainingMs();
      return makeReport({ summary: `${ctx.timeoutSeconds}s ${left > 2500 && left <= 3000} ${ctx.deadline - Date.now() <= 3000}` });
    });
    expect((await runCheck(def, ["-t", "3"])).stdout).toBe("GAUGE OK: 3s true true\n");
    const dflt = gaugeCheck(async (_o, ctx) => makeReport({ summary: `${ctx.timeoutSeconds}s` }));
    expect((await runCheck(dflt, [])).stdout).toBe("GAUGE OK: 10s\n");
  });
});

describe("runCheck: errors", () => {
  const boom = gaugeCheck(async () => {
    throw new TypeError("cannot read properties of undefined (reading 'Reservations')");
  });

  it("a thrown error is UNKNOWN with its message, one line, no stack", async () => {
    const { stdout, exitCode } = await runCheck(boom, []);
    expect(exitCode).toBe(3);
    expect(stdout).toBe("GAUGE UNKNOWN: cannot read properties of undefined (reading 'Reservations')\n");
  });

  it("-vvv adds the stack to the long output (and only -vvv)", async () => {
    const vv = await runCheck(boom, ["-vv"]);
    expect(vv.stdout).not.toMatch(/\n\s*at /);
    const vvv = await runCheck(boom, ["-vvv"]);
    expect(vvv.exitCode).toBe(3);
    const lines = vvv.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("GAUGE UNKNOWN: cannot read properties of undefined (reading 'Reservations')");
    expect(lines.some((l) => /^at .*runner\.test\.ts/.test(l.trim()))).toBe(true);
    expect(vvv.stdout).not.toContain("|");
  });

  it("a thrown non-Error and an empty message still give a reason", async () => {
    expect((await runCheck(gaugeCheck(() => Promise.reject("plain string")), [])).stdout).toBe("GAUGE UNKNOWN: plain string\n");
    expect((await runCheck(gaugeCheck(() => Promise.reject(new RangeError(""))), [])).stdout).toBe("GAUGE UNKNOWN: RangeError\n");
  });

  it("a multi-line message stays on line 1", async () => {
    const { stdout } = await runCheck(gaugeCheck(() => Promise.reject(new Error("first\nsecond | third"))), []);
    expect(stdout).toBe("GAUGE UNKNOWN: first second / third\n");
  });

  it("a CheckError carries its state", async () => {
    const crit = gaugeCheck(() => Promise.reject(new CheckError("queue orders does not exist", State.CRITICAL)));
    expect(await runCheck(crit, [])).toEqual({ exitCode: 2, stdout: "GAUGE CRITICAL: queue orders does not exist\n" });
  });

  it("errors in --format json are JSON too", async () => {
    const { stdout, exitCode } = await runCheck(boom, ["--format", "json"]);
    expect(exitCode).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ command: "check_gauge", state: "UNKNOWN", exitCode: 3, findings: [], metrics: [] });
  });
});

describe("runCheck: context", () => {
  const chatty = gaugeCheck(async (_o, ctx) => {
    ctx.stage("reading");
    ctx.debug(1, "one");
    ctx.debug(2, "two");
    ctx.debug(3, "three");
    return makeReport({ summary: `at ${ctx.now().toISOString()} env ${ctx.env.FOO}`, metrics: [{ label: "n", value: 1 }] });
  });
  const now = () => new Date("2026-11-23T19:00:00Z");

  it.each([
    [[], []],
    [["-v"], ["one"]],
    [["-vv"], ["stage: reading", "one", "two"]],
    [["-vvv"], ["stage: reading", "one", "two", "three"]],
  ])("verbosity %j shows %j in the long output, perfdata on the last line", async (flags, shown) => {
    const { stdout } = await runCheck(chatty, flags, { now, env: { FOO: "bar" } });
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`GAUGE OK: at 2026-11-23T19:00:00.000Z env bar${shown.length === 0 ? " | n=1" : ""}`);
    expect(lines.slice(1).map((l) => l.replace(/ \| n=1$/, "").replace(/ \(\+\d+ ms\)$/, ""))).toEqual(shown);
    if (shown.length > 0) expect(lines.at(-1)).toMatch(/ \| n=1$/);
  });

  it("print() replaces the nagios rendering, except for UNKNOWN", async () => {
    const def: GaugeCheck = {
      ...gaugeCheck(async (o) => ({ ...makeReport({ summary: "x", state: State.OK }), data: o.value })),
      print: (report, format) => (format === "json" ? `{"v":${report.data}}\n` : `${report.data}\n`),
    };
    expect(await runCheck(def, ["--value", "42"])).toEqual({ exitCode: 0, stdout: "42\n" });
    expect(await runCheck(def, ["--value", "42", "--format", "json"])).toEqual({ exitCode: 0, stdout: '{"v":42}\n' });
    expect(await runCheck(def, ["--value", "x"])).toEqual({ exitCode: 3, stdout: "GAUGE UNKNOWN: --value: expected a number, got 'x'\n" });
  });
});
