import { execFile } from "node:child_process";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { type FakeAws } from "../support/fake-aws/server";
import { type Instance, type InstanceEvent, makeFleet, type Scenario } from "../support/fake-aws/scenario";
import { firstLine, perfdata, ROOT, runBinary } from "../support/run-binary";
import { lateBy } from "../support/timing";
import { withFakeAws } from "../support/fake-aws/lifecycle";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const REGION = "us-east-1";

let fake: FakeAws;

const at = (ms: number) => new Date(Date.now() + ms);
const ev = (inMs: number, description = "scheduled reboot", code: InstanceEvent["code"] = "system-reboot"): InstanceEvent => ({
  code,
  description,
  notBefore: at(inMs),
});
const host = (n: number, events: InstanceEvent[] = [], extra: Partial<Instance> = {}): Instance => ({
  id: `i-0000000000000000${n}`,
  tags: { Name: `web-${n}`, env: n % 2 ? "prod" : "dev" },
  events,
  ...extra,
});
const oneRegion = (instances: Instance[]): Scenario => ({ regions: { [REGION]: { instances } } });

function events(args: string[], env: Record<string, string> = {}, killAfterMs?: number) {
  return runBinary("check_instance_events", ["--region", REGION, ...args], { env: fake.env(env), killAfterMs });
}

withFakeAws(oneRegion([]), (started) => (fake = started));

describe("judging events (compiled binary against the wire-level fake)", () => {
  it("ok-no-events: no event is OK with counts in perfdata", async () => {
    fake.setScenario(oneRegion([host(1), host(2), host(3)]));
    const r = await events([]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("EVENTS OK: no scheduled events on 3 instance(s) | events=0;;;0 instances=3;;;0\n");
  });

  it("warn-pending: every pending event warns by default, named with its Name tag and time", async () => {
    // Half an hour past 10d 1h: "in 10d 1h" however long a loaded machine takes to start the check.
    fake.setScenario(oneRegion([host(1, [ev(10 * DAY + HOUR + 30 * 60_000)]), host(2)]));
    const r = await events([]);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toMatch(/^EVENTS WARNING: 1 scheduled event\(s\) on 2 instance\(s\); next: i-00000000000000001 system-reboot in 10d 1h$/);
    expect(r.stdout).toMatch(/\[WARNING\] i-00000000000000001 \(web-1\) \[us-east-1\] system-reboot at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, in 10d 1h: scheduled reboot/);
    const perf = perfdata(r.stdout);
    expect(perf.get("events")).toBe("1;;;0");
    expect(perf.get("next_event")).toMatch(/^\d+s;;259200:$/);
  });

  it("crit-soon: an event within -c (default 3d) is CRITICAL", async () => {
    fake.setScenario(oneRegion([host(1, [ev(2 * DAY, "scheduled retirement", "instance-retirement")])]));
    const r = await events([]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^EVENTS CRITICAL: .* instance-retirement in (1d 23h|2d)/);
  });

  it("crit-started: an event already started and not completed is CRITICAL", async () => {
    fake.setScenario(oneRegion([host(1, [ev(-2 * HOUR)])]));
    const r = await events(["-c", "1h"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/system-reboot started 2h/);
    expect(perfdata(r.stdout).get("next_event")).toMatch(/^-\d+s;;3600:$/);
  });

  it("ok-completed-and-canceled: events that are over never alert, whatever their code", async () => {
    fake.setScenario(
      oneRegion([
        host(1, [ev(-DAY, "[Completed] The instance is running on degraded hardware", "instance-retirement")]),
        host(2, [ev(-HOUR, "[Canceled] scheduled reboot", "system-reboot")]),
        host(3, [ev(DAY, "[completed] instance-stop", "instance-stop")]),
      ]),
    );
    const r = await events([]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe("EVENTS OK: no scheduled events on 3 instance(s)");
    expect(perfdata(r.stdout).get("events")).toBe("0;;;0");
    const verbose = await events(["-v"]);
    expect(verbose.stdout).toContain("over, not judged: i-00000000000000001 instance-retirement");
  });

  it("ok-beyond-warning: -w/-c durations, bare numbers in days", async () => {
    fake.setScenario(oneRegion([host(1, [ev(20 * DAY)]), host(2, [ev(10 * DAY, "scheduled maintenance", "system-maintenance")])]));
    const bare = await events(["-w", "14", "-c", "3"]);
    expect(bare.exitCode).toBe(1);
    expect(bare.stdout).toMatch(/\[WARNING\] i-00000000000000002 .*system-maintenance/);
    expect(bare.stdout).toMatch(/\[OK\] i-00000000000000001 .*system-reboot/);
    expect(perfdata(bare.stdout).get("next_event")).toMatch(/^\d+s;1209600:;259200:$/);
    const units = await events(["-w", "7d", "-c", "72h"]);
    expect(units.exitCode).toBe(0);
  });

  it("ok-ignored-code: --ignore-code leaves an event out of judgement and counts", async () => {
    fake.setScenario(oneRegion([host(1, [ev(DAY, "scheduled maintenance", "system-maintenance")])]));
    const r = await events(["--ignore-code", "system-maintenance"]);
    expect(r.exitCode).toBe(0);
    expect(perfdata(r.stdout).get("events")).toBe("0;;;0");
  });

  it("stopped instances only with --include-stopped", async () => {
    fake.setScenario(oneRegion([host(1), host(2, [ev(5 * DAY, "retirement", "instance-retirement")], { state: "stopped" })]));
    expect((await events([])).exitCode).toBe(0);
    const r = await events(["--include-stopped"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("i-00000000000000002 (web-2)");
    expect(perfdata(r.stdout).get("instances")).toBe("2;;;0");
  });

  it("--instance-id and --tag select instances", async () => {
    fake.setScenario(oneRegion([host(1, [ev(DAY)]), host(2, [ev(10 * DAY)]), host(3)]));
    const byId = await events(["--instance-id", "i-00000000000000002"]);
    expect(byId.exitCode).toBe(1);
    expect(perfdata(byId.stdout).get("instances")).toBe("1;;;0");
    const byTag = await events(["--tag", "env=dev"]);
    expect(byTag.exitCode).toBe(1);
    expect(byTag.stdout).toContain("i-00000000000000002");
    expect(byTag.stdout).not.toContain("i-00000000000000001");
    const none = await events(["--tag", "env=staging"]);
    expect(none.exitCode).toBe(3);
    expect(none.stdout).toBe("EVENTS UNKNOWN: no instance matches --tag env=staging\n");
  });
});

describe("scale: calls grow with pages, not instances", () => {
  it("a 2,500-instance fleet is read in 3 pages, Name tags in one DescribeTags call per 200 instances with events", async () => {
    const fleet = makeFleet({ count: 2500, eventEvery: 5, prefix: "node" });
    fake.setScenario(oneRegion(fleet));
    // Calls are counted here, not time: a deadline a loaded machine cannot reach (speed: bench/events.sh).
    const r = await events(["-t", "60"], {}, 90_000);
    expect(r.exitCode).toBe(2); // the default events start within 3 days + up to 24 h
    expect(perfdata(r.stdout).get("instances")).toBe("2500;;;0");
    expect(perfdata(r.stdout).get("events")).toBe("500;;;0");
    // 1,000 per status page; 500 instances with events → 200 + 200 + 100 ids per DescribeTags call.
    expect(fake.count("DescribeInstanceStatus")).toBe(3);
    expect(fake.count("DescribeTags")).toBe(3);
    expect(fake.count("DescribeInstances")).toBe(0);
    // Every instance with an event is named, whichever of the batches (run side by side) named it; the
    // JSON output has every finding, where the plugin output stops at 4 KB.
    const json = await events(["-t", "60", "--format", "json"], {}, 90_000);
    const texts = (JSON.parse(json.stdout) as { findings: { text: string }[] }).findings.map((f) => f.text);
    expect(texts).toHaveLength(500);
    expect(texts.filter((text) => !/^i-\w+ \(node-\d+\) /.test(text))).toEqual([]);
  }, 120_000);

  it("a Name-tag lookup refused by IAM is one UNKNOWN line naming ec2:DescribeTags, whatever the batches in flight", async () => {
    fake.setScenario(oneRegion(makeFleet({ count: 1000, eventEvery: 2, prefix: "node" })));
    fake.inject({ action: "DescribeTags", kind: "accessDenied" });
    const r = await events(["-t", "60"], {}, 90_000);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: .*access denied: the credentials may not call ec2:DescribeTags/);
    expect(r.stderr).toBe("");
  }, 120_000);
});

describe("--self through IMDSv2", () => {
  it("reads this instance's events without credentials or region, and makes no AWS API call", async () => {
    fake.setScenario({
      regions: { [REGION]: { instances: [] } },
      imds: {
        region: "eu-west-1",
        instanceId: "i-0abc12345678def01",
        scheduledEvents: [{ code: "system-reboot", description: "scheduled reboot", notBefore: at(36 * HOUR) }],
      },
    });
    const r = await runBinary("check_instance_events", ["--self"], {
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url, AWS_EC2_METADATA_DISABLED: "false", AWS_METADATA_SERVICE_TIMEOUT: "10" },
    });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/\[CRITICAL\] i-0abc12345678def01 system-reboot at .*, in 1d 1[12]h/);
    expect(fake.countWhere({ service: "ec2" })).toBe(0);
  });

  it("is UNKNOWN when instance metadata does not answer", async () => {
    const r = await runBinary("check_instance_events", ["--self"], {
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9", AWS_EC2_METADATA_DISABLED: "false" },
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: instance metadata \(IMDSv2\) did not answer/);
  });

  it("waits AWS_METADATA_SERVICE_TIMEOUT seconds for a slow IMDS when that is longer than its own 1 s", async () => {
    fake.setScenario({ regions: { [REGION]: { instances: [] } }, imds: { region: REGION, instanceId: "i-0abc12345678def01" } });
    fake.inject({ service: "imds", kind: "hang" });
    const r = await runBinary("check_instance_events", ["--self", "-t", "10"], {
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url, AWS_EC2_METADATA_DISABLED: "false", AWS_METADATA_SERVICE_TIMEOUT: "2" },
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: instance metadata \(IMDSv2\) did not answer \S+ within 2000 ms/);
    expect(r.ms).toBeGreaterThanOrEqual(1950);
    fake.clearFaults();
  });
});

describe("regions", () => {
  const threeRegions = (): Scenario => ({
    regions: {
      "us-east-1": { instances: [host(1, [ev(10 * DAY)])] },
      "eu-west-1": { instances: makeFleet({ region: "eu-west-1", count: 2, idStart: 100 }) },
      "eu-west-3": { instances: [host(3, [ev(DAY)])] },
    },
  });

  it("--region all: a failing region is one UNKNOWN line, the others are judged", async () => {
    fake.setScenario(threeRegions());
    fake.inject({ region: "eu-west-3", kind: "error500" });
    const r = await runBinary("check_instance_events", ["--region", "all", "--max-attempts", "1"], { env: fake.env({ AWS_REGION: "us-east-1" }) });
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toMatch(/1 scheduled event\(s\) on 3 instance\(s\).*1 region\(s\) could not be read/);
    expect(r.stdout).toMatch(/\[UNKNOWN\] region eu-west-3: ec2:DescribeInstanceStatus failed/);
    expect(fake.count("DescribeRegions")).toBe(1);
  });

  it("no region anywhere is UNKNOWN saying how to give one", async () => {
    const r = await runBinary("check_instance_events", [], { env: fake.env() });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("EVENTS UNKNOWN: no region: pass --region or set AWS_REGION\n");
  });

  it("falls back to the instance's region from IMDSv2", async () => {
    fake.setScenario({ ...threeRegions(), imds: { region: "eu-west-3", instanceId: "i-00000000000000003" } });
    const r = await runBinary("check_instance_events", [], { env: fake.env({ AWS_EC2_METADATA_DISABLED: "false" }) });
    expect(r.exitCode).toBe(2);
    expect(fake.count("DescribeInstanceStatus", "eu-west-3")).toBe(1);
  });
});

describe("credentials and faults", () => {
  beforeEach(() => fake.setScenario(oneRegion([host(1, [ev(10 * DAY)])])));

  it("--role-arn assumes the role first and uses its credentials", async () => {
    const r = await events(["--role-arn", "arn:aws:iam::210987654321:role/monitor", "--external-id", "xyz"]);
    expect(r.exitCode).toBe(1);
    expect(fake.assumedRoles).toHaveLength(1);
    expect(fake.assumedRoles[0]).toMatchObject({ roleArn: "arn:aws:iam::210987654321:role/monitor", externalId: "xyz" });
    const ec2Keys = fake.callsWhere({ service: "ec2" }).map((c) => c.accessKeyId);
    expect(new Set(ec2Keys)).toEqual(new Set([fake.assumedRoles[0].accessKeyId]));
  });

  it("access denied names ec2:DescribeInstanceStatus", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "accessDenied" });
    const r = await events([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: access denied: the credentials may not call ec2:DescribeInstanceStatus/);
  });

  it("no credentials at all is UNKNOWN naming the cause", async () => {
    const r = await runBinary("check_instance_events", ["--region", REGION], { env: { AWS_ENDPOINT_URL: fake.url } });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: no AWS credentials found/);
  });

  it("a hung endpoint gives UNKNOWN at -t, naming the stage", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "hang" });
    const r = await events(["-t", "2"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("EVENTS UNKNOWN: timed out after 2s while describing instance status (ec2:DescribeInstanceStatus)\n");
    expect(r.ms).toBeLessThan(lateBy(2000)); // exits at its deadline: a hung socket would hold it until killed
  });

  it("throttling then success gives the real state", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "throttle", times: 2 });
    const r = await events(["--max-attempts", "3"]);
    expect(r.exitCode).toBe(1);
    expect(fake.count("DescribeInstanceStatus")).toBe(3);
  });

  it("throttling that outlasts the attempts is UNKNOWN saying so", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "throttle" });
    const r = await events(["--max-attempts", "2"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: throttled by AWS on ec2:DescribeInstanceStatus after 2 attempts/);
  });

  it("a persistent 500 is UNKNOWN", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "error500" });
    const r = await events(["--max-attempts", "2"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: ec2:DescribeInstanceStatus failed: .*HTTP 500/);
  });

  it("a malformed answer is UNKNOWN, never OK", async () => {
    fake.inject({ action: "DescribeInstanceStatus", kind: "malformed" });
    const r = await events([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: .*ec2:DescribeInstanceStatus/);
    expect(r.stderr).toBe("");
  });
});

describe("the npm package on Node 20", () => {
  it("gives the same answer as the compiled binary, and keeps the SDK's Node-version notice off stderr", async () => {
    fake.setScenario(oneRegion([host(1, [ev(10 * DAY + 90 * 60_000)])]));
    // Asynchronously: the fake endpoint answers from this very process.
    const onNode = await new Promise<{ stdout: string; stderr: string; status: number | null }>((resolve) => {
      const shim = join(ROOT, "dist", "node", "check_instance_events.cjs");
      const child = execFile(process.execPath, [shim, "--region", REGION], { env: { PATH: "/usr/bin:/bin", ...fake.env() } }, (_err, stdout, stderr) =>
        resolve({ stdout, stderr, status: child.exitCode }),
      );
    });
    expect(onNode.stderr).toBe("");
    expect(onNode.status).toBe(1);
    expect(firstLine(onNode.stdout)).toMatch(/^EVENTS WARNING: 1 scheduled event\(s\) on 1 instance\(s\); next: i-00000000000000001 system-reboot in 10d [12]h$/);
  });
});
