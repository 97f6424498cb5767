import { asgName } from "../../src/aws/asg-name";
import { AWS_OPTIONS, awsSettings } from "../../src/aws/options";
import { acrossRegions } from "../../src/aws/regions";
import { criticalRange, warningRange } from "../../src/cli";
import { defineCheck } from "../../src/definition";
import { duration, keyValues, texts, values } from "../../src/options";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import { type AsgRules, groupMetrics, judgeGroup, summarize, worstFirst } from "./judge";

const SELECTION = "Selection:";
const THRESHOLDS = "Thresholds:";

export default defineCheck({
  name: "check_asg_health",
  prefix: "ASG",
  summary: "Auto Scaling groups doing their job: capacity in service, no instance stuck, nothing suspended",
  description:
    "Reads DescribeAutoScalingGroups (all pages) and, for groups with an instance Pending or Terminating, " +
    "their scaling activities. By default a group is CRITICAL below its MinSize (or with nothing in service " +
    "while DesiredCapacity > 0) and WARNING below DesiredCapacity, unless launches younger than " +
    "--stuck-after make up the difference. A group scaled to zero is OK.",
  options: {
    warning: warningRange({ help: "Range on each group's InService+Healthy count (default: below DesiredCapacity)" }),
    critical: criticalRange({ help: "Range on each group's InService+Healthy count (default: below MinSize, or 0)" }),
    asg: values({ placeholder: "NAME", help: "Only this group (default: every group in the region)", group: SELECTION }, asgName),
    tag: keyValues({ help: "Only groups carrying this tag (all must match)", group: SELECTION }),
    stuckAfter: duration({
      unit: "m",
      default: "15m",
      group: THRESHOLDS,
      help: "An instance Pending or Terminating longer than this is stuck: WARNING (bare number = minutes)",
    }),
    allowSuspended: texts({
      placeholder: "PROCESS",
      group: THRESHOLDS,
      help: "A suspended process that is fine, e.g. AZRebalance; any other suspended process is WARNING",
    }),
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "autoscaling:DescribeAutoScalingGroups" },
    { action: "autoscaling:DescribeScalingActivities", when: "a group has an instance Pending or Terminating" },
    { action: "ec2:DescribeInstances", when: "a Pending instance no scaling activity names" },
    { action: "ec2:DescribeRegions", when: "--region all" },
    { action: "sts:AssumeRole", when: "--role-arn" },
  ],
  examples: ["check_asg_health --region eu-west-1 --asg web --asg worker", "check_asg_health --region eu-west-1 --tag env=prod --stuck-after 20m"],

  connect: async (o, ctx) => (await import("./source")).connectAsgHealth(awsSettings(o), ctx),

  async evaluate(o, port, ctx) {
    const rules: AsgRules = { warning: o.warning, critical: o.critical, stuckAfterSeconds: o.stuckAfter, allowSuspended: o.allowSuspended };
    const read = await acrossRegions(port, ctx, (source) => {
      ctx.stage("reading Auto Scaling groups and their scaling activities (autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeScalingActivities)");
      return source.groups({ names: o.asg, tags: o.tag });
    });
    const carrying = o.tag.length > 0 ? ` carrying ${o.tag.map((t) => `${t.key}=${t.value}`).join(", ")}` : "";
    const missing: Finding[] = read
      .missingEverywhere(o.asg, (v) => v.missing)
      .map((name) => ({ state: State.CRITICAL, text: `${name}: no Auto Scaling group of that name${carrying} in ${read.where}`, group: name }));

    const showRegion = read.regions.length > 1;
    const judged = read.results.flatMap((r) => r.value.groups).map((g) => judgeGroup(g, rules, ctx.now(), showRegion)).sort(worstFirst);
    if (judged.length === 0 && missing.length === 0) {
      const summary =
        read.failures.length > 0 ? `no Auto Scaling group could be read in ${read.failures.length} region(s)` : `no Auto Scaling group${carrying} in ${read.regions.join(", ")}`;
      return makeReport({ summary, findings: read.failures, state: State.UNKNOWN });
    }
    return makeReport({
      summary: summarize(judged, missing) + read.note,
      findings: [...missing, ...judged.flatMap((j) => j.finding ?? []), ...read.failures],
      metrics: groupMetrics(judged, showRegion),
    });
  },
});
