import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAws, makeFleet, type Scenario, startFakeAws } from "../support/fake-aws";
import { stringify } from "yaml";
import { type BinaryResult, firstLine, ROOT, runBinary } from "../support/run-binary";
import { makeThrowawayCa, type ThrowawayCa } from "../support/throwaway-ca";
import { startTinyproxy, type Tinyproxy } from "../support/tinyproxy";

// The compiled binaries behind a real proxy (tinyproxy on 127.0.0.1) and in front of a fake AWS endpoint
// served over TLS with a private CA made for this run: the setting of a monitoring host in a company network.

const REGION = "us-east-1";
const USER = "nagios";
const PASSWORD = "pr0xy-S3cret";
// What a leaked password would look like: as given, URL-encoded, or in a Proxy-Authorization header.
const SECRETS = [PASSWORD, encodeURIComponent(PASSWORD), Buffer.from(`${USER}:${PASSWORD}`).toString("base64")];

let dir: string;
let ca: ThrowawayCa;
let tlsFake: FakeAws;
let proxy: Tinyproxy;
let authProxy: Tinyproxy;

const scenario: Scenario = {
  regions: {
    [REGION]: {
      // Three hosts, one with a system reboot in 2 days: CRITICAL under the default -c 3d.
      instances: makeFleet({ count: 3, eventEvery: 3 }),
      queues: [{ name: "orders", visible: 40 }],
      loadBalancers: [{ name: "web", instances: [{ id: "i-00000000000000001", state: "InService" }, { id: "i-00000000000000002", state: "OutOfService" }] }],
    },
  },
};

// With --profile the SDK takes credentials from the profile only, not from the environment.
const PROFILE_KEYS = "aws_access_key_id = AKIDTEST\naws_secret_access_key = x\n";
const CREDS = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x", AWS_REGION: REGION };

const events = (args: string[], env: Record<string, string>) => runBinary("check_instance_events", args, { env: { ...CREDS, ...env } });

function expectNoSecret(r: BinaryResult): void {
  for (const s of SECRETS) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aws-checks-proxy-e2e-"));
  ca = makeThrowawayCa(dir);
  tlsFake = await startFakeAws(scenario, { tls: { key: ca.key, cert: ca.cert } });
  proxy = await startTinyproxy();
  authProxy = await startTinyproxy({ basicAuth: { user: USER, password: PASSWORD } });
});
afterAll(async () => {
  await Promise.all([tlsFake?.stop(), proxy?.stop(), authProxy?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  tlsFake.resetCalls();
  proxy.mark();
  authProxy.mark();
});

describe("HTTPS_PROXY: every AWS check goes through the proxy", () => {
  const viaProxy = () => ({ HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: ca.caFile });
  const endpoint = () => `127.0.0.1:${tlsFake.port}`;

  it("an EC2 check: CRITICAL for the reboot in 2 days, the CONNECT in the proxy's log", async () => {
    const r = await events(["--endpoint-url", tlsFake.url], viaProxy());
    expect(r.stderr).toBe("");
    expect(firstLine(r.stdout)).toMatch(/^EVENTS CRITICAL: 1 scheduled event\(s\) on 3 instance\(s\); next: i-00000000000000001 system-reboot in 2d/);
    expect(r.exitCode).toBe(2);
    expect(proxy.connectsSinceMark()).toContain(endpoint());
    expect(tlsFake.count("DescribeInstanceStatus")).toBe(1);
  });

  it("an SQS check: WARNING for 40 visible messages, the CONNECT in the proxy's log", async () => {
    const r = await runBinary("check_queue_backlog", ["--endpoint-url", tlsFake.url, "--queue", "orders", "-w", "10", "-c", "100"], {
      env: { ...CREDS, ...viaProxy() },
    });
    expect(r.stderr).toBe("");
    expect(firstLine(r.stdout)).toBe("QUEUE WARNING: orders: 40 visible (warning range 10)");
    expect(r.exitCode).toBe(1);
    expect(proxy.connectsSinceMark()).toContain(endpoint());
    expect(tlsFake.count("GetQueueAttributes")).toBe(1);
  });

  it("an ELB check: CRITICAL for 1 of 2 InService under -c 2:, the CONNECT in the proxy's log", async () => {
    const r = await runBinary("check_elb_health", ["--endpoint-url", tlsFake.url, "--elb", "web", "-c", "2:"], { env: { ...CREDS, ...viaProxy() } });
    expect(r.stderr).toBe("");
    expect(firstLine(r.stdout)).toMatch(/^ELB CRITICAL: web: 1 of 2 instances InService/);
    expect(r.exitCode).toBe(2);
    expect(proxy.connectsSinceMark()).toContain(endpoint());
    expect(tlsFake.count("DescribeInstanceHealth")).toBe(1);
  });

  it("--proxy wins over HTTPS_PROXY", async () => {
    const r = await events(["--endpoint-url", tlsFake.url, "--proxy", proxy.url], { HTTPS_PROXY: "http://127.0.0.1:9", AWS_CA_BUNDLE: ca.caFile });
    expect(r.exitCode).toBe(2);
    expect(proxy.connectsSinceMark()).toContain(endpoint());
  });

  const bypassing: [string, () => string][] = [
    ["an IP address", () => "127.0.0.1"],
    ["a CIDR block", () => "127.0.0.0/8"],
    ["host:port in a list", () => `example.com, 127.0.0.1:${tlsFake.port}`],
    ["*", () => "*"],
  ];
  for (const [what, noProxy] of bypassing) {
    it(`NO_PROXY with ${what} naming the endpoint: the call goes direct, the proxy sees nothing`, async () => {
      const r = await events(["--endpoint-url", tlsFake.url], { ...viaProxy(), NO_PROXY: noProxy() });
      expect(r.exitCode).toBe(2);
      expect(tlsFake.count("DescribeInstanceStatus")).toBe(1);
      expect(proxy.requestsSinceMark()).toEqual([]);
    });
  }

  it("NO_PROXY naming another host or port leaves the endpoint behind the proxy", async () => {
    const r = await events(["--endpoint-url", tlsFake.url], { ...viaProxy(), no_proxy: "example.com,10.0.0.0/8,127.0.0.1:1" });
    expect(r.exitCode).toBe(2);
    expect(proxy.connectsSinceMark()).toContain(endpoint());
  });
});

describe("without an endpoint override: the real regional host, asked of the proxy", () => {
  // The proxy cannot reach AWS from here (no DNS, no internet): the check must say so, naming the proxy.
  it("CONNECT ec2.us-east-1.amazonaws.com:443 is in the log; UNKNOWN naming the proxy and the call, before -t", async () => {
    const r = await events(["-t", "10"], { HTTPS_PROXY: proxy.url });
    expect(r.stderr).toBe("");
    expect(proxy.connectsSinceMark()).toEqual(["ec2.us-east-1.amazonaws.com:443"]);
    expect(r.stdout).toMatch(new RegExp(`^EVENTS UNKNOWN: proxy ${proxy.url} could not connect to ec2\\.us-east-1\\.amazonaws\\.com:443 for ec2:DescribeInstanceStatus \\(HTTP 5\\d\\d\\)`));
    expect(r.exitCode).toBe(3);
  });

  it("FIPS and dual-stack endpoints from the environment and the profile, as the SDK names them", async () => {
    await events([], { HTTPS_PROXY: proxy.url, AWS_USE_FIPS_ENDPOINT: "true" });
    const config = join(dir, "fips-config");
    writeFileSync(config, `[profile gov]\n${PROFILE_KEYS}use_dualstack_endpoint = true\n`);
    await events(["--profile", "gov"], { HTTPS_PROXY: proxy.url, AWS_CONFIG_FILE: config });
    expect(proxy.connectsSinceMark()).toEqual(["ec2-fips.us-east-1.amazonaws.com:443", "ec2.us-east-1.api.aws:443"]);
  });

  it("a proxy that accepts the connection and never answers: UNKNOWN at -t naming the call, the process ends", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await events(["-t", "2"], { HTTPS_PROXY: `http://127.0.0.1:${port}` });
      expect(r.stdout).toBe("EVENTS UNKNOWN: timed out after 2s while describing instance status (ec2:DescribeInstanceStatus)\n");
      expect(r.exitCode).toBe(3);
      expect(r.signal).toBeNull();
      expect(sockets.size).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("a proxy that refuses connections: UNKNOWN naming it and the call", async () => {
    const r = await events([], { HTTPS_PROXY: "http://127.0.0.1:9" });
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: no connection through the proxy http:\/\/127\.0\.0\.1:9 for ec2:DescribeInstanceStatus \(to ec2\.us-east-1\.amazonaws\.com:443\): connect ECONNREFUSED/);
    expect(r.exitCode).toBe(3);
  });
});

describe("instance metadata (IMDSv2) never goes through the proxy", () => {
  let imdsFake: FakeAws;
  beforeAll(async () => {
    imdsFake = await startFakeAws({
      regions: {},
      imds: {
        region: REGION,
        instanceId: "i-0abc12345678def01",
        instanceProfile: { role: "monitoring", accessKeyId: "AKIDPROFILE", secretAccessKey: "x" },
        scheduledEvents: [{ code: "system-reboot", description: "scheduled reboot", notBefore: new Date(Date.now() + 36 * 3600_000) }] },
    });
  });
  afterAll(() => imdsFake?.stop());

  const imdsEnv = () => ({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsFake.url, AWS_EC2_METADATA_DISABLED: "false", HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });

  it("--self reads IMDS directly with HTTP_PROXY and HTTPS_PROXY set: the proxy's log stays empty", async () => {
    const r = await runBinary("check_instance_events", ["--self"], { env: imdsEnv() });
    expect(r.stdout).toMatch(/^EVENTS CRITICAL: .*i-0abc12345678def01/);
    expect(r.exitCode).toBe(2);
    expect(imdsFake.countWhere({ service: "imds" })).toBeGreaterThan(0);
    expect(proxy.requestsSinceMark()).toEqual([]);
  });

  it("the region and instance-profile credentials from IMDS, then the EC2 call: only the EC2 call is in the proxy's log", async () => {
    const r = await runBinary("check_instance_events", ["--endpoint-url", tlsFake.url], { env: { ...imdsEnv(), AWS_CA_BUNDLE: ca.caFile } });
    expect(r.exitCode).toBe(2);
    expect(imdsFake.callsWhere({ service: "imds" }).map((c) => c.action)).toEqual(
      expect.arrayContaining(["/latest/meta-data/placement/region", "/latest/meta-data/iam/security-credentials/monitoring"]),
    );
    // Signed with the instance profile's keys, as read from IMDS.
    expect(tlsFake.countWhere({ action: "DescribeInstanceStatus", accessKeyId: "AKIDPROFILE" })).toBe(1);
    expect(proxy.connectsSinceMark()).toEqual([`127.0.0.1:${tlsFake.port}`]);
    expect(proxy.requestsSinceMark().join("\n")).not.toContain(String(imdsFake.port));
  });
});

describe("proxy credentials (tinyproxy BasicAuth)", () => {
  it("in --proxy: the check passes, and the password is nowhere in the output, also at -vvv", async () => {
    const r = await events(["--endpoint-url", tlsFake.url, "--proxy", authProxy.authUrl, "-vvv"], { AWS_CA_BUNDLE: ca.caFile });
    expect(r.exitCode).toBe(2);
    expect(authProxy.connectsSinceMark()).toContain(`127.0.0.1:${tlsFake.port}`);
    expect(r.stdout).toContain(`go through the proxy ${authProxy.url} (--proxy)`);
    expectNoSecret(r);
  });

  it("in HTTPS_PROXY: the check passes without printing them", async () => {
    const r = await events(["--endpoint-url", tlsFake.url, "-vvv"], { AWS_CA_BUNDLE: ca.caFile, HTTPS_PROXY: authProxy.authUrl });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain(`go through the proxy ${authProxy.url} (HTTPS_PROXY)`);
    expectNoSecret(r);
  });

  it("none or wrong ones: UNKNOWN naming the proxy (HTTP 407/401), no password in the output", async () => {
    // tinyproxy answers 407 to no credentials and 401 to wrong ones.
    const refused = new RegExp(`^EVENTS UNKNOWN: proxy ${authProxy.url} refused ec2:DescribeInstanceStatus: proxy authentication required \\(HTTP 40[17]\\); give the user and password in the proxy URL`);
    const none = await events(["--endpoint-url", tlsFake.url], { AWS_CA_BUNDLE: ca.caFile, HTTPS_PROXY: authProxy.url });
    expect(none.stdout).toMatch(refused);
    const wrong = await events(["--endpoint-url", tlsFake.url, "-vvv"], { AWS_CA_BUNDLE: ca.caFile, HTTPS_PROXY: `http://${USER}:wrong-${PASSWORD}@127.0.0.1:${authProxy.port}` });
    expect(wrong.exitCode).toBe(3);
    expect(wrong.stdout).toMatch(refused);
    expectNoSecret(wrong);
    expect(tlsFake.count("DescribeInstanceStatus")).toBe(0);
  });

  it("when AWS is unreachable behind the proxy, and in a bad --proxy: no password either", async () => {
    const unreachable = await events(["-vvv"], { HTTPS_PROXY: authProxy.authUrl });
    expect(unreachable.stdout).toMatch(new RegExp(`^EVENTS UNKNOWN: proxy ${authProxy.url} could not connect to ec2\\.us-east-1\\.amazonaws\\.com:443`));
    expectNoSecret(unreachable);
    const stray = await events([`http://${USER}:${PASSWORD}@127.0.0.1:1`], {});
    expect(stray.stdout).toBe("EVENTS UNKNOWN: unexpected argument 'http://***@127.0.0.1:1'\n");
    const bad = await events(["--proxy", `socks5://${USER}:${PASSWORD}@127.0.0.1:1080`], {});
    expect(bad.stdout).toBe("EVENTS UNKNOWN: --proxy: socks5://127.0.0.1:1080: only http:// and https:// proxies are supported\n");
    expectNoSecret(bad);
  });
});

describe("CA bundles: AWS_CA_BUNDLE and the profile's ca_bundle", () => {
  it("without one, the private CA is not trusted: UNKNOWN naming certificate verification and the call", async () => {
    const r = await events(["--endpoint-url", tlsFake.url], {});
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^EVENTS UNKNOWN: certificate verification failed for ec2:DescribeInstanceStatus: .*set AWS_CA_BUNDLE or ca_bundle in the profile/);
    expect(r.exitCode).toBe(3);
    expect(tlsFake.count("DescribeInstanceStatus")).toBe(0);
  });

  it("AWS_CA_BUNDLE makes it trusted", async () => {
    const r = await events(["--endpoint-url", tlsFake.url], { AWS_CA_BUNDLE: ca.caFile });
    expect(r.exitCode).toBe(2);
  });

  it("ca_bundle in the selected profile makes it trusted, also behind the proxy", async () => {
    const config = join(dir, "ca-config");
    writeFileSync(config, `[profile monitoring]\n${PROFILE_KEYS}ca_bundle = ${ca.caFile}\n`);
    const direct = await events(["--endpoint-url", tlsFake.url, "--profile", "monitoring"], { AWS_CONFIG_FILE: config });
    expect(direct.exitCode).toBe(2);
    const proxied = await events(["--endpoint-url", tlsFake.url], { AWS_CONFIG_FILE: config, AWS_PROFILE: "monitoring", HTTPS_PROXY: proxy.url });
    expect(proxied.exitCode).toBe(2);
    expect(proxy.connectsSinceMark()).toEqual([`127.0.0.1:${tlsFake.port}`]);
  });

  it("a bundle the runtime trusts already (the same file as NODE_EXTRA_CA_CERTS) leaves TLS as it is", async () => {
    const r = await events(["--endpoint-url", tlsFake.url, "-vv"], { AWS_CA_BUNDLE: ca.caFile, NODE_EXTRA_CA_CERTS: ca.caFile });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain(`trusting the CA bundle ${ca.caFile} (AWS_CA_BUNDLE) (the built-in roots hold all its certificates already)`);
  });

  it("a bundle of another CA adds to NODE_EXTRA_CA_CERTS, never replaces it", async () => {
    const other = makeThrowawayCa(mkdtempSync(join(dir, "other-ca-")));
    const r = await events(["--endpoint-url", tlsFake.url, "-vv"], { AWS_CA_BUNDLE: other.caFile, NODE_EXTRA_CA_CERTS: ca.caFile });
    expect(r.stdout).toContain(`trusting the CA bundle ${other.caFile} (AWS_CA_BUNDLE) besides the built-in roots`);
    expect(r.exitCode).toBe(2);
    // And the other CA alone does not vouch for the endpoint: the bundle is really in use.
    const alone = await events(["--endpoint-url", tlsFake.url], { AWS_CA_BUNDLE: other.caFile });
    expect(alone.stdout).toMatch(/^EVENTS UNKNOWN: certificate verification failed for ec2:DescribeInstanceStatus: .*trusted: the built-in roots and .*other-ca-.*\(AWS_CA_BUNDLE\)/);
  });

  it("a missing bundle file is UNKNOWN naming it", async () => {
    const missing = join(dir, "no-such-bundle.pem");
    const r = await events(["--endpoint-url", tlsFake.url], { AWS_CA_BUNDLE: missing });
    expect(r.stdout).toMatch(new RegExp(`^EVENTS UNKNOWN: CA bundle ${missing} \\(AWS_CA_BUNDLE\\) cannot be read: ENOENT`));
    expect(r.exitCode).toBe(3);
    const notPem = join(dir, "not-pem.txt");
    writeFileSync(notPem, "hello\n");
    const r2 = await events(["--endpoint-url", tlsFake.url], { AWS_CA_BUNDLE: notPem });
    expect(r2.stdout).toBe(`EVENTS UNKNOWN: CA bundle ${notPem} (AWS_CA_BUNDLE) holds no PEM certificate\n`);
  });
});

describe("the gate and the npm package use the same handler", () => {
  it("a gate with proxy: in its shared aws: section runs an EC2, an SQS and an ELB check through it", async () => {
    const file = join(dir, "gate.yaml");
    writeFileSync(
      file,
      stringify({
        aws: { region: REGION, "endpoint-url": tlsFake.url, proxy: authProxy.authUrl },
        checks: [
          { name: "events", command: "check_instance_events" },
          { name: "orders", command: "check_queue_backlog", args: ["--queue", "orders", "-w", "100"] },
          { name: "web", command: "check_elb_health", args: ["--elb", "web"] },
        ],
      }),
    );
    const r = await runBinary("aws-checks", ["gate", file], { env: { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x", AWS_CA_BUNDLE: ca.caFile } });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^\[CRITICAL\] events: 1 scheduled event\(s\)/m);
    expect(r.stdout).toMatch(/^\[OK\] orders: /m);
    expect(r.stdout).toMatch(/^\[OK\] web: /m);
    expect(r.exitCode).toBe(2);
    expect(authProxy.connectsSinceMark().filter((c) => c === `127.0.0.1:${tlsFake.port}`).length).toBeGreaterThanOrEqual(3);
    expect(tlsFake.count("DescribeInstanceStatus")).toBe(1);
    expect(tlsFake.count("GetQueueAttributes")).toBe(1);
    expect(tlsFake.count("DescribeInstanceHealth")).toBe(1);
    expectNoSecret(r);
  });

  it("the gate's dry run and JSON show the check's command lines with the proxy's credentials hidden", async () => {
    const file = join(dir, "gate-dry.yaml");
    writeFileSync(file, stringify({ aws: { region: REGION, "endpoint-url": tlsFake.url, proxy: authProxy.authUrl }, checks: [{ command: "check_instance_events" }] }));
    const env = { AWS_ACCESS_KEY_ID: "AKIDTEST", AWS_SECRET_ACCESS_KEY: "x", AWS_CA_BUNDLE: ca.caFile };
    const dry = await runBinary("aws-checks", ["gate", file, "--dry-run"], { env });
    expect(dry.stdout).toContain(`--proxy=http://***@127.0.0.1:${authProxy.port}`);
    expectNoSecret(dry);
    const json = await runBinary("aws-checks", ["gate", file, "--format", "json"], { env });
    expect(JSON.parse(json.stdout).checks[0].argv).toContain(`--proxy=http://***@127.0.0.1:${authProxy.port}`);
    expectNoSecret(json);
  });

  it("the Node bundle (dist/node) goes through the proxy and trusts AWS_CA_BUNDLE alike", async () => {
    // Asynchronously: the fake endpoint answers from this very process.
    const onNode = await new Promise<{ stdout: string; stderr: string; status: number | null }>((resolve) => {
      const shim = join(ROOT, "dist", "node", "check_instance_events.cjs");
      const env = { PATH: "/usr/bin:/bin", ...CREDS, AWS_EC2_METADATA_DISABLED: "true", HTTPS_PROXY: authProxy.authUrl, AWS_CA_BUNDLE: ca.caFile };
      const child = execFile(process.execPath, [shim, "--endpoint-url", tlsFake.url, "-vvv"], { env }, (_err, stdout, stderr) =>
        resolve({ stdout, stderr, status: child.exitCode }),
      );
    });
    expect(onNode.stderr).toBe("");
    expect(firstLine(onNode.stdout)).toMatch(/^EVENTS CRITICAL: 1 scheduled event\(s\) on 3 instance\(s\)/);
    expect(onNode.status).toBe(2);
    expect(authProxy.connectsSinceMark()).toEqual([`127.0.0.1:${tlsFake.port}`]);
    expectNoSecret({ ...onNode, exitCode: onNode.status, signal: null, ms: 0 });
  });
});
