import {
  DescribeInstanceStatusCommand,
  type DescribeInstanceStatusCommandInput,
  EC2Client,
  type Filter,
  paginateDescribeInstances,
  paginateDescribeInstanceStatus,
} from "@aws-sdk/client-ec2";
import type { AwsConnection } from "../../src/aws/connect";
import { batches } from "../../src/aws/regions-run";
import type { ScheduledEvent } from "./events";

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

const PAGE = 1000;
const IDS_PER_CALL = 100; // DescribeInstanceStatus takes at most 100 InstanceIds

/** The EC2 side of check_instance_events: statuses with their events, then Name tags in batches. */
export class Ec2EventsSource {
  private readonly ec2: EC2Client;

  constructor(
    private readonly conn: AwsConnection,
    private readonly region: string,
  ) {
    this.ec2 = conn.client((c) => new EC2Client(c), region);
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
    const statuses = ids.length > 0 ? await this.statusesOf(ids, selection.includeStopped) : await this.allStatuses(selection.includeStopped);
    const events: ScheduledEvent[] = [];
    for (const s of statuses) {
      for (const e of s.Events ?? []) {
        if (!s.InstanceId || !e.NotBefore) continue;
        events.push({
          instanceId: s.InstanceId,
          region: this.region,
          code: e.Code ?? "unknown",
          description: e.Description ?? "",
          notBefore: e.NotBefore,
        });
      }
    }
    return { instances: statuses.length, events, matchedByTags };
  }

  /** Fills in Name tags, one DescribeInstances call per 100 instances that have events. */
  async addNames(events: ScheduledEvent[]): Promise<void> {
    const ids = [...new Set(events.map((e) => e.instanceId))];
    const names = new Map<string, string>();
    for (const batch of batches(ids, IDS_PER_CALL)) {
      const pages = paginateDescribeInstances({ client: this.ec2 }, { InstanceIds: batch }, this.conn.sendOptions);
      for await (const page of pages) {
        for (const r of page.Reservations ?? []) {
          for (const i of r.Instances ?? []) {
            const name = i.Tags?.find((t) => t.Key === "Name")?.Value;
            if (i.InstanceId && name) names.set(i.InstanceId, name);
          }
        }
      }
    }
    for (const e of events) e.name = names.get(e.instanceId);
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

  private async allStatuses(includeStopped: boolean) {
    const input: DescribeInstanceStatusCommandInput = { IncludeAllInstances: includeStopped };
    const out = [];
    for await (const page of paginateDescribeInstanceStatus({ client: this.ec2, pageSize: PAGE }, input, this.conn.sendOptions)) {
      out.push(...(page.InstanceStatuses ?? []));
    }
    return out;
  }

  // MaxResults may not be sent with InstanceIds, so these calls go in batches of 100 without a page size.
  private async statusesOf(ids: string[], includeStopped: boolean) {
    const out = [];
    for (const batch of batches(ids, IDS_PER_CALL)) {
      let token: string | undefined;
      do {
        const page = await this.ec2.send(
          new DescribeInstanceStatusCommand({ InstanceIds: batch, IncludeAllInstances: includeStopped, NextToken: token }),
          this.conn.sendOptions,
        );
        out.push(...(page.InstanceStatuses ?? []));
        token = page.NextToken || undefined;
      } while (token);
    }
    return out;
  }
}
