import type { InstanceHealth } from "../../src/aws/elb";
import type { Metric } from "../../src/metric";
import type { Finding } from "../../src/report";
import { bySeverityDesc, State, worst } from "../../src/state";
import type { Thresholds } from "../../src/thresholds";

/** One classic load balancer and the health of every instance registered with it. */
export interface LoadBalancerHealth {
  name: string;
  region: string;
  instances: InstanceHealth[];
}

export interface HealthRules {
  /** Ranges on the InService count. */
  thresholds: Thresholds;
  /** WARNING when fewer than this percent of the registered instances are InService. */
  minHealthyPercent?: number;
}

export interface JudgedLoadBalancer {
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

export function lbLabel(lb: { name: string; region: string }, showRegion: boolean): string {
  return showRegion ? `${lb.name} [${lb.region}]` : lb.name;
}

/** Judges one load balancer by its InService count (ranges) and, if asked, the InService share. */
export function judgeLoadBalancer(lb: LoadBalancerHealth, rules: HealthRules, showRegion = false): JudgedLoadBalancer {
  const registered = lb.instances.length;
  const inService = lb.instances.filter((i) => i.state === "InService").length;
  const reasons: string[] = [];

  const byCount = rules.thresholds.evaluate(inService);
  if (byCount === State.CRITICAL) reasons.push(`critical range ${rules.thresholds.critical}`);
  else if (byCount === State.WARNING) reasons.push(`warning range ${rules.thresholds.warning}`);

  let byShare = State.OK;
  const percent = registered === 0 ? undefined : (inService / registered) * 100;
  if (rules.minHealthyPercent !== undefined && percent !== undefined && percent < rules.minHealthyPercent) {
    byShare = State.WARNING;
    reasons.push(`${formatPercent(percent)} < ${formatPercent(rules.minHealthyPercent)}`);
  }

  const state = worst(byCount, byShare);
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

function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** Worst first: by state, then the smallest InService share, then by name. */
export function worstFirst(a: JudgedLoadBalancer, b: JudgedLoadBalancer): number {
  const share = (j: JudgedLoadBalancer) => (j.registered === 0 ? 0 : j.inService / j.registered);
  return bySeverityDesc(a.state, b.state) || share(a) - share(b) || a.lb.name.localeCompare(b.lb.name);
}

export function summarize(judged: JudgedLoadBalancer[], missing: Finding[]): string {
  const problems = [...missing.map((f) => f.text), ...judged.filter((j) => j.state !== State.OK).map((j) => j.text)];
  const total = judged.length + missing.length;
  if (problems.length === 0) {
    if (total === 1) return judged[0].text;
    const inService = judged.reduce((n, j) => n + j.inService, 0);
    const registered = judged.reduce((n, j) => n + j.registered, 0);
    return `${total} load balancers OK, ${inService} of ${registered} instances InService`;
  }
  if (problems.length === 1) return problems[0] + (total > 1 ? ` (1 of ${total} load balancers)` : "");
  return `${problems.length} of ${total} load balancers unhealthy; worst: ${problems[0]}`;
}

export function metrics(judged: JudgedLoadBalancer[], rules: HealthRules, showRegion: boolean): Metric[] {
  const out: Metric[] = [{ label: "load_balancers", value: judged.length, min: 0 }];
  // Worst first, so the load balancers that matter survive the 4096-byte cut.
  for (const j of judged) {
    const label = showRegion ? `${j.lb.region}/${j.lb.name}` : j.lb.name;
    const { warning, critical } = rules.thresholds;
    out.push(
      { label: `${label}.in_service`, value: j.inService, warning, critical, min: 0, max: j.registered, perItem: true },
      { label: `${label}.out_of_service`, value: j.outOfService, min: 0, max: j.registered, perItem: true },
    );
  }
  return out;
}
