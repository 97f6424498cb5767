import { describe, expect, it } from "vitest";
import check from "../../checks/check_efs_mount/index";
import { parseFstab } from "../../checks/check_efs_mount/fstab";
import { parseMountinfo } from "../../checks/check_efs_mount/mountinfo";
import type { MountProbe } from "../../checks/check_efs_mount/probe";
import type { MountPort } from "../../checks/check_efs_mount/source";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";

const FS = "fs-0123456789abcdef0";
const EFS = `901 1 0:53 / /mnt/efs rw,relatime - nfs4 ${FS}.efs.eu-west-1.amazonaws.com:/ rw,vers=4.1,hard`;
const EFS_RO = `901 1 0:53 / /mnt/efs ro,relatime - nfs4 ${FS}.efs.eu-west-1.amazonaws.com:/ ro,vers=4.1,hard`;
const TLS = "902 1 0:54 / /mnt/efs rw,relatime - nfs4 127.0.0.1:/ rw,vers=4.1,port=20123";
const EXT4 = "903 1 8:1 / /mnt/efs rw,relatime - ext4 /dev/xvdf rw";
const FSTAB_OK = `${FS}:/ /mnt/efs efs _netdev,tls 0 0`;

/** Half used, answered in 2 ms. */
const answered = (extra: Partial<Extract<MountProbe, { kind: "answered" }>> = {}, usedPercent = 50): MountProbe => ({
  kind: "answered",
  seconds: 0.002,
  statfs: { type: 0x6969, bsize: 4096, blocks: 1000, bfree: 1000 - usedPercent * 10, bavail: 1000 - usedPercent * 10 },
  ...extra,
});
const failed = (code: string, op = "statfs"): MountProbe => ({ kind: "failed", seconds: 0.01, error: { op, code, message: code } });

function local(mountinfo: string, probe: MountProbe | "hang", fstab = FSTAB_OK, stateFiles: string[] = []): MountPort {
  return {
    readMounts: async () => parseMountinfo(`${mountinfo}\n`),
    readFstab: async () => parseFstab(fstab),
    readStateFiles: async () => stateFiles,
    probe: (_path, settings) =>
      probe === "hang" ? new Promise((resolve) => settings.signal.addEventListener("abort", () => resolve({ kind: "aborted", seconds: 1 }))) : Promise.resolve(probe),
  };
}

/** The probe's account of an EACCES: user nagios (uid 999) and a root-owned 0755 folder. */
const NAGIOS_ON_ROOT_DIR = { user: "nagios", uid: 999, gid: 999, groups: [999], dir: { mode: 0o755, uid: 0, gid: 0, owner: "root", group: "root" } };

const MP = ["--mount-point", "/mnt/efs"];
const EFS_ARGS = [...MP, "--type", "efs", "--filesystem-id", FS];

describe("check_efs_mount scenarios", () => {
  it.each([
    ["ok-efs-mounted-answering-in-fstab", EFS_ARGS, local(EFS, answered()), State.OK, "MOUNT OK: /mnt/efs"],
    ["ok-read-only-allowed", [...EFS_ARGS, "--read-only-ok"], local(EFS_RO, answered()), State.OK, "MOUNT OK"],
    ["ok-tls-mount-told-by-state-file", EFS_ARGS, local(TLS, answered(), FSTAB_OK, [`${FS}.mnt.efs.20123`]), State.OK, `${FS} over TLS via 127.0.0.1:20123`],
    ["crit-not-mounted", EFS_ARGS, local("", answered()), State.CRITICAL, "/mnt/efs not mounted"],
    ["crit-wrong-type", EFS_ARGS, local(EXT4, answered(), "/dev/xvdf /mnt/efs ext4 defaults 0 0"), State.CRITICAL, "wrong type ext4, expected efs"],
    ["crit-wrong-file-system", [...MP, "--type", "efs", "--filesystem-id", "fs-12345678"], local(EFS, answered()), State.CRITICAL, `wrong file system ${FS}, expected fs-12345678`],
    ["unknown-file-system-unknown-over-tls", EFS_ARGS, local(TLS, answered()), State.UNKNOWN, "file system unknown"],
    ["crit-not-responding", EFS_ARGS, local(EFS, { kind: "hung", seconds: 5 }), State.CRITICAL, "not responding"],
    ["crit-hung-at-the-deadline", [...EFS_ARGS, "-t", "0.3", "--probe-timeout", "5"], local(EFS, "hang"), State.CRITICAL, "/mnt/efs not responding: no answer within the 0.3s deadline (-t)"],
    ["crit-stale", EFS_ARGS, local(EFS, failed("ESTALE")), State.CRITICAL, "stale (ESTALE)"],
    ["crit-soft-mount-timed-out", EFS_ARGS, local(EFS, failed("ETIMEDOUT")), State.CRITICAL, "not responding (ETIMEDOUT)"],
    ["crit-read-only-option", EFS_ARGS, local(EFS_RO, answered()), State.CRITICAL, "read-only"],
    ["crit-write-test-refused", [...EFS_ARGS, "--write-test"], local(EFS, answered({ write: { ok: false, op: "create", code: "EROFS", message: "read-only file system" } })), State.CRITICAL, "read-only"],
    [
      "unknown-write-test-no-permission",
      [...EFS_ARGS, "--write-test"],
      local(EFS, answered({ write: { ok: false, op: "create", code: "EACCES", message: "permission denied", access: NAGIOS_ON_ROOT_DIR } })),
      State.UNKNOWN,
      "/mnt/efs not writable by user nagios (EACCES)",
    ],
    ["crit-write-test-failed", [...EFS_ARGS, "--write-test"], local(EFS, answered({ write: { ok: false, op: "write", code: "ENOSPC", message: "no space" } })), State.CRITICAL, "write test failed (ENOSPC)"],
    ["warn-used-beyond-warning-percent", [...EFS_ARGS, "-w", "80%", "-c", "95%"], local(EFS, answered({}, 90)), State.WARNING, "90% used"],
    ["crit-used-beyond-critical", [...EFS_ARGS, "-w", "80", "-c", "85"], local(EFS, answered({}, 90)), State.CRITICAL, "90% used"],
    ["warn-not-in-fstab", EFS_ARGS, local(EFS, answered(), ""), State.WARNING, "not in fstab"],
    ["warn-fstab-lacks-netdev", [...MP, "--type", "nfs4"], local(EFS, answered(), `${FS}.efs.eu-west-1.amazonaws.com:/ /mnt/efs nfs4 defaults 0 0`), State.WARNING, "lacks _netdev"],
    ["warn-fstab-noauto", EFS_ARGS, local(EFS, answered(), `${FS}:/ /mnt/efs efs noauto,_netdev 0 0`), State.WARNING, "noauto"],
    ["ok-no-fstab-check", [...EFS_ARGS, "--no-fstab-check"], local(EFS, answered(), ""), State.OK, "MOUNT OK: /mnt/efs"],
    ["unknown-no-mount-point", [], local(EFS, answered()), State.UNKNOWN, "no mount point: pass --mount-point PATH (repeatable) or --all"],
  ])("%s", async (_id, argv, port, state, text) => {
    const r = await runCheck(check, argv, { port });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });
});
