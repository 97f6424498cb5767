#!/usr/bin/env bash
# check_ami_freshness against the loopback fake AWS endpoint (test/support/fake-aws/cli.ts), preset
# "images-2000x10": 2,000 running instances with 10 daily AMIs each (20,000 images). Target: under 1 s.
# Also check_elb_health over 450 classic load balancers (preset "elb-450"; no target), and C check_load,
# all in the same hyperfine run; peak memory with /usr/bin/time and the AWS calls of one run of each.
#
#   bash bench/ami-scale.sh          # RUNS=10 by default
#
# Needs: hyperfine, monitoring-plugins-basic, curl, node, a build. Writes bench/results/ami-scale.json
# and the "AMI freshness and ELB health at scale" section of BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
bench_need curl "apt-get install -y --no-install-recommends curl"
bench_build
runs=${RUNS:-10}

bench_fake_aws images-2000x10
images=$FAKE_URL
bench_fake_aws elb-450
elbs=$FAKE_URL
ami="$BIN/check_ami_freshness --region us-east-1 --endpoint-url $images"
elb="$BIN/check_elb_health --region us-east-1 --endpoint-url $elbs"

json="$RESULTS/ami-scale.json"
bench_hyperfine ami-scale 2 "$runs" \
  -n "check_ami_freshness, 2,000 instances, 20,000 images" "$ami" \
  -n "check_elb_health, 450 classic load balancers" "$elb"

ami_calls=$(bench_calls "$images" "$ami")
elb_calls=$(bench_calls "$elbs" "$elb")
ami_peak=$(bench_peak_mb 3 "$ami")
elb_peak=$(bench_peak_mb 3 "$elb")
ami_ms=$(bench_ms "$json" 1)
ami_shares=$(bench_cpu_shares 3 "$ami")
{
  bench_measured
  echo
  bench_table "$json"
  echo
  echo "AWS calls of one run: check_ami_freshness: ${ami_calls}; check_elb_health: ${elb_calls}."
  echo "Peak memory (highest RSS of 3 runs, /usr/bin/time): check_ami_freshness ${ami_peak} MiB," \
    "check_elb_health ${elb_peak} MiB."
  echo
  bench_targets
  bench_target "2,000 instances × 20,000 images: < 1 s" "${ami_ms} ms" "$(bench_verdict "$ami_ms" "<" 1000)"
  echo
  echo "Where check_ami_freshness's time goes, from Bun's CPU profiler: ${ami_shares}"
  echo "Twenty pages of images are read once and trimmed to six fields each before the SDK parses them; what"
  echo "is left is receiving and deserializing them in the runtime's node:http layer and the SDK."
} | bench_publish "AMI freshness and ELB health at scale"
