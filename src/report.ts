import type { Metric } from "./metric";
import { bySeverityDesc, State, worst } from "./state";

/** One judged item: one long-output line. Extra fields appear in `--format json` only. */
export interface Finding {
  state: State;
  text: string;
  [extra: string]: unknown;
}

/** What a check returns; the library renders it. */
export interface Report {
  state: State;
  summary: string;
  findings: Finding[];
  metrics: Metric[];
  /** Structured result for a command that prints its own format (see CheckDefinition.print). */
  data?: unknown;
}

/** The report's state is its worst finding's unless the check says otherwise. */
export function makeReport(parts: { summary: string; findings?: Finding[]; metrics?: Metric[]; state?: State }): Report {
  const findings = [...(parts.findings ?? [])].sort((a, b) => bySeverityDesc(a.state, b.state));
  return {
    state: parts.state ?? worst(...findings.map((f) => f.state)),
    summary: parts.summary,
    findings,
    metrics: parts.metrics ?? [],
  };
}

/** A report that is nothing but a state and a reason (errors, timeouts, usage). */
export function simpleReport(state: State, summary: string): Report {
  return { state, summary, findings: [], metrics: [] };
}

/** "2 CRITICAL, 1 WARNING" style counts, worst first, omitting OK. */
export function countByState(findings: Finding[]): string {
  const order = [State.CRITICAL, State.WARNING, State.UNKNOWN];
  return order
    .map((s) => [s, findings.filter((f) => f.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${State[s]}`)
    .join(", ");
}
