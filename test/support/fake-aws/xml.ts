/**
 * Minimal, allocation-light XML building helpers for the fake AWS endpoint.
 * Everything is plain string concatenation: the fake must render tens of
 * thousands of items per second for benchmarks.
 */
import type { WireResponse } from "./errors";

const XML_SPECIAL = /[&<>"']/;
const XML_SPECIAL_G = /[&<>"']/g;
const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Escapes text for use in element content or attribute values. */
export function esc(value: string): string {
  if (!XML_SPECIAL.test(value)) return value;
  return value.replace(XML_SPECIAL_G, (c) => XML_ENTITIES[c] ?? c);
}

/** `<name>escaped value</name>`, or "" when value is undefined/null. */
export function el(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? esc(value) : String(value);
  return `<${name}>${text}</${name}>`;
}

/** `<name>` + already-rendered inner XML + `</name>`. */
export function wrap(name: string, innerXml: string): string {
  return `<${name}>${innerXml}</${name}>`;
}

/** `<name>` + items rendered and joined + `</name>` (always emitted, even when empty). */
export function list<T>(name: string, items: readonly T[], render: (item: T) => string): string {
  let out = `<${name}>`;
  for (const item of items) out += render(item);
  return out + `</${name}>`;
}

/** ISO-8601 timestamp with milliseconds, as AWS XML APIs send it. */
export function iso(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : date.toISOString();
}

export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** A 200 answer of an awsQuery service (ELB, Auto Scaling, STS): `<ActionResponse><ActionResult>…`. */
export function queryResponse(namespace: string, action: string, requestId: string, result: string): WireResponse {
  return {
    status: 200,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
    body:
      `<${action}Response xmlns="${namespace}">\n  <${action}Result>${result}</${action}Result>\n` +
      `  <ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>\n</${action}Response>\n`,
  };
}
