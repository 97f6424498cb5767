import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN_DIR, binaryPath, type BinaryResult, ROOT, runBinary, runFile } from "../support/run-binary";

/**
 * Commands with no -w/-c: the probe judges nothing, and check_instance_status's states are fixed by what
 * EC2 reports (impaired is CRITICAL; insufficient-data follows --insufficient-data).
 */
const NO_THRESHOLDS = new Set(["serverscore", "check_instance_status"]);

// Run `npm run build` first. Everything here iterates over `aws-checks --list`, so commands added later
// are held to the same contract.
const NODE_DIR = join(ROOT, "dist", "node");
const COMMANDS = execFileSync(binaryPath("aws-checks"), ["--list"], { encoding: "utf8", env: {} }).trim().split("\n");
const ONE_UNKNOWN_LINE = /^[A-Z][A-Z0-9_-]* UNKNOWN: \S[^\n|]*\n$/;

/** The first `Example:` line of a command's help, as argv (quotes honoured). */
function firstExample(help: string, command: string): string[] {
  const text = help.slice(help.lastIndexOf("\nExample:\n") + 10).replace(/\s+/g, " ").trim();
  const first = text.split(` ${command} `)[0];
  const args = (first.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).slice(1).map((w) => w.replace(/^(['"])(.*)\1$/, "$2"));
  const format = args.indexOf("--format");
  if (format !== -1) args.splice(format, 2);
  return args;
}

const helps = new Map<string, Promise<BinaryResult>>();
/** `COMMAND --help`, run once per command. */
function helpOf(command: string): Promise<BinaryResult> {
  if (!helps.has(command)) helps.set(command, runBinary(command, ["--help"]));
  return helps.get(command)!;
}

const runNode = (shim: string, args: string[]) => runFile(process.execPath, [join(NODE_DIR, shim), ...args], { PATH: "/usr/bin:/bin", HOME: "/nonexistent", AWS_EC2_METADATA_DISABLED: "true" });

describe("aws-checks (the multi-call binary)", () => {
  it("--list prints the commands, one a line, exit 0", async () => {
    const r = await runBinary("aws-checks", ["--list"]);
    expect(r).toMatchObject({ exitCode: 0, stderr: "" });
    const names = r.stdout.split("\n");
    expect(names.pop()).toBe("");
    expect(names).toEqual(COMMANDS);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(names).toEqual(expect.arrayContaining(["check_serverscore", "serverscore"]));
  });

  it.each([[[]], [["--help"]], [["-h"]]])("%j prints the usage on stdout, within 80 columns, exit 3", async (args) => {
    const r = await runBinary("aws-checks", args);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(r.stdout).toMatch(/^Usage: aws-checks COMMAND/);
    for (const c of COMMANDS) expect(r.stdout).toContain(`  ${c} `);
    for (const line of r.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(r.stdout.trimEnd().split("\n").at(-2)).toBe("Example:");
  });

  it.each([["--version"], ["-V"]])("%s prints one version line, exit 3", async (flag) => {
    const r = await runBinary("aws-checks", [flag]);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(r.stdout).toMatch(/^aws-checks version \d+\.\d+\.\d+\S*\n$/);
  });

  it("an unknown command is one UNKNOWN line naming it, exit 3", async () => {
    const r = await runBinary("aws-checks", ["check_nope", "-w", "1"]);
    expect(r).toEqual(expect.objectContaining({ exitCode: 3, stderr: "", stdout: "AWS-CHECKS UNKNOWN: unknown command 'check_nope' (see aws-checks --list)\n" }));
  });

  describe("a link under another name falls back to the first argument", () => {
    const dir = mkdtempSync(join(tmpdir(), "aws-checks-link-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("renamed-link check_serverscore --version runs check_serverscore", async () => {
      symlinkSync(binaryPath("aws-checks"), join(dir, "renamed-link"));
      const r = await runFile(join(dir, "renamed-link"), ["check_serverscore", "--version"], {});
      expect(r).toMatchObject({ exitCode: 3, stderr: "", stdout: expect.stringMatching(/^check_serverscore version /) });
    });
  });
});

describe.each(COMMANDS)("%s", (command) => {
  it("has a symlink to aws-checks in dist/bin", () => {
    const link = join(BIN_DIR, command);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("aws-checks");
  });

  it("--help: usage on stdout, exit 3, empty stderr, 80 columns, every option, example last", async () => {
    const r = await helpOf(command);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^Usage: ${command} `));
    const lines = r.stdout.trimEnd().split("\n");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    for (const opt of ["-w, --warning", "-c, --critical", "-t, --timeout", "-v, --verbose", "-h, --help", "-V, --version", "--format"]) {
      if (NO_THRESHOLDS.has(command) && /warning|critical/.test(opt)) continue;
      expect(r.stdout).toContain(opt);
    }
    expect(lines.slice(lines.lastIndexOf("Example:") + 1).every((l) => l.startsWith("  "))).toBe(true);
    expect(lines.at(-1)!.trim().length).toBeGreaterThan(0);
  });

  it("-h wins over a bad option", async () => {
    const r = await runBinary(command, ["--bogus", "-h"]);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(r.stdout).toMatch(/^Usage: /);
  });

  it.each([["--version"], ["-V"]])("%s: one version line, exit 3, empty stderr", async (flag) => {
    const r = await runBinary(command, [flag]);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(r.stdout).toMatch(new RegExp(`^${command} version \\d+\\.\\d+\\.\\d+\\S*\\n$`));
  });

  it.each([
    ["-w", "20:10", "--warning"],
    ["--critical", "1e3", "--critical"],
    ["-c", "10:5", "--critical"],
  ])("%s '%s' (after the help's own example): exactly one UNKNOWN line naming %s, exit 3", async (flag, value, named) => {
    const example = firstExample((await helpOf(command)).stdout, command);
    const r = await runBinary(command, [...example, flag, value]);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(r.stdout).toMatch(ONE_UNKNOWN_LINE);
    // a command without thresholds refuses the flag itself as an unknown option
    expect(r.stdout).toContain(NO_THRESHOLDS.has(command) ? `unknown option '${flag}'` : `${named}: `);
  });

  if (!NO_THRESHOLDS.has(command)) it("an empty value (-c '', --timeout=) after the help's own example means the default, not a usage error", async () => {
    const example = firstExample((await helpOf(command)).stdout, command);
    const r = await runBinary(command, [...example, "-c", "", "--timeout="]);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toMatch(/--critical:|--timeout:|missing value/);
  });

  it.each([[["--bogus"], "unknown option '--bogus'"], [["stray"], "unexpected argument 'stray'"], [["--timeout"], "--timeout: missing value"]])(
    "%j: one UNKNOWN line, exit 3",
    async (args, message) => {
      const r = await runBinary(command, args);
      expect(r).toMatchObject({ exitCode: 3, stderr: "" });
      expect(r.stdout).toMatch(ONE_UNKNOWN_LINE);
      expect(r.stdout).toContain(message);
    },
  );

  it("--format json: a usage error is one JSON object with the same exit code", async () => {
    const r = await runBinary(command, ["--format", "json", "--bogus"]);
    expect(r).toMatchObject({ exitCode: 3, stderr: "" });
    expect(JSON.parse(r.stdout)).toEqual({ command, state: "UNKNOWN", exitCode: 3, summary: "unknown option '--bogus'", findings: [], metrics: [] });
  });

  it("aws-checks COMMAND equals COMMAND", async () => {
    for (const args of [["--help"], ["--bogus"], ["--format", "json", "-t", "0"]]) {
      const [viaLink, viaArg] = await Promise.all([runBinary(command, args), runBinary("aws-checks", [command, ...args])]);
      expect(viaArg).toMatchObject({ stdout: viaLink.stdout, exitCode: viaLink.exitCode, stderr: "" });
    }
  });

  it("the npm shim dist/node/COMMAND.cjs runs the same command on Node", async () => {
    expect(existsSync(join(NODE_DIR, `${command}.cjs`))).toBe(true);
    for (const args of [["--bogus"], ["--help"]]) {
      const [onNode, compiled] = await Promise.all([runNode(`${command}.cjs`, args), runBinary(command, args)]);
      expect(onNode).toMatchObject({ stdout: compiled.stdout, exitCode: compiled.exitCode, stderr: "" });
    }
  });
});

describe("the npm entry dist/node/aws-checks.cjs", () => {
  it("--list and an unknown command behave as the binary's", async () => {
    const list = await runNode("aws-checks.cjs", ["--list"]);
    expect(list).toMatchObject({ exitCode: 0, stderr: "", stdout: `${COMMANDS.join("\n")}\n` });
    const unknown = await runNode("aws-checks.cjs", ["nope"]);
    expect(unknown).toMatchObject({ exitCode: 3, stderr: "", stdout: "AWS-CHECKS UNKNOWN: unknown command 'nope' (see aws-checks --list)\n" });
  });

  it("runs a real check: check_serverscore", async () => {
    const r = await runNode("aws-checks.cjs", ["check_serverscore", "-c", "@1:100"]);
    expect(r).toMatchObject({ exitCode: 2, stderr: "" });
    expect(r.stdout).toMatch(/^SERVERSCORE CRITICAL: score \d+ .*\| score=\d+;50:;@1:100;1;100 /);
  });
});

describe("an empty environment (env -i: no PATH, no HOME, no Node)", () => {
  it.each([
    ["check_serverscore", ["-w", "@1:100", "-c", "0:100"], 1, /^SERVERSCORE WARNING: score \d+ /],
    ["serverscore", [], 0, /^\d+\n$/],
    ["aws-checks", ["--list"], 0, /^check_/],
    ["check_serverscore", ["-w", "20:10"], 3, ONE_UNKNOWN_LINE],
  ] as const)("%s %j exits %i", async (command, args, exitCode, stdout) => {
    const r = await runFile(binaryPath(command), [...args], {});
    expect(r).toMatchObject({ exitCode, stderr: "" });
    expect(r.stdout).toMatch(stdout);
  });

  it("the process name alone picks the command (argv0 of a symlink)", async () => {
    const r = await runFile(binaryPath("serverscore"), ["--version"], {});
    expect(r.stdout).toMatch(/^serverscore version /);
  });
});
