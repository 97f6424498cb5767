import { asgName } from "../../src/aws/asg-name";
import { elbName } from "../../src/aws/elb-name";
import { refText, targetGroupRef } from "../../src/aws/elbv2-name";
import { AWS_OPTIONS, awsSettings, instanceIds } from "../../src/aws/options";
import { acrossRegions } from "../../src/aws/regions";
import { defineCheck } from "../../src/definition";
import { UsageError } from "../../src/errors";
import { duration, keyValues, value, values } from "../../src/options";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import {
  addImage, type BackupRules, type Backups, judgeInstance, metrics, nothingSelected, ownersOf,
  type SelectedInstance, type Selection, selectionProblems, summarize, worstFirst,
} from "./judge";

const THRESHOLDS = "Thresholds:";
const SELECTION = "Selection:";

export default defineCheck({
  name: "check_ami_freshness",
  prefix: "AMI",
  summary: "Is there a recent, available AMI backup of each instance?",
  description:
    "Reads the instances (DescribeInstances) and every image the account owns (DescribeImages, Owners=self, " +
    "all pages, once per region). An image belongs to an instance through its SourceInstanceId, a name " +
    "starting with '<instance-id>-', or the --instance-tag tag. The newest available image's age is judged; " +
    "an instance without one is CRITICAL.",
  options: {
    warning: duration({ short: "w", unit: "h", default: "26h", group: THRESHOLDS, help: "WARNING when the newest available image is older; a bare number is hours" }),
    critical: duration({ short: "c", unit: "h", default: "50h", group: THRESHOLDS, help: "CRITICAL when the newest available image is older" }),
    pendingTimeout: duration({ unit: "h", default: "2h", group: THRESHOLDS, help: "WARNING when an image is pending longer; a bare number is hours" }),
    instanceId: instanceIds({ help: "This instance (may be stopped)", group: SELECTION }),
    elb: values({ placeholder: "NAME", help: "The instances registered with this classic load balancer", group: SELECTION }, elbName),
    targetGroup: values({ placeholder: "NAME|ARN", help: "The instances registered with this ALB/NLB target group (ip targets by private IP)", group: SELECTION }, targetGroupRef),
    asg: values({ placeholder: "NAME", help: "The InService instances of this Auto Scaling group", group: SELECTION }, asgName),
    tag: keyValues({ help: "Only instances with this tag (all must match)", group: SELECTION }),
    excludeTag: keyValues({ help: "Leave out instances with this tag", group: SELECTION }),
    instanceTag: value({ placeholder: "KEY", help: "An image whose tag KEY holds an instance id belongs to that instance", group: "Matching:" }, (key, flagName) => {
      if (key.trim() === "") throw new UsageError(`${flagName}: expected a tag key`);
      return key;
    }),
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "ec2:DescribeInstances" },
    { action: "ec2:DescribeImages" },
    { action: "elasticloadbalancing:DescribeLoadBalancers", when: "--elb" },
    { action: "elasticloadbalancing:DescribeTargetGroups", when: "--target-group" },
    { action: "elasticloadbalancing:DescribeTargetHealth", when: "--target-group" },
    { action: "autoscaling:DescribeAutoScalingGroups", when: "--asg" },
    { action: "ec2:DescribeRegions", when: "--region all" },
    { action: "sts:AssumeRole", when: "--role-arn" },
  ],
  examples: [
    "check_ami_freshness --region eu-west-1 --tag backup=daily -w 26h -c 50h",
    "check_ami_freshness --region eu-west-1 --elb web --instance-tag SourceInstance",
    "check_ami_freshness --region eu-west-1 --target-group api -w 26h -c 50h",
    "check_ami_freshness --region eu-west-1 --asg web-asg",
  ],

  connect: async (o, ctx) => (await import("./source")).connectBackups(awsSettings(o), o.instanceTag, ctx),

  async evaluate(o, port, ctx) {
    const selection: Selection = { instanceIds: o.instanceId, elbs: o.elb, targetGroups: o.targetGroup, asgs: o.asg, tags: o.tag, excludeTags: o.excludeTag };
    const rules: BackupRules = { warningSeconds: o.warning, criticalSeconds: o.critical, pendingTimeoutSeconds: o.pendingTimeout };
    const read = await acrossRegions(port, ctx, async (source, region) => {
      if (selection.elbs.length > 0) ctx.stage("reading load balancer registrations (elasticloadbalancing:DescribeLoadBalancers)");
      const elbs = await source.elbRegistrations(selection.elbs);
      if (selection.targetGroups.length > 0) ctx.stage("reading target group registrations (elasticloadbalancing:DescribeTargetHealth)");
      const tgs = await source.targetGroupRegistrations(selection.targetGroups);
      if (selection.asgs.length > 0) ctx.stage("reading Auto Scaling groups (autoscaling:DescribeAutoScalingGroups)");
      const asgs = await source.asgInstances(selection.asgs);
      const members = new Map([
        ...selection.elbs.map((n) => [`--elb ${n}`, elbs.get(n)] as const),
        ...selection.targetGroups.map((r) => [`--target-group ${refText(r)}`, tgs.get(refText(r))] as const),
        ...selection.asgs.map((n) => [`--asg ${n}`, asgs.get(n)] as const),
      ]);
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

    const instances: SelectedInstance[] = read.results.flatMap((r) => r.value.instances);
    const findings: Finding[] = [...read.failures, ...selectionProblems(selection, read.results.map((r) => ({ region: r.region, ...r.value })))];
    if (instances.length === 0) {
      const summary = read.failures.length > 0 ? `no instance could be read in ${read.failures.length} region(s)` : nothingSelected(selection, read.regions);
      return makeReport({ summary, findings, state: State.UNKNOWN });
    }

    const showRegion = read.regions.length > 1;
    const now = ctx.now();
    const judged = read.results
      .flatMap(({ value: v }) => v.instances.map((i) => judgeInstance(i, v.backups.get(i.id) ?? {}, rules, now, showRegion)))
      .sort(worstFirst);
    return makeReport({
      summary: summarize(judged, rules, showRegion) + read.note,
      findings: [...judged.map((j) => j.finding), ...findings],
      metrics: metrics(judged, rules),
    });
  },
});
