import { AwsConnection } from "../../src/aws/connect";
import { parseElbNames } from "../../src/aws/elb-name";
import { describeAwsError } from "../../src/aws/errors";
import { resolveRegions } from "../../src/aws/region";
import { perRegion, unreadRegionsNote } from "../../src/aws/regions-run";
import { type AwsSettings, parseAwsSettings } from "../../src/aws/settings";
import { one, rangeThresholds, thresholdOptions } from "../../src/cli";
import type { CheckDefinition } from "../../src/definition";
import { UsageError } from "../../src/errors";
import type { Metric } from "../../src/metric";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import { type HealthRules, type JudgedLoadBalancer, judgeLoadBalancer, worstFirst } from "./health";
import { ElbHealthSource } from "./source";

interface Options {
  aws: AwsSettings;
  names: string[];
  rules: HealthRules;
}

const DEFAULT_CRITICAL = "1:";

export const checkElbHealth: CheckDefinition<Options> = {
  name: "check_elb_health",
  prefix: "ELB",
  summary: "Classic load balancer instance health (DescribeInstanceHealth)",
  description:
    "Judges the InService count of each classic load balancer (every one in the region, all pages, unless " +
    "--elb names some). Each OutOfService or Unknown instance is one line with its ReasonCode and Description. " +
    "A load balancer named with --elb that does not exist is CRITICAL.",
  aws: true,
  options: {
    ...thresholdOptions({
      warning: "Range on the InService count of each load balancer",
      critical: `Range on the InService count of each load balancer (default ${DEFAULT_CRITICAL})`,
    }),
    "min-healthy-percent": {
      type: "string",
      placeholder: "P",
      describe: "WARNING when fewer than P% of the registered instances are InService",
      group: "Thresholds:",
    },
    elb: { type: "string", placeholder: "NAME", repeatable: true, describe: "Only this load balancer (default: all in the region)", group: "Selection:" },
  },
  examples: ["check_elb_health --region eu-west-1 --elb web -w 2: -c 1:", "check_elb_health --region eu-west-1 --min-healthy-percent 50"],

  parse(args) {
    return {
      aws: parseAwsSettings(args),
      names: parseElbNames(args.elb),
      rules: {
        thresholds: rangeThresholds(args, { critical: DEFAULT_CRITICAL }),
        minHealthyPercent: percentOption(one(args["min-healthy-percent"]), "--min-healthy-percent"),
      },
    };
  },

  async run(options, ctx) {
    const { names, rules } = options;
    const conn = new AwsConnection(options.aws, ctx);
    ctx.stage("resolving regions");
    const regions = await resolveRegions(conn, ctx);

    ctx.stage(names.length > 0 ? "reading instance health (elasticloadbalancing:DescribeInstanceHealth)" : "listing load balancers (elasticloadbalancing:DescribeLoadBalancers)");
    const outcome = await perRegion(regions, (region) => {
      const source = new ElbHealthSource(conn, region);
      return names.length > 0 ? source.named(names) : source.all();
    });

    const read = outcome.results.map((r) => r.value);
    const where = outcome.results.map((r) => r.region).join(", ");
    // A load balancer lives in one region: it is missing only when no region read has it.
    const missing: Finding[] = names
      .filter((name) => read.length > 0 && read.every((r) => r.missing.includes(name)))
      .map((name) => ({ state: State.CRITICAL, text: `${name}: no classic load balancer of that name in ${where}`, loadBalancer: name }));

    const showRegion = regions.length > 1;
    const judged = read.flatMap((r) => r.loadBalancers).map((lb) => judgeLoadBalancer(lb, rules, showRegion)).sort(worstFirst);
    if (judged.length === 0 && missing.length === 0) {
      const summary = outcome.failures.length > 0 ? `no load balancer could be read in ${outcome.failures.length} region(s)` : `no classic load balancer in ${regions.join(", ")}`;
      return makeReport({ summary, findings: outcome.failures, state: State.UNKNOWN });
    }
    return makeReport({
      summary: summarize(judged, missing) + unreadRegionsNote(outcome.failures),
      findings: [...missing, ...judged.flatMap((j) => j.findings), ...outcome.failures],
      metrics: metrics(judged, rules, showRegion),
    });
  },

  mapError: describeAwsError,
};

function percentOption(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(text);
  if (!m || Number(m[1]) > 100) throw new UsageError(`${option}: expected a percentage from 0 to 100, got '${text}'`);
  return Number(m[1]);
}

function summarize(judged: JudgedLoadBalancer[], missing: Finding[]): string {
  const problems = [...missing.map((f) => f.text), ...judged.filter((j) => j.state !== State.OK).map((j) => j.text)];
  const total = judged.length + missing.length;
  if (problems.length === 0) {
    if (total === 1) return judged[0].text;
    const inService = judged.reduce((n, j) => n + j.inService, 0);
    const registered = judged.reduce((n, j) => n + j.registered, 0);
    return `${total} load balancers OK, ${inService} of ${registered} instances InService`;
  }
  if (problems.length === 1) return problems[0] + (total > 1 ? ` (1 of ${total} load balancers)` : "");
  return `${problems.length} of ${total} load balancers unhealthy; worst: ${problems[0]}`;
}

function metrics(judged: JudgedLoadBalancer[], rules: HealthRules, showRegion: boolean): Metric[] {
  const out: Metric[] = [{ label: "load_balancers", value: judged.length, min: 0 }];
  // Worst first, so the load balancers that matter survive the 4096-byte cut.
  for (const j of judged) {
    const label = showRegion ? `${j.lb.region}/${j.lb.name}` : j.lb.name;
    const { warning, critical } = rules.thresholds;
    const item = { region: j.lb.region, load_balancer: j.lb.name };
    out.push(
      { label: `${label}.in_service`, name: "in_service", item, value: j.inService, warning, critical, min: 0, max: j.registered, perItem: true },
      { label: `${label}.out_of_service`, name: "out_of_service", item, value: j.outOfService, min: 0, max: j.registered, perItem: true },
    );
  }
  return out;
}

export default checkElbHealth;
