import { describe, expect, it } from "vitest";
import { presetScenario } from "../support/fake-aws/presets";
import { type Instance, instanceId, makeFleet, type Scenario, type Target, type TargetGroup, targetGroupArn } from "../support/fake-aws/scenario";
import { type FakeAws } from "../support/fake-aws/server";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { withFakeAws } from "../support/fake-aws/lifecycle";

const REGION = "us-east-1";
let fake: FakeAws;

const fleet: Instance[] = makeFleet({ count: 10, prefix: "web" });
const t = (n: number, state: Target["state"], extra: Partial<Target> = {}): Target => ({ id: instanceId(n), port: 80, state, ...extra });
const group = (name: string, targets: Target[], loadBalancers = ["web-alb"]): TargetGroup => ({ name, targets, loadBalancers });
const scenario = (targetGroups: TargetGroup[], extra: Scenario["regions"][string] = {}): Scenario => ({
  regions: { [REGION]: { instances: fleet, loadBalancersV2: [{ name: "web-alb" }, { name: "tcp-nlb", type: "network" }], targetGroups, ...extra } },
});

// A generous deadline everywhere: these tests are about what is read and judged, and the machine may be busy.
function elb(args: string[]) {
  return runBinary("check_elb_health", ["--endpoint-url", fake.url, "--region", REGION, "-t", "60", ...args], {
    env: { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x" },
    killAfterMs: 90_000,
  });
}
// The test's own limit is above the binary's 60 s deadline: a run still going when the test gives up
// would keep calling the fake during the next test.
const SLOW = 120_000;

withFakeAws(scenario([]), (started) => (fake = started));

describe("ALB/NLB/GWLB target groups", () => {
  it("900 target groups over 3 pages: one DescribeTargetHealth each, nothing per target; the failing one on the last page is found", async () => {
    fake.setScenario(presetScenario("elbv2-900"));
    const r = await elb([]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(
      "ELB CRITICAL: tg-900: 0 of 2 targets healthy (critical range 1:) - alb-30 fails open, routing to all 2 unhealthy targets (1 of 900 target groups)",
    );
    expect(r.stdout).toMatch(/\n\[CRITICAL\] tg-900: i-0000000000000070[78]:80 \(host-\d+\) unhealthy \(Target.FailedHealthChecks\): Health checks failed\n/);
    expect(fake.countWhere({ service: "elasticloadbalancingv2", action: "DescribeTargetGroups" })).toBe(3);
    expect(fake.count("DescribeTargetHealth")).toBe(900);
    expect(fake.callsWhere({ action: "DescribeTargetGroups" }).map((c) => c.params.PageSize)).toEqual(["400", "400", "400"]);
    // Name tags only for the two targets that get a line; the classic listing finds none.
    expect(fake.count("DescribeInstances")).toBe(1);
    expect(fake.countWhere({ service: "elasticloadbalancing", action: "DescribeLoadBalancers" })).toBe(1);
    expect(fake.calls).toHaveLength(3 + 900 + 1 + 1);

    // The 4096-byte cap holds; every aggregate is there, the failing group's perfdata first.
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4096);
    const perf = perfdata(r.stdout);
    expect(perf.get("target_groups")).toBe("900;;;0");
    expect(perf.get("load_balancers")).toBe("0;;;0");
    expect(perf.get("tg-900.healthy")).toBe("0;;1:;0;2");
    expect(perf.get("tg-900.unhealthy")).toBe("2;;;0;2");
    expect(perf.get("tg-900.other")).toBe("0;;;0;2");
    expect(r.stdout).toMatch(/\n\.\.\. \d+ more line\(s\) not shown \(output is limited to 4096 bytes\) \| /);
    expect(r.stdout.split("|")).toHaveLength(2);
  }, SLOW);

  it("classic load balancers and target groups judged in one run", async () => {
    fake.setScenario(
      scenario([group("api", [t(1, "healthy"), t(2, "healthy")]), group("jobs", [t(3, "healthy"), t(4, "unhealthy"), t(5, "draining")], ["tcp-nlb"])], {
        loadBalancers: [{ name: "classic-web", instances: [{ id: instanceId(6), state: "InService" }, { id: instanceId(7), state: "OutOfService" }] }],
      }),
    );
    const all = await elb(["-w", "2:"]);
    expect(all.exitCode).toBe(1);
    expect(all.stdout.split("|")[0]).toBe(
      "ELB WARNING: 2 of 3 load balancers and target groups unhealthy; worst: classic-web: 1 of 2 instances InService (warning range 2:)\n" +
        "[WARNING] classic-web: 1 of 2 instances InService (warning range 2:)\n" +
        "[WARNING] classic-web: i-00000000000000007 OutOfService (Instance): Instance has failed at least the UnhealthyThreshold number of health checks consecutively.\n" +
        "[WARNING] jobs: 1 of 2 targets healthy (warning range 2:), not counted: 1 draining\n" +
        "[WARNING] jobs: i-00000000000000004:80 (web-4) unhealthy (Target.FailedHealthChecks): Health checks failed\n" +
        "[OK] jobs: i-00000000000000005:80 (web-5) draining (Target.DeregistrationInProgress): Target deregistration is in progress\n" +
        "[OK] api: 2 of 2 targets healthy ",
    );
    const perf = perfdata(all.stdout);
    expect([...perf.keys()]).toEqual([
      "load_balancers",
      "target_groups",
      "classic-web.in_service",
      "classic-web.out_of_service",
      "jobs.healthy",
      "jobs.unhealthy",
      "jobs.other",
      "api.healthy",
      "api.unhealthy",
      "api.other",
    ]);
    expect(perf.get("jobs.healthy")).toBe("1;2:;1:;0;3");

    fake.resetCalls();
    const named = await elb(["--elb", "classic-web", "--target-group", "api"]);
    expect(named.exitCode).toBe(0);
    expect(firstLine(named.stdout)).toBe("ELB OK: 2 load balancers and target groups OK, 1 of 2 instances InService, 2 of 2 targets healthy");
    expect(fake.calls.map((c) => `${c.service}:${c.action}`).sort()).toEqual([
      "elasticloadbalancing:DescribeInstanceHealth",
      "elasticloadbalancingv2:DescribeTargetGroups",
      "elasticloadbalancingv2:DescribeTargetHealth",
    ]);
  });

  it("--load-balancer NAME|ARN: every target group of that ALB/NLB, and nothing else", async () => {
    fake.setScenario(scenario([group("api", [t(1, "healthy")]), group("web", [t(2, "healthy"), t(3, "initial")]), group("tcp", [t(4, "unavailable")], ["tcp-nlb"])]));
    const r = await elb(["--load-balancer", "web-alb", "--min-healthy-percent", "100"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      "ELB OK: 2 target groups OK, 2 of 2 targets healthy\n" +
        "[OK] api: 1 of 1 targets healthy\n" +
        "[OK] web: 1 of 1 targets healthy, not counted: 1 initial\n" +
        "[OK] web: i-00000000000000003:80 (web-3) initial (Elb.InitialHealthChecking): Initial health checks in progress | " +
        "target_groups=2;;;0 api.healthy=1;;1:;0;1 api.unhealthy=0;;;0;1 api.other=0;;;0;1 web.healthy=1;;1:;0;2 web.unhealthy=0;;;0;2 web.other=1;;;0;2\n",
    );
    expect(fake.calls.map((c) => `${c.service}:${c.action}`)).toEqual([
      "elasticloadbalancingv2:DescribeLoadBalancers",
      "elasticloadbalancingv2:DescribeTargetGroups",
      "elasticloadbalancingv2:DescribeTargetHealth",
      "elasticloadbalancingv2:DescribeTargetHealth",
      "ec2:DescribeInstances",
    ]);

    const byArn = await elb(["--load-balancer", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp-nlb/0123456789abcdef"]);
    expect(byArn.exitCode).toBe(2);
    expect(firstLine(byArn.stdout)).toMatch(/^ELB CRITICAL: tcp-nlb: no ALB\/NLB\/GWLB with ARN arn:\S+ in us-east-1$/);
  });

  it("missing target groups and load balancers are CRITICAL, named; the others are still judged", async () => {
    fake.setScenario(scenario([group("api", [t(1, "healthy")]), group("empty", [])]));
    const r = await elb(["--target-group", "api", "--target-group", "gone", "--target-group", targetGroupArn("deleted"), "--load-balancer", "old-alb"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout.split("|")[0]).toBe(
      "ELB CRITICAL: 3 of 4 load balancers and target groups unhealthy; worst: old-alb: no ALB/NLB/GWLB of that name in us-east-1\n" +
        "[CRITICAL] old-alb: no ALB/NLB/GWLB of that name in us-east-1\n" +
        "[CRITICAL] gone: no target group of that name in us-east-1\n" +
        `[CRITICAL] deleted: no target group with ARN ${targetGroupArn("deleted")} in us-east-1\n` +
        "[OK] api: 1 of 1 targets healthy ",
    );

    const empty = await elb(["--target-group", "empty", "--target-group", targetGroupArn("api")]);
    expect(empty.exitCode).toBe(2);
    expect(firstLine(empty.stdout)).toBe("ELB CRITICAL: empty: no target registered (1 of 2 target groups)");
  });

  it("fail-open: every counted target unhealthy; percent and range thresholds on the healthy count", async () => {
    fake.setScenario(scenario([group("web", [t(1, "unhealthy"), t(2, "unavailable"), t(3, "draining")])]));
    const r = await elb(["--target-group", "web"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("ELB CRITICAL: web: 0 of 2 targets healthy (critical range 1:), not counted: 1 draining - web-alb fails open, routing to all 2 unhealthy targets");

    fake.setScenario(scenario([group("web", [t(1, "healthy"), t(2, "healthy"), t(3, "unhealthy"), t(4, "unused")])]));
    const share = await elb(["--target-group", "web", "--min-healthy-percent", "75%"]);
    expect(share.exitCode).toBe(1);
    expect(firstLine(share.stdout)).toBe("ELB WARNING: web: 2 of 3 targets healthy (66.7% < 75%), not counted: 1 unused");
    const range = await elb(["--target-group", "web", "-w", "4:", "-c", "3:"]);
    expect(range.exitCode).toBe(2);
    expect(perfdata(range.stdout).get("web.healthy")).toBe("2;4:;3:;0;4");
  });

  it("throttled once, then answered: retried, judged as usual", async () => {
    fake.setScenario(scenario([group("api", [t(1, "healthy")])]));
    fake.inject({ service: "elasticloadbalancingv2", action: "DescribeTargetHealth", kind: "throttle", times: 1 });
    const r = await elb(["--target-group", "api"]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe("ELB OK: api: 1 of 1 targets healthy");
    expect(fake.calls.filter((c) => c.action === "DescribeTargetHealth").map((c) => c.fault)).toEqual(["throttle", undefined]);
  });

  it("access denied on DescribeTargetHealth is UNKNOWN naming elasticloadbalancing:DescribeTargetHealth", async () => {
    fake.setScenario(scenario([group("api", [t(1, "healthy")])]));
    fake.inject({ service: "elasticloadbalancingv2", action: "DescribeTargetHealth", kind: "accessDenied" });
    const r = await elb([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("ELB UNKNOWN: access denied: the credentials may not call elasticloadbalancing:DescribeTargetHealth (AccessDenied)\n");
    expect(r.stderr).toBe("");
  });

  it.each([
    [["--target-group", "bad_name"], "--target-group: 'bad_name' is not a target group name (1-32 letters, digits, hyphens) or ARN"],
    [["--target-group", "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123"], "--target-group: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123' is not a target group ARN"],
    [["--load-balancer", "-web"], "--load-balancer: '-web' is not an ALB/NLB/GWLB name"],
  ])("usage error %j names the option", async (args, text) => {
    const r = await elb(args);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(`ELB UNKNOWN: ${text}`)).toBe(true);
    expect(fake.calls).toHaveLength(0);
  });
});
