import { UsageError } from "../../src/errors";
import { renderHelp } from "../../src/help";
import { flag, text } from "../../src/options";
import { parseFailOn, type Policy } from "./policy";

export type GateFormat = "auto" | "table" | "plain" | "json";

export interface GateOptions {
  file?: string;
  format: GateFormat;
  junit?: string;
  failOn?: Policy["failOn"];
  concurrency?: number;
  dryRun: boolean;
  help: boolean;
  version: boolean;
}

const OPTIONS = {
  failOn: text({
    placeholder: "LEVEL",
    help:
      "warning (default), critical or unknown: a check fails when its state is at or above LEVEL in the " +
      "order OK < WARNING < CRITICAL < UNKNOWN, so UNKNOWN fails unless allowed. Exit code: the worst failing " +
      "state (CRITICAL > WARNING > UNKNOWN), 0 when none fails",
    group: "Policy:",
  }),
  junit: text({ placeholder: "FILE", help: "Also write a JUnit XML report there, one testcase per check", group: "Output:" }),
  format: text({ placeholder: "auto|table|plain|json", help: "auto (default): a table on a terminal, plugin lines otherwise", group: "Output:" }),
  concurrency: text({ placeholder: "N", help: "Checks run at once (default: the file's concurrency, else 16)", group: "Run:" }),
  dryRun: flag({ help: "Validate FILE and print each check's command line; run nothing", group: "Run:" }),
  help: flag({ short: "h", help: "Show this help and exit 3", group: "General:" }),
  version: flag({ short: "V", help: "Show the version and exit 3", group: "General:" }),
};

const FORMATS: GateFormat[] = ["auto", "table", "plain", "json"];
const VALUED = new Set(["fail-on", "junit", "format", "concurrency"]);

export function gateHelp(): string {
  return renderHelp({
    name: "aws-checks gate FILE",
    summary: "Run the checks listed in FILE (YAML) at once, in this process, and answer with one exit code.",
    description:
      "FILE: top-level 'aws' (region, profile, role-arn, external-id, endpoint-url, max-attempts: added to " +
      "every AWS check that does not set them), 'concurrency', 'timeout' (seconds, default per check), " +
      "'fail-on', 'name', and 'checks': a list of {name, command, args, timeout, allow}. 'allow: warning' " +
      "lets that check's WARNING pass. Every entry is validated before anything runs; a bad FILE is UNKNOWN " +
      "naming the line and the entry.",
    options: OPTIONS,
    examples: ["aws-checks gate health.yaml --junit gate-report.xml", "aws-checks gate health.yaml --fail-on critical --format json"],
  });
}

/** Parses `gate` arguments: one FILE and the options above, in any order, `--opt value` or `--opt=value`. */
export function parseGateArgs(argv: string[]): GateOptions {
  const out: GateOptions = { format: "auto", dryRun: false, help: false, version: false };
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h" || arg === "--help") out.help = true;
    else if (arg === "-V" || arg === "--version") out.version = true;
    else if (arg === "--dry-run") out.dryRun = true;
    else if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (!VALUED.has(name)) throw new UsageError(`unknown option '--${name}'`);
      if (eq === -1 && i + 1 >= argv.length) throw new UsageError(`--${name}: missing value`);
      set(out, name, eq === -1 ? argv[++i] : arg.slice(eq + 1));
    } else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length > 1) throw new UsageError(`one FILE only, got '${files[0]}' and '${files[1]}'`);
  out.file = files[0];
  return out;
}

function set(out: GateOptions, name: string, value: string): void {
  switch (name) {
    case "fail-on": {
      out.failOn = parseFailOn(value);
      if (out.failOn === undefined) throw new UsageError(`--fail-on: expected warning, critical or unknown, got '${value}'`);
      return;
    }
    case "format":
      if (!FORMATS.includes(value as GateFormat)) throw new UsageError(`--format: expected ${FORMATS.join(", ")}, got '${value}'`);
      out.format = value as GateFormat;
      return;
    case "junit":
      if (value === "") throw new UsageError("--junit: expected a file name");
      out.junit = value;
      return;
    case "concurrency":
      if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) {
        throw new UsageError(`--concurrency: expected a whole number from 1 to 64, got '${value}'`);
      }
      out.concurrency = Number(value);
  }
}

/** `--format json` is honoured even when the rest of the command line is wrong. */
export function wantsJson(argv: string[]): boolean {
  return argv.some((a, i) => a === "--format=json" || (a === "--format" && argv[i + 1] === "json"));
}
