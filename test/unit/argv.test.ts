import { describe, expect, it } from "vitest";
import { parseArgv, scanArgv } from "../../src/argv";
import type { OptionSpec } from "../../src/help";

const OPTIONS: Record<string, OptionSpec> = {
  warning: { alias: "w", type: "string" },
  timeout: { alias: "t", type: "string", default: "10" },
  verbose: { alias: "v", type: "count" },
  all: { type: "boolean" },
  "no-fstab-check": { type: "boolean" },
  format: { type: "string", default: "nagios", choices: ["nagios", "json"] },
  queue: { type: "string" },
};

describe("parseArgv", () => {
  it("gives defaults, a zero count and no flags when nothing is passed", () => {
    expect(parseArgv([], OPTIONS)).toEqual({ _: [], timeout: "10", t: "10", verbose: 0, v: 0, format: "nagios" });
  });

  it.each([
    [["-w10"], "10"],
    [["-w", "10"], "10"],
    [["-w=10"], "10"],
    [["--warning=10"], "10"],
    [["--warning", "10"], "10"],
    [["-w", "-10:-2"], "-10:-2"],
    [["--warning", "--"], "--"],
    [["--warning="], ""],
    [["-vw", "@1:2"], "@1:2"],
    [["-vvw5"], "5"],
  ])("%j sets warning to %j", (argv, value) => {
    const parsed = parseArgv(argv, OPTIONS);
    expect(parsed.warning).toBe(value);
    expect(parsed.w).toBe(value);
  });

  it("repeats become an array in order; counters count; flags are true", () => {
    const parsed = parseArgv(["--queue", "a", "--queue=b", "-vv", "--verbose", "--all", "--no-fstab-check", "-v"], OPTIONS);
    expect(parsed.queue).toEqual(["a", "b"]);
    expect(parsed.verbose).toBe(4);
    expect(parsed.all).toBe(true);
    expect(parsed["no-fstab-check"]).toBe(true);
  });

  it.each([
    [["--bogus"], "unknown option '--bogus'"],
    [["--bogus=1"], "unknown option '--bogus'"],
    [["-x"], "unknown option '-x'"],
    [["-vx"], "unknown option '-x'"],
    [["-5"], "unknown option '-5'"],
    [["stray"], "unexpected argument 'stray'"],
    [["-"], "unexpected argument '-'"],
    [["--", "-w"], "unexpected argument '-w'"],
    [["-w"], "--warning: missing value"],
    [["-vw"], "--warning: missing value"],
    [["--timeout"], "--timeout: missing value"],
    [["--all=yes"], "--all: takes no value"],
    [["--verbose=2"], "--verbose: takes no value"],
    [["--format", "xml"], "--format: expected nagios, json, got 'xml'"],
    [["--format", "json", "--format", "yaml"], "--format: expected nagios, json, got 'yaml'"],
  ])("%j: %s", (argv, message) => {
    expect(() => parseArgv(argv, OPTIONS)).toThrow(message);
  });

  it("a trailing '--' alone is fine", () => {
    expect(parseArgv(["-w", "1", "--"], OPTIONS).warning).toBe("1");
  });
});

describe("scanArgv", () => {
  it("yields each option with its value, in order", () => {
    expect(scanArgv(["-vw1", "--all", "-t", "5"], OPTIONS)).toEqual([{ name: "verbose" }, { name: "warning", value: "1" }, { name: "all" }, { name: "timeout", value: "5" }]);
  });
});
