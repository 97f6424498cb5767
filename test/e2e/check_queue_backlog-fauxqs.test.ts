import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fauxqs, startFauxqs } from "../support/fauxqs";
import { firstLine, perfdata, runBinary } from "../support/run-binary";

// The compiled binary against fauxqs, a real SQS emulator: queues, messages and redrive are real, so
// visible, in-flight, delayed and dead-letter counts come from what actually happened to messages.

const REGION = "us-east-1";
let fauxqs: Fauxqs;
let sqs: SQSClient;

function check(args: string[]) {
  return runBinary("check_queue_backlog", ["--endpoint-url", fauxqs.url, "--region", REGION, ...args], { env: fauxqs.env() });
}

async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<string> {
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  return out.QueueUrl as string;
}

async function arnOf(url: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  return out.Attributes?.QueueArn as string;
}

async function send(url: string, count: number, delaySeconds?: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 10) {
    const n = Math.min(10, count - sent);
    const entries = Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: `message ${sent + i}`, DelaySeconds: delaySeconds }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
  }
}

/** Receives (and so hides) up to `count` messages for `visibilitySeconds`. */
async function receive(url: string, count: number, visibilitySeconds: number): Promise<number> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: count, VisibilityTimeout: visibilitySeconds }));
  return out.Messages?.length ?? 0;
}

/** A queue with a dead-letter queue, and `deadLetters` messages really moved there by redrive. */
async function queueWithDeadLetters(name: string, dlqUrl: string, maxReceiveCount: number | string, deadLetters: number): Promise<string> {
  const policy = JSON.stringify({ deadLetterTargetArn: await arnOf(dlqUrl), maxReceiveCount });
  const url = await createQueue(name, { RedrivePolicy: policy });
  for (let i = 0; i < deadLetters; i++) {
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `poison ${i}` }));
    // Received maxReceiveCount times with no visibility timeout, never deleted: the next receive moves it.
    for (let r = 0; r <= Number(maxReceiveCount); r++) await receive(url, 1, 0);
  }
  return url;
}

beforeAll(async () => {
  fauxqs = await startFauxqs();
  sqs = fauxqs.client(REGION);
});
afterAll(() => fauxqs?.stop());

describe("one queue, counts from real messages", () => {
  it("ok-empty: an empty queue without thresholds is OK and reported, found by name (GetQueueUrl)", async () => {
    await createQueue("empty");
    const r = await check(["--queue", "empty"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      "QUEUE OK: empty: 0 visible, 0 in flight, 0 delayed, no DLQ\n" +
        "[OK] empty: 0 visible, 0 in flight, 0 delayed, no DLQ | queues=1;;;0 empty.visible=0;;;0 empty.in_flight=0;;;0 empty.delayed=0;;;0\n",
    );
  });

  it("visible, in flight and delayed: sent, received under a visibility timeout, sent with DelaySeconds", async () => {
    const url = await createQueue("work");
    await send(url, 7);
    expect(await receive(url, 2, 300)).toBe(2);
    await send(url, 1, 600);

    const quiet = await check(["--queue", "work"]);
    expect(quiet.exitCode).toBe(0);
    expect(firstLine(quiet.stdout)).toBe("QUEUE OK: work: 5 visible, 2 in flight, 1 delayed, no DLQ");

    const r = await check(["--queue", "work", "-w", "4", "-c", "10", "--warning-in-flight", "1", "--critical-in-flight", "5"]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe("QUEUE WARNING: work: 5 visible (warning range 4), 2 in flight (warning range 1)");
    expect(r.stdout).toContain("[WARNING] work: 5 visible (warning range 4), 2 in flight (warning range 1), 1 delayed, no DLQ |");
    const perf = perfdata(r.stdout);
    expect(perf.get("queues")).toBe("1;;;0");
    expect(perf.get("work.visible")).toBe("5;4;10;0");
    expect(perf.get("work.in_flight")).toBe("2;1;5;0");
    expect(perf.get("work.delayed")).toBe("1;;;0");
    expect(perf.has("work.dlq")).toBe(false);

    const crit = await check(["--queue", "work", "-c", "~:4"]);
    expect(crit.exitCode).toBe(2);
    expect(firstLine(crit.stdout)).toBe("QUEUE CRITICAL: work: 5 visible (critical range ~:4)");
  });

  it("a queue URL is used as is (the exact URL fauxqs gave)", async () => {
    const url = await createQueue("by-url");
    await send(url, 3);
    expect(url).toMatch(/^http:\/\/sqs\.us-east-1\.127\.0\.0\.1:\d+\/000000000000\/by-url$/);
    const r = await check(["--queue", url, "-w", "2"]);
    expect(firstLine(r.stdout)).toBe("QUEUE WARNING: by-url: 3 visible (warning range 2)");
    expect(r.exitCode).toBe(1);
    expect(perfdata(r.stdout).get("by-url.visible")).toBe("3;2;;0");
  });

  it("crit-missing: a queue that does not exist is CRITICAL, named", async () => {
    const r = await check(["--queue", "no-such-queue"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("");
    expect(firstLine(r.stdout)).toBe("QUEUE CRITICAL: no-such-queue: queue does not exist in us-east-1");
    expect(perfdata(r.stdout).get("queues")).toBe("0;;;0");
  });
});

describe("dead-letter queues, filled by real redrive", () => {
  let dlqUrl: string;

  beforeAll(async () => {
    dlqUrl = await createQueue("billing-dlq");
    // maxReceiveCount as a string (as some SDKs and templates write it) and as a number.
    await queueWithDeadLetters("billing", dlqUrl, "2", 2);
    await queueWithDeadLetters("billing-retry", dlqUrl, 1, 1);
  });

  it("warn-dead-letters: any dead letter warns by default (--dlq-warning 0)", async () => {
    const r = await check(["--queue", "billing"]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe("QUEUE WARNING: billing: DLQ billing-dlq: 3 (warning range 0)");
    expect(r.stdout).toContain("[WARNING] billing: 0 visible, 0 in flight, 0 delayed, DLQ billing-dlq (after 2 receives): 3 (warning range 0) |");
    expect(perfdata(r.stdout).get("billing.dlq")).toBe("3;0;;0");
  });

  it("--dlq-critical and --dlq-warning judge the dead-letter depth; 0: never warns", async () => {
    const crit = await check(["--queue", "billing", "--dlq-critical", "2"]);
    expect(crit.exitCode).toBe(2);
    expect(firstLine(crit.stdout)).toBe("QUEUE CRITICAL: billing: DLQ billing-dlq: 3 (critical range 2)");
    expect(perfdata(crit.stdout).get("billing.dlq")).toBe("3;0;2;0");

    const calm = await check(["--queue", "billing", "--dlq-warning", "0:"]);
    expect(calm.exitCode).toBe(0);
    expect(perfdata(calm.stdout).get("billing.dlq")).toBe("3;0:;;0");
  });

  it("--queue-prefix: the dead-letter queue is judged as the others' DLQ, not as a backlog of its own", async () => {
    const r = await check(["--queue-prefix", "billing", "-w", "1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^QUEUE WARNING: billing: DLQ billing-dlq: 3 \(warning range 0\); 2 WARNING of 2 queue\(s\)\n/);
    expect(r.stdout).toContain("[WARNING] billing-retry: 0 visible, 0 in flight, 0 delayed, DLQ billing-dlq (after 1 receive): 3 (warning range 0)");
    const perf = perfdata(r.stdout);
    expect(perf.get("queues")).toBe("2;;;0");
    expect(perf.get("billing.dlq")).toBe("3;0;;0");
    expect(perf.get("billing-retry.dlq")).toBe("3;0;;0");
    expect(perf.has("billing-dlq.visible")).toBe(false);
  });

  it("crit-dlq-missing: a RedrivePolicy naming a deleted queue is CRITICAL", async () => {
    const gone = await createQueue("orphan-dlq");
    await createQueue("orphan", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(gone), maxReceiveCount: 3 }) });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone }));
    const r = await check(["--queue", "orphan"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("QUEUE CRITICAL: orphan: DLQ orphan-dlq does not exist (named by RedrivePolicy)");
  });
});

describe("several queues are one report", () => {
  it("worst first, the summary names the worst queue, a missing one among them", async () => {
    await send(await createQueue("fleet-a"), 2);
    await send(await createQueue("fleet-b"), 30);
    await send(await createQueue("fleet-c"), 12);
    const r = await check(["--queue-prefix", "fleet-", "--queue", "fleet-gone", "-w", "10", "-c", "20"]);
    expect(r.exitCode).toBe(2);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("QUEUE CRITICAL: fleet-gone: queue does not exist in us-east-1; 2 CRITICAL, 1 WARNING of 4 queue(s)");
    expect(lines[1]).toBe("[CRITICAL] fleet-gone: queue does not exist in us-east-1");
    expect(lines[2]).toBe("[CRITICAL] fleet-b: 30 visible (critical range 20), 0 in flight, 0 delayed, no DLQ");
    expect(lines[3]).toBe("[WARNING] fleet-c: 12 visible (warning range 10), 0 in flight, 0 delayed, no DLQ");
    expect(lines[4]).toMatch(/^\[OK\] fleet-a: 2 visible, 0 in flight, 0 delayed, no DLQ \| queues=3;;;0 fleet-b\.visible=30;10;20;0 /);
    const labels = [...perfdata(r.stdout).keys()];
    expect(labels.filter((l) => l.endsWith(".visible"))).toEqual(["fleet-b.visible", "fleet-c.visible", "fleet-a.visible"]);
  });

  it("all OK: the summary names the deepest queue", async () => {
    const r = await check(["--queue-prefix", "fleet-", "-c", "100"]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe("QUEUE OK: 3 queues OK; deepest fleet-b: 30 visible");
  });

  it("unknown-prefix: a --queue-prefix that matches nothing is UNKNOWN naming the prefix", async () => {
    const r = await check(["--queue-prefix", "nothing-here-"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe("QUEUE UNKNOWN: no queue name starts with 'nothing-here-' in us-east-1 (--queue-prefix nothing-here-)");
  });
});

describe("the range table (conventions §6) end to end, through the visible count", () => {
  const depths = [0, 5, 10, 15, 20, 25];
  const label = (n: number) => `range-${String(n).padStart(2, "0")}`;

  beforeAll(async () => {
    for (const n of depths) await send(await createQueue(label(n)), n);
  });

  // Which of 0, 5, 10, 15, 20, 25 each range alerts on (the table's columns; -1 cannot be a count).
  const table: [string, number[]][] = [
    ["10", [15, 20, 25]],
    ["10:", [0, 5]],
    ["~:10", [15, 20, 25]],
    ["10:20", [0, 5, 25]],
    ["@10:20", [10, 15, 20]],
    ["@~:10", [0, 5, 10]],
    ["0", [5, 10, 15, 20, 25]],
  ];

  it.each(table)("range %s as -w and as -c alerts on exactly the table's values (%j)", async (range, alerting) => {
    for (const [flag, state] of [["-w", "WARNING"], ["-c", "CRITICAL"]] as const) {
      const r = await check(["--queue-prefix", "range-", flag, range]);
      expect(r.exitCode).toBe(flag === "-w" ? 1 : 2);
      for (const n of depths) {
        const expected = alerting.includes(n) ? `[${state}] ${label(n)}: ${n} visible (${state.toLowerCase()} range ${range})` : `[OK] ${label(n)}: ${n} visible,`;
        expect(r.stdout, `${flag} ${range} at ${n}`).toContain(expected);
      }
      expect(perfdata(r.stdout).get(`${label(10)}.visible`)).toBe(flag === "-w" ? `10;${range};;0` : `10;;${range};0`);
    }
  });

  it("-w 10 -c 20: 0 and 10 OK, 15 and 20 WARNING, 25 CRITICAL", async () => {
    const r = await check(["--queue-prefix", "range-", "-w", "10", "-c", "20"]);
    expect(r.exitCode).toBe(2);
    const stateOf = (n: number) => new RegExp(`^\\[(\\w+)\\] ${label(n)}:`, "m").exec(r.stdout)?.[1];
    expect(depths.map(stateOf)).toEqual(["OK", "OK", "OK", "WARNING", "WARNING", "CRITICAL"]);
  });

  it("negative range values given as -w -10:-2 and --warning=-10:-2 are accepted (every count alerts)", async () => {
    for (const args of [["-w", "-10:-2"], ["--warning=-10:-2"]]) {
      const r = await check(["--queue", label(0), ...args]);
      expect(r.exitCode).toBe(1);
      expect(firstLine(r.stdout)).toBe(`QUEUE WARNING: ${label(0)}: 0 visible (warning range -10:-2)`);
    }
  });
});
