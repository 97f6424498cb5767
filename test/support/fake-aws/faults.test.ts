import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeInstanceStatusCommand, DescribeRegionsCommand, EC2Client, paginateDescribeInstanceStatus } from "@aws-sdk/client-ec2";
import { DescribeLoadBalancersCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { GetQueueUrlCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import { type FakeAws, type FaultKind, type Service, makeFleet, makeLoadBalancers, makeTargetGroups, startFakeAws, targetGroupArn } from "./index";
import { lateBy, until } from "../timing";

type ErrorType = "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";

/**
 * Retry strategy with the SDK's retry rules (retry THROTTLING and TRANSIENT up
 * to maxAttempts) but no backoff delay, recording how the SDK classified each error.
 */
class RecordingRetry {
  readonly seen: ErrorType[] = [];
  constructor(private readonly maxAttempts = 3) {}
  private token(count: number) {
    return { getRetryCount: () => count, getRetryDelay: () => 0 };
  }
  async acquireInitialRetryToken(_scope: string) {
    return this.token(0);
  }
  async refreshRetryTokenForRetry(t: { getRetryCount(): number }, info: { errorType: ErrorType }) {
    this.seen.push(info.errorType);
    const next = t.getRetryCount() + 1;
    if ((info.errorType === "THROTTLING" || info.errorType === "TRANSIENT") && next < this.maxAttempts) return this.token(next);
    throw new Error("no retry");
  }
  recordSuccess(_t: unknown): void {}
}

const REGIONS = ["us-east-1", "eu-west-3"] as const;

describe("fault injection, seen through the real SDK clients", () => {
  let fake: FakeAws;

  beforeAll(async () => {
    const fleet = makeFleet({ count: 30 });
    fake = await startFakeAws({
      regions: {
        "us-east-1": {
          instances: fleet,
          loadBalancers: makeLoadBalancers({ count: 3, instances: fleet }),
          targetGroups: makeTargetGroups({ count: 1, instances: fleet }),
          queues: [{ name: "q1" }],
        },
        "eu-west-3": { instances: makeFleet({ region: "eu-west-3", count: 5, idStart: 1000 }) },
      },
    });
  });
  afterAll(async () => {
    await fake.stop();
  });
  afterEach(() => {
    fake.clearFaults();
    fake.resetCalls();
  });

  const ec2 = (retry = new RecordingRetry(), region = "us-east-1") => new EC2Client({ ...clientConfig(fake, region), retryStrategy: retry });
  const elb = (retry = new RecordingRetry()) => new ElasticLoadBalancingClient({ ...clientConfig(fake), retryStrategy: retry });
  const elbv2 = (retry = new RecordingRetry()) => new ElasticLoadBalancingV2Client({ ...clientConfig(fake), retryStrategy: retry });
  const sqs = (retry = new RecordingRetry()) => new SQSClient({ ...clientConfig(fake), retryStrategy: retry });
  const sts = (retry = new RecordingRetry()) => new STSClient({ ...clientConfig(fake), retryStrategy: retry });
  const asg = (retry = new RecordingRetry()) => new AutoScalingClient({ ...clientConfig(fake), retryStrategy: retry });

  const calls: Record<Exclude<Service, "imds">, (retry: RecordingRetry) => Promise<unknown>> = {
    ec2: (r) => ec2(r).send(new DescribeInstanceStatusCommand({})),
    elasticloadbalancing: (r) => elb(r).send(new DescribeLoadBalancersCommand({})),
    autoscaling: (r) => asg(r).send(new DescribeAutoScalingGroupsCommand({})),
    elasticloadbalancingv2: (r) => elbv2(r).send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn("tg-1") })),
    sqs: (r) => sqs(r).send(new ListQueuesCommand({})),
    sts: (r) => sts(r).send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::123456789012:role/r", RoleSessionName: "s1" })),
  };

  const expected: Array<[FaultKind, Exclude<Service, "imds">, string, number, ErrorType]> = [
    ["throttle", "ec2", "RequestLimitExceeded", 503, "THROTTLING"],
    ["throttle", "elasticloadbalancing", "Throttling", 400, "THROTTLING"],
    ["throttle", "autoscaling", "Throttling", 400, "THROTTLING"],
    ["throttle", "elasticloadbalancingv2", "Throttling", 400, "THROTTLING"],
    ["throttle", "sqs", "ThrottlingException", 400, "THROTTLING"],
    ["throttle", "sts", "Throttling", 400, "THROTTLING"],
    ["error500", "ec2", "InternalError", 500, "TRANSIENT"],
    ["error500", "sqs", "InternalFailure", 500, "TRANSIENT"],
    ["error500", "elasticloadbalancingv2", "InternalFailure", 500, "TRANSIENT"],
    ["accessDenied", "ec2", "UnauthorizedOperation", 403, "CLIENT_ERROR"],
    ["accessDenied", "elasticloadbalancing", "AccessDenied", 403, "CLIENT_ERROR"],
    ["accessDenied", "autoscaling", "AccessDenied", 403, "CLIENT_ERROR"],
    ["accessDenied", "elasticloadbalancingv2", "AccessDenied", 403, "CLIENT_ERROR"],
    ["accessDenied", "sqs", "AccessDenied", 403, "CLIENT_ERROR"],
    ["accessDenied", "sts", "AccessDenied", 403, "CLIENT_ERROR"],
    ["expiredToken", "ec2", "RequestExpired", 400, "CLIENT_ERROR"],
    ["expiredToken", "sqs", "ExpiredToken", 403, "CLIENT_ERROR"],
    ["expiredToken", "sts", "ExpiredToken", 403, "CLIENT_ERROR"],
    ["authFailure", "ec2", "AuthFailure", 401, "CLIENT_ERROR"],
    ["authFailure", "elasticloadbalancing", "InvalidClientTokenId", 403, "CLIENT_ERROR"],
    ["error500", "autoscaling", "InternalFailure", 500, "TRANSIENT"],
    ["malformed", "autoscaling", "Error", 200, "CLIENT_ERROR"],
    ["expiredToken", "elasticloadbalancingv2", "ExpiredToken", 403, "CLIENT_ERROR"],
  ];

  it.each(expected)("%s on %s ⇒ %s (HTTP %i, classified %s)", async (kind, service, name, status, type) => {
    fake.inject({ service, kind });
    const retry = new RecordingRetry();
    const err = (await calls[service](retry).catch((e: unknown) => e)) as { name: string; $metadata: { httpStatusCode: number } };
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(name);
    expect(err.$metadata.httpStatusCode).toBe(status);
    expect(retry.seen[0]).toBe(type);
    const attempts = type === "CLIENT_ERROR" ? 1 : 3;
    expect(fake.calls.filter((c) => c.fault === kind)).toHaveLength(attempts);
  });

  it("accessDenied names the real IAM action", async () => {
    fake.inject({ kind: "accessDenied" });
    await expect(ec2().send(new DescribeInstanceStatusCommand({}))).rejects.toThrow(
      "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/monitor is not authorized to perform: " +
        "ec2:DescribeInstanceStatus because no identity-based policy allows the ec2:DescribeInstanceStatus action",
    );
    await expect(elb().send(new DescribeLoadBalancersCommand({}))).rejects.toThrow(/elasticloadbalancing:DescribeLoadBalancers action$/);
    await expect(elbv2().send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn("tg-1") }))).rejects.toThrow(
      /not authorized to perform: elasticloadbalancing:DescribeTargetHealth because .* elasticloadbalancing:DescribeTargetHealth action$/,
    );
    await expect(sqs().send(new GetQueueUrlCommand({ QueueName: "q1" }))).rejects.toThrow(/sqs:GetQueueUrl action$/);
    await expect(asg().send(new DescribeScalingActivitiesCommand({}))).rejects.toThrow(/autoscaling:DescribeScalingActivities action$/);
  });

  it("throttling the first 2 calls: retried, third attempt succeeds (maxAttempts 3)", async () => {
    fake.inject({ service: "ec2", action: "DescribeInstanceStatus", kind: "throttle", times: 2 });
    const out = await ec2().send(new DescribeInstanceStatusCommand({}));
    expect(out.InstanceStatuses).toHaveLength(30);
    expect(out.$metadata.attempts).toBe(3);
    expect(fake.count("DescribeInstanceStatus")).toBe(3);
    expect(fake.calls.map((c) => c.fault)).toEqual(["throttle", "throttle", undefined]);
  });

  it("the DEFAULT retry strategy retries RequestLimitExceeded too", async () => {
    fake.inject({ service: "ec2", action: "DescribeInstanceStatus", kind: "throttle", times: 1 });
    const client = new EC2Client(clientConfig(fake)); // standard mode, maxAttempts 3, 500 ms throttling backoff base
    const out = await client.send(new DescribeInstanceStatusCommand({}));
    client.destroy();
    expect(out.$metadata.attempts).toBe(2);
  });

  it("times < maxAttempts: SQS ThrottlingException and a 500 are retried then succeed", async () => {
    fake.inject({ service: "sqs", kind: "throttle", times: 1 });
    fake.inject({ service: "sqs", kind: "error500", times: 1 });
    const retry = new RecordingRetry();
    const out = await sqs(retry).send(new ListQueuesCommand({}));
    expect(out.QueueUrls).toHaveLength(1);
    expect(retry.seen).toEqual(["THROTTLING", "TRANSIENT"]);
    expect(out.$metadata.attempts).toBe(3);
  });

  it("one failing region: every call to eu-west-3 gets a 500, us-east-1 is untouched", async () => {
    fake.inject({ region: "eu-west-3", kind: "error500" });
    const results = await Promise.allSettled(
      REGIONS.map((r) => ec2(new RecordingRetry(1), r).send(new DescribeInstanceStatusCommand({}))),
    );
    expect(results[0]?.status).toBe("fulfilled");
    expect(results[1]).toMatchObject({ status: "rejected", reason: { name: "InternalError" } });
    await expect(ec2(new RecordingRetry(1), "eu-west-3").send(new DescribeRegionsCommand({}))).rejects.toMatchObject({ name: "InternalError" });
    expect(fake.countWhere({ region: "eu-west-3" })).toBe(2);
  });

  it("malformed 200 bodies surface as parse errors", async () => {
    fake.inject({ service: "ec2", kind: "malformed" });
    fake.inject({ service: "sqs", kind: "malformed" });
    await expect(ec2().send(new DescribeInstanceStatusCommand({}))).rejects.toThrow(/XML parse error/);
    await expect(sqs().send(new ListQueuesCommand({}))).rejects.toThrow(SyntaxError);
  });

  it("a hang is cut by the caller's abort signal, also inside a paginator", async () => {
    fake.inject({ service: "ec2", kind: "hang" });
    const client = ec2();
    const t0 = Date.now();
    await expect(client.send(new DescribeInstanceStatusCommand({}), { abortSignal: AbortSignal.timeout(300) })).rejects.toMatchObject({
      name: expect.stringMatching(/AbortError|TimeoutError/),
    });
    const pages = paginateDescribeInstanceStatus({ client }, {}, { abortSignal: AbortSignal.timeout(300) });
    await expect(pages.next()).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(lateBy(600)); // a hang never ends by itself
    expect(fake.calls.every((c) => c.fault === "hang" && c.status === undefined)).toBe(true);
  });

  it("slow answers arrive after the delay; times limits a fault to the first N calls", async () => {
    fake.inject({ service: "ec2", kind: "slow", delayMs: 200, times: 1 });
    const t0 = Date.now();
    await ec2().send(new DescribeInstanceStatusCommand({}));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    await ec2().send(new DescribeInstanceStatusCommand({}));
    // The second call was not delayed: the fault was used up (no upper time bound, the machine may be busy).
    expect(fake.calls.map((c) => c.fault)).toEqual(["slow", undefined]);
  });

  it("stop() returns promptly even with hung requests open", async () => {
    const other = await startFakeAws({ regions: { "us-east-1": {} } });
    other.inject({ kind: "hang" });
    const client = new EC2Client({ ...clientConfig(other), maxAttempts: 1 });
    const pending = client.send(new DescribeInstanceStatusCommand({})).catch((e: unknown) => e);
    await until(() => other.calls.length === 1, "the hung request to arrive");
    const t0 = Date.now();
    await other.stop();
    expect(Date.now() - t0).toBeLessThan(lateBy(0)); // the hung request would hold it forever
    expect(await pending).toBeInstanceOf(Error); // socket destroyed ⇒ client sees a network error
    client.destroy();
  });
});
