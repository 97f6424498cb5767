import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Metric, Uom } from "../../src/metric";
import { renderOpenMetrics, renderRunOpenMetrics, runSamples } from "../../src/openmetrics";
import { Range } from "../../src/range";
import { renderNagios } from "../../src/render";
import { makeReport, simpleReport } from "../../src/report";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { expectPerfdataAsSamples, expectRunSeries, parseOpenMetrics, promtool } from "../support/openmetrics";
import { gaugeCheck } from "../fixtures/gauge";

describe("renderOpenMetrics", () => {
  it("state, duration, then one gauge per metric with base units, item labels and bounds; # EOF last", () => {
    const report = makeReport({
      summary: "orders: 120 visible",
      state: State.CRITICAL,
      metrics: [
        { label: "queues", value: 1, min: 0 },
        { label: "orders.visible", name: "visible", item: { region: "eu-west-1", queue: "orders" }, value: 120, warning: Range.parse("50"), critical: Range.parse("~:100"), perItem: true },
        { label: "/mnt/efs.used_pct", name: "used", item: { mount: "/mnt/efs" }, value: 85, uom: "%", critical: Range.parse("@80:90") },
        { label: "next_event", value: 1500, uom: "ms", warning: Range.below(3600) },
      ],
    });
    expect(renderRunOpenMetrics("check_queue_backlog", report, 0.25)).toBe(
      [
        "# HELP aws_checks_state State of the last run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the exit code)",
        "# TYPE aws_checks_state gauge",
        'aws_checks_state{command="check_queue_backlog"} 2',
        "# HELP aws_checks_duration_seconds How long the last run took, in seconds",
        "# TYPE aws_checks_duration_seconds gauge",
        'aws_checks_duration_seconds{command="check_queue_backlog"} 0.25',
        "# HELP aws_checks_check_queue_backlog_queues check_queue_backlog perfdata 'queues'",
        "# TYPE aws_checks_check_queue_backlog_queues gauge",
        "aws_checks_check_queue_backlog_queues 1",
        "# HELP aws_checks_check_queue_backlog_visible check_queue_backlog perfdata 'visible'",
        "# TYPE aws_checks_check_queue_backlog_visible gauge",
        'aws_checks_check_queue_backlog_visible{region="eu-west-1",queue="orders"} 120',
        `# HELP aws_checks_check_queue_backlog_visible_warning check_queue_backlog perfdata 'visible': bounds of the warning range; bound="upper" alerts above, "lower" below (alert="inside": between them)`,
        "# TYPE aws_checks_check_queue_backlog_visible_warning gauge",
        'aws_checks_check_queue_backlog_visible_warning{region="eu-west-1",queue="orders",bound="lower"} 0',
        'aws_checks_check_queue_backlog_visible_warning{region="eu-west-1",queue="orders",bound="upper"} 50',
        `# HELP aws_checks_check_queue_backlog_visible_critical check_queue_backlog perfdata 'visible': bounds of the critical range; bound="upper" alerts above, "lower" below (alert="inside": between them)`,
        "# TYPE aws_checks_check_queue_backlog_visible_critical gauge",
        'aws_checks_check_queue_backlog_visible_critical{region="eu-west-1",queue="orders",bound="upper"} 100',
        "# HELP aws_checks_check_queue_backlog_used_ratio check_queue_backlog perfdata 'used' as a ratio (percent / 100)",
        "# TYPE aws_checks_check_queue_backlog_used_ratio gauge",
        'aws_checks_check_queue_backlog_used_ratio{mount="/mnt/efs"} 0.85',
        `# HELP aws_checks_check_queue_backlog_used_critical_ratio check_queue_backlog perfdata 'used': bounds of the critical range as a ratio (percent / 100); bound="upper" alerts above, "lower" below (alert="inside": between them)`,
        "# TYPE aws_checks_check_queue_backlog_used_critical_ratio gauge",
        'aws_checks_check_queue_backlog_used_critical_ratio{mount="/mnt/efs",bound="lower",alert="inside"} 0.8',
        'aws_checks_check_queue_backlog_used_critical_ratio{mount="/mnt/efs",bound="upper",alert="inside"} 0.9',
        "# HELP aws_checks_check_queue_backlog_next_event_seconds check_queue_backlog perfdata 'next_event' in seconds",
        "# TYPE aws_checks_check_queue_backlog_next_event_seconds gauge",
        "aws_checks_check_queue_backlog_next_event_seconds 1.5",
        `# HELP aws_checks_check_queue_backlog_next_event_warning_seconds check_queue_backlog perfdata 'next_event': bounds of the warning range in seconds; bound="upper" alerts above, "lower" below (alert="inside": between them)`,
        "# TYPE aws_checks_check_queue_backlog_next_event_warning_seconds gauge",
        'aws_checks_check_queue_backlog_next_event_warning_seconds{bound="lower"} 3.6',
        "# EOF",
        "",
      ].join("\n"),
    );
  });

  it("an UNKNOWN with no metrics is still a valid exposition: state 3 and the duration", () => {
    const text = renderRunOpenMetrics("check_elb_health", simpleReport(State.UNKNOWN, "no region"), 0.001);
    expect(promtool(text)).toEqual({ exitCode: 0, output: "" });
    const samples = parseOpenMetrics(text);
    expect(samples.map((s) => s.name)).toEqual(["aws_checks_state", "aws_checks_duration_seconds"]);
    expectRunSeries(samples, "check_elb_health", 3);
  });

  it("escapes label values (backslash, quote, newline) and keeps names to [a-z0-9_]", () => {
    const report = makeReport({
      summary: "x",
      metrics: [{ label: 'a"b\\c\nd.Score-Now', name: "Score-Now", item: { mount: 'a"b\\c\nd', "odd key": "v" }, value: 3 }],
    });
    const text = renderRunOpenMetrics("check_efs_mount", report, 0);
    expect(text).toContain('aws_checks_check_efs_mount_score_now{mount="a\\"b\\\\c\\nd",odd_key="v"} 3\n');
    expect(parseOpenMetrics(text)[2].labels).toEqual({ mount: 'a"b\\c\nd', odd_key: "v" });
    expect(promtool(text)).toEqual({ exitCode: 0, output: "" });
  });

  it("keeps each family in one block and a repeated series once, whatever order samples come in", () => {
    const a = { family: "aws_checks_x_a", help: "a", value: 1 };
    const text = renderOpenMetrics([
      { ...a, labels: { check: "one" } },
      { family: "aws_checks_x_b", help: "b", labels: {}, value: 2 },
      { ...a, labels: { check: "two" } },
      { ...a, labels: { check: "one" }, value: 9 },
    ]);
    expect(text).toBe(
      "# HELP aws_checks_x_a a\n# TYPE aws_checks_x_a gauge\naws_checks_x_a{check=\"one\"} 1\naws_checks_x_a{check=\"two\"} 1\n" +
        "# HELP aws_checks_x_b b\n# TYPE aws_checks_x_b gauge\naws_checks_x_b 2\n# EOF\n",
    );
  });

  it("labels given by the caller (the gate's check name) go on every series of the run", () => {
    const report = makeReport({ summary: "x", metrics: [{ label: "load_balancers", value: 2 }] });
    const samples = runSamples("check_elb_health", report, 1, { check: "web" });
    expect(samples.map((s) => s.labels)).toEqual([{ command: "check_elb_health", check: "web" }, { command: "check_elb_health", check: "web" }, { check: "web" }]);
  });
});

// Random reports rendered both ways from the very same Report: every perfdata item must be a sample.
const UOMS: Uom[] = ["", "s", "ms", "B", "%"];
const num = fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }));
const range = fc.oneof(
  fc.constant(undefined),
  fc.tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.constantFrom("", "@", "~", ":", "at-end")).map(([a, len, form]) => {
    if (form === "~") return Range.parse(`~:${a}`);
    if (form === ":") return Range.parse(`${a}:`);
    if (form === "at-end") return Range.parse(`${Math.abs(a)}`);
    return Range.parse(`${form}${a}:${a + len}`);
  }),
);
const WORDS = ["queue", "depth", "age", "used", "score", "in", "flight", "load", "per", "cpu", "next", "event", "backup", "probe", "pct"];
const metric = fc.record({
  name: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join("_")),
  queue: fc.option(fc.stringMatching(/^[a-z0-9-]{1,8}$/), { nil: undefined }),
  value: num,
  uom: fc.constantFrom(...UOMS),
  warning: range,
  critical: range,
});
const SUFFIX: Record<Uom, string> = { "": "", c: "", s: "_seconds", ms: "_seconds", B: "_bytes", "%": "_ratio" };
/** The series name a metric gets; two metrics with the same one would be one series, so none repeats. */
const seriesOf = (m: { name: string; uom: Uom }) => `${m.uom === "%" ? m.name.replace(/_pct$/, "") : m.name}${SUFFIX[m.uom]}`;

describe("the same report in both formats", () => {
  it("every perfdata item has its sample, same value after unit conversion, bounds as gauges; promtool accepts it", () => {
    const texts: string[] = [];
    fc.assert(
      fc.property(fc.uniqueArray(metric, { selector: seriesOf, maxLength: 6 }), fc.constantFrom(0, 1, 2, 3), (ms, state) => {
        const metrics: Metric[] = ms.map((m) => ({
          label: m.queue === undefined ? m.name : `${m.queue}.${m.name}`,
          ...(m.queue === undefined ? {} : { name: m.name, item: { queue: m.queue } }),
          value: m.value,
          uom: m.uom,
          warning: m.warning,
          critical: m.critical,
        }));
        const report = makeReport({ summary: "s", state, metrics });
        const nagios = renderNagios("QUEUE", report);
        const text = renderRunOpenMetrics("check_queue_backlog", report, 0.5);
        const samples = parseOpenMetrics(text);
        expectRunSeries(samples, "check_queue_backlog", state);
        if (metrics.length > 0) expect(expectPerfdataAsSamples("check_queue_backlog", samples, nagios, nagios)).toBe(metrics.length);
        texts.push(text);
      }),
      { numRuns: 150 },
    );
    // promtool is a Go binary started per call; every tenth output covers the names the generator makes.
    for (const text of texts.filter((_, i) => i % 10 === 0)) expect(promtool(text), text).toEqual({ exitCode: 0, output: "" });
  });
});

describe("runCheck --format openmetrics", () => {
  const gauge = gaugeCheck();

  it("judges as usual and exits with the state; the perfdata of the nagios run is there", async () => {
    const nagios = await runCheck(gauge, ["--value", "15", "-w", "10", "-c", "20"]);
    const om = await runCheck(gauge, ["--value", "15", "-w", "10", "-c", "20", "--format", "openmetrics"]);
    expect(om.exitCode).toBe(State.WARNING);
    const samples = parseOpenMetrics(om.stdout);
    expectRunSeries(samples, "check_gauge", 1);
    expect(expectPerfdataAsSamples("check_gauge", samples, nagios.stdout, nagios.stdout)).toBe(1);
    expect(om.stdout).toContain('aws_checks_check_gauge_value_critical{bound="upper"} 20\n');
  });

  it.each([
    [["--format", "openmetrics", "-w", "20:10"]],
    [["--format=openmetrics", "--bogus"]],
    [["--bogus", "--format", "openmetrics"]],
  ])("a usage error %j is an exposition with state 3, not a plugin line", async (argv) => {
    const { stdout, exitCode } = await runCheck(gauge, argv);
    expect(exitCode).toBe(3);
    expect(promtool(stdout)).toEqual({ exitCode: 0, output: "" });
    expectRunSeries(parseOpenMetrics(stdout), "check_gauge", 3);
  });

  it("a command with its own print() (the serverscore probe) still gets the exposition", async () => {
    const def = { ...gauge, print: () => "42\n" };
    const { stdout } = await runCheck(def, ["--value", "42", "--format", "openmetrics"]);
    expect(stdout).toContain("aws_checks_check_gauge_value 42\n");
    expect(stdout.endsWith("# EOF\n")).toBe(true);
  });
});
