import { writeSync } from "node:fs";
import type { AnyCheck } from "../src/definition";
import { errorMessage } from "../src/errors";
import { runCheck } from "../src/runner";
import { State } from "../src/state";

/** The process side of a run: the only code that writes to stdout, silences stderr and exits. */

/** Writes all of `text` to stdout synchronously, so nothing is lost when the process exits right after. */
export function writeStdout(text: string): void {
  const buf = Buffer.from(text);
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += writeSync(1, buf, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") return;
    }
  }
}

/**
 * Keeps stderr empty: cores merge it into the plugin output (Icinga 2, Sensu) or show it instead
 * (Nagios). Runtime and SDK warnings (e.g. the AWS SDK's Node-version warning) are dropped.
 */
export function silenceStderr(): void {
  process.removeAllListeners("warning");
  process.emitWarning = () => {};
  const drop = () => {};
  /* eslint-disable no-console -- replacing the console is the point here */
  console.warn = drop;
  console.error = drop;
  console.debug = drop;
  console.trace = drop;
  /* eslint-enable no-console */
}

let crashPrefix: string | undefined;

/**
 * Ends the process with an UNKNOWN line from any uncaught error: a crash must never read as WARNING.
 * Called again (the multi-call entry, then the command), it only changes the prefix: a second pair of
 * handlers would never run, as the first one exits.
 */
export function exitOnCrash(prefix: string): void {
  const installed = crashPrefix !== undefined;
  crashPrefix = prefix;
  if (installed) return;
  const crash = (err: unknown) => {
    writeStdout(`${crashPrefix} UNKNOWN: internal error: ${errorMessage(err).split("\n")[0]}\n`);
    process.exit(State.UNKNOWN);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
}

/** The only code that touches the process: run, print, exit. */
export async function main(def: AnyCheck, argv: string[]): Promise<never> {
  exitOnCrash(def.prefix);
  const { stdout, exitCode } = await runCheck(def, argv, { env: process.env });
  writeStdout(stdout);
  // Exit at once: a hung socket or child must not keep a finished check alive.
  process.exit(exitCode);
}
