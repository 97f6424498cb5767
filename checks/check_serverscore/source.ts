import type { InstanceHealth } from "../../src/aws/elb";
import type { Elbv2Ref } from "../../src/aws/elbv2-name";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import type { Context } from "../../src/context";
import type { SshOutcome, SshRunLimits, SshSettings } from "../../src/ssh";
import { type HostPort, thisHost } from "../serverscore/source";

export type AddressKind = "private-ip" | "public-ip" | "private-dns" | "public-dns";

/** A classic load balancer's side of fleet mode, in one region. */
export interface ElbSource {
  /** DescribeInstanceHealth of every registered instance; undefined when there is no such load balancer. */
  health(name: string): Promise<InstanceHealth[] | undefined>;
  /** Each instance's address of that kind (undefined when it has none, or is gone). */
  addresses(instanceIds: string[], kind: AddressKind): Promise<Map<string, string | undefined>>;
  /** A target group's type and every target's health (DescribeTargetHealth); undefined when there is no such group. */
  targetGroup(ref: Elbv2Ref): Promise<{ name: string; targetType: string; targets: { id: string; state: string }[] } | undefined>;
}

/** What check_serverscore reads: this host, or other hosts over SSH, found by name or through an ELB. */
export interface ScorePort {
  host: HostPort;
  /** Only with --elb or --target-group. */
  elb?: RegionalPort<ElbSource>;
  ssh(hosts: readonly string[], settings: SshSettings, command: string[], limits: SshRunLimits): Promise<SshOutcome[]>;
}

/**
 * The real port. Everything past this host loads on first use: local mode never evaluates the SSH runner
 * or any AWS code, and --host never the AWS SDK.
 */
export function connectScore(elbSettings: AwsSettings | undefined, ctx: Context): ScorePort {
  return {
    host: thisHost,
    elb: elbSettings === undefined ? undefined : lazyElb(elbSettings, ctx),
    ssh: async (...args) => (await import("../../src/ssh")).sshAll(...args),
  };
}

function lazyElb(settings: AwsSettings, ctx: Context): RegionalPort<ElbSource> {
  const aws = (async () => {
    const [{ AwsConnection }, { resolveRegions }] = await Promise.all([import("../../src/aws/connect"), import("../../src/aws/region")]);
    return { conn: new AwsConnection(settings, ctx), resolveRegions };
  })();
  return {
    regions: async () => {
      const { conn, resolveRegions } = await aws;
      return resolveRegions(conn, ctx);
    },
    in: (region) => ({
      async health(name) {
        const [{ conn }, { ClassicElb, isLoadBalancerNotFound }] = await Promise.all([aws, import("../../src/aws/elb")]);
        try {
          return await new ClassicElb(conn, region).instanceHealth(name);
        } catch (err) {
          if (isLoadBalancerNotFound(err)) return undefined;
          throw err;
        }
      },
      async addresses(instanceIds, kind) {
        const [{ conn }, { EC2Client }, { describeInstancesById }] = await Promise.all([
          aws,
          import("@aws-sdk/client-ec2"),
          import("../../src/aws/ec2-instances"),
        ]);
        const found = await describeInstancesById(conn.client((c) => new EC2Client(c), region), instanceIds, conn.sendOptions);
        return new Map(instanceIds.map((id) => [id, addressOf(found.get(id), kind)]));
      },
      async targetGroup(ref) {
        const [{ conn }, { targetGroupMembers }] = await Promise.all([aws, import("../../src/aws/elbv2")]);
        const read = await targetGroupMembers(conn, region, ref);
        return read === undefined ? undefined : { name: read.group.name, targetType: read.group.targetType, targets: read.targets };
      },
    }),
  };
}

function addressOf(
  instance: { PrivateIpAddress?: string; PublicIpAddress?: string; PrivateDnsName?: string; PublicDnsName?: string } | undefined,
  kind: AddressKind,
): string | undefined {
  if (instance === undefined) return undefined;
  const value = {
    "private-ip": instance.PrivateIpAddress,
    "public-ip": instance.PublicIpAddress,
    "private-dns": instance.PrivateDnsName,
    "public-dns": instance.PublicDnsName,
  }[kind];
  return value === undefined || value === "" ? undefined : value;
}
