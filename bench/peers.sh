#!/usr/bin/env bash
# check_instance_events against what an operator would run instead, on the same fake fleet (the loopback
# fake AWS endpoint, test/support/fake-aws/cli.ts) and in ONE hyperfine run per fleet, C check_load in it:
#  - the AWS CLI (`aws ec2 describe-instance-status`, counting the instances with events, one count per
#    page: it lists, it does not judge nor name, which only favours it);
#  - a minimal boto3 Nagios check (bench/peers/check_events_boto3.py: the same pages, the same DescribeTags
#    for Name tags, the same verdict).
# Fleets: 20 instances / 2 events (preset events-20) and 2,000 instances / 200 events (events-2000).
# Before timing, every peer must reach the same answer as check_instance_events (the number of pending
# events; for the boto3 check also the exit code). Target: on 2,000/200, check_instance_events' median at
# most 0.25x the boto3 check's.
#
#   bash bench/peers.sh              # RUNS=20 by default
#
# Needs: hyperfine, monitoring-plugins-basic, curl, node, a build, and the peers: apt-get install -y
# --no-install-recommends awscli python3-boto3. Writes bench/results/peers-*.json and the "Peers" section
# of BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
bench_need curl "apt-get install -y --no-install-recommends curl"
AWS_CLI=${AWS_CLI:-/usr/bin/aws} # Debian's awscli, not one a Python version manager may put first on PATH
[ -x "$AWS_CLI" ] || { echo "peers.sh: needs $AWS_CLI (apt-get install -y --no-install-recommends awscli)" >&2; exit 1; }
PYTHON=${PYTHON:-/usr/bin/python3}
"$PYTHON" -c "import boto3" 2>/dev/null ||
  { echo "peers.sh: needs boto3 for $PYTHON (apt-get install -y --no-install-recommends python3-boto3)" >&2; exit 1; }
bench_build
runs=${RUNS:-20}
target=0.25
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

# pending events in what a command printed: perfdata events=N, or the CLI's bare count
events_in() { sed -n 's/.*events=\([0-9]*\).*/\1/p; s/^\([0-9][0-9]*\)$/\1/p' <<<"$1" | head -1; }

ours_ms=() boto_ms=() cli_ms=() ratio_boto=() ratio_cli=() calls=()
for fleet in 20 2000; do
  bench_fake_aws "events-$fleet"
  url=$FAKE_URL
  ours="$BIN/check_instance_events --region us-east-1 --endpoint-url $url"
  boto="$PYTHON bench/peers/check_events_boto3.py us-east-1 $url"
  cli="$AWS_CLI ec2 describe-instance-status --region us-east-1 --endpoint-url $url --query 'length(InstanceStatuses[?Events])' --output text"

  # Same answer first: the number of pending events, and the boto3 check's verdict.
  want=$((fleet / 10))
  out=$($ours) && code=0 || code=$?
  b_out=$($boto) && b_code=0 || b_code=$?
  # The CLI prints one count per page it fetched (1,000 statuses each): their sum.
  c_out=$(eval "$cli" | awk '{ n += $1 } END { print n }')
  for got in "ours:$(events_in "$out")" "boto3:$(events_in "$b_out")" "cli:$(events_in "$c_out")"; do
    [ "${got#*:}" = "$want" ] || { echo "peers.sh: $fleet instances: ${got%%:*} found ${got#*:} events, not $want" >&2; exit 1; }
  done
  [ "$code" = "$b_code" ] || { echo "peers.sh: $fleet instances: exit $code here, $b_code from boto3" >&2; exit 1; }

  json="$RESULTS/peers-$fleet.json"
  bench_hyperfine "peers-$fleet" 2 "$runs" \
    -n "check_instance_events" "$ours" \
    -n "boto3 check" "$boto" \
    -n "aws ec2 describe-instance-status" "$cli"
  ours_ms+=("$(bench_ms "$json" 1)")
  boto_ms+=("$(bench_ms "$json" 2)")
  cli_ms+=("$(bench_ms "$json" 3)")
  ratio_boto+=("$(bench_ratio "$json" 1 2)")
  ratio_cli+=("$(bench_ratio "$json" 1 3)")
  calls+=("$(bench_calls "$url" "$ours")")
done

{
  bench_measured
  echo
  echo "Both peers reached the answer of check_instance_events before timing (2 and 200 pending events; the"
  echo "boto3 check the same exit code). $($AWS_CLI --version 2>&1 | cut -d' ' -f1-2), boto3 $("$PYTHON" -c 'import boto3; print(boto3.__version__)')."
  echo
  echo "20 instances, 2 events:"
  echo
  bench_table "$RESULTS/peers-20.json" 1 "" "check_instance_events"
  echo
  echo "2,000 instances, 200 events:"
  echo
  bench_table "$RESULTS/peers-2000.json" 1 "" "check_instance_events"
  echo
  echo "check_instance_events against the boto3 check: ${ratio_boto[0]}× (20 instances), ${ratio_boto[1]}× (2,000);"
  echo "against the AWS CLI: ${ratio_cli[0]}×, ${ratio_cli[1]}×. AWS calls of one check_instance_events run: ${calls[0]}"
  echo "(20 instances); ${calls[1]} (2,000)."
  echo
  bench_targets
  bench_target "2,000 instances / 200 events ≤ ${target}× a boto3 check (same run)" \
    "${ratio_boto[1]}× (${ours_ms[1]} vs ${boto_ms[1]} ms)" "$(bench_verdict "${ratio_boto[1]}" "<=" "$target")"
  echo
  echo "What each pays for the fleet itself, above its 20-instance run: check_instance_events" \
    "$(awk -v a="${ours_ms[1]}" -v b="${ours_ms[0]}" 'BEGIN { printf "%.1f", a - b }') ms, the boto3 check" \
    "$(awk -v a="${boto_ms[1]}" -v b="${boto_ms[0]}" 'BEGIN { printf "%.1f", a - b }') ms. The rest of the check's" \
    "median, ${ours_ms[0]} ms, is the one-call cost (start-up and the SDK's modules, see Instance events):" \
    "when the target is missed, that fixed part is why."
} | bench_publish "Peers"
