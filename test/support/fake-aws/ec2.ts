/**
 * EC2 (ec2Query protocol, API version 2016-11-15): DescribeInstanceStatus,
 * DescribeInstances, DescribeTags (instances), DescribeRegions, DescribeImages.
 */
import type { RequestContext } from "./context";
import { AwsError, EC2_NAMESPACE, dispatch, type WireResponse } from "./errors";
import type { RegionIndex } from "./model";
import { decodeToken, page } from "./paging";
import { type QueryFilter, type QueryParams, anyOf } from "./query";
import { INSTANCE_STATE_CODES, eventIdFor } from "./scenario";
import type { Image, Instance, InstanceStateName, StatusCheck, StatusDetail, StatusDetailStatus, StatusSummary } from "./scenario";
import { XML_DECL, el, esc, iso } from "./xml";

/** Real EC2 limits. */
export const EC2_MAX_RESULTS_MIN = 5;
export const EC2_MAX_RESULTS_MAX = 1000;
/** DescribeInstanceStatus page size when MaxResults is absent. */
export const EC2_STATUS_DEFAULT_PAGE = 1000;
export const EC2_MAX_INSTANCE_IDS = 100;

function ec2Response(action: string, requestId: string, inner: string): WireResponse {
  return {
    status: 200,
    headers: { "content-type": "text/xml;charset=UTF-8" },
    body: `${XML_DECL}<${action}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${inner}</${action}Response>`,
  };
}

const invalidParam = (message: string) => new AwsError(400, "InvalidParameterValue", message);

function validateMaxResults(params: QueryParams, hasIds: boolean, idsParam: string): number | undefined {
  const max = params.int("MaxResults");
  if (max === undefined) return undefined;
  if (hasIds) {
    throw new AwsError(400, "InvalidParameterCombination", `The parameter ${idsParam} cannot be used with the parameter maxResults`);
  }
  if (!Number.isInteger(max) || max < EC2_MAX_RESULTS_MIN || max > EC2_MAX_RESULTS_MAX) {
    throw invalidParam(
      `Value ( ${params.str("MaxResults")} ) for parameter maxResults is invalid. Expecting a value between ${EC2_MAX_RESULTS_MIN} and ${EC2_MAX_RESULTS_MAX}.`,
    );
  }
  return max;
}

function offsetFrom(op: string, params: QueryParams): number {
  const offset = decodeToken(op, params.str("NextToken"));
  if (offset === undefined) throw new AwsError(400, "InvalidPaginationToken", "The specified pagination token is not valid or is expired.");
  return offset;
}

// ---------------------------------------------------------------------------
// Filters

type ValuesOf<T> = (item: T) => Array<string | undefined> | string | undefined;

/** Compiles EC2 filters into one predicate; unknown filter names are rejected like real EC2. */
function compileFilters<T>(filters: QueryFilter[], known: Record<string, ValuesOf<T>>, tags: (item: T) => Record<string, string> | undefined): (item: T) => boolean {
  const preds: Array<(item: T) => boolean> = [];
  for (const f of filters) {
    if (f.values.length === 0) throw invalidParam(`The filter '${f.name}' requires at least one value`);
    const match = anyOf(f.values);
    if (f.name.startsWith("tag:")) {
      const key = f.name.slice(4);
      preds.push((item) => match(tags(item)?.[key]));
    } else if (f.name === "tag-key") {
      preds.push((item) => Object.keys(tags(item) ?? {}).some(match));
    } else if (f.name === "tag-value") {
      preds.push((item) => Object.values(tags(item) ?? {}).some(match));
    } else {
      const get = known[f.name];
      if (!get) throw invalidParam(`The filter '${f.name}' is invalid`);
      preds.push((item) => {
        const v = get(item);
        return Array.isArray(v) ? v.some(match) : match(v);
      });
    }
  }
  if (preds.length === 0) return () => true;
  return (item) => preds.every((p) => p(item));
}

// ---------------------------------------------------------------------------
// Instances

const INSTANCE_ID_RE = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

function stateOf(inst: Instance): InstanceStateName {
  return inst.state ?? "running";
}

function lookupInstances(ids: string[], region: RegionIndex): Instance[] {
  if (ids.length > EC2_MAX_INSTANCE_IDS) {
    throw invalidParam(`The maximum number of instance IDs that can be specified is ${EC2_MAX_INSTANCE_IDS}`);
  }
  for (const id of ids) {
    if (!INSTANCE_ID_RE.test(id)) throw new AwsError(400, "InvalidInstanceID.Malformed", `Invalid id: "${id}"`);
  }
  const missing = ids.filter((id) => !region.instanceById.has(id));
  if (missing.length === 1) throw new AwsError(400, "InvalidInstanceID.NotFound", `The instance ID '${missing[0]}' does not exist`);
  if (missing.length > 1) throw new AwsError(400, "InvalidInstanceID.NotFound", `The instance IDs '${missing.join(", ")}' do not exist`);
  const seen = new Set<string>();
  const out: Instance[] = [];
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(region.instanceById.get(id) as Instance);
  }
  return out;
}

function defaultStatus(state: InstanceStateName): StatusSummary {
  if (state === "running") return "ok";
  if (state === "pending") return "initializing";
  return "not-applicable";
}

/** What EC2 answers for one check: its summary and its detail items. */
interface CheckView {
  status: StatusSummary;
  details: StatusDetail[];
}

const REACHABILITY: Record<StatusSummary, StatusDetailStatus | undefined> = {
  ok: "passed",
  impaired: "failed",
  "insufficient-data": "insufficient-data",
  initializing: "initializing",
  "not-applicable": undefined,
};

/** A scenario check as EC2 reports it; a summary alone gets the `reachability` detail that goes with it. */
function viewOf(check: StatusCheck, inst: Instance): CheckView {
  const given = typeof check === "string" ? { status: check } : check;
  if ("details" in given && given.details !== undefined) return { status: given.status, details: given.details };
  const reach = REACHABILITY[given.status];
  if (reach === undefined) return { status: given.status, details: [] };
  const since = reach === "failed" ? (("impairedSince" in given ? given.impairedSince : undefined) ?? inst.launchTime) : undefined;
  return { status: given.status, details: [{ name: "reachability", status: reach, impairedSince: since }] };
}

type CheckKey = "systemStatus" | "instanceStatus" | "attachedEbsStatus";

/** The check `key` of an instance, or undefined when the scenario leaves it out of the answer. */
function checkOf(inst: Instance, key: CheckKey): CheckView | undefined {
  const given = inst[key];
  if (given === null) return undefined;
  return viewOf(given ?? defaultStatus(stateOf(inst)), inst);
}

function reachabilityOf(inst: Instance, key: CheckKey): string | undefined {
  return checkOf(inst, key)?.details.find((d) => d.name === "reachability")?.status;
}

// EC2 leaves `details` out when a check has none (a stopped instance: `not-applicable` alone).
function summaryXml(tag: string, check: CheckView | undefined): string {
  if (check === undefined) return "";
  let details = "";
  if (check.details.length > 0) {
    details = "<details>";
    for (const d of check.details) {
      details += `<item>${el("name", d.name)}${el("status", d.status)}${el("impairedSince", iso(d.impairedSince))}</item>`;
    }
    details += "</details>";
  }
  return `<${tag}><status>${check.status}</status>${details}</${tag}>`;
}

function stateXml(state: InstanceStateName): string {
  return `<instanceState><code>${INSTANCE_STATE_CODES[state]}</code><name>${state}</name></instanceState>`;
}

function eventsOf(inst: Instance) {
  return (inst.events ?? []).map((e, k) => ({ ...e, id: e.id ?? eventIdFor(inst.id, k) }));
}

/** `use1-az1` for `us-east-1a`: the form of EC2's zone ids (the real mapping differs per account). */
function zoneIdOf(az: string): string {
  const m = /^([a-z]+)-([a-z])[a-z]*-(\d+)([a-z])$/.exec(az);
  return m ? `${m[1]}${m[2]}${m[3]}-az${m[4].charCodeAt(0) - 96}` : `${az}-az1`;
}

function statusItemXml(inst: Instance, region: RegionIndex): string {
  let xml = region.statusXml.get(inst);
  if (xml !== undefined) return xml;
  const state = stateOf(inst);
  // As EC2 writes an item today: the zone's id and `operator` (not a managed instance) beside the zone.
  const az = region.azOf(inst);
  xml = `<item><instanceId>${inst.id}</instanceId>${el("availabilityZone", az)}${el("availabilityZoneId", zoneIdOf(az))}<operator><managed>false</managed></operator>`;
  const events = eventsOf(inst);
  if (events.length > 0) {
    xml += "<eventsSet>";
    for (const e of events) {
      xml +=
        `<item>${el("instanceEventId", e.id)}${el("code", e.code)}${el("description", e.description)}` +
        `${el("notBefore", iso(e.notBefore))}${el("notAfter", iso(e.notAfter))}${el("notBeforeDeadline", iso(e.notBeforeDeadline))}</item>`;
    }
    xml += "</eventsSet>";
  }
  xml +=
    stateXml(state) +
    summaryXml("systemStatus", checkOf(inst, "systemStatus")) +
    summaryXml("instanceStatus", checkOf(inst, "instanceStatus")) +
    summaryXml("attachedEbsStatus", checkOf(inst, "attachedEbsStatus")) +
    "</item>";
  region.statusXml.set(inst, xml);
  return xml;
}

function statusFilterValues(region: RegionIndex): Record<string, ValuesOf<Instance>> {
  return {
    "availability-zone": (i) => region.azOf(i),
    "instance-state-name": (i) => stateOf(i),
    "instance-state-code": (i) => String(INSTANCE_STATE_CODES[stateOf(i)]),
    "event.code": (i) => (i.events ?? []).map((e) => e.code),
    "event.description": (i) => (i.events ?? []).map((e) => e.description),
    "event.instance-event-id": (i) => eventsOf(i).map((e) => e.id),
    "event.not-before": (i) => (i.events ?? []).map((e) => iso(e.notBefore)),
    "event.not-after": (i) => (i.events ?? []).map((e) => iso(e.notAfter)),
    "event.not-before-deadline": (i) => (i.events ?? []).map((e) => iso(e.notBeforeDeadline)),
    "system-status.status": (i) => checkOf(i, "systemStatus")?.status,
    "instance-status.status": (i) => checkOf(i, "instanceStatus")?.status,
    "attached-ebs-status.status": (i) => checkOf(i, "attachedEbsStatus")?.status,
    "system-status.reachability": (i) => reachabilityOf(i, "systemStatus"),
    "instance-status.reachability": (i) => reachabilityOf(i, "instanceStatus"),
  };
}

function describeInstanceStatus(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const ids = params.list("InstanceId");
  const max = validateMaxResults(params, ids.length > 0, "instancesSet");
  const includeAll = params.bool("IncludeAllInstances") ?? false;
  const candidates = ids.length > 0 ? lookupInstances(ids, region) : region.instances;
  const pred = compileFilters(params.filters(), statusFilterValues(region), (i) => i.tags);
  const matched = candidates.filter((i) => (includeAll || stateOf(i) === "running") && pred(i));
  const offset = offsetFrom("DescribeInstanceStatus", params);
  const p = page("DescribeInstanceStatus", matched, offset, max ?? EC2_STATUS_DEFAULT_PAGE);
  let inner = "<instanceStatusSet>";
  for (const inst of p.items) inner += statusItemXml(inst, region);
  inner += "</instanceStatusSet>" + el("nextToken", p.next);
  return ec2Response("DescribeInstanceStatus", ctx.requestId, inner);
}

function tagSetXml(tags: Record<string, string> | undefined): string {
  if (!tags) return "";
  let xml = "<tagSet>";
  for (const [k, v] of Object.entries(tags)) xml += `<item><key>${esc(k)}</key><value>${esc(v)}</value></item>`;
  return xml + "</tagSet>";
}

function instanceItemXml(inst: Instance, region: RegionIndex, accountId: string): string {
  let xml = region.instanceXml.get(inst);
  if (xml !== undefined) return xml;
  const state = stateOf(inst);
  const resId = "r-" + inst.id.slice(2);
  xml =
    `<item><reservationId>${resId}</reservationId><ownerId>${accountId}</ownerId><groupSet/><instancesSet><item>` +
    `<instanceId>${inst.id}</instanceId>${el("imageId", inst.imageId ?? "ami-0000000000000000a")}` +
    stateXml(state) +
    `<privateDnsName>${esc(inst.privateDns ?? "")}</privateDnsName><dnsName>${esc(inst.publicDns ?? "")}</dnsName>` +
    `<reason/><amiLaunchIndex>0</amiLaunchIndex><productCodes/>${el("instanceType", inst.instanceType ?? "t3.micro")}` +
    el("launchTime", iso(inst.launchTime ?? new Date(0))) +
    `<placement>${el("availabilityZone", region.azOf(inst))}<groupName/><tenancy>default</tenancy></placement>` +
    `<monitoring><state>disabled</state></monitoring>` +
    el("privateIpAddress", inst.privateIp) +
    el("ipAddress", inst.publicIp) +
    `<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>` +
    tagSetXml(inst.tags) +
    `<virtualizationType>hvm</virtualizationType><hypervisor>xen</hypervisor></item></instancesSet></item>`;
  region.instanceXml.set(inst, xml);
  return xml;
}

function instanceFilterValues(region: RegionIndex): Record<string, ValuesOf<Instance>> {
  return {
    "instance-id": (i) => i.id,
    "instance-state-name": (i) => stateOf(i),
    "instance-state-code": (i) => String(INSTANCE_STATE_CODES[stateOf(i)]),
    "availability-zone": (i) => region.azOf(i),
    "private-ip-address": (i) => i.privateIp,
    "ip-address": (i) => i.publicIp,
    "private-dns-name": (i) => i.privateDns,
    "dns-name": (i) => i.publicDns,
    "instance-type": (i) => i.instanceType ?? "t3.micro",
    "image-id": (i) => i.imageId,
  };
}

function describeInstances(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const ids = params.list("InstanceId");
  const max = validateMaxResults(params, ids.length > 0, "instancesSet");
  const candidates = ids.length > 0 ? lookupInstances(ids, region) : region.instances;
  const pred = compileFilters(params.filters(), instanceFilterValues(region), (i) => i.tags);
  const matched = candidates.filter(pred);
  const offset = offsetFrom("DescribeInstances", params);
  // Without MaxResults real EC2 returns everything in one response.
  const p = page("DescribeInstances", matched, offset, max ?? Number.MAX_SAFE_INTEGER);
  let inner = "<reservationSet>";
  for (const inst of p.items) inner += instanceItemXml(inst, region, ctx.accountId);
  inner += "</reservationSet>" + el("nextToken", p.next);
  return ec2Response("DescribeInstances", ctx.requestId, inner);
}

// ---------------------------------------------------------------------------
// Tags (of instances, the only resources the scenario tags)

interface TagRow {
  resourceId: string;
  key: string;
  value: string;
}

// Real EC2 caps every filter at 200 values.
const EC2_MAX_FILTER_VALUES = 200;

function describeTags(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const filters = params.filters();
  for (const f of filters) {
    if (f.values.length > EC2_MAX_FILTER_VALUES) throw invalidParam(`The filter '${f.name}' takes at most ${EC2_MAX_FILTER_VALUES} values`);
  }
  const max = validateMaxResults(params, false, "");
  // A resource-id filter looks the instances up instead of scanning the region, as EC2's index would.
  const byId = filters.find((f) => f.name === "resource-id");
  const candidates = byId
    ? byId.values.flatMap((id) => region.instanceById.get(id) ?? [])
    : region.instances;
  const rows: TagRow[] = [];
  for (const inst of candidates) {
    for (const [key, value] of Object.entries(inst.tags ?? {})) rows.push({ resourceId: inst.id, key, value });
  }
  const pred = compileFilters<TagRow>(
    filters,
    { "resource-id": (r) => r.resourceId, "resource-type": () => "instance", key: (r) => r.key, value: (r) => r.value },
    () => undefined,
  );
  const matched = rows.filter(pred);
  const offset = offsetFrom("DescribeTags", params);
  const p = page("DescribeTags", matched, offset, max ?? Number.MAX_SAFE_INTEGER);
  let inner = "<tagSet>";
  for (const r of p.items) {
    inner += `<item><resourceId>${r.resourceId}</resourceId><resourceType>instance</resourceType><key>${esc(r.key)}</key><value>${esc(r.value)}</value></item>`;
  }
  inner += "</tagSet>" + el("nextToken", p.next);
  return ec2Response("DescribeTags", ctx.requestId, inner);
}

// ---------------------------------------------------------------------------
// Regions

function describeRegions(params: QueryParams, ctx: RequestContext): WireResponse {
  const all = params.bool("AllRegions") ?? false;
  const names = params.list("RegionName");
  const scenarioRegions = ctx.index.scenario.regions;
  for (const n of names) {
    if (!(n in scenarioRegions)) throw invalidParam(`Invalid region: ${n}`);
  }
  const rows = Object.entries(scenarioRegions).map(([name, model]) => ({
    name,
    optIn: model.notOptedIn ? "not-opted-in" : model.optInNotRequired === false ? "opted-in" : "opt-in-not-required",
  }));
  const pred = compileFilters<{ name: string; optIn: string }>(
    params.filters(),
    { "region-name": (r) => r.name, "opt-in-status": (r) => r.optIn, endpoint: (r) => `ec2.${r.name}.amazonaws.com` },
    () => undefined,
  );
  const selected = rows.filter(
    (r) => (names.length > 0 ? names.includes(r.name) : all || r.optIn !== "not-opted-in") && pred(r),
  );
  let inner = "<regionInfo>";
  for (const r of selected) {
    inner += `<item><regionName>${esc(r.name)}</regionName><regionEndpoint>ec2.${esc(r.name)}.amazonaws.com</regionEndpoint><optInStatus>${r.optIn}</optInStatus></item>`;
  }
  inner += "</regionInfo>";
  return ec2Response("DescribeRegions", ctx.requestId, inner);
}

// ---------------------------------------------------------------------------
// Images

const IMAGE_ID_RE = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

function imageItemXml(img: Image, region: RegionIndex, accountId: string): string {
  let xml = region.imageXml.get(img);
  if (xml !== undefined) return xml;
  const owner = img.ownerId ?? accountId;
  xml =
    `<item><imageId>${img.id}</imageId><imageLocation>${esc(`${owner}/${img.name}`)}</imageLocation>` +
    `<imageState>${img.state}</imageState><imageOwnerId>${owner}</imageOwnerId>` +
    `<creationDate>${img.creationDate.toISOString()}</creationDate><isPublic>false</isPublic>` +
    `<architecture>x86_64</architecture><imageType>machine</imageType>` +
    el("sourceInstanceId", img.sourceInstanceId) +
    el("name", img.name) +
    el("description", img.description) +
    `<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/xvda</rootDeviceName>` +
    (img.snapshotId
      ? `<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><snapshotId>${esc(img.snapshotId)}</snapshotId>` +
        `<volumeSize>8</volumeSize><deleteOnTermination>true</deleteOnTermination><volumeType>gp3</volumeType></ebs></item></blockDeviceMapping>`
      : "<blockDeviceMapping/>") +
    `<virtualizationType>hvm</virtualizationType>` +
    tagSetXml(img.tags) +
    `<hypervisor>xen</hypervisor></item>`;
  region.imageXml.set(img, xml);
  return xml;
}

function describeImages(params: QueryParams, ctx: RequestContext): WireResponse {
  const region = ctx.regionIndex;
  const ids = params.list("ImageId");
  const owners = params.list("Owner");
  const max = validateMaxResults(params, ids.length > 0, "imageIdsSet");
  let candidates: readonly Image[];
  if (ids.length > 0) {
    for (const id of ids) {
      if (!IMAGE_ID_RE.test(id)) throw new AwsError(400, "InvalidAMIID.Malformed", `Invalid id: "${id}" (expecting "ami-...")`);
    }
    const missing = ids.filter((id) => !region.imageById.has(id));
    if (missing.length > 0) throw new AwsError(400, "InvalidAMIID.NotFound", `The image id '[${missing.join(", ")}]' does not exist`);
    candidates = [...new Set(ids)].map((id) => region.imageById.get(id) as Image);
  } else {
    candidates = region.images;
  }
  const account = ctx.accountId;
  const ownerOk =
    owners.length === 0
      ? () => true
      : (img: Image) => {
          const owner = img.ownerId ?? account;
          return owners.some((o) => (o === "self" ? owner === account : o === owner));
        };
  const includeDisabled = params.bool("IncludeDisabled") ?? false;
  const pred = compileFilters<Image>(
    params.filters(),
    {
      name: (i) => i.name,
      description: (i) => i.description,
      state: (i) => i.state,
      "image-id": (i) => i.id,
      "owner-id": (i) => i.ownerId ?? account,
      "source-instance-id": (i) => i.sourceInstanceId,
      "creation-date": (i) => i.creationDate.toISOString(),
      "block-device-mapping.snapshot-id": (i) => i.snapshotId,
      "image-type": () => "machine",
      "is-public": () => "false",
      architecture: () => "x86_64",
    },
    (i) => i.tags,
  );
  const matched = candidates.filter((img) => ownerOk(img) && (includeDisabled || img.state !== "disabled") && pred(img));
  const offset = offsetFrom("DescribeImages", params);
  const p = page("DescribeImages", matched, offset, max ?? Number.MAX_SAFE_INTEGER);
  let inner = "<imagesSet>";
  for (const img of p.items) inner += imageItemXml(img, region, account);
  inner += "</imagesSet>" + el("nextToken", p.next);
  return ec2Response("DescribeImages", ctx.requestId, inner);
}

// ---------------------------------------------------------------------------

/** Pre-renders every instance/status/image fragment of a region (for benchmarks: no cold first pass). */
export function warmEc2(region: RegionIndex, accountId: string): void {
  for (const inst of region.instances) {
    statusItemXml(inst, region);
    instanceItemXml(inst, region, accountId);
  }
  for (const img of region.images) imageItemXml(img, region, accountId);
}

export const EC2_ACTIONS: Record<string, (params: QueryParams, ctx: RequestContext) => WireResponse> = {
  DescribeInstanceStatus: describeInstanceStatus,
  DescribeInstances: describeInstances,
  DescribeTags: describeTags,
  DescribeRegions: describeRegions,
  DescribeImages: describeImages,
};

export const handleEc2 = dispatch("ec2", EC2_ACTIONS);
