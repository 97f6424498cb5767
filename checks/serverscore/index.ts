import { defineCheck } from "../../src/definition";
import { makeReport } from "../../src/report";
import { State } from "../../src/state";
import { type ScoreResult, scoreHost } from "./judge";
import { SCORE_DESCRIPTION, SCORE_OPTIONS } from "./options";
import { thisHost } from "./source";

/** The probe: prints this host's score alone (or its JSON), for people and for check_serverscore --host. */
export default defineCheck({
  name: "serverscore",
  prefix: "SERVERSCORE",
  summary: "print this host's score, 1 (in danger) to 100 (idle)",
  description: SCORE_DESCRIPTION,
  options: SCORE_OPTIONS,
  iam: [],
  examples: ["serverscore --format json --components load,mem,swap"],

  connect: () => thisHost,

  async evaluate(o, host, ctx) {
    ctx.stage("reading load and memory");
    const sample = await host.sample(o.components.some((c) => c !== "load"), ctx.signal);
    const result = scoreHost(sample, o.window, o.components);
    return { ...makeReport({ summary: String(result.score), state: State.OK }), data: result };
  },

  print(report, format) {
    const result = report.data as ScoreResult;
    return format === "json" ? `${JSON.stringify(result)}\n` : `${result.score}\n`;
  },
});
