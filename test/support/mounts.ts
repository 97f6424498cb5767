import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BinaryResult, binaryPath } from "./run-binary";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The mount points listed in a process's mountinfo (decoded), in mount order. */
export function mountPointsOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/mountinfo`, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ")[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** Pids whose command line matches `pattern` (pgrep -f), e.g. probes of our temp dir left running. */
export async function pgrep(pattern: string): Promise<number[]> {
  try {
    const { stdout } = await run("pgrep", ["-f", "--", pattern]);
    return stdout.split("\n").filter(Boolean).map(Number);
  } catch (err) {
    if ((err as { code?: number }).code === 1) return []; // pgrep: nothing matched
    throw err;
  }
}

/**
 * A private mount namespace held open by a `sleep` (unshare -m --propagation private): mounts made in
 * it are invisible to the host, so a hung FUSE mount can never stall anything outside it, and removing
 * the temp dir from the host side never touches a mount. Commands run inside through nsenter.
 * Needs root; CI runs as root, so a missing privilege fails loudly instead of skipping.
 */
export class MountNamespace {
  private readonly daemons = new Map<number, ChildProcess>();

  private constructor(
    private readonly holder: ChildProcess,
    readonly pid: number,
    /** A temp dir (same path inside and outside the namespace) for mount points and images. */
    readonly dir: string,
  ) {}

  static async create(): Promise<MountNamespace> {
    if (process.getuid?.() !== 0) throw new Error("mount tests need root (unshare -m, mount, bindfs); CI runs them as root");
    const dir = mkdtempSync(join(tmpdir(), "efs-mount-test-"));
    const holder = spawn("unshare", ["-m", "--propagation", "private", "sleep", "infinity"], { stdio: "ignore" });
    const pid = holder.pid;
    if (pid === undefined) throw new Error("unshare did not start");
    const ours = readlinkSync("/proc/self/ns/mnt");
    for (let i = 0; i < 100; i++) {
      if (holder.exitCode !== null) throw new Error(`unshare -m failed (exit ${holder.exitCode})`);
      try {
        if (readlinkSync(`/proc/${pid}/ns/mnt`) !== ours) return new MountNamespace(holder, pid, dir);
      } catch {
        // Not yet started.
      }
      await sleep(10);
    }
    holder.kill("SIGKILL");
    throw new Error("unshare -m did not enter a new mount namespace");
  }

  /** nsenter's arguments that run `argv` inside the namespace (for daemons a test starts there). */
  nsenter(argv: string[]): string[] {
    return ["-t", String(this.pid), "-m", "--", ...argv];
  }

  /** Runs a bash script inside the namespace; rejects with its stderr when it fails. */
  async sh(script: string): Promise<string> {
    try {
      const { stdout } = await run("nsenter", this.nsenter(["bash", "-euo", "pipefail", "-c", script]), { timeout: 30_000 });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`in the mount namespace: ${script}\n${e.stderr ?? e.message}`);
    }
  }

  isMounted(path: string): boolean {
    return mountPointsOf(this.pid).includes(path);
  }

  /** Starts `bindfs -f src mnt` inside and waits for the mount; returns the FUSE daemon's pid. */
  async bindfs(src: string, mnt: string): Promise<number> {
    const daemon = spawn("nsenter", this.nsenter(["bindfs", "-f", src, mnt]), { stdio: "ignore" });
    if (daemon.pid === undefined) throw new Error("bindfs did not start");
    this.daemons.set(daemon.pid, daemon);
    for (let i = 0; i < 200 && !this.isMounted(mnt); i++) {
      if (daemon.exitCode !== null) throw new Error(`bindfs exited with ${daemon.exitCode}`);
      await sleep(10);
    }
    if (!this.isMounted(mnt)) throw new Error(`bindfs did not mount ${mnt}`);
    return daemon.pid;
  }

  /** SIGKILLs a FUSE daemon and waits until it is gone, so its mount is stale (ENOTCONN) from then on. */
  async killDaemon(pid: number): Promise<void> {
    const daemon = this.daemons.get(pid);
    if (daemon === undefined) throw new Error(`${pid} is not a daemon of this namespace`);
    if (daemon.exitCode !== null || daemon.signalCode !== null) return;
    const exited = new Promise((resolve) => daemon.once("exit", resolve));
    daemon.kill("SIGKILL");
    await exited;
  }

  /**
   * Runs a compiled command inside the namespace with a minimal environment, timing it. `asUser` runs it
   * as that unprivileged uid/gid with no supplementary groups (setpriv), as NRPE and most cores run checks.
   */
  check(command: string, args: string[], killAfterMs = 20_000, asUser?: { uid: number; gid: number }): Promise<BinaryResult> {
    const started = performance.now();
    const drop = asUser === undefined ? [] : ["setpriv", `--reuid=${asUser.uid}`, `--regid=${asUser.gid}`, "--clear-groups", "--"];
    return new Promise((resolve, reject) => {
      const child = spawn("nsenter", this.nsenter([...drop, binaryPath(command), ...args]), {
        env: { PATH: "/usr/bin:/bin", HOME: "/nonexistent" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const guard = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      child.on("error", reject);
      child.on("close", (exitCode, signal) => {
        clearTimeout(guard);
        resolve({ stdout, stderr, exitCode, signal, ms: Math.round(performance.now() - started) });
      });
    });
  }

  /** Lazily unmounts everything under `dir`, wakes and kills every FUSE daemon, ends the namespace. */
  async close(): Promise<void> {
    const problems: string[] = [];
    const ours = mountPointsOf(this.pid).filter((p) => p.startsWith(`${this.dir}/`)).reverse();
    for (const mnt of ours) {
      // umount -l works on a hung mount, and the daemon's death then cannot leave a stale one behind.
      await this.sh(`umount -l ${JSON.stringify(mnt)}`).catch((e: Error) => problems.push(e.message));
    }
    for (const pid of this.daemons.keys()) {
      for (const signal of ["SIGCONT", "SIGKILL"] as const) {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    }
    this.holder.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`cleanup: ${problems.join("; ")}`);
  }
}
