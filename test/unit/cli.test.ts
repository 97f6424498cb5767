import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../app/registry";
import { allOptions, helpText } from "../../src/cli";
import { keyValues, longName, positiveInteger, positiveNumber, state } from "../../src/options";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { VERSION } from "../../src/version";
import { gaugeCheck } from "../fixtures/gauge";

const gauge = gaugeCheck();
const run = (...argv: string[]) => runCheck(gauge, argv);

describe("option forms (getopt semantics)", () => {
  // --value 15 with a warning of 10 warns, so every form that reaches the range shows as WARNING.
  it.each([
    [["-w10"]],
    [["-w", "10"]],
    [["--warning=10"]],
    [["--warning", "10"]],
    [["-w=10"]],
  ])("%j sets the warning range", async (args) => {
    const { stdout, exitCode } = await run("--value", "15", ...args);
    expect(exitCode).toBe(State.WARNING);
    expect(stdout).toBe("GAUGE WARNING: value 15 | value=15;10\n");
  });

  it.each([[["-w", "-10:-2"]], [["--warning=-10:-2"]], [["--warning", "-10:-2"]], [["-w-10:-2"]]])(
    "%j takes a value starting with '-'",
    async (args) => {
      const ok = await run("--value", "-5", ...args);
      expect(ok).toEqual({ exitCode: State.OK, stdout: "GAUGE OK: value -5 | value=-5;-10:-2\n" });
      const warn = await run("--value", "-1", ...args);
      expect(warn.exitCode).toBe(State.WARNING);
    },
  );

  it("a repeated single-valued option keeps the last value, as getopt does", async () => {
    const { stdout, exitCode } = await run("--value", "15", "-w", "10", "--warning", "20");
    expect(exitCode).toBe(State.OK);
    expect(stdout).toContain("value=15;20");
  });

  it("a repeatable option keeps every value, in order, in both forms", async () => {
    const { stdout } = await run("--name", "a", "--name=b", "--name", "-c");
    expect(stdout).toMatch(/^GAUGE OK: value 0 names a,b,-c /);
  });

  it("options are order-independent", async () => {
    const a = await run("-c", "20", "--value", "25", "-w", "10");
    const b = await run("--value", "25", "-w", "10", "-c", "20");
    expect(a).toEqual(b);
    expect(a.exitCode).toBe(State.CRITICAL);
  });

  it("-vvv, -v -v -v and --verbose are counted", async () => {
    for (const args of [["-vvv"], ["-v", "-v", "-v"], ["--verbose", "-vv"]]) {
      const { exitCode } = await run("--value", "1", ...args);
      expect(exitCode).toBe(State.OK);
    }
  });
});

describe("usage errors: exit 3, one line naming the problem", () => {
  it.each([
    [["--bogus"], "unknown option '--bogus'"],
    [["--bogus=3"], "unknown option '--bogus'"],
    [["-x"], "unknown option '-x'"],
    [["-vx"], "unknown option '-x'"],
    [["stray"], "unexpected argument 'stray'"],
    [["--value", "1", "stray"], "unexpected argument 'stray'"],
    [["--", "-w"], "unexpected argument '-w'"],
    [["-w"], "--warning: missing value"],
    [["--warning"], "--warning: missing value"],
    [["--value", "1", "-t"], "--timeout: missing value"],
    [["--format"], "--format: missing value"],
    [["--format", "xml"], "--format: expected nagios, json, openmetrics, got 'xml'"],
    [["-t", "0"], "--timeout: expected a positive number, got '0'"],
    [["-t", "soon"], "--timeout: expected a positive number, got 'soon'"],
    [["--value", "x"], "--value: expected a number, got 'x'"],
  ])("%j", async (args, message) => {
    const { stdout, exitCode } = await run(...args);
    expect(exitCode).toBe(State.UNKNOWN);
    expect(stdout).toBe(`GAUGE UNKNOWN: ${message}\n`);
  });

  it("--format json is honoured for usage errors too", async () => {
    const { stdout, exitCode } = await run("--format", "json", "-w", "20:10");
    expect(exitCode).toBe(3);
    expect(JSON.parse(stdout)).toMatchObject({ command: "check_gauge", state: "UNKNOWN", exitCode: 3, summary: expect.stringMatching(/^--warning: /) });
  });
});

describe("-h/--help and -V/--version", () => {
  it.each([["-h"], ["--help"]])("%s prints the help on stdout and exits 3, overriding everything else", async (flag) => {
    const { stdout, exitCode } = await run("-w", "20:10", "--bogus", flag);
    expect(exitCode).toBe(3);
    expect(stdout).toBe(helpText(gauge));
    expect(stdout).toMatch(/^Usage: check_gauge/);
  });

  it.each([["-V"], ["--version"]])("%s prints one version line and exits 3", async (flag) => {
    expect(await run(flag)).toEqual({ stdout: `check_gauge version ${VERSION}\n`, exitCode: 3 });
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});

// Every command of the multi-call binary, including the ones added later, must keep these.
describe.each(COMMANDS.map((c) => [c.name, c] as const))("help of %s", (_name, entry) => {
  it("fits 80 columns, names every option and ends with an example", async () => {
    const def = await entry.load();
    const help = helpText(def);
    const lines = help.trimEnd().split("\n");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    for (const [key, spec] of Object.entries(allOptions(def))) {
      expect(help).toContain(`--${longName(key)}`);
      if (spec.short) expect(help).toContain(`-${spec.short}, --${longName(key)}`);
    }
    const example = lines.lastIndexOf("Example:");
    expect(example).toBeGreaterThan(0);
    expect(lines.slice(example + 1).join(" ")).toContain(def.name);
    expect(help).not.toContain("|-");
  });

  it("--help through runCheck exits 3 with that page", async () => {
    const def = await entry.load();
    expect(await runCheck(def, ["--help"])).toEqual({ stdout: helpText(def), exitCode: 3 });
  });
});

describe("value builders", () => {
  const number = positiveNumber({ help: "" });
  const whole = positiveInteger({ help: "", default: "16" });
  it("positiveNumber/positiveInteger accept plain positive numbers, else name the option", () => {
    expect(number.parse([], "--x")).toBeUndefined();
    expect(whole.parse(["16"], "--concurrency")).toBe(16);
    expect(number.parse(["2.5"], "--x")).toBe(2.5);
    expect(number.parse(["1", "3"], "--x")).toBe(3);
    for (const bad of ["0", "-1", "1e3", "abc", "+2"]) expect(() => number.parse([bad], "--x")).toThrow(/^--x: /);
    expect(() => whole.parse(["1.5"], "--concurrency")).toThrow(/^--concurrency: expected a whole number/);
  });

  it("state takes state names in any case", () => {
    const unreachable = state({ help: "", default: "critical" });
    expect(unreachable.parse(["Warning"], "--unreachable")).toBe(State.WARNING);
    expect(unreachable.parse(["critical"], "--unreachable")).toBe(State.CRITICAL);
    expect(() => unreachable.parse(["bad"], "--unreachable")).toThrow(/^--unreachable: expected ok, warning, critical or unknown, got 'bad'/);
  });

  it("keyValues splits at the first '=' and rejects pairs without a key", () => {
    const tag = keyValues({ help: "" });
    expect(tag.parse(["Name=web=1", "env="], "--tag")).toEqual([{ key: "Name", value: "web=1" }, { key: "env", value: "" }]);
    expect(() => tag.parse(["=x"], "--tag")).toThrow(/^--tag: expected KEY=VALUE, got '=x'/);
    expect(() => tag.parse(["novalue"], "--tag")).toThrow(/^--tag: /);
  });
});

describe("empty values mean the default", () => {
  it.each([[["--warning="]], [["-w", ""]], [["--warning", ""]], [["-w="]]])("%j keeps -w unset", async (args) => {
    expect(await run("--value", "15", ...args)).toEqual({ exitCode: State.OK, stdout: "GAUGE OK: value 15 | value=15\n" });
  });

  it("--timeout= is the default 10 s, --value= the default 0", async () => {
    expect(await run("--timeout=", "--value=")).toEqual({ exitCode: State.OK, stdout: "GAUGE OK: value 0 | value=0\n" });
  });

  it("an option with no value at all is still an error", async () => {
    expect(await run("--value", "1", "--warning")).toEqual({ exitCode: State.UNKNOWN, stdout: "GAUGE UNKNOWN: --warning: missing value\n" });
  });

  it("--help says so", () => {
    expect(helpText(gauge).replace(/\s+/g, " ")).toContain("An empty value (--warning= or -w '') means the option's default");
  });
});
