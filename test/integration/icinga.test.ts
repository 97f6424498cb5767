import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRIB, FS_ID, installPlugins, monitoredAccount, perfItems, REGION, rootFsType } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { awsHost, type CheckResult, type RunningIcinga, startIcinga, TEMPLATES } from "../support/icinga";
import { BIN_DIR } from "../support/run-binary";
import { startSshd, type TestSshd } from "../support/sshd";

// The shipped Icinga 2 CheckCommands and example apply rules, validated with `icinga2 daemon -C` and
// run by a real icinga2 against the fake AWS endpoint, local mounts and a real sshd. The REST API
// gives each result and the argv Icinga built from the CheckCommand's arguments.

const COMMANDS_CONF = join(CONTRIB, "icinga2", "aws-checks-commands.conf");
const SERVICES_EXAMPLE = join(CONTRIB, "icinga2", "aws-checks-services.conf.example");
const GENERATOR = join(CONTRIB, "icinga2", "generate-commands.mjs");


/** `--flag value` pairs (or lone flags) in an argv, for assertions that do not depend on order. */
function pairs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i].startsWith("--") && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) out.push(`${argv[i]} ${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

const objectNames = (text: string, type: string) =>
  [...text.matchAll(new RegExp(`^object ${type} "([^"]+)"`, "gm"))].map((m) => m[1]).sort();

describe("the shipped Icinga 2 configuration", () => {
  it("is what the generator makes from the commands' --help (descriptions never drift)", () => {
    const generated = execFileSync("node", [GENERATOR, "--binary", join(BIN_DIR, "aws-checks"), "--stdout"], { encoding: "utf8" });
    expect(readFileSync(COMMANDS_CONF, "utf8"), "run: npm run build && node contrib/icinga2/generate-commands.mjs").toBe(generated);
  });

  // The examples' own validation, in the master's zones.d layout they need: icinga-distributed.test.ts.
});

describe("the shipped CheckCommands in a running icinga2", () => {
  let fake: FakeAws;
  let sshd: TestSshd;
  let icinga: RunningIcinga;
  let dir: string;
  let results: Map<string, CheckResult>;
  const efsPath = () => `${dir}/efs`;

  // Services by "host!service": those from the shipped example rules, and a few of the test's own
  // that set every kind of argument (repeated, flags, defaults overridden).
  const EXPECTED = [
    "aws!ec2-scheduled-events",
    "aws!ec2-status-checks",
    "aws!ami-backups",
    "aws!sqs-orders",
    "aws!sqs-prefix-jobs-",
    "aws!elb-web-lb",
    "aws!elb-api-lb",
    "aws!asg-web-asg",
    "aws!asg-batch-asg",
    "aws!target-group-api",
    "aws!alb-web-alb",
    "aws!argv-instance-events",
    "local!serverscore",
    "local!ec2-scheduled-events-self",
    "local!serverscore-ssh",
    "local!root-fs",
    "local!fstab",
  ];

  beforeAll(async () => {
    dir = mkdtempSync("/tmp/aws-checks-icinga-test-");
    fake = await startFakeAws(monitoredAccount());
    sshd = await startSshd();
    const plugins = installPlugins(join(dir, "plugins"));
    writeFileSync(join(dir, "fstab"), `${FS_ID}.efs.${REGION}.amazonaws.com:/ /mnt/aws-checks-icinga-efs efs _netdev,tls 0 0\n`);
    const sshVars = [
      `serverscore_ssh_user = "${sshd.user}"`,
      `serverscore_ssh_port = ${sshd.port}`,
      `serverscore_ssh_identity = "${sshd.identity}"`,
      `serverscore_ssh_option = [ "UserKnownHostsFile=${sshd.knownHosts}", "StrictHostKeyChecking=yes" ]`,
      `serverscore_remote_command = "${sshd.bin}/serverscore --format json"`,
      `serverscore_warning = "1:"`,
      `serverscore_critical = "1:"`,
    ];
    const objects = `${TEMPLATES}
${awsHost({
  region: REGION,
  endpointUrl: fake.url,
  accessKeyId: "AKIDICINGA",
  vars: [
    `vars.aws_instance_tags = [ "env=prod" ]`,
    `vars.aws_backup_tags = [ "env=prod" ]`,
    `vars.aws_sqs_queues = [ "orders" ]`,
    `vars.aws_sqs_queue_prefixes = [ "jobs-" ]`,
    `vars.aws_classic_elbs = [ "web-lb", "api-lb" ]`,
    `vars.aws_asgs = [ "web-asg", "batch-asg" ]`,
    `vars.aws_target_groups = [ "api" ]`,
    `vars.aws_load_balancers = [ "web-alb" ]`,
  ],
})}object Host "local" {
	import "generic-host"
	address = "127.0.0.1"
	vars.ec2 = true
	vars.efs_mounts["${dir}/efs"] = "${FS_ID}"
	vars.serverscore_ssh = { ${sshVars.join("; ")} }
}
object Service "argv-instance-events" {
	import "generic-service"
	host_name = "aws"
	check_command = "instance_events"
	vars.instance_events_tag = [ "env=prod", "Name=web-1" ]
	vars.instance_events_ignore_code = [ "instance-stop", "system-maintenance" ]
	vars.instance_events_include_stopped = true
	vars.instance_events_self = false
	vars.instance_events_warning = "30d"
	vars.instance_events_critical = "1d"
	vars.instance_events_timeout = 20
	vars.aws_max_attempts = 2
}
object Service "root-fs" {
	import "generic-service"
	host_name = "local"
	check_command = "efs_mount"
	vars.efs_mount_mount_point = [ "/" ]
	vars.efs_mount_type = "${rootFsType()}"
	vars.efs_mount_no_fstab_check = true
	vars.efs_mount_probe_timeout = 5
	vars.efs_mount_warning = "100"
	vars.efs_mount_critical = "100"
}
object Service "fstab" {
	import "generic-service"
	host_name = "local"
	check_command = "efs_mount"
	vars.efs_mount_all = true
	vars.efs_mount_fstab = "${dir}/fstab"
}
`;
    icinga = await startIcinga({
      includes: [COMMANDS_CONF, SERVICES_EXAMPLE],
      objects,
      pluginContribDir: plugins.dir,
      // Only the IMDS address (for --self) comes from the daemon's environment: endpoint, region and
      // credentials must arrive through the CheckCommands.
      // The IMDS budget is raised as the fake endpoint's own environment does: Icinga starts every check at
      // once, and a busy 2-core machine must not turn a slow start into "IMDS did not answer".
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url, AWS_METADATA_SERVICE_TIMEOUT: "10" },
    });
    results = await icinga.waitForResults([...EXPECTED, `local!efs-${efsPath()}`]);
  }, 120_000);

  afterAll(async () => {
    await icinga?.stop();
    await sshd?.stop();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const result = (name: string) => {
    const r = results.get(name);
    if (!r) throw new Error(`no result for ${name}`);
    return r;
  };
  const shown = (r: CheckResult) => `${r.command.join(" ")}\n${r.output}\n| ${r.perfdata.join(" ")}`;
  const perf = (r: CheckResult) => perfItems(r.perfdata.join(" "));

  it("every shipped CheckCommand ran here", () => {
    // Ran means the plugin answered in its own format, not that Icinga merely tried to start it.
    const ran = new Set(
      [...results.values()]
        .filter((r) => /^(EVENTS|STATUS|AMI|QUEUE|ELB|ASG|MOUNT|SERVERSCORE) (OK|WARNING|CRITICAL|UNKNOWN): /.test(r.output))
        .map((r) => r.command[0].split("/").pop()),
    );
    const shipped = objectNames(readFileSync(COMMANDS_CONF, "utf8"), "CheckCommand");
    expect(shipped).toEqual(["ami_freshness", "asg_health", "efs_mount", "elb_health", "instance_events", "instance_status", "queue_backlog", "serverscore"]);
    for (const name of shipped) expect(ran, name).toContain(name === "serverscore" ? "check_serverscore" : `check_${name}`);
  });

  it("ec2-scheduled-events: shared aws_* host vars become options, the default -c 3d is passed, web-1's reboot is CRITICAL", () => {
    const r = result("aws!ec2-scheduled-events");
    expect(r.command[0]).toBe(join(dir, "plugins", "check_instance_events"));
    expect(pairs(r.command)).toEqual(
      expect.arrayContaining(["--critical 3d", "--warning 14d", "--tag env=prod", `--region ${REGION}`, `--endpoint-url ${fake.url}`]),
    );
    expect(r.command).not.toContain("--self");
    expect(r.state, shown(r)).toBe(2);
    expect(r.output).toMatch(/^EVENTS CRITICAL: .*i-00000000000000001 system-reboot in 2d/);
    expect(perf(r).get("events")).toMatch(/^1;/);
    expect(perf(r).get("instances")).toMatch(/^2;/);
  });

  it("ec2-status-checks: the instance tags of the host select, web-2's failed instance check is CRITICAL", () => {
    const r = result("aws!ec2-status-checks");
    expect(r.command[0]).toBe(join(dir, "plugins", "check_instance_status"));
    expect(pairs(r.command)).toEqual(expect.arrayContaining(["--tag env=prod", `--region ${REGION}`, `--endpoint-url ${fake.url}`]));
    expect(r.state, shown(r)).toBe(2);
    expect(r.output).toMatch(/^STATUS CRITICAL: 1 impaired of 2 instance\(s\); i-00000000000000002 \(web-2\) \[us-east-1\]: instance check impaired/);
    expect(perf(r).get("impaired")).toBe("1;;0;0");
  });

  it("argv: repeat_key repeats --tag and --ignore-code, set_if adds true flags only, numbers pass as text", () => {
    const r = result("aws!argv-instance-events");
    const argv = r.command;
    expect(argv.filter((a) => a === "--tag")).toHaveLength(2);
    expect(pairs(argv)).toEqual(
      expect.arrayContaining([
        "--tag env=prod",
        "--tag Name=web-1",
        "--ignore-code instance-stop",
        "--ignore-code system-maintenance",
        "--include-stopped",
        "--warning 30d",
        "--critical 1d",
        "--timeout 20",
        "--max-attempts 2",
      ]),
    );
    expect(argv).not.toContain("--self");
    expect(argv).not.toContain("--verbose");
    expect(argv).not.toContain("--profile");
    // web-1's reboot in 2 days: inside -w 30d, outside -c 1d.
    expect(r.state, shown(r)).toBe(1);
    expect(r.output).toMatch(/^EVENTS WARNING: 1 scheduled event\(s\) on 1 instance\(s\)/);
  });

  it("the credentials from aws_access_key_id reached the SDK through the CheckCommand's env", () => {
    const keys = new Set(fake.calls.filter((c) => c.service !== "imds").map((c) => c.accessKeyId));
    expect([...keys]).toEqual(["AKIDICINGA"]);
    for (const r of results.values()) expect(r.command.join(" ")).not.toContain("AKIDICINGA");
  });

  it("ami-backups: web-2's newest available image is 30 h old", () => {
    const r = result("aws!ami-backups");
    expect(pairs(r.command)).toEqual(expect.arrayContaining(["--warning 26h", "--critical 50h", "--tag env=prod"]));
    expect(r.state, shown(r)).toBe(1);
    expect(r.output).toMatch(/^AMI WARNING: /);
    expect(r.output).toMatch(/i-00000000000000002/);
    expect(perf(r).get("stale")).toMatch(/^1;/);
    expect(perf(r).get("missing")).toMatch(/^0;/);
  });

  it("sqs-orders and sqs-prefix-jobs-: one queue per apply-for entry", () => {
    const orders = result("aws!sqs-orders");
    expect(pairs(orders.command)).toEqual(expect.arrayContaining(["--queue orders", "--warning 1000", "--critical 10000"]));
    expect(orders.state, shown(orders)).toBe(0);
    expect(perf(orders).get("orders.visible")).toMatch(/^5;1000;10000/);
    const jobs = result("aws!sqs-prefix-jobs-");
    expect(pairs(jobs.command)).toEqual(expect.arrayContaining(["--queue-prefix jobs-", "--warning 500", "--critical 5000"]));
    expect(jobs.state, shown(jobs)).toBe(1);
    expect(perf(jobs).get("jobs-a.visible")).toMatch(/^700;500;5000/);
    expect(perf(jobs).get("jobs-b.dlq")).toMatch(/^3;/);
  });

  it("elb-web-lb and elb-api-lb: below 2 in service warns, the default -c 1: is passed", () => {
    const web = result("aws!elb-web-lb");
    expect(pairs(web.command)).toEqual(expect.arrayContaining(["--elb web-lb", "--warning 2:", "--critical 1:", "--min-healthy-percent 75"]));
    expect(web.state, shown(web)).toBe(1);
    expect(web.output).toMatch(/i-00000000000000002 OutOfService \(Instance\)/);
    expect(perf(web).get("web-lb.in_service")).toMatch(/^1;2:;1:/);
    const api = result("aws!elb-api-lb");
    expect(api.state, shown(api)).toBe(1);
    expect(perf(api).get("api-lb.in_service")).toMatch(/^1;2:;1:/);
  });

  it("asg-web-asg and asg-batch-asg: one group per apply-for entry; --stuck-after and a repeated --allow-suspended reach the plugin", () => {
    const web = result("aws!asg-web-asg");
    expect(pairs(web.command)).toEqual(expect.arrayContaining(["--asg web-asg", "--stuck-after 20m", "--allow-suspended AZRebalance"]));
    expect(web.state, shown(web)).toBe(1);
    expect(web.output).toMatch(/^ASG WARNING: web-asg: 1\/2 in service \(min 1, max 4\), below desired 2; stuck \(over 20m\): i-00000000000000002 Pending:Wait for 45m/);
    expect(perf(web).get("web-asg.in_service")).toMatch(/^1;2:;1:;0;4$/);
    const batch = result("aws!asg-batch-asg");
    expect(batch.state, shown(batch)).toBe(0);
    expect(batch.output.split("\n")[0]).toBe("ASG OK: batch-asg: 1/1 in service (min 1, max 1), suspended (allowed) AZRebalance");
  });

  it("target-group-api and alb-web-alb: target groups by name, and every target group of an ALB", () => {
    const api = result("aws!target-group-api");
    expect(pairs(api.command)).toEqual(expect.arrayContaining(["--target-group api", "--warning 2:", "--critical 1:", "--min-healthy-percent 50"]));
    expect(api.state, shown(api)).toBe(1);
    expect(api.output).toMatch(/^ELB WARNING: api: 1 of 2 targets healthy \(warning range 2:\), not counted: 1 draining/);
    expect(perf(api).get("api.healthy")).toMatch(/^1;2:;1:;0;3$/);
    const alb = result("aws!alb-web-alb");
    expect(pairs(alb.command)).toEqual(expect.arrayContaining(["--load-balancer web-alb", "--critical 1:"]));
    expect(alb.state, shown(alb)).toBe(0);
    expect(perf(alb).get("target_groups")).toMatch(/^2;/);
  });

  it("efs-<mount>: the apply-for rule passes mount point, file system id, type and the write-test flag", () => {
    const r = result(`local!efs-${efsPath()}`);
    expect(pairs(r.command)).toEqual(
      expect.arrayContaining([`--mount-point ${efsPath()}`, `--filesystem-id ${FS_ID}`, "--type efs", "--write-test", "--warning 80", "--critical 90"]),
    );
    expect(r.state, shown(r)).toBe(2);
    expect(r.output).toMatch(new RegExp(`^MOUNT CRITICAL: ${efsPath()} not mounted`));
  });

  it("root-fs and fstab: flags and the fstab file reach check_efs_mount", () => {
    const root = result("local!root-fs");
    expect(pairs(root.command)).toEqual(expect.arrayContaining(["--mount-point /", `--type ${rootFsType()}`, "--no-fstab-check", "--probe-timeout 5"]));
    expect(root.state, shown(root)).toBe(0);
    expect(perf(root).get("/.used_pct")).toMatch(/^[\d.]+%;100;100;0;100$/);
    const fstab = result("local!fstab");
    expect(pairs(fstab.command)).toEqual(expect.arrayContaining(["--all", `--fstab ${dir}/fstab`]));
    expect(fstab.state, shown(fstab)).toBe(2);
    expect(fstab.output).toMatch(/^MOUNT CRITICAL: \/mnt\/aws-checks-icinga-efs not mounted/);
  });

  it("serverscore (local, default thresholds): the state follows the score against 50: and 25:", () => {
    const r = result("local!serverscore");
    expect(pairs(r.command)).toEqual(expect.arrayContaining(["--warning 50:", "--critical 25:", "--components load,mem"]));
    const score = Number(perf(r).get("score")?.split(";")[0]);
    expect(score).toBeGreaterThanOrEqual(1);
    expect(r.state, shown(r)).toBe(score < 25 ? 2 : score < 50 ? 1 : 0);
    expect(perf(r).get("score")).toMatch(/^\d+;50:;25:;1;100$/);
  });

  it("serverscore-ssh: $address$, repeated --ssh-option and a remote command with spaces as one argument", () => {
    const r = result("local!serverscore-ssh");
    expect(r.command).toContain(`${sshd.bin}/serverscore --format json`);
    expect(r.command.filter((a) => a === "--ssh-option")).toHaveLength(2);
    expect(pairs(r.command)).toEqual(expect.arrayContaining(["--host 127.0.0.1", `--ssh-user ${sshd.user}`, `--ssh-port ${sshd.port}`]));
    expect(r.state, shown(r)).toBe(0);
    expect(perf(r).get("127.0.0.1.score")).toMatch(/^\d+;1:;1:;1;100$/);
    expect(perf(r).get("unreachable")).toMatch(/^0;/);
  });

  it("ec2-scheduled-events-self: --self reads IMDS and warns about the reboot in 5 days", () => {
    const r = result("local!ec2-scheduled-events-self");
    expect(pairs(r.command)).toEqual(expect.arrayContaining(["--self", "--warning 14d", "--critical 3d"]));
    expect(r.state, shown(r)).toBe(1);
    expect(r.output).toMatch(/^EVENTS WARNING: .*system-reboot in (4d 23h|5d)/);
  });
});
