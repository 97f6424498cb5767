import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Metric, renderMetric, safeLabel, type Uom } from "../../src/metric";
import { formatPlain, Range } from "../../src/range";
import { isValidPerfdata, parseItem, perfdataErrors } from "../support/perfdata-grammar";

describe("the perfdata grammar validator (conventions.md §5)", () => {
  it.each(["time=0.270634s;;;0", "load1=4.680;1.000;2.000;0;", "pl=0%;5;15", "temp=23.5;10:35;5:40;-20;80", "if_in=123456789c", "'my disk'=5"])(
    "%s is valid",
    (item) => {
      expect(perfdataErrors(item)).toEqual([]);
    },
  );

  it.each(["a b=5", "x = 5", "=5", "x=", "'it''s'=1", "load=4,68", "size=1.2e6B", "x=5;;;;;", "x=+5", "x=.5", "x=5;20:10", "x=5;~:", "x=U", "x=5  y=6", " x=5", "x=5 "])(
    "%s is invalid",
    (item) => {
      expect(isValidPerfdata(item)).toBe(false);
    },
  );

  it("strict mode adds the suite's rules: safe labels only, no quoting, no '::', base units", () => {
    expect(isValidPerfdata("'my disk'=5", true)).toBe(false);
    expect(isValidPerfdata("a::b=5", true)).toBe(false);
    expect(isValidPerfdata("x=5KB", true)).toBe(false);
    expect(isValidPerfdata("i-0abc.used_pct=5.5%;80;90 web/1.score=3;50:;25:;1;100", true)).toBe(true);
  });

  it("a label given twice is an error", () => {
    expect(perfdataErrors("a=1 a=2")).toEqual(["label 'a' given twice"]);
  });
});

describe("formatPlain: plain decimals only", () => {
  it.each([
    [0, "0"],
    [-0, "0"],
    [42, "42"],
    [-7, "-7"],
    [0.1 + 0.2, "0.3"],
    [1e21, "1000000000000000000000"],
    [-1e21, "-1000000000000000000000"],
    [2 ** 64, "18446744073709552000"],
    [2 ** 70, "1180591620717411300000"],
    [1.5e300, "15" + "0".repeat(299)],
    [1e-7, "0"],
    [-1e-7, "0"],
    [0.0000015, "0.000002"],
    [123.4567891, "123.456789"],
    [-2.5, "-2.5"],
  ])("%d prints as %s", (value, text) => {
    expect(formatPlain(value)).toBe(text);
  });

  it("never prints an exponent or a locale mark, and reads back as the value to 6 decimals (property)", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const text = formatPlain(v);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        if (Number.isInteger(v)) expect(Number(text) === v).toBe(true);
        else expect(Math.abs(Number(text) - v)).toBeLessThanOrEqual(5e-7 + Math.abs(v) * 1e-15);
      }),
    );
  });

  it("refuses NaN and infinities rather than printing them", () => {
    for (const v of [NaN, Infinity, -Infinity]) expect(() => formatPlain(v)).toThrow(RangeError);
  });
});

describe("safeLabel", () => {
  it.each([
    ["web-1.example.com", "web-1.example.com"],
    ["/var/lib/data", "/var/lib/data"],
    ["my disk", "my_disk"],
    ["a=b", "a_b"],
    ["it's", "it_s"],
    ["a|b", "a_b"],
    ["a::b", "a__b"],
    ["ünïcode", "_n_code"],
    ["", "_"],
  ])("%j becomes %j", (label, safe) => {
    expect(safeLabel(label)).toBe(safe);
  });
});

describe("renderMetric", () => {
  it("echoes the thresholds in force, drops trailing empty fields, keeps inner ones", () => {
    const m: Metric = { label: "score", value: 42, warning: Range.parse("50:"), critical: Range.parse("25:"), min: 1, max: 100 };
    expect(renderMetric(m)).toBe("score=42;50:;25:;1;100");
    expect(renderMetric({ label: "x", value: 1 })).toBe("x=1");
    expect(renderMetric({ label: "x", value: 1, critical: Range.parse("@10:20") })).toBe("x=1;;@10:20");
    expect(renderMetric({ label: "x", value: 1, min: 0 })).toBe("x=1;;;0");
    expect(renderMetric({ label: "age", value: 3600, uom: "s", warning: Range.above(93600) })).toBe("age=3600s;~:93600");
  });

  it("prints no exponent for huge or tiny numbers anywhere in the item", () => {
    const item = renderMetric({ label: "big", value: 1e21, uom: "B", warning: Range.above(1e22), min: 1e-7, max: 2 ** 70 });
    expect(item).toBe("big=1000000000000000000000B;~:10000000000000000000000;;0;1180591620717411300000");
    expect(item).not.toMatch(/e/i);
  });

  it("whatever a check passes in, the item is valid strict perfdata (property)", () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const range = fc.oneof(
      fc.constantFrom(...["10", "10:", "~:10", "10:20", "@10:20", "@~:10", "0", "-10:-2", "1:1"].map((t) => Range.parse(t))),
      finite.map((v) => Range.below(v)),
      finite.map((v) => Range.above(v)),
      fc.tuple(finite, finite, fc.boolean()).map(([a, b, at]) => new Range(Math.min(a, b), Math.max(a, b), at)),
    );
    const metric = fc.record(
      {
        label: fc.string({ minLength: 0, maxLength: 40, unit: "binary" }),
        value: finite,
        uom: fc.constantFrom<Uom>("", "s", "B", "%", "c"),
        warning: range,
        critical: range,
        min: finite,
        max: finite,
      },
      { requiredKeys: ["label", "value"] },
    );
    fc.assert(
      fc.property(metric, (m) => {
        const item = renderMetric(m);
        expect(parseItem(item, true)).not.toBeTypeOf("string");
      }),
      { numRuns: 500, seed: 20_261_130 },
    );
    // 500 runs take 6 s on a quiet machine and 35 s on a loaded one: the timeout bounds the work, not speed.
  }, 120_000);
});
