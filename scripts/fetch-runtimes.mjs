// `npm run fetch-runtimes`: unpacks the Bun runtime of every release platform into
// node_modules/.cache/aws-checks-runtimes/, each checked against the sha512 package-lock.json pins
// (see scripts/lib/runtimes.mjs). Run once after `npm ci`; `npm run release` then needs no network.
import { PLATFORMS } from "./lib/platforms.mjs";
import { runtimeExecutable } from "./lib/runtimes.mjs";

for (const { runtime } of PLATFORMS) console.log(`${runtime}: ${runtimeExecutable(runtime)}`);
