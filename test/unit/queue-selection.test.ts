import { describe, expect, it } from "vitest";
import { parseQueueArn, parseRedrivePolicy, siblingQueueUrl } from "../../checks/check_queue_backlog/redrive";
import { needsRegion, parseSelection, planRegions, regionOfUrl } from "../../checks/check_queue_backlog/selection";
import { UsageError } from "../../src/errors";

describe("parseSelection", () => {
  it("names go through GetQueueUrl, URLs are kept verbatim with their name and region, duplicates dropped", () => {
    const fauxqs = "http://sqs.us-east-1.127.0.0.1:4566/000000000000/jobs";
    const sel = parseSelection(
      ["orders", "orders", "jobs.fifo", "https://sqs.eu-west-1.amazonaws.com/123456789012/billing", fauxqs, "http://127.0.0.1:9/123456789012/plain"],
      ["backup-", "backup-"],
    );
    expect(sel.names).toEqual(["orders", "jobs.fifo"]);
    expect(sel.urls).toEqual([
      { url: "https://sqs.eu-west-1.amazonaws.com/123456789012/billing", name: "billing", region: "eu-west-1" },
      { url: fauxqs, name: "jobs", region: "us-east-1" },
      { url: "http://127.0.0.1:9/123456789012/plain", name: "plain", region: undefined },
    ]);
    expect(sel.prefixes).toEqual(["backup-"]);
  });

  it.each([
    [[], [], "no queue given: pass --queue NAME (or URL), or --queue-prefix PREFIX"],
    [["bad name"], [], "--queue: 'bad name' is neither a queue name"],
    [["a".repeat(81)], [], "is neither a queue name"],
    [["orders.fifo.fifo"], [], "is neither a queue name"],
    [["https://sqs.eu-west-1.amazonaws.com/"], [], "is not a queue URL"],
    [["https://sqs.eu-west-1.amazonaws.com/123/q?x=1"], [], "is not a queue URL"],
    [[], ["with space"], "--queue-prefix: 'with space' cannot start a queue name"],
    [[], ["a/b"], "--queue-prefix: 'a/b' cannot start a queue name"],
  ])("usage error for --queue %j --queue-prefix %j", (queues, prefixes, message) => {
    expect(() => parseSelection(queues, prefixes)).toThrow(UsageError);
    expect(() => parseSelection(queues, prefixes)).toThrow(message);
  });

  it("an 80-character name is a name; a FIFO name counts .fifo within the 80", () => {
    expect(parseSelection(["a".repeat(80)], []).names).toHaveLength(1);
    expect(parseSelection([`${"a".repeat(75)}.fifo`], []).names).toHaveLength(1);
    expect(() => parseSelection([`${"a".repeat(76)}.fifo`], [])).toThrow(UsageError);
  });
});

describe("regions", () => {
  it.each([
    ["sqs.eu-west-1.amazonaws.com", "eu-west-1"],
    ["sqs.cn-north-1.amazonaws.com.cn", "cn-north-1"],
    ["sqs.us-gov-west-1.amazonaws.com", "us-gov-west-1"],
    ["ap-southeast-2.queue.amazonaws.com", "ap-southeast-2"],
    ["sqs.us-east-1.127.0.0.1", "us-east-1"],
    ["queue.amazonaws.com", undefined],
    ["127.0.0.1", undefined],
    ["vpce-0abc.sqs.eu-west-1.vpce.amazonaws.com", undefined],
  ])("regionOfUrl(%s) = %s", (host, region) => {
    expect(regionOfUrl(host)).toBe(region);
  });

  it("names and prefixes go to every region, a URL to its own region or the first", () => {
    const sel = parseSelection(["orders", "https://sqs.ap-south-1.amazonaws.com/123456789012/x", "http://127.0.0.1:9/123456789012/y"], ["p-"]);
    const plan = planRegions(sel, ["us-east-1", "eu-west-1"]);
    expect([...plan.keys()]).toEqual(["us-east-1", "eu-west-1", "ap-south-1"]);
    expect(plan.get("us-east-1")).toMatchObject({ names: ["orders"], prefixes: ["p-"], urls: [{ name: "y" }] });
    expect(plan.get("eu-west-1")).toMatchObject({ names: ["orders"], prefixes: ["p-"], urls: [] });
    expect(plan.get("ap-south-1")).toMatchObject({ names: [], prefixes: [], urls: [{ name: "x" }] });
  });

  it("only URLs that name their region need no region chain", () => {
    expect(needsRegion(parseSelection(["https://sqs.eu-west-1.amazonaws.com/123456789012/x"], []))).toBe(false);
    expect(needsRegion(parseSelection(["http://127.0.0.1:9/123456789012/y"], []))).toBe(true);
    expect(needsRegion(parseSelection(["x"], []))).toBe(true);
    expect(needsRegion(parseSelection([], ["x"]))).toBe(true);
  });
});

describe("RedrivePolicy", () => {
  const arn = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq";

  it.each([
    [`{"deadLetterTargetArn":"${arn}","maxReceiveCount":5}`, 5],
    [`{"deadLetterTargetArn":"${arn}","maxReceiveCount":"5"}`, 5],
    [`{"deadLetterTargetArn":"${arn}","maxReceiveCount":" 12 "}`, 12],
    [`{"deadLetterTargetArn":"${arn}","maxReceiveCount":"five"}`, undefined],
    [`{"deadLetterTargetArn":"${arn}","maxReceiveCount":0}`, undefined],
    [`{"deadLetterTargetArn":"${arn}"}`, undefined],
  ])("%s: maxReceiveCount %s", (text, count) => {
    expect(parseRedrivePolicy(text)).toEqual({ deadLetterTargetArn: arn, maxReceiveCount: count });
  });

  it.each([
    ["{oops", "RedrivePolicy is not JSON"],
    ["null", "RedrivePolicy has no queue ARN"],
    ['{"maxReceiveCount":3}', "RedrivePolicy has no queue ARN"],
    ['{"deadLetterTargetArn":"arn:aws:sns:eu-west-1:123456789012:topic"}', "RedrivePolicy has no queue ARN"],
  ])("%s is an error naming the policy", (text, message) => {
    expect(() => parseRedrivePolicy(text)).toThrow(message);
  });

  it("queue ARNs of every partition", () => {
    expect(parseQueueArn(arn)).toEqual({ region: "eu-west-1", accountId: "123456789012", name: "orders-dlq" });
    expect(parseQueueArn("arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo")).toEqual({ region: "cn-north-1", accountId: "123456789012", name: "q.fifo" });
    expect(parseQueueArn("arn:aws:sqs:eu-west-1:123:q")).toBeUndefined();
  });

  it("a dead-letter queue's URL is its source's with the account and name replaced", () => {
    const target = { region: "us-east-1", accountId: "000000000000", name: "dlq" };
    expect(siblingQueueUrl("https://sqs.us-east-1.amazonaws.com/000000000000/orders", target)).toBe("https://sqs.us-east-1.amazonaws.com/000000000000/dlq");
    expect(siblingQueueUrl("http://sqs.us-east-1.127.0.0.1:4566/000000000000/orders", target)).toBe("http://sqs.us-east-1.127.0.0.1:4566/000000000000/dlq");
    expect(siblingQueueUrl("http://127.0.0.1:9/nonsense", target)).toBeUndefined();
  });
});
