/**
 * A small, strict XML reader and a JUnit report validator for the gate's tests: no npm dependency, no
 * regular expressions over the markup. The parser rejects what a real XML parser rejects (mismatched or
 * unclosed tags, duplicate attributes, bare `<` or `&`, characters XML 1.0 forbids, content after the
 * root); the validator checks the shape Jenkins' JUnit plugin and Ant's JUnit schema read.
 */

export interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded. */
  text: string;
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  fail(message: string): never {
    const line = this.src.slice(0, this.pos).split("\n").length;
    throw new Error(`XML: ${message} (line ${line})`);
  }

  peek(s: string): boolean {
    return this.src.startsWith(s, this.pos);
  }

  expect(s: string): void {
    if (!this.peek(s)) this.fail(`expected '${s}'`);
    this.pos += s.length;
  }

  spaces(): void {
    while (this.pos < this.src.length && " \t\r\n".includes(this.src[this.pos])) this.pos++;
  }

  until(end: string): string {
    const at = this.src.indexOf(end, this.pos);
    if (at === -1) this.fail(`missing '${end}'`);
    const out = this.src.slice(this.pos, at);
    this.pos = at + end.length;
    return out;
  }

  name(): string {
    const start = this.pos;
    while (this.pos < this.src.length && isNameChar(this.src[this.pos], this.pos === start)) this.pos++;
    if (this.pos === start) this.fail("expected a name");
    return this.src.slice(start, this.pos);
  }
}

function isNameChar(c: string, first: boolean): boolean {
  const letter = (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === ":";
  return first ? letter : letter || (c >= "0" && c <= "9") || c === "-" || c === ".";
}

function checkChars(r: Reader, text: string): void {
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const ok = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    if (!ok) r.fail(`character U+${code.toString(16)} is not allowed in XML`);
  }
}

function decode(r: Reader, raw: string, inAttribute: boolean): string {
  checkChars(r, raw);
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "<") r.fail("bare '<' in text");
    if (inAttribute && (c === "\n" || c === "\t" || c === "\r")) {
      out += " "; // attribute-value normalisation, as every XML parser does
      continue;
    }
    if (c !== "&") {
      out += c;
      continue;
    }
    const end = raw.indexOf(";", i);
    if (end === -1) r.fail("bare '&'");
    const entity = raw.slice(i + 1, end);
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (entity in named) out += named[entity];
    else if (entity.startsWith("#x")) out += String.fromCodePoint(parseInt(entity.slice(2), 16));
    else if (entity.startsWith("#")) out += String.fromCodePoint(parseInt(entity.slice(1), 10));
    else r.fail(`unknown entity '&${entity};'`);
    i = end;
  }
  return out;
}

function skipMisc(r: Reader): void {
  for (;;) {
    r.spaces();
    if (r.peek("<!--")) {
      r.pos += 4;
      r.until("-->");
    } else if (r.peek("<?")) {
      r.pos += 2;
      r.until("?>");
    } else return;
  }
}

function element(r: Reader): XmlElement {
  r.expect("<");
  const name = r.name();
  const attributes = new Map<string, string>();
  for (;;) {
    const before = r.pos;
    r.spaces();
    if (r.peek("/>")) {
      r.pos += 2;
      return { name, attributes, children: [], text: "" };
    }
    if (r.peek(">")) {
      r.pos += 1;
      break;
    }
    if (r.pos === before) r.fail(`expected whitespace before an attribute of <${name}>`);
    const attr = r.name();
    r.spaces();
    r.expect("=");
    r.spaces();
    const quote = r.src[r.pos];
    if (quote !== '"' && quote !== "'") r.fail(`attribute ${attr} of <${name}> is not quoted`);
    r.pos++;
    if (attributes.has(attr)) r.fail(`duplicate attribute ${attr} on <${name}>`);
    attributes.set(attr, decode(r, r.until(quote), true));
  }
  const children: XmlElement[] = [];
  let text = "";
  for (;;) {
    if (r.pos >= r.src.length) r.fail(`<${name}> is not closed`);
    if (r.peek("</")) {
      r.pos += 2;
      const end = r.name();
      if (end !== name) r.fail(`</${end}> closes <${name}>`);
      r.spaces();
      r.expect(">");
      return { name, attributes, children, text };
    }
    if (r.peek("<!--")) {
      r.pos += 4;
      r.until("-->");
    } else if (r.peek("<![CDATA[")) {
      r.pos += 9;
      const data = r.until("]]>");
      checkChars(r, data);
      text += data;
    } else if (r.peek("<")) children.push(element(r));
    else {
      const next = r.src.indexOf("<", r.pos);
      const raw = r.src.slice(r.pos, next === -1 ? r.src.length : next);
      r.pos += raw.length;
      text += decode(r, raw, false);
    }
  }
}

/** Parses a whole document; throws naming the first well-formedness error. */
export function parseXml(src: string): XmlElement {
  const r = new Reader(src);
  if (r.peek("<?xml")) {
    r.pos += 5;
    r.until("?>");
  }
  skipMisc(r);
  const root = element(r);
  skipMisc(r);
  if (r.pos !== src.length) r.fail("content after the root element");
  return root;
}

const INTEGER = (s: string) => s.length > 0 && [...s].every((c) => c >= "0" && c <= "9");
const DECIMAL = (s: string) => {
  const [whole, frac, extra] = s.split(".");
  return extra === undefined && INTEGER(whole) && (frac === undefined || INTEGER(frac));
};
/** Ant's ISO8601_DATETIME_PATTERN: YYYY-MM-DDTHH:MM:SS, no zone. */
const TIMESTAMP = (s: string) => {
  const shape = "dddd-dd-ddTdd:dd:dd";
  return s.length === shape.length && [...shape].every((k, i) => (k === "d" ? INTEGER(s[i]) : s[i] === k)) && !Number.isNaN(Date.parse(`${s}Z`));
};

/**
 * Validates a JUnit report: `testsuites` > `testsuite` (name, tests, failures, errors, time, timestamp,
 * hostname; properties, testcase*, system-out, system-err in that order) > `testcase` (name, classname,
 * time; at most one of skipped/error/failure, then system-out?, system-err?) > `failure`/`error` (message,
 * type). Counts must agree with the testcases. Returns the problems found; empty means valid.
 */
export function junitProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  const need = (el: XmlElement, attr: string, ok: (v: string) => boolean, where: string) => {
    const v = el.attributes.get(attr);
    if (v === undefined) problems.push(`${where}: missing attribute ${attr}`);
    else if (!ok(v)) problems.push(`${where}: bad ${attr}="${v}"`);
  };
  const nonEmpty = (v: string) => v.trim().length > 0;
  const anything = () => true;
  if (root.name !== "testsuites") return [`root is <${root.name}>, expected <testsuites>`];
  for (const a of ["tests", "failures", "errors"]) need(root, a, INTEGER, "testsuites");
  need(root, "time", DECIMAL, "testsuites");
  const totals = { tests: 0, failures: 0, errors: 0 };
  for (const [si, suite] of root.children.entries()) {
    const where = `testsuite #${si}`;
    if (suite.name !== "testsuite") {
      problems.push(`<testsuites> holds <${suite.name}>`);
      continue;
    }
    need(suite, "name", nonEmpty, where);
    for (const a of ["tests", "failures", "errors"]) need(suite, a, INTEGER, where);
    need(suite, "time", DECIMAL, where);
    need(suite, "timestamp", TIMESTAMP, where);
    need(suite, "hostname", nonEmpty, where);
    const order = suite.children.map((c) => c.name);
    const expected = ["properties", ...order.filter((n) => n === "testcase"), "system-out", "system-err"];
    if (order.join(",") !== expected.join(",")) problems.push(`${where}: children ${order.join(",")} are not properties, testcase*, system-out, system-err`);
    for (const prop of suite.children.find((c) => c.name === "properties")?.children ?? []) {
      if (prop.name !== "property") problems.push(`${where}: <properties> holds <${prop.name}>`);
      need(prop, "name", nonEmpty, `${where} property`);
      need(prop, "value", anything, `${where} property`);
    }
    const cases = suite.children.filter((c) => c.name === "testcase");
    let failures = 0;
    let errors = 0;
    for (const tc of cases) {
      const tcWhere = `${where} testcase ${tc.attributes.get("name") ?? "?"}`;
      need(tc, "name", nonEmpty, tcWhere);
      need(tc, "classname", nonEmpty, tcWhere);
      need(tc, "time", DECIMAL, tcWhere);
      const kinds = tc.children.map((c) => c.name);
      const verdicts: string[] = kinds.filter((k) => k === "failure" || k === "error" || k === "skipped");
      if (verdicts.length > 1) problems.push(`${tcWhere}: more than one of failure/error/skipped`);
      const rest = kinds.filter((k) => !verdicts.includes(k));
      if (rest.some((k) => k !== "system-out" && k !== "system-err") || rest.join(",") !== [...rest].sort().join(",") || new Set(rest).size !== rest.length) {
        problems.push(`${tcWhere}: children ${kinds.join(",")} are not (failure|error|skipped)? system-out? system-err?`);
      }
      if (kinds.indexOf(verdicts[0]) > 0) problems.push(`${tcWhere}: ${verdicts[0]} must come first`);
      for (const v of tc.children.filter((c) => c.name === "failure" || c.name === "error")) {
        need(v, "message", anything, `${tcWhere} ${v.name}`);
        need(v, "type", nonEmpty, `${tcWhere} ${v.name}`);
      }
      if (verdicts[0] === "failure") failures++;
      if (verdicts[0] === "error") errors++;
    }
    const counts = { tests: cases.length, failures, errors };
    for (const [k, v] of Object.entries(counts)) {
      if (suite.attributes.get(k) !== String(v)) problems.push(`${where}: ${k}="${suite.attributes.get(k)}" but the testcases say ${v}`);
      totals[k as keyof typeof totals] += v;
    }
  }
  for (const [k, v] of Object.entries(totals)) {
    if (root.attributes.get(k) !== String(v)) problems.push(`testsuites: ${k}="${root.attributes.get(k)}" but the suites say ${v}`);
  }
  return problems;
}

/** Every element named `name`, depth first. */
export function findAll(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    if (el.name === name) out.push(el);
    el.children.forEach(walk);
  };
  walk(root);
  return out;
}
