import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";

/**
 * A gate file as plain values that remember their line, so every complaint can point at it. Read with
 * the failsafe schema: every scalar stays the text the user wrote (`-c 3.10` keeps its `3.10`, `no`
 * stays `no`), and the gate converts only what it knows to be a number.
 */
export type YamlValue =
  | { kind: "scalar"; text: string; line: number }
  | { kind: "seq"; items: YamlValue[]; line: number }
  | { kind: "map"; entries: Map<string, YamlValue>; keyLines: Map<string, number>; line: number }
  | { kind: "null"; line: number };

export class YamlError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "YamlError";
  }
}

export function parseYaml(text: string): YamlValue {
  const lines = new LineCounter();
  const doc = parseDocument(text, { schema: "failsafe", lineCounter: lines, prettyErrors: true });
  // Warnings too (an unknown tag such as `!!foo`): a gate that guesses what a file meant runs the wrong checks.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    // The library's message repeats the position and quotes the source; the first clause is the news.
    const what = problem.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new YamlError(`YAML error: ${what}`, problem.linePos?.[0].line);
  }
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined, fallback: number) =>
    node?.range ? lines.linePos(node.range[0]).line : fallback;
  return convert(doc, doc.contents as Node | null, lineOf, 1, 0);
}

function convert(
  doc: Document,
  node: Node | null,
  lineOf: (node: Node | null, fallback: number) => number,
  fallbackLine: number,
  depth: number,
): YamlValue {
  const line = lineOf(node, fallbackLine);
  // Aliases may point back at themselves through a parent; a gate file has no use for deep nesting.
  if (depth > 32) throw new YamlError("YAML error: nesting too deep (a recursive alias?)", line);
  if (node === null || node === undefined) return { kind: "null", line };
  if (isAlias(node)) {
    // The library leaves an alias to a missing anchor unresolved; read as null it would run an entry
    // with no args at all (a check_elb_health over every load balancer), so it is an error here.
    const target = node.resolve(doc);
    if (target === undefined) throw new YamlError(`YAML error: alias *${node.source} names no anchor defined before it`, line);
    return convert(doc, target as Node | null, lineOf, line, depth + 1);
  }
  if (isScalar(node)) return node.value === null ? { kind: "null", line } : { kind: "scalar", text: String(node.value), line };
  if (isSeq(node)) return { kind: "seq", items: node.items.map((i) => convert(doc, i as Node | null, lineOf, line, depth + 1)), line };
  if (isMap(node)) {
    const entries = new Map<string, YamlValue>();
    const keyLines = new Map<string, number>();
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const keyLine = lineOf(key, line);
      if (!isScalar(key) || key.value === null) throw new YamlError("a key must be plain text", keyLine);
      const name = String(key.value);
      keyLines.set(name, keyLine);
      entries.set(name, convert(doc, pair.value as Node | null, lineOf, keyLine, depth + 1));
    }
    return { kind: "map", entries, keyLines, line };
  }
  throw new YamlError("YAML error: unsupported node", line);
}
