/** One command-line option: how it parses (src/argv.ts) and how the help page shows it. */
export interface OptionSpec {
  /** `string` takes a value; `boolean` is a flag; `count` counts repeats (`-vvv`). */
  type: "string" | "boolean" | "count";
  alias?: string | string[];
  describe?: string;
  default?: string;
  choices?: string[];
  /** Heading the option is listed under, e.g. "Thresholds:". */
  group?: string;
  /** Value name in the help, e.g. RANGE, DURATION, ID. */
  placeholder?: string;
  repeatable?: boolean;
}

export const HELP_WIDTH = 80;

/** Word-wraps `text` to `width` columns, indenting every line by `indent` spaces. */
export function wrap(text: string, width: number, indent = 0): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== "" && indent + line.length + 1 + word.length > width) {
        lines.push(" ".repeat(indent) + line);
        line = word;
      } else line = line === "" ? word : `${line} ${word}`;
    }
    lines.push(" ".repeat(indent) + line);
  }
  return lines;
}

function flags(name: string, spec: OptionSpec): string {
  const aliases = spec.alias === undefined ? [] : Array.isArray(spec.alias) ? spec.alias : [spec.alias];
  const short = aliases.find((a) => a.length === 1);
  const value = spec.type === "boolean" || spec.type === "count" ? "" : ` ${spec.placeholder ?? "VALUE"}`;
  return `${short ? `-${short}, ` : "    "}--${name}${value}`;
}

function describe(spec: OptionSpec): string {
  let text = spec.describe ?? "";
  if (spec.default !== undefined) text += ` (default ${String(spec.default)})`;
  if (spec.repeatable) text += " [repeatable]";
  return text;
}

/** The `--help` page: usage, what it does, options by group, example last. Fits 80 columns. */
export function renderHelp(page: {
  name: string;
  summary: string;
  description?: string;
  options: Record<string, OptionSpec>;
  examples: string[];
}): string {
  const out = [`Usage: ${page.name} [options]`, "", ...wrap(page.summary, HELP_WIDTH)];
  if (page.description) out.push("", ...wrap(page.description, HELP_WIDTH));
  const groups = new Map<string, [string, OptionSpec][]>();
  for (const entry of Object.entries(page.options)) {
    const group = entry[1].group ?? "Options:";
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  for (const [group, entries] of groups) {
    out.push("", group);
    for (const [name, spec] of entries) {
      const head = `  ${flags(name, spec)}`;
      const body = wrap(describe(spec), HELP_WIDTH, 8);
      if (head.length + 2 <= 30 && body.length === 1 && 30 + body[0].trim().length <= HELP_WIDTH) {
        out.push(`${head.padEnd(30)}${body[0].trim()}`);
      } else out.push(head, ...body);
    }
  }
  out.push("", "Example:", ...page.examples.flatMap((e) => wrap(e, HELP_WIDTH, 2)));
  return `${out.join("\n")}\n`;
}
