import { stateName } from "../../../src/state";
import type { GateOutcome } from "../outcome";
import { failOnName } from "../policy";
import { renderPlain } from "./plain";

interface JunitHost {
  hostname: string;
}

/**
 * JUnit XML in the shape Jenkins, GitLab, GitHub test reporters and Ant's schema read: one testsuite,
 * one testcase per check (classname = command), a `<failure>` for each check that fails under the
 * policy (type = its state), its output both in the failure text and in the testcase's `<system-out>`.
 * UNKNOWN is a failure too, not an error: under the gate's policy it is a verdict, not a crash.
 */
export function renderJunit(outcome: GateOutcome, host: JunitHost): string {
  const { results, plan } = outcome;
  const failures = results.filter((r) => r.failed).length;
  const time = secs(outcome.durationMs);
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name=${attr(`aws-checks gate ${plan.suite}`)} tests="${results.length}" failures="${failures}" errors="0" time="${time}">`,
    `  <testsuite name=${attr(plan.suite)} package="aws-checks.gate" id="0" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${time}" timestamp="${timestamp(outcome.startedAt)}" hostname=${attr(host.hostname || "localhost")}>`,
    `    <properties>`,
    `      <property name="file" value=${attr(outcome.file)}/>`,
    `      <property name="fail-on" value=${attr(failOnName(outcome.policy))}/>`,
    `    </properties>`,
  ];
  for (const r of results) {
    out.push(`    <testcase name=${attr(r.entry.name)} classname=${attr(r.entry.command)} time="${secs(r.durationMs)}">`);
    if (r.failed) {
      const first = r.output.split("\n")[0].split("|")[0].trim();
      out.push(`      <failure message=${attr(first)} type="${stateName(r.state)}">${text(r.output)}</failure>`);
    }
    out.push(`      <system-out>${text(r.output)}</system-out>`);
    out.push(`    </testcase>`);
  }
  // The gate's own verdict, for readers that show only the suite's output (Ant's schema has no other).
  out.push(`    <system-out>${text(renderPlain(outcome))}</system-out>`, `    <system-err></system-err>`, `  </testsuite>`, `</testsuites>`, "");
  return out.join("\n");
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Ant's schema wants a local-looking time without zone; it is UTC, as everything the suite prints. */
function timestamp(date: Date): string {
  return date.toISOString().slice(0, 19);
}

// XML 1.0 allows neither most C0 controls nor lone surrogates, escaped or not: drop them.
const INVALID = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function text(value: string): string {
  return value.replace(INVALID, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function attr(value: string): string {
  // Newlines and tabs in an attribute are normalised to spaces by parsers unless written as references.
  const escaped = text(value).replace(/"/g, "&quot;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
  return `"${escaped}"`;
}
