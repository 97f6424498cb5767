/**
 * The loopback HTTP server: routing (IMDS paths, SigV4-scoped AWS API calls,
 * SQS JSON targets), the call log, fault injection and clean shutdown.
 */
import { randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Socket } from "node:net";
import type { AssumedRole, RequestContext } from "./context";
import { handleAutoScaling, warmAutoScaling } from "./autoscaling";
import { handleEc2, warmEc2 } from "./ec2";
import { handleElb, warmElb } from "./elb";
import { handleElbv2, warmElbv2 } from "./elbv2";
import {
  AwsError,
  type FaultKind,
  type Service,
  type WireResponse,
  faultError,
  invalidAction,
  malformedBody,
  renderError,
} from "./errors";
import { ImdsTokens, handleImds } from "./imds";
import { ScenarioIndex } from "./model";
import { QueryParams } from "./query";
import type { Scenario } from "./scenario";
import { type JsonBody, handleSqs } from "./sqs";
import { defaultPrincipalArn, handleSts } from "./sts";

export interface FaultSpec {
  /** Restrict to one service. IMDS is only affected by faults that name `service: "imds"`. */
  service?: Service;
  /** Restrict to one action (e.g. "DescribeInstanceStatus"; for IMDS the path, e.g. "/latest/api/token"). */
  action?: string;
  /** Restrict to one region (from the SigV4 credential scope). */
  region?: string;
  kind: FaultKind;
  /** Apply to the first N matching calls only; absent = every matching call. */
  times?: number;
  /** For kind "slow": delay before the normal answer. Default 2000 ms. */
  delayMs?: number;
}

export interface CallRecord {
  service: Service;
  action: string;
  region: string;
  /** Query params (without Action/Version), the JSON body for SQS, `{method}` for IMDS. */
  params: Record<string, unknown>;
  /** Access key id from the SigV4 Authorization header. */
  accessKeyId: string | undefined;
  /** Fault injected into this call, if any. */
  fault?: FaultKind;
  /** HTTP status sent (undefined for hung calls, or while a slow call is pending). */
  status?: number;
  /** Date.now() when the request was complete. */
  time: number;
}

export interface CallFilter {
  service?: Service;
  action?: string;
  region?: string;
  accessKeyId?: string;
}

export interface StartOptions {
  /** Default 0 (random free port). */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Serve HTTPS with this PEM key and certificate (IMDS then answers over HTTPS too). */
  tls?: { key: string; cert: string };
}

export interface FakeAws {
  /** `http://127.0.0.1:PORT` (`https://` when started with `tls`) */
  readonly url: string;
  readonly port: number;
  readonly scenario: Scenario;
  /** Every call received since start or the last resetCalls(), in arrival order. */
  readonly calls: readonly CallRecord[];
  /** Every successful STS AssumeRole, in order. */
  readonly assumedRoles: readonly AssumedRole[];
  /** Number of calls to `action` (optionally only in `region`). */
  count(action: string, region?: string): number;
  countWhere(filter: CallFilter): number;
  callsWhere(filter: CallFilter): CallRecord[];
  resetCalls(): void;
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Replaces the model (also the way to apply in-place edits: per-item render caches are rebuilt). */
  setScenario(scenario: Scenario): void;
  /** Pre-renders the XML of every item in every region now, instead of on first use. */
  warm(): void;
  /** Environment for a child process (check binary) talking to this fake. */
  env(extra?: Record<string, string>): Record<string, string>;
  /** Closes the server and destroys every open socket, including hung requests. */
  stop(): Promise<void>;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

const SCOPE_RE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

const VERSION_SERVICE: Record<string, Service> = {
  "2016-11-15": "ec2",
  "2012-06-01": "elasticloadbalancing",
  "2015-12-01": "elasticloadbalancingv2",
  "2011-01-01": "autoscaling",
  "2011-06-15": "sts",
};

const KNOWN_SERVICES = new Set<string>(["ec2", "elasticloadbalancing", "elasticloadbalancingv2", "autoscaling", "sqs", "sts"]);

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function matches(f: FaultSpec, service: Service, action: string, region: string): boolean {
  if (f.service === undefined ? service === "imds" : f.service !== service) return false;
  if (f.action !== undefined && f.action !== action) return false;
  if (f.region !== undefined && f.region !== region) return false;
  return true;
}

function callMatches(c: CallRecord, f: CallFilter): boolean {
  return (
    (f.service === undefined || c.service === f.service) &&
    (f.action === undefined || c.action === f.action) &&
    (f.region === undefined || c.region === f.region) &&
    (f.accessKeyId === undefined || c.accessKeyId === f.accessKeyId)
  );
}

class FakeAwsServer implements FakeAws {
  url = "";
  port = 0;
  private index: ScenarioIndex;
  private callLog: CallRecord[] = [];
  private faults: ActiveFault[] = [];
  private readonly roles: AssumedRole[] = [];
  private readonly rolesByKey = new Map<string, AssumedRole>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly imdsTokens = new ImdsTokens();
  private readonly server: Server;
  private stopping: Promise<void> | undefined;

  constructor(
    scenario: Scenario,
    private readonly tls?: StartOptions["tls"],
  ) {
    this.index = new ScenarioIndex(scenario);
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`fake-aws internal error: ${String(err)}`);
        }
      });
    };
    this.server = tls ? createTlsServer(tls, onRequest) : createServer(onRequest);
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const addr = this.server.address();
        if (addr === null || typeof addr === "string") return reject(new Error("fake-aws: no TCP address"));
        this.port = addr.port;
        this.url = `${this.scheme}://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
        resolve();
      });
    });
  }

  private get scheme(): string {
    return this.tls ? "https" : "http";
  }

  get scenario(): Scenario {
    return this.index.scenario;
  }

  get calls(): readonly CallRecord[] {
    return this.callLog;
  }

  get assumedRoles(): readonly AssumedRole[] {
    return this.roles;
  }

  count(action: string, region?: string): number {
    return this.countWhere({ action, region });
  }

  countWhere(filter: CallFilter): number {
    let n = 0;
    for (const c of this.callLog) if (callMatches(c, filter)) n++;
    return n;
  }

  callsWhere(filter: CallFilter): CallRecord[] {
    return this.callLog.filter((c) => callMatches(c, filter));
  }

  resetCalls(): void {
    this.callLog = [];
  }

  inject(fault: FaultSpec): void {
    this.faults.push({ ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  setScenario(scenario: Scenario): void {
    this.index = new ScenarioIndex(scenario);
  }

  warm(): void {
    for (const name of Object.keys(this.index.scenario.regions)) {
      const region = this.index.region(name);
      warmEc2(region, this.index.accountId);
      warmElb(region);
      warmAutoScaling(region, this.index.accountId);
      warmElbv2(region);
    }
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.url,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: this.url,
      // The checks give IMDS 1 s, plenty on EC2; this fake answers from a test process that a loaded
      // 2-core machine may not schedule that soon.
      AWS_METADATA_SERVICE_TIMEOUT: "10",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "x",
      ...extra,
    };
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = new Promise<void>((resolve) => {
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        this.server.close(() => resolve());
        for (const s of this.sockets) s.destroy();
        this.sockets.clear();
      });
    }
    return this.stopping;
  }

  // -------------------------------------------------------------------------

  private takeFault(service: Service, action: string, region: string): ActiveFault | undefined {
    for (let i = 0; i < this.faults.length; i++) {
      const f = this.faults[i] as ActiveFault;
      if (!matches(f, service, action, region)) continue;
      f.remaining--;
      if (f.remaining <= 0) this.faults.splice(i, 1);
      return f;
    }
    return undefined;
  }

  private send(res: ServerResponse, call: CallRecord | undefined, wire: WireResponse): void {
    if (call) call.status = wire.status;
    if (res.destroyed) return;
    const body = Buffer.from(wire.body, "utf8");
    res.writeHead(wire.status, { ...wire.headers, "content-length": String(body.length) });
    res.end(body);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    // MetadataService joins "<endpoint path>/" + "/latest/…", so collapse leading slashes before parsing
    // (a raw "//latest/…" would parse as a protocol-relative URL with host "latest").
    const url = new URL((req.url ?? "/").replace(/^\/{2,}/, "/"), "http://fake");
    const path = url.pathname.replace(/\/{2,}/g, "/");
    const method = req.method ?? "GET";

    if (path === "/latest" || path.startsWith("/latest/")) return this.onImds(req, res, method, path);
    if (path.startsWith("/__fake/")) return this.onControl(res, method, path, body);

    const auth = header(req, "authorization") ?? "";
    const scope = SCOPE_RE.exec(auth);
    const accessKeyId = scope?.[1];
    const region = scope?.[2] ?? "us-east-1";
    const target = header(req, "x-amz-target");

    let service: Service | undefined;
    let action: string | undefined;
    let query: QueryParams | undefined;
    let json: JsonBody | undefined;
    let params: Record<string, unknown>;

    if (target !== undefined) {
      const dot = target.lastIndexOf(".");
      action = dot >= 0 ? target.slice(dot + 1) : target;
      service = target.startsWith("AmazonSQS") ? "sqs" : (scope?.[3] as Service | undefined);
      try {
        json = body.trim() === "" ? {} : (JSON.parse(body) as JsonBody);
      } catch {
        json = {};
      }
      params = json;
    } else {
      query = QueryParams.parse(method === "POST" ? body : "", url.search);
      action = query.action;
      const scoped = scope?.[3];
      service =
        scoped !== undefined && KNOWN_SERVICES.has(scoped)
          ? (scoped as Service)
          : (VERSION_SERVICE[query.version ?? ""] ?? (scoped as Service | undefined));
      // Both ELB generations sign as `elasticloadbalancing`: the API version tells them apart.
      if (service === "elasticloadbalancing" && VERSION_SERVICE[query.version ?? ""] === "elasticloadbalancingv2") service = "elasticloadbalancingv2";
      const obj = query.toObject();
      delete obj.Action;
      delete obj.Version;
      params = obj;
    }

    if (action === undefined || service === undefined || !KNOWN_SERVICES.has(service)) {
      const svc: Service = service !== undefined && KNOWN_SERVICES.has(service) ? service : "ec2";
      this.send(res, undefined, renderError(svc, invalidAction(svc, action ?? (path === "/" ? undefined : path)), randomUUID()));
      return;
    }

    const call: CallRecord = { service, action, region, params, accessKeyId, time: Date.now() };
    this.callLog.push(call);
    const requestId = randomUUID();
    const assumed = accessKeyId !== undefined ? this.rolesByKey.get(accessKeyId) : undefined;
    const principalArn = assumed?.assumedRoleArn ?? defaultPrincipalArn(this.index.accountId);

    const fault = this.takeFault(service, action, region);
    if (fault) call.fault = fault.kind;
    const svc = service;
    const act = action;
    const respond = (): void => {
      const ctx: RequestContext = {
        service: svc,
        action: act,
        region,
        index: this.index,
        regionIndex: this.index.region(region),
        requestId,
        accountId: this.index.accountId,
        endpoint: `${this.scheme}://${header(req, "host") ?? `127.0.0.1:${this.port}`}`,
        accessKeyId,
        principalArn,
        assumedRoles: this.rolesByKey,
        recordAssumedRole: (role) => {
          this.roles.push(role);
          this.rolesByKey.set(role.accessKeyId, role);
        },
      };
      this.send(res, call, this.dispatch(ctx, query, json));
    };

    if (!fault) return respond();
    switch (fault.kind) {
      case "hang":
        return; // request read; never answered until the client gives up or stop() runs
      case "slow":
        this.later(fault.delayMs ?? 2000, respond);
        return;
      case "malformed":
        this.send(res, call, malformedBody(service, action));
        return;
      default: {
        const resource = service === "sts" && query ? (query.str("RoleArn") ?? "*") : "*";
        this.send(res, call, renderError(service, faultError(fault.kind, service, action, principalArn, resource), requestId));
      }
    }
  }

  private dispatch(ctx: RequestContext, query: QueryParams | undefined, json: JsonBody | undefined): WireResponse {
    try {
      switch (ctx.service) {
        case "ec2":
          return handleEc2(query ?? new QueryParams(new Map()), ctx);
        case "elasticloadbalancing":
          return handleElb(query ?? new QueryParams(new Map()), ctx);
        case "autoscaling":
          return handleAutoScaling(query ?? new QueryParams(new Map()), ctx);
        case "elasticloadbalancingv2":
          return handleElbv2(query ?? new QueryParams(new Map()), ctx);
        case "sts":
          return handleSts(query ?? new QueryParams(new Map()), ctx);
        case "sqs":
          if (!json) throw invalidAction("sqs", ctx.action);
          return handleSqs(json, ctx);
        default:
          throw invalidAction(ctx.service, ctx.action);
      }
    } catch (err) {
      const e = err instanceof AwsError ? err : new AwsError(500, "InternalError", `fake-aws handler failed: ${String(err)}`);
      return renderError(ctx.service, e, ctx.requestId);
    }
  }

  private onImds(req: IncomingMessage, res: ServerResponse, method: string, path: string): void {
    const region = this.index.scenario.imds?.region ?? "";
    const call: CallRecord = {
      service: "imds",
      action: path,
      region,
      params: { method },
      accessKeyId: undefined,
      time: Date.now(),
    };
    this.callLog.push(call);
    const fault = this.takeFault("imds", path, region);
    const respond = () =>
      this.send(res, call, handleImds(method, path, req.headers, this.index.scenario.imds, this.index.accountId, this.imdsTokens));
    if (!fault) return respond();
    call.fault = fault.kind;
    switch (fault.kind) {
      case "hang":
        return;
      case "slow":
        this.later(fault.delayMs ?? 2000, respond);
        return;
      case "malformed":
        this.send(res, call, malformedBody("imds", path));
        return;
      default:
        this.send(res, call, renderError("imds", faultError(fault.kind, "imds", path, ""), ""));
    }
  }

  /** Control plane for fakes running in another process (cli.ts). */
  private onControl(res: ServerResponse, method: string, path: string, body: string): void {
    const json = (status: number, payload: unknown) =>
      this.send(res, undefined, { status, headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    if (path === "/__fake/calls" && method === "GET") {
      const counts: Record<string, number> = {};
      for (const c of this.callLog) {
        const k = `${c.service}:${c.action}:${c.region}`;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      return json(200, { total: this.callLog.length, counts });
    }
    if (path === "/__fake/calls" && method === "DELETE") {
      this.resetCalls();
      return json(200, { ok: true });
    }
    if (path === "/__fake/faults" && method === "POST") {
      try {
        const spec = JSON.parse(body) as FaultSpec;
        this.inject(spec);
        return json(200, { ok: true });
      } catch (e) {
        return json(400, { error: String(e) });
      }
    }
    if (path === "/__fake/faults" && method === "DELETE") {
      this.clearFaults();
      return json(200, { ok: true });
    }
    return json(404, { error: "unknown control path" });
  }
}

/** Starts the fake on 127.0.0.1 (random port unless given). */
export async function startFakeAws(scenario: Scenario, options: StartOptions = {}): Promise<FakeAws> {
  const fake = new FakeAwsServer(scenario, options.tls);
  await fake.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  return fake;
}
