import { isIP } from "node:net";
import type { ProxyRules } from "./proxy";

// Apart from src/aws/proxy.ts, which the option parser of every command loads: node:net, for isIP, costs
// a local check about 10 ms of start-up (Bun evaluates it with the streams it builds on).

/** The proxy for a request to `protocol//host:port`, or undefined for a direct connection. */
export function proxyFor(rules: ProxyRules, protocol: string, host: string, port: number): string | undefined {
  const proxy = protocol === "http:" ? rules.http : rules.https;
  if (proxy === undefined || bypasses(rules.noProxy, host, port)) return undefined;
  return proxy;
}

/**
 * NO_PROXY entries: `*`; a host name, which also covers its subdomains (`example.com`, `.example.com`,
 * `*.example.com`); an IP address; a CIDR block (`10.0.0.0/8`, `fd00::/8`); any of them with `:port`.
 */
export function bypasses(entries: readonly string[], rawHost: string, port: number): boolean {
  const host = rawHost.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  return entries.some((raw) => {
    if (raw === "*") return true;
    const [entry, entryPort] = splitPort(raw);
    if (entryPort !== undefined && entryPort !== port) return false;
    if (entry.includes("/")) return inCidr(host, entry);
    if (isIP(entry)) return isIP(host) === isIP(entry) && ipBits(host) === ipBits(entry);
    const domain = entry.replace(/^\*?\./, "");
    return domain !== "" && (host === domain || host.endsWith(`.${domain}`));
  });
}

function splitPort(entry: string): [string, number | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1], bracketed[2] === undefined ? undefined : Number(bracketed[2])];
  // A bare IPv6 address has several colons and no port.
  const m = /^([^:]+):(\d+)$/.exec(entry);
  return m ? [m[1], Number(m[2])] : [entry, undefined];
}

function inCidr(host: string, cidr: string): boolean {
  const [net, lengthText] = cidr.split("/");
  const family = isIP(net);
  const length = Number(lengthText);
  if (family === 0 || isIP(host) !== family || !/^\d+$/.test(lengthText)) return false;
  const width = family === 4 ? 32 : 128;
  if (length > width) return false;
  const shift = BigInt(width - length);
  return ipBits(host) >> shift === ipBits(net) >> shift;
}

/** An IPv4 or IPv6 address as one number. */
function ipBits(ip: string): bigint {
  if (isIP(ip) === 4) return ip.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
  let groups: string[];
  const [head, tail] = ip.split("::");
  if (tail === undefined) groups = head.split(":");
  else {
    const left = head === "" ? [] : head.split(":");
    const right = tail === "" ? [] : tail.split(":");
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  }
  // An embedded IPv4 tail (::1.2.3.4) stands for the last two groups.
  const last = groups[groups.length - 1];
  if (last.includes(".")) {
    const v4 = ipBits(last);
    groups.splice(groups.length - 1, 1, (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16));
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}
