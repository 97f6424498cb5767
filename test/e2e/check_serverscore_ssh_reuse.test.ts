import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runBinary } from "../support/run-binary";
import { startSshd, type TestSshd } from "../support/sshd";

// check_serverscore --ssh-reuse against a real sshd on 127.0.0.1: sshd's own log says which runs
// opened connections, /proc says which ssh processes outlive a run.

let sshd: TestSshd;
let dir: string;
const HOSTS = ["--host", "127.0.0.1", "--host", "localhost"];
// Every score (1..100) passes: the state depends on reaching the hosts only.
const PASS_ALL = ["-w", "1:", "-c", "1:"];

function check(args: string[], env: Record<string, string> = {}) {
  return runBinary("check_serverscore", [...sshd.sshArgs(), ...HOSTS, "--remote-command", `${sshd.bin}/serverscore --format json`, ...PASS_ALL, ...args], {
    env,
  });
}

/**
 * ssh processes started for this test's sshd: their argv names its known_hosts file, or, for a master,
 * which renames itself "ssh: CONTROL_PATH [mux]", a control socket in this test's folder.
 */
function sshProcesses(): { pid: number; argv: string[] }[] {
  const found: { pid: number; argv: string[] }[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      const line = argv.join(" ");
      const client = /(^|\/)ssh$/.test(argv[0] ?? "") && line.includes(sshd.knownHosts);
      const master = line.startsWith(`ssh: ${dir}/`) && line.includes("[mux]");
      if (client || master) found.push({ pid: Number(pid), argv });
    } catch {
      // Ended while we looked.
    }
  }
  return found;
}

async function until(what: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (what()) return true;
  return what();
}

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), "ssh-reuse-"));
});
afterEach(() => {
  // Masters a test left (its DURATION not over yet) are ours to stop.
  for (const p of sshProcesses()) {
    try {
      process.kill(p.pid, "SIGTERM");
    } catch {
      // Already gone.
    }
  }
});
afterAll(async () => {
  await sshd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("check_serverscore --ssh-reuse over a real sshd", () => {
  it("without the option: a connection per host per run, and no ssh process outlives the run", async () => {
    const before = sshd.accepted();
    const r = await check([]);
    expect(r.stdout).toMatch(/^SERVERSCORE OK/);
    expect(sshProcesses()).toEqual([]);
    expect(await until(() => sshd.accepted() === before + 2, 5000)).toBe(true);
    await check([]);
    expect(await until(() => sshd.accepted() === before + 4, 5000)).toBe(true);
  });

  it("the second run opens no new connection: it goes through the masters the first one left", async () => {
    const control = join(dir, "ctl");
    const before = sshd.accepted();
    const first = await check(["--ssh-reuse", "60s", "--ssh-control-dir", control]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toMatch(/^SERVERSCORE OK/);
    expect(statSync(control).mode & 0o777).toBe(0o700);
    // One master per host, and nothing else: the masters are what outlives the run.
    expect(readdirSync(control)).toHaveLength(2);
    const masters = sshProcesses();
    expect(masters).toHaveLength(2);
    expect(masters.every((m) => m.argv.join(" ").startsWith(`ssh: ${control}/`))).toBe(true);
    expect(await until(() => sshd.accepted() === before + 2, 5000)).toBe(true);

    const second = await check(["--ssh-reuse", "60s", "--ssh-control-dir", control]);
    expect(second.stdout).toMatch(/^SERVERSCORE OK/);
    expect(second.stdout).toMatch(/127\.0\.0\.1\.score=\d+/);
    // Settle: a connection the second run had opened would be logged by now.
    await new Promise((r) => setTimeout(r, 500));
    expect(sshd.accepted()).toBe(before + 2);
    expect(sshProcesses().map((p) => p.pid).sort()).toEqual(masters.map((m) => m.pid).sort());
  });

  it("the masters end once DURATION has passed idle", async () => {
    const control = join(dir, "short");
    const r = await check(["--ssh-reuse", "1s", "--ssh-control-dir", control]);
    expect(r.stdout).toMatch(/^SERVERSCORE OK/);
    expect(await until(() => sshProcesses().length === 0, 15_000)).toBe(true);
    expect(readdirSync(control)).toEqual([]);
  });

  it("defaults to a private folder under $XDG_RUNTIME_DIR", async () => {
    const runtime = join(dir, "runtime");
    mkdirSync(runtime, { mode: 0o700 });
    const r = await check(["--ssh-reuse", "30"], { XDG_RUNTIME_DIR: runtime });
    expect(r.stdout).toMatch(/^SERVERSCORE OK/);
    const control = join(runtime, "aws-checks-ssh");
    expect(statSync(control).mode & 0o777).toBe(0o700);
    expect(readdirSync(control)).toHaveLength(2);
  });

  it("refuses a control folder others can open, before any ssh runs", async () => {
    const open = join(dir, "open");
    mkdirSync(open);
    chmodSync(open, 0o755);
    const before = sshd.accepted();
    const r = await check(["--ssh-reuse", "30", "--ssh-control-dir", open]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`SERVERSCORE UNKNOWN: --ssh-control-dir: ${open} is open to others (mode 755; want 700)\n`);
    expect(sshd.accepted()).toBe(before);
    expect(sshProcesses()).toEqual([]);
  });

  it("--ssh-control-dir needs --ssh-reuse; --ssh-reuse needs a duration above 0 and fleet mode", async () => {
    const lone = await runBinary("check_serverscore", ["--ssh-reuse", "30"]);
    expect(lone.stdout).toBe("SERVERSCORE UNKNOWN: --ssh-reuse needs --host, --elb, --target-group or --asg\n");
    const noReuse = await check(["--ssh-control-dir", join(dir, "x")]);
    expect(noReuse.stdout).toBe("SERVERSCORE UNKNOWN: --ssh-control-dir needs --ssh-reuse\n");
    const zero = await check(["--ssh-reuse", "0"]);
    expect(zero.stdout).toBe("SERVERSCORE UNKNOWN: --ssh-reuse: expected a duration above 0, got '0'\n");
    const relative = await check(["--ssh-reuse", "5m", "--ssh-control-dir", "ctl"]);
    expect(relative.stdout).toBe("SERVERSCORE UNKNOWN: --ssh-control-dir: expected an absolute path, got 'ctl'\n");
    expect(existsSync(join(dir, "x"))).toBe(false);
  });
});
