import { defineCheck } from "../../src/definition";
import { CheckError, UsageError } from "../../src/errors";
import type { Metric } from "../../src/metric";
import { makeReport, simpleReport } from "../../src/report";
import { bySeverityDesc, State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";
import { identify } from "./efs";
import { auditFstab } from "./fstab";
import { judge, type Observation, summarize, targetsOf } from "./judge";
import { findMount } from "./mountinfo";
import { DEFAULT_TYPE, OPTIONS } from "./options";
import { localMounts } from "./source";

export default defineCheck({
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
  iam: [],
  examples: [
    "check_efs_mount --mount-point /mnt/efs --type efs --filesystem-id fs-12345678",
    "check_efs_mount --mount-point /mnt/efs --write-test --probe-timeout 3 -t 10",
    "check_efs_mount --all",
    "check_efs_mount --mount-point /data --type ext4 -w 80 -c 90",
  ],

  validate(o) {
    if (o.mountPoint.length === 0 && !o.all) throw new UsageError("no mount point: pass --mount-point PATH (repeatable) or --all");
  },
  connect: () => localMounts,

  async evaluate(o, port, ctx) {
    const settings = { thresholds: new Thresholds(o.warning, o.critical), readOnlyOk: o.readOnlyOk, probeTimeout: o.probeTimeout, stateDir: o.efsStateDir };
    ctx.stage("reading the mount table");
    const mounts = await port.readMounts(o.mountinfo, ctx.signal);
    ctx.debug(2, `mount table ${o.mountinfo}: ${mounts.length} entries`);
    const fstabCheck = !o.noFstabCheck;
    const fstab = fstabCheck || o.all ? await port.readFstab(o.fstab, ctx.signal) : [];
    if (o.all && "error" in fstab) throw new CheckError(`--all: ${fstab.error}`);
    const fstabEntries = "error" in fstab ? [] : fstab;

    const targets = targetsOf(o, fstabEntries, DEFAULT_TYPE);
    if (targets.length === 0) throw new CheckError(`--all: no efs, nfs or nfs4 entry in ${o.fstab}`);

    const needsStateFiles = targets.some((t) => findMount(mounts, t.path)?.source.startsWith("127.0.0.1:"));
    const stateFiles = needsStateFiles ? await port.readStateFiles(o.efsStateDir) : [];

    const observations: Observation[] = targets.map((target) => {
      const mount = findMount(mounts, target.path);
      const identity = mount?.fsType.startsWith("nfs") ? identify(mount, stateFiles) : undefined;
      // The audit compares paths as text: it never touches the mount, hung or not.
      const audit = !fstabCheck ? undefined
        : "error" in fstab ? { problem: "fstab unreadable", fix: `${fstab.error}; pass --fstab FILE or --no-fstab-check` }
        : auditFstab(fstabEntries, target.path, target.type, o.fstab);
      ctx.debug(1, mount
        ? `${target.path}: ${mount.fsType} ${mount.source} ${mount.mountOptions.join(",")} ${mount.superOptions.join(",")}`
        : `${target.path}: not in ${o.mountinfo}`);
      return { target, mount, identity, fstab: audit };
    });

    // All mounts at once: one hung mount must not use up the others' time. Reached only when -t is
    // shorter than --probe-timeout: a mount still silent at the deadline is hung, CRITICAL.
    const pending = new Set(observations.filter((obs) => obs.mount).map((obs) => obs.target.path));
    const showPending = () => ctx.stage(`probing ${[...pending].join(", ")}`);
    if (pending.size > 0) ctx.onTimeout((seconds) => simpleReport(State.CRITICAL, `${[...pending].join(", ")} not responding: no answer within the ${seconds}s deadline (-t)`));
    showPending();
    await Promise.all(observations.filter((obs) => obs.mount).map(async (obs) => {
      obs.probe = await port.probe(obs.target.path, {
        timeoutSeconds: o.probeTimeout, writeTest: o.writeTest, signal: ctx.signal, env: ctx.env, debug: ctx.debug,
      });
      pending.delete(obs.target.path);
      if (pending.size > 0) showPending();
    }));
    ctx.onTimeout(undefined);
    ctx.stage("judging");

    const verdicts = observations.map((obs) => judge(obs, settings)).sort((a, b) => bySeverityDesc(a.state, b.state));
    const metrics: Metric[] = [...verdicts.flatMap((v) => v.metrics), { label: "mounts", value: verdicts.length, min: 0 }];
    return makeReport({
      summary: summarize(verdicts),
      findings: verdicts.map((v) => ({ state: v.state, text: v.text, path: v.path })),
      metrics,
    });
  },
});
