/**
 * SQS over AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Action>`): ListQueues,
 * GetQueueUrl, GetQueueAttributes, ListDeadLetterSourceQueues.
 */
import type { RequestContext } from "./context";
import { AwsError, dispatch, type WireResponse, sqsQueueDoesNotExist } from "./errors";
import { decodeToken, page } from "./paging";
import type { Queue } from "./scenario";

export const SQS_LIST_MAX = 1000;

/** Every attribute name GetQueueAttributes accepts. */
export const SQS_ATTRIBUTE_NAMES = [
  "All",
  "Policy",
  "VisibilityTimeout",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
  "ApproximateNumberOfMessagesDelayed",
  "DelaySeconds",
  "ReceiveMessageWaitTimeSeconds",
  "RedrivePolicy",
  "FifoQueue",
  "ContentBasedDeduplication",
  "KmsMasterKeyId",
  "KmsDataKeyReusePeriodSeconds",
  "DeduplicationScope",
  "FifoThroughputLimit",
  "RedriveAllowPolicy",
  "SqsManagedSseEnabled",
] as const;
const KNOWN_ATTRIBUTES = new Set<string>(SQS_ATTRIBUTE_NAMES);

/** A fixed creation time (epoch seconds) so answers are deterministic. */
const CREATED_EPOCH = "1577836800";

export type JsonBody = Record<string, unknown>;

function ok(ctx: RequestContext, payload: unknown): WireResponse {
  return {
    status: 200,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": ctx.requestId },
    body: JSON.stringify(payload),
  };
}

function invalidParameter(message: string): AwsError {
  return new AwsError(400, "InvalidParameterValue", message, { jsonType: "com.amazon.coral.validate#ValidationException" });
}

function missingParameter(name: string): AwsError {
  return new AwsError(400, "MissingParameter", `The request must contain the parameter ${name}.`, {
    jsonType: "com.amazonaws.sqs#MissingParameter",
  });
}

function queueUrl(ctx: RequestContext, name: string): string {
  return `${ctx.endpoint}/${ctx.accountId}/${name}`;
}

export function queueArn(region: string, accountId: string, name: string): string {
  return `arn:aws:sqs:${region}:${accountId}:${name}`;
}

function stringParam(body: JsonBody, name: string): string | undefined {
  const v = body[name];
  return typeof v === "string" ? v : undefined;
}

function maxResultsParam(body: JsonBody): number | undefined {
  const v = body.MaxResults;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > SQS_LIST_MAX) {
    throw invalidParameter(`Value ${JSON.stringify(v)} for parameter MaxResults is invalid. Reason: must be between 1 and ${SQS_LIST_MAX}.`);
  }
  return v;
}

/** Resolves a QueueUrl (`…/<account>/<name>`) to a queue of the request's region. */
function queueFromUrl(body: JsonBody, ctx: RequestContext): Queue {
  const url = stringParam(body, "QueueUrl");
  if (!url) throw missingParameter("QueueUrl");
  const m = /\/(\d{12})\/([^/?#]+)\/?$/.exec(url);
  if (!m || m[1] !== ctx.accountId) throw sqsQueueDoesNotExist();
  const q = ctx.regionIndex.queueByName.get(decodeURIComponent(m[2] as string));
  if (!q) throw sqsQueueDoesNotExist();
  return q;
}

function listQueues(body: JsonBody, ctx: RequestContext): WireResponse {
  const prefix = stringParam(body, "QueueNamePrefix") ?? "";
  const max = maxResultsParam(body);
  const names = ctx.regionIndex.queues.filter((q) => q.name.startsWith(prefix));
  const offset = decodeToken("ListQueues", stringParam(body, "NextToken"));
  if (offset === undefined) throw invalidParameter("Invalid NextToken value.");
  const p = page("ListQueues", names, offset, max ?? SQS_LIST_MAX);
  const out: Record<string, unknown> = {};
  if (p.items.length > 0) out.QueueUrls = p.items.map((q) => queueUrl(ctx, q.name));
  // Without MaxResults real SQS silently truncates at 1000 and returns no NextToken.
  if (max !== undefined && p.next !== undefined) out.NextToken = p.next;
  return ok(ctx, out);
}

function getQueueUrl(body: JsonBody, ctx: RequestContext): WireResponse {
  const name = stringParam(body, "QueueName");
  if (!name) throw missingParameter("QueueName");
  const owner = stringParam(body, "QueueOwnerAWSAccountId");
  if ((owner !== undefined && owner !== ctx.accountId) || !ctx.regionIndex.queueByName.has(name)) throw sqsQueueDoesNotExist();
  return ok(ctx, { QueueUrl: queueUrl(ctx, name) });
}

function attributesOf(q: Queue, ctx: RequestContext): Record<string, string> {
  const attrs: Record<string, string> = {
    QueueArn: queueArn(ctx.region, ctx.accountId, q.name),
    ApproximateNumberOfMessages: String(q.visible ?? 0),
    ApproximateNumberOfMessagesNotVisible: String(q.inFlight ?? 0),
    ApproximateNumberOfMessagesDelayed: String(q.delayed ?? 0),
    CreatedTimestamp: CREATED_EPOCH,
    LastModifiedTimestamp: CREATED_EPOCH,
    VisibilityTimeout: "30",
    MaximumMessageSize: "262144",
    MessageRetentionPeriod: "345600",
    DelaySeconds: "0",
    ReceiveMessageWaitTimeSeconds: "0",
    SqsManagedSseEnabled: "true",
  };
  if (q.redrive) {
    attrs.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: queueArn(ctx.region, ctx.accountId, q.redrive.deadLetterTargetName),
      maxReceiveCount: q.redrive.maxReceiveCount,
    });
  }
  if (q.name.endsWith(".fifo")) {
    attrs.FifoQueue = "true";
    attrs.ContentBasedDeduplication = "false";
    attrs.DeduplicationScope = "queue";
    attrs.FifoThroughputLimit = "perQueue";
  }
  return { ...attrs, ...q.attributes };
}

function getQueueAttributes(body: JsonBody, ctx: RequestContext): WireResponse {
  const q = queueFromUrl(body, ctx);
  const raw = body.AttributeNames;
  const names = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string") : [];
  for (const n of names) {
    if (!KNOWN_ATTRIBUTES.has(n)) {
      throw new AwsError(400, "InvalidAttributeName", `Unknown Attribute ${n}.`, { jsonType: "com.amazonaws.sqs#InvalidAttributeName" });
    }
  }
  if (names.length === 0) return ok(ctx, {});
  const all = attributesOf(q, ctx);
  let selected: Record<string, string>;
  if (names.includes("All")) {
    selected = all;
  } else {
    selected = {};
    for (const n of names) {
      const v = all[n];
      if (v !== undefined) selected[n] = v;
    }
  }
  return ok(ctx, Object.keys(selected).length > 0 ? { Attributes: selected } : {});
}

function listDeadLetterSourceQueues(body: JsonBody, ctx: RequestContext): WireResponse {
  const dlq = queueFromUrl(body, ctx);
  const max = maxResultsParam(body);
  const sources = ctx.regionIndex.queues.filter((q) => q.redrive?.deadLetterTargetName === dlq.name);
  const offset = decodeToken("ListDeadLetterSourceQueues", stringParam(body, "NextToken"));
  if (offset === undefined) throw invalidParameter("Invalid NextToken value.");
  const p = page("ListDeadLetterSourceQueues", sources, offset, max ?? SQS_LIST_MAX);
  const out: Record<string, unknown> = { queueUrls: p.items.map((q) => queueUrl(ctx, q.name)) };
  if (max !== undefined && p.next !== undefined) out.NextToken = p.next;
  return ok(ctx, out);
}

export const SQS_ACTIONS: Record<string, (body: JsonBody, ctx: RequestContext) => WireResponse> = {
  ListQueues: listQueues,
  GetQueueUrl: getQueueUrl,
  GetQueueAttributes: getQueueAttributes,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
};

export const handleSqs = dispatch("sqs", SQS_ACTIONS);
