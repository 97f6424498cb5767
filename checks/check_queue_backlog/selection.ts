import { UsageError } from "../../src/errors";

/** A queue given by its URL: used as is, in the region its host names (when it names one). */
interface GivenUrl {
  url: string;
  name: string;
  region?: string;
}

/** Which queues to judge, as the command line gave them. */
export interface QueueSelection {
  /** Queue names, each resolved with GetQueueUrl in every region read. */
  names: string[];
  urls: GivenUrl[];
  /** ListQueues name prefixes (case-sensitive, as SQS compares them). */
  prefixes: string[];
}

/** What one region is asked for. */
export interface RegionTargets {
  names: string[];
  urls: GivenUrl[];
  prefixes: string[];
}

// SQS: 1-80 letters, digits, hyphens and underscores; a FIFO queue's name ends in `.fifo` within the 80.
const QUEUE_NAME = /^(?=.{1,80}$)[A-Za-z0-9_-]+(\.fifo)?$/;
const PREFIX = /^[A-Za-z0-9_.-]{1,80}$/;
const REGION = String.raw`[a-z]{2}(?:-[a-z]+)+-\d+`;
// `sqs.<region>.amazonaws.com` (and emulators that copy it) or the legacy `<region>.queue.amazonaws.com`.
const URL_REGION = [new RegExp(`^sqs\\.(${REGION})\\.`), new RegExp(`^(${REGION})\\.queue\\.amazonaws\\.com`)];

function isQueueName(text: string): boolean {
  return QUEUE_NAME.test(text);
}

/**
 * The region a queue URL lives in. The SDK signs for the client's region, not the URL's, and SQS answers
 * a wrongly signed lookup with QueueDoesNotExist, so a URL's own region wins over --region.
 */
export function regionOfUrl(host: string): string | undefined {
  for (const pattern of URL_REGION) {
    const m = pattern.exec(host);
    if (m) return m[1];
  }
  return undefined;
}

// Parsed by hand, not with `new URL()`: emulators hand out hosts such as `sqs.us-east-1.127.0.0.1`, which
// WHATWG URL parsing rejects (a host whose last label is a number must be an IPv4 address), yet SQS
// lookups need the URL exactly as it was given.
const QUEUE_URL = /^https?:\/\/([^/?#@\s]+?)(?::\d+)?\/(?:[^/?#\s]+\/)*([^/?#\s]+)\/?$/i;

function parseQueueUrl(text: string): GivenUrl {
  const m = QUEUE_URL.exec(text);
  if (!m || !isQueueName(m[2])) {
    throw new UsageError(`--queue: '${text}' is not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)`);
  }
  return { url: text, name: m[2], region: regionOfUrl(m[1].toLowerCase()) };
}

export function parseSelection(queues: readonly string[], prefixes: readonly string[]): QueueSelection {
  const names: string[] = [];
  const urls: GivenUrl[] = [];
  for (const text of new Set(queues)) {
    if (/^https?:\/\//i.test(text)) urls.push(parseQueueUrl(text));
    else if (isQueueName(text)) names.push(text);
    else throw new UsageError(`--queue: '${text}' is neither a queue name (1-80 letters, digits, - and _, optional .fifo) nor a queue URL`);
  }
  const prefixList = [...new Set(prefixes)];
  for (const p of prefixList) {
    if (!PREFIX.test(p)) throw new UsageError(`--queue-prefix: '${p}' cannot start a queue name (letters, digits, - _ and .)`);
  }
  if (names.length + urls.length + prefixList.length === 0) {
    throw new UsageError("no queue given: pass --queue NAME (or URL), or --queue-prefix PREFIX");
  }
  return { names, urls, prefixes: prefixList };
}

/** True when some queue can only be found through the region chain (a name, a prefix, a URL without region). */
export function needsRegion(selection: QueueSelection): boolean {
  return selection.names.length > 0 || selection.prefixes.length > 0 || selection.urls.some((u) => u.region === undefined);
}

/**
 * What each region is asked for: names and prefixes in every region, a URL in its own region, or in the
 * first region when its host names none (a custom endpoint, a VPC endpoint).
 */
export function planRegions(selection: QueueSelection, regions: string[]): Map<string, RegionTargets> {
  const plan = new Map<string, RegionTargets>();
  const targets = (region: string) => {
    let t = plan.get(region);
    if (t === undefined) plan.set(region, (t = { names: [], urls: [], prefixes: [] }));
    return t;
  };
  if (selection.names.length > 0 || selection.prefixes.length > 0) {
    for (const region of regions) {
      targets(region).names.push(...selection.names);
      targets(region).prefixes.push(...selection.prefixes);
    }
  }
  for (const u of selection.urls) targets(u.region ?? regions[0]).urls.push(u);
  return plan;
}
