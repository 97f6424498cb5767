import { AwsConnection } from "../../src/aws/connect";
import { describeAwsError } from "../../src/aws/errors";
import { resolveRegions } from "../../src/aws/region";
import { perRegion } from "../../src/aws/regions-run";
import { type AwsSettings, parseAwsSettings } from "../../src/aws/settings";
import { one, rangeThresholds, thresholdOptions } from "../../src/cli";
import type { CheckDefinition } from "../../src/definition";
import type { Metric } from "../../src/metric";
import { countByState, type Finding, makeReport } from "../../src/report";
import { bySeverityDesc, State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";
import { findingOf, type JudgedQueue, judgeQueue, type QueueRules, withoutDeadLetterQueues, worstFirst } from "./backlog";
import { needsRegion, parseSelection, planRegions, type QueueSelection, type RegionTargets } from "./selection";
import { type RegionBacklog, SqsBacklogSource } from "./source";

interface Options {
  aws: AwsSettings;
  selection: QueueSelection;
  rules: QueueRules;
}

const DEFAULT_DLQ_WARNING = "0";

export const checkQueueBacklog: CheckDefinition<Options> = {
  name: "check_queue_backlog",
  prefix: "QUEUE",
  summary: "SQS backlog, in-flight messages and dead-letter queues",
  description:
    "One GetQueueAttributes call per queue (ListQueues, all pages, for --queue-prefix), one per dead-letter " +
    "queue found from the RedrivePolicy. A queue that does not exist is CRITICAL; a prefix that matches no " +
    "queue is UNKNOWN. Counts are approximate, as SQS gives them. The age of the oldest message is not a " +
    "queue attribute (only the CloudWatch metric ApproximateAgeOfOldestMessage has it), so it is not read.",
  aws: true,
  options: {
    queue: { type: "string", placeholder: "NAME|URL", repeatable: true, describe: "This queue (a URL is used as is)", group: "Selection:" },
    "queue-prefix": {
      type: "string",
      placeholder: "PREFIX",
      repeatable: true,
      describe: "Every queue whose name starts with PREFIX (case-sensitive)",
      group: "Selection:",
    },
    ...thresholdOptions({
      warning: "Range on visible messages (ApproximateNumberOfMessages); none by default: only reported",
      critical: "Range on visible messages; none by default",
    }),
    "warning-in-flight": { type: "string", placeholder: "RANGE", describe: "Range on in-flight messages (received, not deleted)", group: "Thresholds:" },
    "critical-in-flight": { type: "string", placeholder: "RANGE", describe: "Range on in-flight messages", group: "Thresholds:" },
    "dlq-warning": {
      type: "string",
      placeholder: "RANGE",
      default: DEFAULT_DLQ_WARNING,
      describe: "Range on the visible messages of the queue's dead-letter queue: 0 warns on any dead letter, 0: never warns",
      group: "Thresholds:",
    },
    "dlq-critical": { type: "string", placeholder: "RANGE", describe: "Range on the dead-letter queue's visible messages", group: "Thresholds:" },
  },
  examples: [
    "check_queue_backlog --region eu-west-1 --queue orders -w 100 -c 1000",
    "check_queue_backlog --queue-prefix backup- -c 500 --dlq-critical 10",
  ],

  parse(args) {
    return {
      aws: parseAwsSettings(args),
      selection: parseSelection(args.queue, args["queue-prefix"]),
      rules: {
        visible: rangeThresholds(args),
        inFlight: Thresholds.parse(one(args["warning-in-flight"]), one(args["critical-in-flight"]), ["--warning-in-flight", "--critical-in-flight"]),
        dlq: Thresholds.parse(one(args["dlq-warning"]) ?? DEFAULT_DLQ_WARNING, one(args["dlq-critical"]), ["--dlq-warning", "--dlq-critical"]),
      },
    };
  },

  async run(options, ctx) {
    const { selection, rules } = options;
    const conn = new AwsConnection(options.aws, ctx);
    ctx.stage("resolving regions");
    // Queues given only by URL need no region chain: each URL names its own.
    const regions = needsRegion(selection) ? await resolveRegions(conn, ctx) : [];
    const plan = planRegions(selection, regions);

    const outcome = await perRegion([...plan.keys()], (region) => {
      const source = new SqsBacklogSource(conn, region, (stage) => ctx.stage(stage));
      return source.read(plan.get(region) as RegionTargets);
    });
    const read = outcome.results.map((r) => r.value);
    const showRegion = plan.size > 1;

    const { queues, deadLetter } = withoutDeadLetterQueues(read.flatMap((r) => r.queues));
    for (const d of deadLetter) ctx.debug(1, `${d.name}: judged as another queue's dead-letter queue, not as a backlog`);
    const judged = queues.map((q) => judgeQueue(q, rules, showRegion)).sort(worstFirst);
    const missing = missingQueues(read, selection, regions);
    const failed: Finding[] = read.flatMap((r) => r.failed).map((f) => ({
      state: State.UNKNOWN,
      text: `${showRegion ? `${f.name} [${f.region}]` : f.name}: ${f.reason}`,
      queue: f.name,
      region: f.region,
    }));
    const unmatched = unmatchedPrefixes(read, selection);

    const findings = [...missing, ...judged.map(findingOf), ...failed, ...unmatched, ...outcome.failures];
    return makeReport({
      summary: summarize(judged, findings, missing.length + failed.length),
      findings,
      metrics: metrics(judged, rules),
    });
  },

  mapError: describeAwsError,
};

/** A name is missing when no region read has it; a URL when its region says so. */
function missingQueues(read: RegionBacklog[], selection: QueueSelection, regions: string[]): Finding[] {
  const where = regions.length > 0 ? ` in ${read.map((r) => r.region).join(", ")}` : "";
  const names = selection.names.filter((n) => read.length > 0 && read.every((r) => r.missingNames.includes(n)));
  return [
    ...names.map((n) => ({ state: State.CRITICAL, text: `${n}: queue does not exist${where}`, queue: n })),
    ...read.flatMap((r) => r.missingUrls).map((u) => ({ state: State.CRITICAL, text: `${u}: queue does not exist`, queue: u })),
  ];
}

function unmatchedPrefixes(read: RegionBacklog[], selection: QueueSelection): Finding[] {
  const where = read.map((r) => r.region).join(", ");
  return selection.prefixes
    .filter((p) => read.length > 0 && read.every((r) => r.unmatchedPrefixes.includes(p)))
    .map((p) => ({ state: State.UNKNOWN, text: `no queue name starts with '${p}' in ${where} (--queue-prefix ${p})`, prefix: p }));
}

/** Names the worst queue (or problem), then how the rest fared. */
function summarize(judged: JudgedQueue[], findings: Finding[], unjudged: number): string {
  const total = judged.length + unjudged;
  const worstFinding = [...findings].sort((a, b) => bySeverityDesc(a.state, b.state))[0];
  if (worstFinding === undefined) return "no queue to judge";
  if (worstFinding.state === State.OK) {
    if (judged.length === 1) return judged[0].text;
    const deepest = [...judged].sort((a, b) => b.reading.visible - a.reading.visible)[0];
    return `${judged.length} queues OK; deepest ${deepest.label}: ${deepest.reading.visible} visible`;
  }
  const top = judged.find((j) => j.text === worstFinding.text);
  const named = top ? top.short : worstFinding.text;
  return findings.length > 1 && total > 0 ? `${named}; ${countByState(findings)} of ${total} queue(s)` : named;
}

function metrics(judged: JudgedQueue[], rules: QueueRules): Metric[] {
  const out: Metric[] = [{ label: "queues", value: judged.length, min: 0 }];
  // Worst first, so the queues that matter survive the 4096-byte cut.
  for (const j of judged) {
    const q = j.reading;
    const item = { region: q.region, queue: q.name };
    out.push(
      { label: `${j.label}.visible`, name: "visible", item, value: q.visible, warning: rules.visible.warning, critical: rules.visible.critical, min: 0, perItem: true },
      { label: `${j.label}.in_flight`, name: "in_flight", item, value: q.inFlight, warning: rules.inFlight.warning, critical: rules.inFlight.critical, min: 0, perItem: true },
      { label: `${j.label}.delayed`, name: "delayed", item, value: q.delayed, min: 0, perItem: true },
    );
    if (q.dlq?.visible !== undefined) {
      out.push({ label: `${j.label}.dlq`, name: "dlq", item, value: q.dlq.visible, warning: rules.dlq.warning, critical: rules.dlq.critical, min: 0, perItem: true });
    }
  }
  return out;
}

export default checkQueueBacklog;
