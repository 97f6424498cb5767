#!/usr/bin/env bash
# Start-up cost of a local check: dist/bin/check_serverscore against C check_load -r (monitoring-plugins)
# and against the Node bundle the npm package runs, in ONE hyperfine run. Target: the compiled check's
# median at most 2.5x check_load's. Two more rows explain the result: the same sources built as ESM
# with code splitting (only the modules a command imports are loaded), and an empty Bun executable
# (the runtime's own floor).
#
#   bash bench/startup.sh            # RUNS=150 by default; RUNS=300 bash bench/startup.sh for more
#
# Needs: hyperfine, monitoring-plugins-basic (apt-get install -y --no-install-recommends hyperfine
# monitoring-plugins-basic), node, and a build (npm run build). Writes bench/results/startup.json and the
# "Startup" section of BENCHMARKS.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_init
bench_need hyperfine "apt-get install -y --no-install-recommends hyperfine"
check_load=/usr/lib/nagios/plugins/check_load
[ -x "$check_load" ] || { echo "startup.sh: needs $check_load (apt-get install -y --no-install-recommends monitoring-plugins-basic)" >&2; exit 1; }
bench_build
runs=${RUNS:-150}
target=2.5

# The comparison builds, from the same sources as dist/ (flags as scripts/build.mjs, except the format).
variants="$RESULTS/startup-builds"
rm -rf "$variants" && mkdir -p "$variants"
bun=node_modules/.bin/bun
"$bun" build --compile --bytecode --minify --format=esm --splitting --no-compile-autoload-dotenv \
  --no-compile-autoload-bunfig --target=bun-linux-x64 --outfile "$variants/aws-checks" checks/bin.ts >/dev/null
ln -s aws-checks "$variants/check_serverscore"
echo 'import { writeSync } from "node:fs"; writeSync(1, "1\n");' >"$variants/empty.ts"
"$bun" build --compile --bytecode --minify --format=esm --no-compile-autoload-dotenv --no-compile-autoload-bunfig \
  --target=bun-linux-x64 --outfile "$variants/empty-bun" "$variants/empty.ts" >/dev/null

names=("C check_load -r" "check_serverscore (dist/bin)" "check_serverscore (Node bundle)"
       "check_serverscore (ESM + splitting build)" "empty Bun executable")
commands=("$check_load -r -w 5,4,3 -c 10,8,6" "dist/bin/check_serverscore" "node dist/node/check_serverscore.cjs"
          "$variants/check_serverscore" "$variants/empty-bun")

# The exit code follows the host's load (hyperfine -i), so first make sure every command really works:
# a crash would be fast for the wrong reason.
for i in "${!commands[@]}"; do
  set +e
  out=$(${commands[$i]} 2>&1)
  code=$?
  set -e
  if [ "$code" -gt 2 ] || [ -z "$out" ]; then echo "startup.sh: '${names[$i]}' does not work (exit $code): $out" >&2; exit 1; fi
done

args=()
for i in "${!commands[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
# -i: warnings about the load-dependent exit codes go to the log, not the terminal.
hyperfine -N -i --warmup 20 --runs "$runs" --export-json "$RESULTS/startup.json" "${args[@]}" \
  >/dev/null 2>"$RESULTS/startup.log" || { cat "$RESULTS/startup.log" >&2; exit 1; }

ratio=$(bench_ratio "$RESULTS/startup.json" 1 0)
verdict=$(node -e 'console.log(Number(process.argv[1]) <= Number(process.argv[2]) ? "met" : "missed")' "$ratio" "$target")
body=$(mktemp)
trap 'rm -f "$body"' EXIT
{
  echo "Measured $(date -u +%Y-%m-%d) by \`bash bench/startup.sh\` (hyperfine -N, 20 warm-up runs, $runs runs each, one run):"
  echo "$(bench_machine)."
  echo
  bench_table "$RESULTS/startup.json" 0 "$target"
  echo
  echo "Target: dist/bin/check_serverscore at most ${target}× check_load's median. Measured ${ratio}×: **${verdict}**."
} >"$body"
bench_section BENCHMARKS.md startup "Startup" "$body"
cat "$body"
