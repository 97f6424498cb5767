import type { Subcommand } from "../multicall";
import { COMMANDS } from "../registry";

/**
 * `aws-checks gate FILE`: the suite's commands run together from a YAML file. Loaded only when asked
 * for, so a plain check never evaluates the gate (or the YAML parser).
 */
export const GATE: Subcommand = {
  name: "gate",
  usage: "gate FILE",
  summary: "run the checks of a YAML FILE at once, one exit code",
  run: async (argv) => {
    const { gateMain } = await import("./main");
    await gateMain(argv, async (command) => {
      const entry = COMMANDS.find((c) => c.name === command && !c.hidden);
      return entry?.load();
    });
  },
};
