import type { Metric } from "../../../src/metric";
import { renderOpenMetrics, runSamples } from "../../../src/openmetrics";
import { simpleReport } from "../../../src/report";
import { State } from "../../../src/state";
import { headline, type GateOutcome } from "../outcome";
import { gateMetrics } from "./plain";

const GATE = "gate";

/**
 * `--format openmetrics`: every check's own series (state, duration, metrics) with a `check` label
 * naming its entry, so two entries of one command never collide, then the gate's: its state, its run
 * time, its counts and `aws_checks_gate_check_failed{check}` (1 when that check fails the gate).
 */
export function renderGateOpenMetrics(outcome: GateOutcome): string {
  const failed = outcome.results.map(
    (r): Metric => ({ label: `${r.entry.name}.check_failed`, name: "check_failed", item: { check: r.entry.name }, value: r.failed ? 1 : 0 }),
  );
  const own = { ...simpleReport(outcome.state, headline(outcome)), metrics: [...gateMetrics(outcome), ...failed] };
  const checks = outcome.results.flatMap((r) =>
    // A check has no report only when the library itself failed: its state is all there is.
    runSamples(r.entry.def.name, r.report ?? simpleReport(r.state, ""), r.durationMs / 1000, { check: r.entry.name }),
  );
  return renderOpenMetrics([...runSamples(GATE, own, outcome.durationMs / 1000), ...checks]);
}

/** A gate that could not start (bad file or options): UNKNOWN, still an exposition. */
export function renderGateOpenMetricsError(summary: string): string {
  return renderOpenMetrics(runSamples(GATE, simpleReport(State.UNKNOWN, summary), 0));
}
