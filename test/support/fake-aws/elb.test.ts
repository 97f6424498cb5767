import {
  AccessPointNotFoundException,
  DescribeInstanceHealthCommand,
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingClient,
  paginateDescribeLoadBalancers,
} from "@aws-sdk/client-elastic-load-balancing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientConfig } from "./clients";
import { type FakeAws, instanceId, makeFleet, makeLoadBalancers, startFakeAws } from "./index";

describe("fake classic ELB with the real ElasticLoadBalancingClient", () => {
  let fake: FakeAws;
  let elb: ElasticLoadBalancingClient;

  beforeAll(async () => {
    const fleet = makeFleet({ count: 900 });
    const lbs = makeLoadBalancers({
      count: 450,
      instances: fleet,
      instancesPerLb: 2,
      memberState: (lb, k) => (lb % 50 === 0 && k === 0 ? "OutOfService" : "InService"),
    });
    const first = lbs[0];
    if (first?.instances[1]) first.instances[1] = { id: first.instances[1].id, state: "Unknown", reasonCode: "ELB", description: "Instance registration is still in progress." };
    fake = await startFakeAws({ regions: { "us-east-1": { instances: fleet, loadBalancers: lbs } } });
    elb = new ElasticLoadBalancingClient(clientConfig(fake));
  });
  afterAll(async () => {
    elb.destroy();
    await fake.stop();
  });

  it("paginates 450 load balancers (default page 400) and stops on the empty NextMarker", async () => {
    fake.resetCalls();
    const names: string[] = [];
    const markers: Array<string | undefined> = [];
    for await (const page of paginateDescribeLoadBalancers({ client: elb }, {})) {
      markers.push(page.NextMarker);
      for (const lb of page.LoadBalancerDescriptions ?? []) names.push(lb.LoadBalancerName as string);
    }
    expect(names).toHaveLength(450);
    expect(new Set(names).size).toBe(450);
    expect(markers).toHaveLength(2);
    expect(markers[1] ?? "").toBe(""); // empty <NextMarker/> on the last page
    expect(fake.count("DescribeLoadBalancers")).toBe(2);
    expect(fake.calls[0]?.service).toBe("elasticloadbalancing");
  });

  it("honours PageSize and renders LB descriptions", async () => {
    // (The ELB paginator has no pageSize key: PageSize goes in the input.)
    const p1 = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 50 }));
    expect(p1.LoadBalancerDescriptions).toHaveLength(50);
    expect(p1.NextMarker).toBeTruthy();
    const p2 = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 50, Marker: p1.NextMarker }));
    expect(p2.LoadBalancerDescriptions?.[0]?.LoadBalancerName).toBe("lb-51");
    const out = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ["lb-2"] }));
    const lb = out.LoadBalancerDescriptions?.[0];
    expect(lb).toMatchObject({
      LoadBalancerName: "lb-2",
      Instances: [{ InstanceId: instanceId(3) }, { InstanceId: instanceId(4) }],
      HealthCheck: { Target: "HTTP:80/", Interval: 30, HealthyThreshold: 10 },
      AvailabilityZones: ["us-east-1a", "us-east-1b"],
    });
    expect(lb?.DNSName).toMatch(/^lb-2-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(lb?.CreatedTime).toBeInstanceOf(Date);
    await expect(elb.send(new DescribeLoadBalancersCommand({ PageSize: 401 }))).rejects.toMatchObject({ name: "ValidationError" });
  });

  it("unknown load balancer ⇒ AccessPointNotFoundException", async () => {
    const err = await elb.send(new DescribeLoadBalancersCommand({ LoadBalancerNames: ["lb-1", "nope"] })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessPointNotFoundException);
    expect(err).toMatchObject({ name: "AccessPointNotFoundException", message: "There is no ACTIVE Load Balancer named 'nope'" });
    await expect(elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "nope" }))).rejects.toBeInstanceOf(AccessPointNotFoundException);
  });

  it("DescribeInstanceHealth for all members and for named instances", async () => {
    const all = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "lb-1" }));
    expect(all.InstanceStates).toEqual([
      {
        InstanceId: instanceId(1),
        State: "OutOfService",
        ReasonCode: "Instance",
        Description: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
      },
      { InstanceId: instanceId(2), State: "Unknown", ReasonCode: "ELB", Description: "Instance registration is still in progress." },
    ]);
    const named = await elb.send(
      new DescribeInstanceHealthCommand({ LoadBalancerName: "lb-2", Instances: [{ InstanceId: instanceId(4) }, { InstanceId: instanceId(9) }] }),
    );
    expect(named.InstanceStates).toEqual([
      { InstanceId: instanceId(4), State: "InService", ReasonCode: "N/A", Description: "N/A" },
      { InstanceId: instanceId(9), State: "OutOfService", ReasonCode: "ELB", Description: "Instance is not currently registered with the LoadBalancer." },
    ]);
    expect(fake.calls.at(-1)?.params).toMatchObject({
      LoadBalancerName: "lb-2",
      "Instances.member.1.InstanceId": instanceId(4),
      "Instances.member.2.InstanceId": instanceId(9),
    });
    await expect(
      elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: "lb-2", Instances: [{ InstanceId: "i-0fffffffffffffff0" }] })),
    ).rejects.toMatchObject({ name: "InvalidEndPointException" });
  });
});
