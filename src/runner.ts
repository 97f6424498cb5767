import { writeSync } from "node:fs";
import { helpText, one, parseArgs, positiveNumber } from "./cli";
import type { Context } from "./context";
import type { AnyCheck } from "./definition";
import { CheckError, errorMessage } from "./errors";
import { renderRunOpenMetrics } from "./openmetrics";
import { type Format, renderJson, renderNagios } from "./render";
import { type Report, simpleReport } from "./report";
import { State } from "./state";
import { VERSION } from "./version";

export interface RunResult {
  stdout: string;
  exitCode: number;
}

/** A run and the report it rendered (none for --help and --version). */
export interface ReportedRun extends RunResult {
  report?: Report;
}

export interface RunOptions {
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}

const MACHINE_FORMATS: Format[] = ["json", "openmetrics"];

/** `--format json` / `openmetrics` is honoured even when the rest of the command line is wrong. */
function requestedFormat(argv: string[]): Format {
  let format: Format = "nagios";
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i].startsWith("--format=") ? argv[i].slice(9) : argv[i] === "--format" ? argv[i + 1] : undefined;
    if (MACHINE_FORMATS.includes(value as Format)) format = value as Format;
  }
  return format;
}

function wants(argv: string[], ...flags: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => flags.includes(a));
}

function render(def: AnyCheck, report: Report, format: Format, started: number, debug: string[] = []): ReportedRun {
  const exitCode = report.state;
  // Every command, the probe included, exposes the same series: state, duration, one gauge per metric.
  if (format === "openmetrics") return { stdout: renderRunOpenMetrics(def.name, report, (Date.now() - started) / 1000), exitCode, report };
  if (def.print && report.state !== State.UNKNOWN) return { stdout: def.print(report, format), exitCode, report };
  const stdout = format === "json" ? renderJson(def.name, report, debug) : renderNagios(def.prefix, report, debug);
  return { stdout, exitCode, report };
}

function errorReport(def: AnyCheck, err: unknown): Report {
  if (err instanceof CheckError) return simpleReport(err.state, err.message);
  return def.mapError?.(err) ?? simpleReport(State.UNKNOWN, errorMessage(err));
}

/**
 * Runs one command to completion and returns what to print. Pure: touches no process state, so tests
 * and the gate can call it in-process. The deadline aborts `ctx.signal` and wins over a promise that
 * never settles.
 */
export async function runCheck(def: AnyCheck, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { stdout, exitCode } = await runCheckWithReport(def, argv, opts);
  return { stdout, exitCode };
}

/** runCheck, also giving the report behind the output (the gate renders every check's again). */
export async function runCheckWithReport(def: AnyCheck, argv: string[], opts: RunOptions = {}): Promise<ReportedRun> {
  const started = Date.now();
  let format = requestedFormat(argv);
  if (wants(argv, "-h", "--help")) return { stdout: helpText(def), exitCode: State.UNKNOWN };
  if (wants(argv, "-V", "--version")) return { stdout: `${def.name} version ${VERSION}\n`, exitCode: State.UNKNOWN };

  let options: unknown;
  let timeoutSeconds: number;
  let verbosity: number;
  try {
    const args = parseArgs(def, argv);
    format = one(args.format) as Format;
    timeoutSeconds = positiveNumber(args.timeout, "--timeout", 10);
    verbosity = Math.min(Number(args.verbose ?? 0), 3);
    options = def.parse(args);
  } catch (err) {
    return render(def, errorReport(def, err), format, started);
  }

  const controller = new AbortController();
  const debugLines: string[] = [];
  let stage = "starting";
  const deadline = started + timeoutSeconds * 1000;
  const ctx: Context = {
    signal: controller.signal,
    deadline,
    timeoutSeconds,
    env: opts.env ?? {},
    verbosity,
    now: opts.now ?? (() => new Date()),
    stage: (name) => {
      stage = name;
      if (verbosity >= 2) debugLines.push(`stage: ${name} (+${Date.now() - started} ms)`);
    },
    debug: (level, text) => {
      if (verbosity >= level) debugLines.push(text);
    },
    remainingMs: () => Math.max(0, deadline - Date.now()),
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Report>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new CheckError(`timed out after ${timeoutSeconds}s while ${stage}`));
      resolve(
        def.onTimeout?.(stage, timeoutSeconds) ??
          simpleReport(State.UNKNOWN, `timed out after ${timeoutSeconds}s while ${stage}`),
      );
    }, timeoutSeconds * 1000);
  });

  try {
    const report = await Promise.race([def.run(options, ctx), timedOut]);
    return render(def, report, format, started, debugLines);
  } catch (err) {
    // An abort surfaces as whatever error the I/O layer throws; the deadline is the real cause.
    const report = controller.signal.aborted
      ? (def.onTimeout?.(stage, timeoutSeconds) ?? simpleReport(State.UNKNOWN, `timed out after ${timeoutSeconds}s while ${stage}`))
      : errorReport(def, err);
    if (verbosity >= 3 && err instanceof Error && err.stack) debugLines.push(...err.stack.split("\n"));
    return render(def, report, format, started, debugLines);
  } finally {
    clearTimeout(timer);
  }
}

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
