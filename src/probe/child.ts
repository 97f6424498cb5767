import { spawn } from "node:child_process";

/** A program to start: `argv0` is what the child sees as its own name (a multi-call binary picks its command by it). */
export interface ProbeCommand {
  file: string;
  args: string[];
  argv0?: string;
}

type ProbeOutcome =
  /** The child exited (any code); `stdout` is what it printed, at most `maxBytes`. */
  | { kind: "exited"; exitCode: number | null; signal: NodeJS.Signals | null; stdout: string; ms: number }
  /** No exit within the timeout: the child's process group was sent SIGKILL and left behind unwatched. */
  | { kind: "timeout"; ms: number }
  /** The run's deadline passed first; the child was killed the same way. */
  | { kind: "aborted"; ms: number }
  /** It could not be started at all (ENOENT, EACCES…). */
  | { kind: "spawn-failed"; message: string; ms: number };

interface ProbeLimits {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Output beyond this is dropped: a probe answers in a few hundred bytes. */
  maxBytes?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a probe that may block forever in the kernel (a statfs on a hung NFS or FUSE mount) without
 * letting it block us. The child gets its own process group so SIGKILL reaches anything it started;
 * on timeout we never wait for its exit (a task in D state may take minutes to die), we unref it and
 * destroy its pipes so neither the event loop nor process.exit waits for it.
 */
export function runProbe(command: ProbeCommand, limits: ProbeLimits): Promise<ProbeOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const maxBytes = limits.maxBytes ?? 64 * 1024;

  return new Promise((resolve) => {
    if (limits.signal?.aborted) {
      resolve({ kind: "aborted", ms: 0 });
      return;
    }
    const child = spawn(command.file, command.args, {
      argv0: command.argv0,
      cwd: limits.cwd ?? "/",
      env: limits.env,
      detached: true,
      // stderr is dropped: nothing a probe says may reach the check's own stderr.
      stdio: ["ignore", "pipe", "ignore"],
    });
    let stdout = "";
    let settled = false;

    const finish = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const abandon = (kind: "timeout" | "aborted") => {
      if (settled) return;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone: nothing left to kill.
        }
      }
      child.unref();
      child.stdout?.destroy();
      finish({ kind, ms: elapsed() });
    };
    const onAbort = () => abandon("aborted");
    const timer = setTimeout(() => abandon("timeout"), limits.timeoutMs);
    limits.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      if (stdout.length < maxBytes) stdout += chunk.slice(0, maxBytes - stdout.length);
    });
    child.stdout?.on("error", () => {});
    child.on("error", (err) => finish({ kind: "spawn-failed", message: err.message, ms: elapsed() }));
    child.on("close", (exitCode, signal) => finish({ kind: "exited", exitCode, signal, stdout, ms: elapsed() }));
  });
}
