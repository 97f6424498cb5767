import { lastLine, type SshOutcome, sshFailure, type SshFailureKind } from "../../src/ssh";

/** The part of the probe's JSON the fleet judges (see `serverscore --format json`). */
export interface ProbeAnswer {
  score: number;
  limiting: string;
  window?: number;
  load_per_cpu?: number;
  components?: Record<string, number>;
}

type ProblemKind = SshFailureKind | "killed" | "not-started" | "probe-failed" | "not-json" | "no-address";

/** What one host gave: the probe's answer, or why there is none. */
export type HostAnswer = { answer: ProbeAnswer } | { problem: ProblemKind; text: string };

const KIND_TEXT: Record<SshFailureKind, string> = {
  refused: "connection refused",
  auth: "key refused",
  timeout: "timed out",
  "host-key": "host key verification failed",
  resolve: "host name not resolved",
  other: "ssh failed",
};

const MAX_QUOTE = 100;
const quote = (text: string) => (text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}...` : text);

/** Reads one ssh run: the probe's JSON, or the reason it is missing in words an operator can act on. */
export function readAnswer(outcome: SshOutcome, timeoutSeconds: number): HostAnswer {
  if (outcome.notStarted) {
    return { problem: "not-started", text: `timed out: not probed, the ${timeoutSeconds}s deadline came before its turn (raise -t or --concurrency)` };
  }
  if (outcome.killed) {
    return { problem: "killed", text: `timed out: no answer within the ${timeoutSeconds}s deadline (ssh killed after ${(outcome.ms / 1000).toFixed(1)}s)` };
  }
  const failure = sshFailure(outcome);
  if (failure) return { problem: failure.kind, text: `${KIND_TEXT[failure.kind]}: ${quote(failure.text)}` };
  if (outcome.exitCode !== 0) {
    const said = lastLine(outcome.stdout) || lastLine(outcome.stderr) || "no output";
    return { problem: "probe-failed", text: `remote command failed (exit ${outcome.exitCode ?? "?"}): ${quote(said)}` };
  }
  const answer = parseProbeJson(outcome.stdout);
  if (answer === undefined) {
    const first = outcome.stdout.trim().split("\n")[0] ?? "";
    return { problem: "not-json", text: `answer is not the probe's JSON: ${first === "" ? "(empty)" : `'${quote(first)}'`}` };
  }
  return { answer };
}

/** The probe's JSON object, or undefined when the text is anything else. */
function parseProbeJson(text: string): ProbeAnswer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.score !== "number" || !Number.isInteger(v.score) || v.score < 1 || v.score > 100) return undefined;
  if (typeof v.limiting !== "string") return undefined;
  const components: Record<string, number> = {};
  if (typeof v.components === "object" && v.components !== null) {
    for (const [k, n] of Object.entries(v.components)) if (typeof n === "number") components[k] = n;
  }
  return {
    score: v.score,
    limiting: v.limiting,
    window: typeof v.window === "number" ? v.window : undefined,
    load_per_cpu: typeof v.load_per_cpu === "number" ? v.load_per_cpu : undefined,
    components,
  };
}
