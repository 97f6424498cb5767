// Builds dist/bin/aws-checks (standalone, Bun runtime, bytecode) with a symlink per command, and
// dist/node/ (an esbuild bundle plus one shim per command) for the npm `bin` entries.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { compile, listCommands } from "./lib/compile.mjs";
import { ROOT as root } from "./lib/paths.mjs";

const require = createRequire(import.meta.url);
const dist = join(root, "dist");
// Built aside and swapped in at the end, so tests running meanwhile never see a half-built dist/.
const staging = join(dist, `.staging-${process.pid}`);
const binDir = join(staging, "bin");
const nodeDir = join(staging, "node");

rmSync(staging, { recursive: true, force: true });
mkdirSync(binDir, { recursive: true });
mkdirSync(nodeDir, { recursive: true });

compile({ target: "bun-linux-x64", outfile: join(binDir, "aws-checks") });

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
const COMMANDS = listCommands();
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
