import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, get, type Server } from "node:http";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { CONTRIB, monitoredAccount } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { perfdataErrors, perfdataOf } from "../support/perfdata-grammar";
import { ROOT } from "../support/run-binary";
import { RELEASE, releaseFile } from "../release/release-files";

// The Sensu Go asset as an agent gets it: `npm run release` (which `npm test` runs first) builds the
// archives and the asset YAML; the test downloads the url of the build whose filters match this machine
// over HTTP (the url's host resolved to a local server, as DNS would), checks the sha512, unpacks it into
// a cache folder and runs the commands and every example CheckConfig through `sh -c` with the asset's
// bin/ on PATH, as an unprivileged user (the agent runs checks as `sensu`).

const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string };
const COMMITTED_ASSET = join(CONTRIB, "sensu", "asset.yml");
const CHECKS = join(CONTRIB, "sensu", "checks.yml");
const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];
const AGENT_SYSTEM: Record<string, string> = { os: "linux", arch: "amd64", libc_type: "glibc" };

interface Build {
  url: string;
  sha512: string;
  filters?: string[];
}
interface AssetResource {
  type: string;
  api_version: string;
  metadata: { name: string };
  spec: { builds: Build[] };
}
interface CheckConfig {
  type: string;
  api_version: string;
  metadata: { name: string };
  spec: { command: string; runtime_assets: string[]; output_metric_format: string; env_vars?: string[]; timeout: number };
}

/** The agent's filter evaluation, for the only form the asset uses: entity.system.X == 'v'. */
function matches(filters: string[] = []): boolean {
  return filters.every((f) => {
    const m = /^entity\.system\.(\w+) == '([^']*)'$/.exec(f);
    if (!m) throw new Error(`unexpected filter ${f}`);
    return AGENT_SYSTEM[m[1]] === m[2];
  });
}

/** GET `url` from the server on 127.0.0.1:port, with the url's own Host header. */
function download(url: string, port: number): Promise<Buffer> {
  const { host, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: pathname, headers: { Host: host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`GET ${url}: ${res.statusCode}`))));
    }).on("error", reject);
  });
}

/** Runs a command line the way the agent does (sh -c), as nobody, with the asset's bin/ first on PATH. */
function runAsAgent(command: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn("setpriv", [...NOBODY, "sh", "-c", command], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ stdout, stderr, code });
    });
  });
}

describe("the Sensu Go asset, unpacked and run as the agent would", () => {
  let work: string;
  const out = RELEASE;
  let server: Server;
  let asset: AssetResource;
  let build: Build;
  let archive: Buffer;
  let assetDir: string;
  let fake: FakeAws;
  let commands: string[];

  beforeAll(async () => {
    work = mkdtempSync("/tmp/aws-checks-sensu-test-");
    chmodSync(work, 0o755);
    asset = parse(readFileSync(releaseFile(`${PACKAGE.name}-asset.yml`), "utf8")) as AssetResource;
    build = asset.spec.builds.find((b) => matches(b.filters))!;
    // The release download: <url path>/<version>/<file> serves dist/release/<file>.
    const base = new URL(build.url);
    const folder = base.pathname.slice(0, base.pathname.lastIndexOf("/") + 1);
    server = createServer((req, res) => {
      const file = join(out, basename(req.url ?? ""));
      if (req.headers.host !== base.host || !req.url?.startsWith(folder) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { "Content-Length": statSync(file).size });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    archive = await download(build.url, port);
    // The agent refuses an archive whose digest differs, and unpacks it into a folder named by it.
    expect(createHash("sha512").update(archive).digest("hex")).toBe(build.sha512);
    assetDir = join(work, "cache", build.sha512);
    mkdirSync(assetDir, { recursive: true });
    for (const d of [join(work, "cache"), assetDir]) chmodSync(d, 0o755);
    writeFileSync(join(work, "asset.tar.gz"), archive);
    execFileSync("tar", ["-xzf", join(work, "asset.tar.gz"), "-C", assetDir]);
    commands = execFileSync(join(assetDir, "bin", "aws-checks"), ["--list"], { encoding: "utf8" }).trim().split("\n");
    fake = await startFakeAws(monitoredAccount());
  }, 180_000);

  afterAll(async () => {
    await fake?.stop();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const agentEnv = (extra: Record<string, string> = {}) => ({
    PATH: `${join(assetDir, "bin")}:/usr/bin:/bin`,
    HOME: "/nonexistent",
    AWS_CHECKS_PATH: assetDir,
    ...extra,
  });

  it("holds bin/ at the archive root: the executable binary and a relative symlink per command", () => {
    const listing = execFileSync("tar", ["-tvzf", join(work, "asset.tar.gz")], { encoding: "utf8" }).trim().split("\n");
    const names = listing.map((l) => l.split(/\s+/).slice(5).join(" "));
    expect(names).toEqual(["bin/", "bin/aws-checks", ...[...commands].sort().map((c) => `bin/${c} -> aws-checks`)]);
    expect(listing[1]).toMatch(/^-rwxr-xr-x /);
    expect(commands).toEqual(
      expect.arrayContaining([
        "check_instance_events",
        "check_instance_status",
        "check_ami_freshness",
        "check_queue_backlog",
        "check_elb_health",
        "check_asg_health",
        "check_efs_mount",
        "check_serverscore",
        "serverscore",
      ]),
    );
    expect(readdirSync(join(assetDir, "bin")).sort()).toEqual(["aws-checks", ...commands].sort());
  });

  it("the asset YAML is the committed one with each archive's url and real sha512, which the checksum file repeats", () => {
    const committed = parse(readFileSync(COMMITTED_ASSET, "utf8")) as AssetResource;
    expect(committed.spec.builds.every((b) => b.sha512.includes("PLACEHOLDER"))).toBe(true);
    expect(asset.type).toBe("Asset");
    expect(asset.api_version).toBe("core/v2");
    expect(asset.metadata).toEqual(committed.metadata);
    expect(asset.metadata.name).toMatch(/^[\w.-]+$/);
    // One build per platform; only this machine's matches.
    expect(asset.spec.builds.map((b) => b.filters)).toEqual(committed.spec.builds.map((b) => b.filters));
    expect(asset.spec.builds.filter((b) => matches(b.filters))).toEqual([build]);
    expect(build.filters).toEqual(["entity.system.os == 'linux'", "entity.system.arch == 'amd64'", "entity.system.libc_type == 'glibc'"]);
    const archiveName = `${PACKAGE.name}_${PACKAGE.version}_linux_amd64.tar.gz`;
    // The default url base is the committed one: YOUR-ORG stands for where the release is uploaded.
    const committedBase = committed.spec.builds[0].url.split("/").slice(0, -2).join("/");
    expect(build.url).toBe(`${committedBase}/${PACKAGE.version}/${archiveName}`);
    expect(build.sha512).toMatch(/^[0-9a-f]{128}$/);
    const sums = readFileSync(join(out, `${PACKAGE.name}_${PACKAGE.version}_sha512-checksums.txt`), "utf8");
    expect(sums.split("\n")).toContain(`${build.sha512}  ${archiveName}`);
  });

  it(".bonsai.yml names exactly the archives the release makes, with the asset's filters", () => {
    const bonsai = parse(readFileSync(join(ROOT, ".bonsai.yml"), "utf8")) as {
      description: string;
      builds: { platform: string; arch: string; asset_filename: string; sha_filename: string; filter: string[] }[];
    };
    const fill = (s: string) => s.replace(/#\{repo\}/g, PACKAGE.name).replace(/#\{version\}/g, PACKAGE.version);
    expect(bonsai.description).toBeTruthy();
    expect(bonsai.builds.map((b) => [b.platform, b.arch, fill(b.asset_filename), b.filter])).toEqual(
      asset.spec.builds.map((b) => ["linux", /arch == '(\w+)'/.exec((b.filters ?? []).join())![1], basename(b.url), b.filters]),
    );
    for (const b of bonsai.builds) expect(readdirSync(out)).toContain(fill(b.sha_filename));
  });

  it("every command runs from the asset's PATH as an unprivileged user: --help exits 3 and ends with an example", async () => {
    const list = await runAsAgent("aws-checks --list", agentEnv());
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split("\n")).toEqual(commands);
    for (const command of commands) {
      const r = await runAsAgent(`${command} --help`, agentEnv());
      expect(r.code, command).toBe(3);
      expect(r.stderr, command).toBe("");
      expect(r.stdout, command).toMatch(new RegExp(`^Usage: ${command} `));
      const example = /\nExample:\n((?: {2}.+\n)+)$/.exec(r.stdout);
      expect(example, `${command} --help ends with an Example section`).not.toBeNull();
      for (const line of example![1].trimEnd().split("\n")) expect(line, command).toMatch(new RegExp(`^ {2}${command} `));
      expect(Math.max(...r.stdout.split("\n").map((l) => l.length)), command).toBeLessThanOrEqual(80);
    }
  });

  // Expected results of the example checks against monitoredAccount() (see core-fixtures.ts).
  const EXPECTED: Record<string, { state: number | "by-score"; output: RegExp }> = {
    "aws-ec2-scheduled-events": { state: 2, output: /^EVENTS CRITICAL: .*i-00000000000000001 system-reboot in 2d/ },
    "aws-ec2-status-checks": { state: 2, output: /^STATUS CRITICAL: 1 impaired of 2 instance\(s\); i-00000000000000002 \(web-2\)/ },
    "aws-ami-backups": { state: 1, output: /^AMI WARNING: .*i-00000000000000002/ },
    "aws-sqs-orders": { state: 0, output: /^QUEUE OK: / },
    "aws-sqs-jobs": { state: 1, output: /^QUEUE WARNING: / },
    "aws-elb-web-lb": { state: 1, output: /^ELB WARNING: .*web-lb/ },
    "aws-asg-prod": { state: 1, output: /^ASG WARNING: web-asg: 1\/2 in service .*stuck \(over 20m\): i-00000000000000002 Pending:Wait for 45m/ },
    "aws-alb-web-alb": { state: 1, output: /^ELB WARNING: api: 1 of 2 targets healthy \(warning range 2:\)/ },
    "aws-target-group-api": { state: 2, output: /^ELB CRITICAL: api: 1 of 2 targets healthy \(critical range 2:\)/ },
    "ec2-scheduled-events-self": { state: 1, output: /^EVENTS WARNING: .*system-reboot in (4d 23h|5d)/ },
    "efs-mount": { state: 2, output: /^MOUNT CRITICAL: \/mnt\/efs not mounted/ },
    serverscore: { state: "by-score", output: /^SERVERSCORE (OK|WARNING|CRITICAL): score \d+/ },
  };

  it("every example CheckConfig runs from the asset with Nagios perfdata Sensu can read", async () => {
    const docs = parseAllDocuments(readFileSync(CHECKS, "utf8"));
    expect(docs.flatMap((d) => d.errors.map((e) => e.message))).toEqual([]);
    const checks = docs.map((d) => d.toJS() as CheckConfig);
    expect(checks.map((c) => c.metadata.name).sort()).toEqual(Object.keys(EXPECTED).sort());
    const ran = new Set<string>();
    for (const check of checks) {
      const name = check.metadata.name;
      expect([check.type, check.api_version], name).toEqual(["CheckConfig", "core/v2"]);
      expect(check.spec.runtime_assets, name).toEqual([asset.metadata.name]);
      expect(check.spec.output_metric_format, name).toBe("nagios_perfdata");
      expect(check.spec.timeout, name).toBeGreaterThan(10);
      const envVars = Object.fromEntries((check.spec.env_vars ?? []).map((e) => e.split(/=(.*)/s).slice(0, 2)));
      // The fake account stands in for AWS; the check's own env_vars (the region) still apply.
      const r = await runAsAgent(check.spec.command, agentEnv({ ...fake.env(), ...envVars }));
      const shown = `${check.spec.command}\n${r.stdout}${r.stderr}`;
      expect(r.stderr, shown).toBe("");
      const want = EXPECTED[name];
      expect(r.stdout, shown).toMatch(want.output);
      const perfdata = perfdataOf(r.stdout);
      expect(perfdata === undefined ? ["no perfdata"] : perfdataErrors(perfdata, true), shown).toEqual([]);
      if (want.state === "by-score") {
        const score = Number(/ score=(\d+);/.exec(r.stdout)?.[1]);
        expect(r.code, shown).toBe(score < 25 ? 2 : score < 50 ? 1 : 0);
      } else {
        expect(r.code, shown).toBe(want.state);
      }
      ran.add(check.spec.command.split(" ")[0]);
    }
    // serverscore, the probe, is what check_serverscore runs on other hosts over SSH; its --help ran above.
    expect([...ran].sort()).toEqual(commands.filter((c) => c !== "serverscore").sort());
  });
});
