import { longName, type OptionSpec, type OptionSpecs } from "./options";

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

/** `-w, --warning RANGE` as the help lists an option. */
export function flags(key: string, spec: OptionSpec): string {
  const value = spec.kind === "value" ? ` ${spec.placeholder ?? "VALUE"}` : "";
  return `${spec.short ? `-${spec.short}, ` : "    "}--${longName(key)}${value}`;
}

function describe(spec: OptionSpec): string {
  let text = spec.help;
  const shown = spec.default ?? spec.shownDefault;
  if (shown !== undefined) text += ` (default ${shown})`;
  if (spec.repeatable) text += " [repeatable]";
  return text;
}

/** The `--help` page: usage, what it does, options by group, example last. Fits 80 columns. */
export function renderHelp(page: {
  name: string;
  summary: string;
  description?: string;
  options: OptionSpecs;
  examples: readonly string[];
  /** Paragraph after the options (e.g. how empty values behave). */
  notes?: string;
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
    for (const [key, spec] of entries) {
      const head = `  ${flags(key, spec)}`;
      const body = wrap(describe(spec), HELP_WIDTH, 8);
      if (head.length + 2 <= 30 && body.length === 1 && 30 + body[0].trim().length <= HELP_WIDTH) {
        out.push(`${head.padEnd(30)}${body[0].trim()}`);
      } else out.push(head, ...body);
    }
  }
  if (page.notes) out.push("", ...wrap(page.notes, HELP_WIDTH));
  out.push("", "Example:", ...page.examples.flatMap((e) => wrap(e, HELP_WIDTH, 2)));
  return `${out.join("\n")}\n`;
}
