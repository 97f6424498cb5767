#!/usr/bin/env bash
# Start-up cost of a local check: dist/bin/check_serverscore against C check_load -r (monitoring-plugins)
# and against the Node bundle the npm package runs, in ONE hyperfine run. Target: the compiled check's
# median at most 1.3x an empty Bun executable's, compiled as scripts/build.mjs compiles dist/bin (the
# runtime's own floor), measured in the same run.
#
#   bash bench/startup.sh            # RUNS=150 by default; RUNS=300 bash bench/startup.sh for more
#
# Needs: hyperfine, monitoring-plugins-basic (apt-get install -y --no-install-recommends hyperfine
# monitoring-plugins-basic), node, and a build (npm run build). Writes bench/results/startup.json and the
# "Startup" section of BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
bench_build
runs=${RUNS:-150}
target=1.3

# The floor: an executable that prints one line, with scripts/build.mjs's flags.
empty="$RESULTS/startup-empty"
mkdir -p "$empty"
bench_on_exit "rm -rf '$empty'"
printf '%s\n' 'import { writeSync } from "node:fs"; writeSync(1, "1\n");' >"$empty/empty.ts"
# The same, with every module of the suite embedded behind an import that never runs: what the size of the
# embedded module graph alone costs at start.
printf '%s\n' 'import { writeSync } from "node:fs";' \
  "if (process.argv.length > 99) await import($(node -p 'JSON.stringify(process.argv[1])' "$PWD/app/bin.ts"));" \
  'writeSync(1, "1\n");' >"$empty/graph.ts"
for name in empty graph; do
  node_modules/.bin/bun build --compile --bytecode --minify --format=esm --splitting --no-compile-autoload-dotenv \
    --no-compile-autoload-bunfig --target=bun-linux-x64 --outfile "$empty/$name-bun" "$empty/$name.ts" >/dev/null
done

json="$RESULTS/startup.json"
bench_hyperfine startup 20 "$runs" \
  -n "check_serverscore (dist/bin)" "$BIN/check_serverscore" \
  -n "check_serverscore (Node bundle)" "node $NODE_DIST/check_serverscore.cjs" \
  -n "empty Bun executable" "$empty/empty-bun" \
  -n "empty, the suite's modules embedded, never run" "$empty/graph-bun"

load_ms=$(bench_ms "$json" 0)
check_ms=$(bench_ms "$json" "check_serverscore (dist/bin)")
empty_ms=$(bench_ms "$json" "empty Bun executable")
graph_ms=$(bench_ms "$json" "empty, the suite's modules embedded, never run")
ratio=$(bench_ratio "$json" "check_serverscore (dist/bin)" "empty Bun executable")
floor=$(bench_ratio "$json" "empty Bun executable" 0)
verdict=$(bench_verdict "$ratio" "<=" "$target")
{
  bench_measured
  echo
  bench_table "$json" "empty Bun executable" "$target" "empty executable"
  echo
  bench_targets
  bench_target "local \`check_serverscore\` ≤ ${target}× an empty executable built with the same flags" \
    "${ratio}× (${check_ms} vs ${empty_ms} ms)" "$verdict"
  echo
  echo "The empty executable is ${floor}× C check_load (${load_ms} ms) here; check_serverscore takes" \
    "$(awk -v c="$check_ms" -v e="$empty_ms" 'BEGIN { printf "%.1f", c - e }') ms above it."
  if [ "$verdict" = missed ]; then
    echo "Why: not the size of the executable. The last row embeds every module of the suite behind an import"
    echo "that is never taken and starts $(awk -v g="$graph_ms" -v e="$empty_ms" 'BEGIN { printf "%+.1f", g - e }') ms from the empty one, so the"
    echo "$(awk -v c="$check_ms" -v g="$graph_ms" 'BEGIN { printf "%.1f", c - g }') ms are code that runs: the shared chunk every command loads (options, help, output)"
    echo "and the command's own (the score, reading /proc), evaluated from bytecode, and the node:fs, node:os"
    echo "and node:path modules Bun builds in JavaScript on first use."
  fi
} | bench_publish "Startup"
