import { basename, extname } from "node:path";
import { AWS_OPTIONS } from "../../src/aws/options";
import { givenOptions, readCommandLine } from "../../src/cli";
import { longName, parsePositive } from "../../src/options";
import type { AnyCheck } from "../../src/definition";
import { errorMessage } from "../../src/errors";
import { safeLabel } from "../../src/metric";
import { parseState, State } from "../../src/state";
import { parseFailOn, type Policy } from "./policy";
import { parseYaml, YamlError, type YamlValue } from "./yaml-tree";

/** One check of a gate, validated and ready to run. */
export interface GateEntry {
  name: string;
  command: string;
  def: AnyCheck;
  /** What the check runs with: the shared AWS options it does not set itself, its args, then its timeout. */
  argv: string[];
  timeoutSeconds: number;
  /** Non-OK states that count as passing for this check (`allow: warning`). */
  allowed: State[];
  line: number;
}

export interface GatePlan {
  /** The JUnit suite name: `name:` in the file, else the file's base name. */
  suite: string;
  concurrency: number;
  failOn?: Policy["failOn"];
  entries: GateEntry[];
}

/** Finds a command's definition by name; undefined for a name the suite does not have. */
export type FindCheck = (command: string) => Promise<AnyCheck | undefined>;

/** A problem with the gate file, already saying where: `gate.yaml:12: check 'backups': ...`. */
export class GateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GateFileError";
  }
}

// Checks mostly wait on the network; as many at once as check_serverscore probes hosts by default.
const DEFAULT_CONCURRENCY = 16;
const MAX_CONCURRENCY = 64;
const TOP_KEYS = ["name", "aws", "concurrency", "timeout", "fail-on", "checks"];
const ENTRY_KEYS = ["name", "command", "args", "timeout", "allow"];

/** Reads, parses and validates a gate file: every entry's command line is parsed before anything runs. */
export async function loadPlan(file: string, text: string, find: FindCheck): Promise<GatePlan> {
  const at = (line: number | undefined, message: string) => new GateFileError(`${file}${line === undefined ? "" : `:${line}`}: ${message}`);
  let root: YamlValue;
  try {
    root = parseYaml(text);
  } catch (err) {
    if (err instanceof YamlError) throw at(err.line, err.message);
    throw err;
  }
  if (root.kind !== "map") throw at(root.line, "expected a mapping with a 'checks' list");
  unknownKey(root, TOP_KEYS, "", at);

  const checks = root.entries.get("checks");
  if (checks === undefined) throw at(root.line, "no 'checks' list");
  if (checks.kind !== "seq" || checks.items.length === 0) throw at(checks.line, "checks: expected a list of checks");

  const shared = sharedAwsArgs(root.entries.get("aws"), at);
  const defaultTimeout = optionalNumber(root.entries.get("timeout"), "timeout", at);
  const failOnNode = root.entries.get("fail-on");
  let failOn: Policy["failOn"] | undefined;
  if (failOnNode !== undefined) {
    failOn = parseFailOn(scalar(failOnNode, "fail-on", at));
    if (failOn === undefined) throw at(failOnNode.line, `fail-on: expected warning, critical or unknown, got '${scalar(failOnNode, "fail-on", at)}'`);
  }

  const entries: GateEntry[] = [];
  const seen = new Map<string, GateEntry>();
  const labels = new Map<string, GateEntry>();
  for (const [i, node] of checks.items.entries()) {
    const entry = await readEntry(node, i + 1, { shared, defaultTimeout, find, at });
    const earlier = seen.get(entry.name);
    if (earlier !== undefined) throw at(entry.line, `check '${entry.name}': the name is already used on line ${earlier.line}`);
    // Each entry's perfdata label is `<name>.time` made safe; `web lb` and `web_lb` would both graph as
    // `web_lb.time`, so such a file is refused rather than renamed behind the user's back.
    const label = timeLabel(entry.name);
    const clash = labels.get(label);
    if (clash !== undefined) {
      throw at(entry.line, `check '${entry.name}': gives the same perfdata label '${label}' as check '${clash.name}' on line ${clash.line}; rename one of them`);
    }
    seen.set(entry.name, entry);
    labels.set(label, entry);
    entries.push(entry);
  }

  return {
    suite: optionalText(root.entries.get("name"), "name", at) ?? basename(file, extname(file)),
    concurrency: concurrency(root.entries.get("concurrency"), at),
    failOn,
    entries,
  };
}

/** The perfdata label of one entry's duration in the gate's plugin output. */
export function timeLabel(name: string): string {
  return safeLabel(`${name}.time`);
}

type At = (line: number | undefined, message: string) => GateFileError;

interface EntryContext {
  shared: [string, string[]][];
  defaultTimeout?: string;
  find: FindCheck;
  at: At;
}

async function readEntry(node: YamlValue, index: number, { shared, defaultTimeout, find, at }: EntryContext): Promise<GateEntry> {
  if (node.kind !== "map") throw at(node.line, `check #${index}: expected a mapping with 'name', 'command' and 'args'`);
  const nameText = optionalText(node.entries.get("name"), "name", at);
  const label = nameText === undefined ? `check #${index}` : `check '${nameText}'`;
  // Every complaint below names the entry, so a long file points the reader straight at it.
  const fail = (line: number, message: string) => at(line, `${label}: ${message}`);
  const where: At = (line, message) => fail(line ?? node.line, message);

  unknownKey(node, ENTRY_KEYS, `${label}: `, at);
  const commandNode = node.entries.get("command");
  if (commandNode === undefined) throw fail(node.line, "no 'command'");
  const command = scalar(commandNode, "command", where);
  const def = await find(command);
  if (def === undefined) throw fail(commandNode.line, `unknown command '${command}' (see aws-checks --list)`);

  const argsNode = node.entries.get("args");
  let args: string[] = [];
  if (argsNode !== undefined && argsNode.kind !== "null") {
    if (argsNode.kind !== "seq") throw fail(argsNode.line, "args: expected a list of arguments, e.g. [\"-w\", \"26h\"]");
    args = argsNode.items.map((item) => {
      if (item.kind !== "scalar") throw fail(item.line, "args: every argument must be plain text");
      return item.text;
    });
  }
  const timeout = optionalNumber(node.entries.get("timeout"), "timeout", where);
  const allowed = allowList(node.entries.get("allow"), where);

  const argsLine = argsNode?.line ?? node.line;
  let argv: string[];
  let timeoutSeconds: number;
  try {
    const given = givenOptions(def, args);
    if (given.has("format")) throw new Error("--format is the gate's to set (use the gate's own --format)");
    if (given.has("timeout") && timeout !== undefined) throw new Error("the timeout is given twice: 'timeout:' and -t/--timeout in args");
    // The entry's own options win over the shared ones, key by key: its --region replaces the shared regions.
    const awsArgs = "region" in def.options ? shared.filter(([key]) => !given.has(key)).flatMap(([key, values]) => values.map((v) => `--${key}=${v}`)) : [];
    const ownTimeout = given.has("timeout") ? undefined : (timeout ?? defaultTimeout);
    argv = [...awsArgs, ...args, ...(ownTimeout === undefined ? [] : [`--timeout=${ownTimeout}`])];
    const { common } = readCommandLine(def, argv);
    if (common.help || common.version) throw new Error("--help and --version have no place in a gate");
    timeoutSeconds = common.timeout;
  } catch (err) {
    throw fail(argsLine, errorMessage(err));
  }
  return { name: nameText ?? command, command, def, argv, timeoutSeconds, allowed, line: node.line };
}

function unknownKey(node: Extract<YamlValue, { kind: "map" }>, known: string[], label: string, at: At): void {
  for (const key of node.entries.keys()) {
    if (!known.includes(key)) throw at(node.keyLines.get(key), `${label}unknown key '${key}' (known: ${known.join(", ")})`);
  }
}

function scalar(node: YamlValue, key: string, at: At): string {
  if (node.kind !== "scalar" || node.text.trim() === "") throw at(node.line, `${key}: expected a value`);
  return node.text.trim();
}

function optionalText(node: YamlValue | undefined, key: string, at: At): string | undefined {
  if (node === undefined) return undefined;
  const text = scalar(node, key, at);
  if (/[\r\n]/.test(text)) throw at(node.line, `${key}: expected one line`);
  return text;
}

function optionalNumber(node: YamlValue | undefined, key: string, at: At): string | undefined {
  if (node === undefined) return undefined;
  const text = scalar(node, key, at);
  try {
    parsePositive(text, key);
  } catch (err) {
    throw at(node.line, `${errorMessage(err)} (seconds)`);
  }
  return text;
}

function concurrency(node: YamlValue | undefined, at: At): number {
  if (node === undefined) return DEFAULT_CONCURRENCY;
  const text = scalar(node, "concurrency", at);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_CONCURRENCY) {
    throw at(node.line, `concurrency: expected a whole number from 1 to ${MAX_CONCURRENCY}, got '${text}'`);
  }
  return n;
}

function allowList(node: YamlValue | undefined, at: At): State[] {
  if (node === undefined) return [];
  const items = node.kind === "seq" ? node.items : [node];
  return items.map((item) => {
    const text = scalar(item, "allow", at);
    const state = parseState(text);
    if (state === undefined || state === State.OK) throw at(item.line, `allow: expected warning, critical or unknown, got '${text}'`);
    return state;
  });
}

/** `aws:` as `[option, values]` pairs, checked against the AWS option group every AWS command has. */
function sharedAwsArgs(node: YamlValue | undefined, at: At): [string, string[]][] {
  if (node === undefined) return [];
  if (node.kind !== "map") throw at(node.line, `aws: expected a mapping such as { region: eu-west-1 }`);
  const known = Object.keys(AWS_OPTIONS).map(longName);
  unknownKey(node, known, "aws: ", at);
  return [...node.entries].map(([key, value]) => {
    const values = value.kind === "seq" ? value.items.map((v) => scalar(v, `aws: ${key}`, at)) : [scalar(value, `aws: ${key}`, at)];
    if (values.length > 1 && key !== "region") {
      throw at(value.line, `aws: ${key}: expected one value`);
    }
    return [key, values];
  });
}
