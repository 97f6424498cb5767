#!/usr/bin/env bash
# aws-checks gate: one gate of 20 AWS checks (every AWS command, several selections, two regions) against
# the loopback fake AWS endpoint (preset "small" of test/support/fake-aws/cli.ts, bundled with esbuild),
# against each of those 20 checks run alone, in ONE hyperfine run. Target: the gate's median under 2x the
# slowest single check's. Two more gate rows run the same file with --concurrency 1 and 20 (all at once; the
# default is 16), and a second run adds
# 50 ms to every AWS call, as a real endpoint's round trip would.
#
#   bash bench/gate.sh               # RUNS=20 by default
#
# Needs: hyperfine (apt-get install -y --no-install-recommends hyperfine), curl, node, a build (npm run build).
# Writes bench/results/gate.json and the "Gate" section of BENCHMARKS.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init
bench_need hyperfine "apt-get install -y --no-install-recommends hyperfine"
bench_need curl "apt-get install -y --no-install-recommends curl"
bench_build
runs=${RUNS:-20}
target=2
# A private copy of the binary and its links: a rebuild of dist/ during the run must not mix binaries.
bin="$RESULTS/gate-bin"
rm -rf "$bin" && cp -a dist/bin "$bin"

# Its own bundle name: another benchmark may be bundling the fake at the same time.
npx esbuild test/support/fake-aws/cli.ts --bundle --platform=node --format=cjs \
  --outfile="$RESULTS/gate-fake-aws.cjs" --log-level=error
fake_pid=
body=$(mktemp)
cleanup() {
  [ -z "$fake_pid" ] || kill "$fake_pid" 2>/dev/null || true
  rm -rf "$body" "$bin"
}
trap cleanup EXIT
out="$RESULTS/gate-fake.out"
node "$RESULTS/gate-fake-aws.cjs" --preset small >"$out" 2>/dev/null &
fake_pid=$!
for _ in $(seq 100); do grep -q READY "$out" 2>/dev/null && break; sleep 0.1; done
url=$(awk '/READY/{print $2}' "$out")
[ -n "$url" ] || { echo "gate.sh: the fake endpoint did not start" >&2; exit 1; }
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true

checks=(
  "check_instance_events --region us-east-1"
  "check_instance_events --region eu-west-1"
  "check_instance_events --region us-east-1 --tag Env=prod"
  "check_instance_events --region us-east-1 --include-stopped"
  "check_instance_events --region us-east-1 --region eu-west-1"
  "check_instance_events --region us-east-1 -w 7d -c 1d"
  "check_instance_events --region eu-west-1 --tag Env=staging"
  "check_ami_freshness --region us-east-1"
  "check_ami_freshness --region us-east-1 --tag Env=prod"
  "check_ami_freshness --region us-east-1 -w 48h -c 96h"
  "check_ami_freshness --region us-east-1 --instance-id i-00000000000000001"
  "check_elb_health --region us-east-1"
  "check_elb_health --region us-east-1 --elb web-1"
  "check_elb_health --region us-east-1 --elb web-2 --min-healthy-percent 50"
  "check_elb_health --region us-east-1 -c 2:"
  "check_queue_backlog --region us-east-1 --queue orders"
  "check_queue_backlog --region us-east-1 --queue emails"
  "check_queue_backlog --region us-east-1 --queue-prefix o"
  "check_queue_backlog --region us-east-1 --queue orders -w 100 -c 1000"
  "check_queue_backlog --region eu-west-1 --queue eu-jobs"
)
gate="$RESULTS/gate-20.yaml"
{
  echo "# Written by bench/gate.sh: 20 AWS checks against the fake endpoint; the endpoint is shared."
  echo "aws: { endpoint-url: \"$url\" }"
  echo "checks:"
  for i in "${!checks[@]}"; do
    read -r command args <<<"${checks[$i]}"
    # shellcheck disable=SC2086 # the arguments are words on purpose
    printf '  - name: c%02d-%s\n    command: %s\n    args: [%s]\n' "$i" "$command" "$command" "$(printf '"%s", ' $args | sed 's/, $//')"
  done
} >"$gate"

# Exit codes are verdicts here (the preset has CRITICAL events and a dead letter), so hyperfine runs with
# -i; first make sure every command really works: a usage error would be fast for the wrong reason.
for c in "aws-checks gate $gate" "${checks[@]/%/ --endpoint-url $url}"; do
  set +e
  out=$("$bin"/$c 2>&1)
  code=$?
  set -e
  if [ "$code" -gt 2 ] || [ -z "$out" ]; then echo "gate.sh: '$c' does not work (exit $code): $out" >&2; exit 1; fi
done

args=(-n "aws-checks gate (20 checks)" "$bin/aws-checks gate $gate"
      -n "aws-checks gate (20 checks, --concurrency 1)" "$bin/aws-checks gate $gate --concurrency 1"
      -n "aws-checks gate (20 checks, --concurrency 20)" "$bin/aws-checks gate $gate --concurrency 20")
for c in "${checks[@]}"; do args+=(-n "$c" "$bin/$c --endpoint-url $url"); done
hyperfine -N -i --warmup 3 --runs "$runs" --export-json "$RESULTS/gate.json" "${args[@]}" \
  >/dev/null 2>"$RESULTS/gate.log" || { cat "$RESULTS/gate.log" >&2; exit 1; }

# The same again with 50 ms added to every AWS call (the fake's "slow" fault), as a real endpoint's
# round trip would: what the gate's in-process concurrency is for.
curl -fsS -X POST -d '{"kind":"slow","delayMs":50}' "$url/__fake/faults" >/dev/null
hyperfine -N -i --warmup 1 --runs "$(( (runs + 1) / 2 ))" --export-json "$RESULTS/gate-latency.json" "${args[@]}" \
  >/dev/null 2>"$RESULTS/gate-latency.log" || { cat "$RESULTS/gate-latency.log" >&2; exit 1; }

# The slowest single check is the base; the sum of the singles is what running them one by one costs.
summary() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results.slice(3);
    const i = r.reduce((best, x, k) => (x.median > r[best].median ? k : best), 0);
    console.log(i + 3, (r.reduce((n, x) => n + x.median, 0) * 1000).toFixed(0));
  ' "$1"
}
read -r slowest sum < <(summary "$RESULTS/gate.json")
read -r slowest_lat sum_lat < <(summary "$RESULTS/gate-latency.json")
ratio=$(bench_ratio "$RESULTS/gate.json" 0 "$slowest")
ratio_lat=$(bench_ratio "$RESULTS/gate-latency.json" 0 "$slowest_lat")
verdict=$(node -e 'console.log(Number(process.argv[1]) < Number(process.argv[2]) ? "met" : "missed")' "$ratio" "$target")
{
  echo "Measured $(date -u +%Y-%m-%d) by \`bash bench/gate.sh\` (hyperfine -N, 3 warm-up runs, $runs runs each, one run):"
  echo "$(bench_machine)."
  echo
  bench_table "$RESULTS/gate.json" "$slowest" "$target"
  echo
  echo "Run one after another, the 20 checks take ${sum} ms (sum of medians)."
  echo "Target: the gate under ${target}× the slowest single check's median. Measured ${ratio}×: **${verdict}**."
  echo
  echo "With 50 ms added to every AWS call (the fake's \`slow\` fault, like a real endpoint's round trip), same"
  echo "commands, $(( (runs + 1) / 2 )) runs each:"
  echo
  bench_table "$RESULTS/gate-latency.json" "$slowest_lat" "$target"
  echo
  echo "Run one after another, the 20 checks take ${sum_lat} ms (sum of medians); the gate ${ratio_lat}× the slowest."
} >"$body"
bench_section BENCHMARKS.md gate "Gate" "$body"
cat "$body"
