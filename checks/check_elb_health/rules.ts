import { State, worst } from "../../src/state";
import type { Thresholds } from "../../src/thresholds";

/** How a load balancer or target group is judged: the same rules for both generations. */
export interface HealthRules {
  /** Ranges on the healthy count (InService instances, healthy targets). */
  thresholds: Thresholds;
  /** WARNING when fewer than this percent of the counted instances / targets are healthy. */
  minHealthyPercent?: number;
}

/** The state of `healthy` out of `counted`, and why (`critical range 1:`, `66.7% < 75%`). */
export function judgeCount(healthy: number, counted: number, rules: HealthRules): { state: State; reasons: string[] } {
  const reasons: string[] = [];
  const byCount = rules.thresholds.evaluate(healthy);
  if (byCount === State.CRITICAL) reasons.push(`critical range ${rules.thresholds.critical}`);
  else if (byCount === State.WARNING) reasons.push(`warning range ${rules.thresholds.warning}`);
  let byShare = State.OK;
  const percent = counted === 0 ? undefined : (healthy / counted) * 100;
  if (rules.minHealthyPercent !== undefined && percent !== undefined && percent < rules.minHealthyPercent) {
    byShare = State.WARNING;
    reasons.push(`${formatPercent(percent)} < ${formatPercent(rules.minHealthyPercent)}`);
  }
  return { state: worst(byCount, byShare), reasons };
}

function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}
