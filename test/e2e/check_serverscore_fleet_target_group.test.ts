import { describe, expect, it } from "vitest";
import { type Instance, type Scenario, type Target, type TargetGroup, targetGroupArn } from "../support/fake-aws/index";
import { firstLine, perfdata } from "../support/run-binary";
import { fleetRig } from "../support/fleet-rig";

// check_serverscore --target-group: targets found through the wire-level fake AWS endpoint (real SDK
// clients), then probed over SSH on a real sshd on 127.0.0.1.

const REGION = "us-east-1";
const PASS_ALL = ["-w", "1:", "-c", "1:"];

const rig = fleetRig(REGION);

const instance = (n: number, extra: Partial<Instance> = {}): Instance => ({ id: `i-0000000000000000${n}`, privateIp: `10.0.0.${n}`, ...extra });
const target = (id: string, state: Target["state"]): Target => ({ id, port: 8080, state });

function scenario(instances: Instance[], groups: TargetGroup[]): Scenario {
  return { regions: { [REGION]: { instances, loadBalancersV2: [{ name: "web-alb" }], targetGroups: groups } } };
}


describe("check_serverscore --target-group", () => {
  it("ok-healthy-instances: healthy instance targets are reached at their --address; the others are skipped", async () => {
    rig.fake.setScenario(
      scenario(
        [instance(1, { privateIp: "127.0.0.1" }), instance(2), instance(3)],
        [
          {
            name: "web",
            loadBalancers: ["web-alb"],
            targets: [target("i-00000000000000001", "healthy"), target("i-00000000000000002", "unhealthy"), target("i-00000000000000003", "draining")],
          },
        ],
      ),
    );
    const r = await rig.score(["--target-group", "web", ...PASS_ALL]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: target group web: 1 host, min score \d+ \(127\.0\.0\.1\), avg \d+$/);
    expect(r.stdout).toMatch(/^\[OK\] i-00000000000000001 \(127\.0\.0\.1\): score \d+, limited by load/m);
    expect(r.stdout).not.toMatch(/i-0000000000000000[23]/);
    expect(perfdata(r.stdout).get("127.0.0.1.score")).toMatch(/^\d+;1:;1:;1;100$/);
    expect(rig.fake.calls.map((c) => `${c.service}:${c.action}`)).toEqual([
      "elasticloadbalancingv2:DescribeTargetGroups",
      "elasticloadbalancingv2:DescribeTargetHealth",
      "ec2:DescribeInstances",
    ]);
  });

  it("ok-ip-targets: an ip target is probed at its own address, with no EC2 call", async () => {
    rig.fake.setScenario(
      scenario([], [{ name: "ips", targetType: "ip", loadBalancers: ["web-alb"], targets: [target("127.0.0.1", "healthy"), target("10.0.0.9", "unhealthy")] }]),
    );
    const r = await rig.score(["--target-group", targetGroupArn("ips"), ...PASS_ALL]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: target group ips: 1 host, min score \d+ \(127\.0\.0\.1\), avg \d+$/);
    expect(r.stdout).toMatch(/^\[OK\] 127\.0\.0\.1: score \d+/m);
    expect(r.stdout).not.toContain("10.0.0.9");
    expect(rig.fake.count("DescribeInstances")).toBe(0);
  });

  it("crit-no-healthy-target: a target group with no healthy target is CRITICAL", async () => {
    rig.fake.setScenario(scenario([instance(1)], [{ name: "web", targets: [target("i-00000000000000001", "unhealthy"), target("i-00000000000000001", "initial")] }]));
    const r = await rig.score(["--target-group", "web"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("SERVERSCORE CRITICAL: target group web: no healthy target (2 registered, region us-east-1) | hosts=0;;;0 unreachable=0;;;0\n");
  });

  it("crit-not-found: a target group that does not exist is CRITICAL", async () => {
    const r = await rig.score(["--target-group", "nope"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("SERVERSCORE CRITICAL: target group 'nope' not found\n");
  });

  it("unknown-lambda: a group of Lambda targets has nothing to probe over SSH", async () => {
    rig.fake.setScenario(scenario([], [{ name: "fn", targetType: "lambda", targets: [{ id: "arn:aws:lambda:us-east-1:123456789012:function:f", state: "healthy" }] }]));
    const r = await rig.score(["--target-group", "fn"]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe("SERVERSCORE UNKNOWN: --target-group fn: its targets are lambda targets, which have no host to probe over SSH");
  });

  it("unknown-denied: access denied names elasticloadbalancing:DescribeTargetHealth", async () => {
    rig.fake.setScenario(scenario([instance(1)], [{ name: "web", targets: [target("i-00000000000000001", "healthy")] }]));
    rig.fake.inject({ service: "elasticloadbalancingv2", action: "DescribeTargetHealth", kind: "accessDenied" });
    const r = await rig.score(["--target-group", "web"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^SERVERSCORE UNKNOWN: access denied: the credentials may not call elasticloadbalancing:DescribeTargetHealth/);
  });
});
