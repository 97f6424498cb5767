import { describe, expect, it } from "vitest";
import { type AutoScalingGroup, type FakeAws, instanceId, launchActivity, makeAutoScalingGroups, makeFleet, type Scenario, terminateActivity } from "../support/fake-aws/index";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { withFakeAws } from "../support/fake-aws/lifecycle";

const REGION = "us-east-1";
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

let fake: FakeAws;

/** 250 healthy groups of two instances each (asg-1 … asg-250), plus whatever a test changes. */
function fleetOf250(change: (groups: AutoScalingGroup[]) => void = () => {}): Scenario {
  const instances = makeFleet({ count: 500 });
  const groups = makeAutoScalingGroups({ count: 250, instances, perGroup: 2, tags: (i) => ({ Team: i < 10 ? "web" : "batch" }) });
  change(groups);
  return { regions: { [REGION]: { instances, autoScalingGroups: groups } } };
}

function asg(args: string[]) {
  return runBinary("check_asg_health", ["--endpoint-url", fake.url, "--region", REGION, ...args], {
    env: { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x" },
  });
}

withFakeAws(fleetOf250(), (started) => (fake = started));

describe("check_asg_health against the fake endpoint, compiled binary", () => {
  it("ok-250-groups: 3 pages of 100, no activity call when nothing is moving", async () => {
    fake.setScenario(fleetOf250());
    const r = await asg([]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe("ASG OK: 250 groups OK, 500 of 500 desired instances in service");
    expect(fake.count("DescribeAutoScalingGroups")).toBe(3);
    expect(fake.callsWhere({ action: "DescribeAutoScalingGroups" }).map((c) => c.params.MaxRecords)).toEqual(["100", "100", "100"]);
    expect(fake.count("DescribeScalingActivities")).toBe(0);
    expect(fake.count("DescribeInstances")).toBe(0);
    const perf = perfdata(r.stdout);
    expect(perf.get("groups")).toBe("250;;;0");
    expect(perf.get("asg-1.in_service")).toBe("2;2:;1:;0;4");
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4096);
  });

  it("warn-stuck: activities read only for the two groups with moving instances; the stuck one named with state and age", async () => {
    fake.setScenario(
      fleetOf250((groups) => {
        const [g1, g2] = groups;
        g1.desiredCapacity = 3;
        g1.instances.push({ id: instanceId(9001), lifecycleState: "Pending:Wait" });
        g1.activities = [launchActivity(instanceId(9001), minutesAgo(40))];
        g2.instances.push({ id: instanceId(9002), lifecycleState: "Terminating" });
        g2.activities = [terminateActivity(instanceId(9002), minutesAgo(2))];
      }),
    );
    const r = await asg([]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toMatch(
      /^ASG WARNING: asg-1: 2\/3 in service \(min 1, max 4\), below desired 3; stuck \(over 15m\): i-00000000000002329 Pending:Wait for 40m( \d+s)? \(1 of 250 groups\)$/,
    );
    expect(r.stdout).toMatch(/\[OK\] asg-2: 2\/2 in service \(min 1, max 4\), termination in progress: i-0000000000000232a Terminating for 2m/);
    expect(fake.count("DescribeAutoScalingGroups")).toBe(3);
    expect(fake.callsWhere({ action: "DescribeScalingActivities" }).map((c) => c.params.AutoScalingGroupName).sort()).toEqual(["asg-1", "asg-2"]);
    expect(fake.count("DescribeInstances")).toBe(0);
    expect(perfdata(r.stdout).get("asg-1.pending")).toBe("1;;;0");
  });

  it("a fleet replacing one of four: Pending 3 minutes is OK with a note, 40 minutes is WARNING naming it", async () => {
    const replacing = (minutes: number): Scenario => ({
      regions: {
        [REGION]: {
          autoScalingGroups: [
            {
              name: "fleet",
              minSize: 2,
              maxSize: 6,
              desiredCapacity: 4,
              instances: [
                { id: instanceId(1) },
                { id: instanceId(2) },
                { id: instanceId(3) },
                { id: instanceId(5), lifecycleState: "Pending:Wait" },
                { id: instanceId(4), lifecycleState: "Terminating:Wait", healthStatus: "Unhealthy" },
              ],
              activities: [launchActivity(instanceId(5), minutesAgo(minutes)), terminateActivity(instanceId(4), minutesAgo(minutes))],
            },
          ],
        },
      },
    });
    fake.setScenario(replacing(3));
    const young = await asg(["--asg", "fleet"]);
    expect(young.exitCode).toBe(0);
    expect(firstLine(young.stdout)).toMatch(
      /^ASG OK: fleet: 3\/4 in service \(min 2, max 6\), replacement in progress: i-00000000000000005 Pending:Wait for 3m( \d+s)?, i-00000000000000004 Terminating:Wait for 3m( \d+s)?; unhealthy i-00000000000000004$/,
    );
    expect(fake.callsWhere({ action: "DescribeAutoScalingGroups" })[0]?.params).toMatchObject({ "AutoScalingGroupNames.member.1": "fleet" });

    fake.setScenario(replacing(40));
    const old = await asg(["--asg", "fleet"]);
    expect(old.exitCode).toBe(1);
    expect(firstLine(old.stdout)).toMatch(/^ASG WARNING: fleet: 3\/4 in service \(min 2, max 6\), below desired 4; stuck \(over 15m\): i-00000000000000005 Pending:Wait for 40m/);
    expect(firstLine(old.stdout)).toContain("i-00000000000000004 Terminating:Wait for 40m");
    // --stuck-after moves the line between the two.
    expect((await asg(["--asg", "fleet", "--stuck-after", "1h"])).exitCode).toBe(0);
  });

  it("crit-self-healing: min = max = desired = 1 with nothing in service is CRITICAL, saying a replacement is in progress and since when", async () => {
    fake.setScenario({
      regions: {
        [REGION]: {
          autoScalingGroups: [
            {
              name: "app",
              minSize: 1,
              maxSize: 1,
              desiredCapacity: 1,
              instances: [{ id: instanceId(7), lifecycleState: "Pending" }],
              activities: [launchActivity(instanceId(7), minutesAgo(4), "PreInService"), terminateActivity(instanceId(6), minutesAgo(5), "Successful", minutesAgo(4))],
            },
          ],
        },
      },
    });
    const r = await asg(["--asg", "app"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toMatch(/^ASG CRITICAL: app: 0\/1 in service \(min 1, max 1\), below MinSize 1; replacement in progress: i-00000000000000007 Pending for 4m/);
    expect(perfdata(r.stdout).get("app.in_service")).toBe("0;1:;1:;0;1");
  });

  it("a Pending instance no activity mentions: its age comes from ec2:DescribeInstances LaunchTime", async () => {
    const instances = makeFleet({ count: 3 });
    instances[2].launchTime = minutesAgo(50);
    fake.setScenario({
      regions: {
        [REGION]: {
          instances,
          autoScalingGroups: [
            {
              name: "web",
              minSize: 1,
              maxSize: 3,
              desiredCapacity: 3,
              instances: [{ id: instances[0].id }, { id: instances[1].id }, { id: instances[2].id, lifecycleState: "Pending" }],
            },
          ],
        },
      },
    });
    const r = await asg([]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toMatch(/stuck \(over 15m\): i-00000000000000003 Pending for 50m/);
    expect(fake.count("DescribeScalingActivities")).toBe(1);
    expect(fake.count("DescribeInstances")).toBe(1);
  });

  it("suspended processes WARNING unless allowed; desired 0 is OK", async () => {
    fake.setScenario({
      regions: {
        [REGION]: {
          autoScalingGroups: [
            { name: "web", minSize: 1, maxSize: 2, desiredCapacity: 1, instances: [{ id: instanceId(1) }], suspendedProcesses: ["ReplaceUnhealthy", "AZRebalance"] },
            { name: "nightly", minSize: 0, maxSize: 4, desiredCapacity: 0, instances: [] },
          ],
        },
      },
    });
    const r = await asg([]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe("ASG WARNING: web: 1/1 in service (min 1, max 2), suspended ReplaceUnhealthy, AZRebalance (1 of 2 groups)");
    const allowed = await asg(["--allow-suspended", "ReplaceUnhealthy", "--allow-suspended", "AZRebalance"]);
    expect(allowed.exitCode).toBe(0);
    expect(firstLine(allowed.stdout)).toBe("ASG OK: 2 groups OK, 1 of 1 desired instances in service (1 with notes)");
    expect(allowed.stdout).toContain("[OK] web: 1/1 in service (min 1, max 2), suspended (allowed) ReplaceUnhealthy, AZRebalance");
    const night = await asg(["--asg", "nightly"]);
    expect(night.exitCode).toBe(0);
    expect(firstLine(night.stdout)).toBe("ASG OK: nightly: 0/0 in service (min 0, max 4), scaled to zero");
  });

  it("-w/-c ranges replace the defaults and are echoed in perfdata", async () => {
    fake.setScenario(fleetOf250());
    const r = await asg(["--asg", "asg-5", "-w", "3:", "-c", "1:"]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe("ASG WARNING: asg-5: 2/2 in service (min 1, max 4), outside warning range 3:");
    expect(perfdata(r.stdout).get("asg-5.in_service")).toBe("2;3:;1:;0;4");
  });

  it("crit-missing: an --asg name with no group is CRITICAL and named; the others are still judged", async () => {
    fake.setScenario(fleetOf250());
    const r = await asg(["--asg", "asg-3", "--asg", "gone"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("ASG CRITICAL: gone: no Auto Scaling group of that name in us-east-1 (1 of 2 groups)");
    expect(perfdata(r.stdout).get("groups")).toBe("1;;;0");
    expect(fake.count("DescribeAutoScalingGroups")).toBe(1);
  });

  it("--tag selects through Filters; a tag nothing carries is UNKNOWN naming it", async () => {
    fake.setScenario(fleetOf250());
    const r = await asg(["--tag", "Team=web"]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe("ASG OK: 10 groups OK, 20 of 20 desired instances in service");
    expect(fake.calls[0]?.params).toMatchObject({ "Filters.member.1.Name": "tag:Team", "Filters.member.1.Values.member.1": "web" });
    const none = await asg(["--tag", "Team=nobody"]);
    expect(none.exitCode).toBe(3);
    expect(firstLine(none.stdout)).toBe("ASG UNKNOWN: no Auto Scaling group carrying Team=nobody in us-east-1");
  });

  it("throttling is retried by the SDK and the run still answers", async () => {
    fake.setScenario(fleetOf250());
    fake.inject({ service: "autoscaling", action: "DescribeAutoScalingGroups", kind: "throttle", times: 2 });
    const r = await asg([]);
    expect(r.exitCode).toBe(0);
    expect(fake.count("DescribeAutoScalingGroups")).toBe(5);
    expect(fake.calls.filter((c) => c.fault === "throttle")).toHaveLength(2);
  });

  it("throttled past --max-attempts: UNKNOWN naming the action and the attempts", async () => {
    fake.inject({ service: "autoscaling", kind: "throttle" });
    const r = await asg(["--max-attempts", "2"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe(
      "ASG UNKNOWN: throttled by AWS on autoscaling:DescribeAutoScalingGroups after 2 attempts (Throttling); raise --max-attempts or call less often",
    );
  });

  it("access denied names the IAM action, for the groups and for the activities", async () => {
    fake.inject({ service: "autoscaling", action: "DescribeAutoScalingGroups", kind: "accessDenied" });
    const groups = await asg([]);
    expect(groups.exitCode).toBe(3);
    expect(groups.stderr).toBe("");
    expect(firstLine(groups.stdout)).toBe("ASG UNKNOWN: access denied: the credentials may not call autoscaling:DescribeAutoScalingGroups (AccessDenied)");

    fake.clearFaults();
    fake.setScenario(
      fleetOf250((gs) => {
        gs[0].instances.push({ id: instanceId(9001), lifecycleState: "Pending" });
      }),
    );
    fake.inject({ service: "autoscaling", action: "DescribeScalingActivities", kind: "accessDenied" });
    const activities = await asg([]);
    expect(activities.exitCode).toBe(3);
    expect(firstLine(activities.stdout)).toBe("ASG UNKNOWN: access denied: the credentials may not call autoscaling:DescribeScalingActivities (AccessDenied)");
  });

  it("a hung DescribeScalingActivities ends at -t as UNKNOWN naming the stage", async () => {
    fake.setScenario(fleetOf250((gs) => gs[0].instances.push({ id: instanceId(9001), lifecycleState: "Pending" })));
    fake.inject({ service: "autoscaling", action: "DescribeScalingActivities", kind: "hang" });
    const r = await asg(["-t", "2"]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "ASG UNKNOWN: timed out after 2s while reading Auto Scaling groups and their scaling activities " +
        "(autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeScalingActivities)\n",
    );
  });

  it("usage errors name the option", async () => {
    const r = await asg(["--stuck-after", "soon"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe("ASG UNKNOWN: --stuck-after: invalid duration 'soon' (use a number with s, m, h, d or w, e.g. 26h)");
    expect(fake.calls).toHaveLength(0);
  });
});
