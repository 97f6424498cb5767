import { describe, expect, it } from "vitest";
import { judgeQueue, type QueueReading, type QueueRules, withoutDeadLetterQueues, worstFirst } from "../../checks/check_queue_backlog/judge";
import checkQueueBacklog from "../../checks/check_queue_backlog/index";
import { HELP_WIDTH } from "../../src/help";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";

const queue = (visible: number, extra: Partial<QueueReading> = {}): QueueReading => ({
  name: "orders",
  url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
  region: "eu-west-1",
  arn: "arn:aws:sqs:eu-west-1:123456789012:orders",
  visible,
  inFlight: 0,
  delayed: 0,
  ...extra,
});
const dlq = (visible: number | undefined, extra = {}) => ({ name: "orders-dlq", arn: "arn:aws:sqs:eu-west-1:123456789012:orders-dlq", visible, maxReceiveCount: 5, ...extra });
const rules = (r: { w?: string; c?: string; wf?: string; cf?: string; dw?: string; dc?: string } = {}): QueueRules => ({
  visible: Thresholds.parse(r.w, r.c),
  inFlight: Thresholds.parse(r.wf, r.cf),
  dlq: Thresholds.parse(r.dw ?? "0", r.dc),
});

describe("judgeQueue", () => {
  it.each([
    ["ok-no-thresholds-only-reports", queue(5000), rules(), State.OK, "orders: 5000 visible, 0 in flight, 0 delayed, no DLQ"],
    ["ok-within", queue(5), rules({ w: "10", c: "20" }), State.OK, "orders: 5 visible, 0 in flight, 0 delayed, no DLQ"],
    ["warn-visible", queue(15), rules({ w: "10", c: "20" }), State.WARNING, "orders: 15 visible (warning range 10), 0 in flight, 0 delayed, no DLQ"],
    ["crit-visible", queue(25), rules({ w: "10", c: "20" }), State.CRITICAL, "orders: 25 visible (critical range 20), 0 in flight, 0 delayed, no DLQ"],
    ["crit-too-few-consumed", queue(0), rules({ c: "1:" }), State.CRITICAL, "orders: 0 visible (critical range 1:), 0 in flight, 0 delayed, no DLQ"],
    [
      "warn-in-flight",
      queue(0, { inFlight: 60, delayed: 3 }),
      rules({ wf: "50", cf: "100" }),
      State.WARNING,
      "orders: 0 visible, 60 in flight (warning range 50), 3 delayed, no DLQ",
    ],
    ["ok-empty-dlq", queue(0, { dlq: dlq(0) }), rules(), State.OK, "orders: 0 visible, 0 in flight, 0 delayed, DLQ orders-dlq (after 5 receives): 0"],
    ["warn-any-dead-letter", queue(0, { dlq: dlq(1) }), rules(), State.WARNING, "orders: 0 visible, 0 in flight, 0 delayed, DLQ orders-dlq (after 5 receives): 1 (warning range 0)"],
    ["ok-dlq-never-warns", queue(0, { dlq: dlq(9) }), rules({ dw: "0:" }), State.OK, "orders: 0 visible, 0 in flight, 0 delayed, DLQ orders-dlq (after 5 receives): 9"],
    ["crit-dlq", queue(0, { dlq: dlq(11) }), rules({ dc: "10" }), State.CRITICAL, "orders: 0 visible, 0 in flight, 0 delayed, DLQ orders-dlq (after 5 receives): 11 (critical range 10)"],
    ["crit-dlq-missing", queue(0, { dlq: dlq(undefined, { missing: true }) }), rules(), State.CRITICAL, "orders: 0 visible, 0 in flight, 0 delayed, DLQ orders-dlq does not exist (named by RedrivePolicy)"],
    ["unknown-dlq-unreadable", queue(0, { dlq: dlq(undefined, { error: "throttled" }) }), rules(), State.UNKNOWN, "orders: 0 visible, 0 in flight, 0 delayed, DLQ orders-dlq unreadable: throttled"],
    ["crit-backlog-beats-unreadable-dlq", queue(30, { dlq: dlq(undefined, { error: "x" }) }), rules({ c: "20" }), State.CRITICAL, "orders: 30 visible (critical range 20), 0 in flight, 0 delayed, DLQ orders-dlq unreadable: x"],
    ["unknown-redrive-unreadable", queue(0, { redriveProblem: "RedrivePolicy is not JSON: {" }), rules(), State.UNKNOWN, "orders: 0 visible, 0 in flight, 0 delayed, RedrivePolicy is not JSON: {"],
  ] as const)("%s", (_id, reading, r, state, text) => {
    const j = judgeQueue(reading, r, false);
    expect(j.state).toBe(state);
    expect(j.text).toBe(text);
    expect(j.label).toBe("orders");
  });

  it("the summary form names only what makes the queue's state; with several regions the region is named and in the label", () => {
    const j = judgeQueue(queue(25, { inFlight: 3, dlq: dlq(2) }), rules({ c: "20" }), true);
    expect(j.short).toBe("orders [eu-west-1]: 25 visible (critical range 20)");
    expect(judgeQueue(queue(25, { inFlight: 3, dlq: dlq(2) }), rules({ w: "20", wf: "1" }), false).short).toBe(
      "orders: 25 visible (warning range 20), 3 in flight (warning range 1), DLQ orders-dlq: 2 (warning range 0)",
    );
    expect(j.label).toBe("eu-west-1/orders");
  });

  it("worst first; among equals the most dead letters, then the deepest backlog", () => {
    const r = rules({ w: "10" });
    const judged = [
      judgeQueue(queue(5, { name: "calm" }), r, false),
      judgeQueue(queue(12, { name: "deep" }), r, false),
      judgeQueue(queue(50, { name: "deeper" }), r, false),
      judgeQueue(queue(1, { name: "dead", dlq: dlq(3) }), r, false),
    ].sort(worstFirst);
    expect(judged.map((j) => j.reading.name)).toEqual(["dead", "deeper", "deep", "calm"]);
  });

  it("a queue that is another selected queue's dead-letter queue is judged only as that", () => {
    const main = queue(1, { dlq: dlq(4) });
    const dead = queue(4, { name: "orders-dlq", arn: dlq(4).arn });
    const lone = queue(2, { name: "lone", arn: "arn:aws:sqs:eu-west-1:123456789012:lone" });
    const { queues, deadLetter } = withoutDeadLetterQueues([main, dead, lone]);
    expect(queues.map((q) => q.name)).toEqual(["orders", "lone"]);
    expect(deadLetter.map((q) => q.name)).toEqual(["orders-dlq"]);
  });
});

describe("command line (in-process runCheck)", () => {
  const run = (argv: string[]) => runCheck(checkQueueBacklog, argv, { env: {} });

  it.each([
    [[], "QUEUE UNKNOWN: no queue given: pass --queue NAME (or URL), or --queue-prefix PREFIX"],
    [["--queue", "q", "-w", "20:10"], "QUEUE UNKNOWN: --warning: invalid range '20:10' (start is greater than end)"],
    [["--queue", "q", "-c", "1e3"], "QUEUE UNKNOWN: --critical: invalid range '1e3'"],
    [["--queue", "q", "--warning-in-flight", "abc"], "QUEUE UNKNOWN: --warning-in-flight: invalid range 'abc'"],
    [["--queue", "q", "--critical-in-flight", "10:1"], "QUEUE UNKNOWN: --critical-in-flight: invalid range '10:1'"],
    [["--queue", "q", "--dlq-warning", "5%"], "QUEUE UNKNOWN: --dlq-warning: '5%' is not a percentage here"],
    [["--queue", "q", "--dlq-critical", "@"], "QUEUE UNKNOWN: --dlq-critical: invalid range '@'"],
    [["--queue", "q", "--region", "mars"], "QUEUE UNKNOWN: --region: 'mars' is not a region name"],
    [["--queue", "q", "--queue-age", "1"], "QUEUE UNKNOWN: unknown option '--queue-age'"],
    [["--queue"], "QUEUE UNKNOWN: --queue: missing value"],
  ])("%j is a usage error naming the option", async (argv, first) => {
    const r = await run(argv);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.split("\n")[0].startsWith(first)).toBe(true);
  });

  it("--help names every option, says why the oldest message's age is not read, fits 80 columns", async () => {
    const r = await run(["--help"]);
    expect(r.exitCode).toBe(3);
    for (const option of ["--queue NAME|URL", "--queue-prefix", "--warning", "--critical", "--warning-in-flight", "--critical-in-flight", "--dlq-warning", "--dlq-critical", "--region", "--endpoint-url", "--timeout"]) {
      expect(r.stdout).toContain(option);
    }
    expect(r.stdout.replace(/\s+/g, " ")).toContain("The age of the oldest message is not a queue attribute (only the CloudWatch metric ApproximateAgeOfOldestMessage has it)");
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(HELP_WIDTH);
    expect(r.stdout.trimEnd().split("\n").pop()).toMatch(/^\s+check_queue_backlog /);
  });
});
