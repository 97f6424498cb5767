import type { AsgSelection } from "../../src/aws/asg";
import { parseAsgNames } from "../../src/aws/asg-name";
import { AwsConnection } from "../../src/aws/connect";
import { describeAwsError } from "../../src/aws/errors";
import { resolveRegions } from "../../src/aws/region";
import { perRegion, unreadRegionsNote } from "../../src/aws/regions-run";
import { type AwsSettings, parseAwsSettings } from "../../src/aws/settings";
import { keyValues, list, one, thresholdOptions } from "../../src/cli";
import type { CheckDefinition } from "../../src/definition";
import { parseDuration } from "../../src/duration";
import { Range } from "../../src/range";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import { type AsgRules, groupMetrics, judgeGroup, summarize, worstFirst } from "./judge";
import { AsgHealthSource } from "./source";

interface Options {
  aws: AwsSettings;
  selection: AsgSelection;
  rules: AsgRules;
}

const DEFAULT_STUCK_AFTER = "15m";

export const checkAsgHealth: CheckDefinition<Options> = {
  name: "check_asg_health",
  prefix: "ASG",
  summary: "Auto Scaling groups doing their job: capacity in service, no instance stuck, nothing suspended",
  description:
    "Reads DescribeAutoScalingGroups (all pages) and, for groups with an instance Pending or Terminating, " +
    "their scaling activities. By default a group is CRITICAL below its MinSize (or with nothing in service " +
    "while DesiredCapacity > 0) and WARNING below DesiredCapacity, unless launches younger than " +
    "--stuck-after make up the difference. A group scaled to zero is OK.",
  aws: true,
  options: {
    ...thresholdOptions({
      warning: "Range on each group's InService+Healthy count (default: below DesiredCapacity)",
      critical: "Range on each group's InService+Healthy count (default: below MinSize, or 0)",
    }),
    asg: { type: "string", placeholder: "NAME", repeatable: true, describe: "Only this group (default: every group in the region)", group: "Selection:" },
    tag: { type: "string", placeholder: "KEY=VALUE", repeatable: true, describe: "Only groups carrying this tag (all must match)", group: "Selection:" },
    "stuck-after": {
      type: "string",
      placeholder: "DURATION",
      default: DEFAULT_STUCK_AFTER,
      describe: "An instance Pending or Terminating longer than this is stuck: WARNING (bare number = minutes)",
      group: "Thresholds:",
    },
    "allow-suspended": {
      type: "string",
      placeholder: "PROCESS",
      repeatable: true,
      describe: "A suspended process that is fine, e.g. AZRebalance; any other suspended process is WARNING",
      group: "Thresholds:",
    },
  },
  examples: ["check_asg_health --region eu-west-1 --asg web --asg worker", "check_asg_health --region eu-west-1 --tag env=prod --stuck-after 20m"],

  parse(args) {
    const warning = one(args.warning);
    const critical = one(args.critical);
    return {
      aws: parseAwsSettings(args),
      selection: { names: parseAsgNames(args.asg), tags: keyValues(args.tag, "--tag") },
      rules: {
        warning: warning === undefined ? undefined : Range.parse(warning, "--warning"),
        critical: critical === undefined ? undefined : Range.parse(critical, "--critical"),
        stuckAfterSeconds: parseDuration(one(args["stuck-after"]) ?? DEFAULT_STUCK_AFTER, "m", "--stuck-after"),
        allowSuspended: list(args["allow-suspended"]),
      },
    };
  },

  async run({ aws, selection, rules }, ctx) {
    const conn = new AwsConnection(aws, ctx);
    ctx.stage("resolving regions");
    const regions = await resolveRegions(conn, ctx);
    ctx.stage("reading Auto Scaling groups (autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeScalingActivities)");
    const outcome = await perRegion(regions, (region) => new AsgHealthSource(conn, region).groups(selection));

    const groups = outcome.results.flatMap((r) => r.value.groups);
    const where = outcome.results.map((r) => r.region).join(", ");
    const carrying = selection.tags.length > 0 ? ` carrying ${selection.tags.map((t) => `${t.key}=${t.value}`).join(", ")}` : "";
    // A group lives in one region: it is missing only when no region that answered has it.
    const missing: Finding[] = selection.names
      .filter((name) => outcome.results.length > 0 && outcome.results.every((r) => r.value.missing.includes(name)))
      .map((name) => ({ state: State.CRITICAL, text: `${name}: no Auto Scaling group of that name${carrying} in ${where}`, group: name }));

    const showRegion = regions.length > 1;
    const judged = groups.map((g) => judgeGroup(g, rules, ctx.now(), showRegion)).sort(worstFirst);
    if (judged.length === 0 && missing.length === 0) {
      const summary =
        outcome.failures.length > 0 ? `no Auto Scaling group could be read in ${outcome.failures.length} region(s)` : `no Auto Scaling group${carrying} in ${regions.join(", ")}`;
      return makeReport({ summary, findings: outcome.failures, state: State.UNKNOWN });
    }
    return makeReport({
      summary: summarize(judged, missing) + unreadRegionsNote(outcome.failures),
      findings: [...missing, ...judged.flatMap((j) => j.finding ?? []), ...outcome.failures],
      metrics: groupMetrics(judged, showRegion),
    });
  },

  mapError: describeAwsError,
};

export default checkAsgHealth;
