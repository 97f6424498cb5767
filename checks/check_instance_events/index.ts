import { AWS_OPTIONS, awsSettings, instanceIds } from "../../src/aws/options";
import { acrossRegions } from "../../src/aws/regions";
import { defineCheck } from "../../src/definition";
import { UsageError } from "../../src/errors";
import { duration, flag, keyValues, texts } from "../../src/options";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import { type EventRules, judgeEvents, metrics, type ScheduledEvent, summarize, whyNotJudged } from "./judge";
import type { Selection } from "./source";

const SELECTION = "Selection:";
const THRESHOLDS = "Thresholds:";

export default defineCheck({
  name: "check_instance_events",
  prefix: "EVENTS",
  summary: "EC2 scheduled events (reboot, retirement, stop, maintenance) coming up for your instances",
  description:
    "Reads DescribeInstanceStatus (all pages, every region asked for). Events whose description starts with " +
    "[Completed] or [Canceled] are over and never alert; an event already started is CRITICAL.",
  options: {
    warning: duration({
      short: "w",
      unit: "d",
      group: THRESHOLDS,
      help: "WARNING when an event starts within DURATION (bare number = days). Default: every pending event warns",
    }),
    critical: duration({ short: "c", unit: "d", default: "3d", group: THRESHOLDS, help: "CRITICAL when an event starts within DURATION" }),
    instanceId: instanceIds({ help: "Only this instance", group: SELECTION }),
    tag: keyValues({ help: "Only instances with this tag (all must match)", group: SELECTION }),
    includeStopped: flag({ help: "Also stopped instances (a pending retirement, say)", group: SELECTION }),
    self: flag({ help: "Only this instance, read from IMDSv2; needs no AWS credentials", group: SELECTION }),
    ignoreCode: texts({
      placeholder: "CODE",
      help: "Ignore events with this code (instance-reboot, system-reboot, system-maintenance, instance-retirement, instance-stop)",
      group: SELECTION,
    }),
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "ec2:DescribeInstanceStatus" },
    { action: "ec2:DescribeTags", when: "events to name" },
    { action: "ec2:DescribeInstances", when: "--tag" },
    { action: "ec2:DescribeRegions", when: "--region all" },
    { action: "sts:AssumeRole", when: "--role-arn" },
  ],
  examples: [
    "check_instance_events --region eu-west-1 --tag env=prod -w 14d -c 3d",
    "check_instance_events --self -c 2d",
  ],

  validate(o) {
    if (o.self && (o.instanceId.length > 0 || o.tag.length > 0)) throw new UsageError("--self cannot be combined with --instance-id or --tag");
  },

  connect: async (o, ctx) => (await import("./source")).connectEvents(awsSettings(o), ctx),

  async evaluate(o, port, ctx) {
    const rules: EventRules = { warningSeconds: o.warning, criticalSeconds: o.critical, ignoreCodes: o.ignoreCode };
    const selection: Selection = { instanceIds: o.instanceId, tags: o.tag, includeStopped: o.includeStopped };
    let events: ScheduledEvent[] = [];
    let instances = 0;
    let failures: Finding[] = [];
    let note = "";

    if (o.self) {
      ctx.stage("reading scheduled events from instance metadata");
      events = (await port.self(ctx.signal)).events;
      instances = 1;
    } else {
      const read = await acrossRegions(port.regional, ctx, async (source) => {
        ctx.stage("describing instance status (ec2:DescribeInstanceStatus)");
        const found = await source.read(selection);
        const pending = found.events.filter((e) => whyNotJudged(e, rules) === undefined);
        if (pending.length > 0) {
          const names = await source.names(pending.map((e) => e.instanceId));
          for (const e of pending) e.name = names.get(e.instanceId);
        }
        return found;
      });
      ({ failures, note } = read);
      events = read.results.flatMap((r) => r.value.events);
      instances = read.results.reduce((n, r) => n + r.value.instances, 0);
      if (selection.tags.length > 0 && instances === 0 && failures.length === 0) {
        const filter = selection.tags.map((t) => `--tag ${t.key}=${t.value}`).join(" ");
        return makeReport({ summary: `no instance matches ${filter}`, state: State.UNKNOWN });
      }
    }

    for (const e of events) {
      const why = whyNotJudged(e, rules);
      if (why !== undefined) ctx.debug(1, why);
    }
    const judged = judgeEvents(events, rules, ctx.now());
    return makeReport({
      summary: summarize(judged, instances) + note,
      findings: [...judged.map((j) => j.finding), ...failures],
      metrics: metrics(judged, instances, rules),
    });
  },
});
