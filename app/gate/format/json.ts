import { stateName } from "../../../src/state";
import { type GateOutcome, headline } from "../outcome";
import { failOnName } from "../policy";
import { summaryOf } from "../result";

/** `--format json`: one object, every check in file order with its whole output. */
export function renderJson(outcome: GateOutcome): string {
  const { results } = outcome;
  const out = {
    command: "gate",
    file: outcome.file,
    suite: outcome.plan.suite,
    state: stateName(outcome.state),
    exitCode: outcome.state as number,
    summary: headline(outcome),
    failOn: failOnName(outcome.policy),
    durationMs: Math.round(outcome.durationMs),
    checks: results.map((r) => ({
      name: r.entry.name,
      command: r.entry.command,
      argv: r.entry.argv,
      state: stateName(r.state),
      exitCode: r.state as number,
      failed: r.failed,
      allow: r.entry.allowed.map(stateName),
      timeout: r.entry.timeoutSeconds,
      durationMs: Math.round(r.durationMs),
      summary: summaryOf(r.output),
      output: r.output,
    })),
  };
  return `${JSON.stringify(out)}\n`;
}

/** A gate that could not start (bad file or options), in the same shape. */
export function renderJsonError(file: string | undefined, summary: string): string {
  return `${JSON.stringify({ command: "gate", file: file ?? null, state: "UNKNOWN", exitCode: 3, summary, checks: [] })}\n`;
}
