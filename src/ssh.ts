import { mapBounded } from "./concurrency";

// node:child_process and node:net are fetched where used, not imported: loading them costs a local
// check_serverscore (which shares this module's validators) about 3 ms of its ~12 ms start-up.
const builtin = <T extends "node:child_process" | "node:net" | "node:fs">(id: T) => process.getBuiltinModule(id);

/**
 * A bounded-concurrency OpenSSH runner. Every ssh is started with an argv array, never through a
 * local shell, and the destination comes after `--`, so no host name can become an ssh option.
 */

/** How to reach the hosts: the ssh settings every host of a run shares. */
export interface SshSettings {
  user?: string;
  port?: number;
  identityFile?: string;
  /** Extra `-o` options, `Key=value` each. */
  options: string[];
  /** --ssh-reuse: one OpenSSH master per host, its socket in controlDir, kept persistSeconds after the run. */
  reuse?: { controlDir: string; persistSeconds: number };
}

/** What one ssh run gave. */
export interface SshOutcome {
  host: string;
  /** ssh's exit code (255 for ssh's own failures, otherwise the remote command's); undefined if killed. */
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** Killed (SIGKILL) because the deadline came first. */
  killed: boolean;
  /** Never started: the deadline had passed before its turn. */
  notStarted: boolean;
  /** ssh itself could not be run (ENOENT: not installed). */
  spawnError?: string;
  ms: number;
}

export interface SshRunLimits {
  /** Epoch ms at which every ssh still running is killed and no new one starts. */
  killAt: number;
  /** The run's abort signal: kills every ssh at once. */
  signal: AbortSignal;
  concurrency: number;
  env?: Readonly<Record<string, string | undefined>>;
  /** Called as each host starts (verbose output, tests). */
  onStart?: (host: string, argv: string[]) => void;
}

const MAX_STDOUT = 64 * 1024;
const MAX_STDERR = 8 * 1024;
// ssh may exit while something it started (a ProxyCommand) still holds the pipes open.
const CLOSE_GRACE_MS = 200;

const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;

/**
 * True when `host` is a DNS name, an IPv4 or an IPv6 address: nothing that starts with `-`, and no
 * space, `@`, quote or shell character. A name refused here must never reach ssh.
 */
export function isSafeHost(host: string): boolean {
  // ssh puts the name into ProxyCommand's %h, which a shell runs: the character set is the first gate.
  if (host.length === 0 || host.length > 253 || !/^[A-Za-z0-9_.:%-]+$/.test(host) || host.startsWith("-")) return false;
  if (builtin("node:net").isIP(host) !== 0) return true;
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  return name.split(".").every((label) => label.length <= 63 && HOST_LABEL.test(label));
}

/** `Key=value` or `Key value`, as `ssh -o` takes; the key is letters and digits only. */
export function isSshOption(option: string): boolean {
  return /^[A-Za-z][A-Za-z0-9]*(=|\s+)\S/.test(option) && !/[\r\n\0]/.test(option);
}

/** ssh's `ConnectTimeout` in whole seconds, at least 1, from the time left until `killAt`. */
export function connectTimeoutSeconds(killAt: number, now = Date.now()): number {
  return Math.max(1, Math.floor((killAt - now) / 1000));
}

/**
 * The argv (without `ssh`) that runs `command` on `host`. BatchMode and ConnectTimeout come first:
 * ssh keeps the first value it sees for an option, so a user's `-o BatchMode=no` cannot undo them.
 */
export function sshArgv(settings: SshSettings, host: string, connectTimeout: number, command: string[]): string[] {
  if (!isSafeHost(host)) throw new Error(`refusing to pass '${host}' to ssh: not a host name or address`);
  const argv = ["-T", "-o", "BatchMode=yes", "-o", `ConnectTimeout=${connectTimeout}`];
  if (settings.reuse !== undefined) {
    // %C: a hash of the local host, remote host, port and user, short enough for a socket path.
    // ControlPersist=0 would mean forever, hence at least 1 s.
    const { controlDir, persistSeconds } = settings.reuse;
    argv.push("-o", "ControlMaster=auto", "-o", `ControlPath=${controlDir}/%C`, "-o", `ControlPersist=${Math.max(1, Math.ceil(persistSeconds))}`);
  }
  if (settings.user !== undefined) argv.push("-l", settings.user);
  if (settings.port !== undefined) argv.push("-p", String(settings.port));
  if (settings.identityFile !== undefined) argv.push("-i", settings.identityFile);
  for (const option of settings.options) argv.push("-o", option);
  argv.push("--", host, ...command);
  return argv;
}

/** Why ssh failed, from its exit code 255 and its stderr; undefined when ssh itself did not fail. */
export type SshFailureKind = "refused" | "auth" | "timeout" | "host-key" | "resolve" | "other";

const FAILURES: [SshFailureKind, RegExp][] = [
  ["host-key", /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .* host key is known/i],
  ["auth", /Permission denied|Too many authentication failures/i],
  ["refused", /Connection refused/i],
  ["timeout", /timed out/i],
  ["resolve", /Could not resolve hostname|Name or service not known|No address associated/i],
];

export function sshFailure(outcome: SshOutcome): { kind: SshFailureKind; text: string } | undefined {
  if (outcome.exitCode !== 255) return undefined;
  const kind = FAILURES.find(([, re]) => re.test(outcome.stderr))?.[0] ?? "other";
  return { kind, text: lastLine(outcome.stderr) || "ssh exited 255 without a message" };
}

/** The last non-empty line of some output, trimmed. */
export function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.length === 0 ? "" : lines[lines.length - 1];
}

/** Runs `ssh argv` once; SIGKILL at `killAt` or when `signal` aborts. Never rejects. */
function runSsh(host: string, argv: string[], limits: Pick<SshRunLimits, "killAt" | "signal" | "env">): Promise<SshOutcome> {
  const started = Date.now();
  const base = { host, stdout: "", stderr: "", killed: false, notStarted: false };
  if (limits.signal.aborted || started >= limits.killAt) return Promise.resolve({ ...base, notStarted: true, ms: 0 });

  return new Promise((resolve) => {
    // Same process group as the check: a monitoring core that kills the check's group kills ssh too.
    const child = builtin("node:child_process").spawn("ssh", argv, { env: limits.env as NodeJS.ProcessEnv | undefined, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let killed = false;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;

    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      if (stdout.length < MAX_STDOUT) stdout += d.slice(0, MAX_STDOUT - stdout.length);
    });
    child.stderr.on("data", (d: string) => {
      stderr = (stderr + d).slice(-MAX_STDERR);
    });

    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(kill, Math.max(0, limits.killAt - Date.now()));
    limits.signal.addEventListener("abort", kill, { once: true });

    const finish = (extra: Partial<SshOutcome>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      limits.signal.removeEventListener("abort", kill);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ ...base, stdout, stderr, killed, ms: Date.now() - started, ...extra });
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      finish({ spawnError: err.code === "ENOENT" ? "ssh is not installed (not found on PATH)" : err.message });
    });
    child.on("exit", (code) => {
      grace = setTimeout(() => finish({ exitCode: code ?? undefined }), CLOSE_GRACE_MS);
    });
    child.on("close", (code) => finish({ exitCode: code ?? undefined }));
  });
}

/** Where --ssh-reuse keeps control sockets when --ssh-control-dir is not given. */
export function defaultControlDir(env: Readonly<Record<string, string | undefined>>, uid: number): string {
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime.startsWith("/") ? `${runtime}/aws-checks-ssh` : `/tmp/aws-checks-ssh-${uid}`;
}

/**
 * Creates the control folder (mode 0700) or checks the one there: a directory, not a link, ours, and
 * closed to everyone else. Anyone who can reach a control socket can run commands through its master
 * as our user, so a folder others can open is refused, not repaired. Throws the reason in words.
 */
export function ensureControlDir(dir: string, uid: number): void {
  const fs = builtin("node:fs");
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`cannot create ${dir}: ${(err as Error).message}`);
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (st.uid !== uid) throw new Error(`${dir} belongs to uid ${st.uid}, not to this user (uid ${uid})`);
  if ((st.mode & 0o077) !== 0) throw new Error(`${dir} is open to others (mode ${(st.mode & 0o777).toString(8)}; want 700)`);
}

/**
 * Runs `command` on every host, at most `concurrency` ssh at once. Each ssh's ConnectTimeout is drawn
 * from the time left when it starts; whatever still runs at `killAt` is killed, and hosts whose turn
 * comes after it are not started.
 */
export function sshAll(hosts: readonly string[], settings: SshSettings, command: string[], limits: SshRunLimits): Promise<SshOutcome[]> {
  return mapBounded(hosts, limits.concurrency, (host) => {
    const argv = sshArgv(settings, host, connectTimeoutSeconds(limits.killAt), command);
    if (!limits.signal.aborted && Date.now() < limits.killAt) limits.onStart?.(host, argv);
    return runSsh(host, argv, limits);
  });
}
