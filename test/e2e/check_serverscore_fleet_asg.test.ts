import { describe, expect, it } from "vitest";
import { type AutoScalingGroup, type Instance, type Scenario } from "../support/fake-aws/index";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { fleetRig } from "../support/fleet-rig";

// check_serverscore --asg: the InService instances of Auto Scaling groups found through the wire-level fake
// AWS endpoint (real SDK clients), then probed over SSH on a real sshd on 127.0.0.1.

const REGION = "us-east-1";
const PASS_ALL = ["-w", "1:", "-c", "1:"];

const rig = fleetRig(REGION);

const id = (n: number) => `i-0000000000000000${n}`;
const instance = (n: number, extra: Partial<Instance> = {}): Instance => ({
  id: id(n),
  privateIp: `10.0.0.${n}`,
  privateDns: `ip-10-0-0-${n}.ec2.internal`,
  ...extra,
});

function scenario(instances: Instance[], autoScalingGroups: AutoScalingGroup[]): Scenario {
  return { regions: { [REGION]: { instances, autoScalingGroups } } };
}

const group = (name: string, members: AutoScalingGroup["instances"]): AutoScalingGroup => ({
  name,
  minSize: 1,
  maxSize: 4,
  desiredCapacity: members.length,
  instances: members,
});


describe("check_serverscore --asg", () => {
  it("ok-in-service: the InService instance is reached at its private IP through the real sshd; a launching one is left out", async () => {
    rig.fake.setScenario(
      scenario(
        [instance(1, { privateIp: "127.0.0.1" }), instance(2)],
        [group("web", [{ id: id(1) }, { id: id(2), lifecycleState: "Pending:Wait" }])],
      ),
    );
    const r = await rig.score(["--asg", "web", ...PASS_ALL]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: ASG web: 1 host, min score \d+ \(127\.0\.0\.1\), avg \d+$/);
    expect(r.stdout).toMatch(/^\[OK\] i-00000000000000001 \(127\.0\.0\.1\): score \d+, limited by load/m);
    expect(r.stdout).not.toContain(id(2));
    expect(perfdata(r.stdout).get("127.0.0.1.score")).toMatch(/^\d+;1:;1:;1;100$/);
    expect(rig.fake.count("DescribeAutoScalingGroups")).toBe(1);
    expect(rig.fake.calls[0]?.params).toMatchObject({ "AutoScalingGroupNames.member.1": "web" });
    expect(rig.fake.count("DescribeScalingActivities")).toBe(0);
    expect(rig.fake.count("DescribeInstances")).toBe(1);
  });

  it("ok-two-groups: every InService instance of both, one call for the groups and one for the addresses", async () => {
    const instances = Array.from({ length: 5 }, (_, i) => instance(i + 1));
    rig.fake.setScenario(scenario(instances, [group("web", instances.slice(0, 3).map((i) => ({ id: i.id }))), group("jobs", instances.slice(3).map((i) => ({ id: i.id })))]));
    // The instances' 10.0.0.x addresses name the hosts; HostName sends every connection to the test sshd.
    const r = await rig.score(["--asg", "web", "--asg", "jobs", "--ssh-option", "HostName=127.0.0.1", ...PASS_ALL]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: ASG web, jobs: 5 hosts, /);
    const perf = perfdata(r.stdout);
    for (let n = 1; n <= 5; n++) expect(perf.get(`10.0.0.${n}.score`)).toMatch(/^\d+;1:;1:;1;100$/);
    expect(rig.fake.count("DescribeAutoScalingGroups")).toBe(1);
    expect(rig.fake.count("DescribeInstances")).toBe(1);
  });

  it("ok-private-dns: --address picks which address ssh connects to", async () => {
    rig.fake.setScenario(scenario([instance(1)], [group("web", [{ id: id(1) }])]));
    const r = await rig.score(["--asg", "web", "--address", "private-dns", "--ssh-option", "HostName=127.0.0.1", ...PASS_ALL]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\[OK\] i-00000000000000001 \(ip-10-0-0-1\.ec2\.internal\): score/m);
  });

  it("crit-missing: a group that does not exist is CRITICAL and named; the other group is still probed", async () => {
    rig.fake.setScenario(scenario([instance(1, { privateIp: "127.0.0.1" })], [group("web", [{ id: id(1) }])]));
    const alone = await rig.score(["--asg", "nope"]);
    expect(alone.exitCode).toBe(2);
    expect(alone.stdout).toBe("SERVERSCORE CRITICAL: ASG nope: no Auto Scaling group of that name in us-east-1 | hosts=0;;;0 unreachable=0;;;0\n");
    expect(rig.fake.count("DescribeInstances")).toBe(0);

    const mixed = await rig.score(["--asg", "web", "--asg", "nope", ...PASS_ALL]);
    expect(mixed.exitCode).toBe(2);
    expect(mixed.stdout).toContain("[CRITICAL] ASG nope: no Auto Scaling group of that name in us-east-1");
    expect(mixed.stdout).toMatch(/^\[OK\] i-00000000000000001 \(127\.0\.0\.1\): score/m);
  });

  it("crit-none-in-service: a group whose instances are all launching is CRITICAL", async () => {
    rig.fake.setScenario(scenario([instance(1)], [group("web", [{ id: id(1), lifecycleState: "Pending" }])]));
    const r = await rig.score(["--asg", "web"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("SERVERSCORE CRITICAL: ASG web: no InService instance (region us-east-1) | hosts=0;;;0 unreachable=0;;;0\n");
  });

  it("unknown-denied: access denied names the IAM action; throttling is retried", async () => {
    rig.fake.setScenario(scenario([instance(1, { privateIp: "127.0.0.1" })], [group("web", [{ id: id(1) }])]));
    rig.fake.inject({ service: "autoscaling", action: "DescribeAutoScalingGroups", kind: "accessDenied" });
    const denied = await rig.score(["--asg", "web"]);
    expect(denied.exitCode).toBe(3);
    expect(firstLine(denied.stdout)).toBe("SERVERSCORE UNKNOWN: access denied: the credentials may not call autoscaling:DescribeAutoScalingGroups (AccessDenied)");

    rig.fake.clearFaults();
    rig.fake.resetCalls();
    rig.fake.inject({ service: "autoscaling", action: "DescribeAutoScalingGroups", kind: "throttle", times: 1 });
    const throttled = await rig.score(["--asg", "web", ...PASS_ALL]);
    expect(throttled.exitCode).toBe(0);
    expect(rig.fake.count("DescribeAutoScalingGroups")).toBe(2);
  });

  it("unknown-regions: --asg needs exactly one region", async () => {
    const r = await runBinary("check_serverscore", ["--asg", "web", "--region", "us-east-1", "--region", "eu-west-1"], { env: rig.fake.env() });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^SERVERSCORE UNKNOWN: --asg: name one region/);
  });
});
