import { EC2Client, type InstanceStatus, type InstanceStatusSummary } from "@aws-sdk/client-ec2";
import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { describeInstancesById, NAME_TAG_FIELDS, nameTag, nameTagsById } from "../../src/aws/ec2-instances";
import { instancesWithTags, readInstanceStatuses, runningAndPassing, type StatusFields } from "../../src/aws/instance-status";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import type { Context } from "../../src/context";
import type { CheckStatus, InstanceChecks, StatusSelection } from "./judge";

/** What check_instance_status reads in one region. */
export interface StatusSource {
  /** The status checks of the selected instances (running ones unless includeStopped). */
  statuses(selection: StatusSelection): Promise<InstanceChecks[]>;
  /** The Name tag of each of these instances (undefined when it has none). */
  names(instanceIds: readonly string[]): Promise<Map<string, string | undefined>>;
}

/** The check's port: EC2 in every region asked. */
export type StatusPort = RegionalPort<StatusSource>;

export function connectStatus(settings: AwsSettings, ctx: Context): StatusPort {
  return awsRegions(settings, ctx, (conn, region) => new Ec2StatusSource(conn, region));
}

// A running instance whose three checks pass arrives as its id alone, never parsed; of the others only the
// state and checks are, scheduled events and the rest of each item dropped before the SDK sees them.
const STATUS_FIELDS: StatusFields = { keep: ["instanceState", "systemStatus", "instanceStatus", "attachedEbsStatus"], skim: runningAndPassing };

// Most checks of a fleet pass: they share one object instead of 30,000 copies. The judge reads no detail
// of a passing check.
const PASSED: CheckStatus = Object.freeze({ status: "ok", details: Object.freeze([]) });
const ALL_PASSED: InstanceChecks["checks"] = Object.freeze({ system: PASSED, instance: PASSED, ebs: PASSED });

/** The real adapter: DescribeInstanceStatus through the reader check_instance_events shares, Name tags in batches. */
class Ec2StatusSource implements StatusSource {
  private readonly ec2: EC2Client;
  /** Name tags already read while resolving `--instance-id`, so they are not asked for twice. */
  private readonly knownNames = new Map<string, string | undefined>();

  constructor(
    private readonly conn: AwsConnection,
    private readonly region: string,
  ) {
    this.ec2 = conn.client(EC2Client, region);
  }

  async statuses(selection: StatusSelection): Promise<InstanceChecks[]> {
    const ids = await this.selectedIds(selection);
    if (ids !== undefined && ids.length === 0) return [];
    const out: InstanceChecks[] = [];
    const query = { instanceIds: ids ?? [], includeStopped: selection.includeStopped };
    await readInstanceStatuses(this.ec2, query, STATUS_FIELDS, this.conn.sendOptions, (page, passing) => {
      for (const instanceId of passing) out.push({ instanceId, region: this.region, state: "running", checks: ALL_PASSED });
      for (const s of page) if (s.InstanceId) out.push(toInstanceChecks(s, s.InstanceId, this.region));
    });
    return out;
  }

  /** One DescribeTags call (key=Name) per 200 instances not named yet. */
  async names(instanceIds: readonly string[]): Promise<Map<string, string | undefined>> {
    const unknown = instanceIds.filter((id) => !this.knownNames.has(id));
    if (unknown.length > 0) {
      const found = await nameTagsById(this.ec2, unknown, this.conn.sendOptions);
      for (const id of unknown) this.knownNames.set(id, found.get(id));
    }
    return new Map(instanceIds.map((id) => [id, this.knownNames.get(id)]));
  }

  /**
   * The ids to read, or undefined for every instance. `--instance-id` is looked up with DescribeInstances
   * first: asking DescribeInstanceStatus for an id that lives in another region fails the whole call.
   */
  private async selectedIds(selection: StatusSelection): Promise<string[] | undefined> {
    let ids: string[] | undefined;
    if (selection.instanceIds.length > 0) {
      const found = await describeInstancesById(this.ec2, selection.instanceIds, this.conn.sendOptions, NAME_TAG_FIELDS);
      for (const [id, instance] of found) this.knownNames.set(id, nameTag(instance));
      ids = [...found.keys()];
    }
    if (selection.tags.length > 0) {
      const tagged = await instancesWithTags(this.ec2, selection.tags, selection.includeStopped, this.conn.sendOptions);
      ids = ids === undefined ? [...tagged] : ids.filter((id) => tagged.has(id));
    }
    return ids;
  }
}

function toInstanceChecks(s: InstanceStatus, instanceId: string, region: string): InstanceChecks {
  const checks: InstanceChecks["checks"] = {};
  const system = toCheck(s.SystemStatus);
  const instance = toCheck(s.InstanceStatus);
  const ebs = toCheck(s.AttachedEbsStatus);
  if (system) checks.system = system;
  if (instance) checks.instance = instance;
  if (ebs) checks.ebs = ebs;
  return { instanceId, region, state: s.InstanceState?.Name ?? "unknown", checks };
}

function toCheck(summary: InstanceStatusSummary | undefined): CheckStatus | undefined {
  if (summary?.Status === undefined) return undefined;
  if (summary.Status === "ok") return PASSED;
  const details = (summary.Details ?? []).map((d) => ({ name: d.Name ?? "unknown", status: d.Status ?? "unknown", impairedSince: d.ImpairedSince }));
  return { status: summary.Status, details };
}
