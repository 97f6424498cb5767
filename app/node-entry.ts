import { runMulticall } from "./multicall";
import { GATE } from "./gate/command";
import { COMMANDS } from "./registry";

/** Entry of the Node bundle behind the npm `bin` shims, which name their command explicitly. */
export function run(command: string | undefined, argv: string[]): Promise<void> {
  return runMulticall(COMMANDS, command, argv, [GATE]);
}
