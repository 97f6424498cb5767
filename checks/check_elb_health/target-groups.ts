import type { Metric } from "../../src/metric";
import type { Finding } from "../../src/report";
import { bySeverityDesc, State } from "../../src/state";
import { type HealthRules, judgeCount } from "./rules";

/** One registered target of an ALB/NLB/GWLB target group, as DescribeTargetHealth reports it. */
export interface TargetHealth {
  /** Instance id, IP address, Lambda ARN or ALB ARN. */
  id: string;
  port?: number;
  /** The instance's Name tag (instance targets only). */
  name?: string;
  /** `healthy`, `unhealthy`, `unavailable`, `initial`, `draining`, `unused`, `unhealthy.draining`. */
  state: string;
  /** ELB's reason code, e.g. `Target.ResponseCodeMismatch` (healthy targets have none). */
  reason?: string;
  description?: string;
}

/** One target group and the health of every target registered with it. */
export interface TargetGroupHealth {
  name: string;
  arn: string;
  region: string;
  /** `instance`, `ip`, `lambda` or `alb`. */
  targetType: string;
  /** Names of the load balancers that route to it; none when no listener uses it. */
  loadBalancers: readonly string[];
  targets: TargetHealth[];
}

export interface JudgedTargetGroup {
  tg: TargetGroupHealth;
  state: State;
  healthy: number;
  /** `unhealthy` and `unavailable` targets: those counted against the group. */
  unhealthy: number;
  /** Targets shown but counted in neither (initial, draining, unused, unhealthy.draining). */
  other: number;
  registered: number;
  /** Every counted target is unhealthy: the load balancer now routes to all of them. */
  failsOpen: boolean;
  text: string;
  /** The group's line, then one line per target that is not healthy. */
  findings: Finding[];
}

type TargetCount = "healthy" | "unhealthy" | "other";

/**
 * How a target state counts. Registration, deregistration and an unused target (no listener, or an AZ
 * the load balancer does not serve) are a deploy or a scale-in, not an outage; a state ELB may add later
 * is shown but never taken for healthy.
 */
export function targetCount(state: string): TargetCount {
  if (state === "healthy") return "healthy";
  if (state === "unhealthy" || state === "unavailable") return "unhealthy";
  return "other";
}

function tgLabel(tg: { name: string; region: string }, showRegion: boolean): string {
  return showRegion ? `${tg.name} [${tg.region}]` : tg.name;
}

/** `i-0abc…:80 (web-1)`, `10.0.3.7:8080`, or a Lambda ARN alone. */
function targetText(t: TargetHealth): string {
  return `${t.id}${t.port === undefined ? "" : `:${t.port}`}${t.name ? ` (${t.name})` : ""}`;
}

/** Judges one target group by its healthy count (ranges) and, if asked, the healthy share of counted targets. */
export function judgeTargetGroup(tg: TargetGroupHealth, rules: HealthRules, showRegion = false): JudgedTargetGroup {
  const label = tgLabel(tg, showRegion);
  const counts = { healthy: 0, unhealthy: 0, other: 0 };
  const others = new Map<string, number>();
  for (const t of tg.targets) {
    const kind = targetCount(t.state);
    counts[kind]++;
    if (kind === "other") others.set(t.state, (others.get(t.state) ?? 0) + 1);
  }
  const registered = tg.targets.length;
  const counted = counts.healthy + counts.unhealthy;
  const attached = tg.loadBalancers.length > 0;
  const reasons: string[] = [];
  let state: State;
  let failsOpen = false;
  let what: string;

  if (registered === 0) {
    state = State.CRITICAL;
    what = "no target registered";
  } else if (!attached && counted === 0) {
    // No listener uses it, so every target is `unused`: it carries no traffic that could fail.
    state = State.OK;
    what = `not used by any load balancer, ${registered} target${registered === 1 ? "" : "s"} registered`;
  } else {
    const judged = judgeCount(counts.healthy, counted, rules);
    state = judged.state;
    reasons.push(...judged.reasons);
    failsOpen = counted > 0 && counts.healthy === 0;
    what = counted === 0 ? "0 healthy targets" : `${counts.healthy} of ${counted} targets healthy`;
  }

  const shown = [...others].map(([s, n]) => `${n} ${s}`).join(", ");
  // No semicolons: Nagios turns them into colons in plugin output.
  let text = `${label}: ${what}${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}${shown && attached ? `, not counted: ${shown}` : ""}`;
  if (failsOpen) {
    const lbs = tg.loadBalancers.join(", ");
    text += ` - ${lbs} ${tg.loadBalancers.length === 1 ? "fails" : "fail"} open, routing to all ${counts.unhealthy} unhealthy targets`;
  }

  const findings: Finding[] = [
    { state, text, targetGroup: tg.name, targetGroupArn: tg.arn, region: tg.region, healthy: counts.healthy, unhealthy: counts.unhealthy, other: counts.other, failsOpen },
  ];
  for (const t of tg.targets) {
    const kind = targetCount(t.state);
    if (kind === "healthy") continue;
    // Counted targets explain the group's state; the others (a deploy, a scale-in) never alert.
    findings.push({
      state: kind === "unhealthy" ? state : State.OK,
      text: `${label}: ${targetText(t)} ${t.state}${t.reason ? ` (${t.reason})` : ""}${t.description ? `: ${t.description}` : ""}`,
      targetGroup: tg.name,
      region: tg.region,
      target: t.id,
      port: t.port,
      targetState: t.state,
      reason: t.reason,
      description: t.description,
    });
  }
  return { tg, state, ...counts, registered, failsOpen, text, findings };
}

/** Worst first: by state, a group that fails open, the smallest healthy share, then by name. */
export function worstTargetGroupFirst(a: JudgedTargetGroup, b: JudgedTargetGroup): number {
  const share = (j: JudgedTargetGroup) => (j.healthy + j.unhealthy === 0 ? 0 : j.healthy / (j.healthy + j.unhealthy));
  return bySeverityDesc(a.state, b.state) || Number(b.failsOpen) - Number(a.failsOpen) || share(a) - share(b) || a.tg.name.localeCompare(b.tg.name);
}

/** `<tg>.healthy` (with the ranges in force), `<tg>.unhealthy`, `<tg>.other` per group, worst first. */
export function targetGroupMetrics(judged: readonly JudgedTargetGroup[], rules: HealthRules, showRegion: boolean): Metric[] {
  const { warning, critical } = rules.thresholds;
  return judged.flatMap((j) => {
    const label = showRegion ? `${j.tg.region}/${j.tg.name}` : j.tg.name;
    const max = j.registered;
    const item = { region: j.tg.region, target_group: j.tg.name };
    return [
      { label: `${label}.healthy`, name: "healthy", item, value: j.healthy, warning, critical, min: 0, max, perItem: true },
      { label: `${label}.unhealthy`, name: "unhealthy", item, value: j.unhealthy, min: 0, max, perItem: true },
      { label: `${label}.other`, name: "other", item, value: j.other, min: 0, max, perItem: true },
    ];
  });
}
