import { humanDuration } from "../../src/duration";
import type { Metric } from "../../src/metric";
import { Range } from "../../src/range";
import type { Finding } from "../../src/report";
import { bySeverityDesc, State, worst } from "../../src/state";

/** Why Auto Scaling launched an instance, as its scaling activity tells. */
export type LaunchReason = "scale-out" | "replacement";

/** One member of a group, in plain data. */
export interface GroupInstance {
  id: string;
  /** `InService`, `Pending`, `Pending:Wait`, `Terminating:Wait`, `Standby`, … */
  lifecycleState: string;
  /** HealthStatus `Healthy` (anything else counts as unhealthy). */
  healthy: boolean;
  /** Since when it has been Pending or Terminating (its scaling activity, or its launch time); absent when unknown. */
  since?: Date;
  sinceFrom?: "activity" | "launch-time";
  /** For a Pending instance whose launch activity was found: a scale-out or a replacement. */
  launchedFor?: LaunchReason;
}

/** One Auto Scaling group, in plain data. */
export interface Group {
  name: string;
  region: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  instances: GroupInstance[];
  suspendedProcesses: string[];
}

export interface AsgRules {
  /** `-w`: replaces the default "WARNING below DesiredCapacity". */
  warning?: Range;
  /** `-c`: replaces the default "CRITICAL below MinSize, or at 0 while DesiredCapacity > 0". */
  critical?: Range;
  /** An instance Pending or Terminating for longer than this is stuck (WARNING). */
  stuckAfterSeconds: number;
  /** Suspended processes that are fine (compared without case). */
  allowSuspended: readonly string[];
}

interface JudgedGroup {
  group: Group;
  state: State;
  /** InService and Healthy. */
  inService: number;
  unhealthy: number;
  pending: number;
  /** The ranges judged against `inService` (the defaults worked out for this group, or -w/-c). */
  warning?: Range;
  critical?: Range;
  /** The group's long-output line; absent when there is nothing to say about an OK group. */
  finding?: Finding;
  /** The line's text (also used by the summary). */
  text: string;
}

const isPending = (i: GroupInstance) => i.lifecycleState.startsWith("Pending");
const isTerminating = (i: GroupInstance) => i.lifecycleState.startsWith("Terminating");

function groupLabel(g: Pick<Group, "name" | "region">, showRegion: boolean): string {
  return showRegion ? `${g.region}/${g.name}` : g.name;
}

/** The ranges in force on the in-service count: -w/-c where given, else this group's own defaults. */
function rangesFor(g: Group, rules: AsgRules): { warning?: Range; critical?: Range } {
  // A group scaled to zero wants nothing in service: no default range can be broken.
  const floor = g.desiredCapacity > 0 ? Math.max(g.minSize, 1) : 0;
  return {
    warning: rules.warning ?? (g.desiredCapacity > 0 ? Range.below(g.desiredCapacity) : undefined),
    critical: rules.critical ?? (floor > 0 ? Range.below(floor) : undefined),
  };
}

function ageOf(i: GroupInstance, now: Date): number | undefined {
  return i.since === undefined ? undefined : Math.max(0, (now.getTime() - i.since.getTime()) / 1000);
}

function describeMoving(i: GroupInstance, now: Date): string {
  const age = ageOf(i, now);
  return `${i.id} ${i.lifecycleState} ${age === undefined ? "(for how long unknown)" : `for ${humanDuration(age)}`}`;
}

/** What the moving instances are part of, as far as their scaling activities tell. */
function progressWord(g: Group, launching: GroupInstance[]): string {
  if (launching.length === 0) return "termination";
  if (launching.some((i) => i.launchedFor === "scale-out")) return "scale-out";
  if (launching.some((i) => i.launchedFor === "replacement")) return "replacement";
  // A group whose MinSize equals its MaxSize cannot scale out: any launch replaces an instance.
  return g.minSize === g.maxSize ? "replacement" : "launch";
}

/** Judges one group: capacity in service, stuck instances, unhealthy ones, suspended processes. */
export function judgeGroup(g: Group, rules: AsgRules, now: Date, showRegion = false): JudgedGroup {
  const inService = g.instances.filter((i) => i.lifecycleState === "InService" && i.healthy).length;
  const unhealthy = g.instances.filter((i) => !i.healthy);
  const pending = g.instances.filter(isPending);
  const moving = g.instances.filter((i) => isPending(i) || isTerminating(i));
  const stuck = moving.filter((i) => (ageOf(i, now) ?? 0) > rules.stuckAfterSeconds);
  const young = moving.filter((i) => !stuck.includes(i));
  const youngPending = pending.filter((i) => young.includes(i) && i.since !== undefined);
  const allowed = new Set(rules.allowSuspended.map((p) => p.toLowerCase()));
  const suspended = g.suspendedProcesses.filter((p) => !allowed.has(p.toLowerCase()));
  const suspendedOk = g.suspendedProcesses.filter((p) => allowed.has(p.toLowerCase()));
  const { warning, critical } = rangesFor(g, rules);

  const parts: string[] = [];
  let capacity = State.OK;
  if (g.desiredCapacity === 0) {
    parts.push("scaled to zero");
  } else if (critical?.alertsOn(inService)) {
    capacity = State.CRITICAL;
    if (rules.critical) parts.push(`outside critical range ${critical}`);
    else parts.push(inService < g.minSize ? `below MinSize ${g.minSize}` : "none in service");
  } else if (warning?.alertsOn(inService)) {
    const shortfall = g.desiredCapacity - inService;
    // A launch younger than --stuck-after is Auto Scaling doing its job, not an outage (default rule only).
    if (!rules.warning && youngPending.length >= shortfall) capacity = State.OK;
    else {
      capacity = State.WARNING;
      parts.push(rules.warning ? `outside warning range ${warning}` : `below desired ${g.desiredCapacity}`);
    }
  }
  if (young.length > 0) {
    parts.push(`${progressWord(g, young.filter(isPending))} in progress: ${young.map((i) => describeMoving(i, now)).join(", ")}`);
  }
  if (stuck.length > 0) {
    parts.push(`stuck (over ${humanDuration(rules.stuckAfterSeconds)}): ${stuck.map((i) => describeMoving(i, now)).join(", ")}`);
  }
  if (unhealthy.length > 0) parts.push(`unhealthy ${unhealthy.map((i) => i.id).join(", ")}`);
  if (suspended.length > 0) parts.push(`suspended ${suspended.join(", ")}`);
  if (suspendedOk.length > 0) parts.push(`suspended (allowed) ${suspendedOk.join(", ")}`);

  const state = worst(capacity, stuck.length > 0 ? State.WARNING : State.OK, suspended.length > 0 ? State.WARNING : State.OK);
  const label = groupLabel(g, showRegion);
  const head = `${label}: ${inService}/${g.desiredCapacity} in service (min ${g.minSize}, max ${g.maxSize})`;
  const text = parts.length > 0 ? `${head}, ${parts.join("; ")}` : head;
  // An OK group gets a line only when there is something to tell (a launch, an allowed suspension, …).
  const noteworthy = state !== State.OK || parts.some((p) => p !== "scaled to zero");
  const finding: Finding | undefined = noteworthy
    ? {
        state,
        text,
        group: g.name,
        region: g.region,
        inService,
        desired: g.desiredCapacity,
        min: g.minSize,
        max: g.maxSize,
        unhealthy: unhealthy.map((i) => i.id),
        stuck: stuck.map((i) => ({ instanceId: i.id, lifecycleState: i.lifecycleState, since: i.since?.toISOString(), sinceFrom: i.sinceFrom })),
        suspended,
      }
    : undefined;
  return { group: g, state, inService, unhealthy: unhealthy.length, pending: pending.length, warning, critical, finding, text };
}

/** Worst first: by state, then the smallest share in service, then by name. */
export function worstFirst(a: JudgedGroup, b: JudgedGroup): number {
  const share = (j: JudgedGroup) => (j.group.desiredCapacity === 0 ? 1 : j.inService / j.group.desiredCapacity);
  return bySeverityDesc(a.state, b.state) || share(a) - share(b) || a.group.name.localeCompare(b.group.name);
}

/** The summary line: the one problem, the worst of several, or how healthy the lot is. */
export function summarize(judged: JudgedGroup[], missing: Finding[]): string {
  const problems = [...missing.map((f) => f.text), ...judged.filter((j) => j.state !== State.OK).map((j) => j.text)];
  const total = judged.length + missing.length;
  if (problems.length === 0) {
    if (total === 1) return judged[0].text;
    const inService = judged.reduce((n, j) => n + j.inService, 0);
    const desired = judged.reduce((n, j) => n + j.group.desiredCapacity, 0);
    const busy = judged.filter((j) => j.finding !== undefined).length;
    return `${total} groups OK, ${inService} of ${desired} desired instances in service` + (busy > 0 ? ` (${busy} with notes)` : "");
  }
  if (problems.length === 1) return problems[0] + (total > 1 ? ` (1 of ${total} groups)` : "");
  return `${problems.length} of ${total} groups need attention; worst: ${problems[0]}`;
}

/** `groups`, then per group worst first: in_service (with the ranges in force), desired, unhealthy, pending. */
export function groupMetrics(judged: JudgedGroup[], showRegion: boolean): Metric[] {
  const out: Metric[] = [{ label: "groups", value: judged.length, min: 0 }];
  for (const j of judged) {
    const label = groupLabel(j.group, showRegion);
    const max = j.group.maxSize;
    const item = { region: j.group.region, asg: j.group.name };
    out.push(
      { label: `${label}.in_service`, name: "in_service", item, value: j.inService, warning: j.warning, critical: j.critical, min: 0, max, perItem: true },
      { label: `${label}.desired`, name: "desired", item, value: j.group.desiredCapacity, min: 0, max, perItem: true },
      { label: `${label}.unhealthy`, name: "unhealthy", item, value: j.unhealthy, min: 0, perItem: true },
      { label: `${label}.pending`, name: "pending", item, value: j.pending, min: 0, perItem: true },
    );
  }
  return out;
}
