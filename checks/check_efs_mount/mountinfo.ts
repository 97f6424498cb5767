import { decodeOctal } from "./paths";

/** One line of /proc/self/mountinfo (proc_pid_mountinfo(5)), paths decoded. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  /** `fs-….efs.us-east-1.amazonaws.com:/`, `127.0.0.1:/`, `/dev/xvdf`, `tmpfs`… */
  source: string;
  /** Per-mount options (`rw,relatime`) and the file system's own (`vers=4.1,port=20049,…`). */
  mountOptions: string[];
  superOptions: string[];
}

/**
 * Parses mountinfo text; lines that do not have the documented shape are skipped rather than fatal,
 * so one odd entry cannot hide the mount we are after.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(" ");
    const dash = fields.indexOf("-", 6);
    if (fields.length < 10 || dash === -1 || fields.length < dash + 3) continue;
    entries.push({
      mountPoint: decodeOctal(fields[4]),
      mountOptions: fields[5].split(","),
      fsType: decodeOctal(fields[dash + 1]),
      source: decodeOctal(fields[dash + 2]),
      superOptions: (fields[dash + 3] ?? "").split(",").filter(Boolean),
    });
  }
  return entries;
}

/** What is mounted at `path`: the last entry wins, as a later mount hides an earlier one there. */
export function findMount(entries: MountEntry[], path: string): MountEntry | undefined {
  return entries.findLast((e) => e.mountPoint === path);
}

/** An option's value (`port=20049` → "20049"), from the per-mount or file-system options. */
export function mountOption(entry: MountEntry, name: string): string | undefined {
  for (const opt of [...entry.mountOptions, ...entry.superOptions]) {
    if (opt === name) return "";
    if (opt.startsWith(`${name}=`)) return opt.slice(name.length + 1);
  }
  return undefined;
}

export function isReadOnly(entry: MountEntry): boolean {
  return entry.mountOptions.includes("ro") || entry.superOptions.includes("ro");
}
