import { CheckError, errorMessage } from "../../src/errors";
import type { InstanceHealth } from "../../src/aws/elb";
import type { Elbv2Ref } from "../../src/aws/elbv2-name";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import type { Context } from "../../src/context";
import type { SshOutcome, SshRunLimits, SshSettings } from "../../src/ssh";
import { type HostPort, thisHost } from "../serverscore/source";

export type AddressKind = "private-ip" | "public-ip" | "private-dns" | "public-dns";

/** Load balancers' side of fleet mode (a classic ELB, an ALB/NLB/GWLB target group), in one region. */
export interface ElbSource {
  /** DescribeInstanceHealth of every registered instance; undefined when there is no such load balancer. */
  health(name: string): Promise<InstanceHealth[] | undefined>;
  /** Each instance's address of that kind (undefined when it has none, or is gone). */
  addresses(instanceIds: string[], kind: AddressKind): Promise<Map<string, string | undefined>>;
  /** A target group's type and every target's health (DescribeTargetHealth); undefined when there is no such group. */
  targetGroup(ref: Elbv2Ref): Promise<{ name: string; targetType: string; targets: { id: string; state: string }[] } | undefined>;
}

/** Auto Scaling groups' side of fleet mode, in one region. */
export interface AsgSource {
  /** The InService instances of each group; undefined for a name with no group here. */
  inService(names: readonly string[]): Promise<Map<string, string[] | undefined>>;
  /** Each instance's address of that kind (undefined when it has none, or is gone). */
  addresses(instanceIds: string[], kind: AddressKind): Promise<Map<string, string | undefined>>;
}

/** What check_serverscore reads: this host, or other hosts over SSH, found by name, through an ELB, a target group or an ASG. */
export interface ScorePort {
  host: HostPort;
  /** Only with --elb or --target-group. */
  elb?: RegionalPort<ElbSource>;
  /** Only with --asg. */
  asg?: RegionalPort<AsgSource>;
  ssh(hosts: readonly string[], settings: SshSettings, command: string[], limits: SshRunLimits): Promise<SshOutcome[]>;
}

/**
 * The real port. Everything past this host loads on first use: local mode never evaluates the SSH runner
 * or any AWS code, and --host never the AWS SDK.
 */
export function connectScore(awsSettings: AwsSettings | undefined, ctx: Context): ScorePort {
  const aws = awsSettings === undefined ? undefined : lazyAws(awsSettings, ctx);
  return {
    host: thisHost,
    elb: aws?.elb,
    asg: aws?.asg,
    ssh: async (hosts, settings, command, limits) => {
      const { ensureControlDir, sshAll } = await import("../../src/ssh");
      if (settings.reuse !== undefined) {
        try {
          ensureControlDir(settings.reuse.controlDir, process.getuid?.() ?? 0);
        } catch (err) {
          throw new CheckError(`--ssh-control-dir: ${errorMessage(err)}`);
        }
      }
      return sshAll(hosts, settings, command, limits);
    },
  };
}

/** --elb, --target-group and --asg share one connection (one role assumption) and the address lookup. */
function lazyAws(settings: AwsSettings, ctx: Context): { elb: RegionalPort<ElbSource>; asg: RegionalPort<AsgSource> } {
  const aws = (async () => {
    const [{ AwsConnection }, { resolveRegions }] = await Promise.all([import("../../src/aws/connect"), import("../../src/aws/region")]);
    return { conn: new AwsConnection(settings, ctx), resolveRegions };
  })();
  const regions = async () => {
    const { conn, resolveRegions } = await aws;
    return resolveRegions(conn, ctx);
  };
  const addresses = async (region: string, instanceIds: string[], kind: AddressKind) => {
    const [{ conn }, { EC2Client }, { describeInstancesById }] = await Promise.all([
      aws,
      import("@aws-sdk/client-ec2"),
      import("../../src/aws/ec2-instances"),
    ]);
    const found = await describeInstancesById(conn.client(EC2Client, region), instanceIds, conn.sendOptions);
    return new Map(instanceIds.map((id) => [id, addressOf(found.get(id), kind)]));
  };
  return {
    elb: {
      regions,
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
        addresses: (ids, kind) => addresses(region, ids, kind),
        async targetGroup(ref) {
          const [{ conn }, { targetGroupMembers }] = await Promise.all([aws, import("../../src/aws/elbv2")]);
          const read = await targetGroupMembers(conn, region, ref);
          return read === undefined ? undefined : { name: read.group.name, targetType: read.group.targetType, targets: read.targets };
        },
      }),
    },
    asg: {
      regions,
      in: (region) => ({
        async inService(names) {
          const [{ conn }, { asgInServiceInstances }] = await Promise.all([aws, import("../../src/aws/asg")]);
          return asgInServiceInstances(conn, region, names);
        },
        addresses: (ids, kind) => addresses(region, ids, kind),
      }),
    },
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
