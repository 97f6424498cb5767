import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { arch } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { monitoredAccount, REGION, rootFsType, WEB1 } from "../support/core-fixtures";
import { type FakeAws, startFakeAws } from "../support/fake-aws";
import { hostCommands, PACKAGE, PLATFORMS, PLUGIN_ENV, readElf, releaseFile, run, unpack } from "./release-files";

// The linux-arm64 (Graviton) executable of the release, run on this x86-64 machine under qemu-user: the
// kernel's binfmt_misc hands every aarch64 ELF to qemu-aarch64-static, so the executable, its symlinks
// and the probe check_efs_mount re-executes all start as they would on an arm64 host. .ci/run installs
// qemu-user-static, binfmt-support and libc6:arm64 and enables qemu-aarch64; without that these tests
// fail (never skip).

const BINFMT = "/proc/sys/fs/binfmt_misc/qemu-aarch64";
// Emulation makes every start and every AWS SDK call many times slower (BENCHMARKS.md, "Start-up per
// platform"): on a loaded machine the default -t 10 can pass before the answer, and the default
// --probe-timeout 5 would call a healthy mount hung. The probe is the executable started again.
const EMULATED_PROBE = ["--probe-timeout", "60", "-t", "80"];
const ARM64 = PLATFORMS.find((p) => p.arch === "arm64" && p.libc === "glibc")!;

describe("the linux-arm64 release executable under qemu-user", () => {
  let dir: string;
  let bin: string;
  let fake: FakeAws;

  beforeAll(async () => {
    // What makes this emulation and not a native run; and what must be set up for it.
    expect(arch(), "these tests show an arm64 build running on an x86-64 host").toBe("x64");
    const binfmt = existsSync(BINFMT) ? readFileSync(BINFMT, "utf8") : "";
    if (!binfmt.startsWith("enabled\n")) {
      throw new Error(
        `${BINFMT} is not enabled: mount binfmt_misc and run update-binfmts --enable qemu-aarch64 (.ci/run does), ` +
          `with qemu-user-static, binfmt-support and libc6:arm64 installed`,
      );
    }
    dir = unpack(releaseFile(ARM64.tarball), "arm64");
    bin = join(dir, "bin");
    expect(readElf(join(bin, "aws-checks")).machine).toBe(183);
    fake = await startFakeAws(monitoredAccount());
  }, 120_000);

  afterAll(async () => {
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("--version names the version (exit 3, as monitoring-plugins do) and --list every command (exit 0)", async () => {
    const version = await run(join(bin, "aws-checks"), ["--version"], PLUGIN_ENV);
    expect(version.stderr).toBe("");
    expect(version.stdout).toContain(PACKAGE.version);
    expect(version.exitCode).toBe(3);
    const list = await run(join(bin, "aws-checks"), ["--list"], PLUGIN_ENV);
    expect([list.exitCode, list.stderr]).toEqual([0, ""]);
    expect(list.stdout.trim().split("\n")).toEqual(hostCommands());
  }, 180_000);

  it("a symlinked command runs as the command its name says: check_serverscore", async () => {
    const r = await run(join(bin, "check_serverscore"), [], PLUGIN_ENV);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^SERVERSCORE (OK|WARNING|CRITICAL): score \d+/);
    const score = Number(/ score=(\d+);/.exec(r.stdout)?.[1]);
    expect(r.exitCode).toBe(score < 25 ? 2 : score < 50 ? 1 : 0);
  }, 120_000);

  it("serverscore --format json reports this machine's CPUs", async () => {
    const r = await run(join(bin, "serverscore"), ["--format", "json"], PLUGIN_ENV);
    expect([r.exitCode, r.stderr]).toEqual([0, ""]);
    const answer = JSON.parse(r.stdout) as { score: number; cpus: number };
    expect(answer.score).toBeGreaterThanOrEqual(1);
    expect(answer.score).toBeLessThanOrEqual(100);
    expect(answer.cpus).toBe(Number(execFileSync("nproc", ["--all"], { encoding: "utf8" }).trim()));
  }, 120_000);

  it("check_efs_mount on / : its probe, the executable re-executed, answers", async () => {
    const type = rootFsType();
    const r = await run(join(bin, "check_efs_mount"), ["--mount-point", "/", "--type", type, "--no-fstab-check", ...EMULATED_PROBE, "-vvv"], PLUGIN_ENV);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^MOUNT OK: `));
    expect(r.stdout).toMatch(/probe \/: \S+\/aws-checks __mount-probe --path \//);
    expect(r.stdout).toMatch(/probe \/ answered in [\d.]+ ms: \{"statfs"/);
    expect(r.stdout).toMatch(/ \/\.probe=[\d.]+s;/);
    expect(r.exitCode).toBe(0);
  }, 120_000);

  it("an AWS check against the fake endpoint: check_instance_events finds the scheduled reboot", async () => {
    fake.resetCalls();
    const r = await run(join(bin, "check_instance_events"), ["--tag", "env=prod", "--region", REGION, "-w", "14d", "-c", "3d", "-t", "80"], { ...PLUGIN_ENV, ...fake.env() });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(new RegExp(`^EVENTS CRITICAL: .*${WEB1} system-reboot in 2d`));
    expect(r.exitCode).toBe(2);
    expect(fake.count("DescribeInstanceStatus")).toBeGreaterThan(0);
  }, 120_000);

  // Where the arm64 libraries are not installed system-wide (a cross sysroot, a container image), qemu
  // finds the loader and libc under QEMU_LD_PREFIX. A mount namespace hides /usr/lib/aarch64-linux-gnu
  // to make this machine such a host; the sysroot is the same folder bound elsewhere first.
  it("with the arm64 libraries only under QEMU_LD_PREFIX, check_efs_mount's probe still starts", async () => {
    const sysroot = join(dir, "sysroot");
    mkdirSync(join(sysroot, "lib", "aarch64-linux-gnu"), { recursive: true });
    symlinkSync("aarch64-linux-gnu/ld-linux-aarch64.so.1", join(sysroot, "lib", "ld-linux-aarch64.so.1"));
    const script = [
      `mount --bind /usr/lib/aarch64-linux-gnu '${sysroot}/lib/aarch64-linux-gnu'`,
      "mount -t tmpfs tmpfs /usr/lib/aarch64-linux-gnu",
      // Proof that the libraries are gone: without the prefix the executable cannot start.
      `'${bin}/aws-checks' --version >/dev/null 2>&1; echo "without prefix: exit $?"`,
      `QEMU_LD_PREFIX='${sysroot}' exec '${bin}/check_efs_mount' --mount-point / --type '${rootFsType()}' --no-fstab-check ${EMULATED_PROBE.join(" ")}`,
    ].join("\n");
    const r = await run("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", script], PLUGIN_ENV);
    expect(r.stdout).toMatch(/^without prefix: exit \d+\n/);
    const without = Number(/^without prefix: exit (\d+)\n/.exec(r.stdout)?.[1]);
    expect(without, r.stdout).not.toBe(3); // 3 is what --version exits with when it starts
    expect(r.stdout).toMatch(/\nMOUNT OK: \//);
    expect(r.stdout).toMatch(/answered in [\d.]+ ms/);
    expect(r.exitCode).toBe(0);
  }, 120_000);
});
