import { decodeOctal, normalizeMountPoint } from "./paths";

/** One fstab(5) line, fields decoded. */
export interface FstabEntry {
  spec: string;
  mountPoint: string;
  fsType: string;
  options: string[];
  line: number;
}

export function parseFstab(text: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    if (fields.length < 3) continue;
    entries.push({
      spec: decodeOctal(fields[0]),
      mountPoint: normalizeMountPoint(decodeOctal(fields[1]), "/"),
      fsType: decodeOctal(fields[2]),
      options: (fields[3] ?? "defaults").split(","),
      line: i + 1,
    });
  }
  return entries;
}

/** fstab types `--all` selects: what EFS (or any NFS share) is mounted from. */
export const NETWORK_FSTAB_TYPES = ["efs", "nfs", "nfs4"];

// A network file system mounted before the network is up hangs or fails the boot; systemd orders a
// mount after the network for these types (or for `_netdev`). Local types need only an entry.
const NETWORK_TYPES = /^(efs|nfs4?|cifs|smb3|ceph|glusterfs|9p|fuse\.sshfs|fuse\.s3fs|davfs|ocfs2|gfs2)$/;

function isNetworkType(fsType: string): boolean {
  return NETWORK_TYPES.test(fsType);
}

export interface FstabAudit {
  /** Short, for the summary line; undefined when the entry brings the mount back after a reboot. */
  problem?: string;
  /** What to do about it. */
  fix?: string;
  entry?: FstabEntry;
}

/**
 * Will this mount come back after a reboot or an instance replacement? It needs an fstab entry; a
 * network file system also needs `_netdev` (without it the boot may hang waiting for it), except the
 * `efs` type, which amazon-efs-utils always mounts after the network; `noauto` never mounts at boot.
 */
export function auditFstab(entries: FstabEntry[], mountPoint: string, expectedType: string, fstabPath: string): FstabAudit {
  const entry = entries.findLast((e) => e.mountPoint === mountPoint);
  if (entry === undefined) {
    return { problem: "not in fstab", fix: `add an entry to ${fstabPath}, with _netdev for EFS/NFS, so it is mounted at boot` };
  }
  const where = `${fstabPath} line ${entry.line}`;
  if (entry.options.includes("noauto") && !entry.options.some((o) => o.startsWith("x-systemd.automount"))) {
    return { entry, problem: "fstab entry has noauto", fix: `remove noauto from ${where} so it is mounted at boot` };
  }
  const network = isNetworkType(entry.fsType) || isNetworkType(expectedType);
  if (network && entry.fsType !== "efs" && !entry.options.includes("_netdev")) {
    return { entry, problem: "fstab entry lacks _netdev", fix: `add _netdev to the options on ${where} so boot waits for the network` };
  }
  return { entry };
}
