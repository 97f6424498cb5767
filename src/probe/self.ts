import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ProbeCommand } from "./child";

/** The multi-call binary's own name: started under it, the first argument picks the command. */
const MULTICALL_NAME = "aws-checks";
/** Names a binary (or a Node entry of the npm package) to re-execute, where this process cannot find itself. */
export const SELF_ENV = "AWS_CHECKS_BIN";

/**
 * How to run another command of this same program, e.g. a hidden probe command, in a child process.
 * - compiled Bun binary: `process.execPath` is the binary itself (scripts live under `/$bunfs/`);
 * - Node bundle (npm `bin` shims in `dist/node/`): `node dist/node/aws-checks.cjs COMMAND`;
 * - anything else (tests running the sources): the program named by `AWS_CHECKS_BIN`.
 * Returns undefined when none applies.
 */
export function selfCommand(
  command: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProbeCommand | undefined {
  const script = process.argv[1] ?? "";
  if (script.startsWith("/$bunfs/")) return { file: process.execPath, args: [command, ...args], argv0: MULTICALL_NAME };

  // The Node bundle (dist/node/aws-checks-bundle.cjs) sits beside the shim; __dirname is its real
  // folder even when npm started us through a node_modules/.bin symlink.
  const here = typeof __dirname === "string" ? __dirname : dirname(script);
  const shim = join(here, `${MULTICALL_NAME}.cjs`);
  if (existsSync(shim)) return { file: process.execPath, args: [shim, command, ...args] };

  const bin = env[SELF_ENV];
  if (bin !== undefined && bin !== "") {
    return bin.endsWith(".cjs") || bin.endsWith(".js")
      ? { file: process.execPath, args: [bin, command, ...args] }
      : { file: bin, args: [command, ...args], argv0: MULTICALL_NAME };
  }
  return undefined;
}
