import type { Context } from "../../src/context";
import { CheckError } from "../../src/errors";
import { type Finding, makeReport, type Report } from "../../src/report";
import { acrossRegions, regionsOf } from "../../src/aws/regions";
import { isSafeHost } from "../../src/ssh";
import { State } from "../../src/state";
import type { Thresholds } from "../../src/thresholds";
import { readAnswer } from "./answer";
import type { FleetOptions } from "./fleet-options";
import { fleetReport, type HostResult, type Target } from "./judge";
import type { ScorePort } from "./source";

/** An instance found through --elb or --asg. */
interface FoundInstance {
  instanceId: string;
  /** The address asked for with --address; undefined when the instance has none (or was not found). */
  address?: string;
}

// Every ssh still running this long before the deadline is killed, which leaves time to judge the
// others and print the report before the run's own timeout (which would say nothing about the hosts).
const KILL_MARGIN_MS = 300;

/** Fleet mode: find the hosts (--host, --elb, --asg), run the probe on each over SSH, judge the scores. */
export async function runFleet(fleet: FleetOptions, thresholds: Thresholds, port: ScorePort, ctx: Context): Promise<Report> {
  const targets: Target[] = fleet.hosts.map((host) => ({ label: host, address: host }));
  const unusable = new Map<Target, string>();
  const fleetFindings: Finding[] = [];
  // An instance found twice (behind the ELB and in the group) is probed once.
  const addMember = (member: FoundInstance, kind: string) => {
    if (targets.some((t) => t.address !== undefined && t.address === member.address)) return;
    const target = instanceTarget(member);
    targets.push(target);
    const problem = addressProblem(member, kind);
    if (problem !== undefined) unusable.set(target, problem);
  };

  if (fleet.elb !== undefined) {
    const elb = await elbMembers(fleet.elb, port, ctx);
    if (elb.inService.length === 0) {
      fleetFindings.push({ state: State.CRITICAL, text: `ELB ${fleet.elb.name}: no InService instance (${elb.registered} registered, region ${elb.region})` });
    }
    for (const member of elb.inService) addMember(member, fleet.elb.address);
  }
  if (fleet.asg !== undefined) {
    const asg = await asgMembers(fleet.asg, port, ctx);
    for (const name of fleet.asg.names) {
      const members = asg.groups.get(name);
      if (members === undefined) fleetFindings.push({ state: State.CRITICAL, text: `ASG ${name}: no Auto Scaling group of that name in ${asg.region}` });
      else if (members.length === 0) fleetFindings.push({ state: State.CRITICAL, text: `ASG ${name}: no InService instance (region ${asg.region})` });
      for (const member of members ?? []) addMember(member, fleet.asg.address);
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
    scope: [...(fleet.elb ? [`ELB ${fleet.elb.name}`] : []), ...(fleet.asg ? [`ASG ${fleet.asg.names.join(", ")}`] : [])].join(", ") || undefined,
    fleetFindings,
  });
}

function instanceTarget(member: FoundInstance): Target {
  return { label: member.address ?? member.instanceId, address: member.address, instanceId: member.instanceId };
}

/** Why an InService instance cannot be probed, or undefined when its address is fine. */
function addressProblem(member: FoundInstance, kind: string): string | undefined {
  if (member.address === undefined) return `not probed: DescribeInstances gave no ${kind} for it`;
  // Addresses come from the AWS API, but they reach ssh all the same: the same rule as --host.
  if (!isSafeHost(member.address)) return `not probed: its ${kind} '${member.address}' is not a host name or address`;
  return undefined;
}

/**
 * --asg discovery: the InService instances of each group (one DescribeAutoScalingGroups call per 100
 * names), then their addresses in one DescribeInstances call per 200 instances.
 */
async function asgMembers(asg: NonNullable<FleetOptions["asg"]>, port: ScorePort, ctx: Context) {
  if (port.asg === undefined) throw new CheckError("--asg: no AWS connection");
  const regions = await regionsOf(port.asg, ctx);
  if (regions.length !== 1) throw new CheckError(`--asg: name one region (an Auto Scaling group lives in one), got ${regions.length}`);
  const read = await acrossRegions(port.asg, ctx, async (source, region) => {
    ctx.stage("reading Auto Scaling groups (autoscaling:DescribeAutoScalingGroups)");
    const inService = await source.inService(asg.names);
    const ids = [...new Set([...inService.values()].flatMap((i) => i ?? []))];
    ctx.stage("reading instance addresses (ec2:DescribeInstances)");
    const addresses = ids.length > 0 ? await source.addresses(ids, asg.address) : new Map<string, string | undefined>();
    const groups = new Map(
      [...inService].map(([name, members]) => [name, members?.map((instanceId): FoundInstance => ({ instanceId, address: addresses.get(instanceId) }))]),
    );
    return { region, groups };
  }, regions);
  return read.results[0].value;
}

/** --elb discovery: the InService instances of one classic load balancer, then their addresses. */
async function elbMembers(elb: NonNullable<FleetOptions["elb"]>, port: ScorePort, ctx: Context) {
  if (port.elb === undefined) throw new CheckError("--elb: no AWS connection");
  const regions = await regionsOf(port.elb, ctx);
  if (regions.length !== 1) throw new CheckError(`--elb: name one region (a classic load balancer lives in one), got ${regions.length}`);
  const read = await acrossRegions(port.elb, ctx, async (source, region) => {
    ctx.stage(`reading instance health of ${elb.name} (elasticloadbalancing:DescribeInstanceHealth)`);
    const states = await source.health(elb.name);
    if (states === undefined) throw new CheckError(`load balancer '${elb.name}' not found`, State.CRITICAL);
    const ids = states.filter((s) => s.state === "InService").map((s) => s.instanceId);
    if (ids.length === 0) return { region, registered: states.length, inService: [] as FoundInstance[] };
    ctx.stage("reading instance addresses (ec2:DescribeInstances)");
    const addresses = await source.addresses(ids, elb.address);
    return { region, registered: states.length, inService: ids.map((instanceId): FoundInstance => ({ instanceId, address: addresses.get(instanceId) })) };
  }, regions);
  return read.results[0].value;
}
