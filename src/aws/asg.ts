import {
  AutoScalingClient,
  type AutoScalingGroup as SdkGroup,
  paginateDescribeAutoScalingGroups,
  paginateDescribeScalingActivities,
} from "@aws-sdk/client-auto-scaling";
import type { AwsConnection } from "./connect";
import { batches } from "../concurrency";

/**
 * Auto Scaling lookups shared by every command that finds instances through a group. Loaded only by
 * commands that ask for a group, so nothing else pays for the Auto Scaling client.
 */

export interface AsgMember {
  instanceId: string;
  /** `InService`, `Pending:Wait`, `Terminating`, `Standby`, … */
  lifecycleState: string;
  /** `Healthy` or `Unhealthy`. */
  healthStatus: string;
}

export interface AsgDescription {
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  members: AsgMember[];
  suspendedProcesses: string[];
}

export interface AsgSelection {
  /** Only these groups (none: every group of the region). */
  names: readonly string[];
  /** `KEY=VALUE` pairs a group must all carry. */
  tags: readonly { key: string; value: string }[];
}

export interface ScalingActivity {
  description: string;
  cause: string;
  statusCode: string;
  startTime?: Date;
  endTime?: Date;
}

// The API's maximum page; it also caps how many names one call may ask for.
const PAGE = 100;

/** One region's Auto Scaling API; one SDK client however many groups are read. */
export class AutoScaling {
  private readonly client: AutoScalingClient;

  constructor(
    private readonly conn: AwsConnection,
    readonly region: string,
  ) {
    this.client = conn.client(AutoScalingClient, region);
  }

  /**
   * The groups selected by name and tags, all pages. A name that does not exist is simply absent from
   * the answer (Auto Scaling does not fail the call), so callers compare names to find the missing ones.
   */
  async describe(selection: AsgSelection): Promise<AsgDescription[]> {
    const Filters = selection.tags.length > 0 ? selection.tags.map((t) => ({ Name: `tag:${t.key}`, Values: [t.value] })) : undefined;
    const nameBatches = selection.names.length > 0 ? batches([...selection.names], PAGE) : [undefined];
    const out: AsgDescription[] = [];
    for (const AutoScalingGroupNames of nameBatches) {
      const pages = paginateDescribeAutoScalingGroups(
        { client: this.client, pageSize: PAGE, stopOnSameToken: true },
        { AutoScalingGroupNames, Filters },
        this.conn.sendOptions,
      );
      for await (const page of pages) for (const g of page.AutoScalingGroups ?? []) if (g.AutoScalingGroupName) out.push(describeGroup(g));
    }
    return out;
  }

  /**
   * A group's scaling activities, newest first, read page by page only until `enough` says the ones
   * read so far answer the caller's question (at most `maxPages` pages).
   */
  async activities(groupName: string, enough: (read: ScalingActivity[]) => boolean, maxPages = 3): Promise<ScalingActivity[]> {
    const out: ScalingActivity[] = [];
    let pages = 0;
    const input = { AutoScalingGroupName: groupName };
    for await (const page of paginateDescribeScalingActivities({ client: this.client, pageSize: PAGE, stopOnSameToken: true }, input, this.conn.sendOptions)) {
      for (const a of page.Activities ?? []) {
        out.push({ description: a.Description ?? "", cause: a.Cause ?? "", statusCode: a.StatusCode ?? "", startTime: a.StartTime, endTime: a.EndTime });
      }
      if (++pages >= maxPages || enough(out)) break;
    }
    return out;
  }
}

function describeGroup(g: SdkGroup): AsgDescription {
  return {
    name: g.AutoScalingGroupName ?? "",
    minSize: g.MinSize ?? 0,
    maxSize: g.MaxSize ?? 0,
    desiredCapacity: g.DesiredCapacity ?? 0,
    members: (g.Instances ?? [])
      .filter((i) => i.InstanceId)
      .map((i) => ({ instanceId: i.InstanceId as string, lifecycleState: i.LifecycleState ?? "", healthStatus: i.HealthStatus ?? "" })),
    suspendedProcesses: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? "").filter((p) => p !== ""),
  };
}

/**
 * The InService instances of each named group, as `--asg` on other commands selects them; undefined for
 * a name with no group in this region. One DescribeAutoScalingGroups call per 100 names.
 */
export async function asgInServiceInstances(conn: AwsConnection, region: string, names: readonly string[]): Promise<Map<string, string[] | undefined>> {
  const groups = await new AutoScaling(conn, region).describe({ names, tags: [] });
  const byName = new Map(groups.map((g) => [g.name, g]));
  return new Map(
    names.map((name) => {
      const g = byName.get(name);
      return [name, g?.members.filter((m) => m.lifecycleState === "InService").map((m) => m.instanceId)];
    }),
  );
}
