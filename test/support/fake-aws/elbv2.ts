/**
 * Elastic Load Balancing v2 (ALB, NLB, GWLB; awsQuery protocol, API version 2015-12-01):
 * DescribeLoadBalancers, DescribeTargetGroups and DescribeTargetHealth. The SigV4 scope says
 * `elasticloadbalancing` for both generations; the server tells them apart by the API version.
 */
import type { RequestContext } from "./context";
import { AwsError, ELBV2_NAMESPACE, dispatch, type WireResponse } from "./errors";
import type { RegionIndex } from "./model";
import { decodeToken, page } from "./paging";
import type { QueryParams } from "./query";
import type { LoadBalancerV2, Target, TargetGroup, TargetHealthState } from "./scenario";
import { el, esc, queryResponse } from "./xml";

export const ELBV2_PAGE_SIZE_MAX = 400;
const PAGE_SIZE_DEFAULT = 400;
const NAMES_MAX = 20;

const response = (action: string, requestId: string, result: string): WireResponse => queryResponse(ELBV2_NAMESPACE, action, requestId, result);

const validation = (message: string) => new AwsError(400, "ValidationError", message);
const tgNotFound = (message = "One or more target groups not found") => new AwsError(400, "TargetGroupNotFound", message);
const lbNotFound = (message = "One or more load balancers not found") => new AwsError(400, "LoadBalancerNotFound", message);

function pageSizeOf(params: QueryParams): number {
  const size = params.int("PageSize");
  if (size === undefined) return PAGE_SIZE_DEFAULT;
  if (!Number.isInteger(size) || size < 1 || size > ELBV2_PAGE_SIZE_MAX) {
    throw validation(
      `1 validation error detected: Value '${params.str("PageSize")}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and ${ELBV2_PAGE_SIZE_MAX}`,
    );
  }
  return size;
}

/** The page of `items` the Marker points at; the last page has no NextMarker element at all. */
function paged<T>(op: string, items: readonly T[], params: QueryParams): { items: T[]; marker: string } {
  const offset = decodeToken(op, params.str("Marker"));
  if (offset === undefined) throw validation("Invalid value for parameter Marker");
  const p = page(op, items, offset, pageSizeOf(params));
  return { items: p.items, marker: p.next === undefined ? "" : el("NextMarker", p.next) };
}

function checkArn(arn: string, kind: "targetgroup" | "loadbalancer"): void {
  if (!new RegExp(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\\d{12}:${kind}/.+`).test(arn)) {
    throw validation(`'${arn}' is not a valid ${kind === "targetgroup" ? "target group" : "load balancer"} ARN`);
  }
}

// ---------------------------------------------------------------------------
// DescribeLoadBalancers

function lbXml(lb: LoadBalancerV2, region: RegionIndex): string {
  let xml = region.lbV2Xml.get(lb);
  if (xml !== undefined) return xml;
  const arn = region.lbV2Arn.get(lb) as string;
  const type = lb.type ?? "application";
  const id = arn.slice(arn.lastIndexOf("/") + 1);
  const dns = `${lb.name}-${id.slice(0, 10)}.${region.name}.elb.amazonaws.com`;
  xml =
    `<member>${el("LoadBalancerArn", arn)}${el("DNSName", dns)}<CanonicalHostedZoneId>Z35SXDOTRQ7X7K</CanonicalHostedZoneId>` +
    `${el("CreatedTime", (lb.createdTime ?? new Date(Date.UTC(2020, 0, 1))).toISOString())}${el("LoadBalancerName", lb.name)}` +
    `${el("Scheme", lb.scheme ?? "internet-facing")}<VpcId>vpc-0123456789abcdef0</VpcId><State>${el("Code", lb.state ?? "active")}</State>` +
    `${el("Type", type)}<AvailabilityZones>` +
    [`${region.name}a`, `${region.name}b`].map((az, i) => `<member>${el("ZoneName", az)}<SubnetId>subnet-0${i}</SubnetId></member>`).join("") +
    `</AvailabilityZones><IpAddressType>ipv4</IpAddressType></member>`;
  region.lbV2Xml.set(lb, xml);
  return xml;
}

function describeLoadBalancers(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const names = params.memberList("Names");
  const arns = params.memberList("LoadBalancerArns");
  if (names.length > 0 && arns.length > 0) throw validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
  if (names.length > NAMES_MAX || arns.length > NAMES_MAX) throw validation(`A maximum of ${NAMES_MAX} load balancers can be described at once`);
  let lbs: readonly LoadBalancerV2[] = region.loadBalancersV2;
  if (names.length > 0) {
    if (names.some((n) => !region.lbV2ByName.has(n))) throw lbNotFound();
    lbs = [...new Set(names)].map((n) => region.lbV2ByName.get(n) as LoadBalancerV2);
  } else if (arns.length > 0) {
    for (const arn of arns) checkArn(arn, "loadbalancer");
    if (arns.some((a) => !region.lbV2ByArn.has(a))) throw lbNotFound();
    lbs = [...new Set(arns)].map((a) => region.lbV2ByArn.get(a) as LoadBalancerV2);
  }
  const p = paged("DescribeLoadBalancersV2", lbs, params);
  return response("DescribeLoadBalancers", ctx.requestId, `<LoadBalancers>${p.items.map((lb) => lbXml(lb, region)).join("")}</LoadBalancers>${p.marker}`);
}

// ---------------------------------------------------------------------------
// DescribeTargetGroups

function tgXml(tg: TargetGroup, region: RegionIndex): string {
  let xml = region.tgXml.get(tg);
  if (xml !== undefined) return xml;
  const type = tg.targetType ?? "instance";
  const lambda = type === "lambda";
  const lbArns = (tg.loadBalancers ?? []).map((n) => region.lbV2ByName.get(n)).filter((lb) => lb !== undefined).map((lb) => region.lbV2Arn.get(lb) as string);
  xml =
    `<member>${el("TargetGroupArn", region.tgArn.get(tg))}${el("TargetGroupName", tg.name)}` +
    (lambda ? "" : `${el("Protocol", tg.protocol ?? "HTTP")}${el("Port", tg.port ?? 80)}<VpcId>vpc-0123456789abcdef0</VpcId>`) +
    `<HealthCheckProtocol>HTTP</HealthCheckProtocol><HealthCheckPort>traffic-port</HealthCheckPort><HealthCheckEnabled>${!lambda}</HealthCheckEnabled>` +
    `<HealthCheckIntervalSeconds>30</HealthCheckIntervalSeconds><HealthCheckTimeoutSeconds>5</HealthCheckTimeoutSeconds>` +
    `<HealthyThresholdCount>5</HealthyThresholdCount><UnhealthyThresholdCount>2</UnhealthyThresholdCount><HealthCheckPath>/</HealthCheckPath>` +
    `<Matcher><HttpCode>200</HttpCode></Matcher><LoadBalancerArns>${lbArns.map((a) => `<member>${esc(a)}</member>`).join("")}</LoadBalancerArns>` +
    `${el("TargetType", type)}<IpAddressType>ipv4</IpAddressType></member>`;
  region.tgXml.set(tg, xml);
  return xml;
}

function describeTargetGroups(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const names = params.memberList("Names");
  const arns = params.memberList("TargetGroupArns");
  const lbArn = params.str("LoadBalancerArn");
  if ([names.length > 0, arns.length > 0, lbArn !== undefined].filter(Boolean).length > 1) {
    throw validation("Target group names, target group ARNs, and a load balancer ARN cannot be specified at the same time");
  }
  let tgs: readonly TargetGroup[] = region.targetGroups;
  if (names.length > 0) {
    if (names.some((n) => !region.tgByName.has(n))) throw tgNotFound();
    tgs = [...new Set(names)].map((n) => region.tgByName.get(n) as TargetGroup);
  } else if (arns.length > 0) {
    for (const arn of arns) checkArn(arn, "targetgroup");
    if (arns.some((a) => !region.tgByArn.has(a))) throw tgNotFound();
    tgs = [...new Set(arns)].map((a) => region.tgByArn.get(a) as TargetGroup);
  } else if (lbArn !== undefined) {
    checkArn(lbArn, "loadbalancer");
    if (!region.lbV2ByArn.has(lbArn)) throw lbNotFound(`Load balancer '${lbArn}' not found`);
    tgs = region.tgsOfLb.get(lbArn) ?? [];
  }
  const p = paged("DescribeTargetGroups", tgs, params);
  return response("DescribeTargetGroups", ctx.requestId, `<TargetGroups>${p.items.map((tg) => tgXml(tg, region)).join("")}</TargetGroups>${p.marker}`);
}

// ---------------------------------------------------------------------------
// DescribeTargetHealth

/** What ELB says for each state when the scenario does not say otherwise (API_TargetHealth). */
const DEFAULT_REASON: Record<TargetHealthState, { reason: string; description: string } | undefined> = {
  healthy: undefined,
  initial: { reason: "Elb.InitialHealthChecking", description: "Initial health checks in progress" },
  unhealthy: { reason: "Target.FailedHealthChecks", description: "Health checks failed" },
  "unhealthy.draining": { reason: "Target.FailedHealthChecks", description: "Health checks failed" },
  unused: { reason: "Target.NotInUse", description: "Target group is not configured to receive traffic from the load balancer" },
  draining: { reason: "Target.DeregistrationInProgress", description: "Target deregistration is in progress" },
  unavailable: { reason: "Target.HealthCheckDisabled", description: "Health checks disabled" },
};

function targetXml(t: Target, tg: TargetGroup): string {
  const port = t.port ?? (tg.targetType === "lambda" ? undefined : (tg.port ?? 80));
  const d = DEFAULT_REASON[t.state];
  const reason = t.reason ?? d?.reason;
  const description = t.description ?? d?.description;
  return (
    `<member><Target>${el("Id", t.id)}${el("Port", port)}${el("AvailabilityZone", t.availabilityZone)}</Target>` +
    `${el("HealthCheckPort", port)}<TargetHealth>${el("State", t.state)}${el("Reason", reason)}${el("Description", description)}</TargetHealth></member>`
  );
}

function describeTargetHealth(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const arn = params.str("TargetGroupArn");
  if (!arn) throw validation("1 validation error detected: Value null at 'targetGroupArn' failed to satisfy constraint: Member must not be null");
  checkArn(arn, "targetgroup");
  const tg = region.tgByArn.get(arn);
  if (!tg) throw tgNotFound(`Target groups '${arn}' not found`);
  const wanted = params.memberStructList("Targets", "Id");
  let targets = tg.targets;
  if (wanted.length > 0) {
    const byId = new Map(tg.targets.map((t) => [t.id, t]));
    targets = wanted.map((id) => byId.get(id) ?? { id, state: "unused", reason: "Target.NotRegistered", description: "Target is not registered to the target group" });
  }
  return response("DescribeTargetHealth", ctx.requestId, `<TargetHealthDescriptions>${targets.map((t) => targetXml(t, tg)).join("")}</TargetHealthDescriptions>`);
}

/** Pre-renders every load balancer and target group fragment of a region. */
export function warmElbv2(region: RegionIndex): void {
  for (const lb of region.loadBalancersV2) lbXml(lb, region);
  for (const tg of region.targetGroups) tgXml(tg, region);
}

export const ELBV2_ACTIONS: Record<string, (params: QueryParams, ctx: RequestContext) => WireResponse> = {
  DescribeLoadBalancers: describeLoadBalancers,
  DescribeTargetGroups: describeTargetGroups,
  DescribeTargetHealth: describeTargetHealth,
};

export const handleElbv2 = dispatch("elasticloadbalancingv2", ELBV2_ACTIONS);
