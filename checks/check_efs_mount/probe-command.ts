import { randomBytes } from "node:crypto";
import {
  closeSync, fsyncSync, opendirSync, openSync, readFileSync, statfsSync, statSync, unlinkSync, writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { defineCheck } from "../../src/definition";
import { UsageError } from "../../src/errors";
import { flag, value } from "../../src/options";
import { makeReport } from "../../src/report";
import { State } from "../../src/state";
import type { WriteAccess } from "./access";

/** The hidden command check_efs_mount re-executes itself as, so that a hung mount blocks only a child. */
export const PROBE_COMMAND = "__mount-probe";

export interface FsError {
  op: string;
  code: string;
  message: string;
}

/** What the probe prints (one JSON line); `ms` is how long the file system took to answer. */
export interface ProbeAnswer {
  statfs?: { type: number; bsize: number; blocks: number; bfree: number; bavail: number };
  error?: FsError;
  write?: { ok: true } | ({ ok: false; access?: WriteAccess } & FsError);
  ms: number;
}

function fsError(op: string, err: unknown): FsError {
  const e = err as NodeJS.ErrnoException;
  return { op, code: e.code ?? "EUNKNOWN", message: (e.message ?? String(err)).replace(/^[A-Z]+: /, "") };
}

/** `name` from an /etc/passwd or /etc/group style file for `id`, else the number itself. */
function nameOf(file: string, id: number): string {
  try {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const fields = line.split(":");
      if (fields.length > 2 && Number(fields[2]) === id && fields[2] !== "") return fields[0];
    }
  } catch {
    // No such file: the number says it.
  }
  return String(id);
}

/** Probe side: undefined when even stat fails (the write test's own error says enough then). */
function gatherAccess(dir: string): WriteAccess | undefined {
  try {
    const s = statSync(dir);
    const uid = process.geteuid?.() ?? -1;
    const gid = process.getegid?.() ?? -1;
    return {
      user: nameOf("/etc/passwd", uid),
      uid,
      gid,
      groups: process.getgroups?.() ?? [],
      dir: { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, owner: nameOf("/etc/passwd", s.uid), group: nameOf("/etc/group", s.gid) },
    };
  } catch {
    return undefined;
  }
}

/** Create, write, fsync, read back and delete a uniquely named file; fsync makes an NFS server commit it. */
function writeTest(dir: string): NonNullable<ProbeAnswer["write"]> {
  const file = join(dir, `.aws-checks-write-test.${hostname()}.${process.pid}.${randomBytes(6).toString("hex")}`);
  const token = `aws-checks write test ${new Date().toISOString()}\n`;
  let op = "create";
  let created = false;
  try {
    const fd = openSync(file, "wx", 0o600);
    created = true;
    try {
      op = "write";
      writeSync(fd, token);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    op = "read";
    if (readFileSync(file, "utf8") !== token) return { ok: false, op, code: "EMISMATCH", message: "read back other data than written" };
    op = "delete";
    unlinkSync(file);
    created = false;
    return { ok: true };
  } catch (err) {
    const error = fsError(op, err);
    // Refused by permissions, not by a read-only file system: say who was refused where, and why.
    if (op === "create" && (error.code === "EACCES" || error.code === "EPERM")) return { ok: false, ...error, access: gatherAccess(dir) };
    return { ok: false, ...error };
  } finally {
    if (created) {
      try {
        unlinkSync(file);
      } catch {
        // Reported through the failed step already.
      }
    }
  }
}

/** statfs, then one directory entry (enough to make the server answer a READDIR), then the write test. */
function probePath(path: string, withWriteTest: boolean): ProbeAnswer {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 1000) / 1000;
  let op = "statfs";
  try {
    const s = statfsSync(path);
    // Bun reports the fragment size f_frsize, which df multiplies blocks by; Node only f_bsize.
    const bsize = (s as unknown as { frsize?: number }).frsize ?? s.bsize;
    op = "readdir";
    const dir = opendirSync(path);
    try {
      dir.readSync();
    } finally {
      dir.closeSync();
    }
    const answer: ProbeAnswer = {
      statfs: { type: Number(s.type), bsize: Number(bsize), blocks: Number(s.blocks), bfree: Number(s.bfree), bavail: Number(s.bavail) },
      ms: 0,
    };
    if (withWriteTest) answer.write = writeTest(path);
    answer.ms = ms();
    return answer;
  } catch (err) {
    return { error: fsError(op, err), ms: ms() };
  }
}

/** The hidden command: touches one path and prints what happened as JSON; judging is check_efs_mount's. */
export default defineCheck({
  name: PROBE_COMMAND,
  prefix: "MOUNT",
  summary: "internal: the child process check_efs_mount runs to touch one mount (prints JSON)",
  options: {
    path: value({ placeholder: "DIR", help: "Directory to probe" }, (t, flagName) => {
      if (!t.startsWith("/")) throw new UsageError(`${flagName}: an absolute directory is required`);
      return t;
    }),
    writeTest: flag({ help: "Also create, read and delete a file there" }),
  },
  examples: [`aws-checks ${PROBE_COMMAND} --path /mnt/efs --write-test`],
  validate(o) {
    if (o.path === undefined) throw new UsageError("--path: an absolute directory is required");
  },
  async evaluate(o) {
    return { ...makeReport({ summary: "probed", state: State.OK }), data: probePath(o.path as string, o.writeTest) };
  },
  print: (report) => `${JSON.stringify(report.data)}\n`,
});
