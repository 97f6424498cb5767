import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTRIB, installPlugins } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws/server";
import { MountNamespace } from "../support/mounts";
import { checkNrpe, type RunningNrpe, startNrpe } from "../support/nrpe";

// contrib/nrpe/aws-checks.cfg as shipped (only the plugin directory moved to a temp copy of the build),
// served by a real nrpe daemon on 127.0.0.1 that drops to the `nagios` user, read with check_nrpe as the
// Nagios host would. nrpe runs in a private mount namespace where /etc/fstab is a fixture naming two EFS
// mounts, so `check_efs_mount --all` judges them without touching the machine's own fstab; its IMDS
// is the fake endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT in nrpe's environment, which its checks inherit).

const SHIPPED = join(CONTRIB, "nrpe", "aws-checks.cfg");
let dir: string;
let ns: MountNamespace;
let fake: FakeAws;
let nrpe: RunningNrpe;
let mounts: string[];

/** Runs a command line of the shipped file directly, inside the namespace, as nagios: the reference. */
async function direct(commandName: string): Promise<{ stdout: string; exitCode: number }> {
  const line = readFileSync(join(dir, "aws-checks.cfg"), "utf8")
    .split("\n")
    .find((l) => l.startsWith(`command[${commandName}]=`)) as string;
  const env = `AWS_EC2_METADATA_SERVICE_ENDPOINT=${fake.url}`;
  const script = `set +e; cd / && runuser -u nagios -- env -i PATH=/usr/bin:/bin ${env} ${line.slice(line.indexOf("=") + 1)}; echo "rc=$?"`;
  const out = await ns.sh(script).catch((e: Error) => `${e.message}\nrc=99\n`);
  const m = /rc=(\d+)\n$/.exec(out) as RegExpExecArray;
  return { stdout: out.slice(0, m.index), exitCode: Number(m[1]) };
}

/** The probe's run time is the one thing that differs from run to run. */
const probeTimes = (s: string) => s.replace(/\.probe=\d+(\.\d+)?s/g, ".probe=Xs").replace(/answered in \d+(\.\d+)? ms/g, "answered in X ms");

beforeAll(async () => {
  dir = mkdtempSync("/tmp/aws-checks-nrpe-");
  chmodSync(dir, 0o755);
  const plugins = installPlugins(join(dir, "plugins")).dir;
  writeFileSync(join(dir, "aws-checks.cfg"), readFileSync(SHIPPED, "utf8").replaceAll("/usr/lib/nagios/plugins/", `${plugins}/`));

  fake = await startFakeAws({ regions: {}, imds: { instanceId: "i-0123456789abcdef0", region: "eu-west-1", scheduledEvents: [] } });

  ns = await MountNamespace.create();
  chmodSync(ns.dir, 0o755);
  mounts = [join(ns.dir, "efs-a"), join(ns.dir, "efs-b")];
  const fstab = join(ns.dir, "fstab");
  writeFileSync(
    fstab,
    `# fixture\n${mounts.map((m, i) => `fs-1234567${i}.efs.eu-west-1.amazonaws.com:/ ${m} nfs4 nfsvers=4.1,_netdev 0 0`).join("\n")}\n`,
  );
  // tmpfs where fstab says nfs4: both mounts are there and answer, but are the wrong type (CRITICAL).
  await ns.sh(`mount --bind ${fstab} /etc/fstab && for m in ${mounts.join(" ")}; do mkdir -p $m && mount -t tmpfs -o size=1m tmpfs $m; done`);

  nrpe = await startNrpe({
    dir,
    includes: [join(dir, "aws-checks.cfg")],
    env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: fake.url },
    wrap: (argv) => ["nsenter", ...ns.nsenter(argv)],
  });
});

afterAll(async () => {
  await nrpe?.stop();
  await ns?.close();
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("contrib/nrpe/aws-checks.cfg through a real nrpe and check_nrpe", () => {
  it("nrpe serves as the unprivileged nagios user", () => {
    // nrpe keeps root as its real uid (to re-read its config on SIGHUP) and serves with nagios as the
    // effective one; the checks it forks run as nagios.
    const status = readFileSync(`/proc/${nrpe.pid}/status`, "utf8");
    const uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1]);
    expect(uid).toBe(statSync(dir).uid);
    expect(uid).not.toBe(0);
  });

  it("check_efs_mount --all: CRITICAL with both mounts as long output and the perfdata, as a direct run gives", async () => {
    const viaNrpe = await checkNrpe(nrpe.port, "check_efs_mount");
    const reference = await direct("check_efs_mount");
    expect(viaNrpe.stderr).toBe("");
    expect(viaNrpe.exitCode).toBe(2);
    expect(reference.exitCode).toBe(2);
    const lines = viaNrpe.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`MOUNT CRITICAL: ${mounts[0]} wrong type tmpfs, expected nfs4; 1 more of 2 mounts with problems`);
    expect(lines.filter((l) => l.startsWith("[CRITICAL] "))).toHaveLength(2);
    for (const m of mounts) expect(viaNrpe.stdout).toContain(`[CRITICAL] ${m}: `);
    expect(lines[lines.length - 1]).toMatch(/ \| mounts=2;;;0 .*\/efs-a\.used_pct=0%;80;90;0;100 .*\/efs-b\.probe=\d+(\.\d+)?s;;;0$/);
    expect(probeTimes(viaNrpe.stdout)).toBe(probeTimes(reference.stdout));
  });

  it("check_instance_events --self: this instance's IMDS, OK, byte for byte as a direct run", async () => {
    const viaNrpe = await checkNrpe(nrpe.port, "check_instance_events");
    expect(viaNrpe).toEqual({ stdout: (await direct("check_instance_events")).stdout, stderr: "", exitCode: 0 });
    expect(viaNrpe.stdout).toBe("EVENTS OK: no scheduled events on 1 instance(s) | events=0;;;0 instances=1;;;0\n");
  });

  it("check_serverscore: the state word matches the exit code, perfdata with the shipped ranges", async () => {
    const r = await checkNrpe(nrpe.port, "check_serverscore");
    const state = /^SERVERSCORE (OK|WARNING|CRITICAL): score (\d+) /.exec(r.stdout);
    expect(state, r.stdout).not.toBeNull();
    expect(r.exitCode).toBe(["OK", "WARNING", "CRITICAL"].indexOf(state![1]));
    const score = Number(state![2]);
    expect(r.exitCode).toBe(score < 25 ? 2 : score < 50 ? 1 : 0);
    expect(r.stdout).toMatch(/ \| score=\d+;50:;25:;1;100 load_per_cpu=\d+(\.\d+)?;;;0\n$/);
  });

  it("a command the file does not define is refused by nrpe, not run", async () => {
    const r = await checkNrpe(nrpe.port, "check_queue_backlog");
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/NRPE: Command 'check_queue_backlog' not defined/);
  });
});
