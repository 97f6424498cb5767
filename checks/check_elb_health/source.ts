import { EC2Client } from "@aws-sdk/client-ec2";
import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { describeInstancesById, nameTag } from "../../src/aws/ec2-instances";
import { ClassicElb, isLoadBalancerNotFound } from "../../src/aws/elb";
import { Elbv2, isTargetGroupNotFound, type TargetGroupInfo } from "../../src/aws/elbv2";
import { type Elbv2Ref, regionOfArn } from "../../src/aws/elbv2-name";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import { mapBounded } from "../../src/concurrency";
import type { Context } from "../../src/context";
import type { LoadBalancerHealth } from "./judge";
import type { TargetGroupHealth } from "./target-groups";

export interface RegionHealth {
  loadBalancers: LoadBalancerHealth[];
  /** Names asked for with --elb that have no load balancer in this region. */
  missing: string[];
}

/** Which ALB/NLB/GWLB target groups to read. */
export interface TargetGroupSelection {
  /** Every target group of the region (nothing was named). */
  all: boolean;
  targetGroups: Elbv2Ref[];
  loadBalancers: Elbv2Ref[];
}

export interface RegionTargetGroups {
  targetGroups: TargetGroupHealth[];
  /** Named with --target-group / --load-balancer and not found in this region. */
  missingTargetGroups: Elbv2Ref[];
  missingLoadBalancers: Elbv2Ref[];
  /** Load balancers named with --load-balancer that no target group belongs to. */
  withoutTargetGroups: string[];
}

/** What check_elb_health reads in one region. */
export interface HealthSource {
  /** The classic load balancers named with --elb: asked for directly, no listing needed. */
  named(names: string[]): Promise<RegionHealth>;
  /** Every classic load balancer of the region, with the health of each. */
  all(): Promise<RegionHealth>;
  /** The target groups selected, with every target's health and the Name tags of those not healthy. */
  targetGroups(selection: TargetGroupSelection): Promise<RegionTargetGroups>;
}

type HealthPort = RegionalPort<HealthSource>;

export function connectHealth(settings: AwsSettings, ctx: Context): HealthPort {
  return awsRegions(settings, ctx, (conn, region) => new ElbHealthSource(conn, region));
}

// DescribeInstanceHealth and DescribeTargetHealth take one load balancer or target group per call: a few
// at once keep 900 of them well inside -t.
const CONCURRENT_CALLS = 16;

/** Both generations of Elastic Load Balancing in one region: which load balancers, then their health. */
class ElbHealthSource implements HealthSource {
  private readonly elb: ClassicElb;
  private readonly elbv2: Elbv2;

  constructor(
    private readonly conn: AwsConnection,
    private readonly region: string,
  ) {
    this.elb = new ClassicElb(conn, region);
    this.elbv2 = new Elbv2(conn, region);
  }

  async named(names: string[]): Promise<RegionHealth> {
    const read = await mapBounded(names, CONCURRENT_CALLS, (name) => this.health(name));
    return {
      loadBalancers: read.filter((r): r is LoadBalancerHealth => r !== undefined),
      missing: names.filter((_, i) => read[i] === undefined),
    };
  }

  async all(): Promise<RegionHealth> {
    const listed = await this.elb.list();
    const read = await mapBounded(listed, CONCURRENT_CALLS, async (lb) =>
      // Nothing registered: nothing to ask DescribeInstanceHealth about.
      lb.instanceIds.length === 0 ? { name: lb.name, region: this.region, instances: [] } : this.health(lb.name),
    );
    // One deleted between the listing and its health call is simply gone.
    return { loadBalancers: read.filter((r): r is LoadBalancerHealth => r !== undefined), missing: [] };
  }

  async targetGroups(selection: TargetGroupSelection): Promise<RegionTargetGroups> {
    const out: RegionTargetGroups = { targetGroups: [], missingTargetGroups: [], missingLoadBalancers: [], withoutTargetGroups: [] };
    const groups = new Map<string, TargetGroupInfo>();
    const add = (found: TargetGroupInfo[]) => found.forEach((g) => groups.set(g.arn, g));
    if (selection.all) add(await this.elbv2.targetGroups());
    // An ARN names its region: no other region is asked about it, and there it is missing.
    const elsewhere = (refs: Elbv2Ref[]) => refs.filter((r) => r.arn !== undefined && regionOfArn(r.arn) !== this.region);
    const here = (refs: Elbv2Ref[]) => refs.filter((r) => !elsewhere(refs).includes(r));
    if (selection.targetGroups.length > 0) {
      const named = await this.elbv2.targetGroupsNamed(here(selection.targetGroups));
      add(named.found);
      out.missingTargetGroups = [...named.missing, ...elsewhere(selection.targetGroups)];
    }
    if (selection.loadBalancers.length > 0) {
      const named = await this.elbv2.loadBalancersNamed(here(selection.loadBalancers));
      out.missingLoadBalancers = [...named.missing, ...elsewhere(selection.loadBalancers)];
      for (const lb of named.found) {
        const ofLb = await this.elbv2.targetGroups(lb.arn);
        if (ofLb.length === 0) out.withoutTargetGroups.push(lb.name);
        add(ofLb);
      }
    }
    const read = await mapBounded([...groups.values()], CONCURRENT_CALLS, (g) => this.targetHealth(g));
    out.targetGroups = read.filter((r): r is TargetGroupHealth => r !== undefined);
    await this.addNames(out.targetGroups);
    return out;
  }

  private async health(name: string): Promise<LoadBalancerHealth | undefined> {
    try {
      return { name, region: this.region, instances: await this.elb.instanceHealth(name) };
    } catch (err) {
      if (isLoadBalancerNotFound(err)) return undefined;
      throw err;
    }
  }

  private async targetHealth(group: TargetGroupInfo): Promise<TargetGroupHealth | undefined> {
    try {
      const targets = await this.elbv2.targetHealth(group.arn);
      return { name: group.name, arn: group.arn, region: this.region, targetType: group.targetType, loadBalancers: group.loadBalancers, targets };
    } catch (err) {
      // Deleted between the listing and its health call: simply gone.
      if (isTargetGroupNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Name tags of the instance targets that get a line of their own: one DescribeInstances per 200. */
  private async addNames(groups: TargetGroupHealth[]): Promise<void> {
    const shown = groups.filter((g) => g.targetType === "instance").flatMap((g) => g.targets.filter((t) => t.state !== "healthy"));
    if (shown.length === 0) return;
    const ec2 = this.conn.client(EC2Client, this.region);
    const found = await describeInstancesById(ec2, shown.map((t) => t.id), this.conn.sendOptions);
    for (const t of shown) t.name = nameTag(found.get(t.id));
  }
}
