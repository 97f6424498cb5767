import { DescribeInstanceStatusCommand, EC2Client, type InstanceStatus, paginateDescribeInstanceStatus } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import { type FakeAws, type Instance, instanceId, makeFleet, startFakeAws } from "./index";

const SINCE = new Date("2030-01-01T08:30:00.000Z");
const LAUNCH = new Date("2029-12-01T00:00:00.000Z");

// One instance per shape of answer the status checks can take.
const INSTANCES: Instance[] = [
  { id: instanceId(1) }, // running, every check ok
  { id: instanceId(2), systemStatus: { status: "impaired", impairedSince: SINCE } },
  { id: instanceId(3), instanceStatus: "impaired", launchTime: LAUNCH },
  { id: instanceId(4), attachedEbsStatus: "insufficient-data" },
  { id: instanceId(5), systemStatus: "initializing", instanceStatus: "initializing", attachedEbsStatus: "initializing" },
  { id: instanceId(6), state: "stopped" },
  { id: instanceId(7), attachedEbsStatus: null },
  {
    id: instanceId(8),
    attachedEbsStatus: {
      status: "impaired",
      details: [
        { name: "reachability", status: "failed", impairedSince: SINCE },
        { name: "io", status: "passed" },
      ],
    },
  },
  { id: instanceId(9), attachedEbsStatus: "not-applicable" },
];

async function statusOf(ec2: EC2Client, n: number, includeAll = false): Promise<InstanceStatus | undefined> {
  const out = await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [instanceId(n)], IncludeAllInstances: includeAll }));
  return out.InstanceStatuses?.[0];
}

describe("fake EC2 status checks with the real EC2Client", () => {
  let fake: FakeAws;
  let ec2: EC2Client;

  beforeAll(async () => {
    fake = await startFakeAws({ regions: { "us-east-1": { instances: INSTANCES } } });
    ec2 = new EC2Client(clientConfig(fake));
  });
  afterAll(async () => {
    ec2.destroy();
    await fake.stop();
  });

  it("a healthy running instance passes all three checks, each with its reachability detail", async () => {
    const s = await statusOf(ec2, 1);
    const passed = { Status: "ok", Details: [{ Name: "reachability", Status: "passed" }] };
    expect(s).toMatchObject({ InstanceState: { Name: "running" }, SystemStatus: passed, InstanceStatus: passed, AttachedEbsStatus: passed });
    expect(s?.SystemStatus?.Details?.[0]?.ImpairedSince).toBeUndefined();
  });

  it("each item carries the zone, its id and the operator, as EC2 writes items today", async () => {
    const s = await statusOf(ec2, 1);
    expect(s).toMatchObject({ AvailabilityZone: "us-east-1a", AvailabilityZoneId: "use1-az1", Operator: { Managed: false } });
  });

  it("an impaired check has a failed detail with impairedSince as a Date", async () => {
    const system = await statusOf(ec2, 2);
    expect(system?.SystemStatus).toEqual({ Status: "impaired", Details: [{ Name: "reachability", Status: "failed", ImpairedSince: SINCE }] });
    expect(system?.SystemStatus?.Details?.[0]?.ImpairedSince).toBeInstanceOf(Date);
    expect(system?.InstanceStatus?.Status).toBe("ok");
    // A bare "impaired" dates the failure from the launch.
    const instance = await statusOf(ec2, 3);
    expect(instance?.InstanceStatus?.Details).toEqual([{ Name: "reachability", Status: "failed", ImpairedSince: LAUNCH }]);
  });

  it("insufficient-data and initializing carry the detail status of the same name", async () => {
    const ebs = await statusOf(ec2, 4);
    expect(ebs?.AttachedEbsStatus).toEqual({ Status: "insufficient-data", Details: [{ Name: "reachability", Status: "insufficient-data" }] });
    const fresh = await statusOf(ec2, 5);
    for (const check of [fresh?.SystemStatus, fresh?.InstanceStatus, fresh?.AttachedEbsStatus]) {
      expect(check).toEqual({ Status: "initializing", Details: [{ Name: "reachability", Status: "initializing" }] });
    }
  });

  it("a stopped instance is only listed with IncludeAllInstances, every check not-applicable without details", async () => {
    await expect(statusOf(ec2, 6)).resolves.toBeUndefined();
    const stopped = await statusOf(ec2, 6, true);
    expect(stopped?.InstanceState).toEqual({ Code: 80, Name: "stopped" });
    for (const check of [stopped?.SystemStatus, stopped?.InstanceStatus, stopped?.AttachedEbsStatus]) {
      expect(check).toEqual({ Status: "not-applicable" });
    }
  });

  it("a check can be left out of the answer, given several details, or not-applicable on a running instance", async () => {
    const without = await statusOf(ec2, 7);
    expect(without?.AttachedEbsStatus).toBeUndefined();
    expect(without?.SystemStatus?.Status).toBe("ok");
    const detailed = await statusOf(ec2, 8);
    expect(detailed?.AttachedEbsStatus?.Details).toEqual([
      { Name: "reachability", Status: "failed", ImpairedSince: SINCE },
      { Name: "io", Status: "passed" },
    ]);
    expect((await statusOf(ec2, 9))?.AttachedEbsStatus).toEqual({ Status: "not-applicable" });
  });

  it("filters on each check's status and reachability", async () => {
    const ids = async (name: string, value: string) => {
      const out = await ec2.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: name, Values: [value] }] }));
      return (out.InstanceStatuses ?? []).map((s) => s.InstanceId);
    };
    expect(await ids("system-status.status", "impaired")).toEqual([instanceId(2)]);
    expect(await ids("instance-status.reachability", "failed")).toEqual([instanceId(3)]);
    expect(await ids("attached-ebs-status.status", "impaired")).toEqual([instanceId(8)]);
    expect(await ids("attached-ebs-status.status", "insufficient-data")).toEqual([instanceId(4)]);
    expect(await ids("system-status.reachability", "initializing")).toEqual([instanceId(5)]);
  });
});

describe("makeFleet statusChecks", () => {
  let fake: FakeAws;
  let ec2: EC2Client;

  beforeAll(async () => {
    const fleet = makeFleet({
      count: 2_500,
      now: SINCE,
      statusChecks: (i) => (i % 500 === 7 ? { instanceStatus: { status: "impaired", impairedSince: SINCE } } : undefined),
    });
    fake = await startFakeAws({ regions: { "us-east-1": { instances: fleet } } });
    ec2 = new EC2Client(clientConfig(fake));
  });
  afterAll(async () => {
    ec2.destroy();
    await fake.stop();
  });

  it("serves the fleet's impaired instances across pages", async () => {
    const impaired: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstanceStatus({ client: ec2, pageSize: 1000 }, {})) {
      pages++;
      for (const s of page.InstanceStatuses ?? []) {
        if (s.InstanceStatus?.Status === "impaired") impaired.push(s.InstanceId as string);
        expect(s.SystemStatus?.Status).toBe("ok");
      }
    }
    expect(pages).toBe(3);
    expect(impaired).toEqual([8, 508, 1008, 1508, 2008].map(instanceId));
  });
});
