import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A real Nagios 4 core in a temp directory (test-components.md §1): every path under one folder,
 * intervals in seconds, results in status.dat within about a second. Needs the Debian package
 * nagios4-core; runs as root with nagios_user=root.
 */
export const NAGIOS = "/usr/sbin/nagios4";

/** What a site's templates provide and the examples use: a generic host and service, checked once an hour. */
export const TEMPLATES = `
define host {
    name                  generic-host
    register              0
    max_check_attempts    1
    check_period          24x7
    contacts              nobody
    notification_period   24x7
    notification_interval 0
}
define service {
    name                  generic-service
    register              0
    max_check_attempts    1
    check_interval        3600
    retry_interval        3600
    check_period          24x7
    contacts              nobody
    notification_period   24x7
    notification_interval 0
}
`;

export interface NagiosSetup {
  /** Object definitions of the test (hosts, services); the shipped files come through cfgFiles. */
  objects: string;
  /** Further cfg_file entries, e.g. contrib/nagios/aws-checks-commands.cfg. */
  cfgFiles?: string[];
  /** $USER1$ in resource.cfg. */
  user1: string;
  /** The environment of the nagios process, which the plugins inherit. */
  env?: Record<string, string>;
}

export interface ServiceStatus {
  host: string;
  service: string;
  state: number;
  checked: boolean;
  /** First line without the perfdata. */
  output: string;
  /** The long output, newlines restored. */
  longOutput: string;
  perfdata: string;
  checkCommand: string;
}

export interface RunningNagios {
  dir: string;
  /** Polls status.dat until every named service has a result, or throws naming the missing ones. */
  waitForResults(services: string[], timeoutMs?: number): Promise<Map<string, ServiceStatus>>;
  /** Ends nagios and its workers (the whole process group), then removes the directory. */
  stop(): Promise<void>;
}

/** Objects every configuration needs: a 24x7 period, a silent contact and a host. */
export const BASE_OBJECTS = `
define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday 00:00-24:00
    monday 00:00-24:00
    tuesday 00:00-24:00
    wednesday 00:00-24:00
    thursday 00:00-24:00
    friday 00:00-24:00
    saturday 00:00-24:00
}
define contact {
    contact_name                  nobody
    host_notifications_enabled    0
    service_notifications_enabled 0
    host_notification_period      24x7
    service_notification_period   24x7
    host_notification_options     n
    service_notification_options  n
    host_notification_commands    notify-none
    service_notification_commands notify-none
}
define command {
    command_name notify-none
    command_line /bin/true
}
`;

function writeConfig(dir: string, setup: NagiosSetup): string {
  mkdirSync(join(dir, "checkresults"), { recursive: true });
  writeFileSync(join(dir, "objects.cfg"), `${BASE_OBJECTS}\n${setup.objects}\n`);
  writeFileSync(join(dir, "resource.cfg"), `$USER1$=${setup.user1}\n`);
  const main = [
    `log_file=${dir}/nagios.log`,
    `cfg_file=${dir}/objects.cfg`,
    ...(setup.cfgFiles ?? []).map((f) => `cfg_file=${f}`),
    `resource_file=${dir}/resource.cfg`,
    `status_file=${dir}/status.dat`,
    `object_cache_file=${dir}/objects.cache`,
    `precached_object_file=${dir}/objects.precache`,
    `temp_file=${dir}/nagios.tmp`,
    `temp_path=${dir}`,
    `lock_file=${dir}/nagios.lock`,
    `command_file=${dir}/nagios.cmd`,
    `query_socket=${dir}/nagios.qh`,
    `check_result_path=${dir}/checkresults`,
    `state_retention_file=${dir}/retention.dat`,
    "retain_state_information=0",
    "nagios_user=root",
    "nagios_group=root",
    "check_external_commands=0",
    "use_syslog=0",
    "log_rotation_method=n",
    "enable_notifications=0",
    "enable_flap_detection=0",
    // Seconds instead of minutes, no spreading of the first checks, results reaped and written at once.
    "interval_length=1",
    "service_inter_check_delay_method=n",
    "host_inter_check_delay_method=n",
    "max_service_check_spread=1",
    "max_host_check_spread=1",
    "check_result_reaper_frequency=1",
    // A few checks at a time: twenty plugins started at once on a busy 2-core machine starve each other
    // past time budgets that are part of what is tested (IMDS answers within 1 s).
    "max_concurrent_checks=4",
    "status_update_interval=1",
    "service_check_timeout=60",
    // A few checks at a time, as a real core spreads them: all ~30 at once on a loaded 2-core machine
    // would run past the plugins' own 10 s deadline and turn the states into timeouts.
    "max_concurrent_checks=4",
    "illegal_macro_output_chars=`~$&|'\"<>",
    "",
  ];
  writeFileSync(join(dir, "nagios.cfg"), main.join("\n"));
  return join(dir, "nagios.cfg");
}

/** `nagios4 -v`: the configuration check, as an operator runs it after installing the files. */
export function verifyNagiosConfig(setup: NagiosSetup): { ok: boolean; output: string } {
  const dir = mkdtempSync("/tmp/aws-checks-nagios-");
  try {
    const cfg = writeConfig(dir, setup);
    const r = spawnSync(NAGIOS, ["-v", cfg], { encoding: "utf8", timeout: 30_000 });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses the servicestatus blocks of status.dat. */
export function parseServiceStatus(text: string): ServiceStatus[] {
  const found: ServiceStatus[] = [];
  for (const block of text.matchAll(/servicestatus \{\n([\s\S]*?)\n\s*\}/g)) {
    const f = new Map<string, string>();
    for (const line of block[1].split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) f.set(line.slice(0, eq).trim(), line.slice(eq + 1));
    }
    found.push({
      host: f.get("host_name") ?? "",
      service: f.get("service_description") ?? "",
      state: Number(f.get("current_state")),
      checked: f.get("has_been_checked") === "1",
      output: f.get("plugin_output") ?? "",
      longOutput: (f.get("long_plugin_output") ?? "").replace(/\\n/g, "\n"),
      perfdata: f.get("performance_data") ?? "",
      checkCommand: f.get("check_command") ?? "",
    });
  }
  return found;
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup("SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(() => r(true), 5000))]);
  // Workers or plugins that outlived the core (or a core that ignored TERM) go too.
  signalGroup("SIGKILL");
  if (timedOut) await exited;
}

export async function startNagios(setup: NagiosSetup): Promise<RunningNagios> {
  const dir = mkdtempSync("/tmp/aws-checks-nagios-");
  const cfg = writeConfig(dir, setup);
  const check = spawnSync(NAGIOS, ["-v", cfg], { encoding: "utf8", timeout: 30_000 });
  if (check.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nagios4 -v rejected the configuration:\n${check.stdout}${check.stderr}`);
  }
  // Own process group, so stop() reaches the workers and any plugin still running.
  const child = spawn(NAGIOS, [cfg], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: dir, ...setup.env },
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4000)));

  const statusPath = join(dir, "status.dat");
  const logTail = () => (existsSync(join(dir, "nagios.log")) ? readFileSync(join(dir, "nagios.log"), "utf8").slice(-3000) : "");

  return {
    dir,
    async waitForResults(services, timeoutMs = 45_000) {
      const until = Date.now() + timeoutMs;
      let latest = new Map<string, ServiceStatus>();
      for (;;) {
        if (child.exitCode !== null) throw new Error(`nagios exited ${child.exitCode}: ${stderr}\n${logTail()}`);
        if (existsSync(statusPath)) {
          latest = new Map(parseServiceStatus(readFileSync(statusPath, "utf8")).map((s) => [s.service, s]));
          if (services.every((s) => latest.get(s)?.checked)) return latest;
        }
        if (Date.now() > until) {
          const missing = services.filter((s) => !latest.get(s)?.checked);
          throw new Error(`no result after ${timeoutMs} ms for: ${missing.join(", ")}\n${logTail()}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      await stopGroup(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
