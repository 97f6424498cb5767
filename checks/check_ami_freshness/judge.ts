import { type Elbv2Ref, refText } from "../../src/aws/elbv2-name";
import { humanDuration } from "../../src/duration";
import type { Metric } from "../../src/metric";
import type { KeyValue } from "../../src/options";
import { Range } from "../../src/range";
import type { Finding } from "../../src/report";
import { bySeverityDesc, State } from "../../src/state";

/** An instance whose backups are judged. */
export interface SelectedInstance {
  id: string;
  name?: string;
  region: string;
}

/** The parts of an AMI the judgement needs. */
export interface ImageInfo {
  id: string;
  name: string;
  state: string;
  created: Date;
  sourceInstanceId?: string;
  /** The value of the --instance-tag tag, when asked for and present. */
  instanceTagValue?: string;
}

export interface BackupRules {
  /** Seconds: WARNING when the newest available image is older. */
  warningSeconds: number;
  /** Seconds: CRITICAL when the newest available image is older. */
  criticalSeconds: number;
  /** Seconds: WARNING when an image has been pending longer. */
  pendingTimeoutSeconds: number;
}

/** Which instances, as the command line named them. */
export interface Selection {
  instanceIds: string[];
  tags: KeyValue[];
  excludeTags: KeyValue[];
  elbs: string[];
  targetGroups: Elbv2Ref[];
  /** --asg: the InService instances of these Auto Scaling groups. */
  asgs: string[];
}

/**
 * The load balancers, target groups and Auto Scaling groups named, each by its option as typed
 * (`--elb web`, `--target-group api`, `--asg web-asg`), with what a missing one is called.
 */
export function groupsNamed(selection: Selection): { label: string; missing: string }[] {
  return [
    ...selection.elbs.map((n) => ({ label: `--elb ${n}`, missing: "no classic load balancer of that name" })),
    ...selection.targetGroups.map((r) => ({ label: `--target-group ${refText(r)}`, missing: `no target group ${r.arn ? "with that ARN" : "of that name"}` })),
    ...selection.asgs.map((n) => ({ label: `--asg ${n}`, missing: "no Auto Scaling group of that name" })),
  ];
}

const FAILED = new Set(["failed", "error", "invalid"]);
// The naming convention `<instance-id>-<date>`: the id is everything before the first dash after `i-`.
const NAMED_FOR = /^(i-[0-9a-f]{8,17})-/;

/** The selected instances an image belongs to: by SourceInstanceId, by name prefix, or by --instance-tag. */
export function ownersOf(image: ImageInfo, selected: ReadonlySet<string>): string[] {
  const owners = new Set<string>();
  for (const id of [image.sourceInstanceId, NAMED_FOR.exec(image.name)?.[1], image.instanceTagValue?.trim()]) {
    if (id !== undefined && selected.has(id)) owners.add(id);
  }
  return [...owners];
}

/** What is known about one instance's images, kept small: a large account's images never sit in memory. */
export interface Backups {
  newestAvailable?: ImageInfo;
  /** The newest image that is available, pending or failed: the latest backup attempt. */
  newestAttempt?: ImageInfo;
  oldestPending?: ImageInfo;
}

const newer = (a: ImageInfo, b: ImageInfo | undefined) => b === undefined || a.created.getTime() > b.created.getTime();

/** Folds one image into an instance's backups. Deregistered, disabled and transient images are not backups. */
export function addImage(backups: Backups, image: ImageInfo): void {
  const available = image.state === "available";
  const pending = image.state === "pending";
  if (!available && !pending && !FAILED.has(image.state)) return;
  if (available && newer(image, backups.newestAvailable)) backups.newestAvailable = image;
  if (pending && (backups.oldestPending === undefined || image.created < backups.oldestPending.created)) backups.oldestPending = image;
  if (newer(image, backups.newestAttempt)) backups.newestAttempt = image;
}

export interface JudgedInstance {
  instance: SelectedInstance;
  state: State;
  /** Age in seconds of the newest available image; undefined when there is none. */
  ageSeconds?: number;
  stale: boolean;
  missing: boolean;
  /** A few words for the summary line, e.g. `newest backup 30h old (> 26h)`. */
  headline: string;
  finding: Finding;
}

function imageText(image: ImageInfo): string {
  return `${image.id} '${image.name}'`;
}

function secondsSince(date: Date, now: Date): number {
  return Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
}

function instanceLabel(instance: SelectedInstance, showRegion: boolean): string {
  const named = instance.name ? `${instance.id} (${instance.name})` : instance.id;
  return showRegion ? `${named} [${instance.region}]` : named;
}

/** Judges one instance: the age of its newest available image, a stuck pending image, a failed latest attempt. */
export function judgeInstance(
  instance: SelectedInstance,
  backups: Backups,
  rules: BackupRules,
  now: Date,
  showRegion = false,
): JudgedInstance {
  const notes: string[] = [];
  let state = State.OK;
  let headline: string;
  let ageSeconds: number | undefined;
  const best = backups.newestAvailable;

  if (best === undefined) {
    state = State.CRITICAL;
    headline = "has no available image";
    notes.push("no available image");
  } else {
    ageSeconds = secondsSince(best.created, now);
    let limit: number | undefined;
    if (ageSeconds > rules.criticalSeconds) [state, limit] = [State.CRITICAL, rules.criticalSeconds];
    else if (ageSeconds > rules.warningSeconds) [state, limit] = [State.WARNING, rules.warningSeconds];
    const old = `${humanDuration(ageSeconds)} old${limit === undefined ? "" : ` (> ${humanDuration(limit)})`}`;
    headline = `newest backup ${old}`;
    notes.push(`newest backup ${imageText(best)} ${old}`);
  }

  const attempt = backups.newestAttempt;
  if (attempt !== undefined && FAILED.has(attempt.state)) {
    notes.push(`latest image ${imageText(attempt)} ${attempt.state} (created ${humanDuration(secondsSince(attempt.created, now))} ago)`);
  }

  const pending = backups.oldestPending;
  if (pending !== undefined) {
    const pendingFor = secondsSince(pending.created, now);
    if (pendingFor > rules.pendingTimeoutSeconds) {
      const stuck = `pending for ${humanDuration(pendingFor)} (> ${humanDuration(rules.pendingTimeoutSeconds)})`;
      notes.push(`image ${imageText(pending)} ${stuck}`);
      if (state === State.OK) {
        state = State.WARNING;
        headline = `image ${pending.id} ${stuck}`;
      }
    } else {
      notes.push(`image ${imageText(pending)} in progress for ${humanDuration(pendingFor)}`);
    }
  }

  const stale = ageSeconds !== undefined && ageSeconds > rules.warningSeconds;
  return {
    instance,
    state,
    ageSeconds,
    stale,
    missing: best === undefined,
    headline,
    finding: {
      state,
      text: `${instanceLabel(instance, showRegion)}: ${notes.join("; ")}`,
      instanceId: instance.id,
      name: instance.name,
      region: instance.region,
      imageId: best?.id,
      imageName: best?.name,
      ageSeconds,
    },
  };
}

/** Worst first: by state, then instances without a backup, then the oldest backup. */
export function worstFirst(a: JudgedInstance, b: JudgedInstance): number {
  return bySeverityDesc(a.state, b.state) || (b.ageSeconds ?? Infinity) - (a.ageSeconds ?? Infinity) || a.instance.id.localeCompare(b.instance.id);
}

/** Named things that matched nothing: an --elb with no such load balancer, an --instance-id not found. */
export function selectionProblems(selection: Selection, read: { region: string; instances: SelectedInstance[]; missingGroups: string[] }[]): Finding[] {
  if (read.length === 0) return [];
  const where = read.map((r) => r.region).join(", ");
  const found = new Set(read.flatMap((r) => r.instances.map((i) => i.id)));
  const out: Finding[] = [];
  for (const group of groupsNamed(selection)) {
    if (read.every((r) => r.missingGroups.includes(group.label))) out.push({ state: State.UNKNOWN, text: `${group.label}: ${group.missing} in ${where}` });
  }
  const filtered = selection.tags.length + selection.excludeTags.length > 0 ? ", or left out by the tag filters" : "";
  for (const id of selection.instanceIds) {
    if (!found.has(id)) out.push({ state: State.UNKNOWN, text: `--instance-id ${id}: no such instance in ${where}${filtered}` });
  }
  return out;
}

/** --instance-id, --elb, --target-group and --asg name instances; without them the selection is every running instance. */
export function isNamed(selection: Selection): boolean {
  return selection.instanceIds.length > 0 || groupsNamed(selection).length > 0;
}

export function nothingSelected(selection: Selection, regions: string[]): string {
  const filter = [
    ...selection.instanceIds.map((id) => `--instance-id ${id}`),
    ...groupsNamed(selection).map((g) => g.label),
    ...selection.tags.map((t) => `--tag ${t.key}=${t.value}`),
    ...selection.excludeTags.map((t) => `--exclude-tag ${t.key}=${t.value}`),
  ].join(" ");
  if (isNamed(selection)) return `no instance matches ${filter}`;
  return `no running instance in ${regions.join(", ")}${filter === "" ? "" : ` matches ${filter}`}`;
}

export function summarize(judged: JudgedInstance[], rules: BackupRules, showRegion: boolean): string {
  const problems = judged.filter((j) => j.state !== State.OK);
  const n = judged.length;
  if (problems.length === 1 || n === 1) {
    const first = judged[0];
    return `${instanceLabel(first.instance, showRegion)} ${first.headline}${n > 1 ? ` (1 of ${n} instances)` : ""}`;
  }
  if (problems.length === 0) {
    const oldest = Math.max(...judged.map((j) => j.ageSeconds ?? 0));
    return `all ${n} instances have a backup younger than ${humanDuration(rules.warningSeconds)} (stalest ${humanDuration(oldest)} old)`;
  }
  const missing = judged.filter((j) => j.missing).length;
  const stale = judged.filter((j) => j.stale).length;
  const stuck = problems.length - missing - stale;
  const parts = [
    missing > 0 ? `${missing} without backup` : "",
    stale > 0 ? `${stale} stale (> ${humanDuration(rules.warningSeconds)})` : "",
    stuck > 0 ? `${stuck} with an image pending > ${humanDuration(rules.pendingTimeoutSeconds)}` : "",
  ].filter((p) => p !== "");
  return `${problems.length} of ${n} instances need attention: ${parts.join(", ")}`;
}

export function metrics(judged: JudgedInstance[], rules: BackupRules): Metric[] {
  const n = judged.length;
  const warning = Range.above(rules.warningSeconds);
  const critical = Range.above(rules.criticalSeconds);
  return [
    { label: "instances", value: n, min: 0 },
    { label: "stale", value: judged.filter((j) => j.stale).length, min: 0, max: n },
    { label: "missing", value: judged.filter((j) => j.missing).length, min: 0, max: n },
    // Worst first, so the instances that matter survive the 4096-byte cut; none for an instance without an image.
    ...judged
      .filter((j) => j.ageSeconds !== undefined)
      .map((j): Metric => ({ label: j.instance.id, name: "backup_age", item: { region: j.instance.region, instance: j.instance.id }, value: j.ageSeconds as number, uom: "s", warning, critical, min: 0, perItem: true })),
  ];
}
