import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors";
import { Range } from "../../src/range";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";
import { gaugeCheck } from "../fixtures/gauge";

// conventions.md §6: "A" = alerts, "." = does not, for x = -1, 0, 5, 10, 15, 20, 25.
const XS = [-1, 0, 5, 10, 15, 20, 25];
const TABLE: [string, string][] = [
  ["10", "A...AAA"],
  ["10:", "AAA...."],
  ["~:10", "....AAA"],
  ["10:20", "AAA...A"],
  ["@10:20", "...AAA."],
  ["@~:10", "AAAA..."],
  ["0", "A.AAAAA"],
];

describe("Range: the table of conventions.md §6", () => {
  for (const [text, row] of TABLE) {
    for (const [i, x] of XS.entries()) {
      const alerts = row[i] === "A";
      it(`${text} ${alerts ? "alerts" : "does not alert"} at ${x}`, () => {
        expect(Range.parse(text).alertsOn(x)).toBe(alerts);
      });
    }
  }

  it.each([
    ["1:1", 1, false], ["1:1", 0.99, true], ["1:1", 1.01, true], ["1:1", 0, true],
    ["@1:1", 1, true], ["@1:1", 0.99, false], ["@1:1", 1.01, false],
    ["~:0", 0.5, true], ["~:0", 0, false], ["~:0", -10, false],
  ] as const)("%s at %d alerts: %s", (text, x, alerts) => {
    expect(Range.parse(text).alertsOn(x)).toBe(alerts);
  });

  it("endpoints are inside: without @ they do not alert, with @ they do", () => {
    expect(Range.parse("10:20").alertsOn(10)).toBe(false);
    expect(Range.parse("10:20").alertsOn(20)).toBe(false);
    expect(Range.parse("@10:20").alertsOn(10)).toBe(true);
    expect(Range.parse("@10:20").alertsOn(20)).toBe(true);
  });

  it("accepts negative and decimal bounds", () => {
    const r = Range.parse("-10.5:-2");
    expect([r.start, r.end, r.inside]).toEqual([-10.5, -2, false]);
    expect(r.alertsOn(-11)).toBe(true);
    expect(r.alertsOn(-10.5)).toBe(false);
  });
});

// "W"/"C"/"O" per value, from the combined cases of conventions.md §6.
const COMBINED: { w?: string; c?: string; cases: [number, State][] }[] = [
  { w: "10", c: "20", cases: [[-1, State.CRITICAL], [0, State.OK], [10, State.OK], [10.01, State.WARNING], [20, State.WARNING], [20.5, State.CRITICAL]] },
  { w: "~:10", c: "~:20", cases: [[-1, State.OK], [10, State.OK], [15, State.WARNING], [21, State.CRITICAL]] },
  { w: "10:", c: "20", cases: [[5, State.WARNING], [25, State.CRITICAL], [-1, State.CRITICAL], [15, State.OK]] },
  { c: "1:", cases: [[0.5, State.CRITICAL], [1, State.OK]] },
  { c: "5:6", cases: [[4.9, State.CRITICAL], [6, State.OK], [6.1, State.CRITICAL]] },
  { c: "@10:20", cases: [[10, State.CRITICAL], [20, State.CRITICAL], [20.01, State.OK], [9.99, State.OK]] },
  {
    w: "-10:-2",
    c: "-30:20",
    cases: [[-31, State.CRITICAL], [-29, State.WARNING], [-11, State.WARNING], [-10, State.OK], [-2, State.OK], [-1, State.WARNING], [19, State.WARNING], [21, State.CRITICAL]],
  },
  { w: "5", cases: [[6, State.WARNING], [5, State.OK]] },
];

describe("Thresholds: the combined -w/-c cases of conventions.md §6", () => {
  for (const { w, c, cases } of COMBINED) {
    for (const [x, state] of cases) {
      it(`-w ${w ?? "(none)"} -c ${c ?? "(none)"}: ${x} is ${State[state]}`, () => {
        expect(Thresholds.parse(w, c).evaluate(x)).toBe(state);
      });
    }
  }

  it("with neither range everything is OK", () => {
    expect(Thresholds.parse(undefined, undefined).evaluate(-1e9)).toBe(State.OK);
  });
});

describe("Thresholds end to end through runCheck", () => {
  const gauge = gaugeCheck();
  for (const { w, c, cases } of COMBINED) {
    const args = [...(w ? ["-w", w] : []), ...(c ? ["-c", c] : [])];
    for (const [x, state] of cases) {
      it(`${args.join(" ")} --value ${x} exits ${state}`, async () => {
        const { stdout, exitCode } = await runCheck(gauge, ["--value", String(x), ...args]);
        expect(exitCode).toBe(state);
        const perf = [`value=${x}`, w ?? "", c ?? ""];
        while (perf.at(-1) === "") perf.pop();
        expect(stdout).toBe(`GAUGE ${State[state]}: value ${x} | ${perf.join(";")}\n`);
      });
    }
  }
});

// monitoring-plugins' own range cases (lib/tests/test_utils.c): text, start, end, inside; null = refused.
// The C parser ignores a '%'; here it is accepted where the value is a percentage (percent: true).
const C_CASES: [string, number, number, boolean][] = [
  ["6", 0, 6, false],
  ["1:12%", 1, 12, false],
  ["-7:23", -7, 23, false],
  [":5.75", 0, 5.75, false],
  ["~:-95.99", -Infinity, -95.99, false],
  ["12345678901234567890:", 12345678901234567890, Infinity, false],
  ["~:0", -Infinity, 0, false],
  ["@0:657.8210567", 0, 657.8210567, true],
  ["@1:1", 1, 1, true],
];

describe("Range: monitoring-plugins' range cases", () => {
  it.each(C_CASES)("'%s' is %d..%d (inside: %s)", (text, start, end, inside) => {
    const r = Range.parse(text, "--warning", { percent: true });
    expect([r.start, r.end, r.inside]).toEqual([start, end, inside]);
  });

  it("'2:1' is refused, as in C", () => {
    expect(() => Range.parse("2:1", "--warning", { percent: true })).toThrow(/start is greater than end/);
  });

  it("':N' means 0..N and prints as 0:N in perfdata", () => {
    const r = Range.parse(":10", "-w");
    expect([r.start, r.end, r.alertsOn(-1), r.alertsOn(0), r.alertsOn(10), r.alertsOn(11)]).toEqual([0, 10, true, false, false, true]);
    expect(r.toString()).toBe("0:10");
  });

  it.each(["80%", "10%:20%", "@1:12%"])("'%s' is accepted only where the value is a percentage", (text) => {
    expect(Range.parse(text, "-w", { percent: true }).toString()).toBe(text.replace(/%/g, ""));
    expect(() => Range.parse(text, "--warning")).toThrow(`--warning: '${text}' is not a percentage here`);
  });

  it.each(["80%%", "%80", "80 %"])("'%s' is refused even on a percentage", (text) => {
    expect(() => Range.parse(text, "-w", { percent: true })).toThrow(/invalid range/);
  });
});

const REJECTED = ["20:10", "-5", "@", ":", "~", "~:", "10:20:30", "1:12%", "1e3", "+5", ".5", "5.", "5,5", " 10", "10 ", "@@1", "abc"];

describe("Range: rejected forms", () => {
  for (const text of REJECTED) {
    it(`'${text}' is a UsageError naming the option`, () => {
      let error: unknown;
      try {
        Range.parse(text, "--critical");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toMatch(/^--critical: /);
      expect((error as UsageError).state).toBe(State.UNKNOWN);
    });

    for (const flag of ["-w", "--critical"]) {
      it(`${flag} '${text}' through runCheck: exit 3, one line naming ${flag === "-w" ? "--warning" : flag}`, async () => {
        const { stdout, exitCode } = await runCheck(gaugeCheck(), ["--value", "1", `${flag}=${text}`]);
        expect(exitCode).toBe(3);
        expect(stdout.split("\n")).toHaveLength(2); // one line and its LF
        expect(stdout).toMatch(new RegExp(`^GAUGE UNKNOWN: ${flag === "-w" ? "--warning" : flag}: .+\\n$`));
        expect(stdout).not.toContain("|");
      });
    }
  }

  it("'' is refused by the parser; on the command line an empty value means the default instead", async () => {
    expect(() => Range.parse("", "--critical")).toThrow(/^--critical: missing value/);
    expect(await runCheck(gaugeCheck(), ["--value", "1", "-w=", "--critical="])).toEqual({ exitCode: 0, stdout: "GAUGE OK: value 1 | value=1\n" });
  });

  it("says what is wrong: start above end, missing value, the text given", () => {
    expect(() => Range.parse("20:10", "-w")).toThrow(/start is greater than end/);
    expect(() => Range.parse("", "-w")).toThrow(/missing value/);
    expect(() => Range.parse("1e3", "-w")).toThrow(/'1e3'/);
  });
});

describe("Range.toString", () => {
  const VALID = ["10", "10:", "~:10", "10:20", "@10:20", "@~:10", "0", "1:1", "@1:1", "~:0", "-10:-2", "0.5:1.25", "@-3:", "-5:"];
  it.each(VALID)("'%s' round-trips", (text) => {
    expect(Range.parse(text).toString()).toBe(text);
  });

  it("any valid range text round-trips and keeps its meaning (property)", () => {
    const decimal = fc.integer({ min: -100_000, max: 100_000 }).map((n) => String(n / 100));
    const rangeText = fc
      .record({ at: fc.boolean(), start: fc.option(fc.oneof(fc.constant("~"), decimal), { nil: undefined }), end: fc.option(decimal, { nil: undefined }) })
      .map(({ at, start, end }) => `${at ? "@" : ""}${start === undefined ? "" : `${start}:`}${end ?? ""}`)
      .filter((t) => {
        try {
          Range.parse(t);
          return true;
        } catch {
          return false;
        }
      });
    fc.assert(
      fc.property(rangeText, fc.double({ min: -2000, max: 2000, noNaN: true }), (t, x) => {
        const r = Range.parse(t);
        expect(r.toString()).toBe(t);
        expect(Range.parse(r.toString()).alertsOn(x)).toBe(r.alertsOn(x));
      }),
    );
  });

  it("ranges built in code print in the shortest form that parses back to them", () => {
    expect(Range.below(50).toString()).toBe("50:");
    expect(Range.above(86400).toString()).toBe("~:86400");
    expect(new Range(0, 10).toString()).toBe("10");
    expect(new Range(10, 20, true).toString()).toBe("@10:20");
    expect(new Range(-Infinity, 1e21).toString()).toBe("~:1000000000000000000000");
    for (const r of [Range.below(0.25), Range.above(3600), new Range(2, 4, true), new Range(-Infinity, 7, true)]) {
      const back = Range.parse(r.toString());
      for (const x of [-1e6, -1, 0, 0.3, 2, 3, 4, 7, 3600, 1e6]) expect(back.alertsOn(x)).toBe(r.alertsOn(x));
    }
  });
});
