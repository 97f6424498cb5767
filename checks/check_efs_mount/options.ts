import { list, one, positiveNumber, rangeThresholds, thresholdOptions } from "../../src/cli";
import type { ParsedArgs } from "../../src/definition";
import { UsageError } from "../../src/errors";
import type { OptionSpec } from "../../src/help";
import type { Thresholds } from "../../src/thresholds";
import { FILESYSTEM_ID } from "./efs";
import { normalizeMountPoint } from "./paths";

export const DEFAULT_TYPE = "nfs4";
export const DEFAULTS = {
  mountinfo: "/proc/self/mountinfo",
  fstab: "/etc/fstab",
  stateDir: "/var/run/efs",
  probeTimeout: 5,
};

export interface Options {
  mountPoints: string[];
  all: boolean;
  filesystemId?: string;
  /** Undefined: nfs4, or with --all the type each fstab entry names. */
  type?: string;
  fstabCheck: boolean;
  probeTimeout: number;
  writeTest: boolean;
  readOnlyOk: boolean;
  thresholds: Thresholds;
  mountinfo: string;
  fstab: string;
  stateDir: string;
}

const WHAT = "What:";
const HOW = "Probe:";
const FILES = "Files:";

export const OPTIONS: Record<string, OptionSpec> = {
  "mount-point": { type: "string", placeholder: "PATH", repeatable: true, group: WHAT, describe: "Mount point to check, as the kernel lists it (absolute, no symlink)" },
  all: { type: "boolean", group: WHAT, describe: "Check every efs, nfs and nfs4 entry of fstab (their type and EFS id are expected)" },
  "filesystem-id": { type: "string", placeholder: "fs-ID", group: WHAT, describe: "The EFS file system expected there; also matched for TLS mounts through 127.0.0.1 by the amazon-efs-utils state files" },
  type: { type: "string", placeholder: "TYPE", group: WHAT, describe: `Expected file system type (default ${DEFAULT_TYPE}): efs = nfs4 from an EFS server or efs-utils TLS tunnel; nfs also accepts nfs4; any other (ext4, tmpfs, fuse.sshfs) must match exactly` },
  "no-fstab-check": { type: "boolean", group: WHAT, describe: "Skip the fstab audit (default: a missing entry, a missing _netdev on a network type, or noauto is WARNING)" },
  "probe-timeout": { type: "string", placeholder: "SECONDS", group: HOW, describe: `A mount that does not answer statfs and a directory read in time is CRITICAL, not responding (default ${DEFAULTS.probeTimeout})` },
  "write-test": { type: "boolean", group: HOW, describe: "Also create, write, read back and delete a uniquely named file there" },
  "read-only-ok": { type: "boolean", group: HOW, describe: "A read-only mount (ro option or EROFS in the write test) is not an error" },
  ...thresholdOptions({ warning: "Range on used percent, e.g. 80 (WARNING above 80%)", critical: "Range on used percent, e.g. 95" }),
  mountinfo: { type: "string", placeholder: "FILE", group: FILES, describe: `Mount table to read (default ${DEFAULTS.mountinfo})` },
  fstab: { type: "string", placeholder: "FILE", group: FILES, describe: `fstab to audit (default ${DEFAULTS.fstab})` },
  "efs-state-dir": { type: "string", placeholder: "DIR", group: FILES, describe: `amazon-efs-utils state files (default ${DEFAULTS.stateDir})` },
};

function mountPoint(text: string): string {
  if (!text.startsWith("/")) throw new UsageError(`--mount-point: expected an absolute path, got '${text}'`);
  return normalizeMountPoint(text, "/");
}

function file(value: unknown, option: string, fallback: string): string {
  const text = one(value) ?? fallback;
  if (text === "") throw new UsageError(`${option}: missing file name`);
  return text;
}

export function parseOptions(args: ParsedArgs): Options {
  const mountPoints = [...new Set(list(args["mount-point"]).map(mountPoint))];
  const all = args.all === true;
  if (mountPoints.length === 0 && !all) throw new UsageError("no mount point: pass --mount-point PATH (repeatable) or --all");

  const filesystemId = one(args["filesystem-id"]);
  if (filesystemId !== undefined && !FILESYSTEM_ID.test(filesystemId)) {
    throw new UsageError(`--filesystem-id: expected fs- and 8 or 17 hex digits, got '${filesystemId}'`);
  }
  const type = one(args.type);
  if (type !== undefined && !/^[a-z0-9][a-z0-9._-]*$/i.test(type)) throw new UsageError(`--type: not a file system type: '${type}'`);

  return {
    mountPoints,
    all,
    filesystemId,
    type,
    fstabCheck: args["no-fstab-check"] !== true,
    probeTimeout: positiveNumber(args["probe-timeout"], "--probe-timeout", DEFAULTS.probeTimeout),
    writeTest: args["write-test"] === true,
    readOnlyOk: args["read-only-ok"] === true,
    thresholds: rangeThresholds(args),
    mountinfo: file(args.mountinfo, "--mountinfo", DEFAULTS.mountinfo),
    fstab: file(args.fstab, "--fstab", DEFAULTS.fstab),
    stateDir: file(args["efs-state-dir"], "--efs-state-dir", DEFAULTS.stateDir),
  };
}
