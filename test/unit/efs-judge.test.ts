import { describe, expect, it } from "vitest";
import { judge, type Observation } from "../../checks/check_efs_mount/judge";
import { modeString, type WriteAccess } from "../../checks/check_efs_mount/access";
import type { MountEntry } from "../../checks/check_efs_mount/mountinfo";
import type { MountProbe } from "../../checks/check_efs_mount/probe";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";

const MNT = "/mnt/efs";
const nfs: MountEntry = {
  mountPoint: MNT, fsType: "nfs4", source: "fs-12345678.efs.us-east-1.amazonaws.com:/",
  mountOptions: ["rw", "relatime"], superOptions: ["rw", "vers=4.1", "hard"],
};
const identity = { via: "dns", filesystemId: "fs-12345678", server: "fs-12345678.efs.us-east-1.amazonaws.com" } as const;
// 1000 blocks of 4 KiB, 600 free, 500 available to users: used 400 of 900 usable = 44.44%.
const answered = (write?: Extract<MountProbe, { kind: "answered" }>["write"]): MountProbe => ({
  kind: "answered", seconds: 0.0012, statfs: { type: 0x6969, bsize: 4096, blocks: 1000, bfree: 600, bavail: 500 }, write,
});
const failed = (op: string, code: string): MountProbe => ({ kind: "failed", seconds: 0.001, error: { op, code, message: "..." } });
const settings = (over: { readOnlyOk?: boolean; thresholds?: Thresholds } = {}) => ({
  thresholds: over.thresholds ?? new Thresholds(), readOnlyOk: over.readOnlyOk ?? false, probeTimeout: 5, stateDir: "/var/run/efs",
});
const obs = (over: Partial<Observation> = {}): Observation => ({
  target: { path: MNT, type: "efs", filesystemId: "fs-12345678" }, mount: nfs, identity, probe: answered(), fstab: {}, ...over,
});

/** What the probe gathers on EACCES/EPERM: user nagios (uid 999, gid 999, also in group 50), the folder. */
const access = (mode: number, uid: number, gid: number, owner = "root", group = "root"): WriteAccess => ({
  user: "nagios", uid: 999, gid: 999, groups: [999, 50], dir: { mode, uid, gid, owner, group },
});

describe("judging one mount", () => {
  it.each<[string, Observation, ReturnType<typeof settings>, State, string]>([
    ["ok-healthy", obs(), settings(), State.OK, "/mnt/efs OK (fs-12345678, 44.44% used)"],
    ["crit-hung", obs({ probe: { kind: "hung", seconds: 5.01 } }), settings(), State.CRITICAL, "/mnt/efs not responding"],
    ["crit-deadline", obs({ probe: { kind: "aborted", seconds: 2 } }), settings(), State.CRITICAL, "/mnt/efs not responding"],
    ["crit-estale", obs({ probe: failed("statfs", "ESTALE") }), settings(), State.CRITICAL, "/mnt/efs stale (ESTALE)"],
    ["crit-enotconn", obs({ probe: failed("readdir", "ENOTCONN") }), settings(), State.CRITICAL, "/mnt/efs stale (ENOTCONN)"],
    ["crit-eio", obs({ probe: failed("statfs", "EIO") }), settings(), State.CRITICAL, "/mnt/efs stale (EIO)"],
    ["crit-soft-timeout", obs({ probe: failed("statfs", "ETIMEDOUT") }), settings(), State.CRITICAL, "/mnt/efs not responding (ETIMEDOUT)"],
    ["unknown-eacces-readdir", obs({ probe: failed("readdir", "EACCES") }), settings(), State.UNKNOWN, "/mnt/efs cannot probe (EACCES)"],
    ["unknown-broken-probe", obs({ probe: { kind: "broken", reason: "x" } }), settings(), State.UNKNOWN, "/mnt/efs probe failed"],
    ["crit-erofs", obs({ probe: answered({ ok: false, op: "create", code: "EROFS", message: "read-only file system" }) }), settings(), State.CRITICAL, "/mnt/efs read-only"],
    ["unknown-eacces-write", obs({ probe: answered({ ok: false, op: "create", code: "EACCES", message: "permission denied" }) }), settings(), State.UNKNOWN, "/mnt/efs not writable by this user (EACCES)"],
    ["unknown-eacces-write-not-read-only-ok", obs({ probe: answered({ ok: false, op: "create", code: "EACCES", message: "" }) }), settings({ readOnlyOk: true }), State.UNKNOWN, "/mnt/efs not writable by this user (EACCES)"],
    ["unknown-eperm-write", obs({ probe: answered({ ok: false, op: "create", code: "EPERM", message: "", access: access(0o755, 0, 0) }) }), settings(), State.UNKNOWN, "/mnt/efs not writable by user nagios (EPERM)"],
    ["ok-erofs-allowed", obs({ probe: answered({ ok: false, op: "create", code: "EROFS", message: "" }) }), settings({ readOnlyOk: true }), State.OK, "/mnt/efs OK (fs-12345678, 44.44% used)"],
    ["crit-enospc", obs({ probe: answered({ ok: false, op: "write", code: "ENOSPC", message: "" }) }), settings(), State.CRITICAL, "/mnt/efs write test failed (ENOSPC)"],
    ["crit-ro-option", obs({ mount: { ...nfs, mountOptions: ["ro"] } }), settings(), State.CRITICAL, "/mnt/efs read-only"],
    ["warn-used", obs(), settings({ thresholds: Thresholds.parse("40", "50") }), State.WARNING, "/mnt/efs 44.44% used"],
    ["crit-used", obs(), settings({ thresholds: Thresholds.parse("30", "40") }), State.CRITICAL, "/mnt/efs 44.44% used"],
    ["crit-wrong-fs", obs({ target: { path: MNT, type: "efs", filesystemId: "fs-87654321" } }), settings(), State.CRITICAL, "/mnt/efs wrong file system fs-12345678, expected fs-87654321"],
    ["crit-wrong-type", obs({ target: { path: MNT, type: "ext4" } }), settings(), State.CRITICAL, "/mnt/efs wrong type nfs4, expected ext4"],
    ["ok-nfs-accepts-nfs4", obs({ target: { path: MNT, type: "nfs" } }), settings(), State.OK, "/mnt/efs OK (fs-12345678, 44.44% used)"],
    ["crit-not-mounted", obs({ mount: undefined, identity: undefined, probe: undefined }), settings(), State.CRITICAL, "/mnt/efs not mounted"],
    ["warn-fstab", obs({ fstab: { problem: "fstab entry lacks _netdev", fix: "add it" } }), settings(), State.WARNING, "/mnt/efs fstab entry lacks _netdev"],
    // The worst problem leads even when a lesser one was found first.
    ["crit-hung-and-fstab", obs({ probe: { kind: "hung", seconds: 5 }, fstab: { problem: "not in fstab" } }), settings(), State.CRITICAL, "/mnt/efs not responding"],
  ])("%s", (_id, observation, s, state, headline) => {
    const v = judge(observation, s);
    expect(v.state).toBe(state);
    expect(v.headline).toBe(headline);
    expect(v.text.startsWith(`${MNT}: `)).toBe(true);
  });

  it("perfdata: used bytes, used percent with the ranges in force, probe seconds", () => {
    const v = judge(obs(), settings({ thresholds: Thresholds.parse("80", "90") }));
    expect(v.metrics.map((m) => [m.label, m.value, m.uom, m.warning?.toString(), m.critical?.toString(), m.min, m.max])).toEqual([
      ["/mnt/efs.used", 400 * 4096, "B", undefined, undefined, 0, 1000 * 4096],
      ["/mnt/efs.used_pct", 44.44, "%", "80", "90", 0, 100],
      ["/mnt/efs.probe", 0.0012, "s", undefined, undefined, 0, undefined],
    ]);
    expect(v.metrics.every((m) => m.perItem)).toBe(true);
  });

  it("a hung mount has only its probe time; one not mounted has none", () => {
    expect(judge(obs({ probe: { kind: "hung", seconds: 5.004 } }), settings()).metrics.map((m) => [m.label, m.value])).toEqual([["/mnt/efs.probe", 5.004]]);
    expect(judge(obs({ mount: undefined, probe: undefined }), settings()).metrics).toEqual([]);
  });

  it("the long-output line explains the hang and the fix for fstab", () => {
    const v = judge(obs({ probe: { kind: "hung", seconds: 5 }, fstab: { problem: "fstab entry lacks _netdev", fix: "add _netdev" } }), settings());
    expect(v.text).toBe(
      "/mnt/efs: not responding (no answer to statfs/readdir within 5s, probe killed); fstab entry lacks _netdev (add _netdev); " +
        "nfs4 fs-12345678 from fs-12345678.efs.us-east-1.amazonaws.com:/",
    );
  });
});

describe("a write test refused by permissions names the user, the folder and what is missing", () => {
  const eacces = (a: WriteAccess) =>
    judge(obs({ probe: answered({ ok: false, op: "create", code: "EACCES", message: "permission denied, open '/mnt/efs/.t'", access: a }) }), settings()).text;

  it.each([
    ["other", access(0o755, 0, 0), "/mnt/efs is drwxr-xr-x root:root and the user, not its owner nor in its group, lacks write permission on it"],
    ["group", access(0o750, 0, 50, "root", "staff"), "/mnt/efs is drwxr-x--- root:staff and the user, in its group, lacks write permission on it"],
    ["owner", access(0o555, 999, 0, "nagios"), "/mnt/efs is dr-xr-xr-x nagios:root and the user, its owner, lacks write permission on it"],
    ["owner without search", access(0o600, 999, 0, "nagios"), "lacks search (x) permission on it"],
    ["nothing at all", access(0o700, 0, 0), "lacks write and search (x) permission on it"],
    ["the mode allows it", access(0o1777, 0, 0), "/mnt/efs is drwxrwxrwt root:root, which allows it, so an ACL, a security module or the server"],
  ])("%s", (_kind, a, text) => {
    const line = eacces(a);
    expect(line).toContain("not writable by user nagios (EACCES) (write test: create failed with EACCES: permission denied");
    expect(line).toContain("user nagios (uid 999) may not create files there: ");
    expect(line).toContain(text);
    expect(line).not.toContain("read-only");
  });

  it("root refused: the server squashes it", () => {
    expect(eacces({ ...access(0o755, 0, 0), user: "root", uid: 0, gid: 0, groups: [0] })).toContain("user root (uid 0) may not create files there: /mnt/efs is drwxr-xr-x root:root; root is refused by the server");
  });

  it("modes read as ls shows them", () => {
    expect([0o755, 0o2775, 0o1777, 0o1770, 0o2700].map(modeString)).toEqual(["drwxr-xr-x", "drwxrwsr-x", "drwxrwxrwt", "drwxrwx--T", "drwx--S---"]);
  });
});
