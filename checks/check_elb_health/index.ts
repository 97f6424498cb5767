import { elbName } from "../../src/aws/elb-name";
import { AWS_OPTIONS, awsSettings } from "../../src/aws/options";
import { acrossRegions } from "../../src/aws/regions";
import { criticalRange, warningRange } from "../../src/cli";
import { defineCheck } from "../../src/definition";
import { percentage, values } from "../../src/options";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";
import { type HealthRules, judgeLoadBalancer, metrics, summarize, worstFirst } from "./judge";

export default defineCheck({
  name: "check_elb_health",
  prefix: "ELB",
  summary: "Classic load balancer instance health (DescribeInstanceHealth)",
  description:
    "Judges the InService count of each classic load balancer (every one in the region, all pages, unless " +
    "--elb names some). Each OutOfService or Unknown instance is one line with its ReasonCode and Description. " +
    "A load balancer named with --elb that does not exist is CRITICAL.",
  options: {
    warning: warningRange({ help: "Range on the InService count of each load balancer" }),
    critical: criticalRange({ help: "Range on the InService count of each load balancer", default: "1:" }),
    minHealthyPercent: percentage({
      help: "WARNING when fewer than P% of the registered instances are InService",
      group: "Thresholds:",
    }),
    elb: values({ placeholder: "NAME", help: "Only this load balancer (default: all in the region)", group: "Selection:" }, elbName),
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "elasticloadbalancing:DescribeLoadBalancers", when: "no --elb" },
    { action: "elasticloadbalancing:DescribeInstanceHealth" },
    { action: "ec2:DescribeRegions", when: "--region all" },
    { action: "sts:AssumeRole", when: "--role-arn" },
  ],
  examples: ["check_elb_health --region eu-west-1 --elb web -w 2: -c 1:", "check_elb_health --region eu-west-1 --min-healthy-percent 50"],

  connect: async (o, ctx) => (await import("./source")).connectHealth(awsSettings(o), ctx),

  async evaluate(o, port, ctx) {
    const names = o.elb;
    const rules: HealthRules = { thresholds: new Thresholds(o.warning, o.critical), minHealthyPercent: o.minHealthyPercent };
    const read = await acrossRegions(port, ctx, (source) => {
      ctx.stage(names.length > 0 ? "reading instance health (elasticloadbalancing:DescribeInstanceHealth)" : "listing load balancers (elasticloadbalancing:DescribeLoadBalancers)");
      return names.length > 0 ? source.named(names) : source.all();
    });
    // A load balancer lives in one region: it is missing only when no region read has it.
    const missing: Finding[] = read
      .missingEverywhere(names, (r) => r.missing)
      .map((name) => ({ state: State.CRITICAL, text: `${name}: no classic load balancer of that name in ${read.where}`, loadBalancer: name }));

    const showRegion = read.regions.length > 1;
    const judged = read.results.flatMap((r) => r.value.loadBalancers).map((lb) => judgeLoadBalancer(lb, rules, showRegion)).sort(worstFirst);
    if (judged.length === 0 && missing.length === 0) {
      const summary = read.failures.length > 0 ? `no load balancer could be read in ${read.failures.length} region(s)` : `no classic load balancer in ${read.regions.join(", ")}`;
      return makeReport({ summary, findings: read.failures, state: State.UNKNOWN });
    }
    return makeReport({
      summary: summarize(judged, missing) + read.note,
      findings: [...missing, ...judged.flatMap((j) => j.findings), ...read.failures],
      metrics: metrics(judged, rules, showRegion),
    });
  },
});
