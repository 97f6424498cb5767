import { helpText, readCommandLine } from "./cli";
import type { Context } from "./context";
import type { AnyCheck } from "./definition";
import { CheckError, errorMessage } from "./errors";
import { hideUrlCredentials } from "./redact";
import { type Format, renderJson, renderNagios } from "./render";
import { type Report, simpleReport } from "./report";
import { State } from "./state";
import { VERSION } from "./version";

export interface RunResult {
  stdout: string;
  exitCode: number;
}

export interface RunOptions {
  env?: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
  /** Used instead of the definition's connect(): a fixture port for an in-process scenario table. */
  port?: unknown;
}

/** `--format json` is honoured even when the rest of the command line is wrong. */
function requestedFormat(argv: string[]): Format {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--format=json" || (argv[i] === "--format" && argv[i + 1] === "json")) return "json";
  }
  return "nagios";
}

function wants(argv: string[], ...flags: string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => flags.includes(a));
}

function render(def: AnyCheck, report: Report, format: Format, debug: string[] = []): RunResult {
  const stdout = def.print && report.state !== State.UNKNOWN
    ? def.print(report, format)
    : format === "json"
      ? renderJson(def.name, report, debug)
      : renderNagios(def.prefix, report, debug);
  return { stdout: hideUrlCredentials(stdout), exitCode: report.state };
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
    return render(def, errorReport(err), format);
  }

  const controller = new AbortController();
  const debugLines: string[] = [];
  let stage = "starting";
  let timeoutReport: ((seconds: number) => Report) | undefined;
  const started = Date.now();
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
    return render(def, report, format, debugLines);
  } catch (err) {
    // An abort surfaces as whatever error the I/O layer throws; the deadline is the real cause.
    const report = controller.signal.aborted ? onDeadline() : errorReport(err);
    if (verbosity >= 3 && err instanceof Error && err.stack) debugLines.push(...err.stack.split("\n"));
    return render(def, report, format, debugLines);
  } finally {
    clearTimeout(timer);
  }
}
