import { type EC2Client, type Instance, paginateDescribeInstances, paginateDescribeTags } from "@aws-sdk/client-ec2";
import { type Projection, projectedPages } from "./xml-projection";
import { batches, mapBounded } from "../concurrency";

// A filter takes at most 200 values and, unlike InstanceIds, does not fail the whole call when one
// instance has just been terminated.
const VALUES_PER_CALL = 200;
const PAGE = 1000;

/**
 * The instances with these ids, one DescribeInstances call (all pages) per 200 ids; with `fields`, only
 * those fields of each instance are parsed (see NAME_TAG_FIELDS).
 */
export function describeInstancesById(
  ec2: EC2Client,
  ids: readonly string[],
  sendOptions: { abortSignal: AbortSignal },
  fields?: Projection,
): Promise<Map<string, Instance>> {
  return describeInstancesWhere(ec2, "instance-id", ids, (i) => i.InstanceId, sendOptions, fields);
}

/** The instances whose primary private IPv4 address is one of these, by address: one call (all pages) per 200. */
export function describeInstancesByPrivateIp(ec2: EC2Client, ips: readonly string[], sendOptions: { abortSignal: AbortSignal }): Promise<Map<string, Instance>> {
  return describeInstancesWhere(ec2, "private-ip-address", ips, (i) => i.PrivateIpAddress, sendOptions);
}

async function describeInstancesWhere(
  ec2: EC2Client,
  filter: string,
  values: readonly string[],
  keyOf: (instance: Instance) => string | undefined,
  sendOptions: { abortSignal: AbortSignal },
  fields?: Projection,
): Promise<Map<string, Instance>> {
  const config = { client: ec2, pageSize: PAGE, ...(fields ? projectedPages(fields) : {}) };
  const found = new Map<string, Instance>();
  for (const batch of batches([...new Set(values)], VALUES_PER_CALL)) {
    const input = { Filters: [{ Name: filter, Values: batch }] };
    for await (const page of paginateDescribeInstances(config, input, sendOptions)) {
      for (const r of page.Reservations ?? []) {
        for (const i of r.Instances ?? []) {
          const key = keyOf(i);
          if (key) found.set(key, i);
        }
      }
    }
  }
  return found;
}

/** The fields of DescribeInstances a reader of ids and Name tags needs. */
export const NAME_TAG_FIELDS: Projection = { listTag: "instancesSet", keep: ["instanceId", "tagSet"] };

/** The `Name` tag of an instance, if it has one. */
export function nameTag(instance: Instance | undefined): string | undefined {
  return instance?.Tags?.find((t) => t.Key === "Name")?.Value;
}

const TAG_CALLS_AT_ONCE = 4;
// The filter asks for key=Name only: the id and the value are all there is to read.
const NAME_TAGS: Projection = { listTag: "tagSet", keep: ["resourceId", "value"] };

/**
 * The `Name` tag of each of these instances (absent from the map when it has none): DescribeTags
 * filtered on key=Name and 200 resource ids per call. The answer holds four short fields per instance,
 * where DescribeInstances for the same ids sends the whole instance (about 1 KB each) for the SDK to parse.
 */
export async function nameTagsById(
  ec2: EC2Client,
  ids: readonly string[],
  sendOptions: { abortSignal: AbortSignal },
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  // A few batches at once: on a real endpoint each call is mostly waiting for the answer.
  await mapBounded(batches([...new Set(ids)], VALUES_PER_CALL), TAG_CALLS_AT_ONCE, async (batch) => {
    const input = { Filters: [{ Name: "key", Values: ["Name"] }, { Name: "resource-id", Values: batch }] };
    for await (const page of paginateDescribeTags({ client: ec2, pageSize: PAGE, ...projectedPages(NAME_TAGS) }, input, sendOptions)) {
      for (const t of page.Tags ?? []) if (t.ResourceId && t.Value !== undefined) names.set(t.ResourceId, t.Value);
    }
  });
  return names;
}
