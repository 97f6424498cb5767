#!/usr/bin/env bash
# check_efs_mount on a hung mount: a FUSE bindfs whose daemon is stopped with SIGSTOP, in a private
# mount namespace (root; needs bindfs). Target: an answer within --probe-timeout + 0.5 s, and no probe
# process left behind. Also times a healthy mount for comparison.
# Writes bench/results/efs-hung.json and prints a markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
mkdir -p "$results"
[ -x dist/bin/check_efs_mount ] || npm run build >/dev/null
[ "$(id -u)" = 0 ] || { echo "efs-hung.sh: needs root (unshare -m, mount, bindfs)" >&2; exit 1; }
command -v bindfs >/dev/null || { echo "efs-hung.sh: needs bindfs (apt-get install bindfs fuse3)" >&2; exit 1; }

work=$(mktemp -d /tmp/efs-hung-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
timeout_s=1

# Everything below runs inside the namespace; the mounts vanish with it.
unshare -m --propagation private bash -euo pipefail -s "$work" "$timeout_s" "$PWD" "$results" <<'SCRIPT'
work=$1 timeout_s=$2 root=$3 results=$4
check="$root/dist/bin/check_efs_mount"
mkdir -p "$work/src" "$work/hung" "$work/ok"
mount -t tmpfs tmpfs "$work/ok"
bindfs -f "$work/src" "$work/hung" & daemon=$!
for _ in $(seq 100); do grep -q " $work/hung " /proc/self/mountinfo && break; sleep 0.01; done
kill -STOP "$daemon"
cleanup() { umount -l "$work/hung" || true; kill -CONT "$daemon" || true; kill "$daemon" || true; umount "$work/ok" || true; }
trap cleanup EXIT

cd "$root"
hyperfine -N -i --warmup 1 --runs 10 --export-json "$results/efs-hung.json" \
  -n "hung (--probe-timeout $timeout_s)" "$check --mount-point $work/hung --type fuse --no-fstab-check --probe-timeout $timeout_s" \
  -n "healthy tmpfs" "$check --mount-point $work/ok --type tmpfs --no-fstab-check" >/dev/null

left=$(pgrep -fc -- "__mount-probe --path $work" || true)
node -e '
  const r = require(process.argv[1]).results;
  const t = Number(process.argv[2]);
  console.log("| case | median | max | target |");
  console.log("|---|---|---|---|");
  for (const x of r) {
    const target = x.command.startsWith("hung") ? `<= ${(t + 0.5).toFixed(1)} s` : "";
    console.log(`| ${x.command} | ${(x.median * 1000).toFixed(0)} ms | ${(x.max * 1000).toFixed(0)} ms | ${target} |`);
  }
' "$PWD/$results/efs-hung.json" "$timeout_s"
echo "probe processes left behind: $left"
[ "$left" = 0 ]
SCRIPT
