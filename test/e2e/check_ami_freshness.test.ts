import { describe, expect, it } from "vitest";
import { type FakeAws } from "../support/fake-aws/server";
import { type Image, type ImageState, type Instance, type LoadBalancer, type Scenario, type TargetGroup, targetGroupArn } from "../support/fake-aws/scenario";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { lateBy } from "../support/timing";
import { withFakeAws } from "../support/fake-aws/lifecycle";

const HOUR = 3600_000;
const REGION = "us-east-1";

let fake: FakeAws;
let nextImage = 1;

const id = (n: number) => `i-0000000000000000${n}`;
const host = (n: number, extra: Partial<Instance> = {}): Instance => ({ id: id(n), tags: { Name: `web-${n}`, env: "prod" }, ...extra });
/**
 * An image of instance n made `hoursAgo` hours and ten minutes ago (so the age shown, `3h 10m`, stays the
 * same however long the run takes), found through its SourceInstanceId unless `extra` says otherwise.
 */
const backup = (n: number, hoursAgo: number, state: ImageState = "available", extra: Partial<Image> = {}): Image => ({
  id: `ami-${String(nextImage++).padStart(17, "0")}`,
  name: `nightly-${n}-${hoursAgo}h`,
  state,
  creationDate: new Date(Date.now() - hoursAgo * HOUR - 10 * 60_000),
  sourceInstanceId: id(n),
  ...extra,
});
const scenario = (instances: Instance[], images: Image[], loadBalancers: LoadBalancer[] = []): Scenario => ({
  regions: { [REGION]: { instances, images, loadBalancers } },
});

function ami(args: string[]) {
  return runBinary("check_ami_freshness", ["--endpoint-url", fake.url, "--region", REGION, ...args], {
    env: { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x" },
  });
}

withFakeAws(scenario([], []), (started) => (fake = started));

describe("age of the newest available image, default thresholds (26h / 50h)", () => {
  it("ok-fresh, warn-30h, crit-60h: one instance each", async () => {
    for (const [hours, exit, state] of [[3, 0, "OK"], [30, 1, "WARNING"], [60, 2, "CRITICAL"]] as const) {
      fake.setScenario(scenario([host(1)], [backup(1, hours), backup(1, hours + 24)]));
      const r = await ami([]);
      expect(r.stderr).toBe("");
      expect(r.exitCode, r.stdout).toBe(exit);
      expect(firstLine(r.stdout)).toMatch(new RegExp(`^AMI ${state}: i-00000000000000001 \\(web-1\\) newest backup `));
      expect(r.stdout).toMatch(new RegExp(`\\[${state}\\] i-00000000000000001 \\(web-1\\): newest backup ami-\\d+ 'nightly-1-${hours}h' `));
      const perf = perfdata(r.stdout);
      expect(perf.get("instances")).toBe("1;;;0");
      expect(perf.get("stale")).toBe(`${hours > 26 ? 1 : 0};;;0;1`);
      expect(perf.get("missing")).toBe("0;;;0;1");
      const age = Number(/^(\d+)s;/.exec(perf.get("i-00000000000000001") ?? "")?.[1]);
      expect(Math.abs(age - hours * 3600 - 600)).toBeLessThan(60);
      expect(perf.get("i-00000000000000001")).toMatch(/^\d+s;~:93600;~:180000;0$/);
    }
  });

  it("-w/-c as DURATIONs, a bare number in hours, echoed in perfdata as seconds", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 10)]));
    const bare = await ami(["-w", "8", "-c", "12"]);
    expect(bare.exitCode).toBe(1);
    expect(perfdata(bare.stdout).get("i-00000000000000001")).toMatch(/^\d+s;~:28800;~:43200;0$/);
    expect((await ami(["-w", "1d", "-c", "2d"])).exitCode).toBe(0);
    expect((await ami(["-c", "540m"])).exitCode).toBe(2);
  });

  it("crit-no-image: an instance without any available image, perfdata counts it missing and gives it no age", async () => {
    fake.setScenario(scenario([host(1), host(2)], [backup(1, 2)]));
    const r = await ami([]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("AMI CRITICAL: i-00000000000000002 (web-2) has no available image (1 of 2 instances)");
    expect(r.stdout.split("\n")[1]).toBe("[CRITICAL] i-00000000000000002 (web-2): no available image");
    const perf = perfdata(r.stdout);
    expect(perf.get("missing")).toBe("1;;;0;2");
    expect(perf.has("i-00000000000000002")).toBe(false);
    expect(perf.has("i-00000000000000001")).toBe(true);
  });

  it("long output and per-instance perfdata are worst first", async () => {
    fake.setScenario(scenario([host(1), host(2), host(3), host(4)], [backup(1, 2), backup(2, 60), backup(4, 30)]));
    const r = await ami([]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("AMI CRITICAL: 3 of 4 instances need attention: 1 without backup, 2 stale (> 1d 2h)");
    const lines = r.stdout.trim().split("\n").slice(1);
    expect(lines.map((l) => /^\[(\w+)\] (i-\w+)/.exec(l)?.slice(1).join(" "))).toEqual([
      "CRITICAL i-00000000000000003",
      "CRITICAL i-00000000000000002",
      "WARNING i-00000000000000004",
      "OK i-00000000000000001",
    ]);
    const labels = [...perfdata(r.stdout).keys()];
    expect(labels).toEqual(["instances", "stale", "missing", "i-00000000000000002", "i-00000000000000004", "i-00000000000000001"]);
    expect(perfdata(r.stdout).get("stale")).toBe("2;;;0;4");
  });
});

describe("which images belong to an instance", () => {
  it("by SourceInstanceId, by a name '<instance-id>-...', and by --instance-tag", async () => {
    fake.setScenario(
      scenario(
        [host(1), host(2), host(3)],
        [
          backup(1, 2, "available", { name: "unrelated-name" }),
          backup(2, 3, "available", { name: `${id(2)}-20261122`, sourceInstanceId: undefined }),
          backup(3, 4, "available", { name: "db-backup", sourceInstanceId: undefined, tags: { Origin: id(3) } }),
        ],
      ),
    );
    const withTag = await ami(["--instance-tag", "Origin"]);
    expect(withTag.exitCode, withTag.stdout).toBe(0);
    expect(firstLine(withTag.stdout)).toMatch(/^AMI OK: all 3 instances have a backup younger than 1d 2h \(stalest 4h/);
    expect(withTag.stdout).toContain("i-00000000000000001 (web-1): newest backup ami-");
    expect(withTag.stdout).toContain(`'${id(2)}-20261122' 3h`);
    expect(withTag.stdout).toContain("'db-backup' 4h");
    // Without --instance-tag the tagged image belongs to nobody.
    const without = await ami([]);
    expect(without.exitCode).toBe(2);
    expect(firstLine(without.stdout)).toBe("AMI CRITICAL: i-00000000000000003 (web-3) has no available image (1 of 3 instances)");
  });

  it("only images the account owns (Owners=self) count, and every page is read once", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 60), backup(1, 1, "available", { ownerId: "999999999999" })]));
    const r = await ami([]);
    expect(r.exitCode).toBe(2);
    const calls = fake.callsWhere({ action: "DescribeImages" });
    expect(calls).toHaveLength(1);
    expect(calls[0].params).toMatchObject({ "Owner.1": "self" });
  });
});

describe("image states", () => {
  it("warn-pending-3h: a pending image older than --pending-timeout (default 2h) warns; a younger one does not", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 5), backup(1, 3, "pending")]));
    const r = await ami([]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toMatch(/^AMI WARNING: i-00000000000000001 \(web-1\) image ami-\d+ pending for 3h 10m \(> 2h\)$/);
    expect(r.stdout).toMatch(/\[WARNING\] .*newest backup .* 5h 10m old; image ami-\d+ 'nightly-1-3h' pending for 3h 10m \(> 2h\)/);
    expect((await ami(["--pending-timeout", "4h"])).exitCode).toBe(0);
    const inProgress = await ami(["--pending-timeout", "240"]);
    expect(inProgress.stdout).toMatch(/in progress for 3h/);
  });

  it("a failed newest image is named; the older available one still counts", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 20), backup(1, 1, "failed", { name: "nightly-broken" })]));
    const r = await ami([]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/\[OK\] i-00000000000000001 \(web-1\): newest backup ami-\d+ 'nightly-1-20h' 20h 10m old; latest image ami-\d+ 'nightly-broken' failed \(created 1h 10m ago\)/);
  });

  it("only failed images: CRITICAL, the failure named", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 1, "error", { name: "nightly-err" })]));
    const r = await ami([]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/no available image; latest image ami-\d+ 'nightly-err' error/);
  });
});

describe("selecting instances", () => {
  const fleet = () => [
    host(1),
    host(2, { tags: { Name: "web-2", env: "prod", backup: "skip" } }),
    host(3, { tags: { Name: "db-3", env: "dev" } }),
    host(4, { state: "stopped" }),
  ];
  const images = () => [backup(1, 2), backup(3, 30), backup(4, 60)];

  it("default: every running instance (stopped ones left out)", async () => {
    fake.setScenario(scenario(fleet(), images()));
    const r = await ami([]);
    expect(perfdata(r.stdout).get("instances")).toBe("3;;;0");
    expect(r.stdout).not.toContain(id(4));
  });

  it("--exclude-tag leaves instances out; --tag narrows", async () => {
    fake.setScenario(scenario(fleet(), images()));
    const excluded = await ami(["--exclude-tag", "backup=skip"]);
    expect(excluded.exitCode).toBe(1);
    expect(perfdata(excluded.stdout).get("instances")).toBe("2;;;0");
    expect(excluded.stdout).not.toContain(id(2));
    const tagged = await ami(["--tag", "env=prod", "--exclude-tag", "backup=skip"]);
    expect(tagged.exitCode).toBe(0);
    expect(firstLine(tagged.stdout)).toMatch(/^AMI OK: i-00000000000000001 \(web-1\) newest backup 2h/);
  });

  it("--instance-id may name a stopped instance", async () => {
    fake.setScenario(scenario(fleet(), images()));
    const r = await ami(["--instance-id", id(4)]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toMatch(/^AMI CRITICAL: i-00000000000000004 \(web-4\) newest backup 2d 12h old \(> 2d 2h\)$/);
  });

  it("--elb: the instances registered with a classic load balancer", async () => {
    const lb: LoadBalancer = { name: "web", instances: [{ id: id(1), state: "InService" }, { id: id(3), state: "OutOfService" }] };
    fake.setScenario(scenario(fleet(), images(), [lb]));
    const r = await ami(["--elb", "web"]);
    expect(r.exitCode).toBe(1);
    expect(perfdata(r.stdout).get("instances")).toBe("2;;;0");
    expect(r.stdout).toContain("[WARNING] i-00000000000000003 (db-3)");
    expect(r.stdout).not.toContain(id(2));
    expect(fake.count("DescribeLoadBalancers")).toBe(1);
  });

  it("an --elb that does not exist is UNKNOWN naming it", async () => {
    fake.setScenario(scenario(fleet(), images()));
    const r = await ami(["--elb", "nope"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("AMI UNKNOWN: no instance matches --elb nope\n[UNKNOWN] --elb nope: no classic load balancer of that name in us-east-1\n");
  });

  it("--asg: the InService instances of Auto Scaling groups; one that does not exist is named", async () => {
    fake.setScenario({
      regions: {
        [REGION]: {
          instances: fleet(),
          images: images(),
          autoScalingGroups: [
            // i-3 is still launching: not InService, so not selected.
            { name: "web-asg", minSize: 1, maxSize: 3, desiredCapacity: 2, instances: [{ id: id(1) }, { id: id(3), lifecycleState: "Pending" }] },
            { name: "db-asg", minSize: 1, maxSize: 1, desiredCapacity: 1, instances: [{ id: id(3) }] },
          ],
        },
      },
    });
    const web = await ami(["--asg", "web-asg"]);
    expect(web.exitCode).toBe(0);
    expect(firstLine(web.stdout)).toMatch(/^AMI OK: i-00000000000000001 \(web-1\) newest backup 2h/);
    expect(fake.count("DescribeAutoScalingGroups")).toBe(1);
    expect(fake.calls.find((c) => c.action === "DescribeAutoScalingGroups")?.params).toMatchObject({ "AutoScalingGroupNames.member.1": "web-asg" });

    const both = await ami(["--asg", "web-asg", "--asg", "db-asg", "--asg", "nope"]);
    expect(both.exitCode).toBe(1);
    expect(perfdata(both.stdout).get("instances")).toBe("2;;;0");
    expect(both.stdout).toContain("[WARNING] i-00000000000000003 (db-3)");
    expect(both.stdout).toContain("[UNKNOWN] --asg nope: no Auto Scaling group of that name in us-east-1");
  });

  it("--target-group: every registered target whatever its health; ip targets matched to instances by private IP", async () => {
    const instances = fleet().map((i, k) => ({ ...i, privateIp: `10.0.0.${k + 1}` }));
    const groups: TargetGroup[] = [
      { name: "web", targets: [{ id: id(1), state: "healthy" }, { id: id(3), state: "unhealthy" }] },
      { name: "ips", targetType: "ip", targets: [{ id: "10.0.0.3", state: "unhealthy" }, { id: "172.16.0.9", state: "healthy" }] },
    ];
    fake.setScenario({ regions: { [REGION]: { instances, images: images(), targetGroups: groups } } });
    const r = await ami(["--target-group", "web"]);
    expect(r.exitCode).toBe(1);
    expect(perfdata(r.stdout).get("instances")).toBe("2;;;0");
    expect(r.stdout).toContain("[WARNING] i-00000000000000003 (db-3)");
    expect(r.stdout).not.toContain(id(2));
    expect(fake.calls.filter((c) => c.service === "elasticloadbalancingv2").map((c) => c.action)).toEqual(["DescribeTargetGroups", "DescribeTargetHealth"]);

    // 10.0.0.3 is instance 3; 172.16.0.9 is no instance's (a container, say) and is left out.
    fake.resetCalls();
    const ip = await ami(["--target-group", targetGroupArn("ips")]);
    expect(ip.exitCode).toBe(1);
    expect(firstLine(ip.stdout)).toMatch(/^AMI WARNING: i-00000000000000003 \(db-3\) newest backup 1d 6h old/);
    expect(perfdata(ip.stdout).get("instances")).toBe("1;;;0");
    expect(fake.callsWhere({ action: "DescribeInstances" })[0]?.params).toMatchObject({
      "Filter.1.Name": "private-ip-address",
      "Filter.1.Value.1": "10.0.0.3",
      "Filter.1.Value.2": "172.16.0.9",
    });
  });

  it("a --target-group that does not exist is UNKNOWN naming it", async () => {
    fake.setScenario(scenario(fleet(), images()));
    const r = await ami(["--target-group", "nope"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("AMI UNKNOWN: no instance matches --target-group nope\n[UNKNOWN] --target-group nope: no target group of that name in us-east-1\n");
  });

  it("no instance selected: UNKNOWN naming the filter, and no DescribeImages call", async () => {
    fake.setScenario(scenario(fleet(), images()));
    const r = await ami(["--tag", "env=staging"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("AMI UNKNOWN: no running instance in us-east-1 matches --tag env=staging\n");
    expect(fake.count("DescribeImages")).toBe(0);
    fake.setScenario(scenario([], []));
    expect((await ami([])).stdout).toBe("AMI UNKNOWN: no running instance in us-east-1\n");
    const missing = await ami(["--instance-id", "i-0123456789abcdef0"]);
    expect(missing.exitCode).toBe(3);
    expect(firstLine(missing.stdout)).toBe("AMI UNKNOWN: no instance matches --instance-id i-0123456789abcdef0");
  });
});

describe("errors and usage", () => {
  it("access denied on DescribeImages is UNKNOWN naming ec2:DescribeImages", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 2)]));
    fake.inject({ service: "ec2", action: "DescribeImages", kind: "accessDenied" });
    const r = await ami([]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe("");
    expect(firstLine(r.stdout)).toMatch(/^AMI UNKNOWN: access denied: the credentials may not call ec2:DescribeImages/);
  });

  it("a malformed DescribeImages answer is UNKNOWN, not a crash", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 2)]));
    fake.inject({ service: "ec2", action: "DescribeImages", kind: "malformed" });
    const r = await ami([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^AMI UNKNOWN: unparseable answer from ec2:DescribeImages/);
    expect(r.stdout.split("\n")).toHaveLength(2);
  });

  it("a hung DescribeImages gives UNKNOWN within -t, naming the stage", async () => {
    fake.setScenario(scenario([host(1)], [backup(1, 2)]));
    fake.inject({ service: "ec2", action: "DescribeImages", kind: "hang" });
    const r = await ami(["-t", "2"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("AMI UNKNOWN: timed out after 2s while reading images (ec2:DescribeImages)\n");
    expect(r.ms).toBeLessThan(lateBy(2000)); // exits at its deadline: a hung socket would hold it until killed
  });

  it("several regions: a failing region is one UNKNOWN line, the other region is still judged", async () => {
    fake.setScenario({
      regions: {
        [REGION]: { instances: [host(1)], images: [backup(1, 60)] },
        "eu-west-1": { instances: [host(2)], images: [backup(2, 1)] },
      },
    });
    fake.inject({ service: "ec2", action: "DescribeImages", region: "eu-west-1", kind: "accessDenied" });
    const r = await ami(["--region", "eu-west-1"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("AMI CRITICAL: i-00000000000000001 (web-1) [us-east-1] newest backup 2d 12h old (> 2d 2h); 1 region(s) could not be read");
    expect(r.stdout).toMatch(/\[UNKNOWN\] region eu-west-1: access denied: the credentials may not call ec2:DescribeImages/);
    fake.clearFaults();
    const both = await ami(["--region", "eu-west-1"]);
    expect(perfdata(both.stdout).get("instances")).toBe("2;;;0");
    expect(both.stdout).toContain("[OK] i-00000000000000002 (web-2) [eu-west-1]: newest backup");
  });

  it.each([
    [["-w", "soon"], "--warning: invalid duration 'soon'"],
    [["--pending-timeout", "-1h"], "--pending-timeout: invalid duration '-1h'"],
    [["--instance-id", "web-1"], "--instance-id: 'web-1' is not an instance id"],
    [["--elb", "bad_name"], "--elb: 'bad_name' is not a classic load balancer name"],
    [["--target-group", "bad_name"], "--target-group: 'bad_name' is not a target group name"],
    [["--exclude-tag", "backup"], "--exclude-tag: expected KEY=VALUE, got 'backup'"],
  ])("usage error %j names the option", async (args, text) => {
    const r = await ami(args);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(`AMI UNKNOWN: ${text}`)).toBe(true);
    expect(fake.calls).toHaveLength(0);
  });
});
