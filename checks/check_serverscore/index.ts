import { rangeThresholds, thresholdOptions } from "../../src/cli";
import type { CheckDefinition } from "../../src/definition";
import { makeReport } from "../../src/report";
import type { Thresholds } from "../../src/thresholds";
import { sampleHost } from "../serverscore/host";
import { parseComponents, parseWindow, SCORE_DESCRIPTION, SCORE_OPTIONS } from "../serverscore/options";
import { type Component, scoreHost, type Window } from "../serverscore/score";

interface Options {
  thresholds: Thresholds;
  window: Window;
  components: Component[];
}

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
    ...SCORE_OPTIONS,
  },
  examples: ["check_serverscore -w 50: -c 25: --window 5 --components load,mem"],

  parse: (args) => ({
    thresholds: rangeThresholds(args, { warning: DEFAULT_WARNING, critical: DEFAULT_CRITICAL }),
    window: parseWindow(args.window),
    components: parseComponents(args.components),
  }),

  async run(options, ctx) {
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
