import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../checks/registry";
import { allOptions, helpText, keyValues, positiveInteger, positiveNumber, stateOption } from "../../src/cli";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { VERSION } from "../../src/version";
import { gaugeCheck } from "./fixtures/gauge";

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
    for (const [name, spec] of Object.entries(allOptions(def))) {
      expect(help).toContain(`--${name}`);
      const short = [spec.alias ?? []].flat().find((a) => a.length === 1);
      if (short) expect(help).toContain(`-${short}, --${name}`);
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

describe("value helpers", () => {
  it("positiveNumber/positiveInteger accept plain positive numbers, else name the option", () => {
    expect(positiveNumber(undefined, "--x", 7)).toBe(7);
    expect(positiveNumber("2.5", "--x", 7)).toBe(2.5);
    expect(positiveNumber(["1", "3"], "--x", 7)).toBe(3);
    for (const bad of ["0", "-1", "1e3", "", "abc", "+2"]) expect(() => positiveNumber(bad, "--x", 7)).toThrow(/^--x: /);
    expect(positiveInteger("16", "--concurrency", 1)).toBe(16);
    expect(() => positiveInteger("1.5", "--concurrency", 1)).toThrow(/^--concurrency: expected a whole number/);
  });

  it("stateOption takes state names in any case", () => {
    expect(stateOption("Warning", "--unreachable", State.CRITICAL)).toBe(State.WARNING);
    expect(stateOption(undefined, "--unreachable", State.CRITICAL)).toBe(State.CRITICAL);
    expect(() => stateOption("bad", "--unreachable", State.OK)).toThrow(/^--unreachable: expected ok, warning, critical or unknown, got 'bad'/);
  });

  it("keyValues splits at the first '=' and rejects pairs without a key", () => {
    expect(keyValues(["Name=web=1", "env="], "--tag")).toEqual([{ key: "Name", value: "web=1" }, { key: "env", value: "" }]);
    expect(() => keyValues(["=x"], "--tag")).toThrow(/^--tag: expected KEY=VALUE, got '=x'/);
    expect(() => keyValues("novalue", "--tag")).toThrow(/^--tag: /);
  });
});
