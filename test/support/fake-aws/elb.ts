/**
 * Classic ELB (awsQuery protocol, API version 2012-06-01):
 * DescribeLoadBalancers and DescribeInstanceHealth.
 */
import type { RequestContext } from "./context";
import { AwsError, ELB_NAMESPACE, dispatch, type WireResponse } from "./errors";
import type { RegionIndex } from "./model";
import { decodeToken, page } from "./paging";
import type { QueryParams } from "./query";
import type { LoadBalancer, LoadBalancerMember } from "./scenario";
import { el, esc, queryResponse } from "./xml";

export const ELB_PAGE_SIZE_MAX = 400;
export const ELB_PAGE_SIZE_DEFAULT = 400;

function elbResponse(action: string, requestId: string, result: string): WireResponse {
  return queryResponse(ELB_NAMESPACE, action, requestId, result);
}

const validation = (message: string) => new AwsError(400, "ValidationError", message);

function lbNotFound(name: string): AwsError {
  return new AwsError(400, "LoadBalancerNotFound", `There is no ACTIVE Load Balancer named '${name}'`);
}

function dnsNameOf(lb: LoadBalancer, region: string): string {
  if (lb.dnsName) return lb.dnsName;
  let h = 0;
  for (let i = 0; i < lb.name.length; i++) h = (Math.imul(h, 31) + lb.name.charCodeAt(i)) >>> 0;
  return `${lb.name}-${h % 1_000_000_000}.${region}.elb.amazonaws.com`;
}

function lbXml(lb: LoadBalancer, region: RegionIndex): string {
  let xml = region.lbXml.get(lb);
  if (xml !== undefined) return xml;
  const dns = dnsNameOf(lb, region.name);
  const azs = lb.availabilityZones ?? [`${region.name}a`];
  xml =
    `<member>${el("LoadBalancerName", lb.name)}${el("DNSName", dns)}` +
    `${el("CanonicalHostedZoneName", dns)}<CanonicalHostedZoneNameID>Z35SXDOTRQ7X7K</CanonicalHostedZoneNameID>` +
    `<ListenerDescriptions><member><Listener><Protocol>HTTP</Protocol><LoadBalancerPort>80</LoadBalancerPort>` +
    `<InstanceProtocol>HTTP</InstanceProtocol><InstancePort>80</InstancePort></Listener><PolicyNames/></member></ListenerDescriptions>` +
    `<Policies><AppCookieStickinessPolicies/><LBCookieStickinessPolicies/><OtherPolicies/></Policies>` +
    `<BackendServerDescriptions/><AvailabilityZones>${azs.map((a) => `<member>${esc(a)}</member>`).join("")}</AvailabilityZones>` +
    `<Subnets/><Instances>${lb.instances.map((m) => `<member><InstanceId>${esc(m.id)}</InstanceId></member>`).join("")}</Instances>` +
    `<HealthCheck>${el("Target", lb.healthCheckTarget ?? "HTTP:80/")}<Interval>30</Interval><Timeout>5</Timeout>` +
    `<UnhealthyThreshold>2</UnhealthyThreshold><HealthyThreshold>10</HealthyThreshold></HealthCheck>` +
    `<SourceSecurityGroup><OwnerAlias>amazon-elb</OwnerAlias><GroupName>amazon-elb-sg</GroupName></SourceSecurityGroup>` +
    `<SecurityGroups/><CreatedTime>${(lb.createdTime ?? new Date(Date.UTC(2020, 0, 1))).toISOString()}</CreatedTime>` +
    `<Scheme>internet-facing</Scheme></member>`;
  region.lbXml.set(lb, xml);
  return xml;
}

function describeLoadBalancers(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const names = params.memberList("LoadBalancerNames");
  const pageSize = params.int("PageSize");
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > ELB_PAGE_SIZE_MAX)) {
    throw validation(`1 validation error detected: Value '${params.str("PageSize")}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and ${ELB_PAGE_SIZE_MAX}`);
  }
  let lbs: readonly LoadBalancer[];
  if (names.length > 0) {
    const missing = names.find((n) => !region.lbByName.has(n));
    if (missing !== undefined) throw lbNotFound(missing);
    lbs = [...new Set(names)].map((n) => region.lbByName.get(n) as LoadBalancer);
  } else {
    lbs = region.loadBalancers;
  }
  const offset = decodeToken("DescribeLoadBalancers", params.str("Marker"));
  if (offset === undefined) throw validation("Invalid value for parameter Marker");
  const p = page("DescribeLoadBalancers", lbs, offset, pageSize ?? ELB_PAGE_SIZE_DEFAULT);
  let result = "<LoadBalancerDescriptions>";
  for (const lb of p.items) result += lbXml(lb, region);
  result += "</LoadBalancerDescriptions>";
  // Real ELB ends the listing with an empty NextMarker element.
  result += p.next === undefined ? "<NextMarker/>" : `<NextMarker>${p.next}</NextMarker>`;
  return elbResponse("DescribeLoadBalancers", ctx.requestId, result);
}

const DEFAULTS: Record<LoadBalancerMember["state"], { reason: string; description: string }> = {
  InService: { reason: "N/A", description: "N/A" },
  OutOfService: { reason: "Instance", description: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively." },
  Unknown: { reason: "ELB", description: "A transient error occurred. Please try again later." },
};

function memberXml(m: LoadBalancerMember): string {
  const d = DEFAULTS[m.state];
  return (
    `<member>${el("InstanceId", m.id)}${el("State", m.state)}` +
    `${el("ReasonCode", m.reasonCode ?? d.reason)}${el("Description", m.description ?? d.description)}</member>`
  );
}

function describeInstanceHealth(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const name = params.str("LoadBalancerName");
  if (!name) throw validation("1 validation error detected: Value null at 'loadBalancerName' failed to satisfy constraint: Member must not be null");
  const lb = region.lbByName.get(name);
  if (!lb) throw lbNotFound(name);
  const wanted = params.memberStructList("Instances", "InstanceId");
  let members: LoadBalancerMember[];
  if (wanted.length === 0) {
    members = lb.instances;
  } else {
    const byId = new Map(lb.instances.map((m) => [m.id, m]));
    members = [];
    for (const id of wanted) {
      const m = byId.get(id);
      if (m) members.push(m);
      else if (region.instanceById.has(id)) {
        members.push({ id, state: "OutOfService", reasonCode: "ELB", description: "Instance is not currently registered with the LoadBalancer." });
      } else {
        throw new AwsError(400, "InvalidInstance", `Could not find EC2 instance ${id}.`);
      }
    }
  }
  let result = "<InstanceStates>";
  for (const m of members) result += memberXml(m);
  result += "</InstanceStates>";
  return elbResponse("DescribeInstanceHealth", ctx.requestId, result);
}

/** Pre-renders every load balancer fragment of a region. */
export function warmElb(region: RegionIndex): void {
  for (const lb of region.loadBalancers) lbXml(lb, region);
}

export const ELB_ACTIONS: Record<string, (params: QueryParams, ctx: RequestContext) => WireResponse> = {
  DescribeLoadBalancers: describeLoadBalancers,
  DescribeInstanceHealth: describeInstanceHealth,
};

export const handleElb = dispatch("elasticloadbalancing", ELB_ACTIONS);
