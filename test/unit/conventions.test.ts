import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../app/registry";
import { scanArgv } from "../../src/argv";
import { allOptions, helpText, readCommandLine } from "../../src/cli";
import type { AnyCheck } from "../../src/definition";
import { longName } from "../../src/options";

// One test for the places that must agree about the commands: the registry, the folders, package.json's
// bins, each README's option list, IAM policy and 'What it checks' table (against the scenario file),
// --help, and the Nagios, Icinga 2 and Sensu definitions shipped in contrib/. Each failure names the file
// to fix.

const ROOT = join(__dirname, "..", "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const visible = COMMANDS.filter((c) => !c.hidden);
const defs = new Map<string, AnyCheck>();
const load = async (name: string): Promise<AnyCheck> => {
  if (!defs.has(name)) defs.set(name, await (COMMANDS.find((c) => c.name === name) as (typeof COMMANDS)[number]).load());
  return defs.get(name) as AnyCheck;
};
const longNames = (def: AnyCheck) => Object.keys(allOptions(def)).map(longName);
const ownLongNames = (def: AnyCheck) => Object.keys(def.options).map(longName);

/** The `--x` words of the first column of a README's `## Options` table. */
function readmeOptions(readme: string): Set<string> {
  const section = readme.split(/^## /m).find((s) => s.startsWith("Options")) ?? "";
  const names = new Set<string>();
  for (const line of section.split("\n").filter((l) => l.startsWith("|"))) {
    for (const m of (line.split("|")[1] ?? "").matchAll(/--([a-z][a-z0-9-]*)/g)) names.add(m[1]);
  }
  return names;
}

/** The actions of the README's JSON policy (first ```json block under an `## IAM` heading). */
function policyActions(readme: string): string[] | undefined {
  const section = readme.split(/^## /m).find((s) => s.startsWith("IAM"));
  const json = section && /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) return undefined;
  const actions = (JSON.parse(json) as { Statement: { Action: string | string[] }[] }).Statement.flatMap((s) => [s.Action].flat());
  return actions.sort();
}

describe("registry, folders and package.json agree", () => {
  const folders = readdirSync(join(ROOT, "checks"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  it("one folder per command, named as the command", () => {
    expect(folders).toEqual(visible.map((c) => c.name).sort());
  });

  it("package.json has one bin per command and one for the multi-call entry", () => {
    const bins = JSON.parse(read("package.json")).bin as Record<string, string>;
    expect(Object.keys(bins).sort()).toEqual(["aws-checks", ...visible.map((c) => c.name)].sort());
    for (const [name, path] of Object.entries(bins)) expect(path).toBe(`dist/node/${name}.cjs`);
  });

  it.each(folders)("%s has the four roles: index.ts, source.ts, judge.ts, README.md", async (folder) => {
    for (const file of ["index.ts", "source.ts", "judge.ts", "README.md"]) expect(existsSync(join(ROOT, "checks", folder, file)), `checks/${folder}/${file}`).toBe(true);
    expect((await load(folder)).name).toBe(folder);
  });
});

describe.each(visible.map((c) => c.name))("%s: README, --help and IAM agree with the definition", (name) => {
  it("the README's option table lists every option, and only options", async () => {
    const def = await load(name);
    const listed = readmeOptions(read(`checks/${name}/README.md`));
    const missing = ownLongNames(def).filter((o) => !listed.has(o));
    const unknown = [...listed].filter((o) => !longNames(def).includes(o));
    expect({ missing, unknown }, `checks/${name}/README.md ## Options`).toEqual({ missing: [], unknown: [] });
  });

  it("--help names every option", async () => {
    const def = await load(name);
    const help = helpText(def);
    for (const o of longNames(def)) expect(help, `--${o}`).toContain(`--${o}`);
  });

  it("the README's IAM policy is the definition's actions (sts:AssumeRole is granted on the role)", async () => {
    const def = await load(name);
    const readme = read(`checks/${name}/README.md`);
    const actions = (def.iam ?? []).map((a) => a.action).filter((a) => a !== "sts:AssumeRole").sort();
    expect(policyActions(readme) ?? [], `checks/${name}/README.md ## IAM policy`).toEqual(actions);
    // When an action is needed only with some option, the README says when.
    for (const a of def.iam ?? []) if (a.when !== undefined) expect(readme, `checks/${name}/README.md names ${a.action}`).toContain(a.action);
  });
});

describe("contrib/nagios: every command line runs a command with its own options", () => {
  const cfg = read("contrib/nagios/aws-checks-commands.cfg");
  const lines = [...cfg.matchAll(/command_line\s+\$USER1\$\/(\S+)\s*(.*)$/gm)].map((m) => [m[1], m[2]] as const);

  it("defines every command", () => {
    expect(new Set(lines.map(([c]) => c))).toEqual(new Set(visible.map((c) => c.name).filter((c) => c !== "serverscore")));
  });

  it.each(lines)("%s %s", async (command, args) => {
    // A macro left empty is an empty value, i.e. the default; a macro alone is extra arguments.
    const argv = args.split(/\s+/).filter((w) => w !== "" && !/^\$ARG\d+\$$/.test(w)).map((w) => w.replace(/\$ARG\d+\$/g, ""));
    const def = await load(command);
    expect(() => scanArgv(argv, allOptions(def))).not.toThrow();
  });
});

describe("contrib/icinga2: every CheckCommand passes exactly its command's options", () => {
  const conf = read("contrib/icinga2/aws-checks-commands.conf");
  const template = /template CheckCommand "aws-checks-aws" \{([\s\S]*?)\n\}/.exec(conf)?.[1] ?? "";
  const templateArgs = [...template.matchAll(/"--([a-z0-9-]+)" = \{/g)].map((m) => m[1]);
  const blocks = [...conf.matchAll(/object CheckCommand "([a-z_]+)" \{([\s\S]*?)\n\}/g)].map((m) => {
    const command = /PluginContribDir \+ "\/([a-z_]+)"/.exec(m[2])?.[1] ?? "";
    const aws = m[2].includes('import "aws-checks-aws"');
    return [command, [...m[2].matchAll(/"--([a-z0-9-]+)" = \{/g)].map((a) => a[1]), aws] as const;
  });

  it("defines every command", () => {
    expect(new Set(blocks.map(([c]) => c))).toEqual(new Set(visible.map((c) => c.name).filter((c) => c !== "serverscore")));
  });

  it.each(blocks)("%s", async (command, args, aws) => {
    const def = await load(command);
    const passed = [...args, ...(aws ? templateArgs : [])].sort();
    const expected = longNames(def).filter((o) => !["help", "version", "format"].includes(o)).sort();
    expect(passed, "contrib/icinga2/aws-checks-commands.conf (regenerate: node contrib/icinga2/generate-commands.mjs)").toEqual(expected);
  });
});

describe("contrib/sensu: every check's command parses", () => {
  const commands = [...read("contrib/sensu/checks.yml").matchAll(/^\s*command: "(.*)"$/gm)].map((m) => m[1]);

  it("covers every command but the probe", () => {
    expect(new Set(commands.map((c) => c.split(" ")[0]))).toEqual(new Set(visible.map((c) => c.name).filter((c) => c !== "serverscore")));
  });

  it.each(commands)("%s", async (command) => {
    const [name, ...argv] = command.split(" ");
    const def = await load(name);
    expect(() => readCommandLine(def, argv)).not.toThrow();
  });
});

/** The cells of a markdown table row; `\|` inside a cell is text, not a border. */
const cells = (line: string) => line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) => c.trim());

/** The first table under `## What it checks`: its header cells and body rows. */
function whatItChecks(readme: string): { header: string[]; rows: string[][] } | undefined {
  const section = readme.split(/^## /m).find((s) => s.startsWith("What it checks\n"));
  const table = section && /^\|.*\n\|[-| :]+\|\n(?:\|.*\n?)*/m.exec(section)?.[0];
  if (!table) return undefined;
  const [header, , ...rows] = table.trim().split("\n").map(cells);
  return { header, rows };
}

const SCENARIO_ID = /^(ok|warn|crit|unknown)-/;
/**
 * The ids of a scenario file: the quoted string that opens an `it.each` row (`["id", …` on one line or
 * `[` then `"id",` on the next) and the start of an `it("id: …")` name.
 */
function scenarioIds(source: string): Set<string> {
  const rows = [...source.matchAll(/^\s*\[\s*"([^"]+)"/gm)].map((m) => m[1]);
  const its = [...source.matchAll(/\bit\(\s*"([^":]+)/g)].map((m) => m[1]);
  return new Set([...rows, ...its].filter((id) => SCENARIO_ID.test(id)));
}

const PREFIX: Record<string, string> = { OK: "ok", WARNING: "warn", CRITICAL: "crit", UNKNOWN: "unknown" };

describe("README 'What it checks' tables and scenario tables agree", () => {
  const folders = readdirSync(join(ROOT, "checks"), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  it.each(folders)("%s: every row names scenarios that exist, with the row's state", (name) => {
    const file = `checks/${name}/README.md`;
    const readme = read(file);
    const table = whatItChecks(readme);
    expect(table?.header.at(-1), `${file}: a '## What it checks' section (before ## Options) with a table whose last column is 'scenario'`).toBe("scenario");
    expect(readme.indexOf("\n## What it checks\n"), `${file}: '## What it checks' comes before '## Options'`).toBeLessThan(readme.indexOf("\n## Options\n"));
    const { header, rows } = table as NonNullable<typeof table>;
    const stateColumn = header.indexOf("state");
    expect(stateColumn, `${file}: the 'What it checks' table has a 'state' column`).toBeGreaterThanOrEqual(0);
    const scenarios = `test/scenarios/${name}.test.ts`;
    const known = existsSync(join(ROOT, scenarios)) ? scenarioIds(read(scenarios)) : new Set<string>();
    const problems: string[] = [];
    for (const row of rows) {
      const ids = [...(row.at(-1) ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      if (ids.length === 0) problems.push(`${file}: row '${row[0]}' names no scenario`);
      // The prefix is checked when the state cell names exactly one state and no option: a cell such as
      // "`--insufficient-data` (default WARNING)" or "WARNING / CRITICAL" depends on the command line.
      const states = [...new Set((row[stateColumn] ?? "").match(/\b(OK|WARNING|CRITICAL|UNKNOWN)\b/g) ?? [])];
      const expected = states.length === 1 && !/(^|\s|`)--?[a-z]/.test(row[stateColumn]) ? PREFIX[states[0]] : undefined;
      for (const id of ids) {
        if (!known.has(id)) problems.push(`${file}: \`${id}\` is not a scenario in ${scenarios}`);
        else if (expected !== undefined && !id.startsWith(`${expected}-`)) problems.push(`${file}: \`${id}\` does not start with ${expected}- (row '${row[0]}' is ${states[0]})`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the parser finds both forms of scenario id, and nothing else", () => {
    const source = 'it.each([\n  ["ok-a", ["--x", "ok-not-an-id"], 1],\n  [\n    "crit-b",\n    ["--y"],\n  ],\n])("%s", f);\nit("unknown-c: why", f);\n';
    expect([...scenarioIds(source)].sort()).toEqual(["crit-b", "ok-a", "unknown-c"]);
  });
});
