import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { API_PASSWORD, API_USER, call, type CheckResult, checkConfig, defines, ICINGA2, makeDirs, resultOf, type ServiceObject, spawnDaemon, stopGroup } from "./icinga";
import { freePort } from "./sshd";

/**
 * A real Icinga 2 master and a real Icinga 2 agent on 127.0.0.1: two daemons, each with its own
 * directories, API port and certificate (the master's CA signs the agent's CSR, both made with
 * `icinga2 pki`). The master loads its zones.d (global-templates synced to the agent, its own zone's
 * hosts and services) and connects to the agent; checks with `command_endpoint` run on the agent.
 * Runs as root (test-components.md: every icinga2 call needs the Configuration.* defines).
 */

export const MASTER = "master";

export interface ClusterSetup {
  /** The agent's Endpoint and Zone name (as `icinga2 node wizard` would set NodeName). */
  agent: string;
  /** Files of the master's zones.d: zone name -> file name -> text. */
  zonesD: Record<string, Record<string, string>>;
  pluginContribDir: string;
  /** Environment of the agent daemon (its checks inherit it). */
  agentEnv?: Record<string, string>;
}

/** A check result as the master's API gives it, with the endpoint that ran the check (`check_source`). */
export interface ServiceResult extends CheckResult {
  checkSource: string;
}

export interface RunningCluster {
  masterPort: number;
  /** Asks the master to run these services now (again every 3 s) until each has a result from the agent. */
  forceAndWait(services: string[], timeoutMs?: number): Promise<Map<string, ServiceResult>>;
  /** The agent's directory: what the master syncs to it lands in data/api/zones/<zone>/. */
  agentDir: string;
  logs(): string;
  stop(): Promise<void>;
}

function pki(dir: string, args: string[]): void {
  execFileSync(ICINGA2, ["pki", ...args, ...defines(dir)], { stdio: "pipe" });
}

/** Node config: constants, the zones as this node sees them, its API listener. */
function nodeConfig(opts: { name: string; pluginContribDir: string; zones: string; listener: string; extra?: string }): string {
  return [
    "include <itl>",
    "include <plugins>",
    `const PluginDir = "/usr/lib/nagios/plugins"`,
    `const PluginContribDir = ${JSON.stringify(opts.pluginContribDir)}`,
    `const NodeName = ${JSON.stringify(opts.name)}`,
    `const ZoneName = ${JSON.stringify(opts.name)}`,
    `const TicketSalt = ""`,
    opts.zones,
    opts.listener,
    opts.extra ?? "",
    "",
  ].join("\n");
}

/** `icinga2 daemon -C` on a master layout: what an operator runs after installing the files. */
export function validateMaster(setup: { zonesConf: string; zonesD: Record<string, Record<string, string>>; pluginContribDir: string; nodeName: string }): { ok: boolean; output: string } {
  const dir = mkdtempSync("/tmp/aws-checks-icinga-master-");
  try {
    makeDirs(dir);
    writeZonesD(dir, setup.zonesD);
    writeFileSync(join(dir, "etc", "icinga2.conf"), nodeConfig({ name: setup.nodeName, pluginContribDir: setup.pluginContribDir, zones: setup.zonesConf, listener: "" }));
    return checkConfig(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeZonesD(dir: string, zonesD: Record<string, Record<string, string>>): void {
  for (const [zone, files] of Object.entries(zonesD)) {
    for (const [file, text] of Object.entries(files)) {
      const path = join(dir, "etc", "zones.d", zone, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
}

export async function startCluster(setup: ClusterSetup): Promise<RunningCluster> {
  const master = mkdtempSync("/tmp/aws-checks-icinga-master-");
  const agent = mkdtempSync("/tmp/aws-checks-icinga-agent-");
  makeDirs(master);
  makeDirs(agent);

  // Certificates: the master's CA; each node a key and CSR of its own, signed by that CA.
  pki(master, ["new-ca"]);
  const sign = (dir: string, cn: string) => {
    const certs = join(dir, "data", "certs");
    pki(dir, ["new-cert", "--cn", cn, "--key", join(certs, `${cn}.key`), "--csr", join(certs, `${cn}.csr`)]);
    pki(master, ["sign-csr", "--csr", join(certs, `${cn}.csr`), "--cert", join(certs, `${cn}.crt`)]);
    copyFileSync(join(master, "data", "ca", "ca.crt"), join(certs, "ca.crt"));
  };
  sign(master, MASTER);
  sign(agent, setup.agent);

  const masterPort = await freePort();
  const agentPort = await freePort();
  const zones = (agentHost: boolean) =>
    [
      `object Endpoint "${MASTER}" {}`,
      `object Zone "${MASTER}" { endpoints = [ "${MASTER}" ] }`,
      // The master connects to the agent (host/port known on its side only), as in a top-down setup.
      `object Endpoint "${setup.agent}" { ${agentHost ? `host = "127.0.0.1"; port = ${agentPort}` : ""} }`,
      `object Zone "${setup.agent}" { endpoints = [ "${setup.agent}" ]; parent = "${MASTER}" }`,
      `object Zone "global-templates" { global = true }`,
    ].join("\n");

  writeZonesD(master, setup.zonesD);
  writeFileSync(
    join(master, "etc", "icinga2.conf"),
    nodeConfig({
      name: MASTER,
      pluginContribDir: setup.pluginContribDir,
      zones: zones(true),
      listener:
        `object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${masterPort}; accept_config = false; accept_commands = false }\n` +
        `object ApiUser "${API_USER}" { password = "${API_PASSWORD}"; permissions = [ "*" ] }`,
      extra: `object CheckerComponent "checker" {}`,
    }),
  );
  writeFileSync(
    join(agent, "etc", "icinga2.conf"),
    nodeConfig({
      name: setup.agent,
      pluginContribDir: setup.pluginContribDir,
      zones: zones(false),
      listener: `object ApiListener "api" { bind_host = "127.0.0.1"; bind_port = ${agentPort}; accept_config = true; accept_commands = true }`,
    }),
  );

  const a = spawnDaemon(agent, ["-x", "notice"], setup.agentEnv ?? {});
  const m = spawnDaemon(master, ["-x", "notice"], {});
  const stopAll = async () => {
    await stopGroup(m.child);
    await stopGroup(a.child);
  };
  const logs = () => `--- master ---\n${m.log()}\n--- agent ---\n${a.log()}`;

  const services = async (): Promise<ServiceObject[]> =>
    ((await call(masterPort, "GET", "/v1/objects/services?attrs=host_name&attrs=name&attrs=last_check_result")) as { results: ServiceObject[] }).results;

  return {
    masterPort,
    agentDir: agent,
    logs,
    async forceAndWait(names, timeoutMs = 90_000) {
      const until = Date.now() + timeoutMs;
      let lastError = "";
      const asked = new Map<string, number>();
      const results = new Map<string, ServiceResult>();
      for (;;) {
        for (const [name, child] of [["master", m.child], ["agent", a.child]] as const) {
          if (child.exitCode !== null) throw new Error(`icinga2 ${name} exited ${child.exitCode}:\n${logs()}`);
        }
        try {
          const now = Date.now() / 1000;
          for (const name of names) {
            if (results.has(name)) continue;
            // Until the agent is connected and has the synced CheckCommands, a forced check comes back
            // as an UNKNOWN from the master ("not connected"); ask again every few seconds.
            if ((asked.get(name) ?? 0) < now - 3) {
              const [host, service] = name.split("!");
              await call(masterPort, "POST", "/v1/actions/reschedule-check", {
                type: "Service",
                filter: `host.name == "${host}" && service.name == "${service}"`,
                force: true,
              });
              asked.set(name, now);
            }
          }
          for (const { attrs } of await services()) {
            const r = attrs.last_check_result;
            const name = `${attrs.host_name}!${attrs.name}`;
            if (!r || !names.includes(name) || results.has(name)) continue;
            // Only the agent's own results count: while it is not connected the master answers with a
            // stand-in UNKNOWN of its own, and until the synced CheckCommands are loaded the agent says
            // the command does not exist.
            if (r.check_source !== setup.agent || /Check command '[^']*' does not exist/.test(r.output)) continue;
            results.set(name, resultOf(attrs));
          }
          if (names.every((n) => results.has(n))) return results;
        } catch (err) {
          lastError = String(err); // the API is not up yet
        }
        if (Date.now() > until) {
          const missing = names.filter((n) => !results.has(n));
          const seen = await services().catch(() => []);
          const last = seen.map((s) => `${s.attrs.host_name}!${s.attrs.name}: ${JSON.stringify(s.attrs.last_check_result?.output)} from ${s.attrs.last_check_result?.check_source}`);
          throw new Error(`no result from the agent after ${timeoutMs} ms for: ${missing.join(", ")} (${lastError})\n${last.join("\n")}\n${logs()}`);
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    async stop() {
      await stopAll();
      rmSync(master, { recursive: true, force: true });
      rmSync(agent, { recursive: true, force: true });
    },
  };
}
