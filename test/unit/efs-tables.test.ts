import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { filesystemIdOfSpec, identify } from "../../checks/check_efs_mount/efs";
import { auditFstab, parseFstab } from "../../checks/check_efs_mount/fstab";
import { findMount, isReadOnly, mountOption, parseMountinfo } from "../../checks/check_efs_mount/mountinfo";

const FIXTURES = join(__dirname, "..", "fixtures", "efs");
const mounts = parseMountinfo(readFileSync(join(FIXTURES, "mountinfo"), "utf8"));
const fstab = parseFstab(readFileSync(join(FIXTURES, "fstab"), "utf8"));

const mountAt = (path: string) => {
  const m = findMount(mounts, path);
  if (!m) throw new Error(`fixture has no mount at ${path}`);
  return m;
};

describe("mountinfo", () => {
  it("reads every well-formed line, skipping the malformed one", () => {
    expect(mounts).toHaveLength(8);
  });

  it("splits a direct EFS mount into type, source and both option lists", () => {
    const m = mountAt("/home/ec2-user/dockerserver");
    expect(m.fsType).toBe("nfs4");
    expect(m.source).toBe("fs-0313e79d562273a6b.efs.us-east-1.amazonaws.com:/");
    expect(m.mountOptions).toEqual(["rw", "relatime"]);
    expect(mountOption(m, "addr")).toBe("172.31.27.156");
    expect(mountOption(m, "hard")).toBe("");
    expect(mountOption(m, "port")).toBeUndefined();
  });

  it("decodes octal escapes (space, tab, backslash) and copes with several optional fields", () => {
    expect(mountAt("/mnt/team share").source).toContain("fs-0123456789abcdef0");
    expect(mountAt("/mnt/tab\tand\\backslash").fsType).toBe("tmpfs");
  });

  it("takes the last mount at a path, the one that hides those below it", () => {
    expect(mountAt("/srv/data").fsType).toBe("tmpfs");
  });

  it("sees read-only in the per-mount options", () => {
    expect(isReadOnly(mountAt("/mnt/tab\tand\\backslash"))).toBe(true);
    expect(isReadOnly(mountAt("/opt"))).toBe(false);
  });
});

describe("EFS identity", () => {
  it("direct mount: the fs id from the server name", () => {
    expect(identify(mountAt("/home/ec2-user/dockerserver"), [])).toEqual({
      via: "dns", filesystemId: "fs-0313e79d562273a6b", server: "fs-0313e79d562273a6b.efs.us-east-1.amazonaws.com",
    });
  });

  it("direct mount through an AZ-specific name with a subdirectory", () => {
    expect(identify(mountAt("/mnt/team share"), [])).toMatchObject({ via: "dns", filesystemId: "fs-0123456789abcdef0" });
  });

  it("TLS mount: the state file with this mount point and port names the file system", () => {
    const files = ["fs-11111111.opt.20906", "fs-22222222.opt.extra.20907", "fs-0123456789abcdef0.opt.20907", "stunnel-config.fs-0123456789abcdef0.opt.20907"];
    expect(identify(mountAt("/opt"), files)).toEqual({
      via: "tls", port: 20907, filesystemId: "fs-0123456789abcdef0", stateFile: "fs-0123456789abcdef0.opt.20907",
    });
  });

  it("TLS mount without its state file: port known, file system not", () => {
    expect(identify(mountAt("/opt"), ["fs-0123456789abcdef0.mnt.efs.20907"])).toEqual({ via: "tls", port: 20907 });
  });

  it("127.0.0.1 with a port outside efs-utils' range is not an efs-utils tunnel", () => {
    const m = { ...mountAt("/opt"), superOptions: ["rw", "port=2049"] };
    expect(identify(m, []).via).toBe("ip");
  });

  it("a mount target address or another server", () => {
    expect(identify(mounts[6], [])).toEqual({ via: "ip", server: "10.0.2.15" });
    expect(identify({ ...mounts[6], source: "nas.example.com:/export" }, [])).toEqual({ via: "other", server: "nas.example.com" });
  });

  it.each([
    ["fs-0123456789abcdef0", "fs-0123456789abcdef0"],
    ["fs-0123456789abcdef0:/sub/dir", "fs-0123456789abcdef0"],
    ["fs-12345678.efs.eu-west-1.amazonaws.com:/", "fs-12345678"],
    ["fs-12345678.efs.cn-north-1.amazonaws.com.cn:/", "fs-12345678"],
    ["10.0.2.15:/", undefined],
    ["/dev/xvdf", undefined],
  ])("fstab spec %s names %s", (spec, id) => {
    expect(filesystemIdOfSpec(spec)).toBe(id);
  });
});

describe("fstab", () => {
  it("skips comments, blank and short lines; decodes escapes; normalises trailing slashes", () => {
    expect(fstab.map((e) => e.mountPoint)).toEqual([
      "/", "/mnt/efs", "/home/ec2-user/dockerserver", "/mnt/no-netdev", "/srv/data", "/mnt/team share", "/scratch", "/data",
    ]);
    expect(fstab.find((e) => e.mountPoint === "/scratch")?.line).toBe(12);
  });

  it.each([
    ["/mnt/efs", "efs", undefined],
    ["/home/ec2-user/dockerserver", "nfs4", undefined],
    ["/mnt/team share", "efs", undefined],
    ["/mnt/no-netdev", "nfs4", "fstab entry lacks _netdev"],
    ["/srv/data", "nfs", "fstab entry has noauto"],
    ["/mnt/elsewhere", "nfs4", "not in fstab"],
    ["/data", "ext4", undefined],
    // A local type needs no _netdev, unless the mount is expected to be a network one.
    ["/scratch", "tmpfs", undefined],
    ["/scratch", "nfs4", "fstab entry lacks _netdev"],
  ])("%s expected as %s: %s", (path, type, problem) => {
    const audit = auditFstab(fstab, path, type, "/etc/fstab");
    expect(audit.problem).toBe(problem);
    if (problem) expect(audit.fix).toMatch(/\/etc\/fstab/);
  });

  it("names the line to fix", () => {
    expect(auditFstab(fstab, "/mnt/no-netdev", "nfs4", "/etc/fstab").fix).toBe(
      "add _netdev to the options on /etc/fstab line 9 so boot waits for the network",
    );
  });
});
