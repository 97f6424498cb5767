import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countByState, makeReport } from "../../src/report";
import { bySeverityDesc, parseState, State, stateName, worst } from "../../src/state";

const ALL = [State.OK, State.WARNING, State.CRITICAL, State.UNKNOWN];

describe("State", () => {
  it("exit codes are 0, 1, 2, 3", () => {
    expect([State.OK, State.WARNING, State.CRITICAL, State.UNKNOWN]).toEqual([0, 1, 2, 3]);
    expect(ALL.map(stateName)).toEqual(["OK", "WARNING", "CRITICAL", "UNKNOWN"]);
  });

  it.each([
    [[], State.OK],
    [[State.OK, State.OK], State.OK],
    [[State.OK, State.UNKNOWN], State.UNKNOWN],
    [[State.UNKNOWN, State.WARNING], State.WARNING],
    [[State.WARNING, State.UNKNOWN], State.WARNING],
    [[State.CRITICAL, State.UNKNOWN], State.CRITICAL],
    [[State.UNKNOWN, State.CRITICAL, State.WARNING, State.OK], State.CRITICAL],
  ])("worst(%j) is %s (OK < UNKNOWN < WARNING < CRITICAL)", (states, expected) => {
    expect(worst(...states)).toBe(expected);
  });

  it("worst is order-independent and always one of its inputs (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALL), { minLength: 1 }), (states) => {
        const w = worst(...states);
        expect(states).toContain(w);
        expect(worst(...[...states].reverse())).toBe(w);
        for (const s of states) expect(bySeverityDesc(w, s)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("sorts worst first", () => {
    expect([State.OK, State.CRITICAL, State.UNKNOWN, State.WARNING].sort(bySeverityDesc)).toEqual([
      State.CRITICAL,
      State.WARNING,
      State.UNKNOWN,
      State.OK,
    ]);
  });

  it("parses state names in any case", () => {
    expect(["ok", "WARNING", "Critical", "unknown"].map(parseState)).toEqual(ALL);
    expect(parseState("warn")).toBeUndefined();
    expect(parseState("2")).toBeUndefined();
  });
});

describe("makeReport", () => {
  it("one failed lookup never hides a real CRITICAL, and findings are sorted worst first", () => {
    const report = makeReport({
      summary: "s",
      findings: [
        { state: State.UNKNOWN, text: "eu-west-1: access denied" },
        { state: State.OK, text: "a" },
        { state: State.CRITICAL, text: "b" },
        { state: State.WARNING, text: "c" },
      ],
    });
    expect(report.state).toBe(State.CRITICAL);
    expect(report.findings.map((f) => f.text)).toEqual(["b", "c", "eu-west-1: access denied", "a"]);
  });

  it("keeps the given order among equal states and lets the check set the state", () => {
    const report = makeReport({ summary: "s", state: State.UNKNOWN, findings: [{ state: State.OK, text: "1" }, { state: State.OK, text: "2" }] });
    expect(report.state).toBe(State.UNKNOWN);
    expect(report.findings.map((f) => f.text)).toEqual(["1", "2"]);
    expect(makeReport({ summary: "nothing" }).state).toBe(State.OK);
  });

  it("counts findings by state, worst first, without OK", () => {
    const findings = [State.OK, State.UNKNOWN, State.CRITICAL, State.CRITICAL, State.WARNING].map((state) => ({ state, text: "" }));
    expect(countByState(findings)).toBe("2 CRITICAL, 1 WARNING, 1 UNKNOWN");
    expect(countByState([{ state: State.OK, text: "" }])).toBe("");
  });
});
