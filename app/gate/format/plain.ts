import type { Metric } from "../../../src/metric";
import { timeLabel } from "../config";
import { renderNagios } from "../../../src/render";
import type { Finding, Report } from "../../../src/report";
import { State } from "../../../src/state";
import { displayOrder, type GateOutcome, headline, passNote, seconds } from "../outcome";
import { type CheckResult, summaryOf } from "../result";

export const GATE_PREFIX = "GATE";

/**
 * Plugin output: the gate reads like any check (first line, one line per check, perfdata), so a CI log
 * and a monitoring core can both take it. The library renderer keeps it within 4096 bytes; the JUnit
 * file and `--format json` carry every check's whole output.
 */
export function renderPlain(outcome: GateOutcome): string {
  const report: Report = {
    state: outcome.state,
    summary: headline(outcome),
    findings: displayOrder(outcome.results).map((r) => finding(r, outcome)),
    metrics: gateMetrics(outcome),
  };
  return renderNagios(GATE_PREFIX, report);
}

/** `GATE UNKNOWN: <message>` through the library renderer: a 100 kB option value is cut, not echoed whole. */
export function renderProblem(message: string): string {
  return renderNagios(GATE_PREFIX, { state: State.UNKNOWN, summary: message, findings: [], metrics: [] });
}

function finding(result: CheckResult, outcome: GateOutcome): Finding {
  const note = passNote(result, outcome.policy);
  const detail = [seconds(result.durationMs), ...(note === undefined ? [] : [note])].join(", ");
  return { state: result.state, text: `${result.entry.name}: ${summaryOf(result.output)} (${detail})` };
}

/** The gate's own metrics: counts by state, its run time and each check's. */
export function gateMetrics(outcome: GateOutcome): Metric[] {
  const count = (state: State) => outcome.results.filter((r) => r.state === state).length;
  return [
    { label: "checks", value: outcome.results.length, min: 0 },
    { label: "failed", value: outcome.results.filter((r) => r.failed).length, min: 0 },
    { label: "ok", value: count(State.OK), min: 0 },
    { label: "warning", value: count(State.WARNING), min: 0 },
    { label: "critical", value: count(State.CRITICAL), min: 0 },
    { label: "unknown", value: count(State.UNKNOWN), min: 0 },
    { label: "time", value: Math.round(outcome.durationMs) / 1000, uom: "s", min: 0 },
    // Each check's own duration, slowest first: what to look at when a gate gets slow.
    ...[...outcome.results]
      .sort((a, b) => b.durationMs - a.durationMs)
      .map((r): Metric => ({
        label: timeLabel(r.entry.name),
        name: "time",
        item: { check: r.entry.name },
        value: Math.round(r.durationMs) / 1000,
        uom: "s",
        min: 0,
        perItem: true,
      })),
  ];
}
