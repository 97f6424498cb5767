import { distinctLabels, renderMetric } from "./metric";
import type { Report } from "./report";
import { stateName } from "./state";

export type Format = "nagios" | "json" | "openmetrics";

export const OUTPUT_LIMIT = 4096;
const MAX_PER_ITEM_METRICS = 50;
const MAX_HEADER = 1024;

// `|` separates perfdata; CR would become extra lines in Icinga 2; a finding is one line by definition.
function cleanText(text: string): string {
  return text.replace(/\|/g, "/").replace(/[\r\n]+/g, " ").trim();
}

function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let cut = text.slice(0, max);
  while (Buffer.byteLength(cut) > max - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

const bytes = (s: string) => Buffer.byteLength(s);

/** Perfdata that fits `budget` bytes: every aggregate, then per-item metrics in the order given. */
function renderPerfdata(report: Report, budget: number): string {
  const metrics = distinctLabels(report.metrics);
  const items = metrics.filter((m) => !m.perItem).map(renderMetric);
  let used = items.reduce((n, s) => n + bytes(s) + 1, 0);
  let perItem = 0;
  for (const m of metrics) {
    if (!m.perItem || perItem >= MAX_PER_ITEM_METRICS) continue;
    const text = renderMetric(m);
    if (used + bytes(text) + 1 > budget) break;
    items.push(text);
    used += bytes(text) + 1;
    perItem++;
  }
  return items.join(" ");
}

/**
 * Nagios plugin output: perfdata on line 1 when there is no long output, otherwise after ` | ` on the
 * last line (the one shape Nagios, Icinga 2 and Sensu all parse alike). Never more than 4096 bytes; long
 * output is cut first, perfdata never mid-item.
 */
export function renderNagios(prefix: string, report: Report, extraLines: string[] = []): string {
  const header = truncateBytes(`${prefix} ${stateName(report.state)}: ${cleanText(report.summary)}`, MAX_HEADER);
  const lines = [...report.findings.map((f) => `[${stateName(f.state)}] ${cleanText(f.text)}`), ...extraLines.map(cleanText)];
  const notShown = (n: number) => `... ${n} more line(s) not shown (output is limited to ${OUTPUT_LIMIT} bytes)`;
  // Room kept for the "not shown" line (at its longest) so perfdata never has to be cut afterwards.
  const reserve = lines.length === 0 ? 0 : bytes(notShown(lines.length)) + 1;
  const perf = renderPerfdata(report, OUTPUT_LIMIT - bytes(header) - reserve - 5);
  const tail = perf === "" ? "" : ` | ${perf}`;

  if (lines.length === 0) return `${header}${tail}\n`;

  // header LF, then each line and its LF; the tail rides on the last line.
  let used = bytes(header) + 1 + bytes(tail);
  const shown: string[] = [];
  for (const [i, line] of lines.entries()) {
    const after = lines.length - i - 1;
    const need = bytes(line) + 1 + (after > 0 ? bytes(notShown(after)) + 1 : 0);
    if (used + need > OUTPUT_LIMIT) {
      shown.push(notShown(lines.length - i));
      break;
    }
    shown.push(line);
    used += bytes(line) + 1;
  }
  shown[shown.length - 1] += tail;
  return `${header}\n${shown.join("\n")}\n`;
}

export function renderJson(command: string, report: Report, extraLines: string[] = []): string {
  const out = {
    command,
    state: stateName(report.state),
    exitCode: report.state as number,
    summary: report.summary,
    findings: report.findings.map((f) => ({ ...f, state: stateName(f.state) })),
    metrics: distinctLabels(report.metrics).map((m) => ({
      label: m.label,
      value: m.value,
      uom: m.uom ?? "",
      warning: m.warning?.toString() ?? null,
      critical: m.critical?.toString() ?? null,
      min: m.min ?? null,
      max: m.max ?? null,
    })),
    ...(extraLines.length > 0 ? { debug: extraLines } : {}),
  };
  return `${JSON.stringify(out)}\n`;
}
