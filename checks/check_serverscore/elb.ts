import { EC2Client, type Instance } from "@aws-sdk/client-ec2";
import { AwsConnection } from "../../src/aws/connect";
import { instanceHealth, isLoadBalancerNotFound } from "../../src/aws/elb";
import { awsErrorText } from "../../src/aws/errors";
import { resolveRegions } from "../../src/aws/region";
import { describeInstancesById } from "../../src/aws/ec2-instances";
import type { Context } from "../../src/context";
import { CheckError } from "../../src/errors";
import { State } from "../../src/state";
import type { AddressKind, FleetOptions } from "./fleet-options";

/**
 * --elb discovery: the InService instances of one classic load balancer (DescribeInstanceHealth), then
 * their addresses in one batched DescribeInstances. Loaded only when --elb is given, so local mode and
 * --host never pay for the SDK.
 */

export interface ElbMember {
  instanceId: string;
  /** The address asked for with --address; undefined when the instance has none (or was not found). */
  address?: string;
}

export interface ElbMembers {
  region: string;
  registered: number;
  inService: ElbMember[];
}

export async function elbMembers(elb: NonNullable<FleetOptions["elb"]>, ctx: Context): Promise<ElbMembers> {
  const conn = new AwsConnection(elb.aws, ctx);
  try {
    ctx.stage("resolving the region");
    const regions = await resolveRegions(conn, ctx);
    if (regions.length !== 1) throw new CheckError(`--elb: name one region (a classic load balancer lives in one), got ${regions.length}`);
    const region = regions[0];

    ctx.stage(`reading instance health of ${elb.name} (elasticloadbalancing:DescribeInstanceHealth)`);
    const states = await instanceHealth(conn, region, elb.name);
    const ids = states.filter((s) => s.state === "InService").map((s) => s.instanceId);
    if (ids.length === 0) return { region, registered: states.length, inService: [] };

    ctx.stage("reading instance addresses (ec2:DescribeInstances)");
    const ec2 = conn.client((c) => new EC2Client(c), region);
    const found = await describeInstancesById(ec2, ids, conn.sendOptions);
    return {
      region,
      registered: states.length,
      inService: ids.map((instanceId) => ({ instanceId, address: addressOf(found.get(instanceId), elb.address) })),
    };
  } catch (err) {
    if (err instanceof CheckError || ctx.signal.aborted) throw err;
    if (isLoadBalancerNotFound(err)) throw new CheckError(`load balancer '${elb.name}' not found`, State.CRITICAL);
    throw new CheckError(awsErrorText(err));
  }
}

function addressOf(instance: Instance | undefined, kind: AddressKind): string | undefined {
  if (instance === undefined) return undefined;
  const value = {
    "private-ip": instance.PrivateIpAddress,
    "public-ip": instance.PublicIpAddress,
    "private-dns": instance.PrivateDnsName,
    "public-dns": instance.PublicDnsName,
  }[kind];
  return value === undefined || value === "" ? undefined : value;
}
