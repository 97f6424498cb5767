import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  paginateDescribeAutoScalingGroups,
  paginateDescribeScalingActivities,
} from "@aws-sdk/client-auto-scaling";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import { type FakeAws, instanceId, launchActivity, makeAutoScalingGroups, makeFleet, startFakeAws, terminateActivity } from "./index";

const NOW = new Date(Date.UTC(2026, 10, 30, 12, 0, 0));
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe("fake Auto Scaling with the real AutoScalingClient", () => {
  let fake: FakeAws;
  let asg: AutoScalingClient;

  beforeAll(async () => {
    const fleet = makeFleet({ count: 500 });
    const groups = makeAutoScalingGroups({
      count: 250,
      instances: fleet,
      perGroup: 2,
      tags: (i) => ({ Team: i % 2 === 0 ? "web" : "batch", ...(i % 5 === 0 ? { Tier: "gold" } : {}) }),
    });
    const [first] = groups;
    if (first) {
      first.instances[1] = { id: instanceId(2), lifecycleState: "Pending:Wait", healthStatus: "Healthy" };
      first.instances.push({ id: instanceId(9001), lifecycleState: "Terminating", healthStatus: "Unhealthy", availabilityZone: "us-east-1c" });
      first.suspendedProcesses = ["ReplaceUnhealthy", "AZRebalance"];
      first.activities = [
        terminateActivity(instanceId(9001), minutesAgo(5)),
        launchActivity(instanceId(2), minutesAgo(40)),
        launchActivity(instanceId(1), minutesAgo(600), "Successful", minutesAgo(595)),
      ];
    }
    fake = await startFakeAws({ regions: { "us-east-1": { instances: fleet, autoScalingGroups: groups } } });
    asg = new AutoScalingClient(clientConfig(fake));
  });
  afterAll(async () => {
    asg.destroy();
    await fake.stop();
  });
  beforeEach(() => fake.resetCalls());

  it("pages 250 groups: 3 calls at MaxRecords 100, 5 at the default 50, with NextToken", async () => {
    const names: string[] = [];
    for await (const page of paginateDescribeAutoScalingGroups({ client: asg, pageSize: 100 }, {})) {
      for (const g of page.AutoScalingGroups ?? []) names.push(g.AutoScalingGroupName as string);
    }
    expect(names).toHaveLength(250);
    expect(new Set(names).size).toBe(250);
    expect(fake.count("DescribeAutoScalingGroups")).toBe(3);
    expect(fake.calls.map((c) => c.params.MaxRecords)).toEqual(["100", "100", "100"]);
    expect(fake.calls[1]?.params.NextToken).toBeTruthy();
    expect(fake.calls[0]?.service).toBe("autoscaling");

    fake.resetCalls();
    const first = await asg.send(new DescribeAutoScalingGroupsCommand({}));
    expect(first.AutoScalingGroups).toHaveLength(50);
    const rest = [];
    for await (const page of paginateDescribeAutoScalingGroups({ client: asg, startingToken: first.NextToken }, {})) rest.push(page);
    expect(rest).toHaveLength(4);
    expect(fake.count("DescribeAutoScalingGroups")).toBe(5);
  });

  it("renders a group: sizes, instances with lifecycle and health, suspended processes, tags", async () => {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["asg-1"] }));
    expect(out.NextToken).toBeUndefined();
    const g = out.AutoScalingGroups?.[0];
    expect(g).toMatchObject({
      AutoScalingGroupName: "asg-1",
      MinSize: 1,
      MaxSize: 4,
      DesiredCapacity: 2,
      HealthCheckType: "EC2",
      Instances: [
        { InstanceId: instanceId(1), LifecycleState: "InService", HealthStatus: "Healthy", AvailabilityZone: "us-east-1a" },
        { InstanceId: instanceId(2), LifecycleState: "Pending:Wait", HealthStatus: "Healthy" },
        { InstanceId: instanceId(9001), LifecycleState: "Terminating", HealthStatus: "Unhealthy", AvailabilityZone: "us-east-1c" },
      ],
      SuspendedProcesses: [{ ProcessName: "ReplaceUnhealthy" }, { ProcessName: "AZRebalance" }],
      Tags: [
        { Key: "Team", Value: "web", ResourceId: "asg-1", ResourceType: "auto-scaling-group" },
        { Key: "Tier", Value: "gold" },
      ],
    });
    expect(g?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:.*:autoScalingGroupName\/asg-1$/);
    expect(g?.CreatedTime).toBeInstanceOf(Date);
  });

  it("named groups that do not exist are left out of the answer, not an error", async () => {
    const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["asg-7", "nope", "asg-3"] }));
    expect(out.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(["asg-7", "asg-3"]);
    expect(fake.calls[0]?.params).toMatchObject({ "AutoScalingGroupNames.member.1": "asg-7", "AutoScalingGroupNames.member.2": "nope" });
  });

  it("tag filters: tag:<key>, tag-key, tag-value; several filters all apply; values are OR-ed", async () => {
    const names = async (filters: Array<{ Name: string; Values: string[] }>) => {
      const out: string[] = [];
      for await (const page of paginateDescribeAutoScalingGroups({ client: asg, pageSize: 100 }, { Filters: filters })) {
        for (const g of page.AutoScalingGroups ?? []) out.push(g.AutoScalingGroupName as string);
      }
      return out;
    };
    expect(await names([{ Name: "tag:Team", Values: ["web"] }])).toHaveLength(125);
    expect(await names([{ Name: "tag-key", Values: ["Tier"] }])).toHaveLength(50);
    expect(await names([{ Name: "tag:Team", Values: ["web"] }, { Name: "tag:Tier", Values: ["gold"] }])).toEqual(
      Array.from({ length: 25 }, (_, k) => `asg-${k * 10 + 1}`),
    );
    expect(await names([{ Name: "tag-value", Values: ["batch", "gold"] }])).toHaveLength(150);
    expect(fake.calls[0]?.params).toMatchObject({ "Filters.member.1.Name": "tag:Team", "Filters.member.1.Values.member.1": "web" });
  });

  it("rejects what AWS rejects: unknown filter, MaxRecords over 100, a foreign NextToken", async () => {
    await expect(asg.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: "instance-state", Values: ["x"] }] }))).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("instance-state"),
    });
    await expect(asg.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 }))).rejects.toMatchObject({ name: "ValidationError" });
    await expect(asg.send(new DescribeAutoScalingGroupsCommand({ NextToken: "bogus" }))).rejects.toMatchObject({ name: "InvalidNextToken" });
  });

  it("DescribeScalingActivities: a group's activities newest first, with times and status", async () => {
    const out = await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "asg-1" }));
    expect(out.Activities).toMatchObject([
      { AutoScalingGroupName: "asg-1", Description: `Terminating EC2 instance: ${instanceId(9001)}`, StatusCode: "InProgress", StartTime: minutesAgo(5) },
      { Description: `Launching a new EC2 instance: ${instanceId(2)}`, StatusCode: "MidLifecycleAction", StartTime: minutesAgo(40), Progress: 30 },
      { Description: `Launching a new EC2 instance: ${instanceId(1)}`, StatusCode: "Successful", EndTime: minutesAgo(595), Progress: 100 },
    ]);
    expect(out.Activities?.[0]?.EndTime).toBeUndefined();
    expect(out.Activities?.[0]?.ActivityId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.NextToken).toBeUndefined();
    expect((await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "asg-2" }))).Activities).toEqual([]);
    expect((await asg.send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: "nope" }))).Activities).toEqual([]);
  });

  it("DescribeScalingActivities pages with MaxRecords/NextToken and finds by ActivityIds", async () => {
    const ids: string[] = [];
    for await (const page of paginateDescribeScalingActivities({ client: asg, pageSize: 2 }, { AutoScalingGroupName: "asg-1" })) {
      for (const a of page.Activities ?? []) ids.push(a.ActivityId as string);
    }
    expect(ids).toHaveLength(3);
    expect(fake.count("DescribeScalingActivities")).toBe(2);
    const one = await asg.send(new DescribeScalingActivitiesCommand({ ActivityIds: [ids[1] as string] }));
    expect(one.Activities?.map((a) => a.Description)).toEqual([`Launching a new EC2 instance: ${instanceId(2)}`]);
  });
});
