import { describe, expect, it } from "vitest";
import { humanDuration, isoUtc, parseDuration } from "../../src/duration";
import { UsageError } from "../../src/errors";

describe("parseDuration", () => {
  it.each([
    ["30s", "h", 30],
    ["90m", "h", 5400],
    ["26h", "h", 93600],
    ["3d", "h", 259200],
    ["1w", "h", 604800],
    ["1.5h", "d", 5400],
    ["0s", "h", 0],
  ] as const)("%s is %d seconds", (text, bare, seconds) => {
    expect(parseDuration(text, bare, "--warning")).toBe(seconds);
  });

  it.each([
    ["s", 26],
    ["m", 26 * 60],
    ["h", 26 * 3600],
    ["d", 26 * 86400],
    ["w", 26 * 604800],
  ] as const)("a bare number is in the option's unit (%s)", (unit, seconds) => {
    expect(parseDuration("26", unit, "--warning")).toBe(seconds);
  });

  it.each(["", "h", "26x", "26hours", "-3d", "+3d", "3 d", " 3d", "3d ", "1e3", "3d4h", "3.d", ".5h", "3,5h", "3D", "P3D"])(
    "'%s' is a usage error naming the option",
    (text) => {
      expect(() => parseDuration(text, "h", "--critical")).toThrow(UsageError);
      expect(() => parseDuration(text, "h", "--critical")).toThrow(new RegExp(`^--critical: invalid duration '${text.replace(/[.+]/g, "\\$&")}'`));
    },
  );
});

describe("humanDuration and isoUtc", () => {
  it.each([
    [0, "0s"],
    [40, "40s"],
    [125, "2m 5s"],
    [7500, "2h 5m"],
    [273600, "3d 4h"],
    [-90, "-1m 30s"],
  ])("%d s reads as %s", (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });

  it("prints UTC without milliseconds whatever TZ says", () => {
    expect(isoUtc(new Date("2026-11-23T19:00:00.123+02:00"))).toBe("2026-11-23T17:00:00Z");
  });
});
