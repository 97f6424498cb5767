#!/usr/bin/env bash
# aws-checks gate: one gate of 20 AWS checks (every AWS command, several selections, two regions) against
# the loopback fake AWS endpoint (preset "small" of test/support/fake-aws/cli.ts), against each of those 20
# checks run alone, and C check_load, in ONE hyperfine run. Target: the gate's median under 2x the slowest
# single check's. Two more gate rows run the same file with --concurrency 1 and 20 (all at once; the
# default is 16), and a second run adds 50 ms to every AWS call, as a real endpoint's round trip would.
#
#   bash bench/gate.sh               # RUNS=20 by default
#
# Needs: hyperfine, monitoring-plugins-basic (apt-get install -y --no-install-recommends hyperfine
# monitoring-plugins-basic), curl, node, a build (npm run build).
# Writes bench/results/gate.json and the "Gate" section of BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
bench_need curl "apt-get install -y --no-install-recommends curl"
bench_build
runs=${RUNS:-20}
target=2

bench_fake_aws small
url=$FAKE_URL
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
# The same gate with a role for every entry: AssumeRole is counted at the fake's STS.
role_gate="$RESULTS/gate-20-role.yaml"
sed "s|^aws: { endpoint-url: \"$url\" }|aws: { endpoint-url: \"$url\", role-arn: \"arn:aws:iam::210987654321:role/monitor\" }|" "$gate" >"$role_gate"
role_calls=$(bench_calls "$url" "$BIN/aws-checks gate $role_gate")
assume_roles=$(sed -n 's/.*AssumeRole \([0-9]*\).*/\1/p' <<<"$role_calls")

gates=(-n "aws-checks gate (20 checks)" "$BIN/aws-checks gate $gate"
       -n "aws-checks gate (20 checks, --concurrency 1)" "$BIN/aws-checks gate $gate --concurrency 1"
       -n "aws-checks gate (20 checks, --concurrency 20)" "$BIN/aws-checks gate $gate --concurrency 20")
singles=()
for c in "${checks[@]}"; do singles+=(-n "$c" "$BIN/$c --endpoint-url $url"); done
first_single=4 # after check_load and the three gate rows
bench_hyperfine gate 3 "$runs" "${gates[@]}" "${singles[@]}"
run_info=$BENCH_RUN_INFO

# The same again with 50 ms added to every AWS call (the fake's "slow" fault), as a real endpoint's
# round trip would: what the gate's in-process concurrency is for.
curl -fsS -X POST -d '{"kind":"slow","delayMs":50}' "$url/__fake/faults" >/dev/null
runs_lat=$(( (runs + 1) / 2 ))
bench_hyperfine gate-latency 1 "$runs_lat" "${gates[@]}" "${singles[@]}"

# The slowest single check is the base; the sum of the singles is what running them one by one costs.
singles_summary() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    const first = Number(process.argv[2]);
    let slowest = first;
    for (let k = first; k < r.length; k++) if (r[k].median > r[slowest].median) slowest = k;
    console.log(slowest, (r.slice(first).reduce((n, x) => n + x.median, 0) * 1000).toFixed(0));
  ' "$1" "$first_single"
}
json="$RESULTS/gate.json"
json_lat="$RESULTS/gate-latency.json"
read -r slowest sum < <(singles_summary "$json")
read -r slowest_lat sum_lat < <(singles_summary "$json_lat")
ratio=$(bench_ratio "$json" 1 "$slowest")
ratio_lat=$(bench_ratio "$json_lat" 1 "$slowest_lat")
verdict=$(bench_verdict "$ratio" "<=" "$target")
gate_cpu=$(node -e 'const r = require(process.argv[1]).results[1]; console.log(((r.user + r.system) * 1000).toFixed(0))' "$PWD/$json")
BENCH_RUN_INFO=$run_info # the first run's settings head the section
{
  bench_measured
  echo
  bench_table "$json" "$slowest" "$target" "slowest single"
  echo
  echo "Run one after another, the 20 checks take ${sum} ms (sum of medians)."
  echo
  echo "With 50 ms added to every AWS call (the fake's \`slow\` fault, like a real endpoint's round trip), same"
  echo "commands, ${runs_lat} runs each, C check_load again in the same run:"
  echo
  bench_table "$json_lat" "$slowest_lat" "$target" "slowest single"
  echo
  echo "Run one after another, the 20 checks take ${sum_lat} ms (sum of medians); the gate is ${ratio_lat}× the slowest."
  echo
  bench_targets
  bench_target "a gate of 20 AWS checks (loopback) ≤ ${target}× the slowest single check" \
    "${ratio}× ($(bench_ms "$json" 1) vs $(bench_ms "$json" "$slowest") ms)" "$verdict"
  bench_target "a gate of 20 AWS checks with \`aws: {role-arn: …}\`: one AssumeRole" "${assume_roles:-0} AssumeRole (calls: ${role_calls})" \
    "$([ "${assume_roles:-0}" = 1 ] && echo met || echo missed)"
  if [ "$verdict" = missed ]; then
    echo
    echo "Why: on loopback an AWS call answers in well under a millisecond, so each check is CPU-bound SDK work"
    echo "(building, signing, parsing) on the gate's one JavaScript thread: the gate used ${gate_cpu} ms of CPU in"
    echo "$(bench_ms "$json" 1) ms of wall time, so it never waits. With 50 ms per call, as a real endpoint has, the gate is ${ratio_lat}×"
    echo "the slowest single check: **$(bench_verdict "$ratio_lat" "<=" "$target")**."
  fi
} | bench_publish "Gate"
