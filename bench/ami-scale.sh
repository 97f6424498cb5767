#!/usr/bin/env bash
# check_ami_freshness against the loopback fake AWS endpoint, preset images-2000x10:
# 2,000 running instances with 10 daily AMIs each (20,000 images). Target: under 3 s (DESIGN.md).
# Also check_elb_health over 450 classic load balancers (preset elb-450) for reference.
# Writes bench/results/ami-scale.json and prints a markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
mkdir -p "$results"
[ -x dist/bin/check_ami_freshness ] || npm run build >/dev/null
npx esbuild test/support/fake-aws/cli.ts --bundle --platform=node --format=cjs \
  --outfile="$results/fake-aws.cjs" --log-level=error

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start_fake() { # preset -> prints the URL
  local out="$results/fake-$1.out"
  node "$results/fake-aws.cjs" --preset "$1" >"$out" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 300); do grep -q READY "$out" 2>/dev/null && break; sleep 0.1; done
  awk '/READY/{print $2}' "$out"
}

images=$(start_fake images-2000x10)
elbs=$(start_fake elb-450)
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true

hyperfine -N --warmup 2 --runs 15 -i --export-json "$results/ami-scale.json" \
  -n ami-2000x20000 "dist/bin/check_ami_freshness --region us-east-1 --endpoint-url $images" \
  -n elb-450 "dist/bin/check_elb_health --region us-east-1 --endpoint-url $elbs" >/dev/null

peak_kb=0
for _ in 1 2 3; do
  kb=$( { /usr/bin/time -f "%M" dist/bin/check_ami_freshness --region us-east-1 --endpoint-url "$images" >/dev/null || true; } 2>&1 | tail -1)
  [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
done
calls=$(curl -s "$images/__fake/calls")

node - "$results" "$peak_kb" "$calls" <<'JS'
const [dir, peakKb, calls] = process.argv.slice(2);
const [ami, elb] = JSON.parse(require("fs").readFileSync(`${dir}/ami-scale.json`, "utf8")).results;
const ms = (r) => (r.median * 1000).toFixed(0);
console.log("| run | median | min | max | target |\n|---|---|---|---|---|");
console.log(`| check_ami_freshness, 2,000 instances / 20,000 images | ${ms(ami)} ms | ${(ami.min * 1000).toFixed(0)} ms | ${(ami.max * 1000).toFixed(0)} ms | < 3 s |`);
console.log(`| check_elb_health, 450 classic load balancers | ${ms(elb)} ms | ${(elb.min * 1000).toFixed(0)} ms | ${(elb.max * 1000).toFixed(0)} ms | — |`);
console.log(`\nPeak memory (max RSS of 3 runs), 2,000 x 20,000: ${(peakKb / 1024).toFixed(0)} MB.`);
const runs = ami.times.length + 2 + 3; // hyperfine runs + warmups + memory runs
const counts = JSON.parse(calls).counts;
console.log(`API calls per run: ${Object.entries(counts).map(([k, n]) => `${k.split(":")[1]} ${n / runs}`).join(", ")}.`);
require("fs").writeFileSync(`${dir}/ami-scale.json.summary`, JSON.stringify({ amiMs: ami.median * 1000, elbMs: elb.median * 1000, peakMb: peakKb / 1024 }, null, 2));
JS
