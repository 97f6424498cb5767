import {
  DescribeInstanceStatusCommand,
  type DescribeInstanceStatusCommandOutput,
  type EC2Client,
  type Filter,
  type InstanceStatus,
  paginateDescribeInstances,
  paginateDescribeInstanceStatus,
} from "@aws-sdk/client-ec2";
import { releaseMemory } from "../memory";
import { batches } from "../concurrency";
import { type Projection, projected, projectedPages, skimmed } from "./xml-projection";

/**
 * The one reader of DescribeInstanceStatus, shared by check_instance_events (events) and
 * check_instance_status (status checks): every page, every batch of ids, handed over as it arrives.
 */

const PAGE = 1000;
const IDS_PER_STATUS_CALL = 100; // DescribeInstanceStatus takes at most 100 InstanceIds

interface StatusQuery {
  /** Only these instances; empty = every instance of the region. */
  instanceIds: readonly string[];
  /** IncludeAllInstances: also instances that are not running. */
  includeStopped: boolean;
}

type SendOptions = { abortSignal: AbortSignal };

// Read in an item's own text, as EC2 writes it (indented or not), in whatever order its elements come and
// whatever else it holds: EC2 adds elements (availabilityZoneId, operator) that no check reads.
const INSTANCE_ID = /<instanceId>([^<]+)<\/instanceId>/;
const RUNNING = /<instanceState>\s*<code>\d+<\/code>\s*<name>running<\/name>\s*<\/instanceState>/;
const PASSING = ["systemStatus", "instanceStatus", "attachedEbsStatus"].map(
  (check) =>
    new RegExp(`<${check}>\\s*<status>ok</status>\\s*<details>\\s*<item>\\s*<name>reachability</name>\\s*<status>passed</status>\\s*</item>\\s*</details>\\s*</${check}>`),
);

/**
 * An instance without scheduled events, whatever its state and checks: most of a fleet, and nothing in it
 * check_instance_events would read but its id.
 */
export function withoutEvents(item: string): string | undefined {
  return item.includes("<eventsSet") ? undefined : INSTANCE_ID.exec(item)?.[1];
}

/**
 * A running instance whose three checks pass (reachability passed), events or not: most of a fleet, and
 * nothing in it check_instance_status would say but its id.
 */
export function runningAndPassing(item: string): string | undefined {
  return RUNNING.test(item) && PASSING.every((check) => check.test(item)) ? INSTANCE_ID.exec(item)?.[1] : undefined;
}

/** Which fields of each DescribeInstanceStatus item a check reads: the rest is dropped before parsing. */
export interface StatusFields {
  keep: readonly string[];
  /** Items this gives an id for (withoutEvents, runningAndPassing) are not parsed: `take` gets their ids. */
  skim?: (item: string) => string | undefined;
}

function statusProjection(fields: StatusFields): Projection {
  return { listTag: "instanceStatusSet", keep: ["instanceId", ...fields.keep], skim: fields.skim };
}

/**
 * Calls `take` with each page of statuses, and the ids of the page's items `fields.skim` took out unparsed.
 * Pages are reduced as they arrive, so a 10,000-instance fleet never sits in memory as SDK objects.
 */
export async function readInstanceStatuses(
  ec2: EC2Client,
  query: StatusQuery,
  fields: StatusFields,
  sendOptions: SendOptions,
  take: (page: readonly InstanceStatus[], skimmedIds: readonly string[]) => void,
): Promise<void> {
  const projection = statusProjection(fields);
  const each = (page: DescribeInstanceStatusCommandOutput) => {
    releaseMemory();
    take(page.InstanceStatuses ?? [], skimmed(page));
  };
  if (query.instanceIds.length === 0) {
    const input = { IncludeAllInstances: query.includeStopped };
    for await (const page of paginateDescribeInstanceStatus({ client: ec2, pageSize: PAGE, ...projectedPages(projection) }, input, sendOptions)) each(page);
    return;
  }
  // MaxResults may not be sent with InstanceIds, so these calls go in batches of 100 without a page size.
  for (const batch of batches([...query.instanceIds], IDS_PER_STATUS_CALL)) {
    let token: string | undefined;
    do {
      const input = { InstanceIds: batch, IncludeAllInstances: query.includeStopped, NextToken: token };
      const page = await ec2.send(projected(new DescribeInstanceStatusCommand(input), projection), sendOptions);
      each(page);
      token = page.NextToken || undefined;
    } while (token);
  }
}

// Only the ids are read: an instance is about 1 KB of XML for the SDK to parse.
const INSTANCE_IDS: Projection = { listTag: "instancesSet", keep: ["instanceId"] };

/** Ids of the instances carrying every tag (running ones only unless `includeStopped`), all pages. */
export async function instancesWithTags(
  ec2: EC2Client,
  tags: readonly { key: string; value: string }[],
  includeStopped: boolean,
  sendOptions: SendOptions,
): Promise<Set<string>> {
  const filters: Filter[] = tags.map((t) => ({ Name: `tag:${t.key}`, Values: [t.value] }));
  if (!includeStopped) filters.push({ Name: "instance-state-name", Values: ["running"] });
  const ids = new Set<string>();
  const pages = paginateDescribeInstances({ client: ec2, pageSize: PAGE, ...projectedPages(INSTANCE_IDS) }, { Filters: filters }, sendOptions);
  for await (const page of pages) {
    for (const r of page.Reservations ?? []) for (const i of r.Instances ?? []) if (i.InstanceId) ids.add(i.InstanceId);
  }
  return ids;
}
