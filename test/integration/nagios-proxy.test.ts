import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRIB, installPlugins, monitoredAccount, REGION } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { type RunningNagios, type ServiceStatus, startNagios, TEMPLATES } from "../support/nagios";
import { makeThrowawayCa } from "../support/throwaway-ca";
import { startTinyproxy, type Tinyproxy } from "../support/tinyproxy";

// docs/install.md's way for Nagios: HTTPS_PROXY (with a password) and AWS_CA_BUNDLE in the nagios
// daemon's environment (systemctl edit nagios4), inherited by the shipped command definitions' plugins,
// against the fake endpoint over TLS with a private CA and a real tinyproxy that asks for the password.

const PASSWORD = "nagios-Pr0xy-pw";

describe("a proxy and a CA bundle in the environment of a real Nagios 4 core", () => {
  let dir: string;
  let fake: FakeAws;
  let proxy: Tinyproxy;
  let nagios: RunningNagios;
  let results: Map<string, ServiceStatus>;

  beforeAll(async () => {
    dir = mkdtempSync("/tmp/aws-checks-nagios-proxy-test-");
    const ca = makeThrowawayCa(dir);
    fake = await startFakeAws(monitoredAccount(), { tls: { key: ca.key, cert: ca.cert } });
    proxy = await startTinyproxy({ basicAuth: { user: "nagios", password: PASSWORD } });
    const plugins = installPlugins(join(dir, "plugins"));
    nagios = await startNagios({
      cfgFiles: [join(CONTRIB, "nagios", "aws-checks-commands.cfg")],
      user1: plugins.dir,
      env: { ...fake.env({ AWS_REGION: REGION }), HTTPS_PROXY: proxy.authUrl, AWS_CA_BUNDLE: ca.caFile },
      objects: `${TEMPLATES}
define host {
    use                 generic-host
    host_name           aws
    address             127.0.0.1
}
define service {
    use                 generic-service
    host_name           aws
    service_description events prod
    check_command       check_instance_events!14d!3d!--tag env=prod
}
define service {
    use                 generic-service
    host_name           aws
    service_description elb web
    check_command       check_elb_health!web-lb!1:!1:
}
`,
    });
    results = await nagios.waitForResults(["events prod", "elb web"]);
  }, 120_000);

  afterAll(async () => {
    await nagios?.stop();
    await Promise.all([fake?.stop(), proxy?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the plugins go through the daemon's proxy to the private-CA endpoint and judge as usual", () => {
    const events = results.get("events prod");
    expect(events?.state, events?.output).toBe(2);
    expect(events?.output).toMatch(/^EVENTS CRITICAL: .*system-reboot in 2d/);
    const elb = results.get("elb web");
    expect(elb?.output).toMatch(/^ELB (OK|WARNING|CRITICAL): /);
    expect([...new Set(proxy.connectsSinceMark())]).toEqual([`127.0.0.1:${fake.port}`]);
    expect(fake.count("DescribeInstanceStatus")).toBeGreaterThan(0);
    expect(fake.count("DescribeInstanceHealth")).toBeGreaterThan(0);
  });

  it("the proxy password is in no output Nagios keeps", () => {
    for (const r of results.values()) {
      expect(r.output).not.toContain(PASSWORD);
      expect(r.longOutput).not.toContain(PASSWORD);
    }
  });
});
