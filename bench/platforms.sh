#!/usr/bin/env bash
# Start-up of the release executables on every platform that runs on this machine: check_serverscore
# (no options) from the linux-amd64 tarball natively and from the linux-arm64 tarball under qemu-user
# emulation (binfmt_misc), in ONE hyperfine run with C check_load -r as the reference. The arm64 figure
# is the cost of emulation on x86-64, not what a Graviton host measures. The musl builds need a musl
# libstdc++ (Alpine's libstdc++ package), which no Debian package provides, so they do not run here.
#
#   bash bench/platforms.sh          # RUNS=20 by default (an emulated start takes about a second)
#
# Needs: hyperfine, monitoring-plugins-basic, node, qemu-user-static, binfmt-support and libc6:arm64 with
# qemu-aarch64 enabled (.ci/run sets this up); runs npm run release when dist/release is missing. Writes
# bench/results/platforms.json and the "Start-up per platform" section of BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
runs=${RUNS:-20}
version=$(node -p 'require("./package.json").version')
grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null ||
  { echo "platforms.sh: qemu-aarch64 is not enabled in binfmt_misc (see .ci/run)" >&2; exit 1; }

# Private copies of the two tarballs' bin/: a release running meanwhile must not swap them away.
unpacked="$RESULTS/platforms-bin"
rm -rf "$unpacked"
bench_on_exit "rm -rf '$unpacked'"
for platform in amd64 arm64; do
  tarball="dist/release/aws-checks_${version}_linux_${platform}.tar.gz"
  [ -f "$tarball" ] || npm run release >/dev/null
  mkdir -p "$unpacked/$platform"
  tar -xzf "$tarball" -C "$unpacked/$platform"
done

json="$RESULTS/platforms.json"
bench_hyperfine platforms 2 "$runs" \
  -n "check_serverscore, linux-amd64 (native)" "$unpacked/amd64/bin/check_serverscore" \
  -n "check_serverscore, linux-arm64 (emulated: qemu-user on x86-64)" "$unpacked/arm64/bin/check_serverscore"

{
  bench_measured
  echo
  bench_table "$json"
  echo
  echo "The arm64 row is emulation on this x86-64 machine ($(qemu-aarch64-static --version | head -1)): it"
  echo "shows that the executable starts and answers, and what emulation costs, not a Graviton host's"
  echo "start-up. linux-amd64-musl and linux-arm64-musl are not measured: they do not start here (no musl"
  echo "\`libstdc++.so.6\` on Debian)."
} | bench_publish "Start-up per platform"
