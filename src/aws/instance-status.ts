import {
  DescribeInstanceStatusCommand,
  type EC2Client,
  type Filter,
  type InstanceStatus,
  paginateDescribeInstances,
  paginateDescribeInstanceStatus,
} from "@aws-sdk/client-ec2";
import { releaseMemory } from "../memory";
import { batches } from "../concurrency";
import { type Projection, projected, projectedPages } from "./xml-projection";

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

// A check that passes says so in ~130 characters (`ok` and a `passed` reachability detail); most checks of a
// fleet pass, and the SDK parses XML one character at a time.
const PASSING_CHECK =
  /<(systemStatus|instanceStatus|attachedEbsStatus)>\s*<status>ok<\/status>\s*<details>\s*<item>\s*<name>reachability<\/name>\s*<status>passed<\/status>\s*<\/item>\s*<\/details>\s*<\/\1>/g;

/** Shortens each passing check to its summary, `<systemStatus><status>ok</status></systemStatus>`; nothing else. */
export function shortenPassingChecks(xml: string): string {
  return xml.replace(PASSING_CHECK, "<$1><status>ok</status></$1>");
}

/** Which fields of each DescribeInstanceStatus item a check reads: the rest is dropped before parsing. */
export interface StatusFields {
  keep: readonly string[];
  /** A passing check arrives as `{Status: "ok"}` without its details. */
  shortenPassing?: boolean;
}

function statusProjection(fields: StatusFields): Projection {
  const projection: Projection = { listTag: "instanceStatusSet", keep: ["instanceId", ...fields.keep] };
  if (fields.shortenPassing) projection.rewrite = shortenPassingChecks;
  return projection;
}

/**
 * Calls `take` with each page of statuses. Pages are reduced as they arrive, so a 10,000-instance fleet
 * never sits in memory as SDK objects.
 */
export async function readInstanceStatuses(
  ec2: EC2Client,
  query: StatusQuery,
  fields: StatusFields,
  sendOptions: SendOptions,
  take: (page: readonly InstanceStatus[]) => void,
): Promise<void> {
  const projection = statusProjection(fields);
  const each = (page: InstanceStatus[] | undefined) => {
    releaseMemory();
    take(page ?? []);
  };
  if (query.instanceIds.length === 0) {
    const input = { IncludeAllInstances: query.includeStopped };
    for await (const page of paginateDescribeInstanceStatus({ client: ec2, pageSize: PAGE, ...projectedPages(projection) }, input, sendOptions)) each(page.InstanceStatuses);
    return;
  }
  // MaxResults may not be sent with InstanceIds, so these calls go in batches of 100 without a page size.
  for (const batch of batches([...query.instanceIds], IDS_PER_STATUS_CALL)) {
    let token: string | undefined;
    do {
      const input = { InstanceIds: batch, IncludeAllInstances: query.includeStopped, NextToken: token };
      const page = await ec2.send(projected(new DescribeInstanceStatusCommand(input), projection), sendOptions);
      each(page.InstanceStatuses);
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
