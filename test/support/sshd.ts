import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { binaryPath } from "./run-binary";

/**
 * A throwaway OpenSSH server on 127.0.0.1 for e2e tests (see test-components.md §3): its own host key,
 * a client key, a test user, a pinned known_hosts and the built binaries copied where that user can
 * run them. Needs root and the Debian packages openssh-server and openssh-client.
 */
export interface TestSshd {
  port: number;
  user: string;
  /** Temp directory (mode 755) holding keys, config and `bin/`. */
  dir: string;
  /** Copy of dist/bin: `${bin}/serverscore` is the probe the remote side runs. */
  bin: string;
  identity: string;
  /** A key that is not in authorized_keys. */
  wrongIdentity: string;
  knownHosts: string;
  /** The check_serverscore options that reach this server as `user` with the pinned host key. */
  sshArgs(): string[];
  /** A directory the test user may write to (counters, logs of fake probes). */
  scratch: string;
  /** Connections sshd has accepted (authenticated) so far, from its log. */
  accepted(): number;
  stop(): Promise<void>;
}

export const TEST_USER = "awscheckstest";
const SSHD = "/usr/sbin/sshd";

function run(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Creates the test user once; concurrent test files may race here, so "already exists" is fine. */
function ensureUser(user: string): string {
  const exists = () => {
    try {
      run("id", ["-u", user]);
      return true;
    } catch {
      return false;
    }
  };
  if (!exists()) {
    try {
      run("useradd", ["-m", "-s", "/bin/sh", user]);
    } catch (err) {
      if (!exists()) throw err;
    }
  }
  // A locked account ('!' in shadow) is refused when UsePAM is off; '*' only disables passwords.
  run("usermod", ["-p", "*", user]);
  return run("getent", ["passwd", user]).split(":")[5];
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Every process below `pid` (sshd's sessions and what they run), from /proc's parent links. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in (...) may hold spaces; the parent pid is the 2nd field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone while we looked.
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, ppid] of parent) {
      if (ppid !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** Resolves once the port answers with an SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`sshd exited ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: "127.0.0.1", port });
      const done = (v: boolean) => {
        sock.destroy();
        resolve(v);
      };
      sock.setTimeout(1000, () => done(false));
      sock.once("data", (d) => done(d.toString().startsWith("SSH-")));
      sock.once("error", () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port}: ${log()}`);
}

/**
 * `loopbackHosts`: how many addresses sshd listens on, 127.0.0.1 upwards (Linux routes all of 127/8
 * to lo), all in known_hosts: distinct hosts for OpenSSH, which keeps one master per address.
 */
export async function startSshd(opts: { loopbackHosts?: number } = {}): Promise<TestSshd> {
  const addresses = Array.from({ length: opts.loopbackHosts ?? 1 }, (_, i) => `127.0.0.${i + 1}`);
  const home = ensureUser(TEST_USER);
  const dir = mkdtempSync("/tmp/aws-checks-test-");
  chmodSync(dir, 0o755);
  const key = (name: string) => {
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(dir, name)]);
    return join(dir, name);
  };
  const hostKey = key("host_key");
  const identity = key("client_key");
  const wrongIdentity = key("wrong_key");

  // authorized_keys in the user's own ~/.ssh (700/600, StrictModes on), one file per server so
  // test files running at the same time never share one.
  const sshDir = join(home, ".ssh");
  mkdirSync(sshDir, { recursive: true, mode: 0o700 });
  chmodSync(sshDir, 0o700);
  const authorizedKeys = join(sshDir, `authorized_keys.${dir.split("-").pop()}`);
  writeFileSync(authorizedKeys, readFileSync(`${identity}.pub`), { mode: 0o600 });
  chmodSync(authorizedKeys, 0o600);
  run("chown", [`${TEST_USER}:`, sshDir, authorizedKeys]);

  const bin = join(dir, "bin");
  mkdirSync(bin, { mode: 0o755 });
  // A copy, not the dist/ file: a concurrent `npm run build` swaps dist/bin while tests run.
  copyFileSync(binaryPath("aws-checks"), join(bin, "aws-checks"));
  chmodSync(join(bin, "aws-checks"), 0o755);
  symlinkSync("aws-checks", join(bin, "serverscore"));

  const scratch = join(dir, "scratch");
  mkdirSync(scratch, { mode: 0o755 });
  run("chown", [`${TEST_USER}:`, scratch]);

  mkdirSync("/run/sshd", { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // Absolute paths everywhere: sshd re-executes itself from / for every connection.
    const config = join(dir, "sshd_config");
    writeFileSync(
      config,
      [
        `Port ${port}`,
        ...addresses.map((a) => `ListenAddress ${a}`),
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        `AllowUsers ${TEST_USER}`,
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes yes",
        // The benchmark and concurrency tests open many connections at once; the default 10:30:100
        // drops unauthenticated ones beyond 10 at random.
        "MaxStartups 200",
        // INFO: one "Accepted publickey" line per authenticated connection, which tests count.
        "LogLevel INFO",
        "",
      ].join("\n"),
    );
    run(SSHD, ["-t", "-f", config]);
    const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    let accepted = 0;
    let partial = "";
    child.stderr?.on("data", (d) => {
      log = (log + d).slice(-4000);
      const lines = (partial + d).split("\n");
      partial = lines.pop() ?? "";
      accepted += lines.filter((l) => /^Accepted publickey for /.test(l)).length;
    });
    try {
      await waitForBanner(port, child, () => log);
    } catch (err) {
      lastError = err;
      child.kill("SIGKILL");
      continue;
    }
    const pub = readFileSync(`${hostKey}.pub`, "utf8").split(" ").slice(0, 2).join(" ");
    const knownHosts = join(dir, "known_hosts");
    writeFileSync(knownHosts, `${[...addresses, "localhost"].map((a) => `[${a}]:${port}`).join(",")} ${pub}\n`);

    return {
      port,
      user: TEST_USER,
      dir,
      bin,
      identity,
      wrongIdentity,
      knownHosts,
      scratch,
      accepted: () => accepted,
      sshArgs: () => [
        "--ssh-user", TEST_USER,
        "--ssh-port", String(port),
        "--ssh-identity", identity,
        "--ssh-option", `UserKnownHostsFile=${knownHosts}`,
        "--ssh-option", "StrictHostKeyChecking=yes",
      ],
      async stop() {
        // Sessions still running (a remote `sleep` a test gave up on) would outlive the listener.
        for (const pid of child.pid === undefined ? [] : descendants(child.pid)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // Already gone.
          }
        }
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        }
        rmSync(authorizedKeys, { force: true });
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(authorizedKeys, { force: true });
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}
