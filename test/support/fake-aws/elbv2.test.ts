import { DescribeLoadBalancersCommand as DescribeClassicCommand, ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
  TargetGroupNotFoundException,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import {
  type FakeAws,
  type LoadBalancerV2,
  type TargetGroup,
  instanceId,
  loadBalancerV2Arn,
  makeFleet,
  makeLoadBalancers,
  makeTargetGroups,
  startFakeAws,
  targetGroupArn,
} from "./index";

const STATES = ["healthy", "initial", "unhealthy", "unhealthy.draining", "unused", "draining", "unavailable"] as const;

describe("fake ELBv2 with the real ElasticLoadBalancingV2Client", () => {
  let fake: FakeAws;
  let elbv2: ElasticLoadBalancingV2Client;

  beforeAll(async () => {
    const fleet = makeFleet({ count: 20 });
    const loadBalancersV2: LoadBalancerV2[] = [
      { name: "web-alb" },
      { name: "tcp-nlb", type: "network" },
      { name: "fw-gwlb", type: "gateway", state: "provisioning" },
    ];
    const many = makeTargetGroups({ count: 900, instances: fleet, loadBalancers: (i) => (i < 2 ? ["web-alb"] : []) });
    const mixed: TargetGroup = {
      name: "mixed",
      loadBalancers: ["tcp-nlb"],
      port: 8080,
      targets: STATES.map((state, k) => ({ id: instanceId(k + 1), state })),
    };
    const ips: TargetGroup = {
      name: "ips",
      targetType: "ip",
      targets: [{ id: "10.0.0.7", port: 9000, availabilityZone: "us-east-1a", state: "unhealthy", reason: "Target.ResponseCodeMismatch", description: "Health checks failed with these codes: [502]" }],
    };
    fake = await startFakeAws({
      regions: {
        "us-east-1": { instances: fleet, loadBalancers: makeLoadBalancers({ count: 1, prefix: "classic", instances: fleet }), loadBalancersV2, targetGroups: [...many, mixed, ips] },
      },
    });
    elbv2 = new ElasticLoadBalancingV2Client(clientConfig(fake));
  });
  afterAll(async () => {
    elbv2.destroy();
    await fake.stop();
  });
  afterEach(() => fake.resetCalls());

  it("pages 902 target groups 400 at a time; the last page has no NextMarker", async () => {
    const names: string[] = [];
    const markers: Array<string | undefined> = [];
    for await (const page of paginateDescribeTargetGroups({ client: elbv2 }, { PageSize: 400 })) {
      markers.push(page.NextMarker);
      for (const tg of page.TargetGroups ?? []) names.push(tg.TargetGroupName as string);
    }
    expect(names).toHaveLength(902);
    expect(new Set(names).size).toBe(902);
    expect(names.at(-1)).toBe("ips");
    expect(markers.map((m) => m === undefined)).toEqual([false, false, true]);
    expect(fake.count("DescribeTargetGroups")).toBe(3);
    expect(fake.calls.map((c) => [c.service, c.params.PageSize])).toEqual(Array(3).fill(["elasticloadbalancingv2", "400"]));
    await expect(elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 401 }))).rejects.toMatchObject({ name: "ValidationError" });
  });

  it("describes target groups by name, by ARN and by load balancer", async () => {
    const byName = await elbv2.send(new DescribeTargetGroupsCommand({ Names: ["mixed", "ips"] }));
    expect(byName.TargetGroups?.map((t) => [t.TargetGroupName, t.TargetType, t.Port])).toEqual([
      ["mixed", "instance", 8080],
      ["ips", "ip", 80],
    ]);
    expect(byName.TargetGroups?.[0]).toMatchObject({
      TargetGroupArn: targetGroupArn("mixed"),
      Protocol: "HTTP",
      LoadBalancerArns: [loadBalancerV2Arn("tcp-nlb", "network")],
      HealthCheckEnabled: true,
    });
    expect(targetGroupArn("mixed")).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/mixed\/[0-9a-f]{16}$/);

    const byArn = await elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn("tg-900")] }));
    expect(byArn.TargetGroups?.map((t) => t.TargetGroupName)).toEqual(["tg-900"]);

    const ofLb = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: loadBalancerV2Arn("web-alb") }));
    expect(ofLb.TargetGroups?.map((t) => t.TargetGroupName)).toEqual(["tg-1", "tg-2"]);
    const ofGwlb = await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: loadBalancerV2Arn("fw-gwlb", "gateway") }));
    expect(ofGwlb.TargetGroups).toEqual([]);
  });

  it("answers TargetGroupNotFound and LoadBalancerNotFound as the SDK's typed errors", async () => {
    const missing = await elbv2.send(new DescribeTargetGroupsCommand({ Names: ["mixed", "nope"] })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TargetGroupNotFoundException);
    expect(missing).toMatchObject({ message: "One or more target groups not found", $metadata: { httpStatusCode: 400 } });
    const gone = targetGroupArn("deleted");
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: gone })).catch((e: unknown) => e);
    expect(health).toBeInstanceOf(TargetGroupNotFoundException);
    expect(health).toMatchObject({ message: `Target groups '${gone}' not found` });
    await expect(elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: loadBalancerV2Arn("gone") }))).rejects.toBeInstanceOf(
      LoadBalancerNotFoundException,
    );
    await expect(elbv2.send(new DescribeLoadBalancersCommand({ Names: ["web-alb", "nope"] }))).rejects.toBeInstanceOf(LoadBalancerNotFoundException);
    await expect(elbv2.send(new DescribeTargetGroupsCommand({ Names: ["ips"], LoadBalancerArn: loadBalancerV2Arn("web-alb") }))).rejects.toMatchObject({
      name: "ValidationError",
    });
    await expect(elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: "mixed" }))).rejects.toMatchObject({ name: "ValidationError" });
  });

  it("describes ALB, NLB and GWLB, all pages or by name", async () => {
    const all: string[] = [];
    for await (const page of paginateDescribeLoadBalancers({ client: elbv2 }, { PageSize: 2 })) {
      for (const lb of page.LoadBalancers ?? []) all.push(`${lb.LoadBalancerName}:${lb.Type}:${lb.State?.Code}`);
    }
    expect(all).toEqual(["web-alb:application:active", "tcp-nlb:network:active", "fw-gwlb:gateway:provisioning"]);
    expect(fake.count("DescribeLoadBalancers")).toBe(2);
    const named = await elbv2.send(new DescribeLoadBalancersCommand({ Names: ["tcp-nlb"] }));
    expect(named.LoadBalancers?.[0]).toMatchObject({ LoadBalancerArn: loadBalancerV2Arn("tcp-nlb", "network"), Scheme: "internet-facing" });
    expect(named.LoadBalancers?.[0]?.CreatedTime).toBeInstanceOf(Date);
    const byArn = await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerV2Arn("fw-gwlb", "gateway")] }));
    expect(byArn.LoadBalancers?.map((l) => l.LoadBalancerName)).toEqual(["fw-gwlb"]);
  });

  it("reports every target state with ELB's reason codes; healthy targets carry none", async () => {
    const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn("mixed") }));
    expect(out.TargetHealthDescriptions?.map((d) => [d.Target?.Id, d.Target?.Port, d.TargetHealth?.State, d.TargetHealth?.Reason])).toEqual([
      [instanceId(1), 8080, "healthy", undefined],
      [instanceId(2), 8080, "initial", "Elb.InitialHealthChecking"],
      [instanceId(3), 8080, "unhealthy", "Target.FailedHealthChecks"],
      [instanceId(4), 8080, "unhealthy.draining", "Target.FailedHealthChecks"],
      [instanceId(5), 8080, "unused", "Target.NotInUse"],
      [instanceId(6), 8080, "draining", "Target.DeregistrationInProgress"],
      [instanceId(7), 8080, "unavailable", "Target.HealthCheckDisabled"],
    ]);
    expect(out.TargetHealthDescriptions?.[2]?.TargetHealth?.Description).toBe("Health checks failed");

    const ip = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn("ips") }));
    expect(ip.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: "10.0.0.7", Port: 9000, AvailabilityZone: "us-east-1a" },
        HealthCheckPort: "9000",
        TargetHealth: { State: "unhealthy", Reason: "Target.ResponseCodeMismatch", Description: "Health checks failed with these codes: [502]" },
      },
    ]);

    const named = await elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn("mixed"), Targets: [{ Id: instanceId(3) }, { Id: instanceId(19) }] }),
    );
    expect(named.TargetHealthDescriptions?.map((d) => [d.Target?.Id, d.TargetHealth?.State, d.TargetHealth?.Reason])).toEqual([
      [instanceId(3), "unhealthy", "Target.FailedHealthChecks"],
      [instanceId(19), "unused", "Target.NotRegistered"],
    ]);
    expect(fake.calls.at(-1)?.params).toMatchObject({ TargetGroupArn: targetGroupArn("mixed"), "Targets.member.2.Id": instanceId(19) });
  });

  it("tells classic ELB and ELBv2 apart by API version on one endpoint", async () => {
    const classic = new ElasticLoadBalancingClient(clientConfig(fake));
    const c = await classic.send(new DescribeClassicCommand({}));
    const v2 = await elbv2.send(new DescribeLoadBalancersCommand({}));
    classic.destroy();
    expect(c.LoadBalancerDescriptions?.map((l) => l.LoadBalancerName)).toEqual(["classic-1"]);
    expect(v2.LoadBalancers).toHaveLength(3);
    expect(fake.calls.map((x) => `${x.service}:${x.action}`)).toEqual([
      "elasticloadbalancing:DescribeLoadBalancers",
      "elasticloadbalancingv2:DescribeLoadBalancers",
    ]);
    expect(fake.countWhere({ service: "elasticloadbalancingv2", action: "DescribeLoadBalancers" })).toBe(1);
  });

  it("injects faults into ELBv2 calls alone", async () => {
    fake.inject({ service: "elasticloadbalancingv2", action: "DescribeTargetHealth", kind: "throttle", times: 1 });
    const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn("tg-1") }));
    expect(out.$metadata.attempts).toBe(2);
    expect(fake.calls.map((x) => x.fault)).toEqual(["throttle", undefined]);
  });
});
