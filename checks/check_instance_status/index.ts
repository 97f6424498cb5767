import { AWS_OPTIONS, awsSettings, instanceIds } from "../../src/aws/options";
import { acrossRegions } from "../../src/aws/regions";
import { defineCheck } from "../../src/definition";
import { UsageError } from "../../src/errors";
import { flag, keyValues, state, values } from "../../src/options";
import { makeReport } from "../../src/report";
import { CHECK_NAMES, type CheckName, isShown, judgeStatuses, type StatusRules, type StatusSelection } from "./judge";

const SELECTION = "Selection:";
const JUDGING = "Judging:";

export default defineCheck({
  name: "check_instance_status",
  prefix: "STATUS",
  summary: "EC2 status checks (system, instance, attached EBS) of your instances",
  description:
    "Reads DescribeInstanceStatus (all pages, every region asked for). An impaired check is CRITICAL, named " +
    "with its failing detail and since when; initializing and not-applicable are OK.",
  options: {
    instanceId: instanceIds({ help: "Only this instance", group: SELECTION }),
    tag: keyValues({ help: "Only instances with this tag (all must match)", group: SELECTION }),
    includeStopped: flag({ help: "Also instances that are not running (shown, never alerting)", group: SELECTION }),
    insufficientData: state({ default: "warning", help: "State of a check that reports insufficient-data: ok, warning, critical or unknown", group: JUDGING }),
    ignoreCheck: values({ placeholder: "system|instance|ebs", help: "Do not judge or count this check", group: JUDGING }, (text, flagName) => {
      if (!(CHECK_NAMES as readonly string[]).includes(text)) throw new UsageError(`${flagName}: expected system, instance or ebs, got '${text}'`);
      return text as CheckName;
    }),
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "ec2:DescribeInstanceStatus" },
    { action: "ec2:DescribeTags", when: "instances to name" },
    { action: "ec2:DescribeInstances", when: "--tag or --instance-id" },
    { action: "ec2:DescribeRegions", when: "--region all" },
    { action: "sts:AssumeRole", when: "--role-arn" },
  ],
  examples: ["check_instance_status --region eu-west-1 --tag env=prod", "check_instance_status --region all --insufficient-data critical"],

  connect: async (o, ctx) => (await import("./source")).connectStatus(awsSettings(o), ctx),

  async evaluate(o, port, ctx) {
    const rules: StatusRules = { insufficientData: o.insufficientData, ignore: o.ignoreCheck };
    const selection: StatusSelection = { instanceIds: o.instanceId, tags: o.tag, includeStopped: o.includeStopped };
    const read = await acrossRegions(port, ctx, async (source) => {
      ctx.stage("describing instance status (ec2:DescribeInstanceStatus)");
      const statuses = await source.statuses(selection);
      // Only the instances with a long-output line are named: one batched lookup, never one per instance.
      const shown = statuses.filter((s) => isShown(s, rules));
      if (shown.length > 0) {
        ctx.stage("reading Name tags (ec2:DescribeTags)");
        const names = await source.names(shown.map((s) => s.instanceId));
        for (const s of shown) s.name = names.get(s.instanceId);
      }
      return statuses;
    });
    for (const check of rules.ignore) ctx.debug(1, `not judged: the ${check} check (--ignore-check)`);
    const verdict = judgeStatuses(read.results.flatMap((r) => r.value), rules, selection, ctx.now());
    return makeReport({
      summary: verdict.summary + read.note,
      findings: [...verdict.findings, ...read.failures],
      metrics: verdict.metrics,
      state: verdict.state,
    });
  },
});
