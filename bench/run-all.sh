#!/usr/bin/env bash
# Every benchmark in turn, on a fresh build: each rewrites its own section of BENCHMARKS.md and the summary
# at its top. A failing benchmark does not stop the others; the exit code is 1 when any failed.
#
#   bash bench/run-all.sh            # about 20 minutes on 2 cores; RUNS=... is passed on to every script
#
# Needs everything the scripts need: root, hyperfine, monitoring-plugins-basic, curl, bindfs, fuse3,
# openssh-server, openssh-client (apt-get install -y --no-install-recommends ...), node; platforms.sh
# also qemu-user-static, binfmt-support and libc6:arm64 with qemu-aarch64 enabled (as .ci/run does).
# The output of each script is also in bench/results/run-all-NAME.log.
set -uo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
npm run build >/dev/null || { echo "run-all.sh: npm run build failed" >&2; exit 1; }

# Until the 1-minute load average is below LOAD_MAX (1.5 by default), at most 5 minutes: the fleet
# benchmark alone leaves it near 10, which would be the next section's "load average when it started".
settle() {
  local i
  for ((i = 0; i < 60; i++)); do
    awk -v max="${LOAD_MAX:-1.5}" '{ exit !($1 < max) }' /proc/loadavg && return
    sleep 5
  done
}

machine=$(bench_machine)
failed=()
for name in startup events peers proxy ami-scale efs-hung fleet gate platforms; do
  settle
  echo "== bench/$name.sh"
  if ! bash "bench/$name.sh" 2>&1 | tee "$RESULTS/run-all-$name.log"; then
    failed+=("$name")
    echo "== bench/$name.sh FAILED (log: $RESULTS/run-all-$name.log)"
  fi
done

# What the figures were measured on, for the introduction of BENCHMARKS.md.
body=$(mktemp)
bench_on_exit "rm -f '$body'"
{
  echo "Last full run: $(date -u +%Y-%m-%d), \`bash bench/run-all.sh\`, on $machine, load average $BENCH_LOAD_AT_START"
  echo "when it started."
  echo "Node $(node --version), Bun $(node_modules/.bin/bun --version), $(hyperfine --version), $(ssh -V 2>&1 | cut -d, -f1),"
  echo "check_load from monitoring-plugins $(/usr/lib/nagios/plugins/check_load -V | grep -o 'v[0-9.]*' | head -1)."
} >"$body"
bench_section BENCHMARKS.md machine "Machine" "$body"
bench_summary BENCHMARKS.md

if [ ${#failed[@]} -gt 0 ]; then
  echo "run-all.sh: failed: ${failed[*]}" >&2
  exit 1
fi
