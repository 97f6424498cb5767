/**
 * Opaque pagination tokens (EC2 NextToken, ELB Marker, SQS NextToken).
 * A token encodes the operation and the offset into the (deterministic)
 * filtered result list, so paging is O(page) per request after filtering.
 */

export function encodeToken(op: string, offset: number): string {
  return Buffer.from(`fake-aws:${op}:${offset}`).toString("base64url");
}

/** Offset for a token, 0 when absent, undefined when invalid. */
export function decodeToken(op: string, token: string | undefined): number | undefined {
  if (token === undefined || token === "") return 0;
  let text: string;
  try {
    text = Buffer.from(token, "base64url").toString("utf8");
  } catch {
    return undefined;
  }
  const m = /^fake-aws:([^:]+):(\d+)$/.exec(text);
  if (!m || m[1] !== op) return undefined;
  return Number(m[2]);
}

export interface Page<T> {
  items: T[];
  /** Token for the next page, undefined on the last page. */
  next: string | undefined;
}

export function page<T>(op: string, all: readonly T[], offset: number, size: number): Page<T> {
  const items = all.slice(offset, offset + size);
  const end = offset + items.length;
  return { items, next: end < all.length ? encodeToken(op, end) : undefined };
}
