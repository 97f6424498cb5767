import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { EC2Client } from "@aws-sdk/client-ec2";
import type { AwsConnection } from "./connect";
import { describeInstancesByPrivateIp } from "./ec2-instances";
import { type Elbv2Ref, loadBalancerNameOf } from "./elbv2-name";
import { batches } from "../concurrency";

/**
 * ALB/NLB/GWLB target group lookups (Elastic Load Balancing v2) shared by every command that judges a
 * target group or finds instances through one. Loaded only by commands that ask for one.
 */

export interface TargetGroupInfo {
  name: string;
  arn: string;
  /** `instance`, `ip`, `lambda` or `alb`. */
  targetType: string;
  /** Names of the load balancers that route to it. */
  loadBalancers: string[];
}

interface RegisteredTarget {
  /** Instance id, IP address, Lambda ARN or ALB ARN, by the group's target type. */
  id: string;
  port?: number;
  /** `healthy`, `unhealthy`, `unavailable`, `initial`, `draining`, `unused`, `unhealthy.draining`. */
  state: string;
  reason?: string;
  description?: string;
}

interface Lookup<T> {
  found: T[];
  /** What was asked for and does not exist. */
  missing: Elbv2Ref[];
}

const PAGE_SIZE = 400; // the API's maximum
const PER_CALL = 20; // names or ARNs in one Describe call

/** True for the error ELBv2 gives for a target group it does not know (wire code `TargetGroupNotFound`). */
export function isTargetGroupNotFound(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === "TargetGroupNotFoundException" || name === "TargetGroupNotFound";
}

/** True for ELBv2's `LoadBalancerNotFound`. */
function isLoadBalancerV2NotFound(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === "LoadBalancerNotFoundException" || name === "LoadBalancerNotFound";
}

/** One region's ELBv2 API; one SDK client however many target groups are read. */
export class Elbv2 {
  private readonly client: ElasticLoadBalancingV2Client;

  constructor(
    private readonly conn: AwsConnection,
    readonly region: string,
  ) {
    this.client = conn.client(ElasticLoadBalancingV2Client, region);
  }

  /** Every target group of the region, or of one load balancer: all pages, 400 a page. */
  async targetGroups(loadBalancerArn?: string): Promise<TargetGroupInfo[]> {
    const out: TargetGroupInfo[] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    do {
      const input = { LoadBalancerArn: loadBalancerArn, PageSize: PAGE_SIZE, Marker: marker };
      const page = await this.client.send(new DescribeTargetGroupsCommand(input), this.conn.sendOptions);
      out.push(...(page.TargetGroups ?? []).flatMap(info));
      // The last page has no NextMarker; a marker repeated by a broken endpoint must not loop forever.
      marker = page.NextMarker || undefined;
      if (marker !== undefined && seen.has(marker)) break;
      if (marker !== undefined) seen.add(marker);
    } while (marker !== undefined);
    return out;
  }

  /**
   * The target groups named on the command line, 20 names or ARNs a call. One that does not exist fails
   * the whole call (TargetGroupNotFound, without saying which), so only then is each asked for alone.
   */
  targetGroupsNamed(refs: readonly Elbv2Ref[]): Promise<Lookup<TargetGroupInfo>> {
    return this.lookUp(refs, isTargetGroupNotFound, async (names, arns) => {
      const out = await this.client.send(new DescribeTargetGroupsCommand({ Names: names, TargetGroupArns: arns }), this.conn.sendOptions);
      return (out.TargetGroups ?? []).flatMap(info);
    });
  }

  /** The ALB/NLB/GWLB named on the command line (name and ARN of each), as targetGroupsNamed does it. */
  loadBalancersNamed(refs: readonly Elbv2Ref[]): Promise<Lookup<{ name: string; arn: string }>> {
    return this.lookUp(refs, isLoadBalancerV2NotFound, async (names, arns) => {
      const out = await this.client.send(new DescribeLoadBalancersCommand({ Names: names, LoadBalancerArns: arns }), this.conn.sendOptions);
      return (out.LoadBalancers ?? []).flatMap((lb) => (lb.LoadBalancerName && lb.LoadBalancerArn ? [{ name: lb.LoadBalancerName, arn: lb.LoadBalancerArn }] : []));
    });
  }

  /** DescribeTargetHealth of every target registered with one target group. */
  async targetHealth(targetGroupArn: string): Promise<RegisteredTarget[]> {
    const out = await this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), this.conn.sendOptions);
    return (out.TargetHealthDescriptions ?? []).flatMap((d) =>
      d.Target?.Id
        ? [
            {
              id: d.Target.Id,
              port: d.Target.Port,
              // A description without a state is one ELB could not judge: never take it for healthy.
              state: d.TargetHealth?.State ?? "unavailable",
              reason: d.TargetHealth?.Reason,
              description: d.TargetHealth?.Description,
            },
          ]
        : [],
    );
  }

  private async lookUp<T extends { name: string; arn: string }>(
    refs: readonly Elbv2Ref[],
    notFound: (err: unknown) => boolean,
    describe: (names: string[] | undefined, arns: string[] | undefined) => Promise<T[]>,
  ): Promise<Lookup<T>> {
    const byName = refs.filter((r) => r.arn === undefined);
    const byArn = refs.filter((r) => r.arn !== undefined);
    const found: T[] = [];
    const missing: Elbv2Ref[] = [];
    const ask = async (batch: Elbv2Ref[], arns: boolean) => {
      const call = (b: Elbv2Ref[]) => (arns ? describe(undefined, b.map((r) => r.arn as string)) : describe(b.map((r) => r.name), undefined));
      try {
        found.push(...(await call(batch)));
      } catch (err) {
        if (!notFound(err)) throw err;
        for (const ref of batch) {
          try {
            found.push(...(await call([ref])));
          } catch (one) {
            if (!notFound(one)) throw one;
            missing.push(ref);
          }
        }
      }
    };
    for (const batch of batches(byName, PER_CALL)) await ask(batch, false);
    for (const batch of batches(byArn, PER_CALL)) await ask(batch, true);
    return { found, missing };
  }
}

function info(tg: TargetGroup): TargetGroupInfo[] {
  if (!tg.TargetGroupName || !tg.TargetGroupArn) return [];
  return [
    {
      name: tg.TargetGroupName,
      arn: tg.TargetGroupArn,
      targetType: tg.TargetType ?? "instance",
      loadBalancers: (tg.LoadBalancerArns ?? []).map(loadBalancerNameOf),
    },
  ];
}

/**
 * The targets of one target group given by name or ARN (for commands that act on its members), or
 * undefined when it does not exist: one DescribeTargetGroups and one DescribeTargetHealth call.
 */
export async function targetGroupMembers(
  conn: AwsConnection,
  region: string,
  ref: Elbv2Ref,
): Promise<{ group: TargetGroupInfo; targets: RegisteredTarget[] } | undefined> {
  const elbv2 = new Elbv2(conn, region);
  const { found } = await elbv2.targetGroupsNamed([ref]);
  const group = found[0];
  if (group === undefined) return undefined;
  return { group, targets: await elbv2.targetHealth(group.arn) };
}

/**
 * The instances registered with one target group, whatever their health: instance targets as they are,
 * `ip` targets matched to instances by primary private IP (an address no instance has, such as a
 * container's, is left out). Undefined when the target group does not exist.
 */
export async function targetGroupInstanceIds(conn: AwsConnection, region: string, ref: Elbv2Ref): Promise<string[] | undefined> {
  const read = await targetGroupMembers(conn, region, ref);
  if (read === undefined) return undefined;
  const ids = read.targets.map((t) => t.id);
  if (read.group.targetType !== "ip") return read.group.targetType === "instance" ? ids : [];
  if (ids.length === 0) return [];
  const ec2 = conn.client(EC2Client, region);
  const byIp = await describeInstancesByPrivateIp(ec2, ids, conn.sendOptions);
  return ids.flatMap((ip) => byIp.get(ip)?.InstanceId ?? []);
}
