import type { Metric, Uom } from "./metric";
import type { Range } from "./range";
import type { Report } from "./report";

/**
 * `--format openmetrics`: the Prometheus / OpenMetrics text exposition of one run, for node_exporter's
 * textfile collector, Telegraf and Grafana Agent. Every perfdata item becomes a gauge named
 * `aws_checks_<command>_<metric>` with base units in the name, the item it is about as labels, and its
 * warning and critical bounds as gauges of their own. The output passes `promtool check metrics`.
 */

/** One sample: the family it belongs to, its labels and its value (already in base units). */
interface Sample {
  family: string;
  help: string;
  labels: Record<string, string>;
  value: number;
}

const PREFIX = "aws_checks";

// Prometheus wants base units named in the metric: seconds, bytes, and ratios instead of percentages.
const UNITS: Record<Uom, { suffix: string; divisor: number; words: string }> = {
  "": { suffix: "", divisor: 1, words: "" },
  c: { suffix: "", divisor: 1, words: "" },
  s: { suffix: "_seconds", divisor: 1, words: " in seconds" },
  ms: { suffix: "_seconds", divisor: 1000, words: " in seconds" },
  B: { suffix: "_bytes", divisor: 1, words: " in bytes" },
  "%": { suffix: "_ratio", divisor: 100, words: " as a ratio (percent / 100)" },
};

/** `[a-z0-9_]` only, no leading digit, no doubled or edge underscores: what promtool's lint accepts. */
function snake(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_|_$/g, "");
  return cleaned === "" || /^\d/.test(cleaned) ? `_${cleaned}` : cleaned;
}

/** The series name of a metric: `used_pct` in % becomes `used_ratio`, `probe` in s `probe_seconds`. */
function seriesName(command: string, m: Metric): { base: string; suffix: string } {
  let name = snake(m.name ?? m.label);
  if (m.uom === "%") name = name.replace(/_(pct|percent)$/, "");
  return { base: `${PREFIX}_${snake(command)}_${name}`, suffix: UNITS[m.uom ?? ""].suffix };
}

function boundSamples(kind: "warning" | "critical", range: Range | undefined, m: Metric, command: string, labels: Record<string, string>): Sample[] {
  if (range === undefined) return [];
  const { base, suffix } = seriesName(command, m);
  const unit = UNITS[m.uom ?? ""];
  const help = `${command} perfdata '${m.name ?? m.label}': bounds of the ${kind} range${unit.words}; bound="upper" alerts above, "lower" below (alert="inside": between them)`;
  const extra: Record<string, string> = range.inside ? { alert: "inside" } : {};
  const out: Sample[] = [];
  if (Number.isFinite(range.start)) out.push({ family: `${base}_${kind}${suffix}`, help, labels: { ...labels, bound: "lower", ...extra }, value: range.start / unit.divisor });
  if (Number.isFinite(range.end)) out.push({ family: `${base}_${kind}${suffix}`, help, labels: { ...labels, bound: "upper", ...extra }, value: range.end / unit.divisor });
  return out;
}

/** The samples of one perfdata item: its value, then its warning and critical bounds. */
function metricSamples(command: string, m: Metric, labels: Record<string, string> = {}): Sample[] {
  const { base, suffix } = seriesName(command, m);
  const unit = UNITS[m.uom ?? ""];
  const own = { ...labels, ...m.item };
  return [
    { family: `${base}${suffix}`, help: `${command} perfdata '${m.name ?? m.label}'${unit.words}`, labels: own, value: m.value / unit.divisor },
    ...boundSamples("warning", m.warning, m, command, own),
    ...boundSamples("critical", m.critical, m, command, own),
  ];
}

/** Everything one run exposes: its state, how long it took, and every metric (none is cut for size). */
export function runSamples(command: string, report: Report, seconds: number, labels: Record<string, string> = {}): Sample[] {
  const who = { command, ...labels };
  return [
    { family: `${PREFIX}_state`, help: "State of the last run: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the exit code)", labels: who, value: report.state },
    { family: `${PREFIX}_duration_seconds`, help: "How long the last run took, in seconds", labels: who, value: seconds },
    ...report.metrics.flatMap((m) => metricSamples(command, m, labels)),
  ];
}

const escapeHelp = (text: string) => text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
const escapeValue = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${snake(k)}="${escapeValue(v)}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

// Go's ParseFloat (Prometheus) and the OpenMetrics grammar both read JavaScript's number text.
const formatValue = (value: number) => (Object.is(value, -0) ? "0" : String(value));

/**
 * The exposition text: samples grouped by family (OpenMetrics wants each family in one block), in the
 * order families first appear; a repeated series keeps its first value. Ends with `# EOF`.
 */
export function renderOpenMetrics(samples: Sample[]): string {
  const families = new Map<string, { help: string; lines: Map<string, string> }>();
  for (const s of samples) {
    let family = families.get(s.family);
    if (family === undefined) {
      family = { help: s.help, lines: new Map() };
      families.set(s.family, family);
    }
    const series = `${s.family}${formatLabels(s.labels)}`;
    if (!family.lines.has(series)) family.lines.set(series, `${series} ${formatValue(s.value)}`);
  }
  const out: string[] = [];
  for (const [name, family] of families) {
    out.push(`# HELP ${name} ${escapeHelp(family.help)}`, `# TYPE ${name} gauge`, ...family.lines.values());
  }
  out.push("# EOF");
  return `${out.join("\n")}\n`;
}

/** One command's run as OpenMetrics text. */
export function renderRunOpenMetrics(command: string, report: Report, seconds: number): string {
  return renderOpenMetrics(runSamples(command, report, seconds));
}
