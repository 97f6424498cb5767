import { basename } from "node:path";
import type { CommandEntry } from "../src/definition";
import { HELP_WIDTH, wrap } from "../src/help";
import { renderNagios } from "../src/render";
import { makeReport } from "../src/report";
import { exitOnCrash, main, silenceStderr, writeStdout } from "./process";
import { State } from "../src/state";
import { VERSION } from "../src/version";

const SELF = "aws-checks";

/** A verb of the multi-call binary itself (`aws-checks gate FILE`): no symlink, not in `--list`. */
export interface Subcommand {
  name: string;
  /** What follows `aws-checks` in the usage page, e.g. `gate FILE`. */
  usage: string;
  summary: string;
  run(argv: string[]): Promise<void>;
}

function usage(commands: CommandEntry[], subcommands: Subcommand[]): string {
  const visible = commands.filter((c) => !c.hidden);
  const width = Math.max(...visible.map((c) => c.name.length));
  // Summaries wrap under themselves so the page keeps to 80 columns whatever commands are added.
  const entry = (c: CommandEntry) => {
    const [first, ...rest] = wrap(c.summary, HELP_WIDTH, width + 4);
    return [`  ${c.name.padEnd(width)}  ${first.trimStart()}`, ...rest];
  };
  return [
    `Usage: ${SELF} COMMAND [options]`,
    "       COMMAND [options]   (through the command's symlink in the same folder)",
    "",
    "Commands:",
    ...visible.flatMap(entry),
    "",
    ...subcommands.map((s) => `  ${SELF} ${s.usage}  ${s.summary}`),
    `  ${SELF} --list     the command names, one a line`,
    `  ${SELF} COMMAND --help`,
    "",
    "Example:",
    `  ${SELF} check_serverscore -w 50: -c 25:`,
    "",
  ].join("\n");
}

/**
 * The multi-call entry: the command is the name the binary was started as (a symlink), or else the
 * first argument.
 */
export async function runMulticall(
  commands: CommandEntry[],
  invokedAs: string | undefined,
  argv: string[],
  subcommands: Subcommand[] = [],
): Promise<void> {
  silenceStderr();
  exitOnCrash("AWS-CHECKS");
  const byName = new Map(commands.map((c) => [c.name, c]));
  let entry = invokedAs === undefined ? undefined : byName.get(basename(invokedAs));
  let args = argv;
  if (entry === undefined && argv.length > 0) {
    entry = byName.get(argv[0]);
    args = argv.slice(1);
  }
  if (entry !== undefined) {
    await main(await entry.load(), args);
    return;
  }
  const first = argv[0];
  const sub = subcommands.find((s) => s.name === first);
  if (sub !== undefined) {
    await sub.run(argv.slice(1));
    return;
  }
  let out: string;
  let code: number = State.UNKNOWN;
  if (first === "--list") {
    out = commands.filter((c) => !c.hidden).map((c) => `${c.name}\n`).join("");
    code = State.OK;
  } else if (first === "--version" || first === "-V") {
    out = `${SELF} version ${VERSION}\n`;
  } else if (first === undefined || first === "--help" || first === "-h") {
    out = usage(commands, subcommands);
  } else {
    // Through the renderer like every plugin line: a 100 kB or multi-line name is cut, never echoed whole.
    out = renderNagios("AWS-CHECKS", makeReport({ state: State.UNKNOWN, summary: `unknown command '${first}' (see ${SELF} --list)` }));
  }
  writeStdout(out);
  process.exit(code);
}
