import { AwsConnection } from "../../src/aws/connect";
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
import { type EventRules, isOver, type JudgedEvent, judgeEvent, type ScheduledEvent } from "./events";
import { readSelfEvents } from "./self";
import { Ec2EventsSource, type Selection } from "./source";

interface Options {
  aws: AwsSettings;
  selection: Selection;
  self: boolean;
  rules: EventRules;
}

const DEFAULT_CRITICAL = "3d";

export const checkInstanceEvents: CheckDefinition<Options> = {
  name: "check_instance_events",
  prefix: "EVENTS",
  summary: "EC2 scheduled events (reboot, retirement, stop, maintenance) coming up for your instances",
  description:
    "Reads DescribeInstanceStatus (all pages, every region asked for). Events whose description starts with " +
    "[Completed] or [Canceled] are over and never alert; an event already started is CRITICAL.",
  aws: true,
  options: {
    ...thresholdOptions({
      placeholder: "DURATION",
      warning: "WARNING when an event starts within DURATION (bare number = days). Default: every pending event warns",
      critical: `CRITICAL when an event starts within DURATION (default ${DEFAULT_CRITICAL})`,
    }),
    "instance-id": { type: "string", placeholder: "ID", repeatable: true, describe: "Only this instance", group: "Selection:" },
    tag: { type: "string", placeholder: "KEY=VALUE", repeatable: true, describe: "Only instances with this tag (all must match)", group: "Selection:" },
    "include-stopped": { type: "boolean", describe: "Also stopped instances (a pending retirement, say)", group: "Selection:" },
    self: { type: "boolean", describe: "Only this instance, read from IMDSv2; needs no AWS credentials", group: "Selection:" },
    "ignore-code": {
      type: "string",
      placeholder: "CODE",
      repeatable: true,
      describe: "Ignore events with this code (instance-reboot, system-reboot, system-maintenance, instance-retirement, instance-stop)",
      group: "Selection:",
    },
  },
  examples: [
    "check_instance_events --region eu-west-1 --tag env=prod -w 14d -c 3d",
    "check_instance_events --self -c 2d",
  ],

  parse(args) {
    const self = args.self === true;
    const selection: Selection = {
      instanceIds: list(args["instance-id"]),
      tags: keyValues(args.tag, "--tag"),
      includeStopped: args["include-stopped"] === true,
    };
    for (const id of selection.instanceIds) {
      if (!/^i-[0-9a-f]{8,17}$/.test(id)) throw new UsageError(`--instance-id: '${id}' is not an instance id (i-0123456789abcdef0)`);
    }
    if (self && (selection.instanceIds.length > 0 || selection.tags.length > 0)) {
      throw new UsageError("--self cannot be combined with --instance-id or --tag");
    }
    const warning = one(args.warning);
    return {
      aws: parseAwsSettings(args),
      selection,
      self,
      rules: {
        warningSeconds: warning === undefined ? undefined : parseDuration(warning, "d", "--warning"),
        criticalSeconds: parseDuration(one(args.critical) ?? DEFAULT_CRITICAL, "d", "--critical"),
        ignoreCodes: list(args["ignore-code"]),
      },
    };
  },

  async run(options, ctx) {
    const { rules } = options;
    let events: ScheduledEvent[] = [];
    let instances = 0;
    let failures: Finding[] = [];
    const filterText = describeFilter(options.selection);

    if (options.self) {
      ctx.stage("reading scheduled events from instance metadata");
      const self = await readSelfEvents(ctx.signal);
      events = self.events;
      instances = 1;
    } else {
      const conn = new AwsConnection(options.aws, ctx);
      ctx.stage("resolving regions");
      const regions = await resolveRegions(conn, ctx);
      ctx.stage("describing instance status (ec2:DescribeInstanceStatus)");
      const outcome = await perRegion(regions, async (region) => {
        const source = new Ec2EventsSource(conn, region);
        const read = await source.read(options.selection);
        const pending = read.events.filter((e) => !isOver(e) && !rules.ignoreCodes.includes(e.code));
        if (pending.length > 0) await source.addNames(pending);
        return read;
      });
      failures = outcome.failures;
      for (const { value } of outcome.results) {
        events.push(...value.events);
        instances += value.instances;
      }
      if (options.selection.tags.length > 0 && instances === 0 && failures.length === 0) {
        return makeReport({ summary: `no instance matches ${filterText}`, state: State.UNKNOWN });
      }
    }

    for (const e of events) {
      if (isOver(e)) ctx.debug(1, `over, not judged: ${e.instanceId} ${e.code}: ${e.description}`);
      else if (rules.ignoreCodes.includes(e.code)) ctx.debug(1, `ignored code: ${e.instanceId} ${e.code}`);
    }
    const judged = events
      .filter((e) => !isOver(e) && !rules.ignoreCodes.includes(e.code))
      .map((e) => judgeEvent(e, rules, ctx.now()))
      .sort((a, b) => a.secondsUntil - b.secondsUntil);

    return makeReport({
      summary: summarize(judged, instances) + unreadRegionsNote(failures),
      findings: [...judged.map((j) => j.finding), ...failures],
      metrics: metrics(judged, instances, rules),
    });
  },

  mapError: describeAwsError,
};

function describeFilter(selection: Selection): string {
  return selection.tags.map((t) => `--tag ${t.key}=${t.value}`).join(" ");
}

function summarize(judged: JudgedEvent[], instances: number): string {
  if (judged.length === 0) return `no scheduled events on ${instances} instance(s)`;
  const next = judged[0];
  const when = next.secondsUntil <= 0 ? `started ${humanDuration(-next.secondsUntil)} ago` : `in ${humanDuration(next.secondsUntil)}`;
  return `${judged.length} scheduled event(s) on ${instances} instance(s); next: ${next.event.instanceId} ${next.event.code} ${when}`;
}

function metrics(judged: JudgedEvent[], instances: number, rules: EventRules): Metric[] {
  const out: Metric[] = [
    { label: "events", value: judged.length, min: 0 },
    { label: "instances", value: instances, min: 0 },
  ];
  if (judged.length > 0) {
    out.push({
      label: "next_event",
      value: judged[0].secondsUntil,
      uom: "s",
      // Alert when the nearest event is closer than the threshold: the range `N:`.
      warning: rules.warningSeconds === undefined ? undefined : Range.below(rules.warningSeconds),
      critical: Range.below(rules.criticalSeconds),
    });
  }
  return out;
}

export default checkInstanceEvents;
