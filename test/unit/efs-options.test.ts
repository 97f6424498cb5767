import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import checkEfsMount from "../../checks/check_efs_mount/index";
import { runCheck } from "../../src/runner";

const run = (argv: string[], env: Record<string, string> = {}) => runCheck(checkEfsMount, argv, { env });

describe("check_efs_mount usage errors", () => {
  it.each([
    ["unknown-no-target", [], "MOUNT UNKNOWN: no mount point: pass --mount-point PATH (repeatable) or --all"],
    ["unknown-bad-warning", ["--mount-point", "/mnt/efs", "-w", "20:10"], "MOUNT UNKNOWN: --warning: invalid range '20:10' (start is greater than end)"],
    ["unknown-bad-critical", ["--all", "--critical=90%%"], "MOUNT UNKNOWN: --critical: invalid range '90%%' (use N, N:, :N, ~:N, N:M or @N:M)"],
    ["unknown-probe-timeout-zero", ["--all", "--probe-timeout", "0"], "MOUNT UNKNOWN: --probe-timeout: expected a positive number, got '0'"],
    ["unknown-probe-timeout-text", ["--all", "--probe-timeout", "5s"], "MOUNT UNKNOWN: --probe-timeout: expected a positive number, got '5s'"],
    ["unknown-probe-timeout-negative", ["--all", "--probe-timeout", "-1"], "MOUNT UNKNOWN: --probe-timeout: expected a positive number, got '-1'"],
    ["unknown-bad-fs-id", ["--all", "--filesystem-id", "fs-xyz"], "MOUNT UNKNOWN: --filesystem-id: expected fs- and 8 or 17 hex digits, got 'fs-xyz'"],
    ["unknown-relative-path", ["--mount-point", "mnt/efs"], "MOUNT UNKNOWN: --mount-point: expected an absolute path, got 'mnt/efs'"],
    ["unknown-bad-type", ["--all", "--type", "nfs 4"], "MOUNT UNKNOWN: --type: not a file system type: 'nfs 4'"],
  ])("%s", async (_id, argv, line) => {
    const r = await run(argv);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe(`${line}\n`);
  });

  it("unknown-option: an unknown option is named", async () => {
    const r = await run(["--mount-point", "/mnt/efs", "--mountpoint", "/x"]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^MOUNT UNKNOWN: .*mountpoint/);
  });

  it("accepts negative-looking and attached range values (getopt style)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "efs-options-"));
    try {
      writeFileSync(join(dir, "mountinfo"), "");
      for (const w of [["-w", "~:80"], ["-w80"], ["--warning=~:80"]]) {
        const r = await run(["--mount-point", "/mnt/efs", "--mountinfo", join(dir, "mountinfo"), "--no-fstab-check", ...w]);
        expect(r.stdout).toBe("MOUNT CRITICAL: /mnt/efs not mounted\n[CRITICAL] /mnt/efs: not mounted | mounts=1;;;0\n");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("check_efs_mount in-process (runCheck)", () => {
  const dir = mkdtempSync(join(tmpdir(), "efs-inproc-"));
  const mountinfo = join(dir, "mountinfo");
  writeFileSync(mountinfo, `30 1 0:40 / ${dir} rw,relatime - tmpfs tmpfs rw\n`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const argv = ["--mount-point", dir, "--type", "tmpfs", "--mountinfo", mountinfo, "--no-fstab-check"];

  it("unknown-no-probe-program: sources alone cannot re-execute themselves, and say how to fix it", async () => {
    const r = await run(argv);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^MOUNT UNKNOWN: .* probe failed\n\[UNKNOWN\] .*cannot find this program to run the probe; set AWS_CHECKS_BIN/);
  });
});
