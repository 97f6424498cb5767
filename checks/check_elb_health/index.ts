import { elbName } from "../../src/aws/elb-name";
import { loadBalancerRef, refText, targetGroupRef } from "../../src/aws/elbv2-name";
import { AWS_OPTIONS, awsSettings } from "../../src/aws/options";
import { acrossRegions } from "../../src/aws/regions";
import { criticalRange, warningRange } from "../../src/cli";
import { defineCheck } from "../../src/definition";
import { percentage, values } from "../../src/options";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";
import { type HealthRules, judgeLoadBalancer, metrics, missingFinding, summarize, worstFirst } from "./judge";
import { judgeTargetGroup, worstTargetGroupFirst } from "./target-groups";

const SELECTION = "Selection (default: every classic load balancer and target group):";

export default defineCheck({
  name: "check_elb_health",
  prefix: "ELB",
  summary: "Load balancer health: classic ELB instances and ALB/NLB/GWLB target groups",
  description:
    "Judges the InService count of each classic load balancer (DescribeInstanceHealth) and the healthy count " +
    "of each ALB/NLB/GWLB target group (DescribeTargetHealth): every one in the region, all pages, unless " +
    "--elb, --target-group or --load-balancer pick some. Targets that are initial, draining, unused or " +
    "unhealthy.draining are shown but counted in neither; when every counted target is unhealthy the load " +
    "balancer fails open. Each instance or target that is not healthy is one line with its reason. A load " +
    "balancer or target group named that does not exist, and a target group with no target, are CRITICAL.",
  options: {
    warning: warningRange({ help: "Range on the InService / healthy count of each load balancer / target group" }),
    critical: criticalRange({ help: "Range on the InService / healthy count", default: "1:" }),
    minHealthyPercent: percentage({
      help: "WARNING when fewer than P% of the counted instances / targets are healthy",
      group: "Thresholds:",
    }),
    elb: values({ placeholder: "NAME", help: "A classic load balancer", group: SELECTION }, elbName),
    targetGroup: values({ placeholder: "NAME|ARN", help: "An ALB/NLB/GWLB target group", group: SELECTION }, targetGroupRef),
    loadBalancer: values({ placeholder: "NAME|ARN", help: "Every target group of this ALB/NLB/GWLB", group: SELECTION }, loadBalancerRef),
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "elasticloadbalancing:DescribeLoadBalancers", when: "no selection, or --load-balancer" },
    { action: "elasticloadbalancing:DescribeInstanceHealth", when: "classic load balancers" },
    { action: "elasticloadbalancing:DescribeTargetGroups", when: "target groups" },
    { action: "elasticloadbalancing:DescribeTargetHealth", when: "target groups" },
    { action: "ec2:DescribeInstances", when: "Name tags of instance targets not healthy" },
    { action: "ec2:DescribeRegions", when: "--region all" },
    { action: "sts:AssumeRole", when: "--role-arn" },
  ],
  examples: [
    "check_elb_health --region eu-west-1 --elb web -w 2: -c 1:",
    "check_elb_health --load-balancer web-alb --min-healthy-percent 50",
    "check_elb_health --region eu-west-1 --target-group api -w 3: -c 2:",
  ],

  connect: async (o, ctx) => (await import("./source")).connectHealth(awsSettings(o), ctx),

  async evaluate(o, port, ctx) {
    const names = o.elb;
    const rules: HealthRules = { thresholds: new Thresholds(o.warning, o.critical), minHealthyPercent: o.minHealthyPercent };
    const all = names.length + o.targetGroup.length + o.loadBalancer.length === 0;
    const reads = { classic: all || names.length > 0, targetGroups: all || o.targetGroup.length + o.loadBalancer.length > 0 };
    const selection = { all, targetGroups: o.targetGroup, loadBalancers: o.loadBalancer };
    const read = await acrossRegions(port, ctx, async (source) => {
      const what = [reads.classic ? "instance" : "", reads.targetGroups ? "target" : ""].filter(Boolean).join(" and ");
      const calls = [reads.classic ? "DescribeInstanceHealth" : "", reads.targetGroups ? "DescribeTargetHealth" : ""].filter(Boolean);
      ctx.stage(`reading ${what} health (${calls.map((c) => `elasticloadbalancing:${c}`).join(", ")})`);
      const [lbs, tgs] = await Promise.all([
        all ? source.all() : source.named(names),
        reads.targetGroups ? source.targetGroups(selection) : undefined,
      ]);
      return { lbs, tgs };
    });

    // A load balancer or target group lives in one region: it is missing only when no region read has it.
    const missingRefs = (asked: typeof selection.targetGroups, missingIn: (v: (typeof read.results)[number]["value"]) => typeof asked) => {
      const gone = read.missingEverywhere(asked.map(refText), (v) => missingIn(v).map(refText));
      return asked.filter((r) => gone.includes(refText(r)));
    };
    const missing: Finding[] = [
      ...read.missingEverywhere(names, (v) => v.lbs.missing).map((name) => missingFinding("classic", { name }, read.where)),
      ...missingRefs(o.loadBalancer, (v) => v.tgs?.missingLoadBalancers ?? []).map((r) => missingFinding("load balancer", r, read.where)),
      ...missingRefs(o.targetGroup, (v) => v.tgs?.missingTargetGroups ?? []).map((r) => missingFinding("target group", r, read.where)),
    ];
    // Named and found, but with nothing to judge.
    const empty: Finding[] = read.results
      .flatMap((r) => r.value.tgs?.withoutTargetGroups ?? [])
      .map((name) => ({ state: State.UNKNOWN, text: `${name}: no target group belongs to this load balancer`, loadBalancer: name }));

    const showRegion = read.regions.length > 1;
    const values = read.results.map((r) => r.value);
    const judged = values.flatMap((v) => v.lbs.loadBalancers).map((lb) => judgeLoadBalancer(lb, rules, showRegion)).sort(worstFirst);
    const groups = values.flatMap((v) => v.tgs?.targetGroups ?? []).map((tg) => judgeTargetGroup(tg, rules, showRegion)).sort(worstTargetGroupFirst);
    if (judged.length + groups.length + missing.length === 0) {
      const nothing = all ? `no load balancer or target group in ${read.regions.join(", ")}` : empty.map((f) => f.text).join(", ");
      const summary = read.failures.length > 0 ? `no load balancer could be read in ${read.failures.length} region(s)` : nothing;
      return makeReport({ summary, findings: [...empty, ...read.failures], state: State.UNKNOWN });
    }
    return makeReport({
      summary: summarize(judged, groups, missing) + read.note,
      findings: [...missing, ...judged.flatMap((j) => j.findings), ...groups.flatMap((g) => g.findings), ...empty, ...read.failures],
      metrics: metrics(reads, judged, groups, rules, showRegion),
    });
  },
});
