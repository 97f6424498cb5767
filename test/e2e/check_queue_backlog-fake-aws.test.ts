import { beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, type FaultSpec, makeQueues, type Queue, type Scenario } from "../support/fake-aws";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { lateBy } from "../support/timing";
import { withFakeAws } from "../support/fake-aws/lifecycle";

// The compiled binary against the wire-level fake endpoint: what fauxqs cannot do — 1,200 queues over
// ListQueues pages, call counts, several regions, and faults (throttling, 500, malformed, hang, denied).

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
let fake: FakeAws;

const scenario = (queues: Queue[], eu: Queue[] = []): Scenario => ({ regions: { [REGION]: { queues }, "eu-west-1": { queues: eu } } });

function check(args: string[], opts: { env?: Record<string, string>; region?: boolean; killAfterMs?: number } = {}) {
  const region = opts.region === false ? [] : ["--region", REGION];
  return runBinary("check_queue_backlog", ["--endpoint-url", fake.url, ...region, ...args], {
    env: { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x", ...opts.env },
    killAfterMs: opts.killAfterMs,
  });
}

const sqsFault = (fault: Omit<FaultSpec, "service">) => fake.inject({ service: "sqs", ...fault });

withFakeAws(scenario([]), (started) => (fake = started));

describe("--queue-prefix over every ListQueues page", () => {
  it("1,200 queues: all judged, ListQueues twice with MaxResults 1000, one GetQueueAttributes per queue, worst first", async () => {
    // Queue n (1-based) has n visible messages: bulk-1200 is the deepest, 201 queues are above 999.
    fake.setScenario(scenario([...makeQueues({ count: 1200, prefix: "bulk", depth: (i) => ({ visible: i + 1 }) }), { name: "other" }]));
    // Calls are counted here, not time: 1,200 signed calls cost about a second of CPU, many more on a
    // loaded machine, so a deadline it cannot reach (speed: bench/).
    const r = await check(["--queue-prefix", "bulk-", "-w", "999", "-c", "1199", "-t", "60"], { killAfterMs: 90_000 });
    expect(r.stderr).toBe("");
    expect(firstLine(r.stdout)).toBe("QUEUE CRITICAL: bulk-1200: 1200 visible (critical range 1199); 1 CRITICAL, 200 WARNING of 1200 queue(s)");
    expect(r.exitCode).toBe(2);
    expect(perfdata(r.stdout).get("queues")).toBe("1200;;;0");
    expect(r.stdout).toContain("[WARNING] bulk-1199: 1199 visible (warning range 999)");
    expect(r.stdout).toMatch(/\.\.\. \d+ more line\(s\) not shown \(output is limited to 4096 bytes\)/);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4096);
    // The worst queues' perfdata first, as many as the cap allows.
    const labels = [...perfdata(r.stdout).keys()];
    expect(labels.slice(0, 4)).toEqual(["queues", "bulk-1200.visible", "bulk-1200.in_flight", "bulk-1200.delayed"]);
    expect(labels).toContain("bulk-1190.visible");
    expect(labels).not.toContain("bulk-1.visible");

    const lists = fake.callsWhere({ action: "ListQueues" });
    expect(lists).toHaveLength(2);
    expect(lists.map((c) => c.params.MaxResults)).toEqual([1000, 1000]);
    expect(lists.map((c) => c.params.QueueNamePrefix)).toEqual(["bulk-", "bulk-"]);
    expect(fake.count("GetQueueAttributes")).toBe(1200);
    expect(fake.count("GetQueueUrl")).toBe(0);
    const asked = fake.callsWhere({ action: "GetQueueAttributes" })[0].params.AttributeNames;
    expect(asked).toEqual([
      "ApproximateNumberOfMessages",
      "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesDelayed",
      "RedrivePolicy",
      "QueueArn",
    ]);
  }, 120_000);
});

describe("dead-letter queues", () => {
  it("a dead-letter queue shared by three queues is read once; its URL is derived, not looked up", async () => {
    const redrive = { deadLetterTargetName: "shared-dlq", maxReceiveCount: 4 };
    fake.setScenario(scenario([{ name: "a", redrive }, { name: "b", redrive }, { name: "c", visible: 7, redrive }, { name: "shared-dlq", visible: 2 }]));
    const r = await check(["--queue", "a", "--queue", "b", "--queue", "c", "--dlq-critical", "1"]);
    expect(firstLine(r.stdout)).toBe("QUEUE CRITICAL: c: DLQ shared-dlq: 2 (critical range 1); 3 CRITICAL of 3 queue(s)");
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain("[CRITICAL] c: 7 visible, 0 in flight, 0 delayed, DLQ shared-dlq (after 4 receives): 2 (critical range 1)");
    expect(perfdata(r.stdout).get("a.dlq")).toBe("2;0;1;0");
    expect(fake.count("GetQueueUrl")).toBe(3);
    expect(fake.count("GetQueueAttributes")).toBe(4);
  });

  it("maxReceiveCount as a string is read; an unreadable RedrivePolicy is UNKNOWN for that queue only", async () => {
    const policy = JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:dl`, maxReceiveCount: "5" });
    fake.setScenario(scenario([{ name: "s", attributes: { RedrivePolicy: policy } }, { name: "dl" }, { name: "bad", attributes: { RedrivePolicy: "{oops" } }]));
    const r = await check(["--queue", "s", "--queue", "bad"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toContain("[UNKNOWN] bad: 0 visible, 0 in flight, 0 delayed, RedrivePolicy is not JSON: {oops");
    expect(r.stdout).toContain("[OK] s: 0 visible, 0 in flight, 0 delayed, DLQ dl (after 5 receives): 0");
  });
});

describe("regions", () => {
  it("several regions: labels carry the region; a failing region is one UNKNOWN line, the other is judged", async () => {
    fake.setScenario(scenario([{ name: "jobs", visible: 3 }], [{ name: "jobs", visible: 40 }]));
    const r = await check(["--region", "eu-west-1", "--queue", "jobs", "-w", "10"]);
    expect(firstLine(r.stdout)).toBe("QUEUE WARNING: jobs [eu-west-1]: 40 visible (warning range 10); 1 WARNING of 2 queue(s)");
    expect(perfdata(r.stdout).get("us-east-1/jobs.visible")).toBe("3;10;;0");
    expect(perfdata(r.stdout).get("eu-west-1/jobs.visible")).toBe("40;10;;0");

    sqsFault({ action: "GetQueueUrl", region: "eu-west-1", kind: "accessDenied" });
    const failed = await check(["--region", "eu-west-1", "--queue", "jobs", "-w", "10"]);
    expect(failed.exitCode).toBe(3);
    expect(failed.stdout).toContain("[UNKNOWN] jobs [eu-west-1]: access denied: the credentials may not call sqs:GetQueueUrl");
    expect(failed.stdout).toContain("[OK] jobs [us-east-1]: 3 visible");
  });

  it("a queue missing in one region but present in another is not missing", async () => {
    fake.setScenario(scenario([], [{ name: "eu-only", visible: 1 }]));
    const r = await check(["--region", "eu-west-1", "--queue", "eu-only"]);
    expect(firstLine(r.stdout)).toBe("QUEUE OK: eu-only [eu-west-1]: 1 visible, 0 in flight, 0 delayed, no DLQ");
    expect(r.exitCode).toBe(0);
  });

  it("a queue URL names its own region: signed for eu-west-1 although --region says us-east-1", async () => {
    fake.setScenario(scenario([], [{ name: "eu-only", visible: 1 }]));
    const r = await check(["--queue", `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/eu-only`]);
    expect(firstLine(r.stdout)).toBe("QUEUE OK: eu-only: 1 visible, 0 in flight, 0 delayed, no DLQ");
    expect(fake.callsWhere({ action: "GetQueueAttributes" }).map((c) => c.region)).toEqual(["eu-west-1"]);
  });

  it("queues given by URL need no region; a name without any region is UNKNOWN saying so", async () => {
    fake.setScenario(scenario([], [{ name: "eu-only", visible: 1 }]));
    const byUrl = await check(["--queue", `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/eu-only`], { region: false });
    expect(byUrl.exitCode).toBe(0);
    const byName = await check(["--queue", "eu-only"], { region: false });
    expect(byName.stdout).toBe("QUEUE UNKNOWN: no region: pass --region or set AWS_REGION\n");
    expect(byName.exitCode).toBe(3);
  });
});

describe("missing queues and faults", () => {
  beforeEach(() => fake.setScenario(scenario([{ name: "orders", visible: 12 }])));

  it("crit-missing: a name and a URL that do not exist are CRITICAL, named", async () => {
    const url = `${fake.url}/${ACCOUNT}/gone-too`;
    const r = await check(["--queue", "gone", "--queue", url, "--queue", "orders"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("QUEUE CRITICAL: gone: queue does not exist in us-east-1; 2 CRITICAL of 3 queue(s)");
    expect(r.stdout).toContain(`[CRITICAL] ${url}: queue does not exist`);
  });

  it("throttled for the first calls, then answered: the right state, after retries", async () => {
    sqsFault({ action: "GetQueueAttributes", kind: "throttle", times: 2 });
    const r = await check(["--queue", "orders", "-w", "10"]);
    expect(firstLine(r.stdout)).toBe("QUEUE WARNING: orders: 12 visible (warning range 10)");
    expect(r.exitCode).toBe(1);
    expect(fake.count("GetQueueAttributes")).toBe(3);
  });

  it("throttled every time: UNKNOWN naming throttling and the call", async () => {
    sqsFault({ action: "GetQueueAttributes", kind: "throttle" });
    const r = await check(["--queue", "orders", "-w", "10"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe(
      "QUEUE UNKNOWN: orders: throttled by AWS on sqs:GetQueueAttributes after 3 attempts (ThrottlingException); raise --max-attempts or call less often",
    );
  });

  it("throttled ListQueues: UNKNOWN naming it", async () => {
    sqsFault({ action: "ListQueues", kind: "throttle" });
    const r = await check(["--queue-prefix", "ord", "--max-attempts", "2"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toMatch(/^QUEUE UNKNOWN: throttled by AWS on sqs:ListQueues after 2 attempts \(ThrottlingException\)/);
  });

  it("a failed lookup never hides a missing queue: CRITICAL wins over UNKNOWN", async () => {
    sqsFault({ action: "GetQueueAttributes", kind: "throttle" });
    const r = await check(["--queue", "orders", "--queue", "gone", "--max-attempts", "1"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("QUEUE CRITICAL: gone: queue does not exist in us-east-1; 1 CRITICAL, 1 UNKNOWN of 2 queue(s)");
    expect(r.stdout).toContain("[UNKNOWN] orders: throttled by AWS on sqs:GetQueueAttributes");
  });

  it("HTTP 500 once is retried; 500 every time is UNKNOWN naming the call and status", async () => {
    sqsFault({ action: "GetQueueAttributes", kind: "error500", times: 1 });
    expect((await check(["--queue", "orders", "-c", "5"])).exitCode).toBe(2);
    fake.clearFaults();
    sqsFault({ action: "GetQueueAttributes", kind: "error500" });
    const r = await check(["--queue", "orders", "-c", "5"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toMatch(/^QUEUE UNKNOWN: orders: sqs:GetQueueAttributes failed: InternalFailure \(HTTP 500\)/);
  });

  it("a malformed answer is UNKNOWN, never a wrong OK", async () => {
    sqsFault({ action: "GetQueueAttributes", kind: "malformed" });
    const r = await check(["--queue", "orders"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toMatch(/^QUEUE UNKNOWN: orders: unparseable answer from sqs:GetQueueAttributes/);
  });

  it("a hung call is UNKNOWN at -t, naming the stage", async () => {
    sqsFault({ action: "GetQueueAttributes", kind: "hang" });
    const r = await check(["--queue", "orders", "-t", "2"]);
    expect(r.stdout).toBe("QUEUE UNKNOWN: timed out after 2s while reading queue attributes (sqs:GetQueueAttributes)\n");
    expect(r.exitCode).toBe(3);
    expect(r.ms).toBeLessThan(lateBy(2000)); // exits at its deadline: a hung socket would hold it until killed
  });

  it("a hung ListQueues times out naming it", async () => {
    sqsFault({ action: "ListQueues", kind: "hang" });
    const r = await check(["--queue-prefix", "ord", "-t", "1"]);
    expect(r.stdout).toBe("QUEUE UNKNOWN: timed out after 1s while listing queues (sqs:ListQueues)\n");
    expect(r.ms).toBeLessThan(lateBy(1000));
  });

  it("access denied is UNKNOWN naming sqs:GetQueueAttributes", async () => {
    sqsFault({ action: "GetQueueAttributes", kind: "accessDenied" });
    const r = await check(["--queue", "orders"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe("QUEUE UNKNOWN: orders: access denied: the credentials may not call sqs:GetQueueAttributes (AccessDenied)");
    expect(fake.count("GetQueueAttributes")).toBe(1);
  });

  it("rejected credentials are UNKNOWN naming the cause", async () => {
    sqsFault({ kind: "authFailure" });
    const r = await check(["--queue", "orders"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toMatch(/^QUEUE UNKNOWN: orders: AWS rejected the credentials \(InvalidClientTokenId on sqs:GetQueueUrl\)/);
  });
});

describe("credentials and formats", () => {
  beforeEach(() => fake.setScenario(scenario([{ name: "orders", visible: 12, redrive: { deadLetterTargetName: "orders-dlq", maxReceiveCount: 3 } }, { name: "orders-dlq", visible: 1 }])));

  it("--role-arn assumes the role once and every SQS call uses its credentials", async () => {
    const r = await check(["--queue-prefix", "orders", "--role-arn", "arn:aws:iam::210987654321:role/monitor", "--external-id", "xyz"]);
    expect(r.exitCode).toBe(1);
    expect(fake.assumedRoles).toHaveLength(1);
    expect(fake.assumedRoles[0]).toMatchObject({ roleArn: "arn:aws:iam::210987654321:role/monitor", externalId: "xyz", callerAccessKeyId: "AKIDTEST" });
    const sqsCalls = fake.callsWhere({ service: "sqs" });
    expect(sqsCalls.length).toBe(3);
    expect(new Set(sqsCalls.map((c) => c.accessKeyId))).toEqual(new Set([fake.assumedRoles[0].accessKeyId]));
  });

  it("--format json: one object with the same state, findings and metrics", async () => {
    const r = await check(["--queue-prefix", "orders", "-w", "10", "--format", "json"]);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ command: "check_queue_backlog", state: "WARNING", exitCode: 1 });
    expect(out.summary).toBe("orders: 12 visible (warning range 10), DLQ orders-dlq: 1 (warning range 0)");
    expect(out.findings).toEqual([
      expect.objectContaining({ state: "WARNING", queue: "orders", region: REGION, visible: 12, inFlight: 0, delayed: 0, dlq: "orders-dlq", dlqVisible: 1 }),
    ]);
    expect(out.metrics.map((m: { label: string }) => m.label)).toEqual(["queues", "orders.visible", "orders.in_flight", "orders.delayed", "orders.dlq"]);
    expect(out.metrics[1]).toMatchObject({ value: 12, warning: "10", critical: null, min: 0 });
  });

  it("-v says why a listed dead-letter queue is not judged as a backlog", async () => {
    const r = await check(["--queue-prefix", "orders", "-v"]);
    expect(r.stdout).toContain("\norders-dlq: judged as another queue's dead-letter queue, not as a backlog | queues=1;;;0 ");
  });
});
