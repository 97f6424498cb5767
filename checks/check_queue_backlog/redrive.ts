/** A queue's RedrivePolicy: where its dead letters go. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  /** Receives before a message is moved; undefined when the policy does not say (or says nonsense). */
  maxReceiveCount?: number;
}

/** An SQS queue ARN, `arn:aws:sqs:<region>:<account>:<name>`. */
export interface QueueArn {
  region: string;
  accountId: string;
  name: string;
}

const ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,80})$/;

export function parseQueueArn(arn: string): QueueArn | undefined {
  const m = ARN.exec(arn);
  return m ? { region: m[1], accountId: m[2], name: m[3] } : undefined;
}

/**
 * The RedrivePolicy attribute is a JSON *string*. `maxReceiveCount` comes as a number from the console
 * and as a string from some SDKs and templates (`"5"`), so both are read. Throws with a reason when
 * the policy cannot name a dead-letter queue.
 */
export function parseRedrivePolicy(text: string): RedrivePolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`RedrivePolicy is not JSON: ${text.slice(0, 80)}`);
  }
  const policy = (raw ?? {}) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  const arn = policy.deadLetterTargetArn;
  if (typeof arn !== "string" || parseQueueArn(arn) === undefined) {
    throw new Error(`RedrivePolicy has no queue ARN in deadLetterTargetArn: ${text.slice(0, 80)}`);
  }
  const count = typeof policy.maxReceiveCount === "string" ? Number(policy.maxReceiveCount.trim()) : policy.maxReceiveCount;
  return {
    deadLetterTargetArn: arn,
    maxReceiveCount: typeof count === "number" && Number.isInteger(count) && count > 0 ? count : undefined,
  };
}

/**
 * The URL a dead-letter queue has, derived from a queue URL of the same account and region: SQS URLs
 * are `<endpoint>/<account>/<name>`, and a dead-letter queue must share its source's account and region.
 * Saves a GetQueueUrl call per dead-letter queue; callers fall back to GetQueueUrl when it misses.
 */
export function siblingQueueUrl(sourceUrl: string, target: QueueArn): string | undefined {
  const m = /^(.*\/)\d{12}\/[^/]+\/?$/.exec(sourceUrl);
  return m ? `${m[1]}${target.accountId}/${encodeURIComponent(target.name)}` : undefined;
}
