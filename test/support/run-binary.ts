import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(__dirname, "..", "..");
export const BIN_DIR = join(ROOT, "dist", "bin");

export interface BinaryResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

export function binaryPath(command: string): string {
  const path = join(BIN_DIR, command);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`);
  return path;
}

/**
 * Runs a compiled command with a minimal environment (no AWS settings leak in from the developer's
 * shell) and stdin closed. `killAfterMs` guards the test itself, never the assertion.
 */
export function runBinary(
  command: string,
  args: string[],
  opts: { env?: Record<string, string>; killAfterMs?: number; inheritEnv?: boolean } = {},
): Promise<BinaryResult> {
  const env = opts.inheritEnv
    ? { ...process.env, ...opts.env }
    : { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_EC2_METADATA_DISABLED: "true", ...opts.env };
  return runFile(binaryPath(command), args, env, opts.killAfterMs);
}

/** Runs `file` (a path, or a name looked up on env.PATH) with exactly `env` and stdin closed. */
export function runFile(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs = 20_000,
): Promise<BinaryResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const guard = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("error", reject);
    child.on("close", (exitCode, signal) => {
      clearTimeout(guard);
      resolve({ stdout, stderr, exitCode, signal, ms: Date.now() - started });
    });
  });
}

/** The first line, split at the `|`. */
export function firstLine(stdout: string): string {
  return stdout.split("\n")[0].split("|")[0].trim();
}

/** Perfdata items as label -> raw item text. */
export function perfdata(stdout: string): Map<string, string> {
  const idx = stdout.indexOf("|");
  const map = new Map<string, string>();
  if (idx === -1) return map;
  for (const item of stdout.slice(idx + 1).trim().split(/\s+/)) {
    const eq = item.indexOf("=");
    map.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return map;
}
