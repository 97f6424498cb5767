/**
 * An independent validator for the perfdata grammar of conventions.md §5, so tests do not judge the
 * renderer by its own code. `strict` adds the suite's own rules: labels only `[A-Za-z0-9_./-]`, no `::`,
 * units only the base ones.
 */

const VALUE = String.raw`-?\d+(?:\.\d+)?`;
const RANGE_RE = new RegExp(String.raw`^@?(?:(~|${VALUE}):(${VALUE})?|(${VALUE}))$`);
const VALUE_RE = new RegExp(`^${VALUE}$`);
// PD-4: the units cores know; Sensu drops them all, so the suite emits base units only.
const UOMS = ["", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"];
const STRICT_UOMS = ["", "s", "%", "B", "c"];

export interface PerfItem {
  label: string;
  value: string;
  uom: string;
  fields: string[];
}

function validRange(text: string): boolean {
  const m = RANGE_RE.exec(text);
  if (!m) return false;
  const [, start, endAfterColon, endAlone] = m;
  if (endAlone !== undefined) return Number(endAlone) >= 0; // a bare N means 0:N
  if (start === "~") return endAfterColon !== undefined;
  return endAfterColon === undefined || Number(start) <= Number(endAfterColon);
}

/** Splits perfdata into items, honouring quoted labels; undefined when the spacing is wrong. */
function splitItems(perfdata: string): string[] | undefined {
  const items: string[] = [];
  let i = 0;
  while (i < perfdata.length) {
    let end: number;
    if (perfdata[i] === "'") {
      const close = perfdata.indexOf("'", i + 1);
      if (close === -1) return undefined;
      end = perfdata.indexOf(" ", close);
    } else end = perfdata.indexOf(" ", i);
    if (end === -1) end = perfdata.length;
    items.push(perfdata.slice(i, end));
    i = end + 1;
    if (end < perfdata.length && i === perfdata.length) return undefined; // trailing space
  }
  return items;
}

/** Parses one item; returns the reason it is invalid as a string. */
export function parseItem(item: string, strict = false): PerfItem | string {
  let label: string;
  let rest: string;
  if (item.startsWith("'")) {
    const close = item.indexOf("'", 1);
    label = item.slice(1, close);
    if (close <= 1 || /['=]/.test(label) || !/^[\x20-\x7e]+$/.test(label)) return `bad quoted label in '${item}'`;
    if (item[close + 1] !== "=") return `no '=' after the label in '${item}'`;
    if (strict) return `quoted label in '${item}'`;
    rest = item.slice(close + 2);
  } else {
    const eq = item.indexOf("=");
    if (eq <= 0) return `no label in '${item}'`;
    label = item.slice(0, eq);
    if (!/^[\x21-\x7e]+$/.test(label) || /['=|]/.test(label)) return `bad label '${label}'`;
    if (strict && (!/^[A-Za-z0-9_./-]+$/.test(label) || label.includes("::"))) return `unsafe label '${label}'`;
    rest = item.slice(eq + 1);
  }
  const fields = rest.split(";");
  if (fields.length > 5) return `more than 4 ';' in '${item}'`;
  const m = new RegExp(`^(${VALUE})(.*)$`).exec(fields[0]);
  if (!m) return `bad value in '${item}'`;
  const uom = m[2];
  if (!(strict ? STRICT_UOMS : UOMS).includes(uom)) return `bad unit '${uom}' in '${item}'`;
  for (const [i, field] of fields.slice(1).entries()) {
    if (field === "") continue;
    const ok = i < 2 ? validRange(field) : VALUE_RE.test(field);
    if (!ok) return `bad ${["warn", "crit", "min", "max"][i]} '${field}' in '${item}'`;
  }
  return { label, value: m[1], uom, fields };
}

/** Every problem found in a perfdata string (empty when valid). */
export function perfdataErrors(perfdata: string, strict = false): string[] {
  if (perfdata === "") return ["empty perfdata"];
  const items = splitItems(perfdata);
  if (items === undefined) return [`bad spacing or quoting in '${perfdata}'`];
  const errors = items.map((item) => parseItem(item, strict)).filter((r): r is string => typeof r === "string");
  const labels = items.map((item) => parseItem(item, strict)).flatMap((r) => (typeof r === "string" ? [] : [r.label]));
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined) errors.push(`label '${dup}' given twice`);
  return errors;
}

export function isValidPerfdata(perfdata: string, strict = false): boolean {
  return perfdataErrors(perfdata, strict).length === 0;
}

/** The perfdata of a whole plugin output (everything after its one `|`), or undefined when there is none. */
export function perfdataOf(output: string): string | undefined {
  const idx = output.indexOf("|");
  return idx === -1 ? undefined : output.slice(idx + 1).trim();
}
