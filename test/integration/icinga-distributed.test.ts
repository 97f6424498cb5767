import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRIB, FS_ID, installPlugins, monitoredAccount, REGION, WEB1 } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { type RunningCluster, type ServiceResult, startCluster, validateMaster } from "../support/icinga-cluster";
import { awsHost, TEMPLATES, validateIcinga } from "../support/icinga";

// Icinga 2's distributed engine: a real master and a real agent on 127.0.0.1, the shipped CheckCommands
// in the global zone (synced by the master to the agent), the shipped apply rules in the master's zone.
// The host-local checks carry command_endpoint = host.vars.agent_endpoint and the account-wide AWS checks
// command_endpoint = host.vars.aws_endpoint; here the one agent also plays the satellite's part. The
// master's REST API must show each result coming from the agent (check_source), with the state, output
// and perfdata the plugin gives for the command line Icinga built.

const COMMANDS_CONF = readFileSync(join(CONTRIB, "icinga2", "aws-checks-commands.conf"), "utf8");
const SERVICES_EXAMPLE = readFileSync(join(CONTRIB, "icinga2", "aws-checks-services.conf.example"), "utf8");
const HOSTS_EXAMPLE = readFileSync(join(CONTRIB, "icinga2", "aws-checks-hosts.conf.example"), "utf8");
const ZONES_EXAMPLE = readFileSync(join(CONTRIB, "icinga2", "aws-checks-zones.conf.example"), "utf8");
const AGENT = "web-1";
const run = promisify(execFile);


describe("the shipped examples in a master's zone layout", () => {
  it("pass icinga2 daemon -C: zones.conf, CheckCommands in global-templates, hosts and services in zones.d/master", () => {
    const r = validateMaster({
      nodeName: "icinga-master.example.com",
      zonesConf: ZONES_EXAMPLE,
      zonesD: {
        "global-templates": { "aws-checks-commands.conf": COMMANDS_CONF },
        master: { "templates.conf": TEMPLATES, "aws-checks-services.conf": SERVICES_EXAMPLE, "hosts.conf": HOSTS_EXAMPLE },
      },
      pluginContribDir: "/usr/lib/nagios/plugins",
    });
    expect(r.output).toMatch(/Finished validating the configuration/);
    expect(r.ok).toBe(true);
    // 12 services of the account host (on the satellite: two queues, one prefix, two load balancers, two
    // Auto Scaling groups, a target group, an ALB, events, status checks, backups), 3 on web-1's agent, 1
    // over SSH.
    expect(r.output).toMatch(/Instantiated 16 Services/);
  });

  it("are refused without the CheckCommands in global-templates (the validation is real)", () => {
    const r = validateMaster({
      nodeName: "icinga-master.example.com",
      zonesConf: ZONES_EXAMPLE,
      zonesD: { master: { "templates.conf": TEMPLATES, "aws-checks-services.conf": SERVICES_EXAMPLE, "hosts.conf": HOSTS_EXAMPLE } },
      pluginContribDir: "/usr/lib/nagios/plugins",
    });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/check_command.*'instance_events'.*does not exist|CheckCommand 'instance_events' does not exist/);
  });

  it("are refused in conf.d, where a command_endpoint service has no zone (why the layout matters)", () => {
    const r = validateIcinga({ includes: [], objects: [ZONES_EXAMPLE, COMMANDS_CONF, TEMPLATES, SERVICES_EXAMPLE, HOSTS_EXAMPLE].join("\n"), pluginContribDir: "/usr/lib/nagios/plugins" });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/Checkable with command endpoint requires a zone/);
  });
});

describe("a real master and agent: checks forced on the master run on the agent", () => {
  let dir: string;
  let fake: FakeAws;
  let cluster: RunningCluster;
  let results: Map<string, ServiceResult>;
  const efs = "/mnt/aws-checks-distributed-efs";

  const SERVICES = [`${AGENT}!efs-${efs}`, `${AGENT}!serverscore`, `${AGENT}!ec2-scheduled-events-self`, "aws!sqs-orders"];

  beforeAll(async () => {
    dir = mkdtempSync("/tmp/aws-checks-distributed-");
    fake = await startFakeAws(monitoredAccount());
    const plugins = installPlugins(join(dir, "plugins"));
    const hosts = `
object Host "${AGENT}" {
	import "generic-host"
	address = "127.0.0.1"
	vars.ec2 = true
	vars.agent_endpoint = name
	vars.efs_mounts["${efs}"] = "${FS_ID}"
}
${awsHost({
  region: REGION,
  endpointUrl: fake.url,
  accessKeyId: "AKIDSATELLITE",
  vars: [`vars.aws_endpoint = "${AGENT}"`, `vars.aws_sqs_queues = [ "orders" ]`],
})}`;
    cluster = await startCluster({
      agent: AGENT,
      pluginContribDir: plugins.dir,
      zonesD: {
        "global-templates": { "aws-checks-commands.conf": COMMANDS_CONF },
        master: { "templates.conf": TEMPLATES, "aws-checks-services.conf": SERVICES_EXAMPLE, "hosts.conf": hosts },
      },
      // The instance's IMDS (for --self) is the fake; on EC2 it needs no setting.
      agentEnv: { AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url, AWS_METADATA_SERVICE_TIMEOUT: "10" },
    });
    results = await cluster.forceAndWait(SERVICES);
  }, 150_000);

  afterAll(async () => {
    await cluster?.stop();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const result = (name: string) => results.get(name) as ServiceResult;
  const shown = (r: ServiceResult) => `${r.command.join(" ")}\n${r.output}\n| ${r.perfdata.join(" ")} (from ${r.checkSource})`;
  /** The plugin run by hand with the argv Icinga built: the reference for state, output and perfdata. */
  const direct = async (r: ServiceResult, env: Record<string, string> = {}) => {
    const [cmd, ...args] = r.command;
    try {
      const { stdout } = await run(cmd, args, { env: { PATH: "/usr/bin:/bin", ...env } });
      return { stdout, exitCode: 0 };
    } catch (err) {
      const e = err as { stdout: string; code: number };
      return { stdout: e.stdout, exitCode: e.code };
    }
  };
  /** Icinga splits the plugin output at the `|` into text (kept as is, up to the bar) and perfdata items. */
  const asIcinga = (stdout: string) => {
    const [text, perf = ""] = stdout.trimEnd().split("|");
    return { output: text, perfdata: perf.trim() === "" ? [] : perf.trim().split(" ") };
  };

  it("the master synced the CheckCommands of global-templates to the agent", () => {
    const synced = readFileSync(join(cluster.agentDir, "data", "api", "zones", "global-templates", "_etc", "aws-checks-commands.conf"), "utf8");
    expect(synced).toBe(COMMANDS_CONF);
  });

  it("every forced check ran on the agent's endpoint, not on the master", () => {
    for (const name of SERVICES) expect(result(name).checkSource, shown(result(name))).toBe(AGENT);
  });

  it("efs mount (host-local): CRITICAL not mounted, exactly as the plugin says for that argv", async () => {
    const r = result(`${AGENT}!efs-${efs}`);
    expect(r.command[0]).toBe(join(dir, "plugins", "check_efs_mount"));
    expect(r.command).toEqual(expect.arrayContaining(["--mount-point", efs, "--filesystem-id", FS_ID, "--type", "efs", "--write-test"]));
    expect(r.state, shown(r)).toBe(2);
    expect(r.output).toMatch(new RegExp(`^MOUNT CRITICAL: ${efs} .*not mounted`));
    const ref = await direct(r);
    expect(ref.exitCode).toBe(2);
    expect({ output: r.output, perfdata: r.perfdata }).toEqual(asIcinga(ref.stdout));
  });

  it("ec2-scheduled-events-self (host-local): the agent's IMDS, its reboot in 5 days is WARNING at -w 14d", () => {
    const r = result(`${AGENT}!ec2-scheduled-events-self`);
    expect(r.command).toContain("--self");
    expect(r.state, shown(r)).toBe(1);
    expect(r.output).toMatch(new RegExp(`^EVENTS WARNING: .*${WEB1}.*system-reboot in 4d 23h|^EVENTS WARNING: .*${WEB1}.*system-reboot in 5d`));
    expect(r.perfdata[0]).toMatch(/^events=1;;;0$/);
    expect(r.perfdata).toEqual(expect.arrayContaining([expect.stringMatching(/^next_event=\d+s;1209600:;259200:$/)]));
  });

  it("serverscore (host-local): a score whose state matches the default ranges", () => {
    const r = result(`${AGENT}!serverscore`);
    const score = Number(/^SERVERSCORE \w+: score (\d+) /.exec(r.output)?.[1]);
    expect(r.state, shown(r)).toBe(score < 25 ? 2 : score < 50 ? 1 : 0);
    expect(r.perfdata[0]).toBe(`score=${score};50:;25:;1;100`);
  });

  it("sqs-orders (account-wide, on the node named by aws_endpoint): OK with the credentials and endpoint from host vars", async () => {
    const r = result("aws!sqs-orders");
    expect(r.command).toEqual(expect.arrayContaining(["--queue", "orders", "--endpoint-url", fake.url, "--region", REGION]));
    expect(r.state, shown(r)).toBe(0);
    const ref = await direct(r, { AWS_ACCESS_KEY_ID: "AKIDSATELLITE", AWS_SECRET_ACCESS_KEY: "secret" });
    expect({ output: r.output, perfdata: r.perfdata }).toEqual(asIcinga(ref.stdout));
    expect(r.perfdata).toContain("orders.visible=5;1000;10000;0");
  });
});
