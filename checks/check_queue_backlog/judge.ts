import type { Metric } from "../../src/metric";
import type { Range } from "../../src/range";
import { countByState, type Finding } from "../../src/report";
import { bySeverityDesc, State, worst } from "../../src/state";
import type { Thresholds } from "../../src/thresholds";
import type { QueueSelection } from "./selection";
import type { RegionBacklog } from "./source";

/** A queue's dead-letter queue, as far as it could be read. */
export interface DeadLetterQueue {
  name: string;
  arn: string;
  maxReceiveCount?: number;
  /** ApproximateNumberOfMessages of the dead-letter queue, when it was read. */
  visible?: number;
  /** The RedrivePolicy names a queue that does not exist. */
  missing?: boolean;
  /** Why it could not be read. */
  error?: string;
}

/** One queue's counts from its single GetQueueAttributes call. */
export interface QueueReading {
  name: string;
  url: string;
  region: string;
  arn?: string;
  visible: number;
  inFlight: number;
  delayed: number;
  dlq?: DeadLetterQueue;
  /** The RedrivePolicy could not be read (it is there but names no queue). */
  redriveProblem?: string;
}

export interface QueueRules {
  /** On ApproximateNumberOfMessages (-w/-c). */
  visible: Thresholds;
  /** On ApproximateNumberOfMessagesNotVisible (--warning-in-flight/--critical-in-flight). */
  inFlight: Thresholds;
  /** On the dead-letter queue's ApproximateNumberOfMessages (--dlq-warning/--dlq-critical). */
  dlq: Thresholds;
}

interface JudgedQueue {
  reading: QueueReading;
  state: State;
  /** The long-output line: every count, with the threshold each alerting one broke. */
  text: string;
  /** Only what makes the queue's state, for the summary: `orders: 1500 visible (critical range 1000)`. */
  short: string;
  /** The perfdata label stem: the queue name, with its region when several regions are read. */
  label: string;
}

/** A count judged by a pair of ranges: the state, and the range it broke when it alerts. */
function judgeCount(value: number, thresholds: Thresholds): { state: State; broke?: string } {
  const state = thresholds.evaluate(value);
  const range: Range | undefined = state === State.CRITICAL ? thresholds.critical : state === State.WARNING ? thresholds.warning : undefined;
  return { state, broke: range ? `${State[state].toLowerCase()} range ${range.toString()}` : undefined };
}

interface Part {
  state: State;
  /** As the long-output line shows it. */
  text: string;
  /** As the summary names it; only parts that alert have one. */
  brief?: string;
}

function countPart(value: number, what: string, thresholds: Thresholds): Part {
  const { state, broke } = judgeCount(value, thresholds);
  const text = `${value} ${what}${broke ? ` (${broke})` : ""}`;
  return { state, text, brief: broke ? text : undefined };
}

function dlqPart(dlq: DeadLetterQueue, rules: QueueRules): Part {
  if (dlq.missing) {
    const text = `DLQ ${dlq.name} does not exist (named by RedrivePolicy)`;
    return { state: State.CRITICAL, text, brief: text };
  }
  if (dlq.visible === undefined) {
    const text = `DLQ ${dlq.name} unreadable: ${dlq.error ?? "no answer"}`;
    return { state: State.UNKNOWN, text, brief: text };
  }
  const { state, broke } = judgeCount(dlq.visible, rules.dlq);
  const n = dlq.maxReceiveCount;
  const receives = n === undefined ? "" : ` (after ${n} receive${n === 1 ? "" : "s"})`;
  const depth = `${dlq.visible}${broke ? ` (${broke})` : ""}`;
  return { state, text: `DLQ ${dlq.name}${receives}: ${depth}`, brief: broke ? `DLQ ${dlq.name}: ${depth}` : undefined };
}

/** Judges one queue: the worst of its visible, in-flight and dead-letter states. */
export function judgeQueue(q: QueueReading, rules: QueueRules, showRegion: boolean): JudgedQueue {
  const parts: Part[] = [
    countPart(q.visible, "visible", rules.visible),
    countPart(q.inFlight, "in flight", rules.inFlight),
    { state: State.OK, text: `${q.delayed} delayed` },
  ];
  if (q.dlq) parts.push(dlqPart(q.dlq, rules));
  else if (q.redriveProblem) parts.push({ state: State.UNKNOWN, text: q.redriveProblem, brief: q.redriveProblem });
  else parts.push({ state: State.OK, text: "no DLQ" });

  const who = showRegion ? `${q.name} [${q.region}]` : q.name;
  const state = worst(...parts.map((p) => p.state));
  // The summary line should stay short: only the reasons for the queue's own (worst) state.
  const briefs = parts.filter((p) => p.state === state).map((p) => p.brief).filter((b): b is string => b !== undefined);
  const text = `${who}: ${parts.map((p) => p.text).join(", ")}`;
  return {
    reading: q,
    state,
    text,
    short: briefs.length > 0 ? `${who}: ${briefs.join(", ")}` : text,
    label: showRegion ? `${q.region}/${q.name}` : q.name,
  };
}

export function findingOf(j: JudgedQueue): Finding {
  const q = j.reading;
  return {
    state: j.state,
    text: j.text,
    queue: q.name,
    region: q.region,
    url: q.url,
    visible: q.visible,
    inFlight: q.inFlight,
    delayed: q.delayed,
    ...(q.dlq ? { dlq: q.dlq.name, dlqVisible: q.dlq.visible ?? null } : {}),
  };
}

/** Worst first; among equals the deepest backlog (dead letters, then visible) first. */
export function worstFirst(a: JudgedQueue, b: JudgedQueue): number {
  return (
    bySeverityDesc(a.state, b.state) ||
    (b.reading.dlq?.visible ?? 0) - (a.reading.dlq?.visible ?? 0) ||
    b.reading.visible - a.reading.visible ||
    a.label.localeCompare(b.label)
  );
}

/**
 * A queue that is the dead-letter queue of another selected queue is judged there (with --dlq-warning
 * and --dlq-critical), not a second time as a backlog of its own: `--queue-prefix orders` finds both
 * `orders` and `orders-dlq`, and the dead letters must not count against `-w`.
 */
export function withoutDeadLetterQueues(readings: QueueReading[]): { queues: QueueReading[]; deadLetter: QueueReading[] } {
  const targets = new Set(readings.map((r) => r.dlq?.arn).filter((arn): arn is string => arn !== undefined));
  const isTarget = (r: QueueReading) => r.arn !== undefined && targets.has(r.arn);
  return { queues: readings.filter((r) => !isTarget(r)), deadLetter: readings.filter(isTarget) };
}

/** A name is missing when no region read has it; a URL when its region says so. */
export function missingQueues(read: RegionBacklog[], selection: QueueSelection, regions: string[]): Finding[] {
  const where = regions.length > 0 ? ` in ${read.map((r) => r.region).join(", ")}` : "";
  const names = selection.names.filter((n) => read.length > 0 && read.every((r) => r.missingNames.includes(n)));
  return [
    ...names.map((n) => ({ state: State.CRITICAL, text: `${n}: queue does not exist${where}`, queue: n })),
    ...read.flatMap((r) => r.missingUrls).map((u) => ({ state: State.CRITICAL, text: `${u}: queue does not exist`, queue: u })),
  ];
}

export function unmatchedPrefixes(read: RegionBacklog[], selection: QueueSelection): Finding[] {
  const where = read.map((r) => r.region).join(", ");
  return selection.prefixes
    .filter((p) => read.length > 0 && read.every((r) => r.unmatchedPrefixes.includes(p)))
    .map((p) => ({ state: State.UNKNOWN, text: `no queue name starts with '${p}' in ${where} (--queue-prefix ${p})`, prefix: p }));
}

/** Names the worst queue (or problem), then how the rest fared. */
export function summarize(judged: JudgedQueue[], findings: Finding[], unjudged: number): string {
  const total = judged.length + unjudged;
  const worstFinding = [...findings].sort((a, b) => bySeverityDesc(a.state, b.state))[0];
  if (worstFinding === undefined) return "no queue to judge";
  if (worstFinding.state === State.OK) {
    if (judged.length === 1) return judged[0].text;
    const deepest = [...judged].sort((a, b) => b.reading.visible - a.reading.visible)[0];
    return `${judged.length} queues OK; deepest ${deepest.label}: ${deepest.reading.visible} visible`;
  }
  const top = judged.find((j) => j.text === worstFinding.text);
  const named = top ? top.short : worstFinding.text;
  return findings.length > 1 && total > 0 ? `${named}; ${countByState(findings)} of ${total} queue(s)` : named;
}

export function metrics(judged: JudgedQueue[], rules: QueueRules): Metric[] {
  const out: Metric[] = [{ label: "queues", value: judged.length, min: 0 }];
  // Worst first, so the queues that matter survive the 4096-byte cut.
  for (const j of judged) {
    const q = j.reading;
    const item = { region: q.region, queue: q.name };
    out.push(
      { label: `${j.label}.visible`, name: "visible", item, value: q.visible, warning: rules.visible.warning, critical: rules.visible.critical, min: 0, perItem: true },
      { label: `${j.label}.in_flight`, name: "in_flight", item, value: q.inFlight, warning: rules.inFlight.warning, critical: rules.inFlight.critical, min: 0, perItem: true },
      { label: `${j.label}.delayed`, name: "delayed", item, value: q.delayed, min: 0, perItem: true },
    );
    if (q.dlq?.visible !== undefined) {
      out.push({ label: `${j.label}.dlq`, name: "dlq", item, value: q.dlq.visible, warning: rules.dlq.warning, critical: rules.dlq.critical, min: 0, perItem: true });
    }
  }
  return out;
}
