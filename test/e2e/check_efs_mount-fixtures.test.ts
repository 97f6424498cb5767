import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import checkEfsMount from "../../checks/check_efs_mount/index";
import { runCheck } from "../../src/runner";
import { binaryPath, firstLine, perfdata, ROOT, runBinary } from "../support/run-binary";

// Mount tables, fstabs and amazon-efs-utils state dirs as fixture files, for what this machine cannot
// mount (NFS, EFS over TLS). Their mount points are real, empty temp dirs, so the probe the check
// runs against them answers, deterministically, with the temp file system's numbers.

const CHECK = "check_efs_mount";
const FS_A = "fs-0313e79d562273a6b";
const FS_B = "fs-0123456789abcdef0";
const root = mkdtempSync(join(tmpdir(), "efs-fixture-test-"));
let n = 0;

afterAll(() => rmSync(root, { recursive: true, force: true }));

const octal = (path: string) => path.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);

const NFS_OPTS = "vers=4.1,rsize=1048576,wsize=1048576,namlen=255,hard,noresvport,proto=tcp,timeo=600,retrans=2,sec=sys";

/** A direct EFS mount, as /proc/self/mountinfo shows it. */
function directLine(path: string, fsId = FS_A, region = "us-east-1"): string {
  return `901 1 0:53 / ${octal(path)} rw,relatime shared:7 - nfs4 ${fsId}.efs.${region}.amazonaws.com:/ rw,${NFS_OPTS},clientaddr=172.31.27.13,local_lock=none,addr=172.31.27.156`;
}

/** A TLS mount through amazon-efs-utils' local stunnel/efs-proxy. */
function tlsLine(path: string, port: number): string {
  return `902 1 0:54 / ${octal(path)} rw,relatime shared:8 - nfs4 127.0.0.1:/ rw,${NFS_OPTS},port=${port},clientaddr=127.0.0.1,local_lock=none,addr=127.0.0.1`;
}

/** amazon-efs-utils' state file name for a TLS mount: fs-<id>.<mount point with dots>.<port>. */
const stateFile = (fsId: string, path: string, port: number) => `${fsId}.${path.replace(/\//g, ".").replace(/^\.+/, "")}.${port}`;

interface Scenario {
  /** Real, empty directories standing in for mount points. */
  dirs: string[];
  args: (mountinfo: string[], fstab?: string[], stateFiles?: string[]) => string[];
}

function scenario(...names: string[]): Scenario {
  const base = join(root, `s${++n}`);
  const dirs = names.map((name) => join(base, name));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  return {
    dirs,
    args(mountinfo, fstab, stateFiles = []) {
      const stateDir = join(base, "efs-state");
      mkdirSync(stateDir, { recursive: true });
      for (const f of stateFiles) writeFileSync(join(stateDir, f), "[mount]\n");
      writeFileSync(join(base, "mountinfo"), `${[
        "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
        ...mountinfo,
      ].join("\n")}\n`);
      const args = ["--mountinfo", join(base, "mountinfo"), "--efs-state-dir", stateDir];
      if (fstab === undefined) return [...args, "--no-fstab-check"];
      writeFileSync(join(base, "fstab"), `# fixture\n/dev/vda / ext4 defaults 0 1\n${fstab.join("\n")}\n`);
      return [...args, "--fstab", join(base, "fstab")];
    },
  };
}

const check = (args: string[]) => runBinary(CHECK, args);

describe("check_efs_mount with EFS mount tables", () => {
  it("ok-efs-direct: fs id found in the server name, fstab nfs4 line with _netdev", async () => {
    const s = scenario("efs");
    const [mnt] = s.dirs;
    const r = await check([
      "--mount-point", mnt, "--type", "efs", "--filesystem-id", FS_A,
      ...s.args([directLine(mnt)], [`${FS_A}.efs.us-east-1.amazonaws.com:/ ${mnt} nfs4 nfsvers=4.1,hard,noresvport,_netdev 0 0`]),
    ]);
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toMatch(new RegExp(`^MOUNT OK: ${mnt} OK \\(${FS_A}, \\d+(\\.\\d+)?% used\\)$`));
    expect(r.stdout).toContain(`[OK] ${mnt}: nfs4 ${FS_A} from ${FS_A}.efs.us-east-1.amazonaws.com:/;`);
    const perf = perfdata(r.stdout);
    expect(perf.get("mounts")).toBe("1;;;0");
    expect(perf.get(`${mnt}.used`)).toMatch(/^\d+B;;;0;\d+$/);
    expect(perf.get(`${mnt}.used_pct`)).toMatch(/^\d+(\.\d+)?%;;;0;100$/);
    expect(perf.get(`${mnt}.probe`)).toMatch(/^0\.\d+s;;;0$/);
  });

  it("crit-efs-direct-wrong-id: another file system mounted there", async () => {
    const s = scenario("efs");
    const [mnt] = s.dirs;
    const r = await check(["--mount-point", mnt, "--type", "efs", "--filesystem-id", FS_B, ...s.args([directLine(mnt, FS_A)])]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} wrong file system ${FS_A}, expected ${FS_B}`);
  });

  it("ok-efs-tls: a 127.0.0.1 mount is matched to its fs id through the efs-utils state file", async () => {
    const s = scenario("shared");
    const [mnt] = s.dirs;
    const r = await check([
      "--mount-point", mnt, "--type", "efs", "--filesystem-id", FS_B,
      ...s.args([tlsLine(mnt, 20907)], [`${FS_B}:/ ${mnt} efs tls,iam 0 0`], [stateFile(FS_A, "/elsewhere", 20907), stateFile(FS_B, mnt, 20907)]),
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`[OK] ${mnt}: nfs4 ${FS_B} over TLS via 127.0.0.1:20907;`);
  });

  it("crit-efs-tls-wrong-id: the state file names another file system", async () => {
    const s = scenario("shared");
    const [mnt] = s.dirs;
    const r = await check([
      "--mount-point", mnt, "--filesystem-id", FS_B, ...s.args([tlsLine(mnt, 20049)], undefined, [stateFile(FS_A, mnt, 20049)]),
    ]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} wrong file system ${FS_A}, expected ${FS_B}`);
  });

  it("unknown-efs-tls-no-state-file: a TLS mount no state file names cannot be matched", async () => {
    const s = scenario("shared");
    const [mnt] = s.dirs;
    // A state file for another port (the tunnel was restarted elsewhere) does not count.
    const r = await check(["--mount-point", mnt, "--filesystem-id", FS_B, ...s.args([tlsLine(mnt, 20049)], undefined, [stateFile(FS_B, mnt, 20050)])]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe(`MOUNT UNKNOWN: ${mnt} file system unknown`);
    expect(r.stdout).toContain("no amazon-efs-utils state file in");
  });

  it("crit-efs-type-not-efs: --type efs on an NFS share from another server", async () => {
    const s = scenario("nas");
    const [mnt] = s.dirs;
    const line = `903 1 0:55 / ${mnt} rw,relatime - nfs4 nas.example.com:/export rw,${NFS_OPTS}`;
    const r = await check(["--mount-point", mnt, "--type", "efs", ...s.args([line])]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} wrong type nfs4, expected efs`);
    expect(r.stdout).toContain("not an EFS server");
  });

  it("crit-not-mounted: a mount point absent from the mount table, with the fstab line to mount it", async () => {
    const s = scenario("efs");
    const [mnt] = s.dirs;
    const r = await check(["--mount-point", mnt, ...s.args([], [`${FS_A}:/ ${mnt} efs _netdev,tls 0 0`])]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} not mounted`);
    expect(r.stdout).toContain(`not mounted (fstab line 3 has it: mount ${mnt})`);
    expect(perfdata(r.stdout).get("mounts")).toBe("1;;;0");
    expect(perfdata(r.stdout).has(`${mnt}.probe`)).toBe(false);
  });

  it("crit-read-only-option: the ro mount option, unless --read-only-ok", async () => {
    const s = scenario("efs");
    const [mnt] = s.dirs;
    const args = ["--mount-point", mnt, ...s.args([directLine(mnt).replace(" rw,relatime ", " ro,relatime ")])];
    const r = await check(args);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toBe(`MOUNT CRITICAL: ${mnt} read-only`);
    const ok = await check([...args, "--read-only-ok"]);
    expect(ok.exitCode).toBe(0);
  });

  it("ok-escaped-path: a mount point with a space (\\040 in mountinfo and fstab)", async () => {
    const s = scenario("my efs");
    const [mnt] = s.dirs;
    const r = await check(["--mount-point", mnt, ...s.args([directLine(mnt)], [`${FS_A}:/ ${octal(mnt)} efs tls 0 0`])]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`[OK] ${mnt}: nfs4 ${FS_A}`);
    // Perfdata labels never need quoting: the space becomes _.
    expect(perfdata(r.stdout).get(`${mnt.replace(" ", "_")}.used_pct`)).toMatch(/%;;;0;100$/);
  });
});

describe("check_efs_mount fstab audit", () => {
  const audit = async (fstabLine: (mnt: string) => string) => {
    const s = scenario("efs");
    const [mnt] = s.dirs;
    return { mnt, r: await check(["--mount-point", mnt, ...s.args([directLine(mnt)], [fstabLine(mnt)])]) };
  };

  it("ok-efs-type: an efs line needs no _netdev (amazon-efs-utils mounts after the network)", async () => {
    const { r } = await audit((mnt) => `${FS_A}:/ ${mnt} efs tls,iam,accesspoint=fsap-0123456789abcdef0 0 0`);
    expect(r.exitCode).toBe(0);
  });

  it("warn-no-netdev: an nfs4 line without _netdev names the fix", async () => {
    const { mnt, r } = await audit((mnt) => `${FS_A}.efs.us-east-1.amazonaws.com:/ ${mnt} nfs4 nfsvers=4.1,hard 0 0`);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe(`MOUNT WARNING: ${mnt} fstab entry lacks _netdev`);
    expect(r.stdout).toContain("add _netdev to the options on");
    expect(r.stdout).toContain("fstab line 3");
  });

  it("warn-noauto: an entry that is not mounted at boot", async () => {
    const { mnt, r } = await audit((mnt) => `${FS_A}:/ ${mnt} efs _netdev,noauto 0 0`);
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe(`MOUNT WARNING: ${mnt} fstab entry has noauto`);
  });

  it("warn-no-entry: no fstab line for the mount point", async () => {
    const { mnt, r } = await audit(() => "");
    expect(r.exitCode).toBe(1);
    expect(firstLine(r.stdout)).toBe(`MOUNT WARNING: ${mnt} not in fstab`);
  });
});

describe("check_efs_mount --all", () => {
  it("ok-all: every efs/nfs/nfs4 entry of fstab, each with the fs id its line names; tmpfs lines ignored", async () => {
    const s = scenario("a", "b", "scratch");
    const [a, b, scratch] = s.dirs;
    const r = await check(["--all", ...s.args(
      [tlsLine(a, 20100), directLine(b, FS_B), `904 1 0:60 / ${scratch} rw - tmpfs tmpfs rw`],
      [`${FS_A}:/ ${a} efs _netdev,tls 0 0`, `${FS_B}.efs.eu-west-1.amazonaws.com:/ ${b} nfs4 _netdev 0 0`, `tmpfs ${scratch} tmpfs defaults 0 0`],
      [stateFile(FS_A, a, 20100)],
    )]);
    expect(r.exitCode).toBe(0);
    expect(firstLine(r.stdout)).toBe(`MOUNT OK: 2 mounts OK: ${a}, ${b}`);
    expect(perfdata(r.stdout).get("mounts")).toBe("2;;;0");
    expect(r.stdout).not.toContain(scratch);
  });

  it("crit-all: an fstab entry not mounted, another with a different file system than its line names", async () => {
    const s = scenario("a", "b");
    const [a, b] = s.dirs;
    const r = await check(["--all", ...s.args(
      [directLine(b, FS_A)],
      [`${FS_A}:/ ${a} efs _netdev,tls 0 0`, `${FS_B}.efs.eu-west-1.amazonaws.com:/ ${b} nfs _netdev 0 0`],
    )]);
    expect(r.exitCode).toBe(2);
    expect(firstLine(r.stdout)).toMatch(/^MOUNT CRITICAL: .* 1 more of 2 mounts with problems$/);
    expect(r.stdout).toContain(`[CRITICAL] ${a}: not mounted (fstab line 3 has it: mount ${a})`);
    expect(r.stdout).toContain(`[CRITICAL] ${b}: wrong file system ${FS_A}, expected ${FS_B}`);
  });

  it("unknown-all-empty: an fstab without efs/nfs/nfs4 entries", async () => {
    const s = scenario("x");
    const args = s.args([], ["tmpfs /tmp tmpfs defaults 0 0"]);
    const r = await check(["--all", ...args]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe(`MOUNT UNKNOWN: --all: no efs, nfs or nfs4 entry in ${args[args.length - 1]}`);
  });

  it("unknown-all-no-fstab: --all with an unreadable fstab", async () => {
    const r = await check(["--all", "--fstab", join(root, "missing-fstab")]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe(`MOUNT UNKNOWN: --all: cannot read ${join(root, "missing-fstab")} (ENOENT)`);
  });
});

describe("check_efs_mount command line", () => {
  it("unknown-no-target: names both --mount-point and --all", async () => {
    const r = await check([]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("MOUNT UNKNOWN: no mount point: pass --mount-point PATH (repeatable) or --all\n");
  });

  it("unknown-no-mountinfo: an unreadable mount table", async () => {
    const r = await check(["--mount-point", "/mnt/efs", "--mountinfo", join(root, "nope")]);
    expect(r.exitCode).toBe(3);
    expect(firstLine(r.stdout)).toBe(`MOUNT UNKNOWN: cannot read the mount table ${join(root, "nope")} (ENOENT): pass --mountinfo FILE`);
  });

  it("help: every option, an EFS example, 80 columns, exit 3", async () => {
    const r = await check(["--help"]);
    expect(r.exitCode).toBe(3);
    for (const opt of [
      "--mount-point", "--all", "--filesystem-id", "--type", "--no-fstab-check", "--probe-timeout", "--write-test",
      "--read-only-ok", "--warning", "--critical", "--mountinfo", "--fstab", "--efs-state-dir", "--timeout", "--verbose", "--format",
    ]) expect(r.stdout).toContain(opt);
    expect(r.stdout).toMatch(/Example:\n {2}check_efs_mount --mount-point \/mnt\/efs --type efs --filesystem-id fs-/);
    for (const line of r.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("ok-node-bundle: the npm (Node) entry, started through a node_modules/.bin symlink, runs the probe too", () => {
    const s = scenario("efs");
    const [mnt] = s.dirs;
    const bin = join(root, `npm-${++n}`, "node_modules", ".bin");
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(ROOT, "dist/node/check_efs_mount.cjs"), join(bin, "check_efs_mount"));
    const r = spawnSync(join(bin, "check_efs_mount"), ["--mount-point", mnt, ...s.args([directLine(mnt)])], {
      encoding: "utf8", env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/answered in [\d.]+ ms/);
  });
});

describe("check_efs_mount in-process with the built probe", () => {
  it("ok-probe-through-built-binary: under vitest the probe runs as AWS_CHECKS_BIN", async () => {
    const dir = mkdtempSync(join(tmpdir(), "efs-inproc-"));
    try {
      const mountinfo = join(dir, "mountinfo");
      writeFileSync(mountinfo, `30 1 0:40 / ${dir} rw,relatime - tmpfs tmpfs rw\n`);
      const argv = ["--mount-point", dir, "--type", "tmpfs", "--mountinfo", mountinfo, "--no-fstab-check"];
      const r = await runCheck(checkEfsMount, argv, { env: { AWS_CHECKS_BIN: binaryPath("aws-checks") } });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/answered in [\d.]+ ms/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
