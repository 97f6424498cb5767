import { readdir, readFile } from "node:fs/promises";
import { CheckError } from "../../src/errors";
import { type FstabEntry, parseFstab } from "./fstab";
import { type MountEntry, parseMountinfo } from "./mountinfo";
import { type MountProbe, probeMount, type ProbeSettings } from "./probe";

/** What check_efs_mount reads: kernel tables, small local files, and each mount through a child probe. */
export interface MountPort {
  readMounts(file: string, signal: AbortSignal): Promise<MountEntry[]>;
  /** The fstab entries, or the reason they could not be read. */
  readFstab(file: string, signal: AbortSignal): Promise<FstabEntry[] | { error: string }>;
  readStateFiles(dir: string): Promise<string[]>;
  probe(path: string, settings: ProbeSettings): Promise<MountProbe>;
}

export const localMounts: MountPort = { readMounts, readFstab, readStateFiles, probe: probeMount };

// Everything here reads kernel tables and small local files, never a mounted path: none of it can block
// on a hung mount (the kernel serves /proc/self/mountinfo without asking any file system).

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(err);
}

export async function readMounts(file: string, signal: AbortSignal): Promise<MountEntry[]> {
  try {
    return parseMountinfo(await readFile(file, { encoding: "utf8", signal }));
  } catch (err) {
    throw new CheckError(`cannot read the mount table ${file} (${reason(err)}): pass --mountinfo FILE`);
  }
}

/** The fstab entries, or the reason they could not be read. */
export async function readFstab(file: string, signal: AbortSignal): Promise<FstabEntry[] | { error: string }> {
  try {
    return parseFstab(await readFile(file, { encoding: "utf8", signal }));
  } catch (err) {
    return { error: `cannot read ${file} (${reason(err)})` };
  }
}

/** amazon-efs-utils' state file names; none when the folder is absent (efs-utils not installed or no TLS mount). */
export async function readStateFiles(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}
