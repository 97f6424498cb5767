#!/usr/bin/env bash
# check_efs_mount on a hung mount: a FUSE bindfs whose daemon is stopped with SIGSTOP, in a private mount
# namespace (the mounts vanish with it). Target: an answer within --probe-timeout + 0.5 s in every run,
# and no probe process left behind. A healthy tmpfs mount and C check_load are in the same hyperfine run.
#
#   bash bench/efs-hung.sh           # RUNS=10 by default
#
# Needs root (unshare -m, mount), bindfs (apt-get install -y --no-install-recommends bindfs fuse3),
# hyperfine, monitoring-plugins-basic, node, a build. Writes bench/results/efs-hung.json and the
# "Hung EFS mount" section of BENCHMARKS.md.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "efs-hung.sh: needs root (unshare -m, mount, bindfs)" >&2; exit 1; }
# Everything runs in a private mount namespace.
[ -n "${EFS_HUNG_IN_NAMESPACE:-}" ] || EFS_HUNG_IN_NAMESPACE=1 exec unshare -m --propagation private bash "$0" "$@"
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
bench_need bindfs "apt-get install -y --no-install-recommends bindfs fuse3"
bench_build
runs=${RUNS:-10}
timeout_s=1
limit_ms=$(( timeout_s * 1000 + 500 ))

work=$(mktemp -d /tmp/efs-hung-bench.XXXXXX)
bench_on_exit "rm -rf '$work'"
mkdir -p "$work/src" "$work/hung" "$work/ok"
mount -t tmpfs tmpfs "$work/ok"
bench_on_exit "umount '$work/ok'"
bench_start "$RESULTS/efs-hung-bindfs.out" bindfs -f "$work/src" "$work/hung"
daemon=$BENCH_PID
bench_wait_for /proc/self/mountinfo " $work/hung " 10
kill -STOP "$daemon"
# Lazily, while the daemon is stopped: a plain umount would wait for it.
bench_on_exit "umount -l '$work/hung'"

json="$RESULTS/efs-hung.json"
bench_hyperfine efs-hung 1 "$runs" \
  -n "hung FUSE mount, --probe-timeout $timeout_s" \
  "$BIN/check_efs_mount --mount-point $work/hung --type fuse --no-fstab-check --probe-timeout $timeout_s" \
  -n "healthy tmpfs mount" "$BIN/check_efs_mount --mount-point $work/ok --type tmpfs --no-fstab-check"

# Counted, not killed: any probe of this run still alive is a failure of the check.
left=$(pgrep -fc -- "__mount-probe --path $work" || true)
hung_ms=$(bench_ms "$json" 1)
hung_max=$(bench_ms "$json" 1 max)
{
  bench_measured
  echo
  bench_table "$json"
  echo
  echo "The hung mount's slowest run: ${hung_max} ms. Probe processes left after all runs: ${left}."
  echo
  bench_targets
  bench_target "a hung mount answers within probe timeout + 0.5 s (${limit_ms} ms), every run" \
    "${hung_max} ms slowest, ${hung_ms} ms median" "$(bench_verdict "$hung_max" "<=" "$limit_ms")"
  bench_target "a hung mount leaves no process behind" "${left} left" "$(bench_verdict "$left" "<=" 0)"
} | bench_publish "Hung EFS mount"
