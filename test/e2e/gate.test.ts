import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type FakeAws, type Instance, type Scenario, makeImagesFor, startFakeAws } from "../support/fake-aws/index";
import { expectPerfdataAsSamples, expectRunSeries, parseOpenMetrics, promtool } from "../support/openmetrics";
import { BIN_DIR, binaryPath, runBinary } from "../support/run-binary";
import { lateBy } from "../support/timing";
import { findAll, junitProblems, parseXml } from "../unit/gate-xml";

const DAY = 86_400_000;
const FIXTURES = join(__dirname, "..", "fixtures", "gate");

let fake: FakeAws;
let dir: string;

/** A host in us-east-1 tagged tier=<tier>, with one scheduled event `inDays` away if given. */
function host(n: number, tier: string, inDays?: number, region = "us-east-1"): Instance {
  return {
    id: `i-${n.toString(16).padStart(17, "0")}`,
    tags: { Name: `${tier}-${n}`, tier },
    availabilityZone: `${region}a`,
    events: inDays === undefined ? [] : [{ code: "system-reboot", description: "scheduled reboot", notBefore: new Date(Date.now() + inDays * DAY) }],
  };
}

function scenario(): Scenario {
  const east = [host(1, "ok"), host(2, "ok"), host(3, "warn", 10), host(4, "crit", 2)];
  const west = [host(0x100, "ok", undefined, "eu-west-1")];
  return {
    regions: {
      "us-east-1": {
        instances: east,
        images: makeImagesFor(east, { perInstance: 2, now: new Date(Date.now() - 3_600_000) }),
        loadBalancers: [{ name: "web", instances: east.slice(0, 2).map((i) => ({ id: i.id, state: "InService" as const })) }],
        queues: [{ name: "backup-jobs", visible: 3, inFlight: 1 }],
        autoScalingGroups: [{ name: "web", minSize: 1, maxSize: 4, desiredCapacity: 2, instances: east.slice(0, 2).map((i) => ({ id: i.id })) }],
      },
      "eu-west-1": { instances: west },
    },
  };
}

/** Credentials only: the endpoint and region come from the gate file's shared `aws:` section. */
const credentials = () => ({ AWS_ACCESS_KEY_ID: "AKIDGATE", AWS_SECRET_ACCESS_KEY: "x" });

function writeGate(name: string, body: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, stringify({ aws: { region: "us-east-1", "endpoint-url": fake.url }, ...body }));
  return path;
}

function gate(args: string[], killAfterMs = 20_000) {
  return runBinary("aws-checks", ["gate", ...args], { env: credentials(), killAfterMs });
}

const events = (name: string, tier: string, extra: Record<string, unknown> = {}) => ({
  name,
  command: "check_instance_events",
  args: ["--tag", `tier=${tier}`, "-c", "3d"],
  ...extra,
});

interface JsonCheck {
  name: string;
  state: string;
  failed: boolean;
  durationMs: number;
  summary: string;
  output: string;
}

/** The root file system's type, as check_efs_mount will read it from mountinfo. */
function rootType(): string {
  let type = "";
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const [left, right] = line.split(" - ");
    if (left?.split(" ")[4] === "/") type = right.split(" ")[0];
  }
  return type;
}

beforeAll(async () => {
  fake = await startFakeAws(scenario());
  dir = mkdtempSync(join(tmpdir(), "gate-e2e-"));
});
afterAll(async () => {
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  fake.clearFaults();
  fake.resetCalls();
});

/**
 * One entry (or more) per command of the suite. A command added to the binary without a line here fails
 * the first test: the gate is meant to run every one of them.
 */
function everyCommand(): { entries: Record<string, unknown>[]; expected: Record<string, string> } {
  const missing = join(dir, "not-mounted");
  const entries = [
    events("events-ok", "ok"),
    events("events-crit", "crit"),
    { name: "status-checks", command: "check_instance_status", args: ["--tag", "tier=ok", "--ignore-check", "ebs"] },
    {
      name: "backups",
      command: "check_ami_freshness",
      args: ["--tag", "tier=ok", "-w", "26h", "-c", "50h"],
    },
    { name: "backup-queue", command: "check_queue_backlog", args: ["--queue", "backup-jobs", "-w", "10", "-c", "100"] },
    { name: "elb-web", command: "check_elb_health", args: ["--elb", "web", "-c", "2:"] },
    { name: "asg-web", command: "check_asg_health", args: ["--asg", "web"] },
    { name: "root-mount", command: "check_efs_mount", args: ["--mount-point", "/", "--type", rootType(), "--no-fstab-check"] },
    { name: "data-mount", command: "check_efs_mount", args: ["--mount-point", missing, "--type", "tmpfs", "--no-fstab-check"] },
    { name: "load", command: "check_serverscore", args: ["-w", "1:", "-c", "1:"] },
    { name: "score", command: "serverscore" },
  ];
  const expected = {
    "events-ok": "OK",
    "events-crit": "CRITICAL",
    "status-checks": "OK",
    backups: "OK",
    "backup-queue": "OK",
    "elb-web": "OK",
    "asg-web": "OK",
    "root-mount": "OK",
    "data-mount": "CRITICAL",
    load: "OK",
    score: "OK",
  };
  return { entries, expected };
}

describe("aws-checks gate (compiled binary)", () => {
  it("is a subcommand: not in --list, no symlink, named in the usage page", async () => {
    const list = await runBinary("aws-checks", ["--list"]);
    expect(list.stdout.split("\n")).not.toContain("gate");
    expect(existsSync(join(BIN_DIR, "gate"))).toBe(false);
    const usage = await runBinary("aws-checks", ["--help"]);
    expect(usage.stdout).toMatch(/^ {2}aws-checks gate FILE {2}\S/m);
  });

  it("--format openmetrics: every command's series labelled with its check, the gate's own; promtool accepts it", async () => {
    const { entries, expected } = everyCommand();
    const file = writeGate("every-om.yaml", { checks: entries });
    const before = JSON.parse((await gate([file, "--format", "json"])).stdout);
    const r = await gate([file, "--format", "openmetrics"]);
    const after = JSON.parse((await gate([file, "--format", "json"])).stdout);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(2);
    expect(promtool(r.stdout)).toEqual({ exitCode: 0, output: "" });
    const samples = parseOpenMetrics(r.stdout);
    expectRunSeries(samples, "gate", 2);
    const code = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
    for (const entry of entries) {
      const name = entry.name as string;
      const own = samples.filter((s) => s.labels.check === name);
      expectRunSeries(own, entry.command as string, code[expected[name] as keyof typeof code], { check: name });
      const [b, a] = [before, after].map((o) => (o.checks as JsonCheck[]).find((c) => c.name === name)!.output);
      // Each check's perfdata, as its plugin output in the JSON runs just before and after shows it.
      if (b.includes("|")) expectPerfdataAsSamples(entry.command as string, own, b, a, [/\.probe$/]);
    }
  });

  it("assumes a shared role once for the whole gate, however many entries, and signs every call with it", async () => {
    const role = "arn:aws:iam::210987654321:role/monitor";
    const entries = [
      ...Array.from({ length: 8 }, (_, i) => events(`events-${i}`, i % 2 === 0 ? "ok" : "warn")),
      ...Array.from({ length: 4 }, (_, i) => ({ name: `west-${i}`, command: "check_instance_events", args: ["--region", "eu-west-1"] })),
      ...Array.from({ length: 4 }, (_, i) => ({ name: `images-${i}`, command: "check_ami_freshness", args: ["--tag", "tier=ok", "-w", "26h", "-c", "50h"] })),
      ...Array.from({ length: 2 }, (_, i) => ({ name: `queue-${i}`, command: "check_queue_backlog", args: ["--queue", "backup-jobs"] })),
      ...Array.from({ length: 2 }, (_, i) => ({ name: `elb-${i}`, command: "check_elb_health", args: ["--elb", "web"] })),
    ];
    const file = join(dir, "role.yaml");
    writeFileSync(file, stringify({ aws: { region: "us-east-1", "endpoint-url": fake.url, "role-arn": role }, checks: entries }));
    const r = await gate([file, "--format", "json"]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.checks.map((c: JsonCheck) => c.state).filter((s: string) => s === "UNKNOWN")).toEqual([]);
    expect(out.checks).toHaveLength(20);
    expect(fake.assumedRoles).toHaveLength(1);
    expect(fake.assumedRoles[0]).toMatchObject({ roleArn: role, callerAccessKeyId: "AKIDGATE" });
    expect(fake.count("AssumeRole")).toBe(1);
    // Every other call, in both regions and all four services, carried the role's key.
    const others = fake.calls.filter((c) => c.action !== "AssumeRole");
    expect(others.length).toBeGreaterThan(20);
    expect(new Set(others.map((c) => c.accessKeyId))).toEqual(new Set([fake.assumedRoles[0].accessKeyId]));
  });

  it("runs every command of the suite against the fake endpoint and local mounts: JSON and a valid JUnit file", async () => {
    const { entries, expected } = everyCommand();
    const listed = (await runBinary("aws-checks", ["--list"])).stdout.trim().split("\n");
    expect(new Set(entries.map((e) => e.command))).toEqual(new Set(listed));

    const file = writeGate("every.yaml", { name: "every-command", checks: entries });
    const junit = join(dir, "every.xml");
    const r = await gate([file, "--format", "json", "--junit", junit]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(2);
    const out = JSON.parse(r.stdout);
    const states = Object.fromEntries(out.checks.map((c: JsonCheck) => [c.name, c.state]));
    expect(states, JSON.stringify(out.checks.map((c: JsonCheck) => c.output))).toEqual(expected);
    expect(out.summary).toBe(`2 of ${entries.length} check(s) failed: events-crit, data-mount`);
    // The shared aws: section reached the AWS checks: the fake saw their calls, signed for us-east-1.
    expect(fake.countWhere({ action: "DescribeInstanceStatus", region: "us-east-1" })).toBeGreaterThan(0);
    expect(fake.countWhere({ action: "DescribeImages", region: "us-east-1" })).toBeGreaterThan(0);
    expect(fake.countWhere({ action: "DescribeInstanceHealth", region: "us-east-1" })).toBeGreaterThan(0);
    expect(fake.countWhere({ action: "GetQueueAttributes", region: "us-east-1" })).toBeGreaterThan(0);
    expect(fake.countWhere({ action: "DescribeAutoScalingGroups", region: "us-east-1" })).toBe(1);

    const doc = parseXml(readFileSync(junit, "utf8"));
    expect(junitProblems(doc)).toEqual([]);
    const suite = findAll(doc, "testsuite")[0];
    expect(suite.attributes.get("name")).toBe("every-command");
    expect([suite.attributes.get("tests"), suite.attributes.get("failures")]).toEqual([String(entries.length), "2"]);
    const cases = new Map(findAll(doc, "testcase").map((c) => [c.attributes.get("name"), c]));
    expect([...cases.keys()]).toEqual(entries.map((e) => e.name));
    const crit = cases.get("events-crit")!;
    expect(crit.attributes.get("classname")).toBe("check_instance_events");
    const failure = crit.children.find((c) => c.name === "failure")!;
    expect(failure.attributes.get("type")).toBe("CRITICAL");
    expect(failure.attributes.get("message")).toMatch(/^EVENTS CRITICAL: 1 scheduled event\(s\) on 1 instance\(s\)/);
    expect(crit.children.find((c) => c.name === "system-out")!.text).toMatch(/\[CRITICAL\] i-0+4 \(crit-4\)/);
    expect(cases.get("score")!.children.map((c) => c.name)).toEqual(["system-out"]);
    expect(cases.get("score")!.children[0].text).toMatch(/^\d{1,3}\n$/);
  });

  describe("policies", () => {
    const mixed = () => writeGate("mixed.yaml", { checks: [events("ok", "ok"), events("warn", "warn"), events("crit", "crit")] });

    it.each([
      [[], 2, "GATE CRITICAL: 2 of 3 check(s) failed: crit, warn"],
      [["--fail-on", "warning"], 2, "GATE CRITICAL: 2 of 3 check(s) failed: crit, warn"],
      [["--fail-on", "critical"], 2, "GATE CRITICAL: 1 of 3 check(s) failed: crit"],
      [["--fail-on=unknown"], 0, "GATE OK: all 3 check(s) passed, 2 not OK but allowed or below --fail-on unknown"],
    ])("%j: exit %i", async (args, code, first) => {
      const r = await gate([mixed(), ...args]);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(code);
      const lines = r.stdout.split("\n");
      expect(lines[0]).toBe(first);
      expect(lines[1]).toMatch(/^\[CRITICAL\] crit: 1 scheduled event\(s\)/);
      expect(r.stdout).not.toContain("\x1b"); // piped: plain lines, no colour, no progress line
    });

    it("a WARNING alone fails with exit 1; critical only with exit 2", async () => {
      const warnOnly = writeGate("warn.yaml", { checks: [events("ok", "ok"), events("warn", "warn")] });
      expect((await gate([warnOnly])).exitCode).toBe(1);
      expect((await gate([warnOnly, "--fail-on", "critical"])).exitCode).toBe(0);
    });

    it("UNKNOWN fails under every policy, and never hides a CRITICAL", async () => {
      const file = writeGate("unknown.yaml", { checks: [events("nobody", "nosuchtier"), events("warn", "warn")] });
      for (const level of ["warning", "critical", "unknown"]) {
        const r = await gate([file, "--fail-on", level]);
        expect(r.exitCode, level).toBe(level === "warning" ? 1 : 3);
        expect(r.stdout).toMatch(/^\[UNKNOWN\] nobody: no instance matches --tag tier=nosuchtier/m);
      }
      const withCrit = writeGate("unknown-crit.yaml", { checks: [events("nobody", "nosuchtier"), events("crit", "crit")] });
      expect((await gate([withCrit])).exitCode).toBe(2);
    });

    it("allow: warning lets that check's WARNING pass, and only that check's", async () => {
      const allowed = writeGate("allowed.yaml", { checks: [events("ok", "ok"), events("warn", "warn", { allow: "warning" })] });
      const r = await gate([allowed]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("GATE OK: all 2 check(s) passed, 1 not OK but allowed or below --fail-on warning");
      expect(r.stdout).toMatch(/^\[WARNING\] warn: .* \(\d+\.\d\ds, WARNING allowed\)$/m);

      const notCrit = writeGate("allowed-crit.yaml", { checks: [events("crit", "crit", { allow: "warning" })] });
      expect((await gate([notCrit])).exitCode).toBe(2);
    });
  });

  it("hung checks end at their own deadlines, side by side: the gate takes about the longest one", async () => {
    fake.inject({ service: "ec2", region: "eu-west-1", kind: "hang" });
    const fast = Array.from({ length: 6 }, (_, i) => events(`fast-${i}`, "ok"));
    const hung = (name: string, timeout: number) => ({ ...events(name, "ok"), args: ["--region", "eu-west-1", "--tag", "tier=ok"], timeout });
    // Six hangs: one after another they would take 5 x 2 + 3 = 13 s; side by side about 3 s. The gap is
    // wide enough that the bound below never trips under load and still catches hangs run in turn.
    const hangs = [...Array.from({ length: 5 }, (_, i) => hung(`hung-2s-${i}`, 2)), hung("hung-3s", 3)];
    const file = writeGate("hang.yaml", { concurrency: 8, checks: [...hangs, ...fast] });
    const r = await gate([file, "--format", "json"]);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    const byName = new Map<string, JsonCheck>(out.checks.map((c: JsonCheck) => [c.name, c]));
    for (let i = 0; i < 5; i++) {
      const c = byName.get(`hung-2s-${i}`)!;
      expect(c).toMatchObject({ state: "UNKNOWN", failed: true });
      expect(c.summary).toMatch(/^timed out after 2s while /);
      expect(c.durationMs).toBeGreaterThanOrEqual(1950);
      expect(c.durationMs).toBeLessThan(lateBy(2000)); // its own timeout, not the commands' default 10 s
    }
    expect(byName.get("hung-3s")!.summary).toMatch(/^timed out after 3s while /);
    for (let i = 0; i < 6; i++) expect(byName.get(`fast-${i}`)).toMatchObject({ state: "OK" });
    expect(r.ms).toBeGreaterThanOrEqual(3000);
    expect(r.ms).toBeLessThan(lateBy(3000));
    expect(r.exitCode).toBe(3);
  });

  describe("a bad FILE is UNKNOWN before anything runs, naming the entry and the problem", () => {
    it.each([
      ["missing.yaml", /^GATE UNKNOWN: cannot read \S+\/missing\.yaml: no such file$/],
      ["yaml-error.yaml", /^GATE UNKNOWN: \S+yaml-error\.yaml:4: YAML error: /],
      ["unknown-check.yaml", /^GATE UNKNOWN: \S+unknown-check\.yaml:7: check 'backups': unknown command 'check_backup' \(see aws-checks --list\)$/],
      ["bad-option.yaml", /^GATE UNKNOWN: \S+bad-option\.yaml:8: check 'events-prod': unknown option '--criticl'$/],
      ["bad-value.yaml", /^GATE UNKNOWN: \S+bad-value\.yaml:8: check 'events-prod': --instance-id: 'web-1' is not an instance id/],
      ["bad-range.yaml", /^GATE UNKNOWN: \S+bad-range\.yaml:7: check 'load': --warning: /],
      ["bad-key.yaml", /^GATE UNKNOWN: \S+bad-key\.yaml:8: check 'events-prod': unknown key 'timout' \(known: name, command, args, timeout, allow\)$/],
      ["duplicate-name.yaml", /^GATE UNKNOWN: \S+duplicate-name\.yaml:7: check 'events': the name is already used on line 4$/],
      ["unknown-alias.yaml", /^GATE UNKNOWN: \S+unknown-alias\.yaml:8: YAML error: alias \*commmon names no anchor defined before it$/],
      ["unknown-tag.yaml", /^GATE UNKNOWN: \S+unknown-tag\.yaml:7: YAML error: Unresolved tag: tag:yaml\.org,2002:seqq/],
      ["same-label.yaml", /^GATE UNKNOWN: \S+same-label\.yaml:8: check 'web_lb': gives the same perfdata label 'web_lb\.time' as check 'web lb' on line 5; rename one of them$/],
    ])("%s", async (name, message) => {
      const file = join(FIXTURES, "bad", name);
      const r = await runBinary("aws-checks", ["gate", file], { env: fake.env(), killAfterMs: 10_000 });
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(3);
      expect(r.stdout.split("\n")).toHaveLength(2);
      expect(r.stdout.trimEnd()).toMatch(message);
      // Every file starts with a good AWS check: it must not have run.
      expect(fake.calls).toHaveLength(0);
    });

    it("a --junit path that cannot be written, before any check runs", async () => {
      const r = await runBinary("aws-checks", ["gate", join(FIXTURES, "good.yaml"), "--junit", join(dir, "no-such-dir", "r.xml")], { env: fake.env() });
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toMatch(/^GATE UNKNOWN: --junit: cannot write \S+\/no-such-dir\/r\.xml: ENOENT/);
      expect(fake.calls).toHaveLength(0);
      // The same file with a writable report path runs: the failure above was the path.
      const ok = await runBinary("aws-checks", ["gate", join(FIXTURES, "good.yaml"), "--junit", join(dir, "good.xml")], { env: fake.env() });
      expect(ok.exitCode).toBe(0);
      expect(junitProblems(parseXml(readFileSync(join(dir, "good.xml"), "utf8")))).toEqual([]);
    });

    it("--dry-run refuses a mistyped alias as well, instead of listing the entry with no arguments", async () => {
      const r = await runBinary("aws-checks", ["gate", join(FIXTURES, "bad", "unknown-alias.yaml"), "--dry-run"], { env: fake.env() });
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toMatch(/^GATE UNKNOWN: \S+unknown-alias\.yaml:8: YAML error: alias \*commmon/);
      expect(fake.calls).toHaveLength(0);
    });

    it("--format json shapes the error too", async () => {
      const r = await runBinary("aws-checks", ["gate", join(FIXTURES, "bad", "bad-option.yaml"), "--format", "json"]);
      expect(r.exitCode).toBe(3);
      expect(JSON.parse(r.stdout)).toMatchObject({ command: "gate", state: "UNKNOWN", exitCode: 3, checks: [] });
    });
  });

  it("on a terminal: a progress line while checks run, then a table", async () => {
    const file = writeGate("tty.yaml", { checks: [events("events-ok", "ok"), events("events-crit", "crit")] });
    const env = { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_EC2_METADATA_DISABLED: "true", TERM: "xterm", NO_COLOR: "1", ...credentials() };
    // script(1) gives the binary a real pseudo-terminal; its own exit code is the gate's. Spawned, not
    // execFileSync: the fake endpoint answers from this very process and must not be blocked.
    const { output, code } = await new Promise<{ output: string; code: number | null }>((resolve, reject) => {
      const child = spawn("script", ["-qec", `stty cols 100; ${binaryPath("aws-checks")} gate ${file}`, "/dev/null"], {
        env,
        stdio: ["ignore", "pipe", "ignore"],
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
      child.on("error", reject);
      child.on("close", (exitCode) => {
        clearTimeout(guard);
        resolve({ output: out, code: exitCode });
      });
    });
    expect(code, output).toBe(2);
    expect(output).toMatch(/\r\x1b\[K\[\d\/2\] \d+\.\d\ds running: events-/);
    const table = output.slice(output.lastIndexOf("\x1b[K") + 3).replace(/\r\n/g, "\n");
    expect(table.split("\n")[0]).toMatch(/^\s+STATE\s+CHECK\s+TIME\s+SUMMARY$/);
    expect(table).toMatch(/^FAIL {2}CRITICAL {2}events-crit\s+\d+\.\d\ds {2}1 scheduled event\(s\) on 1 instance\(s\)/m);
    expect(table).toMatch(/^pass {2}OK {8}events-ok\s+\d+\.\d\ds {2}no scheduled events on 2 instance\(s\)$/m);
    expect(table).toMatch(/^GATE CRITICAL: 1 of 2 check\(s\) failed: events-crit in \d+\.\d\ds$/m);
    expect(table).not.toContain("\x1b["); // NO_COLOR
  });
});
