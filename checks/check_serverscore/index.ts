import { AWS_OPTIONS, awsSettings } from "../../src/aws/options";
import { criticalRange, warningRange } from "../../src/cli";
import { defineCheck } from "../../src/definition";
import { asGiven, defaultOf } from "../../src/options";
import { makeReport } from "../../src/report";
import { Thresholds } from "../../src/thresholds";
import { scoreHost } from "../serverscore/judge";
import { SCORE_DESCRIPTION, SCORE_OPTIONS } from "../serverscore/options";
import { checkFleetOptions, FLEET_OPTIONS, fleetOptions, fromAws } from "./fleet-options";
import { connectScore } from "./source";

export default defineCheck({
  name: "check_serverscore",
  prefix: "SERVERSCORE",
  summary: "judge host load as a score from 1 (in danger) to 100 (idle)",
  description: SCORE_DESCRIPTION,
  options: {
    warning: warningRange({ default: "50:", help: "Range on the score (warn below 50 by default)" }),
    critical: criticalRange({ default: "25:", help: "Range on the score (critical below 25 by default)" }),
    // Fleet mode passes --window and --components on to the remote probe only when they were given.
    window: asGiven(SCORE_OPTIONS.window),
    components: asGiven(SCORE_OPTIONS.components),
    ...FLEET_OPTIONS,
    // The AWS options serve --elb, --target-group and --asg; the SDK itself is loaded only when one is given.
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "elasticloadbalancing:DescribeInstanceHealth", when: "--elb" },
    { action: "elasticloadbalancing:DescribeTargetGroups", when: "--target-group" },
    { action: "elasticloadbalancing:DescribeTargetHealth", when: "--target-group" },
    { action: "autoscaling:DescribeAutoScalingGroups", when: "--asg" },
    { action: "ec2:DescribeInstances", when: "--elb, --target-group of instances, --asg" },
    { action: "sts:AssumeRole", when: "--elb, --target-group or --asg with --role-arn" },
  ],
  examples: [
    "check_serverscore -w 50: -c 25: --window 5 --components load,mem",
    "check_serverscore --host web1 --host web2 --ssh-user nagios -w 40: -c 20:",
    "check_serverscore --elb web-lb --region eu-west-1 --aggregate average",
    "check_serverscore --target-group api --region eu-west-1 --ssh-user nagios",
    "check_serverscore --asg web-asg --region eu-west-1 --address public-ip",
  ],

  validate: checkFleetOptions,
  connect: (o, ctx) => connectScore(fromAws(o) ? awsSettings(o) : undefined, ctx),

  async evaluate(o, port, ctx) {
    const thresholds = new Thresholds(o.warning, o.critical);
    const fleet = fleetOptions(o, awsSettings(o), { window: o.window, components: o.components }, ctx.env);
    if (fleet !== undefined) {
      // Loaded only in fleet mode: a local check does not pay for the SSH runner.
      const { runFleet } = await import("./fleet");
      return runFleet(fleet, thresholds, port, ctx);
    }
    const window = o.window ?? defaultOf(SCORE_OPTIONS.window, "window");
    const components = o.components ?? defaultOf(SCORE_OPTIONS.components, "components");
    ctx.stage("reading load and memory");
    const sample = await port.host.sample(components.some((c) => c !== "load"), ctx.signal);
    const result = scoreHost(sample, window, components);
    const parts = components.map((c) => `${c} ${result.components[c]}`).join(", ");
    return makeReport({
      state: thresholds.evaluate(result.score),
      summary:
        `score ${result.score} (${result.load_per_cpu} load per CPU over ${result.window} min` +
        `${components.length > 1 ? `; ${parts}; limited by ${result.limiting}` : ""})`,
      metrics: [
        { label: "score", value: result.score, warning: thresholds.warning, critical: thresholds.critical, min: 1, max: 100 },
        { label: "load_per_cpu", value: result.load_per_cpu, min: 0 },
      ],
    });
  },
});
