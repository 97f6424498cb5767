import type { OptionSpec as Options } from "../../src/help";
import { list, one } from "../../src/cli";
import { UsageError } from "../../src/errors";
import { type Component, COMPONENTS, type Window } from "./score";

/** `--window` and `--components`, shared by the probe and check_serverscore. */
export const SCORE_OPTIONS: Record<string, Options> = {
  window: { type: "string", placeholder: "1|5|15", default: "5", describe: "Load average to score: 1, 5 or 15 minutes", group: "Score:" },
  components: {
    type: "string",
    placeholder: "LIST",
    default: "load",
    describe: "Parts of the score, comma-separated: load, mem, swap. The score is the lowest part",
    group: "Score:",
  },
};

export function parseWindow(value: unknown): Window {
  const text = one(value) ?? "5";
  if (text !== "1" && text !== "5" && text !== "15") throw new UsageError(`--window: expected 1, 5 or 15, got '${text}'`);
  return Number(text) as Window;
}

export function parseComponents(value: unknown): Component[] {
  const names = list(value).flatMap((v) => v.split(",")).map((v) => v.trim());
  const result: Component[] = [];
  for (const name of names) {
    if (!COMPONENTS.includes(name as Component)) {
      throw new UsageError(`--components: unknown part '${name}' (use load, mem, swap)`);
    }
    if (!result.includes(name as Component)) result.push(name as Component);
  }
  if (result.length === 0) throw new UsageError("--components: name at least one of load, mem, swap");
  return result;
}

export const SCORE_DESCRIPTION =
  "The load part is load average / online CPUs (r): 100 up to r = 0.7, 75 at 1.0, 25 at 2.0, 1 from 3.0, " +
  "straight lines between. mem: 100 at >= 20% available, 1 at <= 2%. swap: 100 at <= 50% used, 1 at >= 98%. " +
  "Tasks stuck in D state (e.g. on a hung NFS mount) raise the load without using CPU.";
