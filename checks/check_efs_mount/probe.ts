import { runProbe } from "../../src/probe/child";
import { SELF_ENV, selfCommand } from "../../src/probe/self";
import { type FsError, PROBE_COMMAND, type ProbeAnswer } from "./probe-command";

/** What touching a mount showed. `seconds` is the file system's answer time, or how long we waited. */
export type MountProbe =
  | { kind: "answered"; seconds: number; statfs: NonNullable<ProbeAnswer["statfs"]>; write?: ProbeAnswer["write"] }
  | { kind: "failed"; seconds: number; error: FsError }
  | { kind: "hung"; seconds: number }
  /** The run's deadline passed while it was still waiting. */
  | { kind: "aborted"; seconds: number }
  /** The probe program itself misbehaved: nothing is known about the mount. */
  | { kind: "broken"; reason: string };

export interface ProbeSettings {
  timeoutSeconds: number;
  writeTest: boolean;
  signal: AbortSignal;
  env: Readonly<Record<string, string | undefined>>;
  /** `-vv`: the probe's command line; `-vvv`: its raw answer. */
  debug?: (level: 2 | 3, text: string) => void;
}

/**
 * What the executable may need to start at all: LD_LIBRARY_PATH (a Sensu asset's lib/, a musl libstdc++
 * beside the binary) and QEMU_LD_PREFIX (an arm64 build under qemu-user finds its loader and libc there).
 */
const STARTUP_VARIABLES = ["LD_LIBRARY_PATH", "QEMU_LD_PREFIX"] as const;

/**
 * The probe's environment: a fixed PATH and locale, and of the check's own environment only what the
 * executable needs to start (credentials and the rest have no business in a child that stats a mount).
 */
export function probeEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const probeEnv: Record<string, string> = { PATH: "/usr/bin:/bin", LC_ALL: "C" };
  for (const name of STARTUP_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== "") probeEnv[name] = value;
  }
  return probeEnv;
}

/**
 * Touches `path` from a child process (this same program run as `__mount-probe`): statfs or readdir on
 * a hung mount blocks the calling thread in the kernel, and in-process it would also stall every later
 * file operation and even process.exit.
 */
export async function probeMount(path: string, settings: ProbeSettings): Promise<MountProbe> {
  const command = selfCommand(PROBE_COMMAND, ["--path", path, ...(settings.writeTest ? ["--write-test"] : [])], settings.env);
  if (command === undefined) return { kind: "broken", reason: `cannot find this program to run the probe; set ${SELF_ENV}` };

  settings.debug?.(2, `probe ${path}: ${[command.file, ...command.args].join(" ")}`);
  const outcome = await runProbe(command, {
    timeoutMs: settings.timeoutSeconds * 1000,
    signal: settings.signal,
    env: probeEnvironment(settings.env),
  });
  switch (outcome.kind) {
    case "timeout":
      return { kind: "hung", seconds: outcome.ms / 1000 };
    case "aborted":
      return { kind: "aborted", seconds: outcome.ms / 1000 };
    case "spawn-failed":
      return { kind: "broken", reason: `cannot start the probe: ${outcome.message}` };
    case "exited":
      settings.debug?.(3, `probe ${path} answered in ${outcome.ms} ms: ${outcome.stdout.trim()}`);
      return parseAnswer(outcome.stdout, outcome.exitCode, outcome.signal);
  }
}

function parseAnswer(stdout: string, exitCode: number | null, signal: NodeJS.Signals | null): MountProbe {
  let answer: ProbeAnswer;
  try {
    answer = JSON.parse(stdout) as ProbeAnswer;
  } catch {
    const said = stdout.split("\n")[0].slice(0, 200);
    const how = signal === null ? `exit ${exitCode}` : `signal ${signal}`;
    return { kind: "broken", reason: `the probe failed (${how})${said === "" ? "" : `: ${said}`}` };
  }
  const seconds = answer.ms / 1000;
  if (answer.error) return { kind: "failed", seconds, error: answer.error };
  if (!answer.statfs) return { kind: "broken", reason: "the probe answered without statfs data" };
  return { kind: "answered", seconds, statfs: answer.statfs, write: answer.write };
}
