import {
  DescribeInstanceStatusCommand,
  EC2Client,
  type Filter,
  type InstanceStatus,
  paginateDescribeInstances,
  paginateDescribeInstanceStatus,
} from "@aws-sdk/client-ec2";
import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { nameTagsById } from "../../src/aws/ec2-instances";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import type { Context } from "../../src/context";
import { batches } from "../../src/concurrency";
import { type Projection, projectResponses } from "../../src/aws/xml-projection";
import { releaseMemory } from "../../src/memory";
import type { ScheduledEvent } from "./judge";
import { readSelfEvents } from "./self";

export interface Selection {
  instanceIds: string[];
  tags: { key: string; value: string }[];
  includeStopped: boolean;
}

export interface RegionEvents {
  /** Instances whose status was read. */
  instances: number;
  events: ScheduledEvent[];
  /** Instances the --tag filters matched (undefined when no tag filter). */
  matchedByTags?: number;
}

/** What check_instance_events reads in one region. */
export interface EventsSource {
  read(selection: Selection): Promise<RegionEvents>;
  /** The Name tag of each of these instances (undefined when it has none). */
  names(instanceIds: readonly string[]): Promise<Map<string, string | undefined>>;
}

/** The check's port: EC2 in every region asked, or this instance's own metadata (--self). */
export interface EventsPort {
  regional: RegionalPort<EventsSource>;
  self(signal: AbortSignal): Promise<{ instanceId: string; events: ScheduledEvent[] }>;
}

export function connectEvents(settings: AwsSettings, ctx: Context): EventsPort {
  return { regional: awsRegions(settings, ctx, (conn, region) => new Ec2EventsSource(conn, region)), self: readSelfEvents };
}

const PAGE = 1000;
const IDS_PER_STATUS_CALL = 100; // DescribeInstanceStatus takes at most 100 InstanceIds

// Only ids and events are read: the status summaries and details are dropped before the SDK parses them,
// which is most of the cost of a 10,000-instance fleet.
const PROJECTIONS: Projection[] = [
  { command: "DescribeInstanceStatusCommand", listTag: "instanceStatusSet", keep: ["instanceId", "eventsSet"] },
  { command: "DescribeInstancesCommand", listTag: "instancesSet", keep: ["instanceId"] },
];

/** The EC2 side of check_instance_events: statuses with their events, then Name tags in batches. */
class Ec2EventsSource implements EventsSource {
  private readonly ec2: EC2Client;

  constructor(
    private readonly conn: AwsConnection,
    private readonly region: string,
  ) {
    this.ec2 = conn.client(EC2Client, region);
    projectResponses(this.ec2, PROJECTIONS);
  }

  async read(selection: Selection): Promise<RegionEvents> {
    let ids = selection.instanceIds;
    let matchedByTags: number | undefined;
    if (selection.tags.length > 0) {
      const tagged = await this.instancesWithTags(selection);
      ids = ids.length > 0 ? ids.filter((id) => tagged.has(id)) : [...tagged];
      matchedByTags = ids.length;
      if (ids.length === 0) return { instances: 0, events: [], matchedByTags };
    }
    const result: RegionEvents = { instances: 0, events: [], matchedByTags };
    // Pages are reduced as they arrive: a 10,000-instance fleet never sits in memory as SDK objects.
    const take = (page: InstanceStatus[] | undefined) => {
      releaseMemory();
      for (const s of page ?? []) {
        result.instances++;
        for (const e of s.Events ?? []) {
          if (!s.InstanceId || !e.NotBefore) continue;
          result.events.push({
            instanceId: s.InstanceId,
            region: this.region,
            code: e.Code ?? "unknown",
            description: e.Description ?? "",
            notBefore: e.NotBefore,
          });
        }
      }
    };
    if (ids.length > 0) await this.statusesOf(ids, selection.includeStopped, take);
    else await this.allStatuses(selection.includeStopped, take);
    return result;
  }

  /** One DescribeTags call (key=Name) per 200 instances. */
  async names(instanceIds: readonly string[]): Promise<Map<string, string | undefined>> {
    const found = await nameTagsById(this.ec2, instanceIds, this.conn.sendOptions);
    return new Map(instanceIds.map((id) => [id, found.get(id)]));
  }

  private async instancesWithTags(selection: Selection): Promise<Set<string>> {
    const filters: Filter[] = selection.tags.map((t) => ({ Name: `tag:${t.key}`, Values: [t.value] }));
    if (!selection.includeStopped) filters.push({ Name: "instance-state-name", Values: ["running"] });
    const ids = new Set<string>();
    const pages = paginateDescribeInstances({ client: this.ec2, pageSize: PAGE }, { Filters: filters }, this.conn.sendOptions);
    for await (const page of pages) {
      for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId) ids.add(i.InstanceId);
    }
    return ids;
  }

  private async allStatuses(includeStopped: boolean, take: (page: InstanceStatus[] | undefined) => void) {
    const input = { IncludeAllInstances: includeStopped };
    for await (const page of paginateDescribeInstanceStatus({ client: this.ec2, pageSize: PAGE }, input, this.conn.sendOptions)) {
      take(page.InstanceStatuses);
    }
  }

  // MaxResults may not be sent with InstanceIds, so these calls go in batches of 100 without a page size.
  private async statusesOf(ids: string[], includeStopped: boolean, take: (page: InstanceStatus[] | undefined) => void) {
    for (const batch of batches(ids, IDS_PER_STATUS_CALL)) {
      let token: string | undefined;
      do {
        const page = await this.ec2.send(
          new DescribeInstanceStatusCommand({ InstanceIds: batch, IncludeAllInstances: includeStopped, NextToken: token }),
          this.conn.sendOptions,
        );
        take(page.InstanceStatuses);
        token = page.NextToken || undefined;
      } while (token);
    }
  }
}
