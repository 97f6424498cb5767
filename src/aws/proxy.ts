/**
 * Which proxy an AWS call goes through, decided per request from its URL the way the AWS CLI (Python
 * requests) reads the environment: HTTPS_PROXY for https endpoints, HTTP_PROXY for http ones, either
 * case, minus the hosts NO_PROXY names. `--proxy` replaces both variables; NO_PROXY still applies.
 */
export interface ProxyRules {
  /** Proxy URL for https endpoints, credentials included (never print it: use `proxyLabel`). */
  https?: string;
  http?: string;
  /** Where the proxy came from, for messages: `--proxy`, `HTTPS_PROXY`... */
  source: { https?: string; http?: string };
  noProxy: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

function fromEnv(env: Env, name: string): { value?: string; name?: string } {
  for (const n of [name, name.toLowerCase()]) {
    const value = env[n]?.trim();
    if (value) return { value, name: n };
  }
  return {};
}

// `proxy:3128` means `http://proxy:3128`, as for curl and the AWS CLI.
export function withScheme(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

export function proxyRules(flag: string | undefined, env: Env): ProxyRules {
  const noProxy = (fromEnv(env, "NO_PROXY").value ?? "")
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== "");
  if (flag !== undefined) return { https: withScheme(flag), http: withScheme(flag), source: { https: "--proxy", http: "--proxy" }, noProxy };
  const https = fromEnv(env, "HTTPS_PROXY");
  const http = fromEnv(env, "HTTP_PROXY");
  return {
    https: https.value === undefined ? undefined : withScheme(https.value),
    http: http.value === undefined ? undefined : withScheme(http.value),
    source: { https: https.name, http: http.name },
    noProxy,
  };
}

/** `http://proxy.example.com:3128`: the proxy URL without user, password, path or query, for messages. */
export function proxyLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "the proxy (unparseable URL)";
  }
}

/** Checks a proxy URL; returns what is wrong, never echoing credentials, or undefined when usable. */
export function proxyUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "not a URL (expected http://[user:password@]host:port)";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return `${proxyLabel(url)}: only http:// and https:// proxies are supported`;
  if (u.hostname === "") return "no host in the URL (expected http://[user:password@]host:port)";
  return undefined;
}
