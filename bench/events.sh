#!/usr/bin/env bash
# check_instance_events against the loopback fake AWS endpoint:
#  1. one API call (eu-west-1 of the "small" preset), with C check_load measured in the same hyperfine run;
#  2. 10,000 running instances with 1,000 pending events (preset events-10000): wall time and peak memory.
# Writes bench/results/events.json and prints a markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
mkdir -p "$results"
[ -x dist/bin/check_instance_events ] || npm run build >/dev/null
npx esbuild test/support/fake-aws/cli.ts --bundle --platform=node --format=cjs \
  --outfile="$results/fake-aws.cjs" --log-level=error

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start_fake() { # preset -> prints the URL
  local out="$results/fake-$1.out"
  node "$results/fake-aws.cjs" --preset "$1" >"$out" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do grep -q READY "$out" 2>/dev/null && break; sleep 0.1; done
  awk '/READY/{print $2}' "$out"
}

small=$(start_fake small)
big=$(start_fake events-10000)
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true

check_load=/usr/lib/nagios/plugins/check_load
hyperfine -N --warmup 5 --runs 100 --export-json "$results/events-one-call.json" \
  -n check_load "$check_load -r -w 5,4,3 -c 10,8,6" \
  -n one-call "dist/bin/check_instance_events --region eu-west-1 --endpoint-url $small" >/dev/null
hyperfine -N --warmup 2 --runs 15 -i --export-json "$results/events-10000.json" \
  -n events-10000 "dist/bin/check_instance_events --region us-east-1 --endpoint-url $big" >/dev/null

peak_kb=0
for _ in 1 2 3; do
  kb=$( { /usr/bin/time -f "%M" dist/bin/check_instance_events --region us-east-1 --endpoint-url "$big" >/dev/null || true; } 2>&1 | tail -1)
  [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
done

node - "$results" "$peak_kb" <<'JS'
const [dir, peakKb] = process.argv.slice(2);
const read = (f) => JSON.parse(require("fs").readFileSync(`${dir}/${f}`, "utf8")).results;
const med = (r) => r.median * 1000;
const [load, one] = read("events-one-call.json");
const [big] = read("events-10000.json");
const rows = [
  ["C check_load -r (reference)", med(load), "1.00×", "—"],
  ["check_instance_events, one DescribeInstanceStatus call", med(one), `${(med(one) / med(load)).toFixed(2)}×`, "≤ 60 ms"],
  ["check_instance_events, 10,000 instances / 1,000 events", med(big), `${(med(big) / med(load)).toFixed(1)}×`, "< 2 s"],
];
console.log("| run | median | vs check_load | target |\n|---|---|---|---|");
for (const [name, ms, ratio, target] of rows) console.log(`| ${name} | ${ms.toFixed(1)} ms | ${ratio} | ${target} |`);
console.log(`\nPeak memory (max RSS of 3 runs), 10,000 instances: ${(peakKb / 1024).toFixed(0)} MB (target < 150 MB).`);
require("fs").writeFileSync(`${dir}/events.json`, JSON.stringify({ checkLoadMs: med(load), oneCallMs: med(one), fleetMs: med(big), peakMb: peakKb / 1024 }, null, 2));
JS
