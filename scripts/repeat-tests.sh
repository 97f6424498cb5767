#!/usr/bin/env bash
# Looks for flaky tests the way a newcomer would meet them: a fresh clone of HEAD, `CI=true bash .ci/run`
# once, then `npm test` again and again in that clone, while another CPU-heavy job (one busy process per
# HOGS, default 1, at normal priority) competes for the cores.
#
#   bash scripts/repeat-tests.sh [RUNS]     # RUNS defaults to 10; about 8 minutes a run on 2 cores
#
# Each run's log is kept in the work folder it prints; the last lines are the summary, one line per run
# with vitest's own "Test Files" and "Tests" lines, and the exit code is 1 when any run failed.
set -uo pipefail
runs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/aws-checks-repeat.XXXXXX)
# mktemp makes it 0700; the tests run the built binaries as user nobody too, who must reach them.
chmod 755 "$work"
echo "work folder: $work"
git clone -q "$root" "$work/clone"

hogs=()
for ((i = 0; i < ${HOGS:-1}; i++)); do
  node -e 'for (;;) Math.sqrt(Math.random());' &
  hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null' EXIT

failed=0
summary=()
for ((run = 1; run <= runs; run++)); do
  log="$work/run-$run.log"
  started=$(date +%s)
  if [ "$run" -eq 1 ]; then
    (cd "$work/clone" && CI=true bash .ci/run) >"$log" 2>&1
  else
    (cd "$work/clone" && CI=true npm test) >"$log" 2>&1
  fi
  rc=$?
  [ "$rc" -eq 0 ] || failed=1
  # vitest colours its summary; the lines are kept without the escapes.
  files=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Test Files' | tail -1 | tr -s ' ')
  tests=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Tests ' | tail -1 | tr -s ' ')
  summary+=("run $run: rc=$rc in $(($(date +%s) - started)) s, load $(cut -d' ' -f1-3 /proc/loadavg) |$files |$tests")
  echo "${summary[-1]}"
done
echo "== $runs runs of npm test on a fresh clone of $(git -C "$root" rev-parse --short HEAD), ${HOGS:-1} busy process(es) alongside"
printf '%s\n' "${summary[@]}"
exit "$failed"
