/**
 * Decoding of AWS Query-protocol request parameters
 * (`application/x-www-form-urlencoded` bodies such as
 * `Action=DescribeInstances&Version=2016-11-15&InstanceId.1=i-...&Filter.1.Name=tag:Env&Filter.1.Value.1=prod`).
 */

export interface QueryFilter {
  name: string;
  values: string[];
}

export class QueryParams {
  readonly map: Map<string, string>;

  constructor(map: Map<string, string>) {
    this.map = map;
  }

  static parse(body: string, search = ""): QueryParams {
    const map = new Map<string, string>();
    for (const src of [search, body]) {
      if (!src) continue;
      for (const [k, v] of new URLSearchParams(src)) map.set(k, v);
    }
    return new QueryParams(map);
  }

  get action(): string | undefined {
    return this.map.get("Action");
  }

  get version(): string | undefined {
    return this.map.get("Version");
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  str(name: string): string | undefined {
    return this.map.get(name);
  }

  /** Integer parameter; `NaN` when present but not an integer, undefined when absent. */
  int(name: string): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    return /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  }

  bool(name: string): boolean | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    return v.toLowerCase() === "true";
  }

  /** Flattened EC2 list: `Prefix.1`, `Prefix.2`, … (ordered by index). */
  list(prefix: string): string[] {
    return this.indexed(prefix + ".", (rest) => (/^\d+$/.test(rest) ? Number(rest) : undefined));
  }

  /** awsQuery list: `Prefix.member.1`, `Prefix.member.2`, … */
  memberList(prefix: string): string[] {
    return this.list(prefix + ".member");
  }

  /** awsQuery list of structures: `Prefix.member.N.Field`. */
  memberStructList(prefix: string, field: string): string[] {
    const p = prefix + ".member.";
    const suffix = "." + field;
    return this.indexed(p, (rest) => {
      if (!rest.endsWith(suffix)) return undefined;
      const idx = rest.slice(0, -suffix.length);
      return /^\d+$/.test(idx) ? Number(idx) : undefined;
    });
  }

  /** EC2 filters: `Filter.N.Name` with `Filter.N.Value.M`. */
  filters(): QueryFilter[] {
    const byIndex = new Map<number, { name?: string; values: Array<[number, string]> }>();
    for (const [k, v] of this.map) {
      if (!k.startsWith("Filter.")) continue;
      const m = /^Filter\.(\d+)\.(?:(Name)|Value\.(\d+))$/.exec(k);
      if (!m) continue;
      const idx = Number(m[1]);
      let entry = byIndex.get(idx);
      if (!entry) {
        entry = { values: [] };
        byIndex.set(idx, entry);
      }
      if (m[2]) entry.name = v;
      else entry.values.push([Number(m[3]), v]);
    }
    return [...byIndex.entries()]
      .sort((a, b) => a[0] - b[0])
      .filter(([, e]) => e.name !== undefined)
      .map(([, e]) => ({ name: e.name as string, values: e.values.sort((a, b) => a[0] - b[0]).map(([, v]) => v) }));
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.map);
  }

  private indexed(prefix: string, indexOf: (rest: string) => number | undefined): string[] {
    const found: Array<[number, string]> = [];
    for (const [k, v] of this.map) {
      if (!k.startsWith(prefix)) continue;
      const idx = indexOf(k.slice(prefix.length));
      if (idx !== undefined) found.push([idx, v]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }
}

/**
 * AWS-style wildcard match: `*` = any run of characters, `?` = one character.
 * Returns a predicate; exact comparison when the pattern has no wildcard.
 */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  if (!/[*?]/.test(pattern)) return (v) => v === pattern;
  const source = pattern
    .split("")
    .map((c) => (c === "*" ? "[\\s\\S]*" : c === "?" ? "[\\s\\S]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  const re = new RegExp(`^${source}$`);
  return (v) => re.test(v);
}

/** One predicate accepting a value matching any of the (wildcard) patterns. */
export function anyOf(patterns: readonly string[]): (value: string | undefined) => boolean {
  const ms = patterns.map(wildcardMatcher);
  return (v) => v !== undefined && ms.some((m) => m(v));
}
