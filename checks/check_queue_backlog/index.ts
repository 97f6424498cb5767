import { AWS_OPTIONS, awsSettings } from "../../src/aws/options";
import { acrossRegions, regionsOf } from "../../src/aws/regions";
import { criticalRange, warningRange } from "../../src/cli";
import { defineCheck } from "../../src/definition";
import { range, texts } from "../../src/options";
import { type Finding, makeReport } from "../../src/report";
import { State } from "../../src/state";
import { Thresholds } from "../../src/thresholds";
import {
  findingOf, judgeQueue, metrics, missingQueues, type QueueRules, summarize, unmatchedPrefixes, withoutDeadLetterQueues, worstFirst,
} from "./judge";
import { needsRegion, parseSelection, planRegions, type RegionTargets } from "./selection";

const THRESHOLDS = "Thresholds:";
const SELECTION = "Selection:";

export default defineCheck({
  name: "check_queue_backlog",
  prefix: "QUEUE",
  summary: "SQS backlog, in-flight messages and dead-letter queues",
  description:
    "One GetQueueAttributes call per queue (ListQueues, all pages, for --queue-prefix), one per dead-letter " +
    "queue found from the RedrivePolicy. A queue that does not exist is CRITICAL; a prefix that matches no " +
    "queue is UNKNOWN. Counts are approximate, as SQS gives them. The age of the oldest message is not a " +
    "queue attribute (only the CloudWatch metric ApproximateAgeOfOldestMessage has it), so it is not read.",
  options: {
    queue: texts({ placeholder: "NAME|URL", help: "This queue (a URL is used as is)", group: SELECTION }),
    queuePrefix: texts({ placeholder: "PREFIX", help: "Every queue whose name starts with PREFIX (case-sensitive)", group: SELECTION }),
    warning: warningRange({ help: "Range on visible messages (ApproximateNumberOfMessages); none by default: only reported" }),
    critical: criticalRange({ help: "Range on visible messages; none by default" }),
    warningInFlight: range({ help: "Range on in-flight messages (received, not deleted)", group: THRESHOLDS }),
    criticalInFlight: range({ help: "Range on in-flight messages", group: THRESHOLDS }),
    dlqWarning: range({
      default: "0",
      help: "Range on the visible messages of the queue's dead-letter queue: 0 warns on any dead letter, 0: never warns",
      group: THRESHOLDS,
    }),
    dlqCritical: range({ help: "Range on the dead-letter queue's visible messages", group: THRESHOLDS }),
    ...AWS_OPTIONS,
  },
  iam: [
    { action: "sqs:GetQueueUrl", when: "--queue NAME, or a dead-letter queue" },
    { action: "sqs:ListQueues", when: "--queue-prefix" },
    { action: "sqs:GetQueueAttributes" },
    { action: "ec2:DescribeRegions", when: "--region all" },
    { action: "sts:AssumeRole", when: "--role-arn" },
  ],
  examples: [
    "check_queue_backlog --region eu-west-1 --queue orders -w 100 -c 1000",
    "check_queue_backlog --queue-prefix backup- -c 500 --dlq-critical 10",
  ],

  validate: (o) => void parseSelection(o.queue, o.queuePrefix),
  connect: async (o, ctx) => (await import("./source")).connectBacklog(awsSettings(o), ctx),

  async evaluate(o, port, ctx) {
    const selection = parseSelection(o.queue, o.queuePrefix);
    const rules: QueueRules = {
      visible: new Thresholds(o.warning, o.critical),
      inFlight: new Thresholds(o.warningInFlight, o.criticalInFlight),
      dlq: new Thresholds(o.dlqWarning, o.dlqCritical),
    };
    // Queues given only by URL need no region chain: each URL names its own.
    const regions = needsRegion(selection) ? await regionsOf(port, ctx) : [];
    const plan = planRegions(selection, regions);
    const read = await acrossRegions(port, ctx, (source, region) => source.read(plan.get(region) as RegionTargets), [...plan.keys()]);
    const backlogs = read.results.map((r) => r.value);
    const showRegion = plan.size > 1;

    const { queues, deadLetter } = withoutDeadLetterQueues(backlogs.flatMap((r) => r.queues));
    for (const d of deadLetter) ctx.debug(1, `${d.name}: judged as another queue's dead-letter queue, not as a backlog`);
    const judged = queues.map((q) => judgeQueue(q, rules, showRegion)).sort(worstFirst);
    const missing = missingQueues(backlogs, selection, regions);
    const failed: Finding[] = backlogs.flatMap((r) => r.failed).map((f) => ({
      state: State.UNKNOWN,
      text: `${showRegion ? `${f.name} [${f.region}]` : f.name}: ${f.reason}`,
      queue: f.name,
      region: f.region,
    }));
    const findings = [...missing, ...judged.map(findingOf), ...failed, ...unmatchedPrefixes(backlogs, selection), ...read.failures];
    return makeReport({
      summary: summarize(judged, findings, missing.length + failed.length),
      findings,
      metrics: metrics(judged, rules),
    });
  },
});
