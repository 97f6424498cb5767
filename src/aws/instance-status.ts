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

// The parts of a DescribeInstanceStatus item as EC2 writes it, indented or not, for the two patterns below.
const _ = "\\s*";
const CHECKS = ["systemStatus", "instanceStatus", "attachedEbsStatus"];
const leaf = (tag: string, value = "[^<]*") => `<${tag}>${value}</${tag}>${_}`;
const HEAD = `<item>${_}<instanceId>([^<]+)</instanceId>${_}(?:${leaf("availabilityZone")})?(?:${leaf("outpostArn")})?`;
const EVENTS = `<eventsSet>(?:[^<]|<(?!/eventsSet>))*</eventsSet>${_}`;
const state = (name: string) => `<instanceState>${_}${leaf("code", "\\d+")}${leaf("name", name)}</instanceState>${_}`;
const detail = (name: string, status: string) => `<item>${_}${leaf("name", name)}${leaf("status", status)}(?:${leaf("impairedSince")})?</item>${_}`;
const passing = (check: string) => `<${check}>${_}${leaf("status", "ok")}<details>${_}${detail("reachability", "passed")}</details>${_}</${check}>${_}`;
const ANY_CHECK = `<(${CHECKS.join("|")})>${_}${leaf("status")}(?:<details>${_}(?:${detail("[^<]*", "[^<]*")})*</details>${_})?</\\2>${_}`;

/**
 * An instance without scheduled events, whatever its state and checks: most of a fleet, and nothing in it
 * check_instance_events would read but its id.
 */
export const WITHOUT_EVENTS = new RegExp(`${HEAD}${state("[^<]*")}(?:${ANY_CHECK})*</item>`, "g");

/**
 * A running instance whose three checks pass (reachability passed), events or not: most of a fleet, and
 * nothing in it check_instance_status would say but its id.
 */
export const RUNNING_AND_PASSING = new RegExp(`${HEAD}(?:${EVENTS})?${state("running")}${CHECKS.map(passing).join("")}</item>`, "g");

/** Which fields of each DescribeInstanceStatus item a check reads: the rest is dropped before parsing. */
export interface StatusFields {
  keep: readonly string[];
  /** Items matching this (WITHOUT_EVENTS, RUNNING_AND_PASSING) are not parsed: `take` gets their ids. */
  skim?: RegExp;
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
