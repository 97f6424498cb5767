import { describe, expect, it } from "vitest";
import { type FakeAws } from "../support/fake-aws/server";
import { type ElbInstanceState, type LoadBalancer, type LoadBalancerMember, makeFleet, makeLoadBalancers, type Scenario } from "../support/fake-aws/scenario";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { lateBy } from "../support/timing";
import { withFakeAws } from "../support/fake-aws/lifecycle";

const REGION = "us-east-1";

let fake: FakeAws;

const member = (n: number, state: ElbInstanceState = "InService", extra: Partial<LoadBalancerMember> = {}): LoadBalancerMember => ({
  id: `i-0000000000000000${n}`,
  state,
  ...extra,
});
const scenario = (...loadBalancers: LoadBalancer[]): Scenario => ({ regions: { [REGION]: { loadBalancers } } });

function elb(args: string[], killAfterMs?: number) {
  return runBinary("check_elb_health", ["--endpoint-url", fake.url, "--region", REGION, ...args], {
    env: { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x" },
    killAfterMs,
  });
}

withFakeAws(scenario(), (started) => (fake = started));

describe("InService counts per classic load balancer", () => {
  it("ok-all-in-service: every load balancer, one DescribeInstanceHealth each", async () => {
    fake.setScenario(scenario({ name: "web", instances: [member(1), member(2)] }, { name: "api", instances: [member(3)] }));
    const r = await elb([]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      "ELB OK: 2 load balancers OK, 3 of 3 instances InService\n" +
        "[OK] api: 1 of 1 instances InService\n" +
        "[OK] web: 2 of 2 instances InService | load_balancers=2;;;0 target_groups=0;;;0 api.in_service=1;;1:;0;1 api.out_of_service=0;;;0;1 " +
        "web.in_service=2;;1:;0;2 web.out_of_service=0;;;0;2\n",
    );
    expect(fake.count("DescribeLoadBalancers")).toBe(1);
    expect(fake.count("DescribeInstanceHealth")).toBe(2);
  });

  it("partly out of service: OK by default, WARNING by -w or --min-healthy-percent, each instance out named with its reason", async () => {
    fake.setScenario(
      scenario({
        name: "web",
        instances: [
          member(1),
          member(2),
          member(3, "OutOfService", { reasonCode: "Instance", description: "Instance has failed at least the UnhealthyThreshold number of health checks consecutively." }),
        ],
      }),
    );
    const plain = await elb([]);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain(
      "[OK] web: i-00000000000000003 OutOfService (Instance): Instance has failed at least the UnhealthyThreshold number of health checks consecutively.",
    );

    const range = await elb(["-w", "3:"]);
    expect(range.exitCode).toBe(1);
    expect(firstLine(range.stdout)).toBe("ELB WARNING: web: 2 of 3 instances InService (warning range 3:)");
    expect(perfdata(range.stdout).get("web.in_service")).toBe("2;3:;1:;0;3");
    expect(perfdata(range.stdout).get("web.out_of_service")).toBe("1;;;0;3");

    const share = await elb(["--min-healthy-percent", "80"]);
    expect(share.exitCode).toBe(1);
    expect(firstLine(share.stdout)).toBe("ELB WARNING: web: 2 of 3 instances InService (66.7% < 80%)");
    expect((await elb(["--min-healthy-percent", "60"])).exitCode).toBe(0);

    const crit = await elb(["-c", "3:"]);
    expect(crit.exitCode).toBe(2);
  });

  it("crit-none-in-service, and an Unknown instance with its ReasonCode and Description", async () => {
    fake.setScenario(
      scenario(
        { name: "web", instances: [member(1, "OutOfService"), member(2, "Unknown")] },
        { name: "api", instances: [member(3)] },
      ),
    );
    const r = await elb([]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("ELB CRITICAL: web: 0 of 2 instances InService (critical range 1:) (1 of 2 load balancers)");
    const lines = r.stdout.split("\n");
    expect(lines[1]).toBe("[CRITICAL] web: 0 of 2 instances InService (critical range 1:)");
    expect(lines[2]).toMatch(/^\[CRITICAL\] web: i-00000000000000001 OutOfService \(Instance\): Instance has failed/);
    expect(lines[3]).toBe("[CRITICAL] web: i-00000000000000002 Unknown (ELB): A transient error occurred. Please try again later.");
    expect(lines[4]).toMatch(/^\[OK\] api: 1 of 1 instances InService \| /);
    expect(perfdata(r.stdout).get("web.out_of_service")).toBe("2;;;0;2");
  });

  it("a load balancer with nothing registered is judged (0 InService) without a DescribeInstanceHealth call", async () => {
    fake.setScenario(scenario({ name: "empty", instances: [] }, { name: "web", instances: [member(1)] }));
    const r = await elb([]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain("[CRITICAL] empty: no instance registered (critical range 1:)");
    expect(fake.count("DescribeInstanceHealth")).toBe(1);
  });
});

describe("--elb", () => {
  it("judges only the named load balancers, with no listing call", async () => {
    fake.setScenario(scenario({ name: "web", instances: [member(1)] }, { name: "api", instances: [member(2, "OutOfService")] }));
    const r = await elb(["--elb", "web"]);
    expect(r.exitCode).toBe(0);
    expect(perfdata(r.stdout).get("load_balancers")).toBe("1;;;0");
    expect(r.stdout).not.toContain("api");
    expect(fake.count("DescribeLoadBalancers")).toBe(0);
  });

  it("a named load balancer that does not exist is CRITICAL, the others still judged", async () => {
    fake.setScenario(scenario({ name: "web", instances: [member(1)] }));
    const r = await elb(["--elb", "web", "--elb", "gone"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("ELB CRITICAL: gone: no classic load balancer of that name in us-east-1 (1 of 2 load balancers)");
    expect(r.stdout).toContain("[OK] web: 1 of 1 instances InService");
    const alone = await elb(["--elb", "gone"]);
    expect(alone.exitCode).toBe(2);
    expect(alone.stdout).toBe("ELB CRITICAL: gone: no classic load balancer of that name in us-east-1\n[CRITICAL] gone: no classic load balancer of that name in us-east-1 | load_balancers=0;;;0\n");
  });
});

describe("listing: every page, empty NextMarker ends it", () => {
  it("450 load balancers: DescribeLoadBalancers exactly twice (400 + 50), every one judged", async () => {
    const fleet = makeFleet({ count: 900 });
    fake.setScenario({
      regions: {
        [REGION]: {
          instances: fleet,
          loadBalancers: makeLoadBalancers({ count: 450, instances: fleet, memberState: (lb, k) => (lb === 449 && k === 0 ? "OutOfService" : "InService") }),
        },
      },
    });
    // What is counted here is calls, not time: a deadline a loaded machine cannot reach (speed: bench/).
    const r = await elb(["-w", "2:", "-t", "60"], 90_000);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe("ELB WARNING: lb-450: 1 of 2 instances InService (warning range 2:) (1 of 450 load balancers)");
    expect(perfdata(r.stdout).get("load_balancers")).toBe("450;;;0");
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4096);
    expect(fake.count("DescribeLoadBalancers")).toBe(2);
    const markers = fake.callsWhere({ action: "DescribeLoadBalancers" }).map((c) => c.params.Marker);
    expect(markers[0]).toBeUndefined();
    expect(markers[1]).toMatch(/\S/);
    expect(fake.count("DescribeInstanceHealth")).toBe(450);
  }, 120_000);

  it("a region without any load balancer or target group is UNKNOWN naming it", async () => {
    fake.setScenario(scenario());
    const r = await elb([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("ELB UNKNOWN: no load balancer or target group in us-east-1\n");
  });
});

describe("errors and usage", () => {
  it("access denied on DescribeInstanceHealth is UNKNOWN naming the IAM action", async () => {
    fake.setScenario(scenario({ name: "web", instances: [member(1)] }));
    fake.inject({ service: "elasticloadbalancing", action: "DescribeInstanceHealth", kind: "accessDenied" });
    const r = await elb([]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toMatch(/^ELB UNKNOWN: access denied: the credentials may not call elasticloadbalancing:DescribeInstanceHealth/);
  });

  it("throttling is retried within --max-attempts", async () => {
    fake.setScenario(scenario({ name: "web", instances: [member(1)] }));
    fake.inject({ service: "elasticloadbalancing", action: "DescribeLoadBalancers", kind: "throttle", times: 1 });
    const r = await elb([]);
    expect(r.exitCode).toBe(0);
    expect(fake.count("DescribeLoadBalancers")).toBe(2);
  });

  it("a hung DescribeInstanceHealth gives UNKNOWN within -t, naming the stage", async () => {
    fake.setScenario(scenario({ name: "web", instances: [member(1)] }));
    fake.inject({ service: "elasticloadbalancing", action: "DescribeInstanceHealth", kind: "hang" });
    const r = await elb(["--elb", "web", "-t", "2"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("ELB UNKNOWN: timed out after 2s while reading instance health (elasticloadbalancing:DescribeInstanceHealth)\n");
    expect(r.ms).toBeLessThan(lateBy(2000)); // exits at its deadline: a hung socket would hold it until killed
  });

  it("several regions: --elb is missing only when no region has it; a failing region is one UNKNOWN line", async () => {
    fake.setScenario({
      regions: {
        [REGION]: { loadBalancers: [{ name: "web", instances: [member(1)] }] },
        "eu-west-1": { loadBalancers: [{ name: "api", instances: [member(2, "OutOfService")] }] },
      },
    });
    const r = await elb(["--region", "eu-west-1", "--elb", "web", "--elb", "api"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("ELB CRITICAL: api [eu-west-1]: 0 of 1 instances InService (critical range 1:) (1 of 2 load balancers)");
    expect(r.stdout).toContain("[OK] web [us-east-1]: 1 of 1 instances InService");
    expect(perfdata(r.stdout).get("eu-west-1/api.in_service")).toBe("0;;1:;0;1");
    expect(r.stdout).not.toContain("no classic load balancer");

    fake.inject({ service: "elasticloadbalancing", region: "eu-west-1", kind: "error500" });
    const failing = await elb(["--region", "eu-west-1", "--max-attempts", "1"]);
    expect(failing.exitCode).toBe(3);
    expect(firstLine(failing.stdout)).toBe("ELB UNKNOWN: web [us-east-1]: 1 of 1 instances InService; 1 region(s) could not be read");
    expect(failing.stdout).toMatch(/\[UNKNOWN\] region eu-west-1: elasticloadbalancing:DescribeLoadBalancers failed: .*HTTP 500/);
  });

  it.each([
    [["--min-healthy-percent", "120"], "--min-healthy-percent: expected a percentage from 0 to 100, got '120'"],
    [["-c", "1:0"], "--critical: invalid range '1:0'"],
    [["--elb", "-web"], "--elb: '-web' is not a classic load balancer name"],
  ])("usage error %j names the option", async (args, text) => {
    const r = await elb(args);
    expect(r.exitCode).toBe(3);
    expect(r.stdout.startsWith(`ELB UNKNOWN: ${text}`)).toBe(true);
    expect(fake.calls).toHaveLength(0);
  });
});
