import { execFileSync } from "node:child_process";
import { BUN, ENTRY, REGISTRY, ROOT } from "./paths.mjs";

/**
 * Compiles the multi-call entry into one standalone executable for `target` (a Bun target such as
 * bun-linux-arm64-musl). `runtime`: the Bun executable of that platform to append the program to;
 * omitted, Bun uses itself, which is right only for this host's own platform.
 *
 * --bytecode skips parsing at start; ESM with --splitting loads only the chunks a command imports (the
 * CommonJS build evaluated every command's AWS SDK at start: 24 vs 20 ms for a local check, 144 vs 62 ms
 * for one EC2 call). A plugin must not read .env or bunfig.toml from whatever directory it is run in:
 * either could change its credentials or preload code.
 */
export function compile({ target, runtime, outfile }) {
  execFileSync(
    BUN,
    ["build", "--compile", "--bytecode", "--minify", "--format=esm", "--splitting",
     "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", `--target=${target}`,
     ...(runtime === undefined ? [] : [`--compile-executable-path=${runtime}`]),
     "--outfile", outfile, ENTRY],
    { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] },
  );
}

/** The commands (hidden ones left out), in the registry's order, read from the registry source by Bun. */
export function listCommands() {
  const program =
    `const { COMMANDS } = await import(${JSON.stringify(REGISTRY)});` +
    `console.log(COMMANDS.filter((c) => !c.hidden).map((c) => c.name).join("\\n"));`;
  const out = execFileSync(BUN, ["-e", program], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const commands = out.trim().split("\n");
  if (commands.length === 0 || commands.some((c) => !/^[a-z][a-z0-9_]*$/.test(c))) throw new Error(`unexpected command list: ${out}`);
  return commands;
}
