import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, startFakeAws } from "../support/fake-aws/server";
import type { Scenario } from "../support/fake-aws/scenario";
import { MountNamespace } from "../support/mounts";
import { expectPerfdataAsSamples, expectRunSeries, parseOpenMetrics, type ParsedSample, promtool } from "../support/openmetrics";
import { type BinaryResult, runBinary } from "../support/run-binary";

// Every command's --format openmetrics, from the compiled binary, in its OK, CRITICAL and UNKNOWN cases:
// promtool accepts it, and every perfdata item of the nagios output of the same case has its sample with
// the same value after unit conversion. Each case runs nagios, openmetrics, nagios again: values that
// move with the clock or the host's load between runs must lie between the two nagios runs.

const REGION = "us-east-1";
const HOUR = 3600_000;
let fake: FakeAws;
let ns: MountNamespace;

type Run = (args: string[]) => Promise<BinaryResult>;

interface Case {
  before: BinaryResult;
  om: BinaryResult;
  after: BinaryResult;
  samples: ParsedSample[];
}

/** nagios, openmetrics, nagios: same exit code, nothing on stderr, promtool silent and happy. */
async function threeRuns(run: Run, args: string[], exitCode: number): Promise<Case> {
  const before = await run(args);
  const om = await run([...args, "--format", "openmetrics"]);
  const after = await run(args);
  for (const r of [before, om, after]) {
    expect(r.stderr).toBe("");
    expect(r.exitCode, r.stdout).toBe(exitCode);
  }
  expect(promtool(om.stdout), om.stdout).toEqual({ exitCode: 0, output: "" });
  return { before, om, after, samples: parseOpenMetrics(om.stdout) };
}

async function expectCase(command: string, run: Run, args: string[], exitCode: number, skip: RegExp[] = []): Promise<Case> {
  const c = await threeRuns(run, args, exitCode);
  expectRunSeries(c.samples, command, exitCode);
  if (c.before.stdout.includes("|")) {
    const matched = expectPerfdataAsSamples(command, c.samples, c.before.stdout, c.after.stdout, skip);
    // Nothing but state, duration, the perfdata items and their bounds.
    const perfSeries = c.samples.filter((s) => !/_(warning|critical)(_seconds|_bytes|_ratio)?$/.test(s.name) && !s.name.startsWith("aws_checks_state") && !s.name.startsWith("aws_checks_duration"));
    expect(perfSeries).toHaveLength(matched);
  } else {
    expect(c.samples.map((s) => s.name)).toEqual(["aws_checks_state", "aws_checks_duration_seconds"]);
  }
  return c;
}

const aws = (command: string): Run => (args) => runBinary(command, ["--region", REGION, ...args], { env: fake.env() });
const scenario = (region: Scenario["regions"][string], eu: Scenario["regions"][string] = {}): Scenario => ({ regions: { [REGION]: region, "eu-west-1": eu } });
const id = (n: number) => `i-0000000000000000${n}`;

beforeAll(async () => {
  fake = await startFakeAws(scenario({}));
  ns = await MountNamespace.create();
});
afterAll(async () => {
  await fake?.stop();
  await ns?.close();
});
beforeEach(() => fake.clearFaults());

describe("check_queue_backlog", () => {
  const run = aws("check_queue_backlog");
  it("ok: a queue within range", async () => {
    fake.setScenario(scenario({ queues: [{ name: "orders", visible: 3, inFlight: 1 }] }));
    const c = await expectCase("check_queue_backlog", run, ["--queue", "orders", "-w", "10", "-c", "20"], 0);
    expect(c.om.stdout).toContain('aws_checks_check_queue_backlog_visible{region="us-east-1",queue="orders"} 3\n');
  });
  it("crit: two regions, a deep queue and its dead-letter queue", async () => {
    const redrive = { deadLetterTargetName: "orders-dlq", maxReceiveCount: 3 };
    fake.setScenario(scenario({ queues: [{ name: "orders", visible: 50, redrive }, { name: "orders-dlq", visible: 2 }] }, { queues: [{ name: "orders", visible: 1 }] }));
    const c = await expectCase("check_queue_backlog", run, ["--region", "eu-west-1", "--queue", "orders", "-w", "10", "-c", "20", "--dlq-critical", "1"], 2);
    expect(c.om.stdout).toContain('aws_checks_check_queue_backlog_visible{region="eu-west-1",queue="orders"} 1\n');
    expect(c.om.stdout).toContain('aws_checks_check_queue_backlog_dlq_critical{region="us-east-1",queue="orders",bound="upper"} 1\n');
  });
  it("unknown: access denied", async () => {
    fake.inject({ service: "sqs", kind: "accessDenied" });
    await expectCase("check_queue_backlog", run, ["--queue", "orders"], 3);
  });
});

describe("check_elb_health", () => {
  const run = aws("check_elb_health");
  const lb = (name: string, states: ("InService" | "OutOfService")[]) => ({ name, instances: states.map((state, i) => ({ id: id(i + 1), state })) });
  it("ok: every instance in service", async () => {
    fake.setScenario(scenario({ loadBalancers: [lb("web", ["InService", "InService"])] }));
    const c = await expectCase("check_elb_health", run, [], 0);
    expect(c.om.stdout).toContain('aws_checks_check_elb_health_in_service{region="us-east-1",load_balancer="web"} 2\n');
  });
  it("crit: none in service", async () => {
    fake.setScenario(scenario({ loadBalancers: [lb("web", ["OutOfService"]), lb("api", ["InService"])] }));
    await expectCase("check_elb_health", run, [], 2);
  });
  it("unknown: access denied", async () => {
    fake.inject({ service: "elasticloadbalancing", kind: "accessDenied" });
    await expectCase("check_elb_health", run, [], 3);
  });
});

describe("check_instance_events", () => {
  const run = aws("check_instance_events");
  const host = (n: number, inMs?: number) => ({
    id: id(n),
    events: inMs === undefined ? [] : [{ code: "system-reboot" as const, description: "scheduled reboot", notBefore: new Date(Date.now() + inMs) }],
  });
  it("ok: no events", async () => {
    fake.setScenario(scenario({ instances: [host(1), host(2)] }));
    await expectCase("check_instance_events", run, [], 0);
  });
  it("crit: a reboot in two hours; its time to start moves with the clock between runs", async () => {
    fake.setScenario(scenario({ instances: [host(1, 2 * HOUR), host(2)] }));
    const c = await expectCase("check_instance_events", run, ["-w", "7d", "-c", "1d"], 2);
    expect(c.om.stdout).toContain('aws_checks_check_instance_events_next_event_critical_seconds{bound="lower"} 86400\n');
  });
  it("unknown: access denied", async () => {
    fake.inject({ service: "ec2", kind: "accessDenied" });
    await expectCase("check_instance_events", run, [], 3);
  });
});

describe("check_ami_freshness", () => {
  const run = aws("check_ami_freshness");
  const image = (n: number, hoursAgo: number) => ({
    id: `ami-0000000000000000${n}`,
    name: `${id(n)}-backup`,
    sourceInstanceId: id(n),
    state: "available" as const,
    creationDate: new Date(Date.now() - hoursAgo * HOUR),
  });
  it("ok: a backup three hours old", async () => {
    fake.setScenario(scenario({ instances: [{ id: id(1) }], images: [image(1, 3)] }));
    const c = await expectCase("check_ami_freshness", run, ["-w", "26h", "-c", "50h"], 0);
    expect(c.om.stdout).toMatch(/\naws_checks_check_ami_freshness_backup_age_seconds\{region="us-east-1",instance="i-00000000000000001"\} 108\d\d\n/);
  });
  it("crit: a backup sixty hours old", async () => {
    fake.setScenario(scenario({ instances: [{ id: id(1) }, { id: id(2) }], images: [image(1, 60), image(2, 1)] }));
    await expectCase("check_ami_freshness", run, ["-w", "26h", "-c", "50h"], 2);
  });
  it("unknown: access denied", async () => {
    fake.inject({ service: "ec2", kind: "accessDenied" });
    await expectCase("check_ami_freshness", run, [], 3);
  });
});

describe("check_efs_mount (a real tmpfs in a private mount namespace)", () => {
  const run: Run = (args) => ns.check("check_efs_mount", args);
  let mnt: string;
  beforeAll(async () => {
    mnt = join(ns.dir, "om");
    await ns.sh(`mkdir -p ${mnt} && mount -t tmpfs -o size=8m tmpfs ${mnt} && head -c 4194304 /dev/zero > ${mnt}/half`);
  });
  // The probe's own run time differs from run to run: only its presence is compared.
  const probe = [/\.probe$/];
  it("ok: half full, under -c 80", async () => {
    const c = await expectCase("check_efs_mount", run, ["--mount-point", mnt, "--type", "tmpfs", "--no-fstab-check", "-w", "70", "-c", "80"], 0, probe);
    expect(c.om.stdout).toContain(`aws_checks_check_efs_mount_used_ratio{mount="${mnt}"} 0.5\n`);
    expect(c.om.stdout).toContain(`aws_checks_check_efs_mount_used_bytes{mount="${mnt}"} 4194304\n`);
  });
  it("crit: half full, over -c 40", async () => {
    await expectCase("check_efs_mount", run, ["--mount-point", mnt, "--type", "tmpfs", "--no-fstab-check", "-w", "30", "-c", "40"], 2, probe);
  });
  it("unknown: a bad range", async () => {
    await expectCase("check_efs_mount", run, ["--mount-point", mnt, "-w", "20:10"], 3);
  });
});

describe("check_serverscore and the serverscore probe (this host: the score moves with its load)", () => {
  const run: Run = (args) => runBinary("check_serverscore", args);
  it("ok: ranges every score passes", async () => {
    await expectCase("check_serverscore", run, ["-w", "1:100", "-c", "1:100"], 0);
  });
  it("crit: a range every score breaks", async () => {
    const c = await expectCase("check_serverscore", run, ["-c", "@1:100"], 2);
    expect(c.om.stdout).toContain('aws_checks_check_serverscore_score_critical{bound="lower",alert="inside"} 1\n');
  });
  it("unknown: a bad range", async () => {
    await expectCase("check_serverscore", run, ["-w", "20:10"], 3);
  });

  const probe: Run = (args) => runBinary("serverscore", args);
  it("probe ok: its score and load per CPU, as --format json gives them before and after", async () => {
    const before = JSON.parse((await probe(["--format", "json"])).stdout);
    const om = await probe(["--format", "openmetrics"]);
    const after = JSON.parse((await probe(["--format", "json"])).stdout);
    expect(om).toMatchObject({ exitCode: 0, stderr: "" });
    expect(promtool(om.stdout)).toEqual({ exitCode: 0, output: "" });
    const samples = parseOpenMetrics(om.stdout);
    expectRunSeries(samples, "serverscore", 0);
    for (const key of ["score", "load_per_cpu"]) {
      const [s] = samples.filter((x) => x.name === `aws_checks_serverscore_${key}`);
      expect(s.value).toBeGreaterThanOrEqual(Math.min(before[key], after[key]));
      expect(s.value).toBeLessThanOrEqual(Math.max(before[key], after[key]));
    }
  });
  // The probe has no thresholds: it is never CRITICAL.
  it("probe unknown: a bad option", async () => {
    await expectCase("serverscore", probe, ["--components", "load,cpu"], 3);
  });
});
