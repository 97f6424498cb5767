import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BATCH1,
  CONTRIB,
  FS_ID,
  installPlugins,
  monitoredAccount,
  perfItems,
  REGION,
  rootFsType,
  WEB2,
} from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { type RunningNagios, type ServiceStatus, startNagios, TEMPLATES, verifyNagiosConfig } from "../support/nagios";
import { startSshd, type TestSshd } from "../support/sshd";

// The shipped Nagios command definitions, loaded by a real Nagios 4 core that runs the installed
// binary against the fake AWS endpoint (through the AWS_* environment of the nagios process, as an
// operator would set it), local mounts and a real sshd; results are read back from status.dat.

const COMMANDS_CFG = join(CONTRIB, "nagios", "aws-checks-commands.cfg");
const EXAMPLES_CFG = join(CONTRIB, "nagios", "aws-checks-services.cfg.example");

interface Env {
  dir: string;
  ssh: string;
}

interface Case {
  service: string;
  /** The service's check_command, `name!ARG1!ARG2...`. */
  command: (env: Env) => string;
  /** The state, or the states allowed where it depends on the machine (its load, its /etc/fstab). */
  state: 0 | 1 | 2 | 3 | (0 | 1 | 2 | 3)[];
  output: RegExp;
  longOutput?: RegExp[];
  /** Perfdata label -> pattern for `value[uom];warn;crit;min;max`. */
  perf: Record<string, RegExp>;
}

const CASES: Case[] = [
  {
    service: "events prod",
    command: () => "check_instance_events!14d!3d!--tag env=prod",
    state: 2,
    output: /^EVENTS CRITICAL: 1 scheduled event\(s\) on 2 instance\(s\)\W+next: i-00000000000000001 system-reboot in 2d/,
    longOutput: [/^\[CRITICAL\] i-00000000000000001 \(web-1\) .*system-reboot at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, in 2d/m],
    perf: { events: /^1;/, instances: /^2;/, next_event: /^\d+s;1209600:;259200:$/ },
  },
  {
    service: "events one instance",
    command: () => `check_instance_events!14d!1d!--instance-id ${BATCH1}`,
    state: 1,
    output: /^EVENTS WARNING: .*i-00000000000000003 instance-retirement in (9d 23h|10d)/,
    perf: { events: /^1;/, instances: /^1;/ },
  },
  {
    service: "events self",
    command: () => "check_instance_events_self!14d!2d",
    state: 1,
    output: /^EVENTS WARNING: .*system-reboot in (4d 23h|5d)/,
    perf: { events: /^1;/ },
  },
  {
    service: "status prod",
    command: () => "check_instance_status!--tag env=prod",
    state: 2,
    output: /^STATUS CRITICAL: 1 impaired of 2 instance\(s\)\W+i-00000000000000002 \(web-2\) \[us-east-1\]: instance check impaired$/,
    longOutput: [/^\[CRITICAL\] i-00000000000000002 \(web-2\) .*instance check impaired: reachability failed since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \((1h|59m)/m],
    perf: { instances: /^2;;;0$/, impaired: /^1;;0;0$/, insufficient_data: /^0;0;;0$/, initializing: /^0;;;0$/ },
  },
  {
    service: "ami prod",
    command: () => "check_ami_freshness!26h!50h!--tag env=prod",
    state: 1,
    output: /^AMI WARNING: /,
    longOutput: [/^\[WARNING\] .*i-00000000000000002/m, /ami-00000000000000003.*failed|failed.*ami-00000000000000003/],
    perf: { instances: /^2;/, stale: /^1;/, missing: /^0;/, [WEB2]: /^10[78]\d{3}s;/ },
  },
  {
    service: "queue orders",
    command: () => "check_queue_backlog!orders!100!1000",
    state: 0,
    output: /^QUEUE OK: /,
    perf: { queues: /^1;/, "orders.visible": /^5;100;1000/, "orders.in_flight": /^1;/ },
  },
  {
    service: "queue jobs",
    command: () => "check_queue_backlog_prefix!jobs-!500!5000",
    state: 1,
    output: /^QUEUE WARNING: /,
    longOutput: [/^\[WARNING\] .*jobs-a/m, /^\[WARNING\] .*jobs-b.*dlq-jobs|^\[WARNING\] .*dlq-jobs.*jobs-b/m],
    perf: { queues: /^2;/, "jobs-a.visible": /^700;500;5000/, "jobs-b.dlq": /^3;/ },
  },
  {
    service: "elb web-lb",
    command: () => "check_elb_health!web-lb!2:!1:",
    state: 1,
    output: /^ELB WARNING: .*web-lb/,
    longOutput: [/i-00000000000000002 OutOfService \(Instance\): Instance has failed at least the UnhealthyThreshold/],
    perf: { load_balancers: /^1;/, "web-lb.in_service": /^1;2:;1:/, "web-lb.out_of_service": /^1;/ },
  },
  {
    service: "elb all",
    command: () => "check_elb_health_all!1:!1:!--min-healthy-percent 75",
    state: 1,
    output: /^ELB WARNING: .*web-lb/,
    perf: { load_balancers: /^2;/, target_groups: /^2;/, "api-lb.in_service": /^1;1:;1:/, "web-lb.in_service": /^1;1:;1:/, "api.healthy": /^1;1:;1:/ },
  },
  {
    service: "target group api",
    command: () => "check_elb_health_target_group!api!2:!1:",
    state: 1,
    output: /^ELB WARNING: api: 1 of 2 targets healthy \(warning range 2:\), not counted: 1 draining$/,
    longOutput: [/i-00000000000000002:8080 \(web-2\) unhealthy \(Target.ResponseCodeMismatch\): Health checks failed with these codes: \[502\]/],
    perf: { target_groups: /^1;/, "api.healthy": /^1;2:;1:;0;3$/, "api.unhealthy": /^1;/, "api.other": /^1;/ },
  },
  {
    service: "alb web-alb",
    command: () => "check_elb_health_load_balancer!web-alb!1:!1:",
    state: 0,
    output: /^ELB OK: 2 target groups OK, 3 of 4 targets healthy$/,
    perf: { target_groups: /^2;/, "web.healthy": /^2;1:;1:/, "api.healthy": /^1;1:;1:/ },
  },
  {
    service: "efs not mounted",
    command: ({ dir }) => `check_efs_mount!${dir}/efs!${FS_ID}!80!90!--no-fstab-check`,
    state: 2,
    output: /^MOUNT CRITICAL: \/tmp\/aws-checks-nagios-test-\w+\/efs not mounted$/,
    perf: { mounts: /^1;/ },
  },
  {
    service: "root fs",
    command: () => `check_efs_mount_type!/!${rootFsType()}!100!100!--no-fstab-check --probe-timeout 5`,
    state: 0,
    output: new RegExp(`^MOUNT OK: / OK \\(${rootFsType()}, [\\d.]+% used\\)`),
    perf: { mounts: /^1;/, "/.used_pct": /^[\d.]+%;100;100;0;100$/, "/.used": /^\d+B;/, "/.probe": /^[\d.]+s;/ },
  },
  {
    service: "fstab efs",
    command: ({ dir }) => `check_efs_mount_all!80!90!--fstab ${dir}/fstab`,
    state: 2,
    output: /^MOUNT CRITICAL: \/mnt\/aws-checks-nagios-efs not mounted$/,
    perf: { mounts: /^1;/ },
  },
  {
    service: "score local",
    // Any score passes 1:, so the state only says that the plugin ran and measured.
    command: () => "check_serverscore!1:!1:!--window 1",
    state: 0,
    output: /^SERVERSCORE OK: score \d+ \([\d.]+ load per CPU over 1 min\)/,
    perf: { score: /^\d+;1:;1:;1;100$/, load_per_cpu: /^[\d.]+;/ },
  },
  {
    service: "score host",
    // The serverscore probe of the installed copy runs on the far side of a real sshd.
    command: ({ ssh }) => `check_serverscore_host!1:!1:!${ssh}`,
    state: 0,
    output: /^SERVERSCORE OK: /,
    perf: { "127.0.0.1.score": /^\d+;1:;1:;1;100$/, hosts: /^1;/, unreachable: /^0;/ },
  },
  {
    service: "asg web-asg",
    command: () => "check_asg_health!web-asg",
    state: 1,
    // Nagios turns the ';' of plugin output into ':' when it keeps it.
    output: /^ASG WARNING: web-asg: 1\/2 in service \(min 1, max 4\), below desired 2[;:] stuck \(over 15m\): i-00000000000000002 Pending:Wait for 45m/,
    perf: { groups: /^1;/, "web-asg.in_service": /^1;2:;1:;0;4$/, "web-asg.pending": /^1;/ },
  },
  {
    service: "asg all",
    command: () => "check_asg_health_all!--allow-suspended AZRebalance --stuck-after 1h",
    state: 0,
    output: /^ASG OK: 2 groups OK, 2 of 3 desired instances in service \(2 with notes\)/,
    longOutput: [/^\[OK\] batch-asg: 1\/1 in service \(min 1, max 1\), suspended \(allowed\) AZRebalance/m],
    perf: { groups: /^2;/, "batch-asg.in_service": /^1;1:;1:;0;1$/ },
  },
  {
    service: "score elb",
    command: ({ ssh }) => `check_serverscore_elb!web-lb!1:!1:!${ssh}`,
    state: 0,
    output: /^SERVERSCORE OK: /,
    perf: { "127.0.0.1.score": /^\d+;/, hosts: /^1;/, unreachable: /^0;/ },
  },
  {
    service: "score asg",
    // web-asg's InService instance is web-1 (127.0.0.1); web-2 is still launching and is not probed.
    command: ({ ssh }) => `check_serverscore_asg!web-asg!1:!1:!${ssh}`,
    state: 0,
    output: /^SERVERSCORE OK: ASG web-asg: 1 host, /,
    perf: { "127.0.0.1.score": /^\d+;/, hosts: /^1;/, unreachable: /^0;/ },
  },
  {
    service: "score target group",
    // Only web-1 (127.0.0.1) is a healthy target of api. Three AWS calls come before ssh: a generous
    // deadline keeps a busy machine from turning this into a timeout.
    command: ({ ssh }) => `check_serverscore_target_group!api!1:!1:!${ssh} -t 30`,
    state: 0,
    output: /^SERVERSCORE OK: target group api: 1 host/,
    perf: { "127.0.0.1.score": /^\d+;/, hosts: /^1;/, unreachable: /^0;/ },
  },
];

/**
 * The same definitions with the thresholds left out, as Nagios users do to mean "the plugin's default":
 * `$ARGn$` then expands to nothing and the plugin gets `--warning=`, which means the default. The states
 * are those of each check's defaults on the same account (see its README); without a --tag the account's
 * whole fleet is judged, so "omitted ami" also finds the instance that has no backup.
 */
const OMITTED: Case[] = [
  { service: "omitted elb all", command: () => "check_elb_health_all", state: 0, output: /^ELB OK: /, perf: { load_balancers: /^2;/, "web-lb.in_service": /^1;;1:/ } },
  { service: "omitted elb web-lb", command: () => "check_elb_health!web-lb", state: 0, output: /^ELB OK: /, perf: { "web-lb.in_service": /^1;;1:/ } },
  { service: "omitted queue orders", command: () => "check_queue_backlog!orders", state: 0, output: /^QUEUE OK: /, perf: { "orders.visible": /^5(;|$)/ } },
  { service: "omitted queue jobs", command: () => "check_queue_backlog_prefix!jobs-", state: 1, output: /^QUEUE WARNING: .*dlq/, perf: { queues: /^2;/ } },
  { service: "omitted events", command: () => "check_instance_events", state: 2, output: /^EVENTS CRITICAL: .*system-reboot in (1d 23h|2d)/, perf: { events: /^\d+;/ } },
  { service: "omitted events self", command: () => "check_instance_events_self", state: 1, output: /^EVENTS WARNING: .*system-reboot in (4d 23h|5d)/, perf: { events: /^1;/ } },
  { service: "omitted ami", command: () => "check_ami_freshness", state: 2, output: /^AMI CRITICAL: .*1 without backup, 1 stale/, perf: { stale: /^1;/, missing: /^1;/ } },
  { service: "omitted efs", command: ({ dir }) => `check_efs_mount!${dir}/efs!${FS_ID}`, state: 2, output: /\/efs not mounted$/, perf: { mounts: /^1;/ } },
  // No --no-fstab-check: the machine's own /etc/fstab decides whether a missing entry warns.
  { service: "omitted efs type", command: () => `check_efs_mount_type!/!${rootFsType()}`, state: [0, 1], output: /^MOUNT (OK|WARNING): /, perf: { "/.used_pct": /^[\d.]+%;/ } },
  { service: "omitted efs all", command: ({ dir }) => `check_efs_mount_all!!!--fstab ${dir}/fstab`, state: 2, output: /not mounted$/, perf: { mounts: /^1;/ } },
  // The score depends on the machine's load: any state but UNKNOWN says the defaults were taken.
  { service: "omitted score", command: () => "check_serverscore", state: [0, 1, 2], output: /^SERVERSCORE (OK|WARNING|CRITICAL): score \d+/, perf: { score: /^\d+;50:;25:;1;100$/ } },
  { service: "omitted score host", command: ({ ssh }) => `check_serverscore_host!!!${ssh}`, state: [0, 1, 2], output: /^SERVERSCORE (OK|WARNING|CRITICAL): /, perf: { hosts: /^1;/, unreachable: /^0;/ } },
  { service: "omitted score elb", command: ({ ssh }) => `check_serverscore_elb!web-lb!!!${ssh}`, state: [0, 1, 2], output: /^SERVERSCORE (OK|WARNING|CRITICAL): /, perf: { hosts: /^1;/, unreachable: /^0;/ } },
  { service: "omitted score asg", command: ({ ssh }) => `check_serverscore_asg!web-asg!!!${ssh}`, state: [0, 1, 2], output: /^SERVERSCORE (OK|WARNING|CRITICAL): ASG web-asg/, perf: { hosts: /^1;/, unreachable: /^0;/ } },
  { service: "omitted score target group", command: ({ ssh }) => `check_serverscore_target_group!api!!!${ssh}`, state: [0, 1, 2], output: /^SERVERSCORE (OK|WARNING|CRITICAL): target group api/, perf: { hosts: /^1;/, unreachable: /^0;/ } },
  { service: "omitted status", command: () => "check_instance_status", state: 2, output: /^STATUS CRITICAL: .*web-2.*instance check impaired/, perf: { impaired: /^1;;0;/ } },
  { service: "omitted target group api", command: () => "check_elb_health_target_group!api", state: 0, output: /^ELB OK: api: 1 of 2 targets healthy/, perf: { "api.healthy": /^1;;1:/ } },
  { service: "omitted alb", command: () => "check_elb_health_load_balancer!web-alb", state: 0, output: /^ELB OK: 2 target groups OK/, perf: { target_groups: /^2;/ } },
  { service: "omitted asg web-asg", command: () => "check_asg_health!web-asg", state: 1, output: /^ASG WARNING: web-asg: 1\/2 in service/, perf: { groups: /^1;/ } },
  // Without --allow-suspended, batch-asg's suspended AZRebalance warns.
  { service: "omitted asg all", command: () => "check_asg_health_all", state: 1, output: /^ASG WARNING: /, perf: { groups: /^2;/ } },
];

/** command_name -> command_line of every definition in a Nagios object file. */
function commandDefinitions(file: string): Map<string, string> {
  const defs = new Map<string, string>();
  for (const m of readFileSync(file, "utf8").matchAll(/define command \{([\s\S]*?)\}/g)) {
    const name = /command_name\s+(\S+)/.exec(m[1])?.[1];
    const line = /command_line\s+(.+)/.exec(m[1])?.[1];
    if (name && line) defs.set(name, line.trim());
  }
  return defs;
}


describe("the shipped Nagios command definitions in a real Nagios 4 core", () => {
  let fake: FakeAws;
  let sshd: TestSshd;
  let nagios: RunningNagios;
  let dir: string;
  let commands: string[];
  let results: Map<string, ServiceStatus>;

  beforeAll(async () => {
    dir = mkdtempSync("/tmp/aws-checks-nagios-test-");
    fake = await startFakeAws(monitoredAccount());
    sshd = await startSshd();
    const plugins = installPlugins(join(dir, "plugins"));
    commands = plugins.commands;
    writeFileSync(join(dir, "fstab"), `${FS_ID}.efs.${REGION}.amazonaws.com:/ /mnt/aws-checks-nagios-efs efs _netdev,tls 0 0\n`);
    // A value with spaces needs quotes, which makes Nagios run the line through /bin/sh.
    // -t 30: Nagios starts every service at once, and on a loaded machine an SSH login and the remote
    // probe can take longer than the default 10 s; the state must not depend on that.
    const env: Env = { dir, ssh: `${sshd.sshArgs().join(" ")} --remote-command='${sshd.bin}/serverscore --format json' -t 30` };
    const services = [...CASES, ...OMITTED].map(
      (c) => `define service {
    use                 generic-service
    host_name           aws
    service_description ${c.service}
    check_command       ${c.command(env)}
}`,
    );
    nagios = await startNagios({
      cfgFiles: [COMMANDS_CFG],
      user1: plugins.dir,
      // Credentials, region, endpoint and IMDS address reach the plugins only through this environment.
      env: fake.env({ AWS_REGION: REGION }),
      objects: [TEMPLATES, "define host {\n use generic-host\n host_name aws\n address 127.0.0.1\n}", ...services].join("\n"),
    });
    results = await nagios.waitForResults([...CASES, ...OMITTED].map((c) => c.service), 100_000);
  }, 150_000);

  afterAll(async () => {
    await nagios?.stop();
    await sshd?.stop();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("exercises every shipped command definition, and every command of the binary has one", () => {
    const defs = commandDefinitions(COMMANDS_CFG);
    const used = new Set(CASES.map((c) => c.command({ dir: "", ssh: "" }).split("!")[0]));
    expect([...defs.keys()].sort()).toEqual([...used].sort());
    const runs = new Set([...defs.values()].map((line) => /^\$USER1\$\/(\S+)/.exec(line)?.[1]));
    // serverscore is the probe check_serverscore starts over SSH (the "score host" case), not a check.
    expect(commands.filter((c) => c !== "serverscore").sort()).toEqual([...runs].sort());
  });

  it("every shipped command definition also runs with its threshold arguments left out", () => {
    const used = new Set(OMITTED.map((c) => c.command({ dir: "", ssh: "" }).split("!")[0]));
    expect([...used].sort()).toEqual([...commandDefinitions(COMMANDS_CFG).keys()].sort());
  });

  it.each([...CASES, ...OMITTED].map((c) => [c.service, c] as const))("%s", (_name, c) => {
    const r = results.get(c.service)!;
    const shown = `${r.output}\n${r.longOutput}\n| ${r.perfdata}`;
    expect(r.output, shown).not.toMatch(/missing value|UNKNOWN/);
    expect(Array.isArray(c.state) ? c.state : [c.state], shown).toContain(r.state);
    expect(r.output).toMatch(c.output);
    for (const re of c.longOutput ?? []) expect(r.longOutput, shown).toMatch(re);
    const perf = perfItems(r.perfdata);
    for (const [label, re] of Object.entries(c.perf)) expect(perf.get(label), `${label} in ${r.perfdata}`).toMatch(re);
  });

  it("the AWS calls were made with the credentials from Nagios' environment", () => {
    expect(fake.calls.length).toBeGreaterThan(0);
    expect(fake.calls.filter((c) => c.service !== "imds").every((c) => c.accessKeyId === "AKIDTEST")).toBe(true);
    expect(fake.count("DescribeInstanceStatus", REGION)).toBeGreaterThan(0);
    expect(fake.callsWhere({ service: "imds" }).length).toBeGreaterThan(0);
  });
});

describe("the shipped example services", () => {
  it("pass nagios4 -v together with the shipped commands", () => {
    const r = verifyNagiosConfig({
      cfgFiles: [COMMANDS_CFG, EXAMPLES_CFG],
      user1: "/usr/lib/nagios/plugins",
      objects: `${TEMPLATES}\ndefine host {\n use generic-host\n host_name localhost\n address 127.0.0.1\n}`,
    });
    expect(r.output).toMatch(/Total Errors:\s+0/);
    expect(r.ok).toBe(true);
    const examples = readFileSync(EXAMPLES_CFG, "utf8");
    const used = new Set([...examples.matchAll(/check_command\s+([^!\s]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...commandDefinitions(COMMANDS_CFG).keys()].sort());
  });
});
