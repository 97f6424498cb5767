import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { ClassicElb, isLoadBalancerNotFound } from "../../src/aws/elb";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import { mapBounded } from "../../src/concurrency";
import type { Context } from "../../src/context";
import type { LoadBalancerHealth } from "./judge";

export interface RegionHealth {
  loadBalancers: LoadBalancerHealth[];
  /** Names asked for with --elb that have no load balancer in this region. */
  missing: string[];
}

/** What check_elb_health reads in one region. */
export interface HealthSource {
  /** The load balancers named with --elb: asked for directly, no listing needed. */
  named(names: string[]): Promise<RegionHealth>;
  /** Every classic load balancer of the region, with the health of each. */
  all(): Promise<RegionHealth>;
}

export type HealthPort = RegionalPort<HealthSource>;

export function connectHealth(settings: AwsSettings, ctx: Context): HealthPort {
  return awsRegions(settings, ctx, (conn, region) => new ElbHealthSource(conn, region));
}

// DescribeInstanceHealth takes one load balancer per call: a few at once keep 450 of them well inside -t.
const CONCURRENT_CALLS = 16;

/** The ELB side of check_elb_health: which load balancers, then each one's instance health. */
class ElbHealthSource implements HealthSource {
  private readonly elb: ClassicElb;

  constructor(
    conn: AwsConnection,
    private readonly region: string,
  ) {
    this.elb = new ClassicElb(conn, region);
  }

  /** The load balancers named with --elb: asked for directly, no listing needed. */
  async named(names: string[]): Promise<RegionHealth> {
    const read = await mapBounded(names, CONCURRENT_CALLS, (name) => this.health(name));
    return {
      loadBalancers: read.filter((r): r is LoadBalancerHealth => r !== undefined),
      missing: names.filter((_, i) => read[i] === undefined),
    };
  }

  /** Every classic load balancer of the region (all pages), then the health of each. */
  async all(): Promise<RegionHealth> {
    const listed = await this.elb.list();
    const read = await mapBounded(listed, CONCURRENT_CALLS, async (lb) =>
      // Nothing registered: nothing to ask DescribeInstanceHealth about.
      lb.instanceIds.length === 0 ? { name: lb.name, region: this.region, instances: [] } : this.health(lb.name),
    );
    // One deleted between the listing and its health call is simply gone.
    return { loadBalancers: read.filter((r): r is LoadBalancerHealth => r !== undefined), missing: [] };
  }

  private async health(name: string): Promise<LoadBalancerHealth | undefined> {
    try {
      return { name, region: this.region, instances: await this.elb.instanceHealth(name) };
    } catch (err) {
      if (isLoadBalancerNotFound(err)) return undefined;
      throw err;
    }
  }
}
