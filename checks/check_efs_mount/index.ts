import type { CheckDefinition } from "../../src/definition";
import { CheckError } from "../../src/errors";
import type { Metric } from "../../src/metric";
import { makeReport, simpleReport } from "../../src/report";
import { bySeverityDesc, State } from "../../src/state";
import { filesystemIdOfSpec, identify } from "./efs";
import { auditFstab, type FstabEntry, NETWORK_FSTAB_TYPES } from "./fstab";
import { judge, type Observation, type Target, type Verdict } from "./judge";
import { findMount } from "./mountinfo";
import { DEFAULT_TYPE, OPTIONS, type Options, parseOptions } from "./options";
import { probeMount } from "./probe";
import { readFstab, readMounts, readStateFiles } from "./source";

const PROBING = "probing ";

/** --mount-point targets, then (with --all) every efs/nfs/nfs4 fstab entry, expecting what fstab says. */
function targetsOf(options: Options, fstab: FstabEntry[]): Target[] {
  const targets = new Map<string, Target>();
  for (const path of options.mountPoints) {
    targets.set(path, { path, type: options.type ?? DEFAULT_TYPE, filesystemId: options.filesystemId });
  }
  if (options.all) {
    for (const e of fstab.filter((e) => NETWORK_FSTAB_TYPES.includes(e.fsType))) {
      if (targets.has(e.mountPoint)) continue;
      targets.set(e.mountPoint, {
        path: e.mountPoint,
        type: options.type ?? e.fsType,
        filesystemId: options.filesystemId ?? filesystemIdOfSpec(e.spec),
      });
    }
  }
  return [...targets.values()];
}

function summarize(verdicts: Verdict[]): string {
  const bad = verdicts.filter((v) => v.state !== State.OK);
  if (bad.length === 0) {
    return verdicts.length === 1 ? verdicts[0].headline : `${verdicts.length} mounts OK: ${verdicts.map((v) => v.path).join(", ")}`;
  }
  const more = bad.length > 1 ? `; ${bad.length - 1} more of ${verdicts.length} mounts with problems` : "";
  return `${bad[0].headline}${more}`;
}

export const checkEfsMount: CheckDefinition<Options> = {
  name: "check_efs_mount",
  prefix: "MOUNT",
  summary: "is an EFS (or any) file system mounted where it should be, answering, and in fstab",
  description:
    "Reads the mount table, then probes each mount (statfs and a directory read, with --write-test a " +
    "file written and deleted) in a child process that is killed after --probe-timeout, so a hung mount " +
    "never hangs the check. CRITICAL: not mounted, wrong type or file system, stale (ESTALE, ENOTCONN, " +
    "EIO), not responding, read-only (unless --read-only-ok), or used percent beyond -c. WARNING: the " +
    "fstab entry is missing, lacks _netdev, or is noauto. UNKNOWN: the write test refused by permissions " +
    "(names the user and the folder's mode). Needs no AWS permissions.",
  options: OPTIONS,
  examples: [
    "check_efs_mount --mount-point /mnt/efs --type efs --filesystem-id fs-12345678",
    "check_efs_mount --mount-point /mnt/efs --write-test --probe-timeout 3 -t 10",
    "check_efs_mount --all",
    "check_efs_mount --mount-point /data --type ext4 -w 80 -c 90",
  ],
  parse: parseOptions,

  async run(options, ctx) {
    ctx.stage("reading the mount table");
    const mounts = await readMounts(options.mountinfo, ctx.signal);
    ctx.debug(2, `mount table ${options.mountinfo}: ${mounts.length} entries`);
    const fstab = options.fstabCheck || options.all ? await readFstab(options.fstab, ctx.signal) : [];
    if (options.all && "error" in fstab) throw new CheckError(`--all: ${fstab.error}`);
    const fstabEntries = "error" in fstab ? [] : fstab;

    const targets = targetsOf(options, fstabEntries);
    if (targets.length === 0) throw new CheckError(`--all: no efs, nfs or nfs4 entry in ${options.fstab}`);

    const needsStateFiles = targets.some((t) => findMount(mounts, t.path)?.source.startsWith("127.0.0.1:"));
    const stateFiles = needsStateFiles ? await readStateFiles(options.stateDir) : [];

    const observations: Observation[] = targets.map((target) => {
      const mount = findMount(mounts, target.path);
      const identity = mount?.fsType.startsWith("nfs") ? identify(mount, stateFiles) : undefined;
      // The audit compares paths as text: it never touches the mount, hung or not.
      const audit = !options.fstabCheck ? undefined
        : "error" in fstab ? { problem: "fstab unreadable", fix: `${fstab.error}; pass --fstab FILE or --no-fstab-check` }
        : auditFstab(fstabEntries, target.path, target.type, options.fstab);
      ctx.debug(1, mount
        ? `${target.path}: ${mount.fsType} ${mount.source} ${mount.mountOptions.join(",")} ${mount.superOptions.join(",")}`
        : `${target.path}: not in ${options.mountinfo}`);
      return { target, mount, identity, fstab: audit };
    });

    // All mounts at once: one hung mount must not use up the others' time.
    const pending = new Set(observations.filter((o) => o.mount).map((o) => o.target.path));
    const showPending = () => ctx.stage(`${PROBING}${[...pending].join(", ")}`);
    showPending();
    await Promise.all(observations.filter((o) => o.mount).map(async (o) => {
      o.probe = await probeMount(o.target.path, {
        timeoutSeconds: options.probeTimeout, writeTest: options.writeTest, signal: ctx.signal, env: ctx.env, debug: ctx.debug,
      });
      pending.delete(o.target.path);
      if (pending.size > 0) showPending();
    }));
    ctx.stage("judging");

    const verdicts = observations
      .map((o) => judge(o, options))
      .sort((a, b) => bySeverityDesc(a.state, b.state));
    const metrics: Metric[] = [...verdicts.flatMap((v) => v.metrics), { label: "mounts", value: verdicts.length, min: 0 }];
    return makeReport({
      summary: summarize(verdicts),
      findings: verdicts.map((v) => ({ state: v.state, text: v.text, path: v.path })),
      metrics,
    });
  },

  // Reached only when -t is shorter than --probe-timeout: a mount still silent at the deadline is hung.
  onTimeout(stage, seconds) {
    if (!stage.startsWith(PROBING)) return undefined;
    return simpleReport(State.CRITICAL, `${stage.slice(PROBING.length)} not responding: no answer within the ${seconds}s deadline (-t)`);
  },
};

export default checkEfsMount;
