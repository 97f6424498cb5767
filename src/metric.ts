import { formatPlain, Range } from "./range";

export type Uom = "" | "s" | "ms" | "B" | "%" | "c";

/** One perfdata item. Thresholds are the ranges in force, echoed as given. */
export interface Metric {
  label: string;
  value: number;
  uom?: Uom;
  warning?: Range;
  critical?: Range;
  min?: number;
  max?: number;
  /**
   * Per-item metrics (one per instance, queue, host…) may be left out when the 4096-byte budget or the
   * 50-item cap is reached; aggregate metrics never are. Checks list per-item metrics worst first.
   */
  perItem?: boolean;
  /**
   * What the metric measures without the item it is about (`visible` for `orders.visible`); defaults
   * to the label. Only `--format openmetrics` uses it, as the series name.
   */
  name?: string;
  /** The item a per-item metric is about, as OpenMetrics labels: `{ queue: "orders", region: "eu-west-1" }`. */
  item?: Record<string, string>;
}

/** Labels keep to `[A-Za-z0-9_./-]` so no core or Sensu ever needs quoting. */
export function safeLabel(label: string): string {
  const cleaned = label.replace(/[^A-Za-z0-9_./-]/g, "_");
  return cleaned === "" ? "_" : cleaned;
}

/**
 * The metrics with safe labels, each label used once: a core keeps one series per label, so two items
 * named alike (`web lb` and `web_lb`, one queue name in two regions) would overwrite each other. A
 * repeated label gets `_2`, `_3`… (the first keeps its name), skipping labels the output already has.
 */
export function distinctLabels(metrics: readonly Metric[]): Metric[] {
  const taken = new Set(metrics.map((m) => safeLabel(m.label)));
  const used = new Set<string>();
  return metrics.map((m) => {
    const label = safeLabel(m.label);
    if (!used.has(label)) {
      used.add(label);
      return { ...m, label };
    }
    let n = 2;
    while (taken.has(`${label}_${n}`) || used.has(`${label}_${n}`)) n++;
    used.add(`${label}_${n}`);
    return { ...m, label: `${label}_${n}` };
  });
}

export function renderMetric(m: Metric): string {
  const fields = [
    `${safeLabel(m.label)}=${formatPlain(m.value)}${m.uom ?? ""}`,
    m.warning?.toString() ?? "",
    m.critical?.toString() ?? "",
    m.min === undefined ? "" : formatPlain(m.min),
    m.max === undefined ? "" : formatPlain(m.max),
  ];
  while (fields.length > 1 && fields[fields.length - 1] === "") fields.pop();
  return fields.join(";");
}
