import type { InstanceHealth } from "../../src/aws/elb";
import type { Metric } from "../../src/metric";
import type { Finding } from "../../src/report";
import { bySeverityDesc, State } from "../../src/state";
import { type HealthRules, judgeCount } from "./rules";
import { type JudgedTargetGroup, targetGroupMetrics } from "./target-groups";

/** One classic load balancer and the health of every instance registered with it. */
export interface LoadBalancerHealth {
  name: string;
  region: string;
  instances: InstanceHealth[];
}

export type { HealthRules } from "./rules";

interface JudgedLoadBalancer {
  lb: LoadBalancerHealth;
  state: State;
  inService: number;
  /** Registered instances that are not InService (OutOfService or Unknown). */
  outOfService: number;
  registered: number;
  /** The load balancer's line, e.g. `web: 1 of 3 instances InService (33% < 50%)`. */
  text: string;
  /** The load balancer's line, then one line per instance that is not InService. */
  findings: Finding[];
}

function lbLabel(lb: { name: string; region: string }, showRegion: boolean): string {
  return showRegion ? `${lb.name} [${lb.region}]` : lb.name;
}

/** Judges one load balancer by its InService count (ranges) and, if asked, the InService share. */
export function judgeLoadBalancer(lb: LoadBalancerHealth, rules: HealthRules, showRegion = false): JudgedLoadBalancer {
  const registered = lb.instances.length;
  const inService = lb.instances.filter((i) => i.state === "InService").length;
  const { state, reasons } = judgeCount(inService, registered, rules);
  const label = lbLabel(lb, showRegion);
  const counted = registered === 0 ? "no instance registered" : `${inService} of ${registered} instances InService`;
  const text = `${label}: ${counted}${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}`;
  const findings: Finding[] = [{ state, text, loadBalancer: lb.name, region: lb.region, inService, registered }];
  for (const i of lb.instances.filter((x) => x.state !== "InService")) {
    // Instance lines carry their load balancer's state: they explain it, they do not judge on their own.
    findings.push({
      state,
      text: `${label}: ${i.instanceId} ${i.state} (${i.reasonCode}): ${i.description}`,
      loadBalancer: lb.name,
      region: lb.region,
      instanceId: i.instanceId,
      instanceState: i.state,
      reasonCode: i.reasonCode,
      description: i.description,
    });
  }
  return { lb, state, inService, outOfService: registered - inService, registered, text, findings };
}

/** Worst first: by state, then the smallest InService share, then by name. */
export function worstFirst(a: JudgedLoadBalancer, b: JudgedLoadBalancer): number {
  const share = (j: JudgedLoadBalancer) => (j.registered === 0 ? 0 : j.inService / j.registered);
  return bySeverityDesc(a.state, b.state) || share(a) - share(b) || a.lb.name.localeCompare(b.lb.name);
}

/** A load balancer or target group named on the command line that no region read has. */
export function missingFinding(kind: "classic" | "load balancer" | "target group", ref: { name: string; arn?: string }, where: string): Finding {
  const what = { classic: "classic load balancer", "load balancer": "ALB/NLB/GWLB", "target group": "target group" }[kind];
  const text = `${ref.name}: no ${what} ${ref.arn ? `with ARN ${ref.arn}` : "of that name"} in ${where}`;
  return { state: State.CRITICAL, text, ...(kind === "target group" ? { targetGroup: ref.arn ?? ref.name } : { loadBalancer: ref.arn ?? ref.name }) };
}

/** The summary line over classic load balancers and target groups judged in one run. */
export function summarize(classic: readonly JudgedLoadBalancer[], groups: readonly JudgedTargetGroup[], missing: readonly Finding[]): string {
  const judged = [...classic, ...groups];
  const total = judged.length + missing.length;
  const lbs = classic.length > 0 || missing.some((f) => f.loadBalancer !== undefined);
  const tgs = groups.length > 0 || missing.some((f) => f.targetGroup !== undefined);
  const noun = lbs && tgs ? "load balancers and target groups" : tgs ? "target groups" : "load balancers";
  // Missing ones first, then the worst judged; among equals, a group that fails open is the news.
  const failsOpen = (j: JudgedLoadBalancer | JudgedTargetGroup) => "failsOpen" in j && j.failsOpen;
  const bad = judged.filter((j) => j.state !== State.OK).sort((a, b) => bySeverityDesc(a.state, b.state) || Number(failsOpen(b)) - Number(failsOpen(a)));
  const problems = [...missing.map((f) => f.text), ...bad.map((j) => j.text)];
  const open = groups.filter((g) => g.failsOpen).length;

  if (problems.length === 0) {
    if (total === 1) return judged[0].text;
    const parts: string[] = [];
    if (classic.length > 0) parts.push(`${sum(classic, (j) => j.inService)} of ${sum(classic, (j) => j.registered)} instances InService`);
    if (groups.length > 0) parts.push(`${sum(groups, (j) => j.healthy)} of ${sum(groups, (j) => j.healthy + j.unhealthy)} targets healthy`);
    return `${total} ${noun} OK, ${parts.join(", ")}`;
  }
  if (problems.length === 1) return problems[0] + (total > 1 ? ` (1 of ${total} ${noun})` : "");
  return `${problems.length} of ${total} ${noun} unhealthy${open > 1 ? `, ${open} target groups fail open` : ""}; worst: ${problems[0]}`;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((n, item) => n + value(item), 0);
}

/**
 * `load_balancers` and `target_groups` (each when that kind was read), then per item, worst first so the
 * ones that matter survive the 4096-byte cut: `<elb>.in_service`, `<elb>.out_of_service`, and the
 * target groups' `<tg>.healthy`, `<tg>.unhealthy`, `<tg>.other`.
 */
export function metrics(
  read: { classic: boolean; targetGroups: boolean },
  judged: readonly JudgedLoadBalancer[],
  groups: readonly JudgedTargetGroup[],
  rules: HealthRules,
  showRegion: boolean,
): Metric[] {
  const out: Metric[] = [];
  if (read.classic) out.push({ label: "load_balancers", value: judged.length, min: 0 });
  if (read.targetGroups) out.push({ label: "target_groups", value: groups.length, min: 0 });
  const { warning, critical } = rules.thresholds;
  for (const j of judged) {
    const label = showRegion ? `${j.lb.region}/${j.lb.name}` : j.lb.name;
    const item = { region: j.lb.region, load_balancer: j.lb.name };
    out.push(
      { label: `${label}.in_service`, name: "in_service", item, value: j.inService, warning, critical, min: 0, max: j.registered, perItem: true },
      { label: `${label}.out_of_service`, name: "out_of_service", item, value: j.outOfService, min: 0, max: j.registered, perItem: true },
    );
  }
  return [...out, ...targetGroupMetrics(groups, rules, showRegion)];
}
