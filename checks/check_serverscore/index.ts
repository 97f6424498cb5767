import { rangeThresholds, thresholdOptions } from "../../src/cli";
import type { CheckDefinition } from "../../src/definition";
import type { OptionSpec } from "../../src/help";
import { makeReport } from "../../src/report";
import type { Thresholds } from "../../src/thresholds";
import { sampleHost } from "../serverscore/host";
import { parseComponents, parseWindow, SCORE_DESCRIPTION, SCORE_OPTIONS } from "../serverscore/options";
import { type Component, scoreHost, type Window } from "../serverscore/score";
import { FLEET_OPTIONS, type FleetOptions, parseFleet } from "./fleet-options";

interface Options {
  thresholds: Thresholds;
  window: Window;
  components: Component[];
  /** Set with --host or --elb: the probe runs there over SSH instead of here. */
  fleet?: FleetOptions;
}

// Without a parser default, fleet mode can tell a --window the user gave (passed on to the remote probe)
// from the default (left to the probe); the help still names the default.
const SCORE_OPTIONS_AS_GIVEN: Record<string, OptionSpec> = Object.fromEntries(
  Object.entries(SCORE_OPTIONS).map(([name, spec]) => [
    name,
    { ...spec, default: undefined, describe: `${spec.describe} (default ${String(spec.default)})` },
  ]),
);

const DEFAULT_WARNING = "50:";
const DEFAULT_CRITICAL = "25:";

export const checkServerscore: CheckDefinition<Options> = {
  name: "check_serverscore",
  prefix: "SERVERSCORE",
  summary: "judge host load as a score from 1 (in danger) to 100 (idle)",
  description: SCORE_DESCRIPTION,
  options: {
    ...thresholdOptions({
      warning: `Range on the score; default ${DEFAULT_WARNING} (warn below 50)`,
      critical: `Range on the score; default ${DEFAULT_CRITICAL} (critical below 25)`,
    }),
    ...SCORE_OPTIONS_AS_GIVEN,
    ...FLEET_OPTIONS,
  },
  // The AWS options serve --elb; the SDK itself is loaded only when --elb is given.
  aws: true,
  examples: [
    "check_serverscore -w 50: -c 25: --window 5 --components load,mem",
    "check_serverscore --host web1 --host web2 --ssh-user nagios -w 40: -c 20:",
    "check_serverscore --elb web-lb --region eu-west-1 --aggregate average",
  ],

  parse(args) {
    const given = {
      window: args.window === undefined ? undefined : parseWindow(args.window),
      components: args.components === undefined ? undefined : parseComponents(args.components),
    };
    return {
      thresholds: rangeThresholds(args, { warning: DEFAULT_WARNING, critical: DEFAULT_CRITICAL }),
      window: given.window ?? parseWindow(undefined),
      components: given.components ?? parseComponents("load"),
      fleet: parseFleet(args, given),
    };
  },

  async run(options, ctx) {
    if (options.fleet !== undefined) {
      // Loaded only in fleet mode: a local check does not pay for the SSH runner.
      const { runFleet } = await import("./fleet");
      return runFleet(options.fleet, options.thresholds, ctx);
    }
    ctx.stage("reading load and memory");
    const sample = await sampleHost(options.components.some((c) => c !== "load"), ctx.signal);
    const result = scoreHost(sample, options.window, options.components);
    const { thresholds } = options;
    const state = thresholds.evaluate(result.score);
    const parts = options.components.map((c) => `${c} ${result.components[c]}`).join(", ");
    return makeReport({
      state,
      summary:
        `score ${result.score} (${result.load_per_cpu} load per CPU over ${result.window} min` +
        `${options.components.length > 1 ? `; ${parts}; limited by ${result.limiting}` : ""})`,
      metrics: [
        { label: "score", value: result.score, warning: thresholds.warning, critical: thresholds.critical, min: 1, max: 100 },
        { label: "load_per_cpu", value: result.load_per_cpu, min: 0 },
      ],
    });
  },
};

export default checkServerscore;
