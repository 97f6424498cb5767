import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAws, PRESETS, presetScenario, startFakeAws } from "./index";

const NOW = new Date("2030-06-01T00:00:00Z");

describe("presets", () => {
  it("have the advertised sizes", () => {
    const ev = presetScenario("events-10000", NOW).regions["us-east-1"];
    expect(ev?.instances).toHaveLength(10_000);
    expect(ev?.instances?.filter((i) => (i.events?.length ?? 0) > 0)).toHaveLength(1_000);
    expect(ev?.instances?.every((i) => i.state === "running" && /^i-[0-9a-f]{17}$/.test(i.id))).toBe(true);
    expect(ev?.instances?.filter((i) => typeof i.systemStatus === "object" && i.systemStatus.status === "impaired")).toHaveLength(10);
    expect(ev?.instances?.filter((i) => i.attachedEbsStatus === "insufficient-data")).toHaveLength(10);
    for (const [name, count] of [["events-20", 20], ["events-2000", 2_000]] as const) {
      const fleet = presetScenario(name, NOW).regions["us-east-1"]?.instances;
      expect(fleet).toHaveLength(count);
      expect(fleet?.filter((i) => (i.events?.length ?? 0) > 0)).toHaveLength(count / 10);
    }
    const img = presetScenario("images-2000x10", NOW).regions["us-east-1"];
    expect(img?.instances).toHaveLength(2_000);
    expect(img?.images).toHaveLength(20_000);
    expect(new Set(img?.images?.map((i) => i.id)).size).toBe(20_000);
    const elb = presetScenario("elb-450", NOW).regions["us-east-1"];
    expect(elb?.loadBalancers).toHaveLength(450);
    const v2 = presetScenario("elbv2-900", NOW).regions["us-east-1"];
    expect(v2?.targetGroups).toHaveLength(900);
    expect(v2?.targetGroups?.filter((tg) => tg.targets.some((t) => t.state !== "healthy")).map((tg) => tg.name)).toEqual(["tg-900"]);
    expect(v2?.loadBalancersV2).toHaveLength(30);
    expect(Object.keys(PRESETS)).toEqual(expect.arrayContaining(["small", "events-10000", "images-2000x10", "elb-450", "elbv2-900"]));
  });

  it("are deterministic for a given time", () => {
    expect(JSON.stringify(presetScenario("small", NOW))).toBe(JSON.stringify(presetScenario("small", NOW)));
  });
});

describe("fake.env() drives the SDK in a child process (how the check binaries are tested)", () => {
  let fake: FakeAws;
  beforeAll(async () => {
    fake = await startFakeAws(presetScenario("small", NOW));
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("AWS_ENDPOINT_URL reaches EC2, ELB, SQS; AWS_EC2_METADATA_SERVICE_ENDPOINT reaches IMDS", async () => {
    const script = `
      const { EC2Client, DescribeInstanceStatusCommand } = require("@aws-sdk/client-ec2");
      const { ElasticLoadBalancingClient, DescribeInstanceHealthCommand } = require("@aws-sdk/client-elastic-load-balancing");
      const { SQSClient, GetQueueUrlCommand, GetQueueAttributesCommand } = require("@aws-sdk/client-sqs");
      const { MetadataService } = require("@aws-sdk/ec2-metadata-service");
      (async () => {
        const md = new MetadataService({ httpOptions: { timeout: 1000 }, retries: 0 });
        const region = await md.request("/latest/meta-data/placement/region", {});
        const events = JSON.parse(await md.request("/latest/meta-data/events/maintenance/scheduled", {}));
        const st = await new EC2Client({ region }).send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }));
        const health = await new ElasticLoadBalancingClient({ region }).send(new DescribeInstanceHealthCommand({ LoadBalancerName: "web-2" }));
        const sqs = new SQSClient({ region });
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: "orders" }));
        const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
        console.log(JSON.stringify({ region, events: events.length, statuses: st.InstanceStatuses.length,
          health: health.InstanceStates.map((s) => s.State), depth: attrs.Attributes.ApproximateNumberOfMessages }));
      })().catch((e) => { console.log("ERR " + e.name + " " + e.message); process.exit(1); });
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...fake.env() },
      timeout: 15_000,
    });
    expect(JSON.parse(stdout.trim().split("\n").pop() as string)).toEqual({
      region: "us-east-1",
      events: 1,
      statuses: 5,
      health: ["InService", "OutOfService"],
      depth: "12",
    });
    expect(fake.countWhere({ service: "imds", action: "/latest/api/token" })).toBe(2);
    expect(fake.count("DescribeInstanceStatus", "us-east-1")).toBe(1);
  });
});
