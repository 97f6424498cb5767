/**
 * EC2 instance metadata service (IMDSv2): token handshake plus the handful
 * of paths the checks read. Served under `/latest/` on the same port.
 */
import { randomBytes } from "node:crypto";
import type { WireResponse } from "./errors";
import type { ImdsEvent, ImdsModel } from "./scenario";

export const IMDS_MAX_TTL = 21600;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** IMDS maintenance-event date format: `21 Jan 2019 09:00:43 GMT`. */
export function imdsDate(d: Date): string {
  return (
    `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`
  );
}

export function imdsEventJson(e: ImdsEvent, k: number): Record<string, string> {
  const out: Record<string, string> = { NotBefore: imdsDate(e.notBefore), Code: e.code, Description: e.description };
  out.EventId = e.eventId ?? `instance-event-${(0x0d59937288b749b3n + BigInt(k)).toString(16).padStart(17, "0")}`;
  if (e.notAfter) out.NotAfter = imdsDate(e.notAfter);
  out.State = e.state ?? "active";
  return out;
}

function text(status: number, body: string, headers: Record<string, string> = {}): WireResponse {
  return { status, headers: { "content-type": "text/plain", ...headers }, body };
}

const NOT_FOUND = (): WireResponse =>
  ({
    status: 404,
    headers: { "content-type": "text/html" },
    body:
      '<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n' +
      '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n' +
      " <head>\n  <title>404 - Not Found</title>\n </head>\n <body>\n  <h1>404 - Not Found</h1>\n </body>\n</html>\n",
  });

export class ImdsTokens {
  private readonly tokens = new Map<string, number>();

  issue(ttlSeconds: number): string {
    const token = randomBytes(42).toString("base64url");
    this.tokens.set(token, Date.now() + ttlSeconds * 1000);
    return token;
  }

  valid(token: string): boolean {
    const exp = this.tokens.get(token);
    return exp !== undefined && exp > Date.now();
  }

  clear(): void {
    this.tokens.clear();
  }
}

/** Answers one IMDS request. `path` is normalised (no duplicate slashes, no query). */
export function handleImds(
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  model: ImdsModel | undefined,
  accountId: string,
  tokens: ImdsTokens,
): WireResponse {
  if (!model) return NOT_FOUND();
  if (path === "/latest/api/token") {
    if (method !== "PUT") return text(405, "Method Not Allowed");
    const ttlRaw = headers["x-aws-ec2-metadata-token-ttl-seconds"];
    const ttl = typeof ttlRaw === "string" && /^\d+$/.test(ttlRaw) ? Number(ttlRaw) : Number.NaN;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > IMDS_MAX_TTL) return text(400, "Bad Request");
    return text(200, tokens.issue(ttl), { "x-aws-ec2-metadata-token-ttl-seconds": String(ttl) });
  }
  if (method !== "GET" && method !== "HEAD") return text(405, "Method Not Allowed");
  const token = headers["x-aws-ec2-metadata-token"];
  if (typeof token === "string") {
    if (!tokens.valid(token)) return text(401, "Unauthorized");
  } else if (!model.allowV1) {
    return text(401, "Unauthorized");
  }
  const az = model.availabilityZone ?? `${model.region}a`;
  const events = model.scheduledEvents ?? [];
  const profile = model.instanceProfile;
  if (profile && /^\/latest\/meta-data\/iam\/security-credentials\/?$/.test(path)) return text(200, profile.role);
  if (profile && path === `/latest/meta-data/iam/security-credentials/${profile.role}`) {
    const expiration = new Date(Date.now() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    return text(200, JSON.stringify({
      Code: "Success", LastUpdated: new Date().toISOString().replace(/\.\d+Z$/, "Z"), Type: "AWS-HMAC",
      AccessKeyId: profile.accessKeyId, SecretAccessKey: profile.secretAccessKey, Token: "fake-session-token", Expiration: expiration,
    }));
  }
  switch (path) {
    case "/latest/meta-data":
    case "/latest/meta-data/":
      return text(200, "ami-id\nevents/\nhostname\ninstance-id\ninstance-type\nlocal-ipv4\nplacement/");
    case "/latest/meta-data/instance-id":
      return text(200, model.instanceId);
    case "/latest/meta-data/instance-type":
      return text(200, "t3.micro");
    case "/latest/meta-data/ami-id":
      return text(200, "ami-0000000000000000a");
    case "/latest/meta-data/placement":
    case "/latest/meta-data/placement/":
      return text(200, "availability-zone\nregion");
    case "/latest/meta-data/placement/region":
      return text(200, model.region);
    case "/latest/meta-data/placement/availability-zone":
      return text(200, az);
    case "/latest/meta-data/events":
    case "/latest/meta-data/events/":
      return text(200, "maintenance/");
    case "/latest/meta-data/events/maintenance":
    case "/latest/meta-data/events/maintenance/":
      return text(200, "history\nscheduled");
    case "/latest/meta-data/events/maintenance/scheduled":
      return text(
        200,
        JSON.stringify(
          events.map((e, k) => [e, k] as const).filter(([e]) => (e.state ?? "active") === "active").map(([e, k]) => imdsEventJson(e, k)),
        ),
      );
    case "/latest/meta-data/events/maintenance/history":
      return text(
        200,
        JSON.stringify(
          events.map((e, k) => [e, k] as const).filter(([e]) => (e.state ?? "active") !== "active").map(([e, k]) => imdsEventJson(e, k)),
        ),
      );
    case "/latest/dynamic/instance-identity/document":
      return {
        status: 200,
        headers: { "content-type": "text/plain" },
        body: JSON.stringify(
          {
            accountId,
            architecture: "x86_64",
            availabilityZone: az,
            imageId: "ami-0000000000000000a",
            instanceId: model.instanceId,
            instanceType: "t3.micro",
            pendingTime: "2020-01-01T00:00:00Z",
            privateIp: "10.0.0.1",
            region: model.region,
            version: "2017-09-30",
          },
          null,
          2,
        ),
      };
    default:
      return NOT_FOUND();
  }
}
