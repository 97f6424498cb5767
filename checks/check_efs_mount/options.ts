import { criticalRange, warningRange } from "../../src/cli";
import { UsageError } from "../../src/errors";
import { flag, positiveNumber, value, values } from "../../src/options";
import { FILESYSTEM_ID } from "./efs";
import { normalizeMountPoint } from "./paths";

const WHAT = "What:";
const HOW = "Probe:";
const FILES = "Files:";
export const DEFAULT_TYPE = "nfs4";

function file(help: string, placeholder: string, defaultPath: string) {
  return value({ placeholder, group: FILES, help, default: defaultPath }, (t, flagName) => {
    if (t === "") throw new UsageError(`${flagName}: missing file name`);
    return t;
  });
}

/** check_efs_mount's options: what to check, how to probe, which files to read. */
export const OPTIONS = {
  mountPoint: values({ placeholder: "PATH", group: WHAT, help: "Mount point to check, as the kernel lists it (absolute, no symlink)" }, (t, flagName) => {
    if (!t.startsWith("/")) throw new UsageError(`${flagName}: expected an absolute path, got '${t}'`);
    return normalizeMountPoint(t, "/");
  }),
  all: flag({ group: WHAT, help: "Check every efs, nfs and nfs4 entry of fstab (their type and EFS id are expected)" }),
  filesystemId: value({ placeholder: "fs-ID", group: WHAT, help: "The EFS file system expected there; also matched for TLS mounts through 127.0.0.1 by the amazon-efs-utils state files" }, (t, flagName) => {
    if (!FILESYSTEM_ID.test(t)) throw new UsageError(`${flagName}: expected fs- and 8 or 17 hex digits, got '${t}'`);
    return t;
  }),
  type: value({ placeholder: "TYPE", group: WHAT, help: `Expected file system type (default ${DEFAULT_TYPE}, or with --all what fstab says): efs = nfs4 from an EFS server or efs-utils TLS tunnel; nfs also accepts nfs4; any other (ext4, tmpfs, fuse.sshfs) must match exactly` }, (t, flagName) => {
    if (!/^[a-z0-9][a-z0-9._-]*$/i.test(t)) throw new UsageError(`${flagName}: not a file system type: '${t}'`);
    return t;
  }),
  noFstabCheck: flag({ group: WHAT, help: "Skip the fstab audit (default: a missing entry, a missing _netdev on a network type, or noauto is WARNING)" }),
  probeTimeout: positiveNumber({ placeholder: "SECONDS", group: HOW, default: "5", help: "A mount that does not answer statfs and a directory read in time is CRITICAL, not responding" }),
  writeTest: flag({ group: HOW, help: "Also create, write, read back and delete a uniquely named file there" }),
  readOnlyOk: flag({ group: HOW, help: "A read-only mount (ro option or EROFS in the write test) is not an error" }),
  warning: warningRange({ percent: true, help: "Range on used percent, e.g. 80 or 80% (WARNING above 80%)" }),
  critical: criticalRange({ percent: true, help: "Range on used percent, e.g. 95" }),
  mountinfo: file("Mount table to read", "FILE", "/proc/self/mountinfo"),
  fstab: file("fstab to audit", "FILE", "/etc/fstab"),
  efsStateDir: file("amazon-efs-utils state files", "DIR", "/var/run/efs"),
};

