import type { Context } from "../../src/context";
import { CheckError } from "../../src/errors";
import { type Finding, makeReport, type Report } from "../../src/report";
import { acrossRegions, type RegionalPort, regionsOf } from "../../src/aws/regions";
import { isSafeHost } from "../../src/ssh";
import { State } from "../../src/state";
import type { Thresholds } from "../../src/thresholds";
import { readAnswer } from "./answer";
import type { FleetOptions } from "./fleet-options";
import { fleetReport, type HostResult, type Target } from "./judge";
import type { AddressKind, ScorePort } from "./source";

/** A host found through AWS: an instance (--elb, --asg, an instance target group) or an `ip` target. */
interface Member {
  /** The instance behind it; undefined for an `ip` target. */
  instanceId?: string;
  /** What ssh connects to: the --address of an instance, an ip target's own; undefined when it has none. */
  address?: string;
}

/** The hosts one --elb, --target-group or --asg gives. */
interface Found {
  /** Names it in the summary: `ELB web`, `target group api`, `ASG web-asg, batch-asg`. */
  scope: string;
  /** The address kind asked for (--address), to name it when a member has none. */
  kind: AddressKind;
  /** InService instances, healthy targets. */
  members: Member[];
  /** Fleet findings: a load balancer, target group or group that gives no host, and where. */
  problems: string[];
}

// Every ssh still running this long before the deadline is killed, which leaves time to judge the
// others and print the report before the run's own timeout (which would say nothing about the hosts).
const KILL_MARGIN_MS = 300;

/** Fleet mode: find the hosts (--host, --elb, --target-group, --asg), run the probe on each over SSH, judge the scores. */
export async function runFleet(fleet: FleetOptions, thresholds: Thresholds, port: ScorePort, ctx: Context): Promise<Report> {
  const targets: Target[] = fleet.hosts.map((host) => ({ label: host, address: host }));
  const unusable = new Map<Target, string>();
  const fleetFindings: Finding[] = [];

  const found: Found[] = [];
  if (fleet.elb !== undefined) found.push(await elbMembers(fleet.elb, port, ctx));
  if (fleet.targetGroup !== undefined) found.push(await targetGroupMembers(fleet.targetGroup, port, ctx));
  if (fleet.asg !== undefined) found.push(await asgMembers(fleet.asg, port, ctx));
  for (const source of found) {
    for (const text of source.problems) fleetFindings.push({ state: State.CRITICAL, text });
    for (const member of source.members) {
      // A host found twice (given with --host, behind the ELB and in the group) is probed once.
      if (targets.some((t) => t.address !== undefined && t.address === member.address)) continue;
      const target = memberTarget(member);
      targets.push(target);
      const problem = addressProblem(member, source.kind);
      if (problem !== undefined) unusable.set(target, problem);
    }
  }
  if (targets.length === 0 && fleetFindings.length > 0) {
    // Nothing to probe: the fleet's own problems are the whole answer.
    return makeReport({
      state: State.CRITICAL,
      summary: fleetFindings.map((f) => f.text).join("; "),
      metrics: [
        { label: "hosts", value: 0, min: 0 },
        { label: "unreachable", value: 0, min: 0 },
      ],
    });
  }

  const probed = targets.filter((t) => !unusable.has(t));
  ctx.stage(`probing ${probed.length} host(s) over SSH`);
  const outcomes = await port.ssh(
    probed.map((t) => t.address as string),
    fleet.ssh,
    fleet.command,
    {
      killAt: ctx.deadline - KILL_MARGIN_MS,
      signal: ctx.signal,
      concurrency: fleet.concurrency,
      env: ctx.env,
      onStart: (_host, argv) => ctx.debug(3, `ssh ${argv.join(" ")}`),
    },
  );
  const spawnError = outcomes.find((o) => o.spawnError !== undefined)?.spawnError;
  if (spawnError !== undefined) throw new CheckError(`cannot run ssh: ${spawnError}`);
  for (const o of outcomes) ctx.debug(2, `${o.host}: ssh exit ${o.exitCode ?? (o.killed ? "killed" : "-")} after ${o.ms} ms`);

  const byTarget = new Map(probed.map((t, i) => [t, outcomes[i]]));
  const results: HostResult[] = targets.map((target) => {
    const outcome = byTarget.get(target);
    return {
      target,
      answer: outcome === undefined
        ? { problem: "no-address", text: unusable.get(target) as string }
        : readAnswer(outcome, ctx.timeoutSeconds),
    };
  });
  return fleetReport(results, {
    thresholds,
    unreachable: fleet.unreachable,
    aggregate: fleet.aggregate,
    scope: found.map((f) => f.scope).join(", ") || undefined,
    fleetFindings,
  });
}

function memberTarget(member: Member): Target {
  return { label: member.address ?? member.instanceId ?? "?", address: member.address, instanceId: member.instanceId };
}

/** Why an InService instance or healthy target cannot be probed, or undefined when its address is fine. */
function addressProblem(member: Member, kind: string): string | undefined {
  if (member.address === undefined) return `not probed: DescribeInstances gave no ${kind} for it`;
  // Addresses come from the AWS API, but they reach ssh all the same: the same rule as --host.
  if (!isSafeHost(member.address)) return `not probed: its ${kind} '${member.address}' is not a host name or address`;
  return undefined;
}

/** --elb discovery: the InService instances of one classic load balancer, then their addresses. */
function elbMembers(elb: NonNullable<FleetOptions["elb"]>, port: ScorePort, ctx: Context): Promise<Found> {
  return inOneRegion("--elb", "a load balancer", port.elb, ctx, async (source, region) => {
    ctx.stage(`reading instance health of ${elb.name} (elasticloadbalancing:DescribeInstanceHealth)`);
    const states = await source.health(elb.name);
    if (states === undefined) throw new CheckError(`load balancer '${elb.name}' not found`, State.CRITICAL);
    const ids = states.filter((s) => s.state === "InService").map((s) => s.instanceId);
    const addresses = await addressesOf(source, ids, elb.address, ctx);
    const members = ids.map((instanceId): Member => ({ instanceId, address: addresses.get(instanceId) }));
    const problems = members.length > 0 ? [] : [`ELB ${elb.name}: no InService instance (${states.length} registered, region ${region})`];
    return { scope: `ELB ${elb.name}`, kind: elb.address, members, problems };
  });
}

/**
 * --target-group discovery: the healthy targets of one ALB/NLB/GWLB target group. An `ip` target is
 * probed at that address; an instance target at the --address of the instance.
 */
function targetGroupMembers(tg: NonNullable<FleetOptions["targetGroup"]>, port: ScorePort, ctx: Context): Promise<Found> {
  return inOneRegion("--target-group", "a load balancer", port.elb, ctx, async (source, region) => {
    ctx.stage(`reading target health of ${tg.ref.name} (elasticloadbalancing:DescribeTargetHealth)`);
    const read = await source.targetGroup(tg.ref);
    if (read === undefined) throw new CheckError(`target group '${tg.ref.arn ?? tg.ref.name}' not found`, State.CRITICAL);
    if (read.targetType !== "instance" && read.targetType !== "ip") {
      throw new CheckError(`--target-group ${tg.ref.name}: its targets are ${read.targetType} targets, which have no host to probe over SSH`);
    }
    const healthy = read.targets.filter((t) => t.state === "healthy").map((t) => t.id);
    const byIp = read.targetType === "ip";
    const addresses = byIp ? new Map<string, string | undefined>() : await addressesOf(source, healthy, tg.address, ctx);
    const members = healthy.map((id): Member => (byIp ? { address: id } : { instanceId: id, address: addresses.get(id) }));
    const problems = members.length > 0 ? [] : [`target group ${read.name}: no healthy target (${read.targets.length} registered, region ${region})`];
    return { scope: `target group ${read.name}`, kind: tg.address, members, problems };
  });
}

/**
 * --asg discovery: the InService instances of each group (one DescribeAutoScalingGroups call per 100
 * names), then their addresses in one DescribeInstances call per 200 instances.
 */
function asgMembers(asg: NonNullable<FleetOptions["asg"]>, port: ScorePort, ctx: Context): Promise<Found> {
  return inOneRegion("--asg", "an Auto Scaling group", port.asg, ctx, async (source, region) => {
    ctx.stage("reading Auto Scaling groups (autoscaling:DescribeAutoScalingGroups)");
    const inService = await source.inService(asg.names);
    const ids = [...new Set([...inService.values()].flatMap((i) => i ?? []))];
    const addresses = await addressesOf(source, ids, asg.address, ctx);
    const problems: string[] = [];
    for (const name of asg.names) {
      const group = inService.get(name);
      if (group === undefined) problems.push(`ASG ${name}: no Auto Scaling group of that name in ${region}`);
      else if (group.length === 0) problems.push(`ASG ${name}: no InService instance (region ${region})`);
    }
    const members = ids.map((instanceId): Member => ({ instanceId, address: addresses.get(instanceId) }));
    return { scope: `ASG ${asg.names.join(", ")}`, kind: asg.address, members, problems };
  });
}

/** Runs `find` in the one region a load balancer, target group or Auto Scaling group lives in. */
async function inOneRegion<S>(
  option: string,
  what: string,
  port: RegionalPort<S> | undefined,
  ctx: Context,
  find: (source: S, region: string) => Promise<Found>,
): Promise<Found> {
  if (port === undefined) throw new CheckError(`${option}: no AWS connection`);
  const regions = await regionsOf(port, ctx);
  if (regions.length !== 1) throw new CheckError(`${option}: name one region (${what} lives in one), got ${regions.length}`);
  const read = await acrossRegions(port, ctx, find, regions);
  return read.results[0].value;
}

async function addressesOf(
  source: { addresses(ids: string[], kind: AddressKind): Promise<Map<string, string | undefined>> },
  ids: string[],
  kind: AddressKind,
  ctx: Context,
): Promise<Map<string, string | undefined>> {
  if (ids.length === 0) return new Map();
  ctx.stage("reading instance addresses (ec2:DescribeInstances)");
  return source.addresses(ids, kind);
}
