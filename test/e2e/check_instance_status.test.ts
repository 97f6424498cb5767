import { beforeEach, describe, expect, it } from "vitest";
import { type FakeAws } from "../support/fake-aws/server";
import { type Instance, makeFleet, type Scenario } from "../support/fake-aws/scenario";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { withFakeAws } from "../support/fake-aws/lifecycle";

const REGION = "us-east-1";
const HOUR = 3600_000;

let fake: FakeAws;

const host = (n: number, extra: Partial<Instance> = {}): Instance => ({
  id: `i-0000000000000000${n}`,
  tags: { Name: `web-${n}`, env: n % 2 ? "prod" : "dev" },
  ...extra,
});
const oneRegion = (instances: Instance[]): Scenario => ({ regions: { [REGION]: { instances } } });

function status(args: string[], env: Record<string, string> = {}) {
  return runBinary("check_instance_status", ["--region", REGION, ...args], { env: fake.env(env) });
}

withFakeAws(oneRegion([]), (started) => (fake = started));

describe("judging status checks (compiled binary against the wire-level fake)", () => {
  it("ok-all-pass: every check passing is OK with the four counts", async () => {
    fake.setScenario(oneRegion([host(1), host(2), host(3, { systemStatus: "initializing", instanceStatus: "initializing" })]));
    const r = await status([]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      "STATUS OK: status checks pass on 3 instance(s) (1 initializing)\n" +
        "[OK] i-00000000000000003 (web-3) [us-east-1]: system check initializing; instance check initializing" +
        " | instances=3;;;0 impaired=0;;0;0 insufficient_data=0;0;;0 initializing=1;;;0\n",
    );
  });

  it("crit-impaired: names the check, the failing detail and since when", async () => {
    const since = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * HOUR - 5 * 60_000);
    fake.setScenario(oneRegion([host(1), host(2, { attachedEbsStatus: { status: "impaired", impairedSince: since } })]));
    const r = await status([]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe("STATUS CRITICAL: 1 impaired of 2 instance(s); i-00000000000000002 (web-2) [us-east-1]: attached-EBS check impaired");
    const iso = since.toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(r.stdout).toMatch(
      new RegExp(`\\[CRITICAL\\] i-00000000000000002 \\(web-2\\) \\[us-east-1\\]: attached-EBS check impaired: reachability failed since ${iso} \\(2h [56]m ago\\)`),
    );
    expect(perfdata(r.stdout).get("impaired")).toBe("1;;0;0");
  });

  it("warn-insufficient-data by default, critical with --insufficient-data critical, ignored with --ignore-check", async () => {
    fake.setScenario(oneRegion([host(1, { instanceStatus: "insufficient-data" })]));
    const warn = await status([]);
    expect(warn.exitCode).toBe(1);
    expect(warn.stdout).toContain("[WARNING] i-00000000000000001 (web-1) [us-east-1]: instance check insufficient-data");
    const crit = await status(["--insufficient-data", "critical"]);
    expect(crit.exitCode).toBe(2);
    expect(perfdata(crit.stdout).get("insufficient_data")).toBe("1;;0;0");
    const ignored = await status(["--ignore-check", "instance"]);
    expect(ignored.exitCode).toBe(0);
    expect(perfdata(ignored.stdout).get("insufficient_data")).toBe("0;0;;0");
  });

  it("stopped instances only with --include-stopped, shown and never alerting", async () => {
    fake.setScenario(oneRegion([host(1), host(2, { state: "stopped" })]));
    expect(perfdata((await status([])).stdout).get("instances")).toBe("1;;;0");
    const r = await status(["--include-stopped"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("[OK] i-00000000000000002 (web-2) [us-east-1]: stopped, no status checks");
    expect(fake.callsWhere({ action: "DescribeInstanceStatus" }).at(-1)?.params).toMatchObject({ IncludeAllInstances: "true" });
  });

  it("--tag and --instance-id select; a selection matching nothing is UNKNOWN naming it", async () => {
    fake.setScenario(oneRegion([host(1, { systemStatus: "impaired" }), host(2), host(3)]));
    const dev = await status(["--tag", "env=dev"]);
    expect(dev.exitCode).toBe(0);
    expect(perfdata(dev.stdout).get("instances")).toBe("1;;;0");
    const byId = await status(["--instance-id", "i-00000000000000001"]);
    expect(byId.exitCode).toBe(2);
    expect(perfdata(byId.stdout).get("instances")).toBe("1;;;0");
    const none = await status(["--tag", "env=staging"]);
    expect(none.exitCode).toBe(3);
    expect(firstLine(none.stdout)).toBe("STATUS UNKNOWN: no running instance matches --tag env=staging");
    const gone = await status(["--instance-id", "i-0123456789abcdef0"]);
    expect(gone.exitCode).toBe(3);
    expect(firstLine(gone.stdout)).toBe("STATUS UNKNOWN: no running instance matches --instance-id i-0123456789abcdef0");
  });

  it("no running instance at all is OK", async () => {
    fake.setScenario(oneRegion([host(1, { state: "stopped" })]));
    const r = await status([]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe("STATUS OK: no running instance");
  });

  it("unknown-usage: a bad --ignore-check or --insufficient-data is UNKNOWN naming the option", async () => {
    const bad = await status(["--ignore-check", "network"]);
    expect(bad.exitCode).toBe(3);
    expect(bad.stdout).toBe("STATUS UNKNOWN: --ignore-check: expected system, instance or ebs, got 'network'\n");
    const state = await status(["--insufficient-data", "maybe"]);
    expect(state.exitCode).toBe(3);
    expect(state.stdout).toMatch(/^STATUS UNKNOWN: --insufficient-data: /);
    expect(fake.calls).toHaveLength(0);
  });
});

describe("scale: calls grow with pages, not instances", () => {
  it("2,500 instances are judged from 3 pages, Name tags of the ones shown in one batched call", async () => {
    const since = new Date(Date.now() - 3 * HOUR);
    const fleet = makeFleet({
      count: 2_500,
      prefix: "node",
      statusChecks: (i) => {
        if (i % 500 === 1) return { systemStatus: { status: "impaired", impairedSince: since } };
        if (i % 500 === 2) return { attachedEbsStatus: "insufficient-data" };
        if (i % 500 === 3) return { instanceStatus: "initializing" };
        return undefined;
      },
    });
    fake.setScenario(oneRegion(fleet));
    const r = await status([]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(
      "STATUS CRITICAL: 5 impaired, 5 with insufficient data of 2500 instance(s) (5 initializing); i-00000000000000002 (node-2) [us-east-1]: system check impaired",
    );
    const perf = perfdata(r.stdout);
    expect([perf.get("instances"), perf.get("impaired"), perf.get("insufficient_data"), perf.get("initializing")]).toEqual([
      "2500;;;0",
      "5;;0;0",
      "5;0;;0",
      "5;;;0",
    ]);
    expect(r.stdout).toContain("[CRITICAL] i-000000000000007d2 (node-2002) [us-east-1]: system check impaired: reachability failed since");
    expect(fake.count("DescribeInstanceStatus")).toBe(3);
    expect(fake.callsWhere({ action: "DescribeInstanceStatus" }).map((c) => c.params.MaxResults)).toEqual(["1000", "1000", "1000"]);
    expect(fake.count("DescribeTags")).toBe(1);
    expect(fake.count("DescribeInstances")).toBe(0);
    expect(fake.calls).toHaveLength(4);
  });
});

describe("regions", () => {
  const twoRegions = (): Scenario => ({
    regions: {
      "us-east-1": { instances: [host(1, { instanceStatus: "impaired" })] },
      "eu-west-1": { instances: makeFleet({ region: "eu-west-1", count: 2, idStart: 100 }) },
    },
  });

  it("one of two regions failing is one UNKNOWN line; the other region's CRITICAL is kept", async () => {
    fake.setScenario(twoRegions());
    fake.inject({ region: "eu-west-1", kind: "error500" });
    const r = await runBinary("check_instance_status", ["--region", "us-east-1", "--region", "eu-west-1", "--max-attempts", "1"], {
      env: fake.env(),
    });
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toMatch(/^STATUS CRITICAL: 1 impaired of 1 instance\(s\); .*; 1 region\(s\) could not be read$/);
    expect(r.stdout).toMatch(/\[UNKNOWN\] region eu-west-1: ec2:DescribeInstanceStatus failed/);
    expect(r.stdout).toContain("[CRITICAL] i-00000000000000001 (web-1) [us-east-1]: instance check impaired");
  });

  it("--region all reads every enabled region; an --instance-id of one region is no error in another", async () => {
    fake.setScenario(twoRegions());
    const all = await runBinary("check_instance_status", ["--region", "all"], { env: fake.env({ AWS_REGION: "us-east-1" }) });
    expect(all.exitCode).toBe(2);
    expect(perfdata(all.stdout).get("instances")).toBe("3;;;0");
    const one = await runBinary("check_instance_status", ["--region", "all", "--instance-id", "i-00000000000000064"], {
      env: fake.env({ AWS_REGION: "us-east-1" }),
    });
    expect(one.exitCode).toBe(0);
    expect(perfdata(one.stdout).get("instances")).toBe("1;;;0");
  });
});

describe("faults", () => {
  beforeEach(() => fake.setScenario(oneRegion([host(1)])));

  it("a hung endpoint with -t 3 is UNKNOWN naming the stage", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "hang" });
    const r = await status(["-t", "3"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("STATUS UNKNOWN: timed out after 3s while describing instance status (ec2:DescribeInstanceStatus)\n");
    // Only a guard against hanging: the message above already says the 3 s deadline fired.
    expect(r.ms).toBeLessThan(15_000);
  });

  it("access denied names ec2:DescribeInstanceStatus", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "accessDenied" });
    const r = await status([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^STATUS UNKNOWN: access denied: the credentials may not call ec2:DescribeInstanceStatus/);
    expect(r.stderr).toBe("");
  });

  it("a malformed answer is UNKNOWN, never OK", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "malformed" });
    const r = await status([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^STATUS UNKNOWN: .*ec2:DescribeInstanceStatus/);
  });
});
