import { UsageError } from "../../src/errors";
import { type OptionSpec, value } from "../../src/options";
import { type Component, COMPONENTS, type Window } from "./judge";

const SCORE = "Score:";

const components: OptionSpec<Component[]> = {
  kind: "value",
  placeholder: "LIST",
  default: "load",
  help: "Parts of the score, comma-separated: load, mem, swap. The score is the lowest part",
  group: SCORE,
  parse(texts, flag) {
    const result: Component[] = [];
    for (const name of texts.flatMap((v) => v.split(",")).map((v) => v.trim())) {
      if (!COMPONENTS.includes(name as Component)) throw new UsageError(`${flag}: unknown part '${name}' (use load, mem, swap)`);
      if (!result.includes(name as Component)) result.push(name as Component);
    }
    if (result.length === 0) throw new UsageError(`${flag}: name at least one of load, mem, swap`);
    return result;
  },
};

/** `--window` and `--components`, shared by the probe and check_serverscore. */
export const SCORE_OPTIONS = {
  window: value({ placeholder: "1|5|15", default: "5", help: "Load average to score: 1, 5 or 15 minutes", group: SCORE }, (t, flag): Window => {
    if (t !== "1" && t !== "5" && t !== "15") throw new UsageError(`${flag}: expected 1, 5 or 15, got '${t}'`);
    return Number(t) as Window;
  }),
  components,
};

export const SCORE_DESCRIPTION =
  "The load part is load average / online CPUs (r): 100 up to r = 0.7, 75 at 1.0, 25 at 2.0, 1 from 3.0, " +
  "straight lines between. mem: 100 at >= 20% available, 1 at <= 2%. swap: 100 at <= 50% used, 1 at >= 98%. " +
  "Tasks stuck in D state (e.g. on a hung NFS mount) raise the load without using CPU.";
