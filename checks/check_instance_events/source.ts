import { EC2Client } from "@aws-sdk/client-ec2";
import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { nameTagsById } from "../../src/aws/ec2-instances";
import { instancesWithTags, readInstanceStatuses, type StatusFields, withoutEvents } from "../../src/aws/instance-status";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import type { Context } from "../../src/context";
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

// Only ids and events are read: an instance without events is only counted, never parsed, and the status
// checks of the others are dropped before the SDK parses them. Parsing is most of the cost of a
// 10,000-instance fleet.
const EVENT_FIELDS: StatusFields = { keep: ["eventsSet"], skim: withoutEvents };

/** The EC2 side of check_instance_events: statuses with their events, then Name tags in batches. */
class Ec2EventsSource implements EventsSource {
  private readonly ec2: EC2Client;

  constructor(
    private readonly conn: AwsConnection,
    private readonly region: string,
  ) {
    this.ec2 = conn.client(EC2Client, region);
  }

  async read(selection: Selection): Promise<RegionEvents> {
    let ids = selection.instanceIds;
    let matchedByTags: number | undefined;
    if (selection.tags.length > 0) {
      const tagged = await instancesWithTags(this.ec2, selection.tags, selection.includeStopped, this.conn.sendOptions);
      ids = ids.length > 0 ? ids.filter((id) => tagged.has(id)) : [...tagged];
      matchedByTags = ids.length;
      if (ids.length === 0) return { instances: 0, events: [], matchedByTags };
    }
    const result: RegionEvents = { instances: 0, events: [], matchedByTags };
    const query = { instanceIds: ids, includeStopped: selection.includeStopped };
    await readInstanceStatuses(this.ec2, query, EVENT_FIELDS, this.conn.sendOptions, (page, eventless) => {
      result.instances += eventless.length;
      for (const s of page) {
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
    });
    return result;
  }

  /** One DescribeTags call (key=Name) per 200 instances. */
  async names(instanceIds: readonly string[]): Promise<Map<string, string | undefined>> {
    const found = await nameTagsById(this.ec2, instanceIds, this.conn.sendOptions);
    return new Map(instanceIds.map((id) => [id, found.get(id)]));
  }
}
