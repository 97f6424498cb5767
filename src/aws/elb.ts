import {
  DescribeInstanceHealthCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
} from "@aws-sdk/client-elastic-load-balancing";
import type { AwsConnection } from "./connect";

/**
 * Classic load balancer lookups shared by every command that finds instances through an ELB. Loaded
 * only by commands that ask for a load balancer, so nothing else pays for the ELB client.
 */

interface ClassicLoadBalancer {
  name: string;
  /** Instance ids registered with it, as DescribeLoadBalancers lists them. */
  instanceIds: string[];
}

type InstanceHealthState = "InService" | "OutOfService" | "Unknown";

export interface InstanceHealth {
  instanceId: string;
  state: InstanceHealthState;
  /** `ELB`, `Instance` or `N/A`. */
  reasonCode: string;
  description: string;
}

const PAGE_SIZE = 400; // the API's maximum

/** True for the error ELB gives for a name it does not know (wire code `LoadBalancerNotFound`). */
export function isLoadBalancerNotFound(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === "AccessPointNotFoundException" || name === "LoadBalancerNotFound" || name === "LoadBalancerNotFoundException";
}

/** One region's classic ELB API; one SDK client however many load balancers are read. */
export class ClassicElb {
  private readonly client: ElasticLoadBalancingClient;

  constructor(
    private readonly conn: AwsConnection,
    readonly region: string,
  ) {
    this.client = conn.client(ElasticLoadBalancingClient, region);
  }

  /**
   * Every classic load balancer of the region, all pages. The last page carries an EMPTY NextMarker, so
   * the loop stops on "" as well as on a missing marker (and on a marker repeated by a broken endpoint).
   */
  async list(): Promise<ClassicLoadBalancer[]> {
    const out: ClassicLoadBalancer[] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    do {
      const page = await this.client.send(new DescribeLoadBalancersCommand({ PageSize: PAGE_SIZE, Marker: marker }), this.conn.sendOptions);
      for (const lb of page.LoadBalancerDescriptions ?? []) {
        if (lb.LoadBalancerName) out.push({ name: lb.LoadBalancerName, instanceIds: idsOf(lb.Instances) });
      }
      marker = page.NextMarker || undefined;
      if (marker !== undefined && seen.has(marker)) break;
      if (marker !== undefined) seen.add(marker);
    } while (marker !== undefined);
    return out;
  }

  /** The instance ids registered with one load balancer; throws (see isLoadBalancerNotFound) if it does not exist. */
  async registeredInstances(elbName: string): Promise<string[]> {
    const out = await this.client.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: [elbName] }), this.conn.sendOptions);
    return (out.LoadBalancerDescriptions ?? []).flatMap((lb) => idsOf(lb.Instances));
  }

  /** DescribeInstanceHealth of every instance registered with one load balancer. */
  async instanceHealth(elbName: string): Promise<InstanceHealth[]> {
    const out = await this.client.send(new DescribeInstanceHealthCommand({ LoadBalancerName: elbName }), this.conn.sendOptions);
    return (out.InstanceStates ?? [])
      .filter((s) => s.InstanceId)
      .map((s) => ({
        instanceId: s.InstanceId as string,
        state: healthState(s.State),
        reasonCode: s.ReasonCode ?? "N/A",
        description: s.Description ?? "",
      }));
  }
}

/** One-off form of ClassicElb.registeredInstances. */
export function registeredInstances(conn: AwsConnection, region: string, elbName: string): Promise<string[]> {
  return new ClassicElb(conn, region).registeredInstances(elbName);
}

/** One-off form of ClassicElb.instanceHealth. */
export function instanceHealth(conn: AwsConnection, region: string, elbName: string): Promise<InstanceHealth[]> {
  return new ClassicElb(conn, region).instanceHealth(elbName);
}

// Anything ELB might add later is neither InService nor OutOfService: treat it as Unknown.
function healthState(state: string | undefined): InstanceHealthState {
  return state === "InService" || state === "OutOfService" ? state : "Unknown";
}

function idsOf(instances: { InstanceId?: string }[] | undefined): string[] {
  return (instances ?? []).map((i) => i.InstanceId).filter((id): id is string => !!id);
}
