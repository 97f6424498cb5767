import { EC2Client } from "@aws-sdk/client-ec2";
import { type AsgDescription, type AsgSelection, AutoScaling, type ScalingActivity } from "../../src/aws/asg";
import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { describeInstancesById } from "../../src/aws/ec2-instances";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import { mapBounded } from "../../src/concurrency";
import type { Context } from "../../src/context";
import type { Group, GroupInstance, LaunchReason } from "./judge";

export interface RegionGroups {
  /** The groups selected, with since when each Pending or Terminating instance has been so. */
  groups: Group[];
  /** Names asked for with --asg that no group of this region has (with the --tag filters, if any). */
  missing: string[];
}

/** What check_asg_health reads in one region. */
export interface AsgHealthSource {
  groups(selection: AsgSelection): Promise<RegionGroups>;
}

/** The check's port: Auto Scaling in every region asked. */
type AsgHealthPort = RegionalPort<AsgHealthSource>;

export function connectAsgHealth(settings: AwsSettings, ctx: Context): AsgHealthPort {
  return awsRegions(settings, ctx, (conn, region) => new AwsAsgHealthSource(conn, region));
}

// Activity reads are one call per group with moving instances; a few at once keep many such groups inside -t.
const CONCURRENT_CALLS = 8;

const LAUNCH = /^Launching a new EC2 instance(?: from warm pool)?: (i-[0-9a-f]+)/;
const TERMINATE = /^Terminating EC2 instance: (i-[0-9a-f]+)/;
// AWS words a launch that follows a policy, a schedule or a user raising the desired capacity this way;
// a launch that only restores the capacity (a replacement) says "a difference between desired and actual".
const DESIRED_CHANGED = /changing the desired capacity/i;

const isMoving = (lifecycleState: string) => lifecycleState.startsWith("Pending") || lifecycleState.startsWith("Terminating");

/** The real adapter: DescribeAutoScalingGroups (all pages), then DescribeScalingActivities only where needed. */
class AwsAsgHealthSource implements AsgHealthSource {
  private readonly asg: AutoScaling;

  constructor(
    private readonly conn: AwsConnection,
    private readonly region: string,
  ) {
    this.asg = new AutoScaling(conn, region);
  }

  async groups(selection: AsgSelection): Promise<RegionGroups> {
    const described = await this.asg.describe(selection);
    const missing = selection.names.filter((name) => !described.some((g) => g.name === name));
    // Only a group with an instance Pending or Terminating has something to look up.
    const moving = described.filter((g) => g.members.some((m) => isMoving(m.lifecycleState)));
    const found = new Map<string, Map<string, Moved>>();
    await mapBounded(moving, CONCURRENT_CALLS, async (g) => found.set(g.name, await this.movedSince(g)));
    const launchTimes = await this.launchTimes(described, found);
    return { groups: described.map((g) => toGroup(g, this.region, found.get(g.name), launchTimes)), missing };
  }

  /** Since when each moving member of a group has been moving, from the group's newest activities. */
  private async movedSince(g: AsgDescription): Promise<Map<string, Moved>> {
    const wanted = new Map(g.members.filter((m) => isMoving(m.lifecycleState)).map((m) => [m.instanceId, m.lifecycleState]));
    const enough = (read: ScalingActivity[]) => movedFrom(read, wanted).size === wanted.size;
    return movedFrom(await this.asg.activities(g.name, enough), wanted);
  }

  /** Launch times of Pending instances no activity accounted for (ec2:DescribeInstances, only when there are such). */
  private async launchTimes(groups: AsgDescription[], found: Map<string, Map<string, Moved>>): Promise<Map<string, Date>> {
    const ids = groups.flatMap((g) =>
      g.members.filter((m) => m.lifecycleState.startsWith("Pending") && !found.get(g.name)?.has(m.instanceId)).map((m) => m.instanceId),
    );
    if (ids.length === 0) return new Map();
    const ec2 = this.conn.client(EC2Client, this.region);
    const instances = await describeInstancesById(ec2, ids, this.conn.sendOptions);
    const out = new Map<string, Date>();
    for (const [id, i] of instances) if (i.LaunchTime) out.set(id, i.LaunchTime);
    return out;
  }
}

interface Moved {
  since: Date;
  launchedFor?: LaunchReason;
}

/** The newest activity that launched (for Pending) or terminates (for Terminating) each wanted instance. */
function movedFrom(activities: ScalingActivity[], wanted: Map<string, string>): Map<string, Moved> {
  const out = new Map<string, Moved>();
  for (const a of activities) {
    const launch = LAUNCH.exec(a.description)?.[1];
    const terminate = TERMINATE.exec(a.description)?.[1];
    const id = launch ?? terminate;
    const state = id === undefined ? undefined : wanted.get(id);
    if (id === undefined || state === undefined || out.has(id) || a.startTime === undefined) continue;
    if (launch !== undefined && state.startsWith("Pending")) {
      out.set(id, { since: a.startTime, launchedFor: DESIRED_CHANGED.test(a.cause) ? "scale-out" : "replacement" });
    } else if (terminate !== undefined && state.startsWith("Terminating")) {
      out.set(id, { since: a.startTime });
    }
  }
  return out;
}

function toGroup(g: AsgDescription, region: string, moved: Map<string, Moved> | undefined, launchTimes: Map<string, Date>): Group {
  const instances = g.members.map((m): GroupInstance => {
    const base = { id: m.instanceId, lifecycleState: m.lifecycleState, healthy: m.healthStatus === "Healthy" };
    const activity = moved?.get(m.instanceId);
    if (activity) return { ...base, since: activity.since, sinceFrom: "activity", launchedFor: activity.launchedFor };
    const launched = launchTimes.get(m.instanceId);
    return launched ? { ...base, since: launched, sinceFrom: "launch-time" } : base;
  });
  return {
    name: g.name,
    region,
    minSize: g.minSize,
    maxSize: g.maxSize,
    desiredCapacity: g.desiredCapacity,
    instances,
    suspendedProcesses: g.suspendedProcesses,
  };
}
