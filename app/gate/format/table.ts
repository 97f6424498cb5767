import { wrap } from "../../../src/help";
import { State, stateName } from "../../../src/state";
import { displayOrder, type GateOutcome, headline, passNote, seconds } from "../outcome";
import { summaryOf } from "../result";
import { GATE_PREFIX } from "./plain";

interface TableStyle {
  /** Terminal width; the summary column is cut to fit. */
  columns: number;
  color: boolean;
}

const COLORS: Record<State, string> = {
  [State.OK]: "32",
  [State.WARNING]: "33",
  [State.CRITICAL]: "31",
  [State.UNKNOWN]: "35",
};
const MAX_NAME = 32;

/** The terminal view: one row per check, failures first, then the gate's verdict. */
export function renderTable(outcome: GateOutcome, style: TableStyle): string {
  const paint = (state: State, text: string) => (style.color ? `\x1b[${COLORS[state]}m${text}\x1b[0m` : text);
  const rows = displayOrder(outcome.results).map((r) => {
    const note = passNote(r, outcome.policy);
    return {
      result: r.failed ? "FAIL" : "pass",
      state: r.state,
      name: cut(r.entry.name, MAX_NAME),
      time: seconds(r.durationMs),
      summary: note === undefined ? summaryOf(r.output) : `(${note}) ${summaryOf(r.output)}`,
    };
  });
  const nameWidth = Math.max(5, ...rows.map((r) => r.name.length));
  const timeWidth = Math.max(4, ...rows.map((r) => r.time.length));
  const lead = 6 + 10 + nameWidth + 2 + timeWidth + 2;
  const summaryWidth = Math.max(20, style.columns - lead - 1);
  const line = (result: string, state: string, name: string, time: string, summary: string) =>
    `${result.padEnd(6)}${state.padEnd(10)}${name.padEnd(nameWidth)}  ${time.padStart(timeWidth)}  ${summary}`.trimEnd();

  const out = [line("", "STATE", "CHECK", "TIME", "SUMMARY")];
  for (const r of rows) {
    const state = stateName(r.state);
    // Padding first, colour after: escape codes would throw the column widths off.
    const text = line(r.result, state, r.name, r.time, cut(r.summary, summaryWidth));
    out.push(text.replace(`${r.result.padEnd(6)}${state}`, `${r.result.padEnd(6)}${paint(r.state, state)}`));
  }
  const verdict = `${GATE_PREFIX} ${stateName(outcome.state)}: ${headline(outcome)} in ${seconds(outcome.durationMs)}`;
  out.push("", ...wrap(verdict, Math.max(20, style.columns - 1)).map((l) => paint(outcome.state, l)));
  return `${out.join("\n")}\n`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 3))}...`;
}
