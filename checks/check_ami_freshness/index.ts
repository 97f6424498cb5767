import { AwsConnection } from "../../src/aws/connect";
import { parseElbNames } from "../../src/aws/elb-name";
import { describeAwsError } from "../../src/aws/errors";
import { resolveRegions } from "../../src/aws/region";
import { perRegion, unreadRegionsNote } from "../../src/aws/regions-run";
import { type AwsSettings, parseAwsSettings } from "../../src/aws/settings";
import { keyValues, list, one, thresholdOptions } from "../../src/cli";
import type { CheckDefinition } from "../../src/definition";
import { humanDuration, parseDuration } from "../../src/duration";
import { UsageError } from "../../src/errors";
import type { Metric } from "../../src/metric";
import { Range } from "../../src/range";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import {
  addImage,
  type BackupRules,
  type Backups,
  instanceLabel,
  type JudgedInstance,
  judgeInstance,
  ownersOf,
  type SelectedInstance,
  worstFirst,
} from "./backups";
import { Ec2BackupSource, elbRegistrations, type Selection } from "./source";

interface Options {
  aws: AwsSettings;
  selection: Selection;
  instanceTag?: string;
  rules: BackupRules;
}

const DEFAULTS = { warning: "26h", critical: "50h", pendingTimeout: "2h" };

export const checkAmiFreshness: CheckDefinition<Options> = {
  name: "check_ami_freshness",
  prefix: "AMI",
  summary: "Is there a recent, available AMI backup of each instance?",
  description:
    "Reads the instances (DescribeInstances) and every image the account owns (DescribeImages, Owners=self, " +
    "all pages, once per region). An image belongs to an instance through its SourceInstanceId, a name " +
    "starting with '<instance-id>-', or the --instance-tag tag. The newest available image's age is judged; " +
    "an instance without one is CRITICAL.",
  aws: true,
  options: {
    ...thresholdOptions({
      placeholder: "DURATION",
      warning: `WARNING when the newest available image is older (bare number = hours; default ${DEFAULTS.warning})`,
      critical: `CRITICAL when the newest available image is older (default ${DEFAULTS.critical})`,
    }),
    "pending-timeout": {
      type: "string",
      placeholder: "DURATION",
      describe: `WARNING when an image is pending longer (bare number = hours; default ${DEFAULTS.pendingTimeout})`,
      group: "Thresholds:",
    },
    "instance-id": { type: "string", placeholder: "ID", repeatable: true, describe: "This instance (may be stopped)", group: "Selection:" },
    elb: { type: "string", placeholder: "NAME", repeatable: true, describe: "The instances registered with this classic load balancer", group: "Selection:" },
    tag: { type: "string", placeholder: "KEY=VALUE", repeatable: true, describe: "Only instances with this tag (all must match)", group: "Selection:" },
    "exclude-tag": { type: "string", placeholder: "KEY=VALUE", repeatable: true, describe: "Leave out instances with this tag", group: "Selection:" },
    "instance-tag": {
      type: "string",
      placeholder: "KEY",
      describe: "An image whose tag KEY holds an instance id belongs to that instance",
      group: "Matching:",
    },
  },
  examples: [
    "check_ami_freshness --region eu-west-1 --tag backup=daily -w 26h -c 50h",
    "check_ami_freshness --region eu-west-1 --elb web --instance-tag SourceInstance",
  ],

  parse(args) {
    const instanceIds = [...new Set(list(args["instance-id"]))];
    for (const id of instanceIds) {
      if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw new UsageError(`--instance-id: '${id}' is not an instance id (i-0123456789abcdef0)`);
    }
    const instanceTag = one(args["instance-tag"]);
    if (instanceTag !== undefined && instanceTag.trim() === "") throw new UsageError("--instance-tag: expected a tag key");
    return {
      aws: parseAwsSettings(args),
      selection: {
        instanceIds,
        elbs: parseElbNames(args.elb),
        tags: keyValues(args.tag, "--tag"),
        excludeTags: keyValues(args["exclude-tag"], "--exclude-tag"),
      },
      instanceTag,
      rules: {
        warningSeconds: parseDuration(one(args.warning) ?? DEFAULTS.warning, "h", "--warning"),
        criticalSeconds: parseDuration(one(args.critical) ?? DEFAULTS.critical, "h", "--critical"),
        pendingTimeoutSeconds: parseDuration(one(args["pending-timeout"]) ?? DEFAULTS.pendingTimeout, "h", "--pending-timeout"),
      },
    };
  },

  async run(options, ctx) {
    const { selection, rules } = options;
    const conn = new AwsConnection(options.aws, ctx);
    ctx.stage("resolving regions");
    const regions = await resolveRegions(conn, ctx);

    const outcome = await perRegion(regions, async (region) => {
      const source = new Ec2BackupSource(conn, region, options.instanceTag);
      if (selection.elbs.length > 0) ctx.stage("reading load balancer registrations (elasticloadbalancing:DescribeLoadBalancers)");
      const members = await elbRegistrations(conn, region, selection.elbs);
      ctx.stage("selecting instances (ec2:DescribeInstances)");
      const selected = await source.selectInstances(selection, members);
      const backups = new Map<string, Backups>(selected.instances.map((i) => [i.id, {}]));
      if (backups.size > 0) {
        ctx.stage("reading images (ec2:DescribeImages)");
        const ids = new Set(backups.keys());
        const images = await source.readImages((page) => {
          for (const image of page) for (const owner of ownersOf(image, ids)) addImage(backups.get(owner) as Backups, image);
        });
        ctx.debug(1, `${region}: ${selected.instances.length} instance(s) selected, ${images} image(s) owned by the account`);
      }
      return { ...selected, backups };
    });

    const instances: SelectedInstance[] = outcome.results.flatMap((r) => r.value.instances);
    const findings: Finding[] = [...outcome.failures, ...selectionProblems(selection, outcome.results.map((r) => ({ region: r.region, ...r.value })))];
    if (instances.length === 0) {
      const summary = outcome.failures.length > 0 ? `no instance could be read in ${outcome.failures.length} region(s)` : nothingSelected(selection, regions);
      return makeReport({ summary, findings, state: State.UNKNOWN });
    }

    const showRegion = regions.length > 1;
    const now = ctx.now();
    const judged = outcome.results
      .flatMap(({ value }) => value.instances.map((i) => judgeInstance(i, value.backups.get(i.id) ?? {}, rules, now, showRegion)))
      .sort(worstFirst);
    return makeReport({
      summary: summarize(judged, rules, showRegion) + unreadRegionsNote(outcome.failures),
      findings: [...judged.map((j) => j.finding), ...findings],
      metrics: metrics(judged, rules),
    });
  },

  mapError: describeAwsError,
};

/** Named things that matched nothing: an --elb with no such load balancer, an --instance-id not found. */
function selectionProblems(selection: Selection, read: { region: string; instances: SelectedInstance[]; missingElbs: string[] }[]): Finding[] {
  if (read.length === 0) return [];
  const where = read.map((r) => r.region).join(", ");
  const found = new Set(read.flatMap((r) => r.instances.map((i) => i.id)));
  const out: Finding[] = [];
  for (const name of selection.elbs) {
    if (read.every((r) => r.missingElbs.includes(name))) {
      out.push({ state: State.UNKNOWN, text: `--elb ${name}: no classic load balancer of that name in ${where}` });
    }
  }
  const filtered = selection.tags.length + selection.excludeTags.length > 0 ? ", or left out by the tag filters" : "";
  for (const id of selection.instanceIds) {
    if (!found.has(id)) out.push({ state: State.UNKNOWN, text: `--instance-id ${id}: no such instance in ${where}${filtered}` });
  }
  return out;
}

function nothingSelected(selection: Selection, regions: string[]): string {
  const filter = [
    ...selection.instanceIds.map((id) => `--instance-id ${id}`),
    ...selection.elbs.map((n) => `--elb ${n}`),
    ...selection.tags.map((t) => `--tag ${t.key}=${t.value}`),
    ...selection.excludeTags.map((t) => `--exclude-tag ${t.key}=${t.value}`),
  ].join(" ");
  if (selection.instanceIds.length > 0 || selection.elbs.length > 0) return `no instance matches ${filter}`;
  return `no running instance in ${regions.join(", ")}${filter === "" ? "" : ` matches ${filter}`}`;
}

function summarize(judged: JudgedInstance[], rules: BackupRules, showRegion: boolean): string {
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

function metrics(judged: JudgedInstance[], rules: BackupRules): Metric[] {
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

export default checkAmiFreshness;
