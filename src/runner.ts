import { helpText, readCommandLine } from "./cli";
import type { Context } from "./context";
import type { AnyCheck } from "./definition";
import { CheckError, errorMessage } from "./errors";
import { renderRunOpenMetrics } from "./openmetrics";
import { hideUrlCredentials } from "./redact";
import { type Format, renderJson, renderNagios } from "./render";
import { type Report, simpleReport } from "./report";
import { State } from "./state";
import { VERSION } from "./version";

interface RunResult {
  stdout: string;
  exitCode: number;
}

/** A run and the report it rendered (none for --help and --version). */
interface ReportedRun extends RunResult {
  report?: Report;
}

interface RunOptions {
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  /** Used instead of the definition's connect(): a fixture port for an in-process scenario table. */
  port?: unknown;
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
  if (format === "openmetrics") return { stdout: hideUrlCredentials(renderRunOpenMetrics(def.name, report, (Date.now() - started) / 1000)), exitCode, report };
  if (def.print && report.state !== State.UNKNOWN) return { stdout: hideUrlCredentials(def.print(report, format)), exitCode, report };
  const stdout = format === "json" ? renderJson(def.name, report, debug) : renderNagios(def.prefix, report, debug);
  return { stdout: hideUrlCredentials(stdout), exitCode, report };
}

function errorReport(err: unknown): Report {
  if (err instanceof CheckError) return simpleReport(err.state, err.message);
  return simpleReport(State.UNKNOWN, errorMessage(err));
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

  let options: Record<string, unknown>;
  let timeoutSeconds: number;
  let verbosity: number;
  try {
    const read = readCommandLine(def, argv);
    format = read.common.format;
    timeoutSeconds = read.common.timeout;
    verbosity = Math.min(read.common.verbose, 3);
    options = read.options;
  } catch (err) {
    return render(def, errorReport(err), format, started);
  }

  const controller = new AbortController();
  const debugLines: string[] = [];
  let stage = "starting";
  let timeoutReport: ((seconds: number) => Report) | undefined;
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
    onTimeout: (report) => {
      timeoutReport = report;
    },
    debug: (level, text) => {
      if (verbosity >= level) debugLines.push(text);
    },
    remainingMs: () => Math.max(0, deadline - Date.now()),
  };

  const onDeadline = () =>
    timeoutReport?.(timeoutSeconds) ?? simpleReport(State.UNKNOWN, `timed out after ${timeoutSeconds}s while ${stage}`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Report>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new CheckError(`timed out after ${timeoutSeconds}s while ${stage}`));
      resolve(onDeadline());
    }, timeoutSeconds * 1000);
  });
  const evaluate = async () => {
    const port = "port" in opts ? opts.port : await def.connect?.(options, ctx);
    return def.evaluate(options, port, ctx);
  };

  try {
    const report = await Promise.race([evaluate(), timedOut]);
    return render(def, report, format, started, debugLines);
  } catch (err) {
    // An abort surfaces as whatever error the I/O layer throws; the deadline is the real cause.
    const report = controller.signal.aborted ? onDeadline() : errorReport(err);
    if (verbosity >= 3 && err instanceof Error && err.stack) debugLines.push(...err.stack.split("\n"));
    return render(def, report, format, started, debugLines);
  } finally {
    clearTimeout(timer);
  }
}
