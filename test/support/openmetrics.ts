import { spawnSync } from "node:child_process";
import { expect } from "vitest";
import { Range } from "../../src/range";

/** One sample line of an exposition, read back. */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/gy;

/**
 * Reads OpenMetrics text strictly (the subset `--format openmetrics` writes): HELP and TYPE before each
 * family, every family in one block, no series twice, `# EOF` last. Fails the test on anything else.
 */
export function parseOpenMetrics(text: string): ParsedSample[] {
  expect(text.endsWith("# EOF\n"), "ends with # EOF").toBe(true);
  const lines = text.slice(0, -"# EOF\n".length).split("\n").filter((l) => l !== "");
  const samples: ParsedSample[] = [];
  const seenFamilies = new Set<string>();
  const seenSeries = new Set<string>();
  let family: string | undefined;
  for (const line of lines) {
    const meta = /^# (HELP|TYPE) (\S+) (.+)$/.exec(line);
    if (meta) {
      expect(meta[2]).toMatch(NAME);
      if (meta[1] === "HELP") {
        expect(seenFamilies.has(meta[2]), `family ${meta[2]} in one block`).toBe(false);
        seenFamilies.add(meta[2]);
        family = meta[2];
      } else {
        expect(meta[2]).toBe(family);
        expect(meta[3]).toBe("gauge");
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    expect(m, `sample line: ${line}`).not.toBeNull();
    const [, name, labelText = "", valueText] = m as RegExpExecArray;
    expect(name, `${name} under its own HELP/TYPE`).toBe(family);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let l = LABEL.exec(labelText); l !== null; l = LABEL.exec(labelText)) {
      labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
      consumed = LABEL.lastIndex;
    }
    expect(consumed, `labels of ${line}`).toBe(labelText.length);
    expect(seenSeries.has(`${name}{${labelText}}`), `series once: ${line}`).toBe(false);
    seenSeries.add(`${name}{${labelText}}`);
    const value = Number(valueText);
    expect(Number.isFinite(value), `value of ${line}`).toBe(true);
    samples.push({ name, labels, value });
  }
  return samples;
}

/** `promtool check metrics` (Debian `prometheus`) on the text: its exit code and every complaint. */
export function promtool(text: string): { exitCode: number | null; output: string } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
  if (r.error) throw r.error;
  return { exitCode: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Perfdata items of nagios output, parsed: label, value, uom and the raw warn/crit ranges. */
export interface PerfItem {
  label: string;
  value: number;
  uom: string;
  warning?: string;
  critical?: string;
}

export function perfItems(stdout: string): PerfItem[] {
  const idx = stdout.indexOf("|");
  if (idx === -1) return [];
  return stdout
    .slice(idx + 1)
    .trim()
    .split(/\s+/)
    .map((item) => {
      const eq = item.indexOf("=");
      const [valueUom, warning, critical] = item.slice(eq + 1).split(";");
      const m = /^(-?\d+(?:\.\d+)?)([a-zA-Z%]*)$/.exec(valueUom) as RegExpExecArray;
      return { label: item.slice(0, eq), value: Number(m[1]), uom: m[2], warning: warning || undefined, critical: critical || undefined };
    });
}

// The naming contract, written out independently of src/openmetrics.ts: the unit each perfdata UOM
// becomes, and which label carries the item of a per-item perfdata label (`<item>.<metric>`).
const UNITS: Record<string, { suffix: string; divisor: number }> = {
  "": { suffix: "", divisor: 1 },
  s: { suffix: "_seconds", divisor: 1 },
  ms: { suffix: "_seconds", divisor: 1000 },
  B: { suffix: "_bytes", divisor: 1 },
  "%": { suffix: "_ratio", divisor: 100 },
};
const ITEM_LABEL: Record<string, string> = {
  check_queue_backlog: "queue",
  check_elb_health: "load_balancer",
  check_efs_mount: "mount",
  check_serverscore: "host",
  check_asg_health: "asg",
  gate: "check",
};

/** The series a perfdata item must appear as: its name, the item labels it must carry, the divisor. */
export function expectedSeries(command: string, item: PerfItem): { name: string; item: Record<string, string>; suffix: string; divisor: number; base: string } {
  const unit = UNITS[item.uom];
  let metric = item.label;
  let labels: Record<string, string> = {};
  const dot = item.label.lastIndexOf(".");
  // A region prefix (`eu-west-1/orders`, with several regions) is the region label; mount paths keep
  // their slashes.
  const regional = (stem: string): Record<string, string> => {
    const parts = stem.split("/");
    return parts.length === 2 ? { region: parts[0] } : {};
  };
  const last = (stem: string) => stem.split("/").pop() as string;
  if (command === "check_ami_freshness" && /^i-[0-9a-f]+$/.test(last(item.label))) {
    metric = "backup_age";
    labels = { ...regional(item.label), instance: last(item.label) };
  } else if (dot > 0 && ITEM_LABEL[command] !== undefined) {
    metric = item.label.slice(dot + 1);
    const stem = item.label.slice(0, dot);
    labels = command === "check_efs_mount" ? { mount: stem } : { ...regional(stem), [ITEM_LABEL[command]]: last(stem) };
  }
  if (item.uom === "%") metric = metric.replace(/_pct$/, "");
  const base = `aws_checks_${command}_${metric}`;
  return { name: `${base}${unit.suffix}`, item: labels, suffix: unit.suffix, divisor: unit.divisor, base };
}

const hasLabels = (s: ParsedSample, want: Record<string, string>) => Object.entries(want).every(([k, v]) => s.labels[k] === v);

/**
 * Every perfdata item of `before` (a nagios run just before the openmetrics one) has its sample, with
 * its value after unit conversion, and its warning/critical bounds as gauges. `after` (a nagios run just
 * after) brackets values that move between runs (an age, a load): the sample lies between the two.
 * Labels in `skip` are only required to exist. Returns how many perfdata items were matched.
 */
export function expectPerfdataAsSamples(command: string, samples: ParsedSample[], before: string, after: string, skip: RegExp[] = []): number {
  const first = perfItems(before);
  const last = new Map(perfItems(after).map((p) => [p.label, p]));
  expect(first.length, `perfdata in ${before}`).toBeGreaterThan(0);
  for (const item of first) {
    const want = expectedSeries(command, item);
    // An aggregate (no item) must not match the per-item series of the same name.
    const itemKey = ITEM_LABEL[command];
    const found = samples.filter((s) => s.name === want.name && hasLabels(s, want.item) && (itemKey === undefined || itemKey in want.item || !(itemKey in s.labels)));
    expect(found, `${item.label} as ${want.name}${JSON.stringify(want.item)} in\n${samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`).join("\n")}`).toHaveLength(1);
    if (skip.some((re) => re.test(item.label))) continue;
    const other = last.get(item.label)?.value ?? item.value;
    // Perfdata is rounded to 6 decimals; the sample is not (and a division may round its last bit).
    const slack = 0.5e-6 / want.divisor + 1e-12 * Math.max(1, Math.abs(item.value));
    const lo = Math.min(item.value, other) / want.divisor - slack;
    const hi = Math.max(item.value, other) / want.divisor + slack;
    expect(found[0].value, `${item.label}=${item.value}${item.uom} as ${want.name}`).toBeGreaterThanOrEqual(lo);
    expect(found[0].value, `${item.label}=${item.value}${item.uom} as ${want.name}`).toBeLessThanOrEqual(hi);
    for (const kind of ["warning", "critical"] as const) {
      const text = item[kind];
      const bounds = samples.filter((s) => s.name === `${want.base}_${kind}${want.suffix}` && hasLabels(s, want.item));
      if (text === undefined) {
        expect(bounds, `${item.label} has no ${kind} range`).toEqual([]);
        continue;
      }
      const range = Range.parse(text);
      const expected = [
        ...(Number.isFinite(range.start) ? [{ bound: "lower", value: range.start / want.divisor }] : []),
        ...(Number.isFinite(range.end) ? [{ bound: "upper", value: range.end / want.divisor }] : []),
      ];
      expect(bounds.map((b) => ({ bound: b.labels.bound, value: b.value })), `${kind} ${text} of ${item.label}`).toEqual(expected);
      for (const b of bounds) expect(b.labels.alert).toBe(range.inside ? "inside" : undefined);
    }
  }
  return first.length;
}

/** The state and duration every run exposes. */
export function expectRunSeries(samples: ParsedSample[], command: string, exitCode: number, labels: Record<string, string> = {}): void {
  const who = { command, ...labels };
  expect(samples.filter((s) => s.name === "aws_checks_state" && hasLabels(s, who)).map((s) => s.value)).toEqual([exitCode]);
  const duration = samples.filter((s) => s.name === "aws_checks_duration_seconds" && hasLabels(s, who));
  expect(duration).toHaveLength(1);
  expect(duration[0].value).toBeGreaterThanOrEqual(0);
  expect(duration[0].value).toBeLessThan(120);
}
