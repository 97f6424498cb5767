/**
 * Auto Scaling (awsQuery protocol, API version 2011-01-01):
 * DescribeAutoScalingGroups and DescribeScalingActivities.
 */
import type { AutoScalingGroup, ScalingActivity } from "./autoscaling-scenario";
import type { RequestContext } from "./context";
import { AUTOSCALING_NAMESPACE, AwsError, dispatch, type WireResponse } from "./errors";
import type { RegionIndex } from "./model";
import { decodeToken, page } from "./paging";
import type { QueryParams } from "./query";
import { el, esc, iso, list, queryResponse } from "./xml";

/** Real limits: DescribeAutoScalingGroups pages 50 by default, at most 100; activities 100 and 100. */
export const ASG_PAGE_DEFAULT = 50;
export const ASG_PAGE_MAX = 100;
export const ACTIVITY_PAGE_DEFAULT = 100;
export const ACTIVITY_PAGE_MAX = 100;

function response(action: string, requestId: string, result: string): WireResponse {
  return queryResponse(AUTOSCALING_NAMESPACE, action, requestId, result);
}

const validation = (message: string) => new AwsError(400, "ValidationError", message);

function maxRecords(params: QueryParams, fallback: number, max: number): number {
  const n = params.int("MaxRecords");
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw validation(`1 validation error detected: Value '${params.str("MaxRecords")}' at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  return n;
}

function offsetFrom(op: string, params: QueryParams): number {
  const token = params.str("NextToken");
  const offset = decodeToken(op, token);
  if (offset === undefined) throw new AwsError(400, "InvalidNextToken", `The token '${token}' is invalid.`);
  return offset;
}

/** `Filters.member.N.Name` with `Filters.member.N.Values.member.M`, in order. */
function filtersOf(params: QueryParams): Array<{ name: string; values: string[] }> {
  const byIndex = new Map<number, { name?: string; values: Array<[number, string]> }>();
  for (const [k, v] of params.map) {
    const m = /^Filters\.member\.(\d+)\.(?:(Name)|Values\.member\.(\d+))$/.exec(k);
    if (!m) continue;
    const entry = byIndex.get(Number(m[1])) ?? { values: [] };
    byIndex.set(Number(m[1]), entry);
    if (m[2]) entry.name = v;
    else entry.values.push([Number(m[3]), v]);
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => ({ name: e.name ?? "", values: e.values.sort((a, b) => a[0] - b[0]).map(([, v]) => v) }));
}

/** The tag filters Auto Scaling knows (`tag:<key>`, `tag-key`, `tag-value`); values match exactly. */
function tagPredicate(params: QueryParams): (g: AutoScalingGroup) => boolean {
  const preds = filtersOf(params).map(({ name, values }) => {
    if (values.length === 0) throw validation(`The filter '${name}' requires at least one value`);
    const wanted = new Set(values);
    if (name.startsWith("tag:")) return (g: AutoScalingGroup) => wanted.has(g.tags?.[name.slice(4)] ?? "\u0000");
    if (name === "tag-key") return (g: AutoScalingGroup) => Object.keys(g.tags ?? {}).some((k) => wanted.has(k));
    if (name === "tag-value") return (g: AutoScalingGroup) => Object.values(g.tags ?? {}).some((v) => wanted.has(v));
    throw validation(`Filter name '${name}' is invalid. Valid filter names are tag-key, tag-value and tag:<key>.`);
  });
  return (g) => preds.every((p) => p(g));
}

function arnOf(g: AutoScalingGroup, region: RegionIndex, accountId: string): string {
  return `arn:aws:autoscaling:${region.name}:${accountId}:autoScalingGroup:00000000-0000-4000-8000-000000000000:autoScalingGroupName/${g.name}`;
}

function groupXml(g: AutoScalingGroup, region: RegionIndex, accountId: string, includeInstances: boolean): string {
  const cached = includeInstances ? region.asgXml.get(g) : undefined;
  if (cached !== undefined) return cached;
  const created = g.createdTime ?? new Date(Date.UTC(2020, 0, 1));
  const instances = includeInstances
    ? list("Instances", g.instances, (m) =>
        `<member>${el("InstanceId", m.id)}${el("InstanceType", m.instanceType ?? "t3.micro")}` +
        `${el("AvailabilityZone", m.availabilityZone ?? `${region.name}a`)}${el("LifecycleState", m.lifecycleState ?? "InService")}` +
        `${el("HealthStatus", m.healthStatus ?? "Healthy")}<ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>`,
      )
    : "";
  const xml =
    `<member>${el("AutoScalingGroupName", g.name)}${el("AutoScalingGroupARN", arnOf(g, region, accountId))}` +
    `${el("MinSize", g.minSize)}${el("MaxSize", g.maxSize)}${el("DesiredCapacity", g.desiredCapacity)}<DefaultCooldown>300</DefaultCooldown>` +
    list("AvailabilityZones", g.availabilityZones ?? [`${region.name}a`], (az) => `<member>${esc(az)}</member>`) +
    `<LoadBalancerNames/><TargetGroupARNs/>${el("HealthCheckType", g.healthCheckType ?? "EC2")}<HealthCheckGracePeriod>300</HealthCheckGracePeriod>` +
    instances +
    el("CreatedTime", iso(created)) +
    list("SuspendedProcesses", g.suspendedProcesses ?? [], (p) =>
      `<member>${el("ProcessName", p)}${el("SuspensionReason", `User suspended at ${created.toISOString()}`)}</member>`,
    ) +
    list("Tags", Object.entries(g.tags ?? {}), ([k, v]) =>
      `<member>${el("ResourceId", g.name)}<ResourceType>auto-scaling-group</ResourceType>${el("Key", k)}${el("Value", v)}<PropagateAtLaunch>true</PropagateAtLaunch></member>`,
    ) +
    `<TerminationPolicies><member>Default</member></TerminationPolicies><NewInstancesProtectedFromScaleIn>false</NewInstancesProtectedFromScaleIn></member>`;
  if (includeInstances) region.asgXml.set(g, xml);
  return xml;
}

function describeAutoScalingGroups(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const size = maxRecords(params, ASG_PAGE_DEFAULT, ASG_PAGE_MAX);
  const names = params.memberList("AutoScalingGroupNames");
  const matches = tagPredicate(params);
  // Named groups that do not exist are simply absent from the answer, as in AWS.
  const candidates = names.length > 0 ? [...new Set(names)].flatMap((n) => region.asgByName.get(n) ?? []) : region.autoScalingGroups;
  const selected = candidates.filter(matches);
  const p = page("DescribeAutoScalingGroups", selected, offsetFrom("DescribeAutoScalingGroups", params), size);
  const includeInstances = params.bool("IncludeInstances") ?? true;
  let result = "<AutoScalingGroups>";
  for (const g of p.items) result += groupXml(g, region, ctx.accountId, includeInstances);
  result += "</AutoScalingGroups>" + el("NextToken", p.next);
  return response("DescribeAutoScalingGroups", ctx.requestId, result);
}

interface OwnedActivity {
  group: AutoScalingGroup;
  activity: ScalingActivity;
  index: number;
}

function activityId(group: string, index: number): string {
  let h = 0x811c9dc5;
  for (const c of `${group}#${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, "0");
  return `${hex}-${hex.slice(0, 4)}-4${hex.slice(1, 4)}-8${hex.slice(4, 7)}-${String(index).padStart(12, "0")}`;
}

function activityXml(a: OwnedActivity, region: RegionIndex, accountId: string): string {
  const { activity: x, group: g } = a;
  return (
    `<member>${el("ActivityId", x.id ?? activityId(g.name, a.index))}${el("AutoScalingGroupName", g.name)}` +
    `${el("Description", x.description)}${el("Cause", x.cause ?? x.description)}${el("StartTime", iso(x.startTime))}` +
    `${el("EndTime", iso(x.endTime))}${el("StatusCode", x.statusCode)}${el("StatusMessage", x.statusMessage)}` +
    `${el("Progress", x.progress ?? (x.endTime ? 100 : 30))}<Details>{}</Details>` +
    `${el("AutoScalingGroupARN", arnOf(g, region, accountId))}</member>`
  );
}

function describeScalingActivities(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const size = maxRecords(params, ACTIVITY_PAGE_DEFAULT, ACTIVITY_PAGE_MAX);
  const name = params.str("AutoScalingGroupName");
  // An unknown group has no activities (AWS answers an empty list, not an error).
  const groups = name !== undefined ? [region.asgByName.get(name) ?? []].flat() : region.autoScalingGroups;
  let all: OwnedActivity[] = groups.flatMap((group) => (group.activities ?? []).map((activity, index) => ({ group, activity, index })));
  const ids = params.memberList("ActivityIds");
  if (ids.length > 0) all = all.filter((a) => ids.includes(a.activity.id ?? activityId(a.group.name, a.index)));
  const p = page("DescribeScalingActivities", all, offsetFrom("DescribeScalingActivities", params), size);
  let result = "<Activities>";
  for (const a of p.items) result += activityXml(a, region, ctx.accountId);
  result += "</Activities>" + el("NextToken", p.next);
  return response("DescribeScalingActivities", ctx.requestId, result);
}

/** Pre-renders every group fragment of a region. */
export function warmAutoScaling(region: RegionIndex, accountId: string): void {
  for (const g of region.autoScalingGroups) groupXml(g, region, accountId, true);
}

export const AUTOSCALING_ACTIONS: Record<string, (params: QueryParams, ctx: RequestContext) => WireResponse> = {
  DescribeAutoScalingGroups: describeAutoScalingGroups,
  DescribeScalingActivities: describeScalingActivities,
};

export const handleAutoScaling = dispatch("autoscaling", AUTOSCALING_ACTIONS);

