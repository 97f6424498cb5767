import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRIB, installPlugins, monitoredAccount, REGION } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { awsHost, type CheckResult, type RunningIcinga, startIcinga, TEMPLATES } from "../support/icinga";
import { makeThrowawayCa } from "../support/throwaway-ca";
import { startTinyproxy, type Tinyproxy } from "../support/tinyproxy";

// docs/install.md's ways to give the plugins a proxy and a CA bundle under a real icinga2: the daemon's
// own environment, a CheckCommand's env (the snippet the doc shows) and the aws_proxy variable, against the
// fake endpoint over TLS with a private CA and two real tinyproxies, one of them asking for a password.

const COMMANDS_CONF = join(CONTRIB, "icinga2", "aws-checks-commands.conf");
const PASSWORD = "icinga-Pr0xy-pw";
// As docs/install.md shows it.
const DOC_SNIPPET = `
object CheckCommand "instance_events_behind_proxy" {
  import "instance_events"
  env += {
    HTTPS_PROXY = "$aws_https_proxy$"
    AWS_CA_BUNDLE = "$aws_ca_bundle$"
  }
}
`;

describe("a proxy and a CA bundle for the plugins of a running icinga2", () => {
  let dir: string;
  let fake: FakeAws;
  let daemonProxy: Tinyproxy;
  let commandProxy: Tinyproxy;
  let flagProxy: Tinyproxy;
  let icinga: RunningIcinga;
  let results: Map<string, CheckResult>;

  beforeAll(async () => {
    dir = mkdtempSync("/tmp/aws-checks-icinga-proxy-test-");
    const ca = makeThrowawayCa(dir);
    fake = await startFakeAws(monitoredAccount(), { tls: { key: ca.key, cert: ca.cert } });
    daemonProxy = await startTinyproxy({ basicAuth: { user: "icinga", password: PASSWORD } });
    commandProxy = await startTinyproxy();
    flagProxy = await startTinyproxy();
    const plugins = installPlugins(join(dir, "plugins"));
    const objects = `${TEMPLATES}${DOC_SNIPPET}
${awsHost({ region: REGION, endpointUrl: fake.url, accessKeyId: "AKIDICINGA" })}object Service "via-daemon-env" {
	import "generic-service"
	host_name = "aws"
	check_command = "instance_events"
}
object Service "via-command-env" {
	import "generic-service"
	host_name = "aws"
	check_command = "instance_events_behind_proxy"
	vars.aws_https_proxy = "${commandProxy.url}"
	vars.aws_ca_bundle = "${ca.caFile}"
}
object Service "via-aws-proxy" {
	import "generic-service"
	host_name = "aws"
	check_command = "elb_health"
	vars.aws_proxy = "${flagProxy.url}"
}
`;
    icinga = await startIcinga({
      includes: [COMMANDS_CONF],
      objects,
      pluginContribDir: plugins.dir,
      // What `systemctl edit icinga2` (Environment=) gives the daemon.
      env: { HTTPS_PROXY: daemonProxy.authUrl, AWS_CA_BUNDLE: ca.caFile },
    });
    results = await icinga.waitForResults(["aws!via-daemon-env", "aws!via-command-env", "aws!via-aws-proxy"]);
  }, 120_000);

  afterAll(async () => {
    await icinga?.stop();
    await Promise.all([fake?.stop(), daemonProxy?.stop(), commandProxy?.stop(), flagProxy?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const result = (name: string) => {
    const r = results.get(name);
    if (!r) throw new Error(`no result for ${name}`);
    return r;
  };
  const endpoint = () => `127.0.0.1:${fake.port}`;

  it("the daemon's HTTPS_PROXY (with a password) and AWS_CA_BUNDLE reach the plugin: web-1's reboot is CRITICAL", () => {
    const r = result("aws!via-daemon-env");
    expect(r.state, r.output).toBe(2);
    expect(r.output).toMatch(/^EVENTS CRITICAL: .*system-reboot in 2d/);
    expect(daemonProxy.connectsSinceMark()).toContain(endpoint());
    expect(r.output).not.toContain(PASSWORD);
    expect(r.command.join(" ")).not.toContain(PASSWORD);
  });

  it("the CheckCommand env of docs/install.md overrides the daemon's: its proxy saw the CONNECT, the daemon's one only", () => {
    const r = result("aws!via-command-env");
    expect(r.state, r.output).toBe(2);
    expect(commandProxy.connectsSinceMark()).toContain(endpoint());
    // The daemon's proxy served only the service without a proxy of its own (tunnels to the fake alone).
    expect([...new Set(daemonProxy.connectsSinceMark())]).toEqual([endpoint()]);
  });

  it("aws_proxy becomes --proxy, which wins over the daemon's HTTPS_PROXY", () => {
    const r = result("aws!via-aws-proxy");
    expect(r.command).toEqual(expect.arrayContaining(["--proxy", flagProxy.url]));
    expect(r.output).toMatch(/^ELB (OK|WARNING|CRITICAL): /);
    expect(flagProxy.connectsSinceMark()).toContain(endpoint());
    expect(fake.count("DescribeInstanceHealth")).toBeGreaterThan(0);
  });
});
