import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Instance, type LoadBalancerMember, type Scenario } from "../support/fake-aws/index";
import { firstLine, perfdata, runBinary } from "../support/run-binary";
import { fleetRig } from "../support/fleet-rig";
import { lateBy } from "../support/timing";
import { startTinyproxy } from "../support/tinyproxy";

// check_serverscore --elb: instances found through the wire-level fake AWS endpoint (real SDK clients),
// then probed over SSH on a real sshd on 127.0.0.1.

const REGION = "us-east-1";
const PASS_ALL = ["-w", "1:", "-c", "1:"];

const rig = fleetRig(REGION);

const instance = (n: number, extra: Partial<Instance> = {}): Instance => ({
  id: `i-0000000000000000${n}`,
  privateIp: `10.0.0.${n}`,
  privateDns: `ip-10-0-0-${n}.ec2.internal`,
  ...extra,
});

function scenario(instances: Instance[], members: LoadBalancerMember[]): Scenario {
  return { regions: { [REGION]: { instances, loadBalancers: [{ name: "web", instances: members }] } } };
}


describe("check_serverscore --elb", () => {
  it("ok-in-service: the InService instance is reached at its private IP; OutOfService ones are skipped", async () => {
    rig.fake.setScenario(
      scenario(
        [instance(1, { privateIp: "127.0.0.1" }), instance(2)],
        [{ id: "i-00000000000000001", state: "InService" }, { id: "i-00000000000000002", state: "OutOfService" }],
      ),
    );
    const r = await rig.score(["--elb", "web", ...PASS_ALL]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: ELB web: 1 host, min score \d+ \(127\.0\.0\.1\), avg \d+$/);
    expect(r.stdout).toMatch(/^\[OK\] i-00000000000000001 \(127\.0\.0\.1\): score \d+, limited by load/m);
    expect(r.stdout).not.toContain("i-00000000000000002");
    expect(perfdata(r.stdout).get("127.0.0.1.score")).toMatch(/^\d+;1:;1:;1;100$/);
    expect(rig.fake.count("DescribeInstanceHealth")).toBe(1);
    expect(rig.fake.count("DescribeInstances")).toBe(1);
  });

  it("ok-through-proxy: the ELB and EC2 lookups go through HTTP_PROXY (a real tinyproxy), as every AWS command's", async () => {
    const proxy = await startTinyproxy();
    try {
      rig.fake.setScenario(scenario([instance(1, { privateIp: "127.0.0.1" })], [{ id: "i-00000000000000001", state: "InService" }]));
      const r = await runBinary(
        "check_serverscore",
        ["--region", REGION, ...rig.sshd.sshArgs(), "--remote-command", `${rig.sshd.bin}/serverscore --format json`, "--elb", "web", ...PASS_ALL],
        { env: { ...rig.fake.env(), HTTP_PROXY: proxy.url } },
      );
      expect(r.exitCode).toBe(0);
      expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: ELB web: 1 host, /);
      expect(proxy.connectsSinceMark()).toContain(`127.0.0.1:${rig.fake.port}`);
      expect(rig.fake.count("DescribeInstanceHealth")).toBe(1);
      expect(rig.fake.count("DescribeInstances")).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it("ok-many: every InService instance is probed, with one DescribeInstances call for all of them", async () => {
    const instances = Array.from({ length: 6 }, (_, i) => instance(i + 1));
    rig.fake.setScenario(scenario(instances, instances.map((i) => ({ id: i.id, state: "InService" as const }))));
    // The instances' 10.0.0.x addresses name the hosts; HostName sends every connection to the test sshd.
    const r = await rig.score(["--elb", "web", "--ssh-option", "HostName=127.0.0.1", ...PASS_ALL]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(/^SERVERSCORE OK: ELB web: 6 hosts, /);
    const perf = perfdata(r.stdout);
    for (let n = 1; n <= 6; n++) expect(perf.get(`10.0.0.${n}.score`)).toMatch(/^\d+;1:;1:;1;100$/);
    expect(perf.get("hosts")).toBe("6;;;0");
    expect(rig.fake.count("DescribeInstances")).toBe(1);
  });

  it("ok-private-dns: --address picks which address ssh connects to", async () => {
    rig.fake.setScenario(scenario([instance(1), instance(2)], [{ id: "i-00000000000000001", state: "InService" }, { id: "i-00000000000000002", state: "InService" }]));
    const r = await rig.score(["--elb", "web", "--address", "private-dns", "--ssh-option", "HostName=127.0.0.1", ...PASS_ALL]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\[OK\] i-00000000000000001 \(ip-10-0-0-1\.ec2\.internal\): score/m);
    expect(perfdata(r.stdout).has("ip-10-0-0-2.ec2.internal.score")).toBe(true);
  });

  it("crit-no-public-ip: an instance without the asked-for address is not probed and says why", async () => {
    rig.fake.setScenario(scenario([instance(1)], [{ id: "i-00000000000000001", state: "InService" }]));
    const r = await rig.score(["--elb", "web", "--address", "public-ip"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain("[CRITICAL] i-00000000000000001 (no address): not probed: DescribeInstances gave no public-ip for it");
  });

  it("crit-hostile-address: an address from AWS that is not a host name never reaches ssh", async () => {
    const pwned = join(rig.sshd.dir, "pwned-elb");
    rig.fake.setScenario(
      scenario(
        [instance(1, { privateDns: `-oProxyCommand=touch ${pwned}` }), instance(2, { privateDns: "localhost" })],
        [{ id: "i-00000000000000001", state: "InService" }, { id: "i-00000000000000002", state: "InService" }],
      ),
    );
    const r = await rig.score(["--elb", "web", "--address", "private-dns", ...PASS_ALL]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/^\[CRITICAL\] i-00000000000000001 \(-oProxyCommand=touch .*\): not probed: its private-dns '-oProxyCommand=touch .*' is not a host name or address/m);
    expect(r.stdout).toMatch(/^\[OK\] i-00000000000000002 \(localhost\): score/m);
    expect(existsSync(pwned)).toBe(false);
  });

  it("crit-none-in-service: a load balancer with no InService instance is CRITICAL", async () => {
    rig.fake.setScenario(scenario([instance(1), instance(2)], [{ id: "i-00000000000000001", state: "OutOfService" }, { id: "i-00000000000000002", state: "Unknown" }]));
    const r = await rig.score(["--elb", "web"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("SERVERSCORE CRITICAL: ELB web: no InService instance (2 registered, region us-east-1) | hosts=0;;;0 unreachable=0;;;0\n");
    expect(rig.fake.count("DescribeInstances")).toBe(0);
  });

  it("crit-not-found: a load balancer that does not exist is CRITICAL", async () => {
    const r = await rig.score(["--elb", "nope"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("SERVERSCORE CRITICAL: load balancer 'nope' not found\n");
  });

  it("unknown-denied: access denied names the IAM action", async () => {
    rig.fake.setScenario(scenario([instance(1)], [{ id: "i-00000000000000001", state: "InService" }]));
    rig.fake.inject({ service: "elasticloadbalancing", action: "DescribeInstanceHealth", kind: "accessDenied" });
    const r = await rig.score(["--elb", "web"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^SERVERSCORE UNKNOWN: access denied: the credentials may not call elasticloadbalancing:DescribeInstanceHealth/);
  });

  it("unknown-hang: a hung AWS call ends at -t naming the stage", async () => {
    rig.fake.setScenario(scenario([instance(1)], [{ id: "i-00000000000000001", state: "InService" }]));
    rig.fake.inject({ service: "elasticloadbalancing", action: "DescribeInstanceHealth", kind: "hang" });
    const r = await rig.score(["--elb", "web", "-t", "2"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("SERVERSCORE UNKNOWN: timed out after 2s while reading instance health of web (elasticloadbalancing:DescribeInstanceHealth)\n");
    expect(r.ms).toBeLessThan(lateBy(2000)); // exits at its deadline: a hung socket would hold it until killed
  });

  it("unknown-regions: --elb needs exactly one region", async () => {
    const r = await runBinary("check_serverscore", ["--elb", "web", "--region", "us-east-1", "--region", "eu-west-1"], { env: rig.fake.env() });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^SERVERSCORE UNKNOWN: --elb: name one region/);
  });
});
