import { describe, expect, it } from "vitest";
import { findFixture } from "../fixtures/gate/defs";
import { GateFileError, loadPlan } from "../../app/gate/config";
import { State } from "../../src/state";

const load = (yaml: string) => loadPlan("g.yaml", yaml, findFixture);

async function problem(yaml: string): Promise<string> {
  try {
    await load(yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(GateFileError);
    return (err as Error).message;
  }
  throw new Error("the file was accepted");
}

const ok = (name: string, args = '["--value", "1"]') => `  - name: ${name}\n    command: check_gauge\n    args: ${args}\n`;

describe("a bad gate file names the line, the entry and the problem", () => {
  it.each([
    ["YAML syntax", "checks: [\n  - name: a\n", /^g\.yaml:2: YAML error: /],
    ["duplicate key", "checks:\n  - name: a\n    name: b\n    command: check_gauge\n", "g.yaml:3: YAML error: Map keys must be unique"],
    ["not a mapping", "- a\n- b\n", "g.yaml:1: expected a mapping with a 'checks' list"],
    ["empty file", "", "g.yaml:1: expected a mapping with a 'checks' list"],
    ["no checks", "concurrency: 2\n", "g.yaml:1: no 'checks' list"],
    ["empty checks", "checks: []\n", "g.yaml:1: checks: expected a list of checks"],
    ["unknown top-level key", `concurency: 2\nchecks:\n${ok("a")}`, "g.yaml:1: unknown key 'concurency' (known: name, aws, concurrency, timeout, fail-on, checks)"],
    ["unknown command", `checks:\n${ok("a")}  - name: backups\n    command: check_nothing\n`, "g.yaml:6: check 'backups': unknown command 'check_nothing' (see aws-checks --list)"],
    ["no command", `checks:\n  - name: lonely\n    args: []\n`, "g.yaml:2: check 'lonely': no 'command'"],
    ["unknown option", `checks:\n${ok("a")}${ok("b", '["--value", "1", "--frobnicate"]')}`, "g.yaml:7: check 'b': unknown option '--frobnicate'"],
    ["bad range", `checks:\n${ok("a", '["-w", "20:10"]')}`, /^g\.yaml:4: check 'a': --warning: .*20:10/],
    ["bad value from the check's parse()", `checks:\n${ok("a", '["--value", "many"]')}`, "g.yaml:4: check 'a': --value: expected a number, got 'many'"],
    ["missing option value", `checks:\n${ok("a", '["--value"]')}`, "g.yaml:4: check 'a': --value: missing value"],
    ["stray argument", `checks:\n${ok("a", '["oops"]')}`, "g.yaml:4: check 'a': unexpected argument 'oops'"],
    ["args not a list", `checks:\n${ok("a", '"--value 1"')}`, "g.yaml:4: check 'a': args: expected a list of arguments, e.g. [\"-w\", \"26h\"]"],
    ["args with a mapping", `checks:\n${ok("a", "[{value: 1}]")}`, "g.yaml:4: check 'a': args: every argument must be plain text"],
    ["--format in args", `checks:\n${ok("a", '["--format", "json"]')}`, "g.yaml:4: check 'a': --format is the gate's to set (use the gate's own --format)"],
    ["--help in args", `checks:\n${ok("a", '["-h"]')}`, "g.yaml:4: check 'a': --help and --version have no place in a gate"],
    ["timeout twice", `checks:\n${ok("a", '["-t", "5"]')}    timeout: 3\n`, "g.yaml:4: check 'a': the timeout is given twice: 'timeout:' and -t/--timeout in args"],
    ["bad timeout", `checks:\n${ok("a")}    timeout: soon\n`, "g.yaml:5: check 'a': timeout: expected a positive number, got 'soon' (seconds)"],
    ["bad -t in args", `checks:\n${ok("a", '["-t", "0"]')}`, "g.yaml:4: check 'a': --timeout: expected a positive number, got '0'"],
    ["bad allow", `checks:\n${ok("a")}    allow: ok\n`, "g.yaml:5: check 'a': allow: expected warning, critical or unknown, got 'ok'"],
    ["unknown entry key", `checks:\n${ok("a")}    alow: warning\n`, "g.yaml:5: check 'a': unknown key 'alow' (known: name, command, args, timeout, allow)"],
    ["entry not a mapping", `checks:\n${ok("a")}  - check_gauge\n`, "g.yaml:5: check #2: expected a mapping with 'name', 'command' and 'args'"],
    ["unnamed entry with a problem", `checks:\n  - command: check_gauge\n    args: ["--nope"]\n`, "g.yaml:3: check #1: unknown option '--nope'"],
    ["duplicate name", `checks:\n${ok("a")}${ok("a")}`, "g.yaml:5: check 'a': the name is already used on line 2"],
    ["names giving one perfdata label", `checks:\n${ok("web lb")}${ok("web_lb")}`, "g.yaml:5: check 'web_lb': gives the same perfdata label 'web_lb.time' as check 'web lb' on line 2; rename one of them"],
    ["alias to no anchor", `checks:\n${ok("a", '&w ["-w", "10"]')}${ok("b", "*ww")}`, "g.yaml:7: YAML error: alias *ww names no anchor defined before it"],
    ["alias before its anchor", `checks:\n${ok("a", "*w")}${ok("b", '&w ["-w", "10"]')}`, "g.yaml:4: YAML error: alias *w names no anchor defined before it"],
    ["unknown tag (a YAML warning)", `checks:\n${ok("a", '!!seqq ["-w", "10"]')}`, /^g\.yaml:4: YAML error: Unresolved tag: tag:yaml\.org,2002:seqq/],
    ["bad concurrency", `concurrency: 0\nchecks:\n${ok("a")}`, "g.yaml:1: concurrency: expected a whole number from 1 to 64, got '0'"],
    ["bad fail-on", `fail-on: sometimes\nchecks:\n${ok("a")}`, "g.yaml:1: fail-on: expected warning, critical or unknown, got 'sometimes'"],
    ["unknown aws key", `aws: { regoin: eu-west-1 }\nchecks:\n${ok("a")}`, /^g\.yaml:1: aws: unknown key 'regoin' \(known: region, profile, role-arn, external-id, endpoint-url, proxy, max-attempts\)$/],
    ["aws not a mapping", `aws: eu-west-1\nchecks:\n${ok("a")}`, "g.yaml:1: aws: expected a mapping such as { region: eu-west-1 }"],
    ["two profiles", `aws: { profile: [a, b] }\nchecks:\n${ok("a")}`, "g.yaml:1: aws: profile: expected one value"],
    [
      "bad shared region, named at the AWS entry that gets it",
      `aws: { region: mars-north-1x }\nchecks:\n${ok("local")}  - name: events\n    command: check_awsecho\n`,
      "g.yaml:6: check 'events': --region: 'mars-north-1x' is not a region name (e.g. eu-west-1, or all)",
    ],
  ])("%s", async (_kind, yaml, expected) => {
    const message = await problem(yaml);
    if (typeof expected === "string") expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });
});

describe("a good gate file", () => {
  it("keeps every argument as written (YAML never turns 3.10 into 3.1 or 'no' into false)", async () => {
    const plan = await load(`checks:\n${ok("a", '["--value", 3.10, "--name", no, "--name", 0x1F]')}`);
    expect(plan.entries[0].argv).toEqual(["--value", "3.10", "--name", "no", "--name", "0x1F"]);
  });

  it("defaults: name from the command, suite from the file name, concurrency 16, timeout 10", async () => {
    const plan = await loadPlan("ci/prod-health.yml", "checks:\n  - command: check_gauge\n", findFixture);
    expect(plan.suite).toBe("prod-health");
    expect(plan.concurrency).toBe(16);
    expect(plan.failOn).toBeUndefined();
    expect(plan.entries[0]).toMatchObject({ name: "check_gauge", command: "check_gauge", argv: [], timeoutSeconds: 10, allowed: [], line: 2 });
  });

  it("YAML anchors and aliases work, e.g. one entry's args reused by the next", async () => {
    const plan = await load(`checks:\n  - name: a\n    command: check_gauge\n    args: &w ["-w", "10"]\n  - name: b\n    command: check_gauge\n    args: *w\n`);
    expect(plan.entries.map((e) => e.argv)).toEqual([["-w", "10"], ["-w", "10"]]);
  });

  it("allow as a list, timeout as a decimal, fail-on in the file", async () => {
    const plan = await load(`fail-on: critical\nchecks:\n${ok("a")}    timeout: 2.5\n    allow: [warning, UNKNOWN]\n`);
    expect(plan.failOn).toBe(State.CRITICAL);
    expect(plan.entries[0].timeoutSeconds).toBe(2.5);
    expect(plan.entries[0].allowed).toEqual([State.WARNING, State.UNKNOWN]);
  });
});
