import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Metric } from "../../src/metric";
import { Range } from "../../src/range";
import { OUTPUT_LIMIT, renderJson, renderNagios } from "../../src/render";
import { type Finding, makeReport } from "../../src/report";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { isValidPerfdata, perfdataOf } from "../support/perfdata-grammar";
import { gaugeCheck } from "../fixtures/gauge";

const FIRST_LINE = /^[A-Z][A-Z0-9_]* (OK|WARNING|CRITICAL|UNKNOWN): \S.*$/;
const bytes = (s: string) => Buffer.byteLength(s);

function finding(state: State, text: string): Finding {
  return { state, text };
}

/** Asserts the shape every core parses alike (conventions.md §3, §4) and returns the lines. */
function expectWellFormed(out: string): string[] {
  expect(out.endsWith("\n")).toBe(true);
  expect(out).not.toContain("\r");
  expect(bytes(out)).toBeLessThanOrEqual(OUTPUT_LIMIT);
  expect(out.split("|").length).toBeLessThanOrEqual(2);
  const lines = out.slice(0, -1).split("\n");
  expect(lines[0].split("|")[0].trimEnd()).toMatch(FIRST_LINE);
  if (lines.length > 1) expect(lines[0]).not.toContain("|");
  for (const line of lines.slice(0, -1)) expect(line).not.toContain("|");
  const perf = perfdataOf(out);
  if (perf !== undefined) expect(isValidPerfdata(perf, true), perf).toBe(true);
  return lines;
}

describe("nagios output placement", () => {
  const score: Metric = { label: "score", value: 42, warning: Range.parse("50:"), critical: Range.parse("25:"), min: 1, max: 100 };

  it("single line: perfdata on line 1 after ' | '", () => {
    const out = renderNagios("SERVERSCORE", makeReport({ state: State.WARNING, summary: "score 42", metrics: [score] }));
    expect(out).toBe("SERVERSCORE WARNING: score 42 | score=42;50:;25:;1;100\n");
    expectWellFormed(out);
  });

  it("no metrics: no '|' at all", () => {
    expect(renderNagios("X", makeReport({ summary: "fine" }))).toBe("X OK: fine\n");
  });

  it("multi-line: line 1 without '|', findings worst first, perfdata after ' | ' on the last line", () => {
    const report = makeReport({
      summary: "1 CRITICAL, 1 WARNING",
      findings: [finding(State.OK, "c fine"), finding(State.WARNING, "b slow"), finding(State.UNKNOWN, "d lookup failed"), finding(State.CRITICAL, "a down")],
      metrics: [{ label: "queues", value: 4 }, { label: "a.visible", value: 9, perItem: true }],
    });
    const out = renderNagios("QUEUE", report);
    expect(out).toBe(
      [
        "QUEUE CRITICAL: 1 CRITICAL, 1 WARNING",
        "[CRITICAL] a down",
        "[WARNING] b slow",
        "[UNKNOWN] d lookup failed",
        "[OK] c fine | queues=4 a.visible=9",
        "",
      ].join("\n"),
    );
    expectWellFormed(out);
  });

  it("replaces '|' in the summary and findings and keeps each finding on one line", () => {
    const report = makeReport({
      summary: "a | b",
      findings: [finding(State.WARNING, "x|y\nsecond line\r\nthird")],
      metrics: [{ label: "n|m", value: 1 }],
    });
    const out = renderNagios("T", report);
    expect(out).toBe("T WARNING: a / b\n[WARNING] x/y second line third | n_m=1\n");
    expectWellFormed(out);
  });

  it("extra (debug) lines go into the long output before the perfdata", () => {
    const out = renderNagios("T", makeReport({ summary: "s", metrics: [{ label: "n", value: 1 }] }), ["stage: x | y"]);
    expect(out).toBe("T OK: s\nstage: x / y | n=1\n");
  });
});

describe("the 4096-byte cap", () => {
  const manyFindings = (n: number, width = 100) =>
    Array.from({ length: n }, (_, i) => finding(i % 3 === 0 ? State.CRITICAL : State.OK, `item-${String(i).padStart(4, "0")} ${"x".repeat(width)}`));
  const aggregates: Metric[] = [
    { label: "instances", value: 500 },
    { label: "stale", value: 167, warning: Range.parse("0"), critical: Range.parse("10") },
    { label: "missing", value: 0 },
  ];
  const perItem = (n: number, labelWidth = 8): Metric[] =>
    Array.from({ length: n }, (_, i) => ({ label: `i-${String(i).padStart(labelWidth, "0")}`, value: 86400 + i, uom: "s", warning: Range.above(93600), critical: Range.above(180000), min: 0, perItem: true }));

  it("cuts long output with a line saying how many were left out; aggregates always present", () => {
    const findings = manyFindings(500);
    const out = renderNagios("AMI", makeReport({ summary: "167 CRITICAL", findings, metrics: [...aggregates, ...perItem(500)] }));
    const lines = expectWellFormed(out);
    const notShown = lines.find((l) => l.startsWith("... "));
    expect(notShown).toMatch(/^\.\.\. (\d+) more line\(s\) not shown \(output is limited to 4096 bytes\)/);
    const shownFindings = lines.filter((l) => l.startsWith("[")).length;
    expect(shownFindings).toBeGreaterThan(5);
    expect(shownFindings + Number(/^\.\.\. (\d+)/.exec(notShown!)![1])).toBe(500);
    // the worst are kept: every shown finding line is CRITICAL (sorted first)
    expect(lines.filter((l) => l.startsWith("[")).every((l) => l.startsWith("[CRITICAL]"))).toBe(true);
    const perf = perfdataOf(out)!;
    for (const a of ["instances=500", "stale=167;0;10", "missing=0"]) expect(perf.split(" ")).toContain(a);
  });

  it("per-item perfdata: at most 50 items, the first given first", () => {
    const out = renderNagios("AMI", makeReport({ summary: "s", metrics: [...aggregates, ...perItem(80)] }));
    const labels = perfdataOf(out)!.split(" ").map((i) => i.split("=")[0]);
    expectWellFormed(out);
    expect(labels).toHaveLength(3 + 50);
    expect(labels.slice(3)).toEqual(perItem(50).map((m) => m.label));
  });

  it("per-item perfdata stops at whole items when the bytes run out, never mid-item", () => {
    const metrics = [...aggregates, ...perItem(50, 150)];
    const findings = manyFindings(40);
    const out = renderNagios("AMI", makeReport({ summary: "s", findings, metrics }));
    expectWellFormed(out);
    const items = perfdataOf(out)!.split(" ");
    expect(items.length).toBeGreaterThan(3);
    expect(items.length).toBeLessThan(53);
    const expected = metrics.slice(0, items.length);
    expect(items.map((i) => i.split("=")[0])).toEqual(expected.map((m) => m.label));
    for (const item of items.slice(3)) expect(item).toMatch(/^i-0+\d+=\d+s;~:93600;~:180000;0$/);
  });

  it("the cap holds exactly, however many lines are left out (the notice grows with the count)", () => {
    for (const n of [99, 1000, 10_000]) {
      for (let width = 1; width <= 8; width++) {
        for (const label of ["m", "mm", "mmm", "mmmm"]) {
          const findings = Array.from({ length: n }, () => finding(State.OK, "x".repeat(width)));
          const out = renderNagios("X", makeReport({ summary: "s", findings, metrics: [{ label, value: 123456789 }] }));
          expect(bytes(out), `${n} lines of ${width}, label ${label}`).toBeLessThanOrEqual(OUTPUT_LIMIT);
          // when lines were left out, the room was used, not wasted
          if (out.includes(" not shown ")) expect(bytes(out)).toBeGreaterThan(OUTPUT_LIMIT - 30);
          expect(out.trimEnd().endsWith(`| ${label}=123456789`)).toBe(true);
        }
      }
    }
  });

  it("a huge summary is cut too, and the output still ends with its perfdata", () => {
    const out = renderNagios("X", makeReport({ summary: "y".repeat(10_000), findings: manyFindings(10), metrics: aggregates }));
    expectWellFormed(out);
    expect(out.trimEnd().endsWith("missing=0")).toBe(true);
  });

  it("counts bytes, not characters (UTF-8 text)", () => {
    const findings = Array.from({ length: 200 }, (_, i) => finding(State.WARNING, `${i} ${"é€".repeat(40)}`));
    const out = renderNagios("X", makeReport({ summary: "ünïcode", findings, metrics: aggregates }));
    expectWellFormed(out);
  });

  it("any report renders well-formed within the cap (property)", () => {
    const state = fc.constantFrom(State.OK, State.WARNING, State.CRITICAL, State.UNKNOWN);
    const text = fc.string({ minLength: 1, maxLength: 300, unit: "grapheme" });
    const metric = fc.record({
      // labels that collide once made safe (`web lb`, `web_lb`) or with a suffix the renderer might pick
      label: fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), fc.constantFrom("web lb", "web_lb", "web_lb_2", "web=lb", "q")),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      perItem: fc.boolean(),
    });
    fc.assert(
      fc.property(
        text.filter((t) => /\S/.test(t.replace(/[|\r\n]/g, ""))),
        fc.array(fc.record({ state, text }), { maxLength: 120 }),
        fc.array(metric, { maxLength: 120 }),
        (summary, findings, metrics) => {
          // labels may repeat: the renderer must still print each one once (the grammar checks that)
          const unique = metrics;
          const aggregateBytes = unique.filter((m) => !m.perItem).reduce((n, m) => n + m.label.length * 3 + 40, 0);
          fc.pre(aggregateBytes < 2000);
          const out = renderNagios("PROP", makeReport({ summary, findings, metrics: unique }));
          expectWellFormed(out);
          const perf = perfdataOf(out)?.split(" ") ?? [];
          expect(perf.length).toBeGreaterThanOrEqual(unique.filter((m) => !m.perItem).length);
          expect(perf.length - unique.filter((m) => !m.perItem).length).toBeLessThanOrEqual(50);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("labels are unique in every output", () => {
  const report = makeReport({
    summary: "s",
    metrics: [
      { label: "web lb", value: 1 },
      { label: "web_lb", value: 2 },
      { label: "web_lb_2", value: 3 },
      { label: "web=lb", value: 4 },
    ],
  });

  it("nagios: the first keeps its label, repeats get the next free _N", () => {
    expect(perfdataOf(renderNagios("X", report))).toBe("web_lb=1 web_lb_3=2 web_lb_2=3 web_lb_4=4");
  });

  it("json: the same labels", () => {
    expect(JSON.parse(renderJson("x", report)).metrics.map((m: { label: string }) => m.label)).toEqual(["web_lb", "web_lb_3", "web_lb_2", "web_lb_4"]);
  });
});

describe("--format json", () => {
  it("has command, state, exitCode, summary, findings and metrics", () => {
    const report = makeReport({
      summary: "1 CRITICAL",
      findings: [{ state: State.OK, text: "b fine" }, { state: State.CRITICAL, text: "a | down", instanceId: "i-1" }],
      metrics: [{ label: "my disk", value: 3, uom: "%", warning: Range.parse("~:80"), min: 0, max: 100 }, { label: "n", value: 1 }],
    });
    const json = JSON.parse(renderJson("check_x", report));
    expect(Object.keys(json)).toEqual(["command", "state", "exitCode", "summary", "findings", "metrics"]);
    expect(json).toEqual({
      command: "check_x",
      state: "CRITICAL",
      exitCode: 2,
      summary: "1 CRITICAL",
      findings: [
        { state: "CRITICAL", text: "a | down", instanceId: "i-1" },
        { state: "OK", text: "b fine" },
      ],
      metrics: [
        { label: "my_disk", value: 3, uom: "%", warning: "~:80", critical: null, min: 0, max: 100 },
        { label: "n", value: 1, uom: "", warning: null, critical: null, min: null, max: null },
      ],
    });
  });

  it("through runCheck: same exit code, one line of JSON", async () => {
    const { stdout, exitCode } = await runCheck(gaugeCheck(), ["--value", "25", "-w", "10", "-c", "20", "--format=json"]);
    expect(exitCode).toBe(2);
    expect(stdout.endsWith("}\n")).toBe(true);
    expect(stdout.trimEnd()).not.toContain("\n");
    expect(JSON.parse(stdout)).toMatchObject({ command: "check_gauge", state: "CRITICAL", exitCode: 2, metrics: [{ label: "value", value: 25, warning: "10", critical: "20" }] });
  });
});
