import { describe, expect, it } from "vitest";
import check from "../../checks/check_queue_backlog/index";
import type { QueueReading } from "../../checks/check_queue_backlog/judge";
import type { BacklogSource } from "../../checks/check_queue_backlog/source";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { denied, regional } from "./ports";

const ACCOUNT = "123456789012";
const queue = (name: string, visible: number, extra: Partial<QueueReading> = {}): QueueReading => ({
  name,
  url: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/${name}`,
  region: "eu-west-1",
  arn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:${name}`,
  visible,
  inFlight: 0,
  delayed: 0,
  ...extra,
});
const dlq = (name: string, visible?: number, missing?: boolean) => ({ name, arn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:${name}`, maxReceiveCount: 5, visible, missing });

/** One region's SQS: the queues that exist, and ones that fail to read with a reason. */
function sqs(queues: QueueReading[] | Error, failing: Record<string, string> = {}): BacklogSource {
  return {
    read: async (targets) => {
      if (queues instanceof Error) throw queues;
      const byName = new Map(queues.map((q) => [q.name, q]));
      const named = targets.names.filter((n) => byName.has(n));
      const prefixed = targets.prefixes.flatMap((p) => queues.filter((q) => q.name.startsWith(p)).map((q) => q.name));
      return {
        region: "eu-west-1",
        queues: [...new Set([...named, ...prefixed])].filter((n) => !(n in failing)).map((n) => ({ ...(byName.get(n) as QueueReading) })),
        missingNames: targets.names.filter((n) => !byName.has(n) && !(n in failing)),
        missingUrls: [],
        unmatchedPrefixes: targets.prefixes.filter((p) => !queues.some((q) => q.name.startsWith(p))),
        failed: Object.entries(failing).map(([name, reason]) => ({ name, region: "eu-west-1", reason })),
      };
    },
  };
}
const one = (queues: QueueReading[] | Error, failing: Record<string, string> = {}) => regional({ "eu-west-1": sqs(queues, failing) });

describe("check_queue_backlog scenarios", () => {
  it.each([
    ["ok-backlog-only-reported-without-thresholds", ["--queue", "orders"], one([queue("orders", 5000)]), State.OK, "orders: 5000 visible"],
    ["ok-within-thresholds", ["--queue", "orders", "-w", "100", "-c", "1000"], one([queue("orders", 10)]), State.OK, "QUEUE OK"],
    ["ok-empty-dead-letter-queue", ["--queue", "orders"], one([queue("orders", 1, { dlq: dlq("orders-dlq", 0) })]), State.OK, "QUEUE OK"],
    ["ok-dlq-also-selected-judged-once", ["--queue-prefix", "orders"], one([queue("orders", 1, { dlq: dlq("orders-dlq", 0) }), queue("orders-dlq", 0)]), State.OK, "orders: 1 visible"],
    ["warn-visible-beyond-warning", ["--queue", "orders", "-w", "100", "-c", "1000"], one([queue("orders", 500)]), State.WARNING, "orders: 500 visible (warning range 100)"],
    ["warn-in-flight-beyond-warning", ["--queue", "orders", "--warning-in-flight", "10"], one([queue("orders", 0, { inFlight: 50 })]), State.WARNING, "50 in flight"],
    ["crit-in-flight-beyond-critical", ["--queue", "orders", "--critical-in-flight", "10"], one([queue("orders", 0, { inFlight: 50 })]), State.CRITICAL, "50 in flight (critical range 10)"],
    ["ok-delayed-only-reported", ["--queue", "orders", "-w", "100", "-c", "1000"], one([queue("orders", 0, { delayed: 5000 })]), State.OK, "5000 delayed"],
    ["warn-any-dead-letter-by-default", ["--queue", "orders"], one([queue("orders", 0, { dlq: dlq("orders-dlq", 3) })]), State.WARNING, "orders: DLQ orders-dlq: 3 (warning range 0)"],
    ["ok-dead-letters-ignored-with-0:", ["--queue", "orders", "--dlq-warning", "0:"], one([queue("orders", 0, { dlq: dlq("orders-dlq", 3) })]), State.OK, "QUEUE OK"],
    ["crit-visible-beyond-critical", ["--queue", "orders", "-c", "1000"], one([queue("orders", 5000)]), State.CRITICAL, "orders: 5000 visible (critical range 1000)"],
    ["crit-dead-letters-beyond-dlq-critical", ["--queue", "orders", "--dlq-critical", "10"], one([queue("orders", 0, { dlq: dlq("orders-dlq", 11) })]), State.CRITICAL, "orders: DLQ orders-dlq: 11 (critical range 10)"],
    ["crit-queue-does-not-exist", ["--queue", "gone"], one([queue("orders", 0)]), State.CRITICAL, "gone: queue does not exist in eu-west-1"],
    ["crit-dead-letter-queue-does-not-exist", ["--queue", "orders"], one([queue("orders", 0, { dlq: dlq("orders-dlq", undefined, true) })]), State.CRITICAL, "orders-dlq"],
    ["crit-missing-beats-unreadable", ["--queue", "gone", "--queue", "slow"], one([queue("orders", 0)], { slow: "throttled by AWS on sqs:GetQueueAttributes" }), State.CRITICAL, "gone: queue does not exist"],
    ["unknown-prefix-matches-nothing", ["--queue-prefix", "backup-"], one([queue("orders", 0)]), State.UNKNOWN, "no queue name starts with 'backup-' in eu-west-1 (--queue-prefix backup-)"],
    ["unknown-queue-unreadable", ["--queue", "slow"], one([], { slow: "throttled by AWS on sqs:GetQueueAttributes" }), State.UNKNOWN, "slow: throttled by AWS on sqs:GetQueueAttributes"],
    ["unknown-no-queue-given", [], one([]), State.UNKNOWN, "no queue given: pass --queue NAME (or URL), or --queue-prefix PREFIX"],
    ["unknown-access-denied", ["--queue", "orders"], one(denied("sqs:GetQueueUrl")), State.UNKNOWN, "may not call sqs:GetQueueUrl"],
    [
      "unknown-other-region-unread",
      ["--queue", "orders", "-w", "10"],
      regional({ "eu-west-1": sqs([queue("orders", 5)]), "us-east-1": sqs(denied("sqs:GetQueueUrl")) }),
      State.UNKNOWN,
      "region us-east-1: access denied",
    ],
    [
      "warn-other-region-unread",
      ["--queue", "orders", "-w", "1"],
      regional({ "eu-west-1": sqs([queue("orders", 5)]), "us-east-1": sqs(denied("sqs:GetQueueUrl")) }),
      State.WARNING,
      "region us-east-1: access denied",
    ],
  ])("%s", async (_id, argv, port, state, text) => {
    const r = await runCheck(check, argv, { port });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });
});
