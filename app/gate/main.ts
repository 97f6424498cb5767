import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { exitOnCrash, writeStdout } from "../process";
import type { FindCheck } from "./config";
import { runGate } from "./gate";

/** The process side of `aws-checks gate`: real files, the terminal if there is one, then exit. */
export async function gateMain(argv: string[], find: FindCheck): Promise<never> {
  exitOnCrash("GATE");
  const tty = process.stdout.isTTY === true;
  const env = process.env;
  const { stdout, exitCode } = await runGate(argv, find, {
    env,
    readFile: (path) => readFileSync(path, "utf8"),
    writeFile: (path, text) => writeFileSync(path, text),
    touch: (path) => closeSync(openSync(path, "a")),
    hostname: hostname(),
    now: () => new Date(),
    terminal: tty
      ? {
          columns: process.stdout.columns || 100,
          color: env.NO_COLOR === undefined && env.TERM !== "dumb",
          write: writeStdout,
        }
      : undefined,
  });
  writeStdout(stdout);
  // Exit at once: a check that timed out may still hold a socket or a child, and must not keep us here.
  process.exit(exitCode);
}
