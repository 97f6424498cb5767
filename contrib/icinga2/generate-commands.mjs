#!/usr/bin/env node
// Writes aws-checks-commands.conf (Icinga 2 CheckCommands, ITL style) from each command's --help, so
// every argument's description is the plugin's own. Run after changing options or help texts:
//   npm run build && node contrib/icinga2/generate-commands.mjs [--binary dist/bin/aws-checks] [--stdout]
// The integration test fails when the committed file and this output differ.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** Icinga object name (the command without check_) and threshold defaults shown in `vars`. */
const COMMANDS = [
  { command: "check_instance_events", name: "instance_events", vars: { critical: "3d" } },
  { command: "check_ami_freshness", name: "ami_freshness", vars: { warning: "26h", critical: "50h" } },
  { command: "check_queue_backlog", name: "queue_backlog", vars: {} },
  { command: "check_elb_health", name: "elb_health", vars: { critical: "1:" } },
  { command: "check_asg_health", name: "asg_health", vars: {} },
  { command: "check_efs_mount", name: "efs_mount", vars: {} },
  { command: "check_serverscore", name: "serverscore", vars: { warning: "50:", critical: "25:" } },
];

// Options that make no sense in a CheckCommand: help, version, and the JSON format Icinga cannot parse.
const LEFT_OUT = new Set(["--help", "--version", "--format"]);
const AWS_GROUP = "AWS:";
const AWS_TEMPLATE = "aws-checks-aws";
// Credentials go to the plugin's environment, where the SDK's default chain reads them, never to argv.
const AWS_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

/** Options of a --help text: [{group, long, metavar, description}]. */
export function parseHelp(text) {
  const options = [];
  let group = "";
  let current;
  for (const line of text.split("\n")) {
    const header = /^(\S.*):$/.exec(line);
    const option = /^ {2}(?:-\w, | {4})(--[a-z][\w-]*)(?: (\S+))?(?: {2,}(\S.*))?$/.exec(line);
    if (header) {
      group = `${header[1]}:`;
      current = undefined;
    } else if (option) {
      current = { group, long: option[1], metavar: option[2], description: option[3] ?? "" };
      options.push(current);
    } else if (current && /^ {8}\S/.test(line)) {
      current.description = `${current.description} ${line.trim()}`.trim();
    } else {
      current = undefined;
    }
  }
  return options.filter((o) => !LEFT_OUT.has(o.long));
}

const quote = (s) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const varName = (prefix, long) => `${prefix}_${long.slice(2).replace(/-/g, "_")}`;
const repeatable = (o) => /\[repeatable\]|\(repeatable/.test(o.description);

function argument(o, variable) {
  const lines = [`\t\t${quote(o.long)} = {`];
  // A flag has no value: set_if adds it when the variable is true.
  lines.push(o.metavar ? `\t\t\tvalue = "$${variable}$"` : `\t\t\tset_if = "$${variable}$"`);
  lines.push(`\t\t\tdescription = ${quote(o.description)}`);
  if (o.metavar && repeatable(o)) lines.push("\t\t\trepeat_key = true");
  lines.push("\t\t}");
  return lines.join("\n");
}

function awsTemplate(options) {
  return [
    `template CheckCommand ${quote(AWS_TEMPLATE)} {`,
    "\targuments = {",
    ...options.map((o) => argument(o, varName("aws", o.long))),
    "\t}",
    "",
    "\tenv = {",
    ...AWS_ENV.map((e) => `\t\t${e} = "$${e.toLowerCase()}$"`),
    "\t}",
    "}",
  ].join("\n");
}

function checkCommand(spec, options) {
  const aws = options.some((o) => o.group === AWS_GROUP);
  const own = options.filter((o) => o.group !== AWS_GROUP);
  const lines = [`object CheckCommand ${quote(spec.name)} {`];
  if (aws) lines.push(`\timport ${quote(AWS_TEMPLATE)}`, "");
  lines.push(`\tcommand = [ PluginContribDir + "/${spec.command}" ]`, "");
  lines.push(`\targuments ${aws ? "+=" : "="} {`, ...own.map((o) => argument(o, varName(spec.name, o.long))), "\t}");
  const defaults = Object.entries(spec.vars);
  if (defaults.length > 0) {
    lines.push("", ...defaults.map(([option, value]) => `\tvars.${varName(spec.name, `--${option}`)} = ${quote(value)}`));
  }
  lines.push("}");
  return lines.join("\n");
}

export function generate(binary) {
  const help = (command) => {
    try {
      return execFileSync(binary, [command, "--help"], { encoding: "utf8" });
    } catch (err) {
      // --help exits 3, as monitoring plugins do.
      if (err.status === 3) return err.stdout;
      throw err;
    }
  };
  const parsed = COMMANDS.map((spec) => {
    const text = help(spec.command);
    if (!text.startsWith(`Usage: ${spec.command} `)) throw new Error(`${binary} ${spec.command} --help: no help text:\n${text}`);
    return { spec, options: parseHelp(text) };
  });
  const awsOptions = parsed.flatMap((p) => p.options).filter((o) => o.group === AWS_GROUP);
  const awsUnique = [...new Map(awsOptions.map((o) => [o.long, o])).values()];
  return [
    "/* aws-checks: Icinga 2 CheckCommand definitions in Icinga Template Library style.",
    " *",
    " * Generated from each command's --help by contrib/icinga2/generate-commands.mjs: edit the",
    " * generator (or the help text), not this file. Install: see docs/install.md.",
    " *",
    " * Variables: <command>_<option> (dashes become underscores), e.g. instance_events_tag for --tag.",
    " * Repeatable options take an array; flags take a boolean. The AWS options are shared by every",
    " * AWS command as aws_region, aws_profile, aws_role_arn, aws_external_id, aws_endpoint_url,",
    " * aws_proxy, aws_max_attempts; aws_access_key_id, aws_secret_access_key and aws_session_token",
    " * are passed in the environment. Unset variables leave their option out (the plugin's default",
    " * applies). HTTPS_PROXY, NO_PROXY and AWS_CA_BUNDLE in the icinga2 daemon's environment reach",
    " * the plugins: the way to give a proxy password without putting it on a command line.",
    " */",
    "",
    awsTemplate(awsUnique),
    "",
    ...parsed.map((p) => `${checkCommand(p.spec, p.options)}\n`),
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--binary");
  const binary = at >= 0 ? args[at + 1] : join(here, "..", "..", "dist", "bin", "aws-checks");
  const text = generate(binary);
  if (args.includes("--stdout")) process.stdout.write(text);
  else writeFileSync(join(here, "aws-checks-commands.conf"), text);
}
