// Builds dist/bin/aws-checks (standalone, Bun runtime, bytecode) with a symlink per command, and
// dist/node/ (an esbuild bundle plus one shim per command) for the npm `bin` entries.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const bun = join(root, "node_modules", ".bin", "bun");
const dist = join(root, "dist");
// Built aside and swapped in at the end, so tests running meanwhile never see a half-built dist/.
const staging = join(dist, `.staging-${process.pid}`);
const binDir = join(staging, "bin");
const nodeDir = join(staging, "node");

rmSync(staging, { recursive: true, force: true });
mkdirSync(binDir, { recursive: true });
mkdirSync(nodeDir, { recursive: true });

// --bytecode skips parsing at start; ESM with --splitting loads only the chunks a command imports (the
// CommonJS build evaluated every command's AWS SDK at start: 24 vs 20 ms for a local check, 144 vs 62 ms
// for one EC2 call). A plugin must not read .env or bunfig.toml from whatever directory it is run in:
// either could change its credentials or preload code.
execFileSync(
  bun,
  ["build", "--compile", "--bytecode", "--minify", "--format=esm", "--splitting",
   "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "--target=bun-linux-x64",
   "--outfile", join(binDir, "aws-checks"), join(root, "app", "bin.ts")],
  { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
);

const esbuild = require("esbuild");
esbuild.buildSync({
  entryPoints: [join(root, "app", "node-entry.ts")],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  outfile: join(nodeDir, "aws-checks-bundle.cjs"),
  logLevel: "error",
});

const shim = (command) =>
  `#!/usr/bin/env node\nrequire("./aws-checks-bundle.cjs").run(${JSON.stringify(command)}, process.argv.slice(2));\n`;
// The binary itself is the one list of commands.
const COMMANDS = execFileSync(join(binDir, "aws-checks"), ["--list"], { encoding: "utf8" }).trim().split("\n");
for (const [file, command] of [["aws-checks", undefined], ...COMMANDS.map((c) => [c, c])]) {
  writeFileSync(join(nodeDir, `${file}.cjs`), shim(command));
  chmodSync(join(nodeDir, `${file}.cjs`), 0o755);
}
for (const command of COMMANDS) symlinkSync("aws-checks", join(binDir, command));

for (const part of ["bin", "node"]) {
  const target = join(dist, part);
  const old = join(staging, `${part}.old`);
  if (existsSync(target)) renameSync(target, old);
  renameSync(join(staging, part), target);
}
rmSync(staging, { recursive: true, force: true });
console.log(`built dist/bin/aws-checks and ${COMMANDS.length} links; dist/node for npm`);
