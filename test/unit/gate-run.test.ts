import { describe, expect, it } from "vitest";
import { findFixture, sleepyFinished } from "../fixtures/gate/defs";
import { type GateIo, runGate } from "../../app/gate/gate";
import { mapBounded } from "../../src/concurrency";
import { fails, gateState } from "../../app/gate/policy";
import { State } from "../../src/state";
import { expectPerfdataAsSamples, expectRunSeries, parseOpenMetrics, promtool } from "../support/openmetrics";
import { lateBy } from "../support/timing";
import { findAll, junitProblems, parseXml } from "./gate-xml";

/** An in-memory gate: files in a map, no terminal unless asked. */
function memoryIo(files: Record<string, string>, terminal?: GateIo["terminal"]): GateIo & { files: Map<string, string> } {
  const store = new Map(Object.entries(files));
  return {
    files: store,
    env: {},
    readFile: (path) => {
      const text = store.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      return text;
    },
    writeFile: (path, text) => {
      if (path.startsWith("/nonexistent/")) throw Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
      store.set(path, text);
    },
    touch: (path) => {
      if (path.startsWith("/nonexistent/")) throw Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
      if (!store.has(path)) store.set(path, "");
    },
    hostname: "testhost",
    now: () => new Date("2026-11-23T10:00:00Z"),
    terminal,
  };
}

const gauge = (name: string, value: number, extra = "") =>
  `  - name: ${name}\n    command: check_gauge\n    args: ["--value", "${value}", "-w", "10", "-c", "20"]\n${extra}`;

async function gate(yaml: string, ...args: string[]) {
  const io = memoryIo({ "g.yaml": yaml });
  const r = await runGate(["g.yaml", ...args], findFixture, io);
  return { ...r, io };
}

describe("policy: which states fail, and the gate's exit code", () => {
  const S = { ok: State.OK, warning: State.WARNING, critical: State.CRITICAL, unknown: State.UNKNOWN } as const;
  type Name = keyof typeof S;
  it.each([
    ["ok", "warning", [], false],
    ["warning", "warning", [], true],
    ["critical", "warning", [], true],
    ["unknown", "warning", [], true],
    ["warning", "critical", [], false],
    ["critical", "critical", [], true],
    ["unknown", "critical", [], true],
    ["warning", "unknown", [], false],
    ["critical", "unknown", [], false],
    ["unknown", "unknown", [], true],
    ["warning", "warning", ["warning"], false],
    ["critical", "warning", ["warning"], true],
    ["unknown", "warning", ["unknown"], false],
  ] as [Name, "warning" | "critical" | "unknown", Name[], boolean][])("%s under --fail-on %s, allowed %j: fails=%s", (state, failOn, allowed, expected) => {
    expect(fails(S[state], allowed.map((a) => S[a]), { failOn: S[failOn] })).toBe(expected);
  });

  it("the gate's state is the worst failing one, UNKNOWN never hiding a CRITICAL", () => {
    expect(gateState([])).toBe(State.OK);
    expect(gateState([State.UNKNOWN, State.CRITICAL])).toBe(State.CRITICAL);
    expect(gateState([State.UNKNOWN, State.WARNING])).toBe(State.WARNING);
    expect(gateState([State.UNKNOWN])).toBe(State.UNKNOWN);
  });
});

describe("running a gate in-process", () => {
  const mixed = `checks:\n${gauge("ok-one", 5)}${gauge("warn-one", 15)}${gauge("crit-one", 25)}`;

  it("plain output: the verdict, one line per check worst first, perfdata", async () => {
    const r = await gate(mixed);
    expect(r.exitCode).toBe(State.CRITICAL);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("GATE CRITICAL: 2 of 3 check(s) failed: crit-one, warn-one");
    expect(lines[1]).toMatch(/^\[CRITICAL\] crit-one: value 25 \(\d+\.\d\ds\)$/);
    expect(lines[2]).toMatch(/^\[WARNING\] warn-one: value 15 \(\d+\.\d\ds\)$/);
    expect(lines[3]).toMatch(/^\[OK\] ok-one: value 5 \(\d+\.\d\ds\) \| checks=3;;;0 failed=2;;;0 ok=1;;;0 warning=1;;;0 critical=1;;;0 unknown=0;;;0 time=[\d.]+s;;;0 /);
    expect(r.stdout.split("|")).toHaveLength(2);
  });

  it.each([
    ["warning", State.CRITICAL, "2 of 3 check(s) failed: crit-one, warn-one"],
    ["critical", State.CRITICAL, "1 of 3 check(s) failed: crit-one"],
    ["unknown", State.OK, "all 3 check(s) passed, 2 not OK but allowed or below --fail-on unknown"],
  ])("--fail-on %s", async (level, code, headline) => {
    const r = await gate(mixed, "--fail-on", level);
    expect(r.exitCode).toBe(code);
    expect(r.stdout.split("\n")[0]).toBe(`GATE ${State[code]}: ${headline}`);
  });

  it("--fail-on critical lets a WARNING pass and says why", async () => {
    const r = await gate(`checks:\n${gauge("ok-one", 5)}${gauge("warn-one", 15)}`, "--fail-on=critical");
    expect(r.exitCode).toBe(State.OK);
    expect(r.stdout).toMatch(/\[WARNING\] warn-one: value 15 \(\d+\.\d\ds, below --fail-on critical\)/);
  });

  it("fail-on in the file, overridden by the command line", async () => {
    const yaml = `fail-on: critical\nchecks:\n${gauge("warn-one", 15)}`;
    expect((await gate(yaml)).exitCode).toBe(State.OK);
    expect((await gate(yaml, "--fail-on", "warning")).exitCode).toBe(State.WARNING);
  });

  it("allow: warning passes that check's WARNING, not its CRITICAL, and not another check's WARNING", async () => {
    const allowed = await gate(`checks:\n${gauge("backups", 15, "    allow: warning\n")}`);
    expect(allowed.exitCode).toBe(State.OK);
    expect(allowed.stdout).toMatch(/^GATE OK: all 1 check\(s\) passed, 1 not OK/);
    expect(allowed.stdout).toMatch(/\[WARNING\] backups: value 15 \(\d+\.\d\ds, WARNING allowed\)/);

    const crit = await gate(`checks:\n${gauge("backups", 25, "    allow: warning\n")}`);
    expect(crit.exitCode).toBe(State.CRITICAL);

    const other = await gate(`checks:\n${gauge("backups", 15, "    allow: warning\n")}${gauge("events", 15)}`);
    expect(other.exitCode).toBe(State.WARNING);
    expect(other.stdout.split("\n")[0]).toBe("GATE WARNING: 1 of 2 check(s) failed: events");
  });

  it("allow takes a list: an UNKNOWN that is allowed passes", async () => {
    const r = await gate(`checks:\n  - name: flaky\n    command: check_hang\n    timeout: 0.2\n    allow: [warning, unknown]\n`);
    expect(r.exitCode).toBe(State.OK);
    expect(r.stdout).toMatch(/\[UNKNOWN\] flaky: timed out after 0.2s while starting/);
  });

  it("--format json: every check in file order with its whole output", async () => {
    const r = await gate(mixed, "--format", "json");
    expect(r.exitCode).toBe(State.CRITICAL);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ command: "gate", file: "g.yaml", suite: "g", state: "CRITICAL", exitCode: 2, failOn: "warning" });
    expect(out.checks.map((c: { name: string; state: string; failed: boolean }) => [c.name, c.state, c.failed])).toEqual([
      ["ok-one", "OK", false],
      ["warn-one", "WARNING", true],
      ["crit-one", "CRITICAL", true],
    ]);
    expect(out.checks[2].output).toBe("GAUGE CRITICAL: value 25 | value=25;10;20\n");
    expect(out.checks[2].argv).toEqual(["--value", "25", "-w", "10", "-c", "20"]);
  });

  it("--junit writes a valid report: failures for failing checks only, output in system-out", async () => {
    const yaml = `name: prod-health\nchecks:\n${gauge("ok-one", 5)}${gauge("warn-allowed", 15, "    allow: warning\n")}${gauge("crit-one", 25)}`;
    const r = await gate(yaml, "--junit", "out/report.xml");
    const xml = r.io.files.get("out/report.xml");
    expect(xml).toBeDefined();
    const doc = parseXml(xml as string);
    expect(junitProblems(doc)).toEqual([]);
    const suite = findAll(doc, "testsuite")[0];
    expect(suite.attributes.get("name")).toBe("prod-health");
    expect(suite.attributes.get("timestamp")).toBe("2026-11-23T10:00:00");
    expect(suite.attributes.get("hostname")).toBe("testhost");
    const cases = findAll(doc, "testcase");
    expect(cases.map((c) => [c.attributes.get("name"), c.attributes.get("classname"), c.children.map((k) => k.name).join(",")])).toEqual([
      ["ok-one", "check_gauge", "system-out"],
      ["warn-allowed", "check_gauge", "system-out"],
      ["crit-one", "check_gauge", "failure,system-out"],
    ]);
    const failure = cases[2].children[0];
    expect(failure.attributes.get("type")).toBe("CRITICAL");
    expect(failure.attributes.get("message")).toBe("GAUGE CRITICAL: value 25");
    expect(cases[2].children[1].text).toBe("GAUGE CRITICAL: value 25 | value=25;10;20\n");
    expect(suite.attributes.get("failures")).toBe("1");
  });

  it("--junit to a place that cannot be written is UNKNOWN before any check runs", async () => {
    const r = await gate(`checks:\n  - name: slow\n    command: check_sleepy\n    args: ["--value", "3000"]\n`, "--junit", "/nonexistent/r.xml");
    expect(r.exitCode).toBe(State.UNKNOWN);
    expect(r.stdout).toBe("GATE UNKNOWN: --junit: cannot write /nonexistent/r.xml: ENOENT: no such file or directory\n");
  });

  it("a hung check ends at its own deadline", async () => {
    const yaml = "checks:\n  - name: hung\n    command: check_hang\n    timeout: 1\n" + gauge("a", 1);
    const started = performance.now();
    const r = await gate(yaml, "--format", "json");
    const ms = performance.now() - started;
    const out = JSON.parse(r.stdout);
    const hung = out.checks.find((c: { name: string }) => c.name === "hung");
    expect(hung.state).toBe("UNKNOWN");
    expect(hung.summary).toBe("timed out after 1s while starting");
    expect(hung.durationMs).toBeGreaterThanOrEqual(990);
    expect(hung.durationMs).toBeLessThan(lateBy(1000)); // not the commands' default 10 s
    expect(ms).toBeLessThan(lateBy(1000));
    expect(r.exitCode).toBe(State.UNKNOWN);
  });

  it("a check that waits does not hold the others: they run in the free slot meanwhile", async () => {
    // `waiting` ends OK only once a..d have all finished, which they can only do while it still holds its
    // slot: so an OK proves they ran alongside it, with no clock involved. Held back, it would time out.
    sleepyFinished.count = 0;
    const yaml =
      "concurrency: 2\nchecks:\n" +
      "  - name: waiting\n    command: check_latch\n    args: [\"--value\", \"4\"]\n    timeout: 20\n" +
      ["a", "b", "c", "d"].map((n) => `  - name: ${n}\n    command: check_sleepy\n    args: ["--value", "10"]\n`).join("");
    const out = JSON.parse((await gate(yaml, "--format", "json")).stdout);
    expect(out.checks.map((c: { name: string; state: string }) => [c.name, c.state])).toEqual([
      ["waiting", "OK"],
      ["a", "OK"],
      ["b", "OK"],
      ["c", "OK"],
      ["d", "OK"],
    ]);
    expect(out.checks[0].summary).toBe("saw 4 finish");
  });

  it("shared aws options reach AWS checks only, and an entry's own option wins key by key", async () => {
    const yaml =
      "aws: { region: [us-east-1, eu-west-1], profile: ops, endpoint-url: 'http://127.0.0.1:9', max-attempts: 5 }\nchecks:\n" +
      "  - name: shared\n    command: check_awsecho\n" +
      "  - name: own\n    command: check_awsecho\n    args: [--region, ap-south-1, --profile=mine]\n" +
      `${gauge("local", 1)}`;
    const r = await gate(yaml, "--format", "json");
    const out = JSON.parse(r.stdout);
    const byName = Object.fromEntries(out.checks.map((c: { name: string }) => [c.name, c]));
    expect(byName.shared.summary).toBe("regions=us-east-1,eu-west-1 profile=ops endpoint=http://127.0.0.1:9 attempts=5");
    expect(byName.own.summary).toBe("regions=ap-south-1 profile=mine endpoint=http://127.0.0.1:9 attempts=5");
    expect(byName.local.argv).toEqual(["--value", "1", "-w", "10", "-c", "20"]);
  });

  it("timeout: becomes -t; a top-level timeout is each check's default", async () => {
    const yaml = `timeout: 7\nchecks:\n${gauge("a", 1)}${gauge("b", 1, "    timeout: 2.5\n")}`;
    const out = JSON.parse((await gate(yaml, "--format", "json")).stdout);
    expect(out.checks.map((c: { argv: string[]; timeout: number }) => [c.argv.at(-1), c.timeout])).toEqual([
      ["--timeout=7", 7],
      ["--timeout=2.5", 2.5],
    ]);
  });

  it("--dry-run validates and prints each command line, running nothing", async () => {
    const yaml = `checks:\n  - name: slow\n    command: check_sleepy\n    args: ["--value", "5000", "--name", "it's"]\n    allow: warning\n`;
    sleepyFinished.count = 0;
    const r = await gate(yaml, "--dry-run");
    expect(sleepyFinished.count).toBe(0); // nothing ran (counted, not timed)
    expect(r.exitCode).toBe(State.OK);
    expect(r.stdout).toBe(
      "GATE OK: 1 check(s) valid; concurrency 16, --fail-on warning\nslow: check_sleepy --value 5000 --name 'it'\\''s' (allow: warning)\n",
    );
  });

  it("a terminal gets a table and a progress line that is cleared before it", async () => {
    const written: string[] = [];
    const io = memoryIo({ "g.yaml": mixed }, { columns: 60, color: false, write: (t) => written.push(t) });
    const r = await runGate(["g.yaml"], findFixture, io);
    expect(written.some((w) => /\[\d\/3\] \d+\.\d\ds running: /.test(w))).toBe(true);
    expect(written.at(-1)).toBe("\r\x1b[K");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^\s+STATE\s+CHECK\s+TIME\s+SUMMARY$/);
    expect(lines[1]).toMatch(/^FAIL  CRITICAL  crit-one\s+\d+\.\d\ds  value 25$/);
    expect(lines[2]).toMatch(/^FAIL  WARNING   warn-one\s+\d+\.\d\ds  value 15$/);
    expect(lines[3]).toMatch(/^pass  OK        ok-one\s+\d+\.\d\ds  value 5$/);
    // The verdict wraps to the terminal's width.
    expect(lines.slice(5).join(" ").trim()).toMatch(/^GATE CRITICAL: 2 of 3 check\(s\) failed: crit-one, warn-one in \d+\.\d\ds$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
  });

  it("--format json on a terminal: no progress line, JSON out", async () => {
    const written: string[] = [];
    const io = memoryIo({ "g.yaml": mixed }, { columns: 80, color: true, write: (t) => written.push(t) });
    const r = await runGate(["g.yaml", "--format", "json"], findFixture, io);
    expect(written).toEqual([]);
    expect(JSON.parse(r.stdout).state).toBe("CRITICAL");
  });
});

describe("--format openmetrics", () => {
  const level = (name: string, value: number, extra = "") => gauge(name, value, extra).replace("check_gauge", "check_level");
  const yaml = `checks:\n${level("fine", 5)}${level("hot", 25)}${level("warm", 15, "    allow: warning\n")}`;

  it("every check's series labelled with its name, the gate's own; promtool accepts it", async () => {
    const om = await gate(yaml, "--format", "openmetrics");
    const json = JSON.parse((await gate(yaml, "--format", "json")).stdout);
    expect(om.exitCode).toBe(State.CRITICAL);
    expect(promtool(om.stdout)).toEqual({ exitCode: 0, output: "" });
    const samples = parseOpenMetrics(om.stdout);
    expectRunSeries(samples, "gate", State.CRITICAL);
    for (const check of json.checks as { name: string; exitCode: number; output: string }[]) {
      const own = samples.filter((s) => s.labels.check === check.name);
      expectRunSeries(own, "check_level", check.exitCode, { check: check.name });
      expect(expectPerfdataAsSamples("check_level", own, check.output, check.output)).toBe(1);
    }
    expect(om.stdout).toContain('aws_checks_check_level_value{check="hot"} 25\n');
    expect(om.stdout).toContain('aws_checks_check_level_value_critical{check="hot",bound="upper"} 20\n');
    // The allowed WARNING passes, the CRITICAL fails the gate.
    expect(om.stdout).toContain('aws_checks_gate_check_failed{check="warm"} 0\n');
    expect(om.stdout).toContain('aws_checks_gate_check_failed{check="hot"} 1\n');
  });

  it("every perfdata item of the gate's plugin output is a sample of its own (run times move between runs)", async () => {
    const plain = await gate(yaml, "--format", "plain");
    const samples = parseOpenMetrics((await gate(yaml, "--format", "openmetrics")).stdout).filter((s) => s.labels.command === undefined || s.labels.command === "gate");
    expect(expectPerfdataAsSamples("gate", samples, plain.stdout, plain.stdout, [/(^|\.)time$/])).toBe(10);
    expect(samples.find((s) => s.name === "aws_checks_gate_failed")?.value).toBe(1);
  });

  it.each([[["--format", "openmetrics", "--bogus"]], [["--format=openmetrics"]]])("a gate that cannot start %j is an exposition with state 3", async (args) => {
    const io = memoryIo({});
    const r = await runGate(args, findFixture, io);
    expect(r.exitCode).toBe(3);
    expect(promtool(r.stdout)).toEqual({ exitCode: 0, output: "" });
    expect(parseOpenMetrics(r.stdout).map((s) => [s.name, s.labels, s.value])).toEqual([
      ["aws_checks_state", { command: "gate" }, 3],
      ["aws_checks_duration_seconds", { command: "gate" }, 0],
    ]);
  });
});

describe("the gate's own command line", () => {
  it.each([
    [["--fail-on", "ok"], "GATE UNKNOWN: --fail-on: expected warning, critical or unknown, got 'ok'\n"],
    [["--format=xml"], "GATE UNKNOWN: --format: expected auto, table, plain, json, openmetrics, got 'xml'\n"],
    [["--junit"], "GATE UNKNOWN: --junit: missing value\n"],
    [["--bogus"], "GATE UNKNOWN: unknown option '--bogus'\n"],
    [["-x"], "GATE UNKNOWN: unknown option '-x'\n"],
    [["other.yaml"], "GATE UNKNOWN: one FILE only, got 'g.yaml' and 'other.yaml'\n"],
    [["--concurrency", "0"], "GATE UNKNOWN: --concurrency: expected a whole number from 1 to 64, got '0'\n"],
  ])("%j is UNKNOWN naming the option", async (args, stdout) => {
    const r = await runGate(["g.yaml", ...args], findFixture, memoryIo({ "g.yaml": `checks:\n${gauge("a", 1)}` }));
    expect(r).toEqual({ exitCode: State.UNKNOWN, stdout });
  });

  it("no FILE, --help and --version exit 3", async () => {
    const io = memoryIo({});
    expect(await runGate([], findFixture, io)).toEqual({ exitCode: 3, stdout: "GATE UNKNOWN: no FILE: aws-checks gate FILE (see aws-checks gate --help)\n" });
    const help = await runGate(["--help"], findFixture, io);
    expect(help.exitCode).toBe(3);
    expect(help.stdout).toMatch(/^Usage: aws-checks gate FILE \[options\]/);
    for (const opt of ["--fail-on", "--junit", "--format", "--concurrency", "--dry-run"]) expect(help.stdout).toContain(opt);
    for (const line of help.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    expect((await runGate(["-V"], findFixture, io)).stdout).toMatch(/^aws-checks gate version \d+\.\d+\.\d+\n$/);
  });

  it("a bad command line with --format json answers in JSON", async () => {
    const r = await runGate(["--format", "json", "--fail-on", "never"], findFixture, memoryIo({}));
    expect(r.exitCode).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual({
      command: "gate",
      file: null,
      state: "UNKNOWN",
      exitCode: 3,
      summary: "--fail-on: expected warning, critical or unknown, got 'never'",
      checks: [],
    });
  });
});

describe("mapBounded", () => {
  it("never runs more than the limit at once, keeps item order, and starts each item as a slot frees", async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const out = await mapBounded([50, 10, 10, 10, 10], 2, async (ms, i) => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(2);
    // Item 0 holds one slot the whole time; 1..4 pass through the other one in order.
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });
});
