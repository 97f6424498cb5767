// Where a run's CPU time goes, from the CPU profiles Bun writes with BUN_OPTIONS="--cpu-prof
// --cpu-prof-dir=DIR": the average per profile of the time spent inside a few named functions of the
// runtime and the SDK (their names survive minification), as one sentence for BENCHMARKS.md.
//
//   node bench/cpu-shares.mjs DIR
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// What each share means, and the frame that holds it (a function name, or a runtime builtin's module).
const SHARES = [
  ["the HTTP client receiving the answers (Bun's node:http)", (f) => f.functionName === "socketOnDataInner"],
  ["the SDK turning the XML into objects", (f) => f.functionName === "deserializeResponse"],
  ["garbage collection", (f) => f.functionName === "gc"],
];

const dir = process.argv[2];
const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
const totals = new Map(SHARES.map(([label]) => [label, 0]));
let total = 0;
for (const file of files) {
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    // A sample counts once per share, however deep the matching frames nest.
    const hit = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      for (const [label, match] of SHARES) if (match(byId.get(at).callFrame)) hit.add(label);
    }
    for (const label of hit) totals.set(label, totals.get(label) + ms);
  });
}
const per = (ms) => (ms / files.length).toFixed(0);
const parts = [...totals].map(([label, ms]) => `${per(ms)} ms in ${label}`);
console.log(`of ${per(total)} ms of CPU profiled per run (${files.length} runs): ${parts.join(", ")}.`);
