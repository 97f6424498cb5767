import { describe, expect, it } from "vitest";
import { parseCommandLine, scanArgv } from "../../src/argv";
import { choice, counter, flag, positiveNumber, text, texts } from "../../src/options";

const OPTIONS = {
  warning: text({ short: "w", help: "" }),
  timeout: positiveNumber({ short: "t", default: "10", help: "" }),
  verbose: counter({ short: "v", help: "" }),
  all: flag({ help: "" }),
  noFstabCheck: flag({ help: "" }),
  format: choice({ default: "nagios", help: "" }, ["nagios", "json"] as const),
  queue: texts({ help: "" }),
};

const parse = (argv: string[]) => parseCommandLine(argv, OPTIONS);

describe("parseCommandLine", () => {
  it("gives defaults, a zero count and no flags when nothing is passed", () => {
    expect(parse([]).values).toEqual({ warning: undefined, timeout: 10, verbose: 0, all: false, noFstabCheck: false, format: "nagios", queue: [] });
    expect(parse([]).given.size).toBe(0);
  });

  it.each([
    [["-w10"], "10"],
    [["-w", "10"], "10"],
    [["-w=10"], "10"],
    [["--warning=10"], "10"],
    [["--warning", "10"], "10"],
    [["-w", "-10:-2"], "-10:-2"],
    [["--warning", "--"], "--"],
    [["--warning="], undefined],
    [["-w", ""], undefined],
    [["-vw", "@1:2"], "@1:2"],
    [["-vvw5"], "5"],
  ])("%j sets warning to %j", (argv, value) => {
    expect(parse(argv).values.warning).toBe(value);
  });

  it("an empty value is the default and does not count as given", () => {
    const { values, given } = parse(["--timeout=", "--format=", "--warning="]);
    expect(values).toMatchObject({ timeout: 10, format: "nagios", warning: undefined });
    expect(given.size).toBe(0);
  });

  it("repeats keep every value in order; counters count; flags are true; given names the long options", () => {
    const { values, given } = parse(["--queue", "a", "--queue=b", "-vv", "--verbose", "--all", "--no-fstab-check", "-v"]);
    expect(values.queue).toEqual(["a", "b"]);
    expect(values.verbose).toBe(4);
    expect(values.all).toBe(true);
    expect(values.noFstabCheck).toBe(true);
    expect([...given].sort()).toEqual(["all", "no-fstab-check", "queue", "verbose"]);
  });

  it.each([
    [["--bogus"], "unknown option '--bogus'"],
    [["--bogus=1"], "unknown option '--bogus'"],
    [["--noFstabCheck"], "unknown option '--noFstabCheck'"],
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
    expect(() => parse(argv)).toThrow(message);
  });

  it("a trailing '--' alone is fine", () => {
    expect(parse(["-w", "1", "--"]).values.warning).toBe("1");
  });
});

describe("scanArgv", () => {
  it("yields each option with its value, in order", () => {
    expect(scanArgv(["-vw1", "--all", "-t", "5"], OPTIONS)).toEqual([{ key: "verbose" }, { key: "warning", value: "1" }, { key: "all" }, { key: "timeout", value: "5" }]);
  });
});
