import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { freePort } from "./sshd";

/**
 * A real Icinga 2 (test-components.md §2) with every path in a temp directory: config validation with
 * `icinga2 daemon -C`, and a running daemon whose REST API (TLS, on 127.0.0.1) reports each service's
 * last_check_result, including the argv Icinga built from the CheckCommand. Needs icinga2-bin; runs as root.
 */
export const ICINGA2 = "/usr/sbin/icinga2";

// What Debian's conf.d/templates.conf provides and the examples import.
export const TEMPLATES = `
template Host "generic-host" { check_command = "dummy"; max_check_attempts = 1; check_interval = 1h }
template Service "generic-service" { max_check_attempts = 1; check_interval = 1h; retry_interval = 1h }
`;
/**
 * The host the shipped AWS services apply to, pointed at the fake endpoint: `vars` are the further
 * custom variables (lists of queues, groups...) as Icinga 2 DSL lines.
 */
export function awsHost(o: { region: string; endpointUrl: string; accessKeyId: string; vars?: string[] }): string {
  const lines = [
    `vars.aws_region = "${o.region}"`,
    `vars.aws_endpoint_url = "${o.endpointUrl}"`,
    `vars.aws_access_key_id = "${o.accessKeyId}"`,
    `vars.aws_secret_access_key = "secret"`,
    ...(o.vars ?? []),
  ];
  return `object Host "aws" {\n\timport "generic-host"\n\taddress = "127.0.0.1"\n${lines.map((l) => `\t${l}\n`).join("")}}\n`;
}

const NODE = "testnode";
export const API_USER = "root";
export const API_PASSWORD = "aws-checks-test";

export interface IcingaSetup {
  /** Files included after the base configuration (shipped CheckCommands, examples). */
  includes: string[];
  /** Further configuration text of the test (hosts, services, constants). */
  objects: string;
  /** PluginContribDir, where the CheckCommands find the plugins. */
  pluginContribDir: string;
  /** Environment of the icinga2 process. */
  env?: Record<string, string>;
}

export interface CheckResult {
  host: string;
  service: string;
  state: number;
  exitStatus: number;
  /** First line and long output, without the perfdata. */
  output: string;
  perfdata: string[];
  /** The argv Icinga built from the CheckCommand. */
  command: string[];
}

export interface RunningIcinga {
  dir: string;
  port: number;
  /** GET on the REST API, parsed JSON. */
  api(path: string): Promise<unknown>;
  /** Polls /v1/objects/services until every named service ("host!service") has a result. */
  waitForResults(services: string[], timeoutMs?: number): Promise<Map<string, CheckResult>>;
  /** Ends the whole process group (umbrella, worker, spawn helper), then removes the directory. */
  stop(): Promise<void>;
}

export function defines(dir: string): string[] {
  const paths: Record<string, string> = {
    ConfigDir: "etc",
    ZonesDir: "etc/zones.d",
    DataDir: "data",
    CacheDir: "cache",
    LogDir: "log",
    SpoolDir: "spool",
    InitRunDir: "run",
    PidPath: "run/icinga2.pid",
    VarsPath: "cache/icinga2.vars",
    ObjectsPath: "cache/icinga2.debug",
    ModAttrPath: "data/modified-attributes.conf",
    StatePath: "data/icinga2.state",
  };
  return [
    ...Object.entries(paths).map(([k, v]) => `-DConfiguration.${k}=${join(dir, v)}`),
    "-DConfiguration.RunAsUser=root",
    "-DConfiguration.RunAsGroup=root",
  ];
}

export function makeDirs(dir: string): void {
  for (const d of ["etc", "data/certs", "cache", "log", "spool/tmp", "run"]) mkdirSync(join(dir, d), { recursive: true });
}

function baseConfig(setup: IcingaSetup, api?: { port: number }): string {
  const lines = [
    "include <itl>",
    "include <plugins>",
    `const PluginDir = "/usr/lib/nagios/plugins"`,
    `const PluginContribDir = ${JSON.stringify(setup.pluginContribDir)}`,
    `const NodeName = "${NODE}"`,
    `const ZoneName = "${NODE}"`,
    `const TicketSalt = ""`,
    `object CheckerComponent "checker" {}`,
  ];
  if (api) {
    lines.push(
      `object Endpoint "${NODE}" {}`,
      `object Zone "${NODE}" { endpoints = [ "${NODE}" ] }`,
      `object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${api.port}; accept_config = false; accept_commands = false }`,
      `object ApiUser "${API_USER}" { password = "${API_PASSWORD}"; permissions = [ "*" ] }`,
    );
  }
  lines.push(...setup.includes.map((f) => `include ${JSON.stringify(f)}`), setup.objects, "");
  return lines.join("\n");
}

function daemonArgs(dir: string, extra: string[]): string[] {
  return ["daemon", ...defines(dir), "-c", join(dir, "etc", "icinga2.conf"), ...extra];
}

/** `icinga2 daemon -C` on the config already written in `dir`. */
export function checkConfig(dir: string): { ok: boolean; output: string } {
  const r = spawnSync(ICINGA2, daemonArgs(dir, ["-C"]), { encoding: "utf8", timeout: 60_000, env: { PATH: process.env.PATH } });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** `icinga2 daemon -C`: what an operator runs after installing the files. */
export function validateIcinga(setup: IcingaSetup): { ok: boolean; output: string } {
  const dir = mkdtempSync("/tmp/aws-checks-icinga-");
  try {
    makeDirs(dir);
    writeFileSync(join(dir, "etc", "icinga2.conf"), baseConfig(setup));
    return checkConfig(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function makeCerts(dir: string): void {
  const pki = (args: string[]) => execFileSync(ICINGA2, ["pki", ...args, ...defines(dir)], { stdio: "ignore" });
  const certs = join(dir, "data", "certs");
  pki(["new-ca"]);
  pki(["new-cert", "--cn", NODE, "--key", join(certs, `${NODE}.key`), "--csr", join(certs, `${NODE}.csr`)]);
  pki(["sign-csr", "--csr", join(certs, `${NODE}.csr`), "--cert", join(certs, `${NODE}.crt`)]);
  copyFileSync(join(dir, "data", "ca", "ca.crt"), join(certs, "ca.crt"));
}

export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const signalGroup = (sig: NodeJS.Signals | 0) => {
    try {
      process.kill(-child.pid!, sig);
      return true;
    } catch {
      return false;
    }
  };
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", r));
  signalGroup("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  // The worker and spawn helper can outlive the umbrella (test-components.md §2): wait for the group to empty.
  const until = Date.now() + 5000;
  while (signalGroup(0) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  signalGroup("SIGKILL");
}

export function call(port: number, method: "GET" | "POST", path: string, payload?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        auth: `${API_USER}:${API_PASSWORD}`,
        headers: { Accept: "application/json", "Content-Type": "application/json" },
        // The test CA is made per run; nothing to pin.
        rejectUnauthorized: false,
        timeout: 10_000,
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => {
          if (res.statusCode !== 200) reject(new Error(`${method} ${path}: HTTP ${res.statusCode}: ${body.slice(0, 500)}`));
          else resolve(JSON.parse(body));
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    req.end(payload === undefined ? undefined : JSON.stringify(payload));
  });
}

const get = (port: number, path: string) => call(port, "GET", path);

/** A service as /v1/objects/services returns it, with the attributes the tests ask for. */
export interface ServiceObject {
  attrs: {
    host_name: string;
    name: string;
    last_check_result: null | {
      state: number;
      exit_status: number;
      output: string;
      performance_data?: string[];
      command: string[] | string;
      /** The endpoint that ran the check. */
      check_source: string;
    };
  };
}

/** A service's last check result as the tests read it (call only when it has one). */
export function resultOf(attrs: ServiceObject["attrs"]): CheckResult & { checkSource: string } {
  const r = attrs.last_check_result!;
  return {
    host: attrs.host_name,
    service: attrs.name,
    state: r.state,
    exitStatus: r.exit_status,
    output: r.output,
    perfdata: r.performance_data ?? [],
    command: Array.isArray(r.command) ? r.command : [r.command],
    checkSource: r.check_source,
  };
}

/** Starts `icinga2 daemon` on the config in `dir`, keeping the tail of what it prints for error messages. */
export function spawnDaemon(dir: string, extra: string[], env: Record<string, string>): { child: ChildProcess; log: () => string } {
  // setsid: its own process group, so stopGroup() reaches all three icinga2 processes and running plugins.
  const child = spawn("setsid", [ICINGA2, ...daemonArgs(dir, extra)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: dir, ...env },
  });
  let log = "";
  const keep = (d: Buffer) => (log = (log + d).slice(-20000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { child, log: () => log };
}

export async function startIcinga(setup: IcingaSetup): Promise<RunningIcinga> {
  const dir = mkdtempSync("/tmp/aws-checks-icinga-");
  makeDirs(dir);
  makeCerts(dir);
  const port = await freePort();
  writeFileSync(join(dir, "etc", "icinga2.conf"), baseConfig(setup, { port }));
  const { child, log } = spawnDaemon(dir, ["-x", "warning"], setup.env ?? {});

  const running: RunningIcinga = {
    dir,
    port,
    api: (path) => get(port, path),
    async waitForResults(services, timeoutMs = 45_000) {
      const until = Date.now() + timeoutMs;
      let latest = new Map<string, CheckResult>();
      let lastError = "";
      let rescheduled = false;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`icinga2 exited ${child.exitCode}:\n${log()}`);
        try {
          // Icinga spreads first checks over the check interval; ask for all of them now instead.
          if (!rescheduled) {
            await call(port, "POST", "/v1/actions/reschedule-check", { type: "Service", filter: "true", force: true });
            rescheduled = true;
          }
          const body = (await get(port, "/v1/objects/services?attrs=host_name&attrs=name&attrs=last_check_result")) as {
            results: ServiceObject[];
          };
          latest = new Map();
          for (const { attrs } of body.results) {
            const r = attrs.last_check_result;
            if (!r) continue;
            latest.set(`${attrs.host_name}!${attrs.name}`, resultOf(attrs));
          }
          if (services.every((s) => latest.has(s))) return latest;
        } catch (err) {
          // The API is not up yet.
          lastError = String(err);
        }
        if (Date.now() > until) {
          const missing = services.filter((s) => !latest.has(s));
          throw new Error(`no result after ${timeoutMs} ms for: ${missing.join(", ")} (${lastError})\n${log()}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async stop() {
      await stopGroup(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return running;
}
