import type { Metric } from "../../src/metric";
import { type Finding, makeReport, type Report } from "../../src/report";
import { State, worst } from "../../src/state";
import type { Thresholds } from "../../src/thresholds";
import type { HostAnswer, ProbeAnswer } from "./answer";

/** A host to probe: a --host name, an --elb or --asg instance or a --target-group target at the address --address picked. */
export interface Target {
  /** Names the host in perfdata (`<label>.score`) and long output. */
  label: string;
  /** What ssh connects to; undefined when the instance has no usable address. */
  address?: string;
  instanceId?: string;
}

export interface HostResult {
  target: Target;
  answer: HostAnswer;
}

interface FleetRules {
  thresholds: Thresholds;
  unreachable: State;
  aggregate: "worst" | "average";
  /** Where the hosts came (also) from, to name it in the summary: `ELB web`, `target group api`, `ASG web-asg`. */
  scope?: string;
  /** Findings about the fleet itself (a load balancer, target group or group with no InService instance or healthy target). */
  fleetFindings?: Finding[];
}

interface Scored {
  target: Target;
  answer: ProbeAnswer;
}

const SCORE_RANGE = { min: 1, max: 100 };

function hostName(t: Target): string {
  return t.instanceId === undefined ? t.label : `${t.instanceId} (${t.address ?? "no address"})`;
}

function scoreText(a: ProbeAnswer): string {
  const parts = Object.entries(a.components ?? {}).map(([k, v]) => `${k} ${v}`);
  const load = a.load_per_cpu === undefined ? "" : `${a.load_per_cpu} load per CPU${a.window === undefined ? "" : ` over ${a.window} min`}`;
  const detail = [parts.length > 1 ? parts.join(", ") : "", load].filter(Boolean).join("; ");
  return `score ${a.score}, limited by ${a.limiting}${detail ? ` (${detail})` : ""}`;
}

/** Judges every host (or the fleet's average) and builds the report: one long-output line per host. */
export function fleetReport(results: HostResult[], rules: FleetRules): Report {
  const { thresholds, aggregate } = rules;
  const scored: Scored[] = [];
  const findings: Finding[] = [...(rules.fleetFindings ?? [])];
  for (const { target, answer } of results) {
    const common = { host: target.label, ...(target.instanceId ? { instanceId: target.instanceId } : {}) };
    if ("answer" in answer) {
      scored.push({ target, answer: answer.answer });
      const state = aggregate === "worst" ? thresholds.evaluate(answer.answer.score) : State.OK;
      findings.push({ state, text: `${hostName(target)}: ${scoreText(answer.answer)}`, ...common, score: answer.answer.score });
    } else {
      findings.push({ state: rules.unreachable, text: `${hostName(target)}: ${answer.text}`, ...common, problem: answer.problem });
    }
  }
  scored.sort((a, b) => a.answer.score - b.answer.score);
  const unreachable = results.length - scored.length;
  const min = scored[0];
  const avg = scored.length === 0 ? undefined : Math.round((10 * scored.reduce((n, s) => n + s.answer.score, 0)) / scored.length) / 10;

  const problemStates = findings.filter((f) => f.problem !== undefined).map((f) => f.state);
  let state: State;
  if (avg === undefined) state = worst(State.UNKNOWN, ...problemStates, ...fleetStates(rules)); // nothing was judged
  else if (aggregate === "average") state = worst(thresholds.evaluate(avg), ...problemStates, ...fleetStates(rules));
  else state = worst(...findings.map((f) => f.state));

  const judged = aggregate === "worst" ? { warning: thresholds.warning, critical: thresholds.critical } : {};
  const metrics: Metric[] = [
    { label: "hosts", value: results.length, min: 0 },
    { label: "unreachable", value: unreachable, min: 0 },
  ];
  if (min !== undefined && avg !== undefined) {
    metrics.push({ label: "min_score", value: min.answer.score, ...judged, ...SCORE_RANGE });
    metrics.push({
      label: "avg_score",
      value: avg,
      ...(aggregate === "average" ? { warning: thresholds.warning, critical: thresholds.critical } : {}),
      ...SCORE_RANGE,
    });
  }
  for (const s of scored) metrics.push({ label: `${s.target.label}.score`, name: "score", item: { host: s.target.label }, value: s.answer.score, ...judged, ...SCORE_RANGE, perItem: true });

  return makeReport({ state, summary: summarize(results.length, scored, avg, unreachable, rules), findings, metrics });
}

const fleetStates = (rules: FleetRules) => (rules.fleetFindings ?? []).map((f) => f.state);

function summarize(total: number, scored: Scored[], avg: number | undefined, unreachable: number, rules: FleetRules): string {
  const scope = rules.scope === undefined ? "" : `${rules.scope}: `;
  const lost = unreachable > 0 ? `; ${unreachable} unreachable` : "";
  const hosts = `${total} host${total === 1 ? "" : "s"}`;
  if (scored.length === 0 || avg === undefined) return `${scope}none of ${hosts} answered`;
  const min = scored[0];
  const answered = scored.length === total ? hosts : `${scored.length} of ${hosts}`;
  if (rules.aggregate === "average") return `${scope}average score ${avg} over ${answered} (min ${min.answer.score} on ${min.target.label})${lost}`;
  return `${scope}${answered}, min score ${min.answer.score} (${min.target.label}), avg ${avg}${lost}`;
}
