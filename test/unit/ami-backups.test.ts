import { describe, expect, it } from "vitest";
import {
  addImage,
  type BackupRules,
  type Backups,
  type ImageInfo,
  judgeInstance,
  ownersOf,
  worstFirst,
} from "../../checks/check_ami_freshness/judge";
import { State } from "../../src/state";

const HOUR = 3600;
const NOW = new Date("2026-11-23T12:00:00Z");
const RULES: BackupRules = { warningSeconds: 26 * HOUR, criticalSeconds: 50 * HOUR, pendingTimeoutSeconds: 2 * HOUR };
const ID = "i-0abc1234567890def";
const OTHER = "i-0fff0000000000001";

const image = (hoursAgo: number, state = "available", extra: Partial<ImageInfo> = {}): ImageInfo => ({
  id: `ami-${String(hoursAgo).padStart(8, "0")}`,
  name: `${ID}-backup`,
  state,
  created: new Date(NOW.getTime() - hoursAgo * HOUR * 1000),
  ...extra,
});

function backupsOf(...images: ImageInfo[]): Backups {
  const b: Backups = {};
  for (const i of images) addImage(b, i);
  return b;
}

const judge = (...images: ImageInfo[]) => judgeInstance({ id: ID, name: "web-1", region: "us-east-1" }, backupsOf(...images), RULES, NOW);

describe("ownersOf: the three ways an image belongs to an instance", () => {
  const selected = new Set([ID, OTHER]);
  it("by SourceInstanceId", () => {
    expect(ownersOf({ ...image(1), name: "nightly", sourceInstanceId: OTHER }, selected)).toEqual([OTHER]);
  });
  it("by a name starting with the instance id and a dash", () => {
    expect(ownersOf({ ...image(1), name: `${ID}-20261122` }, selected)).toEqual([ID]);
    expect(ownersOf({ ...image(1), name: `${ID}20261122` }, selected)).toEqual([]);
    expect(ownersOf({ ...image(1), name: `backup-${ID}-20261122` }, selected)).toEqual([]);
  });
  it("by the --instance-tag value", () => {
    expect(ownersOf({ ...image(1), name: "x", instanceTagValue: ` ${OTHER} ` }, selected)).toEqual([OTHER]);
  });
  it("images of instances not selected belong to nobody; two ways to the same instance count once", () => {
    expect(ownersOf({ ...image(1), name: "i-00000000000000009-1", sourceInstanceId: "i-00000000000000009" }, selected)).toEqual([]);
    expect(ownersOf({ ...image(1), sourceInstanceId: ID }, selected)).toEqual([ID]);
  });
});

describe("judgeInstance", () => {
  it.each([
    ["ok-fresh", [image(3)], State.OK, /newest backup ami-00000003 'i-0abc1234567890def-backup' 3h old$/],
    ["ok-at-warning-limit", [image(26)], State.OK, /1d 2h old$/],
    ["warn-30h", [image(30)], State.WARNING, /1d 6h old \(> 1d 2h\)/],
    ["crit-60h", [image(60)], State.CRITICAL, /2d 12h old \(> 2d 2h\)/],
    ["crit-no-image", [], State.CRITICAL, /: no available image$/],
    ["crit-only-failed", [image(1, "failed")], State.CRITICAL, /no available image; latest image ami-00000001 .* failed \(created 1h ago\)/],
    ["ok-newest-of-several", [image(60), image(2), image(30)], State.OK, /ami-00000002 .* 2h old$/],
    ["warn-pending-3h", [image(5), image(3, "pending")], State.WARNING, /image ami-00000003 .* pending for 3h \(> 2h\)/],
    ["ok-pending-1h", [image(5), image(1, "pending")], State.OK, /image ami-00000001 .* in progress for 1h/],
    ["ok-failed-newest-named", [image(20), image(1, "error")], State.OK, /20h old; latest image ami-00000001 .* error/],
    ["crit-stale-and-pending", [image(60), image(3, "pending")], State.CRITICAL, /2d 12h old .*pending for 3h/],
  ] as const)("%s", (_id, images, state, text) => {
    const j = judge(...images);
    expect(j.state).toBe(state);
    expect(j.finding.text).toMatch(/^i-0abc1234567890def \(web-1\): /);
    expect(j.finding.text).toMatch(text);
  });

  it("deregistered, disabled and transient images are not backups", () => {
    const j = judge(image(1, "deregistered"), image(2, "disabled"), image(3, "transient"));
    expect(j.state).toBe(State.CRITICAL);
    expect(j.missing).toBe(true);
    expect(j.finding.text).not.toContain("latest image");
  });

  it("a failed image older than the newest available one is not named", () => {
    expect(judge(image(2), image(20, "failed")).finding.text).not.toContain("failed");
  });

  it("counts: stale is any backup older than -w, missing is none available", () => {
    expect(judge(image(30))).toMatchObject({ stale: true, missing: false, ageSeconds: 30 * HOUR });
    expect(judge(image(60))).toMatchObject({ stale: true, missing: false });
    expect(judge()).toMatchObject({ stale: false, missing: true, ageSeconds: undefined });
  });

  it("names the region when asked", () => {
    const j = judgeInstance({ id: ID, region: "eu-west-1" }, backupsOf(image(1)), RULES, NOW, true);
    expect(j.finding.text).toMatch(/^i-0abc1234567890def \[eu-west-1\]: /);
  });
});

describe("worstFirst", () => {
  it("orders by state, then missing before old before young", () => {
    const judged = [judge(image(1)), judge(image(30)), judge(), judge(image(60)), judge(image(40)), judge(image(5))];
    const order = judged.sort(worstFirst).map((j) => j.ageSeconds === undefined ? "none" : j.ageSeconds / HOUR);
    expect(order).toEqual(["none", 60, 40, 30, 5, 1]);
  });
});
