import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  SQSClient,
  paginateListQueues,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import { type FakeAws, makeQueues, startFakeAws } from "./index";

describe("fake SQS (JSON 1.0) with the real SQSClient", () => {
  let fake: FakeAws;
  let sqs: SQSClient;

  beforeAll(async () => {
    fake = await startFakeAws({
      regions: {
        "us-east-1": {
          queues: [
            { name: "orders", visible: 12, inFlight: 2, delayed: 1, redrive: { deadLetterTargetName: "orders-dlq", maxReceiveCount: 5 } },
            { name: "orders-dlq", visible: 3 },
            { name: "jobs.fifo" },
            ...makeQueues({ count: 1200, prefix: "bulk" }),
          ],
        },
        "eu-west-1": { queues: [{ name: "eu-only" }] },
      },
    });
    sqs = new SQSClient(clientConfig(fake));
  });
  afterAll(async () => {
    sqs.destroy();
    await fake.stop();
  });

  it("ListQueues without MaxResults truncates at 1000 with no NextToken; with it, pages", async () => {
    const plain = await sqs.send(new ListQueuesCommand({}));
    expect(plain.QueueUrls).toHaveLength(1000);
    expect(plain.NextToken).toBeUndefined();
    expect(plain.QueueUrls?.[0]).toBe(`${fake.url}/123456789012/orders`);
    let n = 0;
    let pages = 0;
    for await (const page of paginateListQueues({ client: sqs, pageSize: 500 }, {})) {
      pages++;
      n += page.QueueUrls?.length ?? 0;
    }
    expect(n).toBe(1203);
    expect(pages).toBe(3);
    const prefixed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "orders" }));
    expect(prefixed.QueueUrls?.map((u) => u.split("/").pop())).toEqual(["orders", "orders-dlq"]);
    const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "zzz" }));
    expect(none.QueueUrls).toBeUndefined();
    expect(fake.calls[0]).toMatchObject({ service: "sqs", action: "ListQueues", region: "us-east-1", accessKeyId: "AKIDTEST" });
  });

  it("GetQueueUrl + GetQueueAttributes return string values and a JSON RedrivePolicy", async () => {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "orders" }));
    expect(QueueUrl).toBe(`${fake.url}/123456789012/orders`);
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }));
    expect(out.Attributes).toMatchObject({
      ApproximateNumberOfMessages: "12",
      ApproximateNumberOfMessagesNotVisible: "2",
      ApproximateNumberOfMessagesDelayed: "1",
      QueueArn: "arn:aws:sqs:us-east-1:123456789012:orders",
    });
    expect(JSON.parse(out.Attributes?.RedrivePolicy ?? "{}")).toEqual({
      deadLetterTargetArn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq",
      maxReceiveCount: 5,
    });
    const some = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    expect(some.Attributes).toEqual({ ApproximateNumberOfMessages: "12" });
    const empty = await sqs.send(new GetQueueAttributesCommand({ QueueUrl }));
    expect(empty.Attributes).toBeUndefined();
    const fifo = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${fake.url}/123456789012/jobs.fifo`, AttributeNames: ["FifoQueue"] }));
    expect(fifo.Attributes).toEqual({ FifoQueue: "true" });
    const dlq = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: `${fake.url}/123456789012/orders-dlq` }));
    expect(dlq.queueUrls).toEqual([QueueUrl]);
  });

  it("missing queue ⇒ QueueDoesNotExist (also in the wrong region)", async () => {
    const err = await sqs.send(new GetQueueUrlCommand({ QueueName: "nope" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueDoesNotExist);
    expect(err).toMatchObject({
      name: "QueueDoesNotExist",
      message: "The specified queue does not exist.",
      Code: "AWS.SimpleQueueService.NonExistentQueue",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${fake.url}/123456789012/eu-only`, AttributeNames: ["All"] })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${fake.url}/123456789012/orders`, AttributeNames: ["Bogus" as "All"] })),
    ).rejects.toMatchObject({ name: "InvalidAttributeName" });
  });
});
