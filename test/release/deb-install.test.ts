import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monitoredAccount, REGION, rootFsType, WEB1 } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { validateIcinga } from "../support/icinga";
import { hostCommands, PACKAGE, PLATFORMS, PLUGIN_ENV, releaseFile, run } from "./release-files";

// The amd64 .deb installed on this machine with dpkg -i, used as Nagios and Icinga 2 use it, and purged.
// dpkg takes the system-wide lock: other apt or dpkg runs on the machine make it wait, never fail.
// Meant for CI machines: an aws-checks package installed before is purged.

const PLUGINS = "/usr/lib/nagios/plugins";
const NAGIOS_CFG = "/etc/nagios-plugins/config/aws-checks.cfg";
const ICINGA_CONF = "/usr/share/icinga2/include/plugins-contrib.d/aws-checks.conf";
const DEB = PLATFORMS.find((p) => p.arch === "amd64" && p.libc === "glibc")!.deb!;

function dpkg(args: string[]): string {
  for (let waited = 0; ; waited++) {
    const r = spawnSync("dpkg", args, { encoding: "utf8", env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status === 0) return r.stdout;
    if (!/lock/i.test(r.stderr) || waited >= 300) throw new Error(`dpkg ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
    execFileSync("sleep", ["1"]);
  }
}

const installed = () => spawnSync("dpkg-query", ["-W", "-f", "${Status} ${Version}", "aws-checks"], { encoding: "utf8" }).stdout;

/** How many commands Debian's own nagios.cfg defines, from `nagios4 -v`. */
function nagiosCommands(): number {
  const r = spawnSync("/usr/sbin/nagios4", ["-v", "/etc/nagios4/nagios.cfg"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`nagios4 -v /etc/nagios4/nagios.cfg failed:\n${r.stdout}${r.stderr}`);
  return Number(/Checked (\d+) commands/.exec(r.stdout)?.[1]);
}

/** `icinga2 daemon -C` of a config that includes <plugins-contrib> and uses the CheckCommand instance_events. */
const icingaUsesInstanceEvents = () =>
  validateIcinga({
    includes: [],
    pluginContribDir: PLUGINS,
    objects: [
      "include <plugins-contrib>",
      `object Host "account" { check_command = "dummy" }`,
      `object Service "events" { host_name = "account"; check_command = "instance_events" }`,
    ].join("\n"),
  });

describe("the amd64 .deb, installed with dpkg -i", () => {
  let fake: FakeAws;
  let commandsBefore: number;
  let icingaBefore: { ok: boolean; output: string };

  beforeAll(async () => {
    // A run that died half-way may have left it installed.
    if (installed().startsWith("install ok")) dpkg(["--purge", "aws-checks"]);
    commandsBefore = nagiosCommands();
    icingaBefore = icingaUsesInstanceEvents();
    dpkg(["--install", releaseFile(DEB)]);
    fake = await startFakeAws(monitoredAccount());
  }, 600_000);

  afterAll(async () => {
    await fake?.stop();
    if (installed().startsWith("install ok")) dpkg(["--purge", "aws-checks"]);
  }, 600_000);

  it("is installed at the release's version", () => {
    expect(installed()).toBe(`install ok installed ${PACKAGE.version}`);
  });

  it("runs the plugins from /usr/lib/nagios/plugins: --list, check_serverscore, check_efs_mount on /", async () => {
    const list = await run(`${PLUGINS}/aws-checks`, ["--list"], PLUGIN_ENV);
    expect([list.exitCode, list.stderr, list.stdout.trim().split("\n")]).toEqual([0, "", hostCommands()]);

    const score = await run(`${PLUGINS}/check_serverscore`, [], PLUGIN_ENV);
    expect(score.stderr).toBe("");
    expect(score.stdout).toMatch(/^SERVERSCORE (OK|WARNING|CRITICAL): score \d+/);

    const mount = await run(`${PLUGINS}/check_efs_mount`, ["--mount-point", "/", "--type", rootFsType(), "--no-fstab-check", "-vv"], PLUGIN_ENV);
    expect(mount.stderr).toBe("");
    expect(mount.stdout).toMatch(/^MOUNT OK: /);
    // The probe is the installed executable, re-executed.
    expect(mount.stdout).toContain(`probe /: ${PLUGINS}/aws-checks __mount-probe --path /`);
    expect(mount.exitCode).toBe(0);
  });

  it("runs an AWS check from /usr/lib/nagios/plugins against the fake endpoint", async () => {
    const r = await run(`${PLUGINS}/check_instance_events`, ["--tag", "env=prod", "--region", REGION, "-w", "14d", "-c", "3d"], { ...PLUGIN_ENV, ...fake.env() });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^EVENTS CRITICAL: .*${WEB1} system-reboot in 2d`));
    expect(r.exitCode).toBe(2);
  });

  it("puts serverscore on the PATH", async () => {
    // Found by PATH lookup, as check_serverscore's fleet mode runs it over SSH.
    const r = await run("serverscore", ["--format", "json"], PLUGIN_ENV);
    expect([r.exitCode, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ score: expect.any(Number), cpus: expect.any(Number) });
  });

  it("gives Debian's Nagios 4 its command definitions through /etc/nagios-plugins/config", () => {
    const defined = (readFileSync(NAGIOS_CFG, "utf8").match(/^\s*define command\b/gm) ?? []).length;
    expect(defined).toBeGreaterThan(5);
    expect(nagiosCommands()).toBe(commandsBefore + defined);
  });

  it("gives Icinga 2 its CheckCommands through include <plugins-contrib>", () => {
    expect(icingaBefore.ok, "without the package, instance_events is unknown").toBe(false);
    const after = icingaUsesInstanceEvents();
    expect(after.ok, after.output).toBe(true);
  });

  it("dpkg --purge removes every file it installed, the Nagios conffile too", () => {
    const present = (f: string) => {
      try {
        return lstatSync(f);
      } catch {
        return undefined;
      }
    };
    // Directories like /usr/bin are shared with other packages; every file and symlink is ours.
    const files = dpkg(["--listfiles", "aws-checks"]).trim().split("\n").filter((f) => present(f)?.isDirectory() === false);
    expect(files).toEqual(expect.arrayContaining([`${PLUGINS}/aws-checks`, `${PLUGINS}/check_efs_mount`, "/usr/bin/serverscore", NAGIOS_CFG, ICINGA_CONF]));
    dpkg(["--purge", "aws-checks"]);
    expect(installed()).not.toMatch(/^install ok/);
    expect(files.filter((f) => present(f) !== undefined)).toEqual([]);
  });
});

// The arm64 package on this amd64 machine, as on a Graviton host: dpkg accepts it because arm64 is a
// foreign architecture here (dpkg --add-architecture arm64, with libc6:arm64 satisfying Depends), and
// binfmt_misc runs the executable under qemu-user (see arm64-qemu.test.ts).
describe("the arm64 .deb, installed with dpkg -i on a multiarch system", () => {
  const ARM64_DEB = PLATFORMS.find((p) => p.arch === "arm64" && p.libc === "glibc")!.deb!;

  beforeAll(() => {
    if (installed().startsWith("install ok")) dpkg(["--purge", "aws-checks"]);
    dpkg(["--install", releaseFile(ARM64_DEB)]);
  }, 600_000);

  afterAll(() => {
    if (installed().startsWith("install ok")) dpkg(["--purge", "aws-checks"]);
  }, 600_000);

  it("is installed as aws-checks:arm64, its plugins run from /usr/lib/nagios/plugins and serverscore from the PATH", async () => {
    expect(spawnSync("dpkg-query", ["-W", "-f", "${Architecture}", "aws-checks"], { encoding: "utf8" }).stdout).toBe("arm64");
    const score = await run(`${PLUGINS}/check_serverscore`, [], PLUGIN_ENV);
    expect(score.stderr).toBe("");
    expect(score.stdout).toMatch(/^SERVERSCORE (OK|WARNING|CRITICAL): score \d+/);
    const probe = await run("serverscore", ["--format", "json"], PLUGIN_ENV);
    expect([probe.exitCode, probe.stderr]).toEqual([0, ""]);
    expect(JSON.parse(probe.stdout)).toMatchObject({ score: expect.any(Number) });
  }, 180_000);

  it("dpkg --purge removes it", () => {
    dpkg(["--purge", "aws-checks"]);
    expect(installed()).not.toMatch(/^install ok/);
    expect(existsSync(`${PLUGINS}/aws-checks`)).toBe(false);
  });
});
