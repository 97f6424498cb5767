import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  paginateListQueues,
  type QueueAttributeName,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { type AwsConnection, awsRegions } from "../../src/aws/connect";
import { awsErrorText } from "../../src/aws/errors";
import type { AwsSettings } from "../../src/aws/options";
import type { RegionalPort } from "../../src/aws/regions";
import type { Context } from "../../src/context";
import { CheckError } from "../../src/errors";
import { mapBounded } from "../../src/concurrency";
import type { DeadLetterQueue, QueueReading } from "./judge";
import { parseQueueArn, parseRedrivePolicy, siblingQueueUrl } from "./redrive";
import type { RegionTargets } from "./selection";

/** What one region gave for the queues asked of it. */
export interface RegionBacklog {
  region: string;
  queues: QueueReading[];
  /** --queue names GetQueueUrl does not know in this region. */
  missingNames: string[];
  /** --queue URLs that name no queue. */
  missingUrls: string[];
  /** --queue-prefix values no queue name of this region starts with. */
  unmatchedPrefixes: string[];
  /** Queues that could not be read, and why (throttled, denied, unparseable…). */
  failed: { name: string; region: string; reason: string }[];
}

/** What check_queue_backlog reads in one region. */
export interface BacklogSource {
  read(targets: RegionTargets): Promise<RegionBacklog>;
}

type BacklogPort = RegionalPort<BacklogSource>;

export function connectBacklog(settings: AwsSettings, ctx: Context): BacklogPort {
  return awsRegions(settings, ctx, (conn, region) => new SqsBacklogSource(conn, region, (stage) => ctx.stage(stage)));
}

// The one GetQueueAttributes call per queue asks for exactly this. Not among the attributes, and so not
// read: the age of the oldest message, which only the CloudWatch metric ApproximateAgeOfOldestMessage has.
const ATTRIBUTES: QueueAttributeName[] = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "RedrivePolicy",
  "QueueArn",
];
// ListQueues returns at most 1,000 URLs. Without MaxResults it also returns no NextToken: the listing
// stops at 1,000 without a word. With it, NextToken pages on.
const PAGE = 1000;
// Calls in flight at once: quick for hundreds of queues, far below SQS's per-account API limits.
const CONCURRENCY = 16;

/** SQS answers an unknown queue with QueueDoesNotExist (JSON) or its old Query code. */
function isQueueDoesNotExist(err: unknown): boolean {
  const e = (err ?? {}) as { name?: string; Code?: string; code?: string };
  return [e.name, e.Code, e.code].some((c) => c === "QueueDoesNotExist" || c === "AWS.SimpleQueueService.NonExistentQueue");
}

interface Counts {
  visible: number;
  inFlight: number;
  delayed: number;
  redrivePolicy?: string;
  arn?: string;
}

type Depth = Pick<DeadLetterQueue, "visible" | "missing" | "error">;

/** A queue to read, and how it was asked for (which decides what "does not exist" means). */
type Found = { url: string; name: string; given: "name" | "url" | "prefix" };

/** The SQS side of check_queue_backlog: URLs from names and prefixes, then one attribute call per queue. */
class SqsBacklogSource implements BacklogSource {
  private readonly sqs: SQSClient;

  constructor(
    private readonly conn: AwsConnection,
    readonly region: string,
    /** Names the current step for the timeout message. */
    private readonly stage: (name: string) => void = () => {},
  ) {
    this.sqs = conn.client(SQSClient, region);
  }

  async read(targets: RegionTargets): Promise<RegionBacklog> {
    const out: RegionBacklog = { region: this.region, queues: [], missingNames: [], missingUrls: [], unmatchedPrefixes: [], failed: [] };
    const found = await this.find(targets, out);
    this.stage("reading queue attributes (sqs:GetQueueAttributes)");
    await mapBounded(found, CONCURRENCY, async (q) => {
      try {
        const counts = await this.counts(q.url, q.name);
        out.queues.push({ name: q.name, url: q.url, region: this.region, arn: counts.arn, ...pick(counts), ...redriveOf(counts) });
      } catch (err) {
        if (!isQueueDoesNotExist(err)) out.failed.push(this.failure(q.name, err));
        else if (q.given === "name") out.missingNames.push(q.name);
        else if (q.given === "url") out.missingUrls.push(q.url);
        // A listed queue deleted since ListQueues is simply gone: nothing to judge.
      }
    });
    await this.readDeadLetterQueues(out.queues);
    return out;
  }

  /** The URL of every queue asked for, each once: names through GetQueueUrl, prefixes through ListQueues. */
  private async find(targets: RegionTargets, out: RegionBacklog): Promise<Found[]> {
    const found = new Map<string, Found>();
    const add = (q: Found) => {
      if (!found.has(q.url)) found.set(q.url, q);
    };
    if (targets.names.length > 0) this.stage("looking up queue URLs (sqs:GetQueueUrl)");
    await mapBounded(targets.names, CONCURRENCY, async (name) => {
      try {
        const url = await this.urlOf(name);
        if (url === undefined) out.missingNames.push(name);
        else add({ url, name, given: "name" });
      } catch (err) {
        out.failed.push(this.failure(name, err));
      }
    });
    for (const u of targets.urls) add({ url: u.url, name: u.name, given: "url" });
    if (targets.prefixes.length > 0) this.stage("listing queues (sqs:ListQueues)");
    for (const prefix of targets.prefixes) {
      const urls = await this.list(prefix);
      if (urls.length === 0) out.unmatchedPrefixes.push(prefix);
      for (const url of urls) add({ url, name: nameOf(url), given: "prefix" });
    }
    return [...found.values()];
  }

  /** Every queue URL whose name starts with `prefix`, all pages. */
  private async list(prefix: string): Promise<string[]> {
    const urls: string[] = [];
    const input = { QueueNamePrefix: prefix, MaxResults: PAGE };
    for await (const page of paginateListQueues({ client: this.sqs, pageSize: PAGE }, input, this.conn.sendOptions)) {
      urls.push(...(page.QueueUrls ?? []));
    }
    return urls;
  }

  /** GetQueueUrl; undefined when the queue does not exist. */
  private async urlOf(name: string, ownerAccountId?: string): Promise<string | undefined> {
    try {
      const out = await this.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: ownerAccountId }), this.conn.sendOptions);
      if (!out.QueueUrl) throw new CheckError(`unparseable answer from sqs:GetQueueUrl: no QueueUrl for ${name}`);
      return out.QueueUrl;
    } catch (err) {
      if (isQueueDoesNotExist(err)) return undefined;
      throw err;
    }
  }

  private async counts(url: string, name: string): Promise<Counts> {
    const out = await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ATTRIBUTES }), this.conn.sendOptions);
    const a = out.Attributes ?? {};
    const count = (attribute: QueueAttributeName) => {
      const text = a[attribute];
      if (text === undefined || !/^\d+$/.test(text)) {
        throw new CheckError(`unparseable answer from sqs:GetQueueAttributes: ${attribute} of ${name} is ${text === undefined ? "missing" : `'${text}'`}`);
      }
      return Number(text);
    };
    return {
      visible: count("ApproximateNumberOfMessages"),
      inFlight: count("ApproximateNumberOfMessagesNotVisible"),
      delayed: count("ApproximateNumberOfMessagesDelayed"),
      redrivePolicy: a.RedrivePolicy,
      arn: a.QueueArn,
    };
  }

  /**
   * Fills in each queue's dead-letter depth. A dead-letter queue shared by many queues is read once, and
   * one that is itself among the queues read is not read again.
   */
  private async readDeadLetterQueues(queues: QueueReading[]): Promise<void> {
    const known = new Map<string, number>();
    for (const q of queues) if (q.arn) known.set(q.arn, q.visible);
    const toRead = new Map<string, { dlq: DeadLetterQueue; sourceUrl: string }>();
    for (const q of queues) {
      if (q.dlq && !known.has(q.dlq.arn) && !toRead.has(q.dlq.arn)) toRead.set(q.dlq.arn, { dlq: q.dlq, sourceUrl: q.url });
    }
    const depths = new Map<string, Depth>();
    if (toRead.size > 0) this.stage("reading dead-letter queues (sqs:GetQueueAttributes)");
    await mapBounded([...toRead], CONCURRENCY, async ([arn, { dlq, sourceUrl }]) => {
      depths.set(arn, await this.deadLetterDepth(dlq, sourceUrl));
    });
    for (const q of queues) {
      if (!q.dlq) continue;
      const visible = known.get(q.dlq.arn);
      q.dlq = { ...q.dlq, ...(visible !== undefined ? { visible } : depths.get(q.dlq.arn)) };
    }
  }

  private async deadLetterDepth(dlq: DeadLetterQueue, sourceUrl: string): Promise<Depth> {
    const target = parseQueueArn(dlq.arn);
    try {
      const derived = target && siblingQueueUrl(sourceUrl, target);
      if (derived !== undefined) {
        try {
          return { visible: (await this.counts(derived, dlq.name)).visible };
        } catch (err) {
          if (!isQueueDoesNotExist(err)) throw err;
        }
      }
      // The derived URL missed (an endpoint that builds URLs its own way): ask SQS where the queue is.
      const url = await this.urlOf(dlq.name, target?.accountId);
      if (url === undefined || url === derived) return { missing: true };
      return { visible: (await this.counts(url, dlq.name)).visible };
    } catch (err) {
      if (isQueueDoesNotExist(err)) return { missing: true };
      this.rethrowIfAborted(err);
      return { error: reasonOf(err) };
    }
  }

  private failure(name: string, err: unknown) {
    this.rethrowIfAborted(err);
    return { name, region: this.region, reason: reasonOf(err) };
  }

  // After the deadline nothing is judged any more: the runner reports the timeout.
  private rethrowIfAborted(err: unknown): void {
    if (this.conn.sendOptions.abortSignal.aborted) throw err;
  }
}

function reasonOf(err: unknown): string {
  return err instanceof CheckError ? err.message : awsErrorText(err);
}

function nameOf(url: string): string {
  return url.replace(/\/+$/, "").split("/").pop() ?? url;
}

function pick(c: Counts) {
  return { visible: c.visible, inFlight: c.inFlight, delayed: c.delayed };
}

function redriveOf(c: Counts): Pick<QueueReading, "dlq" | "redriveProblem"> {
  if (c.redrivePolicy === undefined || c.redrivePolicy.trim() === "") return {};
  try {
    const policy = parseRedrivePolicy(c.redrivePolicy);
    const arn = parseQueueArn(policy.deadLetterTargetArn);
    return { dlq: { name: arn?.name ?? policy.deadLetterTargetArn, arn: policy.deadLetterTargetArn, maxReceiveCount: policy.maxReceiveCount } };
  } catch (err) {
    return { redriveProblem: (err as Error).message };
  }
}

