import { humanDuration, isoUtc } from "../../src/duration";
import type { Metric } from "../../src/metric";
import { Range } from "../../src/range";
import type { Finding } from "../../src/report";
import { bySeverityDesc, State, worst } from "../../src/state";

/** The three status checks EC2 runs on every running instance, by the name `--ignore-check` takes. */
export const CHECK_NAMES = ["system", "instance", "ebs"] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

const CHECK_LABEL: Record<CheckName, string> = { system: "system check", instance: "instance check", ebs: "attached-EBS check" };

/** One detail of a check (EC2 reports `reachability`): `passed`, `failed`, `insufficient-data`, `initializing`. */
export interface StatusDetail {
  name: string;
  status: string;
  /** When a failed detail started failing. */
  impairedSince?: Date;
}

/** One check's summary (`ok`, `impaired`, `insufficient-data`, `initializing`, `not-applicable`) and details. */
export interface CheckStatus {
  status: string;
  details: readonly StatusDetail[];
}

/** What DescribeInstanceStatus says about one instance. */
export interface InstanceChecks {
  instanceId: string;
  /** EC2 instance state: `running`, `stopped`, `pending`, ... */
  state: string;
  region?: string;
  /** The Name tag, once looked up. */
  name?: string;
  /** A check EC2 left out of its answer is absent. */
  checks: Partial<Record<CheckName, CheckStatus>>;
}

export interface StatusRules {
  /** The state of a check that reports `insufficient-data`. */
  insufficientData: State;
  ignore: readonly CheckName[];
}

/** Which instances were asked for: a selection that matches nothing is UNKNOWN. */
export interface StatusSelection {
  instanceIds: readonly string[];
  tags: readonly { key: string; value: string }[];
  includeStopped: boolean;
}

interface StatusVerdict {
  summary: string;
  findings: Finding[];
  metrics: Metric[];
  /** Set only when the findings alone do not decide it (a selection that matched nothing). */
  state?: State;
}

const KNOWN_STATUSES = new Set(["ok", "impaired", "insufficient-data", "initializing", "not-applicable"]);

interface JudgedCheck {
  check: CheckName;
  status: string;
  state: State;
  text: string;
}

interface JudgedInstance {
  instance: InstanceChecks;
  running: boolean;
  checks: JudgedCheck[];
  state: State;
}

/** Instances that get a long-output line, so their Name tags are worth looking up. */
export function isShown(instance: InstanceChecks, rules: StatusRules): boolean {
  return instance.state !== "running" || judgeChecks(instance, rules, new Date(0)).length > 0;
}

/** Judges every instance read, worst first, with the summary and the four counts. */
export function judgeStatuses(instances: readonly InstanceChecks[], rules: StatusRules, selection: StatusSelection, now: Date): StatusVerdict {
  // Only instances with something to say are kept: in a healthy fleet of 10,000 that is none of them.
  const judged = instances.map((instance) => judgeInstance(instance, rules, now)).filter((j) => !j.running || j.checks.length > 0);
  const count = (status: string) => judged.filter((j) => j.checks.some((c) => c.status === status)).length;
  const impaired = count("impaired");
  const insufficient = count("insufficient-data");
  const initializing = count("initializing");
  const notRunning = judged.filter((j) => !j.running).length;

  const findings: Finding[] = judged.map(toFinding);
  findings.push(...unmatchedIds(instances, selection));
  findings.sort((a, b) => bySeverityDesc(a.state, b.state));

  const metrics: Metric[] = [
    { label: "instances", value: instances.length, min: 0 },
    // Any impaired check is CRITICAL, so the count alerts above 0 (`0` is the range 0:0).
    { label: "impaired", value: impaired, critical: Range.parse("0"), min: 0 },
    {
      label: "insufficient_data",
      value: insufficient,
      warning: rules.insufficientData === State.WARNING ? Range.parse("0") : undefined,
      critical: rules.insufficientData === State.CRITICAL ? Range.parse("0") : undefined,
      min: 0,
    },
    { label: "initializing", value: initializing, min: 0 },
  ];

  const filter = describeSelection(selection);
  if (instances.length === 0) {
    if (filter !== "") {
      const which = selection.includeStopped ? "instance" : "running instance";
      return { summary: `no ${which} matches ${filter}`, findings, metrics, state: State.UNKNOWN };
    }
    return { summary: selection.includeStopped ? "no instance" : "no running instance", findings, metrics };
  }
  return { summary: summarize(judged, instances.length, { impaired, insufficient, initializing, notRunning }), findings, metrics };
}

function judgeInstance(instance: InstanceChecks, rules: StatusRules, now: Date): JudgedInstance {
  // A stopped (or pending, stopping) instance has no status checks to fail: shown, never alerting.
  if (instance.state !== "running") return { instance, running: false, checks: [], state: State.OK };
  const checks = judgeChecks(instance, rules, now);
  return { instance, running: true, checks, state: worst(...checks.map((c) => c.state)) };
}

/** The checks of a running instance worth a word: every one that is not `ok` or `not-applicable`. */
function judgeChecks(instance: InstanceChecks, rules: StatusRules, now: Date): JudgedCheck[] {
  const out: JudgedCheck[] = [];
  for (const check of CHECK_NAMES) {
    const result = instance.checks[check];
    if (result === undefined || rules.ignore.includes(check)) continue;
    const label = CHECK_LABEL[check];
    const { status } = result;
    if (status === "ok" || status === "not-applicable") continue;
    if (status === "impaired") out.push({ check, status, state: State.CRITICAL, text: `${label} impaired${failing(result, now)}` });
    else if (status === "insufficient-data") out.push({ check, status, state: rules.insufficientData, text: `${label} insufficient-data` });
    else if (status === "initializing") out.push({ check, status, state: State.OK, text: `${label} initializing` });
    // A status this check does not know (AWS may add one) is never taken for a pass.
    else out.push({ check, status, state: State.UNKNOWN, text: `${label} reports unknown status '${status}'` });
  }
  return out;
}

/** `: reachability failed since 2026-11-30T08:30:00Z (3h 30m ago)` for each failed detail. */
function failing(result: CheckStatus, now: Date): string {
  const failed = result.details.filter((d) => d.status !== "passed");
  if (failed.length === 0) return "";
  const parts = failed.map((d) => {
    if (d.impairedSince === undefined) return `${d.name} ${d.status}`;
    const ago = Math.max(0, Math.round((now.getTime() - d.impairedSince.getTime()) / 1000));
    return `${d.name} ${d.status} since ${isoUtc(d.impairedSince)} (${humanDuration(ago)} ago)`;
  });
  return `: ${parts.join(", ")}`;
}

function who(instance: InstanceChecks): string {
  const name = instance.name ? ` (${instance.name})` : "";
  const region = instance.region ? ` [${instance.region}]` : "";
  return `${instance.instanceId}${name}${region}`;
}

function toFinding(j: JudgedInstance): Finding {
  const text = j.running ? j.checks.map((c) => c.text).join("; ") : `${j.instance.state}, no status checks`;
  return {
    state: j.state,
    text: `${who(j.instance)}: ${text}`,
    instanceId: j.instance.instanceId,
    instanceState: j.instance.state,
    checks: Object.fromEntries(j.checks.map((c) => [c.check, c.status])),
  };
}

/** Ids asked for with `--instance-id` that no region answered for: never silently OK. */
function unmatchedIds(instances: readonly InstanceChecks[], selection: StatusSelection): Finding[] {
  if (instances.length === 0) return [];
  const read = new Set(instances.map((i) => i.instanceId));
  const which = selection.includeStopped ? "no instance" : "no running instance";
  return selection.instanceIds
    .filter((id) => !read.has(id))
    .map((id) => ({ state: State.UNKNOWN, text: `${id}: ${which} with this id`, instanceId: id }));
}

/** `--instance-id i-1 --tag env=prod`, or "" when every instance was asked for. */
function describeSelection(selection: StatusSelection): string {
  return [...selection.instanceIds.map((id) => `--instance-id ${id}`), ...selection.tags.map((t) => `--tag ${t.key}=${t.value}`)].join(" ");
}

interface Counts {
  impaired: number;
  insufficient: number;
  initializing: number;
  notRunning: number;
}

/** `judged`: the instances with something to say, of `total` read. */
function summarize(judged: JudgedInstance[], total: number, counts: Counts): string {
  const notes = [
    counts.initializing > 0 ? `${counts.initializing} initializing` : "",
    counts.notRunning > 0 ? `${counts.notRunning} not running` : "",
  ].filter((n) => n !== "");
  const tail = notes.length > 0 ? ` (${notes.join(", ")})` : "";
  const problems = [
    counts.impaired > 0 ? `${counts.impaired} impaired` : "",
    counts.insufficient > 0 ? `${counts.insufficient} with insufficient data` : "",
  ].filter((p) => p !== "");
  const unknown = judged.filter((j) => j.checks.some((c) => !KNOWN_STATUSES.has(c.status))).length;
  if (unknown > 0) problems.push(`${unknown} with an unknown status`);
  if (problems.length === 0) return `status checks pass on ${total} instance(s)${tail}`;
  // The worst instance leads the summary, so a pager line already says what failed.
  const failing = judged.filter((j) => j.checks.some((c) => c.status !== "initializing"));
  const first = failing.sort((a, b) => bySeverityDesc(a.state, b.state))[0];
  const checks = first.checks.filter((c) => c.status !== "initializing");
  const worstChecks = checks.filter((c) => c.state === first.state);
  const what = (worstChecks.length > 0 ? worstChecks : checks).map((c) => `${CHECK_LABEL[c.check]} ${c.status}`).join(", ");
  return `${problems.join(", ")} of ${total} instance(s)${tail}; ${who(first.instance)}: ${what}`;
}
