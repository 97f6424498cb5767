import { humanDuration } from "../../src/duration";
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

export function instanceLabel(instance: SelectedInstance, showRegion: boolean): string {
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
