import { runMulticall } from "./multicall";
import { GATE } from "./gate/command";
import { COMMANDS } from "./registry";

// Bun sets argv0 to the name the binary was started as, which is how a symlink picks its command.
void runMulticall(COMMANDS, process.argv0, process.argv.slice(2), [GATE]);
