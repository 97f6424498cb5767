import { errorMessage } from "../../src/errors";
import type { Report } from "../../src/report";
import { hideUrlCredentials } from "../../src/redact";
import { runCheckWithReport } from "../../src/runner";
import { State } from "../../src/state";
import { VERSION } from "../../src/version";
import { type FindCheck, type GateEntry, GateFileError, type GatePlan, loadPlan } from "./config";
import { renderJson, renderJsonError } from "./format/json";
import { renderJunit } from "./format/junit";
import { renderGateOpenMetrics, renderGateOpenMetricsError } from "./format/openmetrics";
import { GATE_PREFIX, renderPlain, renderProblem } from "./format/plain";
import { Progress } from "./format/progress";
import { renderTable } from "./format/table";
import { type GateFormat, gateHelp, type GateOptions, parseGateArgs, machineFormat } from "./options";
import { type GateOutcome, outcomeOf } from "./outcome";
import { fails, type Policy } from "./policy";
import { type CheckResult, stateOf } from "./result";
import { mapBounded } from "../../src/concurrency";

/** Everything the gate touches outside itself, so tests can drive it in-process. */
export interface GateIo {
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
  writeFile(path: string, text: string): void;
  /** Creates the file if missing, leaves its content: proves it can be written. */
  touch(path: string): void;
  hostname: string;
  now(): Date;
  /** Present when stdout is a terminal: where the progress line goes and how wide the table may be. */
  terminal?: { columns: number; color: boolean; write(text: string): void };
}

interface GateResult {
  stdout: string;
  exitCode: number;
}

/** `aws-checks gate FILE [options]`: validate every entry, run them all, print, write JUnit, one exit code. */
export async function runGate(argv: string[], find: FindCheck, io: GateIo): Promise<GateResult> {
  const result = await gate(argv, find, io);
  // The dry run and the JSON echo each check's command line, which may hold a proxy URL with a password.
  return { ...result, stdout: hideUrlCredentials(result.stdout) };
}

async function gate(argv: string[], find: FindCheck, io: GateIo): Promise<GateResult> {
  const machine = machineFormat(argv);
  let options: GateOptions;
  try {
    options = parseGateArgs(argv);
  } catch (err) {
    return problem(machine, undefined, errorMessage(err));
  }
  if (options.help) return { stdout: gateHelp(), exitCode: State.UNKNOWN };
  if (options.version) return { stdout: `aws-checks gate version ${VERSION}\n`, exitCode: State.UNKNOWN };
  const file = options.file;
  if (file === undefined) return problem(machine, undefined, "no FILE: aws-checks gate FILE (see aws-checks gate --help)");

  let plan: GatePlan;
  try {
    plan = await loadPlan(file, read(io, file), find);
  } catch (err) {
    if (err instanceof GateFileError) return problem(machine, file, err.message);
    throw err;
  }
  const policy: Policy = { failOn: options.failOn ?? plan.failOn ?? State.WARNING };
  const concurrency = options.concurrency ?? plan.concurrency;
  if (options.dryRun) return { stdout: dryRun(plan, policy, concurrency), exitCode: State.OK };

  // A report path that cannot be written fails now, before anything runs, not after the whole gate.
  if (options.junit !== undefined) {
    try {
      io.touch(options.junit);
    } catch (err) {
      return problem(machine, file, `--junit: cannot write ${options.junit}: ${errorMessage(err)}`);
    }
  }

  const startedAt = io.now();
  const t0 = performance.now();
  const progress = io.terminal && (options.format === "auto" || options.format === "table" || options.format === "plain") ? new Progress(plan.entries.length, io.terminal.write, io.terminal.columns) : undefined;
  const results = await mapBounded(plan.entries, concurrency, async (entry) => {
    progress?.start(entry);
    const result = await runEntry(entry, policy, io.env);
    progress?.finish(entry);
    return result;
  });
  progress?.stop();
  const outcome = outcomeOf(file, plan, policy, results, startedAt, performance.now() - t0);

  if (options.junit !== undefined) {
    try {
      io.writeFile(options.junit, renderJunit(outcome, { hostname: io.hostname }));
    } catch (err) {
      return problem(machine, file, `--junit: cannot write ${options.junit}: ${errorMessage(err)}`);
    }
  }
  return { stdout: render(outcome, resolveFormat(options.format, io), io), exitCode: outcome.state };
}

/**
 * One check, in this process. Its deadline (`-t`, from the entry's timeout) is runCheck's own: the
 * deadline wins the race against a run that never settles, so a hung check frees its slot on time.
 */
async function runEntry(entry: GateEntry, policy: Policy, env: GateIo["env"]): Promise<CheckResult> {
  const started = performance.now();
  let stdout: string;
  let exitCode: number;
  let report: Report | undefined;
  try {
    ({ stdout, exitCode, report } = await runCheckWithReport(entry.def, entry.argv, { env }));
  } catch (err) {
    // runCheck turns a check's errors into reports; this is the library failing, still one result.
    stdout = `${entry.def.prefix} UNKNOWN: internal error: ${errorMessage(err).split("\n")[0]}\n`;
    exitCode = State.UNKNOWN;
  }
  const state = stateOf(exitCode);
  return { entry, state, output: stdout, report, durationMs: performance.now() - started, failed: fails(state, entry.allowed, policy) };
}

function read(io: GateIo, file: string): string {
  try {
    return io.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : errorMessage(err);
    throw new GateFileError(`cannot read ${file}: ${why}`);
  }
}

function resolveFormat(format: GateFormat, io: GateIo): Exclude<GateFormat, "auto"> {
  return format === "auto" ? (io.terminal ? "table" : "plain") : format;
}

function render(outcome: GateOutcome, format: Exclude<GateFormat, "auto">, io: GateIo): string {
  switch (format) {
    case "json":
      return renderJson(outcome);
    case "openmetrics":
      return renderGateOpenMetrics(outcome);
    case "table":
      return renderTable(outcome, { columns: io.terminal?.columns ?? 100, color: io.terminal?.color ?? false });
    default:
      return renderPlain(outcome);
  }
}

function problem(machine: "json" | "openmetrics" | undefined, file: string | undefined, message: string): GateResult {
  const stdout =
    machine === "json" ? renderJsonError(file, message) : machine === "openmetrics" ? renderGateOpenMetricsError(message) : renderProblem(message);
  return { stdout, exitCode: State.UNKNOWN };
}

function dryRun(plan: GatePlan, policy: Policy, concurrency: number): string {
  const lines = plan.entries.map((e) => {
    const allow = e.allowed.length === 0 ? "" : ` (allow: ${e.allowed.map((s) => State[s].toLowerCase()).join(", ")})`;
    return `${e.name}: ${[e.command, ...e.argv].map(quote).join(" ")}${allow}`;
  });
  const head = `${GATE_PREFIX} OK: ${plan.entries.length} check(s) valid; concurrency ${concurrency}, --fail-on ${State[policy.failOn].toLowerCase()}`;
  return `${[head, ...lines].join("\n")}\n`;
}

/** Shell-style quoting so a dry-run line can be pasted to run one check by hand. */
function quote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
