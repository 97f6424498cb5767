import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, readFileSync, readlinkSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./sshd";

/**
 * A real NRPE 4 daemon (Debian nagios-nrpe-server) on 127.0.0.1, dropping to the unprivileged `nagios`
 * user as it does in production, read with the real check_nrpe. Needs root to start (as the service does).
 */
export const NRPE = "/usr/sbin/nrpe";
export const CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe";

export interface RunningNrpe {
  port: number;
  /** The daemon's pid (it is the nrpe process itself: nsenter and setsid exec). */
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

function nagiosIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync("id", ["-u", "nagios"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "nagios"], { encoding: "utf8" }).stdout.trim());
  if (!Number.isInteger(uid) || uid === 0) throw new Error("no nagios user: install nagios-nrpe-server");
  return { uid, gid };
}

/** The listening TCP ports of a process, from its socket fds and /proc/net/tcp. */
function listeningPorts(pid: number): number[] {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((x): x is string => x !== undefined),
    );
  } catch {
    return [];
  }
  return readFileSync(`/proc/${pid}/net/tcp`, "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 9 && f[3] === "0A" && inodes.has(f[9]))
    .map((f) => parseInt(f[1].split(":")[1], 16));
}

/** Ends the process group (the daemon and any command it runs), waiting until it is empty. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals | 0) => {
    try {
      process.kill(-pid, sig);
      return true;
    } catch {
      return false;
    }
  };
  signal("SIGTERM");
  const until = Date.now() + 5000;
  while (signal(0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  signal("SIGKILL");
}

/**
 * Starts nrpe in the foreground under setsid with its own config in `dir` (which nagios gets to own),
 * including `includes`. `wrap` turns the nrpe argv into what to spawn (e.g. nsenter into a mount
 * namespace). The port is a free one picked by the kernel; a lost race for it is retried.
 */
export async function startNrpe(opts: { dir: string; includes: string[]; env?: Record<string, string>; wrap?: (argv: string[]) => string[] }): Promise<RunningNrpe> {
  const { uid, gid } = nagiosIds();
  chownSync(opts.dir, uid, gid);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const cfg = join(opts.dir, "nrpe.cfg");
    const logFile = join(opts.dir, "nrpe.log");
    writeFileSync(
      cfg,
      [
        `log_file=${logFile}`,
        `pid_file=${join(opts.dir, "nrpe.pid")}`,
        "server_address=127.0.0.1",
        `server_port=${port}`,
        "nrpe_user=nagios",
        "nrpe_group=nagios",
        "allowed_hosts=127.0.0.1",
        "dont_blame_nrpe=0",
        "allow_bash_command_substitution=0",
        "command_timeout=60",
        "connection_timeout=300",
        // nrpe clears the environment of its checks except for these.
        ...(opts.env ? [`keep_env_vars=${Object.keys(opts.env).join(",")}`] : []),
        ...opts.includes.map((f) => `include=${f}`),
        "",
      ].join("\n"),
    );
    const argv = [NRPE, "-c", cfg, "-f"];
    const [cmd, ...args] = opts.wrap ? opts.wrap(argv) : argv;
    // setsid: its own process group, so stop() reaches the daemon and every check it forked.
    const child = spawn("setsid", [cmd, ...args], { stdio: "ignore", env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...opts.env } });
    const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
    const until = Date.now() + 20_000;
    for (;;) {
      if (child.pid !== undefined && listeningPorts(child.pid).includes(port)) {
        return { port, pid: child.pid, log, stop: () => stopGroup(child) };
      }
      const exited = child.exitCode !== null || child.signalCode !== null;
      if (exited || Date.now() > until) {
        await stopGroup(child);
        if (attempt < 5 && /bind|in use/i.test(log())) break; // another process took the port: next one
        throw new Error(`nrpe did not listen on 127.0.0.1:${port}:\n${log()}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * check_nrpe against the daemon: what the Nagios host runs. Asynchronous, so servers of the test process
 * (the fake IMDS) keep answering the checks nrpe runs meanwhile.
 */
export function checkNrpe(port: number, command: string): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  return new Promise((resolve, reject) => {
    execFile(CHECK_NRPE, ["-H", "127.0.0.1", "-p", String(port), "-t", "60", "-c", command], { encoding: "utf8", timeout: 90_000 }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      if (err && typeof code !== "number") reject(err);
      else resolve({ stdout, stderr, exitCode: typeof code === "number" ? code : 0 });
    });
  });
}
