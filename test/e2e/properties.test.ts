import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type FakeAws, presetScenario, startFakeAws } from "../support/fake-aws/index";
import { type BinaryResult, runBinary } from "../support/run-binary";

/*
 * Properties of every command's command line and of the gate's file, against the compiled binaries:
 * whatever is typed, the answer is plugin output (exit 0–3, nothing on stderr, a first line
 * `PREFIX STATE: text`, at most 4096 bytes) before the run's deadline. The options come from each
 * command's own --help, so a new option is fuzzed without touching this file. Fixed seed and bounded
 * runs: the same cases on every machine, a few minutes at most on a loaded 2-core runner (hence the
 * generous per-test timeouts: they bound a run of many spawns, not the speed of one).
 */

const SEED = 20_261_130;
const RUNS_PER_COMMAND = 10;
const GATE_RUNS = 20;
/** Every run gets `-t` this many seconds, so a case that waits on something is cut off by the check. */
const DEADLINE_S = 3;
/** The harness kills a run only this long after its deadline: a loaded machine never gets near it. */
const SLACK_MS = 15_000;
/** The suite's output cap (conventions: at most 4096 bytes of plugin output). */
const OUTPUT_LIMIT = 4096;

const PREFIXES: Record<string, string> = {
  check_instance_events: "EVENTS",
  check_ami_freshness: "AMI",
  check_queue_backlog: "QUEUE",
  check_elb_health: "ELB",
  check_efs_mount: "MOUNT",
  check_serverscore: "SERVERSCORE",
  serverscore: "SERVERSCORE",
};

interface Option {
  long: string;
  short?: string;
  takesValue: boolean;
}

/** The options a command's --help lists, e.g. `  -w, --warning RANGE   ...` or `      --all`. */
function optionsFromHelp(help: string): Option[] {
  const out: Option[] = [];
  for (const line of help.split("\n")) {
    const m = /^\s{2,}(?:-([A-Za-z]), )?--([a-z][a-z0-9-]*)(?: (\S+))?(?:\s|$)/.exec(line);
    if (m) out.push({ short: m[1], long: m[2], takesValue: m[3] !== undefined });
  }
  return out;
}

/**
 * Left out: --help/--version answer with a help page, --format json with JSON (other grammars, tested
 * elsewhere), and -t is the property's own deadline.
 */
const NOT_FUZZED = new Set(["help", "version", "format", "timeout"]);

// What people and scripts really pass, what breaks parsers, and what breaks shells and cores.
const HOSTILE = [
  "", " ", "-", "--", "-w", "--warning", "=", "@", "~", ":", "10:", "~:5", "@1:2", "20:10", ":5.75", "1:12%", "80%",
  "1e309", "-1e309", "-0", "NaN", "Infinity", "0x10", "1_000", "3d", "26h", "0s", "-3d", "99999999999999999999d",
  "all", "us-east-1", "mars-north-1", "i-0123456789abcdef0", "i-", "fs-12345678", "tier=web", "=web", "tier=", "a=b=c",
  "/nonexistent", "/dev/null", "/dev/zero", "../../etc/passwd", "worst", "average", "nfs4", "efs", "warning", "OK",
  "$(id)", "`id`", "'; false #", "\"", "'", "\\", "|", "a|b", "\n", "\r\n", "line1\nline2", "\t", "%s%n%x",
  "-oProxyCommand=false", "ünïcode", "💥", "\u202e", "\u00a0", "x".repeat(5000), "9".repeat(400),
];

/** Any text an argv can hold (no NUL). */
const text = fc.string({ maxLength: 30, unit: "binary" }).map((s) => s.replace(/\0/g, ""));
const value = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: text },
  { weight: 1, arbitrary: fc.integer({ min: -1e6, max: 1e6 }).map(String) },
  { weight: 1, arbitrary: fc.double({ noNaN: false }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(100_000), "é".repeat(30_000)) }, // huge, under the kernel's 128 KiB per argument
);

/** One option as it may be typed: `--opt v`, `--opt=v`, `--opt=`, `-x v`, `-xv`, `--opt` with nothing after it, or a stray word. */
function word(options: Option[]): fc.Arbitrary<string[]> {
  const option = fc.constantFrom(...options);
  return fc.oneof(
    { weight: 6, arbitrary: fc.tuple(option, value).map(([o, v]) => (o.takesValue ? [`--${o.long}`, v] : [`--${o.long}`])) },
    { weight: 3, arbitrary: fc.tuple(option, value).map(([o, v]) => [`--${o.long}=${v}`]) },
    { weight: 2, arbitrary: option.map((o) => [`--${o.long}=`]) },
    { weight: 1, arbitrary: option.map((o) => [`--${o.long}`]) },
    {
      weight: 2,
      arbitrary: fc.tuple(option, value, fc.boolean()).map(([o, v, glued]) => {
        const flag = o.short === undefined ? `--${o.long}` : `-${o.short}`;
        return glued && o.short !== undefined ? [`${flag}${v}`] : [flag, v];
      }),
    },
    { weight: 1, arbitrary: value.map((v) => [v]) },
  );
}

/** The properties every plugin output has; `what` names the case in a failure. */
function expectPluginOutput(r: BinaryResult, prefix: string, what: string, bareScore = false): void {
  expect(r.signal, `${what}: still running ${SLACK_MS} ms after its ${DEADLINE_S}s deadline`).toBeNull();
  expect([0, 1, 2, 3], `${what}: exit code ${r.exitCode}`).toContain(r.exitCode);
  expect(r.stderr, `${what}: stderr`).toBe("");
  expect(Buffer.byteLength(r.stdout), `${what}: output size`).toBeLessThanOrEqual(OUTPUT_LIMIT);
  const first = r.stdout.split("\n")[0];
  // serverscore is the probe check_serverscore runs on each host: its answer is the bare score (1–100).
  if (bareScore && r.exitCode === 0 && /^\d+$/.test(first)) {
    expect(Number(first), `${what}: score`).toBeGreaterThanOrEqual(1);
    expect(Number(first), `${what}: score`).toBeLessThanOrEqual(100);
    expect(r.stdout, `${what}: one line`).toBe(`${first}\n`);
    return;
  }
  expect(first, `${what}: first line`).toMatch(new RegExp(`^${prefix} (OK|WARNING|CRITICAL|UNKNOWN): \\S`));
  const state = ["OK", "WARNING", "CRITICAL", "UNKNOWN"][r.exitCode ?? 3];
  expect(first.startsWith(`${prefix} ${state}: `), `${what}: the state on line 1 matches exit code ${r.exitCode}`).toBe(true);
}

const show = (argv: string[]) => JSON.stringify(argv.map((a) => (a.length > 60 ? `${a.slice(0, 20)}…(${a.length} chars)` : a)));

let fake: FakeAws;
let dir: string;
const optionsOf = new Map<string, Option[]>();

beforeAll(async () => {
  fake = await startFakeAws(presetScenario("small"));
  dir = mkdtempSync(join(tmpdir(), "properties-"));
  for (const command of Object.keys(PREFIXES)) {
    const help = await runBinary(command, ["--help"]);
    const options = optionsFromHelp(help.stdout).filter((o) => !NOT_FUZZED.has(o.long));
    // A --help the parser above cannot read would fuzz nothing: fail loudly instead.
    if (options.length === 0) throw new Error(`no options read from ${command} --help`);
    optionsOf.set(command, options);
  }
});

afterAll(async () => {
  await fake?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[]): Promise<BinaryResult> {
  return runBinary(command, args, { env: fake.env({ AWS_ACCESS_KEY_ID: "AKIDPROP", AWS_SECRET_ACCESS_KEY: "x" }), killAfterMs: DEADLINE_S * 1000 + SLACK_MS });
}

describe("any command line gives plugin output within the deadline (property, compiled binaries)", () => {
  it.each(Object.keys(PREFIXES))("%s", async (command) => {
    const options = optionsOf.get(command)!;
    // Through the symlink, or as `aws-checks COMMAND …`: the multi-call entry must behave the same.
    const invocation = fc.record({ viaMulticall: fc.boolean(), words: fc.array(word(options), { maxLength: 6 }) });
    await fc.assert(
      fc.asyncProperty(invocation, async ({ viaMulticall, words }) => {
        const args = ["-t", String(DEADLINE_S), ...words.flat()];
        const r = viaMulticall ? await run("aws-checks", [command, ...args]) : await run(command, args);
        expectPluginOutput(r, PREFIXES[command], `${viaMulticall ? `aws-checks ${command}` : command} ${show(args)}`, command === "serverscore");
      }),
      { seed: SEED, numRuns: RUNS_PER_COMMAND, endOnFailure: true },
    );
  }, 300_000);

  it("an unknown or hostile command name through aws-checks is AWS-CHECKS UNKNOWN", async () => {
    await fc.assert(
      fc.asyncProperty(value, fc.array(value, { maxLength: 3 }), async (name, rest) => {
        fc.pre(!Object.keys(PREFIXES).includes(name) && !["--help", "-h", "--list", "--version", "-V", "gate"].includes(name));
        const r = await run("aws-checks", [name, ...rest]);
        expectPluginOutput(r, "AWS-CHECKS", `aws-checks ${show([name, ...rest])}`);
        expect(r.exitCode).toBe(3);
      }),
      { seed: SEED, numRuns: 10, endOnFailure: true },
    );
  }, 300_000);
});

/** Gate entries from the suite's commands (and some that are not), with fuzzed args. */
function gateEntry(): fc.Arbitrary<Record<string, unknown>> {
  const commands = [...Object.keys(PREFIXES), "check_nothing", ""];
  return fc.record(
    {
      name: fc.oneof(fc.constantFrom("a", "b", "web lb", "web_lb", "a.b", ""), text),
      command: fc.constantFrom(...commands),
      args: fc.oneof(fc.array(value, { maxLength: 5 }), fc.constantFrom(null, "-w 5", 5, [["nested"]])),
      timeout: fc.constantFrom(1, DEADLINE_S, 0, -1, "soon"),
      allow: fc.constantFrom("warning", ["warning", "unknown"], "ok", "nonsense"),
      extra: fc.constantFrom("x"),
    },
    { requiredKeys: ["command", "timeout"] },
  );
}

const gateDocument = fc.record(
  {
    name: text,
    aws: fc.constantFrom({ region: "us-east-1" }, { region: ["us-east-1", "eu-west-1"] }, { regoin: "x" }, "eu-west-1", { profile: ["a", "b"] }),
    concurrency: fc.constantFrom(1, 4, 64, 65, 0, "many"),
    timeout: fc.constantFrom(DEADLINE_S, 0, "x"),
    "fail-on": fc.constantFrom("warning", "critical", "unknown", "sometimes"),
    checks: fc.oneof({ weight: 5, arbitrary: fc.array(gateEntry(), { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: fc.constantFrom([], "none", null) }),
  },
  { requiredKeys: ["checks"] },
);

/** Valid YAML from a document, or that YAML broken: cut short, a tab indent, an alias to no anchor, stray text. */
const gateFile = fc.oneof(
  { weight: 4, arbitrary: gateDocument.map((d) => stringify(d)) },
  {
    weight: 3,
    arbitrary: fc.tuple(gateDocument, fc.nat(), fc.constantFrom("cut", "tab", "alias", "tag", "anchor", "junk")).map(([d, at, how]) => {
      const yaml = stringify(d);
      const i = at % (yaml.length + 1);
      switch (how) {
        case "cut":
          return yaml.slice(0, i);
        case "tab":
          return yaml.replace(/\n {2}/, "\n\t");
        case "alias":
          return yaml.replace(/args:.*$/m, "args: *commmon");
        case "tag":
          return yaml.replace(/args:/, "args: !!seqq");
        case "anchor":
          return `x: &a [*a]\n${yaml}`;
        default:
          return `${yaml.slice(0, i)}: [{"\n${yaml.slice(i)}`;
      }
    }),
  },
  { weight: 1, arbitrary: fc.oneof(text, fc.constantFrom("", "---\n...\n", "- a\n- b\n", "checks: *x\n", "{{{{", "\u0000", "checks:\n" + "  - ".repeat(2000))) },
);

/**
 * The gate's own options, fuzzed. Not --junit: a fuzzed path would write wherever it points; the report
 * path is tested in gate.test.ts. Not --format: table and json are other grammars.
 */
const gateOption = fc.oneof(
  fc.tuple(fc.constantFrom("--fail-on", "--concurrency"), value).map(([o, v]) => [o, v]),
  fc.tuple(fc.constantFrom("--fail-on", "--concurrency"), value).map(([o, v]) => [`${o}=${v}`]),
  fc.constantFrom(["--fail-on="], ["--concurrency="], ["--fail-on"], ["--nope"], ["-x"], ["extra.yaml"]),
);

describe("any gate file gives plugin output within the deadlines (property, compiled binary)", () => {
  it("valid and broken YAML, run and --dry-run", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(gateFile, fc.boolean(), fc.array(gateOption, { maxLength: 2 }), async (yaml, dryRun, options) => {
        const file = join(dir, `gate-${++n}.yaml`);
        writeFileSync(file, yaml);
        const args = ["gate", file, ...options.flat(), "--format", "plain", ...(dryRun ? ["--dry-run"] : [])];
        const r = await runBinary("aws-checks", args, {
          env: fake.env({ AWS_ACCESS_KEY_ID: "AKIDPROP", AWS_SECRET_ACCESS_KEY: "x" }),
          // At most 4 checks, each under its own deadline of at most DEADLINE_S, one at a time at worst.
          killAfterMs: 4 * DEADLINE_S * 1000 + SLACK_MS,
        });
        const what = `${show(args)} with the gate file:\n${yaml.length > 2000 ? `${yaml.slice(0, 2000)}…` : yaml}\n`;
        if (dryRun && r.exitCode === 0) {
          // A dry run that accepts the file lists the checks instead of plugin output.
          expect(r.stderr, what).toBe("");
          return;
        }
        expectPluginOutput(r, "GATE", what);
      }),
      { seed: SEED, numRuns: GATE_RUNS, endOnFailure: true },
    );
  }, 600_000);
});
