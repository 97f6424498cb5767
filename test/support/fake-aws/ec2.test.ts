import {
  DescribeImagesCommand,
  DescribeInstanceStatusCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeTagsCommand,
  EC2Client,
  paginateDescribeImages,
  paginateDescribeInstanceStatus,
  paginateDescribeInstances,
} from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import { type FakeAws, type Scenario, instanceId, makeFleet, makeImagesFor, startFakeAws } from "./index";

const NOW = new Date("2030-01-01T00:00:00.000Z");

function scenario(): Scenario {
  const fleet = makeFleet({
    region: "us-east-1",
    count: 2_500,
    eventEvery: 100,
    now: NOW,
    tags: (i) => ({ Env: i % 2 === 0 ? "prod" : "dev", Role: i % 5 === 0 ? "db" : "web" }),
    state: (i) => (i % 10 === 9 ? "stopped" : "running"),
  });
  return {
    regions: {
      "us-east-1": {
        instances: fleet,
        images: [
          ...makeImagesFor(fleet.slice(0, 150), { perInstance: 10, now: NOW }),
          { id: "ami-0000000000000ffff", name: "foreign-image", state: "available", creationDate: NOW, ownerId: "999999999999" },
          { id: "ami-0000000000000fffe", name: "web-1-disabled", state: "disabled", creationDate: NOW },
        ],
      },
      "eu-west-1": { instances: makeFleet({ region: "eu-west-1", count: 3, idStart: 100_000, now: NOW }) },
      "ap-east-1": { optInNotRequired: false },
      "me-south-1": { notOptedIn: true },
    },
  };
}

describe("fake EC2 with the real EC2Client", () => {
  let fake: FakeAws;
  let ec2: EC2Client;

  beforeAll(async () => {
    fake = await startFakeAws(scenario());
    ec2 = new EC2Client(clientConfig(fake));
  });
  afterAll(async () => {
    ec2.destroy();
    await fake.stop();
  });

  it("pages DescribeInstanceStatus over 2,500 instances (running only by default)", async () => {
    fake.resetCalls();
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstanceStatus({ client: ec2, pageSize: 1000 }, {})) {
      pages++;
      for (const s of page.InstanceStatuses ?? []) ids.push(s.InstanceId as string);
    }
    expect(ids).toHaveLength(2_250); // every 10th is stopped
    expect(new Set(ids).size).toBe(2_250);
    expect(pages).toBe(3);
    expect(fake.count("DescribeInstanceStatus", "us-east-1")).toBe(3);
    expect(fake.calls[0]).toMatchObject({ service: "ec2", region: "us-east-1", accessKeyId: "AKIDTEST", params: { MaxResults: "1000" } });
  });

  it("without MaxResults returns at most 1000 per page, IncludeAllInstances adds stopped ones", async () => {
    const first = await ec2.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true }));
    expect(first.InstanceStatuses).toHaveLength(1000);
    expect(first.NextToken).toBeTruthy();
    const rest = await ec2.send(new DescribeInstanceStatusCommand({ IncludeAllInstances: true, MaxResults: 1000, NextToken: first.NextToken }));
    expect(rest.InstanceStatuses?.[0]?.InstanceId).toBe(instanceId(1001));
  });

  it("renders status items with events as Dates", async () => {
    const out = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [instanceId(1), instanceId(2)] }));
    const [a, b] = out.InstanceStatuses ?? [];
    expect(a).toMatchObject({
      InstanceId: instanceId(1),
      AvailabilityZone: "us-east-1a",
      InstanceState: { Code: 16, Name: "running" },
      SystemStatus: { Status: "ok", Details: [{ Name: "reachability", Status: "passed" }] },
      InstanceStatus: { Status: "ok" },
    });
    expect(a?.Events).toHaveLength(1);
    const ev = a?.Events?.[0];
    expect(ev?.Code).toBe("system-reboot");
    expect(ev?.InstanceEventId).toMatch(/^instance-event-[0-9a-f]{17}$/);
    expect(ev?.NotBefore).toBeInstanceOf(Date);
    expect(ev?.NotBefore?.toISOString()).toBe("2030-01-04T00:00:00.000Z");
    expect(ev?.NotBeforeDeadline).toBeInstanceOf(Date);
    expect(b?.Events).toBeUndefined();
  });

  it("filters DescribeInstanceStatus by event.code and availability-zone", async () => {
    let withEvents = 0;
    for await (const page of paginateDescribeInstanceStatus(
      { client: ec2 },
      { Filters: [{ Name: "event.code", Values: ["system-reboot", "instance-stop"] }] },
    )) {
      withEvents += page.InstanceStatuses?.length ?? 0;
    }
    expect(withEvents).toBe(25);
    const az = await ec2.send(
      new DescribeInstanceStatusCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1b"] }], MaxResults: 1000 }),
    );
    expect(az.InstanceStatuses?.every((s) => s.AvailabilityZone === "us-east-1b")).toBe(true);
    const stopped = await ec2.send(
      new DescribeInstanceStatusCommand({ IncludeAllInstances: true, Filters: [{ Name: "instance-state-name", Values: ["stopped"] }] }),
    );
    expect(stopped.InstanceStatuses).toHaveLength(250);
    expect(stopped.InstanceStatuses?.[0]?.SystemStatus?.Status).toBe("not-applicable");
  });

  it("rejects what real EC2 rejects", async () => {
    await expect(ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [instanceId(1)], MaxResults: 10 }))).rejects.toMatchObject({
      name: "InvalidParameterCombination",
    });
    await expect(ec2.send(new DescribeInstanceStatusCommand({ MaxResults: 4 }))).rejects.toMatchObject({ name: "InvalidParameterValue" });
    await expect(ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ["i-0123456789abcdef9"] }))).rejects.toMatchObject({
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-0123456789abcdef9' does not exist",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: ["bogus"] }))).rejects.toMatchObject({
      name: "InvalidInstanceID.Malformed",
    });
    const tooMany = Array.from({ length: 101 }, (_, i) => instanceId(i + 1));
    await expect(ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: tooMany }))).rejects.toMatchObject({ name: "InvalidParameterValue" });
    await expect(ec2.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] }))).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
    await expect(ec2.send(new DescribeInstanceStatusCommand({ NextToken: "garbage" }))).rejects.toMatchObject({ name: "InvalidPaginationToken" });
  });

  it("DescribeInstances with tag filters and paging", async () => {
    const out = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: "tag:Env", Values: ["prod"] },
          { Name: "tag:Role", Values: ["d?"] },
          { Name: "instance-state-name", Values: ["running"] },
        ],
      }),
    );
    const insts = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    // i % 2 === 0 && i % 5 === 0 ⇒ i % 10 === 0 (never stopped): 250
    expect(insts).toHaveLength(250);
    expect(out.NextToken).toBeUndefined();
    const first = insts[0];
    expect(first).toMatchObject({
      InstanceId: instanceId(1),
      State: { Code: 16, Name: "running" },
      PrivateIpAddress: "10.0.0.1",
      PrivateDnsName: "ip-10-0-0-1.ec2.internal",
      Placement: { AvailabilityZone: "us-east-1a" },
    });
    expect(first?.Tags).toEqual(expect.arrayContaining([{ Key: "Name", Value: "host-1" }, { Key: "Env", Value: "prod" }]));

    let count = 0;
    let pages = 0;
    for await (const page of paginateDescribeInstances(
      { client: ec2, pageSize: 500 },
      { Filters: [{ Name: "tag-key", Values: ["Role"] }, { Name: "tag:Env", Values: ["prod"] }] },
    )) {
      pages++;
      count += (page.Reservations ?? []).reduce((n, r) => n + (r.Instances?.length ?? 0), 0);
    }
    expect(count).toBe(1_250);
    expect(pages).toBe(3);

    const byId = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId(10)] }));
    expect(byId.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe("stopped");
    const eu = await new EC2Client(clientConfig(fake, "eu-west-1")).send(new DescribeInstancesCommand({}));
    expect(eu.Reservations).toHaveLength(3);
    expect(eu.Reservations?.[0]?.Instances?.[0]?.PrivateDnsName).toMatch(/\.eu-west-1\.compute\.internal$/);
  });

  it("DescribeTags: the Name tags of given instances, filtered on key and resource-id", async () => {
    const ids = [instanceId(1), instanceId(2), "i-00000000000ffffff"];
    const out = await ec2.send(
      new DescribeTagsCommand({ Filters: [{ Name: "key", Values: ["Name"] }, { Name: "resource-id", Values: ids }] }),
    );
    expect(out.Tags).toEqual([
      { ResourceId: instanceId(1), ResourceType: "instance", Key: "Name", Value: "host-1" },
      { ResourceId: instanceId(2), ResourceType: "instance", Key: "Name", Value: "host-2" },
    ]);
    const tooMany = Array.from({ length: 201 }, (_, i) => instanceId(i + 1));
    await expect(ec2.send(new DescribeTagsCommand({ Filters: [{ Name: "resource-id", Values: tooMany }] }))).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
  });

  it("DescribeRegions lists the scenario's enabled regions", async () => {
    const out = await ec2.send(new DescribeRegionsCommand({}));
    expect(out.Regions?.map((r) => [r.RegionName, r.OptInStatus])).toEqual([
      ["us-east-1", "opt-in-not-required"],
      ["eu-west-1", "opt-in-not-required"],
      ["ap-east-1", "opted-in"],
    ]);
    const all = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    expect(all.Regions).toHaveLength(4);
  });

  it("DescribeImages: Owners self, paging and filters", async () => {
    fake.resetCalls();
    let total = 0;
    for await (const page of paginateDescribeImages({ client: ec2, pageSize: 500 }, { Owners: ["self"] })) {
      total += page.Images?.length ?? 0;
    }
    expect(total).toBe(1_500); // foreign excluded by owner, disabled excluded by IncludeDisabled=false
    expect(fake.count("DescribeImages")).toBe(3);

    const named = await ec2.send(
      new DescribeImagesCommand({ Owners: ["self"], Filters: [{ Name: "name", Values: ["host-1-202912?1"] }] }),
    );
    expect(named.Images?.map((i) => i.Name)).toEqual(["host-1-20291231"]);
    const img = named.Images?.[0];
    expect(img).toMatchObject({
      State: "available",
      CreationDate: "2029-12-31T00:00:00.000Z",
      SourceInstanceId: instanceId(1),
      OwnerId: "123456789012",
      Tags: [{ Key: "SourceInstance", Value: instanceId(1) }],
    });
    expect(img?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId).toMatch(/^snap-/);

    const bySource = await ec2.send(
      new DescribeImagesCommand({ Owners: ["self"], Filters: [{ Name: "source-instance-id", Values: [instanceId(7)] }, { Name: "state", Values: ["available"] }] }),
    );
    expect(bySource.Images).toHaveLength(10);
    const byTag = await ec2.send(new DescribeImagesCommand({ Filters: [{ Name: "tag:SourceInstance", Values: [instanceId(7)] }] }));
    expect(byTag.Images).toHaveLength(10);
    const foreign = await ec2.send(new DescribeImagesCommand({ Owners: ["999999999999"] }));
    expect(foreign.Images?.map((i) => i.ImageId)).toEqual(["ami-0000000000000ffff"]);
    const disabled = await ec2.send(new DescribeImagesCommand({ IncludeDisabled: true, Filters: [{ Name: "state", Values: ["disabled"] }] }));
    expect(disabled.Images).toHaveLength(1);
    const none = await ec2.send(new DescribeImagesCommand({ Owners: ["self"], Filters: [{ Name: "name", Values: ["nothing-*"] }] }));
    expect(none.Images ?? []).toEqual([]);
    await expect(ec2.send(new DescribeImagesCommand({ ImageIds: ["ami-0fffffffffffffff0"] }))).rejects.toMatchObject({
      name: "InvalidAMIID.NotFound",
    });
  });
});
