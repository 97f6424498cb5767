import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MountNamespace, pgrep } from "../support/mounts";
import { firstLine, perfdata } from "../support/run-binary";
import { lateBy } from "../support/timing";

// Real mounts in a private mount namespace: tmpfs, a loop-mounted ext4 image, bind mounts and FUSE
// bindfs stopped (hung) or killed (stale). Runs as root; without root MountNamespace.create throws.

const CHECK = "check_efs_mount";
let ns: MountNamespace;
let n = 0;

/** A fresh directory in the namespace's temp dir. */
async function dir(name: string): Promise<string> {
  const path = join(ns.dir, `${name}-${++n}`);
  await ns.sh(`mkdir -p ${JSON.stringify(path)}`);
  return path;
}

async function tmpfs(name: string): Promise<string> {
  const mnt = await dir(name);
  await ns.sh(`mount -t tmpfs -o size=8m tmpfs ${mnt}`);
  return mnt;
}

/** No probe of ours may outlive the check. */
async function probesLeft(path: string): Promise<number[]> {
  return pgrep(`__mount-probe --path ${path}`);
}

beforeAll(async () => {
  ns = await MountNamespace.create();
});

afterAll(async () => {
  await ns?.close();
});

describe("check_efs_mount on real mounts", () => {
  it("ok-tmpfs: a tmpfs of the expected type, fstab audit skipped", async () => {
    const mnt = await tmpfs("ok");
    const r = await ns.check(CHECK, ["--mount-point", mnt, "--type", "tmpfs", "--no-fstab-check"]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(new RegExp(`^MOUNT OK: ${mnt} OK \\(tmpfs, 0% used\\)$`));
    const perf = perfdata(r.stdout);
    expect(perf.get("mounts")).toBe("1;;;0");
    expect(perf.get(`${mnt}.used`)).toBe("0B;;;0;8388608");
    expect(perf.get(`${mnt}.used_pct`)).toBe("0%;;;0;100");
    expect(perf.get(`${mnt}.probe`)).toMatch(/^0\.\d+s;;;0$/);
  });

  it("ok-tmpfs-fstab: an fstab entry with _netdev passes the audit; no entry warns", async () => {
    const mnt = await tmpfs("fstab");
    const good = join(ns.dir, "fstab-good");
    const empty = join(ns.dir, "fstab-empty");
    writeFileSync(good, `# test fstab\ntmpfs ${mnt} tmpfs size=8m,_netdev 0 0\n`);
    writeFileSync(empty, "# nothing here\n");

    const ok = await ns.check(CHECK, ["--mount-point", mnt, "--type", "tmpfs", "--fstab", good]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^MOUNT OK: /);

    const missing = await ns.check(CHECK, ["--mount-point", mnt, "--type", "tmpfs", "--fstab", empty]);
    expect(missing.exitCode).toBe(1);
    expect(firstLine(missing.stdout)).toBe(`MOUNT WARNING: ${mnt} not in fstab`);
    expect(missing.stdout).toContain(`add an entry to ${empty}`);
  });

  it("crit-wrong-type: a tmpfs where nfs4 (the default) is expected", async () => {
    const mnt = await tmpfs("wrongtype");
    const r = await ns.check(CHECK, ["--mount-point", mnt, "--no-fstab-check"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} wrong type tmpfs, expected nfs4`);
  });

  it("warn-crit-ext4-full: a loop-mounted ext4 image judged by used percent, bytes as df counts them", async () => {
    const img = join(ns.dir, "disk.img");
    const mnt = await dir("ext4");
    await ns.sh(`truncate -s 20M ${img} && mkfs.ext4 -q -F ${img} && mount -o loop ${img} ${mnt}`);
    const args = ["--mount-point", mnt, "--type", "ext4", "--no-fstab-check", "-w", "50", "-c", "80"];
    const df = async () => {
      const [bsize, blocks, bfree, bavail] = (await ns.sh(`sync; stat -f -c '%S %b %f %a' ${mnt}`)).trim().split(" ").map(Number);
      const used = (blocks - bfree) * bsize;
      return { used, pct: (used / (used + bavail * bsize)) * 100, size: blocks * bsize };
    };
    const fill = (mib: number, name: string) => ns.sh(`dd if=/dev/zero of=${mnt}/${name} bs=1M count=${mib} status=none conv=fsync`);

    await fill(11, "a");
    const w = await ns.check(CHECK, args);
    const atWarn = await df();
    expect(atWarn.pct).toBeGreaterThan(50);
    expect(atWarn.pct).toBeLessThan(80);
    expect(w.exitCode).toBe(1);
    expect(firstLine(w.stdout)).toMatch(new RegExp(`^MOUNT WARNING: ${mnt} \\d+(\\.\\d+)?% used$`));
    expect(perfdata(w.stdout).get(`${mnt}.used`)).toBe(`${atWarn.used}B;;;0;${atWarn.size}`);
    const pct = Number(/^([\d.]+)%;50;80;0;100$/.exec(perfdata(w.stdout).get(`${mnt}.used_pct`) ?? "")?.[1]);
    expect(pct).toBeCloseTo(atWarn.pct, 1);

    await fill(5, "b");
    const c = await ns.check(CHECK, args);
    const atCrit = await df();
    expect(atCrit.pct).toBeGreaterThan(80);
    expect(c.exitCode).toBe(2);
    expect(firstLine(c.stdout)).toMatch(new RegExp(`^MOUNT CRITICAL: ${mnt} \\d+(\\.\\d+)?% used$`));
    expect(perfdata(c.stdout).get(`${mnt}.used`)).toBe(`${atCrit.used}B;;;0;${atCrit.size}`);
  });

  it("crit-hung: a FUSE mount whose daemon is stopped is 'not responding' at the probe timeout, no probe left", async () => {
    const src = await dir("hung-src");
    const mnt = await dir("hung");
    const daemon = await ns.bindfs(src, mnt);
    const healthy = await tmpfs("beside-hung");
    // The fstab audit runs too: it must judge the hung mount without touching it.
    const fstab = join(ns.dir, "fstab-hung");
    writeFileSync(fstab, `${src} ${mnt} fuse.bindfs _netdev 0 0\ntmpfs ${healthy} tmpfs defaults 0 0\n`);
    process.kill(daemon, "SIGSTOP");
    try {
      const r = await ns.check(CHECK, [
        "--mount-point", mnt, "--mount-point", healthy, "--type", "fuse", "--fstab", fstab, "--probe-timeout", "1",
      ]);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(2);
      expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} not responding; 1 more of 2 mounts with problems`);
      expect(r.stdout).toContain(`[CRITICAL] ${mnt}: not responding (no answer to statfs/readdir within 1s, probe killed)`);
      // Probed at the same time: the healthy mount was judged (wrong type here) with its own data.
      expect(r.stdout).toContain(`[CRITICAL] ${healthy}: wrong type tmpfs, expected fuse`);
      expect(perfdata(r.stdout).get(`${healthy}.used_pct`)).toBe("0%;;;0;100");
      expect(perfdata(r.stdout).get(`${mnt}.probe`)).toMatch(/^1\.\d+s;;;0$/);
      // The hung probe would hold the check until killed; how close to 1 s it answers: bench/efs-hung.sh.
      expect(r.ms).toBeLessThan(lateBy(1000));
      expect(await probesLeft(ns.dir)).toEqual([]);
    } finally {
      process.kill(daemon, "SIGCONT");
    }
  });

  it("crit-hung-deadline: -t shorter than --probe-timeout on a hung mount is CRITICAL, not UNKNOWN", async () => {
    const src = await dir("deadline-src");
    const mnt = await dir("deadline");
    const daemon = await ns.bindfs(src, mnt);
    process.kill(daemon, "SIGSTOP");
    try {
      const r = await ns.check(CHECK, ["--mount-point", mnt, "--type", "fuse", "--no-fstab-check", "--probe-timeout", "15", "-t", "1"]);
      expect(r.exitCode).toBe(2);
      expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} not responding: no answer within the 1s deadline (-t)`);
      expect(r.ms).toBeLessThan(lateBy(1000)); // not the 15 s probe timeout, nor a hang
      expect(await probesLeft(ns.dir)).toEqual([]);
    } finally {
      process.kill(daemon, "SIGCONT");
    }
  });

  it("crit-stale: a FUSE mount whose daemon was killed (ENOTCONN) is stale", async () => {
    const src = await dir("stale-src");
    const mnt = await dir("stale");
    const daemon = await ns.bindfs(src, mnt);
    await ns.killDaemon(daemon);
    const r = await ns.check(CHECK, ["--mount-point", mnt, "--type", "fuse", "--no-fstab-check"]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} stale (ENOTCONN)`);
    expect(r.stdout).toContain("statfs failed with ENOTCONN");
  });

  it("ok-write-test: a writable mount passes the write test and keeps no test file", async () => {
    const mnt = await tmpfs("writable");
    const r = await ns.check(CHECK, ["--mount-point", mnt, "--type", "tmpfs", "--no-fstab-check", "--write-test"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("write test passed");
    expect((await ns.sh(`ls -A ${mnt}`)).trim()).toBe("");
  });

  it("crit-read-only: --write-test on a read-only bind mount is CRITICAL, OK with --read-only-ok", async () => {
    const src = await dir("ro-src");
    const mnt = await dir("ro");
    await ns.sh(`mount --bind ${src} ${mnt} && mount -o remount,bind,ro ${mnt}`);
    const args = ["--mount-point", mnt, "--type", "ext4", "--no-fstab-check", "--write-test"];

    const r = await ns.check(CHECK, args);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} read-only`);

    const ok = await ns.check(CHECK, [...args, "--read-only-ok"]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain("read-only, allowed by --read-only-ok");
  });

  it("crit-read-only-write-test: a mount listed rw that refuses writes (EROFS) fails the write test", async () => {
    const src = await dir("erofs-src");
    const mnt = await dir("erofs");
    await ns.sh(`mount --bind ${src} ${mnt} && mount -o remount,bind,ro ${mnt}`);
    // The mount table claims rw, so only the write test itself can find out.
    const mountinfo = join(ns.dir, "mountinfo-rw");
    writeFileSync(mountinfo, `900 1 0:99 / ${mnt} rw,relatime shared:1 - ext4 /dev/vdz rw\n`);
    const args = ["--mount-point", mnt, "--type", "ext4", "--no-fstab-check", "--mountinfo", mountinfo, "--write-test"];

    const r = await ns.check(CHECK, args);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} read-only`);
    expect(r.stdout).toContain("write test: create failed with EROFS");

    const ok = await ns.check(CHECK, [...args, "--read-only-ok"]);
    expect(ok.exitCode).toBe(0);
  });

  describe("as an unprivileged user (nobody), as NRPE and most cores run checks", () => {
    const NOBODY = { uid: 65534, gid: 65534 };
    const asNobody = (args: string[]) => ns.check(CHECK, args, 20_000, NOBODY);

    beforeAll(async () => {
      // The namespace's temp dir is 0700 root: nobody must be able to reach the mount points in it.
      await ns.sh(`chmod 755 ${ns.dir}`);
    });

    it("ok-write-test-as-user: a file system the user may write to passes the write test", async () => {
      const mnt = await dir("user-writable");
      await ns.sh(`mount -t tmpfs -o size=8m,mode=1777 tmpfs ${mnt}`);
      const r = await asNobody(["--mount-point", mnt, "--type", "tmpfs", "--no-fstab-check", "--write-test"]);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain("write test passed");
      expect((await ns.sh(`ls -A ${mnt}`)).trim()).toBe("");
    });

    it("unknown-eacces-tmpfs: a writable tmpfs the user has no permission on is not called read-only", async () => {
      const mnt = await dir("root-only");
      await ns.sh(`mount -t tmpfs -o size=8m,mode=0755 tmpfs ${mnt}`);
      const args = ["--mount-point", mnt, "--type", "tmpfs", "--no-fstab-check", "--write-test"];
      const r = await asNobody(args);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(3);
      expect(firstLine(r.stdout)).toBe(`MOUNT UNKNOWN: ${mnt} not writable by user nobody (EACCES)`);
      expect(r.stdout).toContain("write test: create failed with EACCES");
      expect(r.stdout).toContain(
        `user nobody (uid 65534) may not create files there: ${mnt} is drwxr-xr-x root:root and the user, not its owner nor in its group, lacks write permission on it`,
      );
      expect(r.stdout).not.toContain("read-only");
      // --read-only-ok is about read-only file systems; it does not hide a permission problem.
      expect((await asNobody([...args, "--read-only-ok"])).exitCode).toBe(3);
      // The same file system as root: writable, so the problem was the user's permission all along.
      expect((await ns.check(CHECK, args)).exitCode).toBe(0);
    });

    it("unknown-eacces-ext4-group: an ext4 folder writable by its owner only, the user in its group", async () => {
      const image = join(ns.dir, "perm.ext4");
      const mnt = await dir("ext4-perm");
      await ns.sh(`truncate -s 8M ${image} && mkfs.ext4 -q -F ${image} && mount -o loop ${image} ${mnt} && chown 0:65534 ${mnt} && chmod 0750 ${mnt}`);
      const r = await ns.check(CHECK, ["--mount-point", mnt, "--type", "ext4", "--no-fstab-check", "--write-test"], 20_000, NOBODY);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(3);
      expect(firstLine(r.stdout)).toBe(`MOUNT UNKNOWN: ${mnt} not writable by user nobody (EACCES)`);
      expect(r.stdout).toContain(`${mnt} is drwxr-x--- root:nogroup and the user, in its group, lacks write permission on it`);
    });

    it("crit-read-only-as-user: a read-only mount (EROFS) is still read-only for the user", async () => {
      const src = await dir("user-ro-src");
      const mnt = await dir("user-ro");
      await ns.sh(`chmod 1777 ${src} && mount --bind ${src} ${mnt} && mount -o remount,bind,ro ${mnt}`);
      // The mount table claims rw, so only the write test can tell, and it must say read-only, not permission.
      const mountinfo = join(ns.dir, "mountinfo-user-rw");
      writeFileSync(mountinfo, `901 1 0:98 / ${mnt} rw,relatime shared:1 - ext4 /dev/vdz rw\n`);
      const r = await asNobody(["--mount-point", mnt, "--type", "ext4", "--no-fstab-check", "--mountinfo", mountinfo, "--write-test"]);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(2);
      expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} read-only`);
      expect(r.stdout).toContain("write test: create failed with EROFS");
    });
  });
});
