import type { Metric } from "../../src/metric";
import { formatPlain } from "../../src/range";
import { bySeverityDesc, State, worst } from "../../src/state";
import type { Thresholds } from "../../src/thresholds";
import { explainAccess } from "./access";
import { type EfsIdentity, filesystemIdOfSpec } from "./efs";
import { type FstabAudit, type FstabEntry, NETWORK_FSTAB_TYPES } from "./fstab";
import { isReadOnly, type MountEntry } from "./mountinfo";
import type { MountProbe } from "./probe";

/** One mount point to judge and what is expected there. */
export interface Target {
  path: string;
  /** `efs`, `nfs4`, `ext4`…; `nfs` also accepts `nfs4`, which mount.nfs negotiates by default. */
  type: string;
  filesystemId?: string;
}

/** Everything learnt about one target; `probe` is absent when nothing is mounted there. */
export interface Observation {
  target: Target;
  mount?: MountEntry;
  identity?: EfsIdentity;
  probe?: MountProbe;
  /** Absent with --no-fstab-check. */
  fstab?: FstabAudit;
}

interface JudgeSettings {
  thresholds: Thresholds;
  readOnlyOk: boolean;
  probeTimeout: number;
  stateDir: string;
}

interface Problem {
  state: State;
  /** Short enough for the summary line. */
  text: string;
  detail?: string;
}

interface Verdict {
  path: string;
  state: State;
  /** For the summary line: the path and its worst problem, or a short all-is-well. */
  headline: string;
  /** The long-output line. */
  text: string;
  metrics: Metric[];
}

const STALE_CODES = new Set(["ESTALE", "ENOTCONN", "EIO"]);
const NOT_ANSWERING_CODES = new Set(["ETIMEDOUT", "EHOSTDOWN", "EHOSTUNREACH"]);
// EROFS alone means read-only: EACCES/EPERM mean this user may not write on a file system others can.
const READ_ONLY_CODES = new Set(["EROFS"]);
const PERMISSION_CODES = new Set(["EACCES", "EPERM"]);

/** Probe times to the microsecond: a healthy statfs answers in well under a millisecond. */
const roundSeconds = (s: number) => Math.round(s * 1e6) / 1e6;
const seconds = (s: number) => `${formatPlain(roundSeconds(s))}s`;
const milliseconds = (s: number) => `${formatPlain(Math.round(s * 10000) / 10)} ms`;

function typeMatches(expected: string, mount: MountEntry, identity?: EfsIdentity): boolean {
  if (expected === "efs") return mount.fsType === "nfs4" && identity !== undefined && identity.via !== "other";
  if (expected === "nfs") return mount.fsType === "nfs" || mount.fsType === "nfs4";
  return mount.fsType === expected;
}

function describeSource(mount: MountEntry, identity?: EfsIdentity): string {
  if (identity?.via === "tls") {
    const fs = identity.filesystemId ?? "(file system unknown)";
    return `${mount.fsType} ${fs} over TLS via 127.0.0.1:${identity.port}`;
  }
  if (identity?.via === "dns") return `${mount.fsType} ${identity.filesystemId} from ${mount.source}`;
  return `${mount.fsType} from ${mount.source}`;
}

function identityProblem(expected: string, identity: EfsIdentity | undefined, mount: MountEntry, stateDir: string): Problem | undefined {
  const wrong = (actual: string, detail?: string): Problem => ({ state: State.CRITICAL, text: `wrong file system ${actual}, expected ${expected}`, detail });
  switch (identity?.via) {
    case "dns":
      return identity.filesystemId === expected ? undefined : wrong(identity.filesystemId);
    case "tls":
      if (identity.filesystemId === undefined) {
        return {
          state: State.UNKNOWN,
          text: "file system unknown",
          detail: `TLS mount through port ${identity.port}, but no amazon-efs-utils state file in ${stateDir} names it`,
        };
      }
      return identity.filesystemId === expected ? undefined : wrong(identity.filesystemId, `state file ${stateDir}/${identity.stateFile}`);
    case "ip":
      return { state: State.UNKNOWN, text: "file system unknown", detail: `mounted from the address ${identity.server}, which does not tell whether it is ${expected}` };
    default:
      return wrong(mount.source, "not an EFS server");
  }
}

function probeProblems(path: string, probe: MountProbe, settings: JudgeSettings): Problem[] {
  switch (probe.kind) {
    case "hung":
      return [{ state: State.CRITICAL, text: "not responding", detail: `no answer to statfs/readdir within ${seconds(settings.probeTimeout)}, probe killed` }];
    case "aborted":
      return [{ state: State.CRITICAL, text: "not responding", detail: "no answer before the run's deadline, probe killed" }];
    case "broken":
      return [{ state: State.UNKNOWN, text: "probe failed", detail: probe.reason }];
    case "failed": {
      const { op, code, message } = probe.error;
      const detail = `${op} failed with ${code}: ${message}`;
      if (STALE_CODES.has(code)) return [{ state: State.CRITICAL, text: `stale (${code})`, detail }];
      if (NOT_ANSWERING_CODES.has(code)) return [{ state: State.CRITICAL, text: `not responding (${code})`, detail }];
      return [{ state: State.UNKNOWN, text: `cannot probe (${code})`, detail }];
    }
    case "answered": {
      const write = probe.write;
      if (write === undefined || write.ok) return [];
      const detail = `write test: ${write.op} failed with ${write.code}: ${write.message}`;
      if (READ_ONLY_CODES.has(write.code)) {
        return settings.readOnlyOk
          ? [{ state: State.OK, text: "read-only, allowed by --read-only-ok", detail }]
          : [{ state: State.CRITICAL, text: "read-only", detail }];
      }
      if (PERMISSION_CODES.has(write.code)) {
        // The mount may be fine; the check could not do the test it was asked for: UNKNOWN, not CRITICAL.
        const who = write.access === undefined ? "this user" : `user ${write.access.user}`;
        const why = write.access === undefined ? "" : `; ${explainAccess(write.access, path)}`;
        return [{ state: State.UNKNOWN, text: `not writable by ${who} (${write.code})`, detail: `${detail}${why}` }];
      }
      if (STALE_CODES.has(write.code)) return [{ state: State.CRITICAL, text: `stale (${write.code})`, detail }];
      return [{ state: State.CRITICAL, text: `write test failed (${write.code})`, detail }];
    }
  }
}

function usage(statfs: { bsize: number; blocks: number; bfree: number; bavail: number }) {
  const used = (statfs.blocks - statfs.bfree) * statfs.bsize;
  const available = statfs.bavail * statfs.bsize;
  // As df computes Use%: blocks reserved for root count as neither used nor available.
  const pct = used + available > 0 ? Math.round((used / (used + available)) * 10000) / 100 : 0;
  return { used, size: statfs.blocks * statfs.bsize, pct };
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
function humanBytes(n: number): string {
  let i = 0;
  while (n >= 1024 && i < UNITS.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${UNITS[i]}`;
}

function okBrief(mount: MountEntry | undefined, identity: EfsIdentity | undefined, metrics: Metric[]): string {
  const what = identity !== undefined && "filesystemId" in identity && identity.filesystemId ? identity.filesystemId : mount?.fsType;
  const pct = metrics.find((m) => m.uom === "%");
  return ` (${[what, pct && `${formatPlain(pct.value)}% used`].filter(Boolean).join(", ")})`;
}

/** Judges one mount point: mounted, the right thing, answering, writable, not too full, in fstab. */
export function judge(obs: Observation, settings: JudgeSettings): Verdict {
  const { target, mount, identity, probe, fstab } = obs;
  const problems: Problem[] = [];
  const facts: string[] = [];
  const metrics: Metric[] = [];

  if (mount === undefined) {
    const entry = fstab?.entry;
    problems.push({ state: State.CRITICAL, text: "not mounted", detail: entry ? `fstab line ${entry.line} has it: mount ${target.path}` : undefined });
  } else {
    facts.push(describeSource(mount, identity));
    if (!typeMatches(target.type, mount, identity)) {
      const why = target.type === "efs" && mount.fsType === "nfs4" ? "not an EFS server" : undefined;
      problems.push({ state: State.CRITICAL, text: `wrong type ${mount.fsType}, expected ${target.type}`, detail: why });
    } else if (target.filesystemId !== undefined) {
      const p = identityProblem(target.filesystemId, identity, mount, settings.stateDir);
      if (p) problems.push(p);
    }
    if (isReadOnly(mount)) {
      problems.push(settings.readOnlyOk
        ? { state: State.OK, text: "read-only, allowed by --read-only-ok", detail: "ro mount option" }
        : { state: State.CRITICAL, text: "read-only", detail: "ro mount option" });
    }
  }

  if (probe !== undefined) {
    problems.push(...probeProblems(target.path, probe, settings));
    if (probe.kind === "answered") {
      const u = usage(probe.statfs);
      const state = settings.thresholds.evaluate(u.pct);
      const detail = `${humanBytes(u.used)} of ${humanBytes(u.size)}`;
      if (state !== State.OK) problems.push({ state, text: `${formatPlain(u.pct)}% used`, detail });
      else facts.push(`${formatPlain(u.pct)}% used (${detail})`);
      facts.push(`answered in ${milliseconds(probe.seconds)}${probe.write?.ok ? ", write test passed" : ""}`);
      metrics.push(
        { label: `${target.path}.used`, name: "used", item: { mount: target.path }, value: u.used, uom: "B", min: 0, max: u.size, perItem: true },
        {
          label: `${target.path}.used_pct`, name: "used", item: { mount: target.path }, value: u.pct, uom: "%", min: 0, max: 100, perItem: true,
          warning: settings.thresholds.warning, critical: settings.thresholds.critical,
        },
      );
    }
    if (probe.kind !== "broken") {
      metrics.push({ label: `${target.path}.probe`, name: "probe", item: { mount: target.path }, value: roundSeconds(probe.seconds), uom: "s", min: 0, perItem: true });
    }
  }

  if (fstab?.problem !== undefined) problems.push({ state: State.WARNING, text: fstab.problem, detail: fstab.fix });

  const ordered = [...problems].sort((a, b) => bySeverityDesc(a.state, b.state));
  const parts = [...ordered.map((p) => (p.detail ? `${p.text} (${p.detail})` : p.text)), ...facts];
  const worstProblem = ordered.find((p) => p.state !== State.OK);
  return {
    path: target.path,
    state: worst(...problems.map((p) => p.state)),
    headline: `${target.path} ${worstProblem?.text ?? `OK${okBrief(mount, identity, metrics)}`}`,
    text: `${target.path}: ${parts.join("; ")}`,
    metrics,
  };
}

/** --mount-point targets, then (with --all) every efs/nfs/nfs4 fstab entry, expecting what fstab says. */
export function targetsOf(
  o: { mountPoint: string[]; all: boolean; type?: string; filesystemId?: string },
  fstab: FstabEntry[],
  defaultType: string,
): Target[] {
  const targets = new Map<string, Target>();
  for (const path of o.mountPoint) targets.set(path, { path, type: o.type ?? defaultType, filesystemId: o.filesystemId });
  if (o.all) {
    for (const e of fstab.filter((e) => NETWORK_FSTAB_TYPES.includes(e.fsType))) {
      if (targets.has(e.mountPoint)) continue;
      targets.set(e.mountPoint, { path: e.mountPoint, type: o.type ?? e.fsType, filesystemId: o.filesystemId ?? filesystemIdOfSpec(e.spec) });
    }
  }
  return [...targets.values()];
}

export function summarize(verdicts: Verdict[]): string {
  const bad = verdicts.filter((v) => v.state !== State.OK);
  if (bad.length === 0) {
    return verdicts.length === 1 ? verdicts[0].headline : `${verdicts.length} mounts OK: ${verdicts.map((v) => v.path).join(", ")}`;
  }
  const more = bad.length > 1 ? `; ${bad.length - 1} more of ${verdicts.length} mounts with problems` : "";
  return `${bad[0].headline}${more}`;
}
