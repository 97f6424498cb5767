/**
 * Who the write test ran as and what the folder allows, gathered by the probe (probe-command.ts) when
 * creating the test file is refused with EACCES/EPERM: the file system is writable then, only not by this
 * user, and the reader needs to know which user, which folder and which permission to fix. Pure: the
 * judge explains it.
 */
export interface WriteAccess {
  user: string;
  uid: number;
  gid: number;
  groups: number[];
  dir: { mode: number; uid: number; gid: number; owner: string; group: string };
}

/** `drwxr-x---` style, with the sticky/setgid bits as ls shows them. */
export function modeString(mode: number): string {
  const bits = ["r", "w", "x"];
  let out = "d";
  for (let shift = 6; shift >= 0; shift -= 3) for (const [i, b] of bits.entries()) out += mode & (1 << (shift + 2 - i)) ? b : "-";
  const set = (i: number, bit: number, on: string, off: string) => {
    if (mode & bit) out = out.slice(0, i) + (out[i] === "x" ? on : off) + out.slice(i + 1);
  };
  set(6, 0o2000, "s", "S");
  set(9, 0o1000, "t", "T");
  return out;
}

/**
 * Judge side: which permission class applies to the user (owner, group, other, as the kernel picks it)
 * and what it lacks; when the mode does allow writing, what else refuses (the mode is not the whole story
 * on NFS and EFS, where the server decides).
 */
export function explainAccess(a: WriteAccess, path: string): string {
  const { dir } = a;
  const who = `user ${a.user} (uid ${a.uid})`;
  const folder = `${path} is ${modeString(dir.mode)} ${dir.owner}:${dir.group}`;
  if (a.uid === 0) return `${who} may not create files there: ${folder}; root is refused by the server (root squash, or an access point with its own user)`;
  const [role, shift] = a.uid === dir.uid ? ["its owner", 6] : a.gid === dir.gid || a.groups.includes(dir.gid) ? ["in its group", 3] : ["not its owner nor in its group", 0];
  const has = (dir.mode >> shift) & 0o7;
  const lacks = [has & 0o2 ? "" : "write", has & 0o1 ? "" : "search (x)"].filter(Boolean);
  if (lacks.length === 0) {
    return `${who} may not create files there: ${folder}, which allows it, so an ACL, a security module or the server (an NFS/EFS access point or export rule) refuses`;
  }
  return `${who} may not create files there: ${folder} and the user, ${role}, lacks ${lacks.join(" and ")} permission on it`;
}
