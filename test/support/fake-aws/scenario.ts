/**
 * Scenario model of an AWS account (per-region EC2 instances, AMIs, classic
 * ELBs, SQS queues, plus the IMDS view of "this" instance) and deterministic
 * builders for large fleets.
 */
import type { AutoScalingGroup } from "./autoscaling-scenario";

export const DEFAULT_ACCOUNT_ID = "123456789012";

export type InstanceStateName = "pending" | "running" | "shutting-down" | "terminated" | "stopping" | "stopped";

export const INSTANCE_STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  "shutting-down": 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export type InstanceEventCode =
  | "instance-reboot"
  | "system-reboot"
  | "system-maintenance"
  | "instance-retirement"
  | "instance-stop";

export interface InstanceEvent {
  /** `instance-event-…`; derived deterministically from the instance id when absent. */
  id?: string;
  code: InstanceEventCode;
  description: string;
  notBefore: Date;
  notAfter?: Date;
  notBeforeDeadline?: Date;
}

/** Summary status of a DescribeInstanceStatus check (system, instance, attached EBS). */
export type StatusSummary = "ok" | "impaired" | "insufficient-data" | "not-applicable" | "initializing";

/** Status of one detail of a check; EC2 names its only detail `reachability`. */
export type StatusDetailStatus = "passed" | "failed" | "insufficient-data" | "initializing";

export interface StatusDetail {
  name: string;
  status: StatusDetailStatus;
  /** Set by EC2 when the detail failed. */
  impairedSince?: Date;
}

/**
 * One status check as the scenario gives it: a bare summary (its `reachability` detail is derived from
 * it, with `impairedSince` = the instance's launchTime when impaired), or the summary with `impairedSince`
 * for that derived detail, or the summary with its details spelled out.
 */
export type StatusCheck = StatusSummary | { status: StatusSummary; impairedSince?: Date; details?: StatusDetail[] };

export interface Instance {
  id: string;
  /** Default "running". */
  state?: InstanceStateName;
  tags?: Record<string, string>;
  privateIp?: string;
  publicIp?: string;
  privateDns?: string;
  publicDns?: string;
  /** Default `<region>a`. */
  availabilityZone?: string;
  events?: InstanceEvent[];
  /** Default "ok" when running, "initializing" when pending, otherwise "not-applicable". */
  systemStatus?: StatusCheck;
  instanceStatus?: StatusCheck;
  /** The attached-EBS check: same default; `null` leaves it out of the answer (instance types without it). */
  attachedEbsStatus?: StatusCheck | null;
  instanceType?: string;
  imageId?: string;
  launchTime?: Date;
}

export type ImageState = "pending" | "available" | "invalid" | "deregistered" | "transient" | "failed" | "error" | "disabled";

export interface Image {
  id: string;
  name: string;
  state: ImageState;
  creationDate: Date;
  sourceInstanceId?: string;
  tags?: Record<string, string>;
  /** Default: the scenario's account id (i.e. an image owned by "self"). */
  ownerId?: string;
  description?: string;
  /** Root EBS snapshot id (rendered in blockDeviceMapping). */
  snapshotId?: string;
}

export type ElbInstanceState = "InService" | "OutOfService" | "Unknown";

export interface LoadBalancerMember {
  id: string;
  state: ElbInstanceState;
  reasonCode?: "ELB" | "Instance" | "N/A";
  description?: string;
}

export interface LoadBalancer {
  name: string;
  instances: LoadBalancerMember[];
  dnsName?: string;
  availabilityZones?: string[];
  healthCheckTarget?: string;
  createdTime?: Date;
}

/** ELBv2 target health states (API_TargetHealth). */
export type TargetHealthState = "initial" | "healthy" | "unhealthy" | "unhealthy.draining" | "unused" | "draining" | "unavailable";

export type TargetType = "instance" | "ip" | "lambda" | "alb";

export interface Target {
  /** Instance id, IP address, Lambda ARN or ALB ARN, by the group's target type. */
  id: string;
  /** Default: the target group's port (none for lambda). */
  port?: number;
  availabilityZone?: string;
  state: TargetHealthState;
  /** Default per state (e.g. `Target.FailedHealthChecks` for unhealthy); healthy targets have none. */
  reason?: string;
  description?: string;
}

export interface TargetGroup {
  name: string;
  /** Default "instance". */
  targetType?: TargetType;
  /** Default "HTTP" and 80. */
  protocol?: string;
  port?: number;
  /** Names of the ALB/NLB/GWLB (`loadBalancersV2`) that route to this group. */
  loadBalancers?: string[];
  targets: Target[];
}

export type LoadBalancerV2Type = "application" | "network" | "gateway";

/** An Application, Network or Gateway Load Balancer. */
export interface LoadBalancerV2 {
  name: string;
  /** Default "application". */
  type?: LoadBalancerV2Type;
  /** Default "active". */
  state?: "active" | "provisioning" | "active_impaired" | "failed";
  scheme?: "internet-facing" | "internal";
  createdTime?: Date;
}

export interface Queue {
  name: string;
  visible?: number;
  inFlight?: number;
  delayed?: number;
  redrive?: { deadLetterTargetName: string; maxReceiveCount: number };
  /** Extra/overriding attributes returned by GetQueueAttributes (values are strings, as in SQS). */
  attributes?: Record<string, string>;
}

export interface RegionModel {
  instances?: Instance[];
  images?: Image[];
  loadBalancers?: LoadBalancer[];
  /** ELBv2: target groups and the ALB/NLB/GWLB they belong to. */
  targetGroups?: TargetGroup[];
  loadBalancersV2?: LoadBalancerV2[];
  queues?: Queue[];
  autoScalingGroups?: AutoScalingGroup[];
  /** DescribeRegions optInStatus: true/absent ⇒ "opt-in-not-required", false ⇒ "opted-in". */
  optInNotRequired?: boolean;
  /** Region exists but is not enabled: only listed by DescribeRegions with AllRegions=true. */
  notOptedIn?: boolean;
}

export interface ImdsEvent {
  code: InstanceEventCode;
  description: string;
  notBefore: Date;
  notAfter?: Date;
  eventId?: string;
  /** "active" events are served under /scheduled, "completed"/"canceled" under /history. Default "active". */
  state?: "active" | "completed" | "canceled";
}

export interface ImdsModel {
  region: string;
  instanceId: string;
  /** Default `<region>a`. */
  availabilityZone?: string;
  scheduledEvents?: ImdsEvent[];
  /** Allow IMDSv1 (GET without token). Default false: a token is required (401 otherwise). */
  allowV1?: boolean;
  /** An instance profile: its role name and the keys IMDS hands out for it (`iam/security-credentials/`). */
  instanceProfile?: { role: string; accessKeyId: string; secretAccessKey: string };
}

export interface Scenario {
  /** Default "123456789012". */
  accountId?: string;
  regions: Record<string, RegionModel>;
  /** Absent ⇒ every IMDS path answers 404. */
  imds?: ImdsModel;
}

// ---------------------------------------------------------------------------
// Deterministic ids

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/** `i-` + 17 hex digits, e.g. instanceId(1) = "i-00000000000000001". */
export function instanceId(n: number): string {
  return "i-" + hex(n, 17);
}

/** `ami-` + 17 hex digits. */
export function imageId(n: number): string {
  return "ami-" + hex(n, 17);
}

export function snapshotId(n: number): string {
  return "snap-" + hex(n, 17);
}

/** Deterministic `instance-event-` id for the k-th event of an instance. */
export function eventIdFor(instId: string, k: number): string {
  let h = 0x811c9dc5;
  const s = `${instId}#${k}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const tail = instId.replace(/^i-/, "").slice(-9).padStart(9, "0");
  return "instance-event-" + hex(h, 8) + tail;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// ---------------------------------------------------------------------------
// Fleet builder

export interface FleetOptions {
  /** Used for default AZs and DNS names. Default "us-east-1". */
  region?: string;
  count: number;
  /** Name-tag prefix: Name = `${prefix}-${index}` (1-based). Default "host". */
  prefix?: string;
  /** Numeric id of the first instance (instanceId(idStart)). Default 1. Use distinct ranges per region. */
  idStart?: number;
  /** State of every instance, or per index (0-based). Default "running". */
  state?: InstanceStateName | ((index: number) => InstanceStateName);
  /** Every n-th instance (index % n === 0, 0-based) gets one event from eventFactory (default: a system-reboot). */
  eventEvery?: number;
  /** Events for instance `index`; called for every instance when eventEvery is absent, else only for selected ones. */
  eventFactory?: (index: number, id: string) => InstanceEvent | InstanceEvent[] | undefined;
  /** Extra tags, fixed or per index. The Name tag is always set. */
  tags?: Record<string, string> | ((index: number) => Record<string, string>);
  /** AZs to distribute instances over round-robin. Default [`${region}a`, `${region}b`, `${region}c`]. */
  availabilityZones?: string[];
  /** Reference time for default events (notBefore = now + 3 days + index%24 h). Default: current time, rounded down to the hour. */
  now?: Date;
  /** Give every instance a public IP/DNS. Default false. */
  publicIps?: boolean;
  /** Status checks of instance `index` (0-based); absent or undefined = the defaults of its state. */
  statusChecks?: (index: number) => Pick<Instance, "systemStatus" | "instanceStatus" | "attachedEbsStatus"> | undefined;
}

/** Default event used by makeFleet when eventEvery is set without eventFactory. */
export function defaultEvent(index: number, now: Date): InstanceEvent {
  const notBefore = new Date(now.getTime() + 3 * DAY_MS + (index % 24) * HOUR_MS);
  return {
    code: "system-reboot",
    description: "scheduled reboot",
    notBefore,
    notAfter: new Date(notBefore.getTime() + 2 * HOUR_MS),
    notBeforeDeadline: new Date(notBefore.getTime() + 14 * DAY_MS),
  };
}

function roundedNow(): Date {
  return new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
}

export function makeFleet(opts: FleetOptions): Instance[] {
  const region = opts.region ?? "us-east-1";
  const prefix = opts.prefix ?? "host";
  const start = opts.idStart ?? 1;
  const azs = opts.availabilityZones ?? [`${region}a`, `${region}b`, `${region}c`];
  const now = opts.now ?? roundedNow();
  const dnsSuffix = region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
  const out: Instance[] = new Array(opts.count);
  for (let i = 0; i < opts.count; i++) {
    const n = start + i;
    const id = instanceId(n);
    const ipTail = `${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    const privateIp = `10.${ipTail}`;
    const extraTags = typeof opts.tags === "function" ? opts.tags(i) : opts.tags;
    const inst: Instance = {
      id,
      state: typeof opts.state === "function" ? opts.state(i) : (opts.state ?? "running"),
      tags: { Name: `${prefix}-${i + 1}`, ...extraTags },
      privateIp,
      privateDns: `ip-${privateIp.replace(/\./g, "-")}.${dnsSuffix}`,
      availabilityZone: azs[i % azs.length],
      instanceType: "t3.micro",
      launchTime: new Date(now.getTime() - 30 * DAY_MS),
    };
    if (opts.publicIps) {
      inst.publicIp = `198.${ipTail}`;
      inst.publicDns = `ec2-198-${ipTail.replace(/\./g, "-")}.compute-1.amazonaws.com`;
    }
    let events: InstanceEvent | InstanceEvent[] | undefined;
    if (opts.eventEvery !== undefined) {
      if (opts.eventEvery > 0 && i % opts.eventEvery === 0) {
        events = opts.eventFactory ? opts.eventFactory(i, id) : defaultEvent(i, now);
      }
    } else if (opts.eventFactory) {
      events = opts.eventFactory(i, id);
    }
    if (events !== undefined) inst.events = Array.isArray(events) ? events : [events];
    const checks = opts.statusChecks?.(i);
    if (checks !== undefined) Object.assign(inst, checks);
    out[i] = inst;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Images

export interface ImagesForOptions {
  /** Images per instance. Default 10. */
  perInstance?: number;
  /** Numeric id of the first AMI. Default 1. */
  idStart?: number;
  /** Newest image creation time; older ones go back `intervalHours` each. Default: now rounded to the hour. */
  now?: Date;
  /** Default 24 (one image a day). */
  intervalHours?: number;
  state?: ImageState | ((instanceIndex: number, k: number) => ImageState);
  /** Owner account (default: scenario account ⇒ "self"). */
  ownerId?: string;
  /** Set Image.sourceInstanceId (default true). */
  withSourceInstanceId?: boolean;
  /** Extra tags per image. */
  tags?: (instance: Instance, k: number) => Record<string, string>;
}

function ymd(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, "");
}

/**
 * `perInstance` AMIs for every instance, named `<Name tag or id>-YYYYMMDD[-k]`,
 * newest first, with `SourceInstance` tag and (by default) sourceInstanceId.
 */
export function makeImagesFor(instances: readonly Instance[], opts: ImagesForOptions = {}): Image[] {
  const per = opts.perInstance ?? 10;
  const interval = (opts.intervalHours ?? 24) * HOUR_MS;
  const now = opts.now ?? roundedNow();
  let n = opts.idStart ?? 1;
  const out: Image[] = [];
  instances.forEach((inst, ii) => {
    const base = inst.tags?.Name ?? inst.id;
    for (let k = 0; k < per; k++) {
      const created = new Date(now.getTime() - k * interval);
      const suffix = interval >= DAY_MS ? ymd(created) : `${ymd(created)}-${k}`;
      const img: Image = {
        id: imageId(n),
        name: `${base}-${suffix}`,
        state: typeof opts.state === "function" ? opts.state(ii, k) : (opts.state ?? "available"),
        creationDate: created,
        tags: { SourceInstance: inst.id, ...(opts.tags ? opts.tags(inst, k) : {}) },
        description: `Backup of ${base}`,
        snapshotId: snapshotId(n),
      };
      if (opts.withSourceInstanceId !== false) img.sourceInstanceId = inst.id;
      if (opts.ownerId !== undefined) img.ownerId = opts.ownerId;
      out.push(img);
      n++;
    }
  });
  return out;
}

export interface ImagesOptions {
  count: number;
  /** Name prefix. Default "image". */
  prefix?: string;
  idStart?: number;
  now?: Date;
  state?: ImageState;
  ownerId?: string;
}

/** `count` unrelated AMIs named `<prefix>-<n>`, one hour apart, newest first. */
export function makeImages(opts: ImagesOptions): Image[] {
  const now = opts.now ?? roundedNow();
  const start = opts.idStart ?? 1;
  const out: Image[] = new Array(opts.count);
  for (let i = 0; i < opts.count; i++) {
    const img: Image = {
      id: imageId(start + i),
      name: `${opts.prefix ?? "image"}-${i + 1}`,
      state: opts.state ?? "available",
      creationDate: new Date(now.getTime() - i * HOUR_MS),
    };
    if (opts.ownerId !== undefined) img.ownerId = opts.ownerId;
    out[i] = img;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Load balancers

export interface LoadBalancersOptions {
  count: number;
  /** Name = `${prefix}-${n}` (1-based). Default "lb". */
  prefix?: string;
  /** Instances to register, distributed round-robin `instancesPerLb` at a time. */
  instances?: readonly Instance[];
  /** Default 2. */
  instancesPerLb?: number;
  /** Member state for LB index i (0-based), member k. Default "InService". */
  memberState?: (lbIndex: number, memberIndex: number) => ElbInstanceState;
  region?: string;
}

export function makeLoadBalancers(opts: LoadBalancersOptions): LoadBalancer[] {
  const per = opts.instancesPerLb ?? 2;
  const pool = opts.instances ?? [];
  const region = opts.region ?? "us-east-1";
  const out: LoadBalancer[] = new Array(opts.count);
  let cursor = 0;
  for (let i = 0; i < opts.count; i++) {
    const members: LoadBalancerMember[] = [];
    if (pool.length > 0) {
      for (let k = 0; k < per; k++) {
        const inst = pool[cursor % pool.length] as Instance;
        cursor++;
        members.push({ id: inst.id, state: opts.memberState ? opts.memberState(i, k) : "InService" });
      }
    }
    out[i] = {
      name: `${opts.prefix ?? "lb"}-${i + 1}`,
      instances: members,
      availabilityZones: [`${region}a`, `${region}b`],
    };
  }
  return out;
}

// ---------------------------------------------------------------------------
// ELBv2 target groups

/** 16 hex digits derived from a name: the resource-id part of an ELBv2 ARN. */
export function elbv2ResourceId(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < name.length; i++) {
    h1 = Math.imul(h1 ^ name.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ name.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  return hex(h1, 8) + hex(h2, 8);
}

/** `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>` */
export function targetGroupArn(name: string, region = "us-east-1", accountId = DEFAULT_ACCOUNT_ID): string {
  return `arn:aws:elasticloadbalancing:${region}:${accountId}:targetgroup/${name}/${elbv2ResourceId(name)}`;
}

const LB_ARN_KIND: Record<LoadBalancerV2Type, string> = { application: "app", network: "net", gateway: "gwy" };

/** `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>` (`net`, `gwy` by type) */
export function loadBalancerV2Arn(name: string, type: LoadBalancerV2Type = "application", region = "us-east-1", accountId = DEFAULT_ACCOUNT_ID): string {
  return `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/${LB_ARN_KIND[type]}/${name}/${elbv2ResourceId(name)}`;
}

export interface TargetGroupsOptions {
  count: number;
  /** Name = `${prefix}-${n}` (1-based). Default "tg". */
  prefix?: string;
  /** Instances registered round-robin, `targetsPerGroup` at a time (instance targets, port 80). */
  instances?: readonly Instance[];
  /** Default 2. */
  targetsPerGroup?: number;
  /** State of target k of group i (0-based). Default "healthy". */
  targetState?: (groupIndex: number, targetIndex: number) => TargetHealthState;
  /** The load balancer(s) of group i; default none. */
  loadBalancers?: (groupIndex: number) => string[];
}

export function makeTargetGroups(opts: TargetGroupsOptions): TargetGroup[] {
  const per = opts.targetsPerGroup ?? 2;
  const pool = opts.instances ?? [];
  const out: TargetGroup[] = new Array(opts.count);
  let cursor = 0;
  for (let i = 0; i < opts.count; i++) {
    const targets: Target[] = [];
    if (pool.length > 0) {
      for (let k = 0; k < per; k++) {
        const inst = pool[cursor % pool.length] as Instance;
        cursor++;
        targets.push({ id: inst.id, port: 80, availabilityZone: inst.availabilityZone, state: opts.targetState ? opts.targetState(i, k) : "healthy" });
      }
    }
    out[i] = { name: `${opts.prefix ?? "tg"}-${i + 1}`, targets, loadBalancers: opts.loadBalancers?.(i) ?? [] };
  }
  return out;
}

// ---------------------------------------------------------------------------
// Queues

export interface QueuesOptions {
  count: number;
  /** Name = `${prefix}-${n}`. Default "queue". */
  prefix?: string;
  /** Give every queue a DLQ `<name>-dlq` (added to the output). */
  withDlq?: boolean;
  maxReceiveCount?: number;
  depth?: (index: number) => Pick<Queue, "visible" | "inFlight" | "delayed">;
}

export function makeQueues(opts: QueuesOptions): Queue[] {
  const out: Queue[] = [];
  for (let i = 0; i < opts.count; i++) {
    const name = `${opts.prefix ?? "queue"}-${i + 1}`;
    const q: Queue = { name, visible: 0, inFlight: 0, delayed: 0, ...(opts.depth ? opts.depth(i) : {}) };
    if (opts.withDlq) {
      q.redrive = { deadLetterTargetName: `${name}-dlq`, maxReceiveCount: opts.maxReceiveCount ?? 5 };
      out.push(q, { name: `${name}-dlq`, visible: 0, inFlight: 0, delayed: 0 });
    } else {
      out.push(q);
    }
  }
  return out;
}
