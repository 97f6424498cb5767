import { describe, expect, it } from "vitest";
import check from "../../checks/check_ami_freshness/index";
import { type ImageInfo, isNamed, type SelectedInstance } from "../../checks/check_ami_freshness/judge";
import type { BackupSource } from "../../checks/check_ami_freshness/source";
import { runCheck } from "../../src/runner";
import { State } from "../../src/state";
import { denied, regional } from "./ports";

const NOW = new Date("2026-11-23T12:00:00Z");
const HOUR = 3600_000;
const A = "i-0abc12345678def01";
const B = "i-0abc12345678def02";

const image = (owner: string, ageHours: number, state = "available", extra: Partial<ImageInfo> = {}): ImageInfo => ({
  id: `ami-${owner.slice(2)}${ageHours}`,
  name: `${owner}-backup`,
  state,
  created: new Date(NOW.getTime() - ageHours * HOUR),
  ...extra,
});

/** One region's EC2: its running instances (filtered as the real source would by --instance-id) and images. */
function ec2(
  instances: SelectedInstance[] | Error,
  images: ImageInfo[] = [],
  elbs: Record<string, string[]> = {},
  tgs: Record<string, string[]> = {},
  asgs: Record<string, string[]> = {},
): BackupSource {
  return {
    elbRegistrations: async (names) => new Map(names.map((n) => [n, elbs[n]])),
    targetGroupRegistrations: async (refs) => new Map(refs.map((r) => [r.arn ?? r.name, tgs[r.name]])),
    asgInstances: async (names) => new Map(names.map((n) => [n, asgs[n]])),
    selectInstances: async (selection, members) => {
      if (instances instanceof Error) throw instances;
      const named = [...selection.instanceIds, ...[...members.values()].flatMap((ids) => ids ?? [])];
      const missingGroups = [...members].filter(([, ids]) => ids === undefined).map(([n]) => n);
      const chosen = isNamed(selection) ? instances.filter((i) => named.includes(i.id)) : instances;
      return { instances: chosen, missingGroups };
    },
    readImages: async (take) => {
      take(images);
      return images.length;
    },
  };
}

const fleet: SelectedInstance[] = [
  { id: A, name: "db-1", region: "eu-west-1" },
  { id: B, name: "web-2", region: "eu-west-1" },
];
const one = (
  instances: SelectedInstance[] | Error,
  images: ImageInfo[] = [],
  elbs: Record<string, string[]> = {},
  tgs: Record<string, string[]> = {},
  asgs: Record<string, string[]> = {},
) => regional({ "eu-west-1": ec2(instances, images, elbs, tgs, asgs) });

describe("check_ami_freshness scenarios", () => {
  it.each([
    ["ok-every-instance-has-a-fresh-backup", [], one(fleet, [image(A, 3), image(B, 5)]), State.OK, "all 2 instances have a backup younger than 1d 2h"],
    ["ok-image-found-by-source-instance-id", [], one(fleet.slice(0, 1), [image("i-other", 3, "available", { sourceInstanceId: A, name: "nightly" })]), State.OK, `${A} (db-1) newest backup`],
    ["ok-image-found-by-instance-tag", ["--instance-tag", "Source"], one(fleet.slice(0, 1), [image("i-other", 3, "available", { name: "copy", instanceTagValue: A })]), State.OK, "3h old"],
    ["ok-young-pending-image-in-progress", [], one(fleet.slice(0, 1), [image(A, 3), image(A, 1, "pending")]), State.OK, "in progress for 1h"],
    ["ok-failed-latest-image-named", [], one(fleet.slice(0, 1), [image(A, 3), image(A, 1, "failed")]), State.OK, "failed (created 1h ago)"],
    ["warn-older-than-warning", [], one(fleet.slice(0, 1), [image(A, 30)]), State.WARNING, "1d 6h old (> 1d 2h)"],
    ["warn-pending-too-long", [], one(fleet.slice(0, 1), [image(A, 3), image(A, 3, "pending")]), State.WARNING, "pending"],
    ["crit-older-than-critical", [], one(fleet.slice(0, 1), [image(A, 60)]), State.CRITICAL, "2d 12h old"],
    ["crit-no-available-image", [], one(fleet.slice(0, 1), [image(A, 3, "failed")]), State.CRITICAL, "no available image; latest image"],
    ["crit-deregistered-image-is-no-backup", [], one(fleet.slice(0, 1), [image(A, 3, "deregistered")]), State.CRITICAL, `${A} (db-1) has no available image`],
    ["crit-one-of-two-without-backup", [], one(fleet, [image(A, 3)]), State.CRITICAL, `${B} (web-2) has no available image (1 of 2 instances)`],
    ["crit-elb-instances-judged", ["--elb", "web"], one(fleet, [image(A, 3)], { web: [B] }), State.CRITICAL, `AMI CRITICAL: ${B} (web-2) has no available image\n`],
    ["crit-target-group-instances-judged", ["--target-group", "api"], one(fleet, [image(A, 3)], {}, { api: [B] }), State.CRITICAL, `AMI CRITICAL: ${B} (web-2) has no available image\n`],
    ["unknown-target-group-missing", ["--target-group", "gone"], one(fleet), State.UNKNOWN, "[UNKNOWN] --target-group gone: no target group of that name in eu-west-1"],
    ["unknown-nothing-selected", ["--tag", "backup=daily"], one([]), State.UNKNOWN, "no running instance in eu-west-1 matches --tag backup=daily"],
    ["unknown-instance-id-not-found", ["--instance-id", "i-0000000000000dead"], one(fleet), State.UNKNOWN, "no instance matches --instance-id i-0000000000000dead"],
    ["unknown-elb-not-found", ["--elb", "gone"], one(fleet), State.UNKNOWN, "no instance matches --elb gone"],
    ["crit-asg-instances-judged", ["--asg", "web-asg"], one(fleet, [image(A, 3)], {}, {}, { "web-asg": [B] }), State.CRITICAL, `AMI CRITICAL: ${B} (web-2) has no available image\n`],
    ["ok-asg-and-elb-together", ["--asg", "db-asg", "--elb", "web"], one(fleet, [image(A, 3), image(B, 4)], { web: [B] }, {}, { "db-asg": [A] }), State.OK, "all 2 instances have a backup"],
    ["unknown-asg-not-found", ["--asg", "gone"], one(fleet), State.UNKNOWN, "AMI UNKNOWN: no instance matches --asg gone\n[UNKNOWN] --asg gone: no Auto Scaling group of that name in eu-west-1"],
    ["unknown-access-denied", [], one(denied("ec2:DescribeInstances")), State.UNKNOWN, "may not call ec2:DescribeInstances"],
    [
      "unknown-other-region-unread",
      [],
      regional({ "eu-west-1": ec2(fleet.slice(0, 1), [image(A, 3)]), "us-east-1": ec2(denied("ec2:DescribeInstances")) }),
      State.UNKNOWN,
      "[UNKNOWN] region us-east-1: access denied: the credentials may not call ec2:DescribeInstances",
    ],
    [
      "crit-other-region-unread",
      [],
      regional({ "eu-west-1": ec2(fleet.slice(0, 1), []), "us-east-1": ec2(denied("ec2:DescribeImages")) }),
      State.CRITICAL,
      "; 1 region(s) could not be read",
    ],
  ])("%s", async (_id, argv, port, state, text) => {
    const r = await runCheck(check, argv, { port, now: () => NOW });
    expect(r.stdout).toContain(text);
    expect(r.exitCode).toBe(state);
  });
});
