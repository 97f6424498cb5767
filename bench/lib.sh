# shellcheck shell=bash disable=SC2034 # BIN, NODE_DIST, CHECK_LOAD... are for the scripts
# Shared helpers for bench/*.sh. Source it, then call bench_init:
#
#   source "$(dirname "$0")/lib.sh"
#   bench_init
#
# Setting up
#   bench_init                 cd to the repository root; NAME (the script's name, e.g. "events"),
#                              RESULTS=bench/results (created), CHECK_LOAD (the reference command line);
#                              needs hyperfine, node and check_load; at exit, bench_on_exit commands run,
#                              then the processes bench_start started (and only those) are stopped
#   bench_need CMD HINT        stop with HINT (how to install CMD) when CMD is missing
#   bench_build                npm run build when dist/ is missing, then a private copy of it:
#                              BIN=.../bin, NODE_DIST=.../node (a rebuild during the run must not mix
#                              binaries; the copy is removed at exit)
#   bench_on_exit CMD          run the shell text CMD at exit, the last registered first, before the
#                              started processes are stopped
#   bench_start OUT CMD...     start CMD in the background, stdout and stderr to OUT; its pid is
#                              BENCH_PID and it is stopped at exit
#   bench_wait_for OUT WORD SECONDS
#                              wait until OUT holds WORD; stop the script when it does not in time
#   bench_fake_aws PRESET [ARG]...
#                              start the fake AWS endpoint (test/support/fake-aws/cli.ts) with PRESET and
#                              its further ARGs (--tls-key F --tls-cert F); FAKE_URL is its URL; also
#                              exports dummy credentials for the checks
# Measuring
#   bench_hyperfine FILE WARMUP RUNS -n NAME CMD [-n NAME CMD]...
#                              first runs each CMD once and stops when one fails (exit > 2 or no output:
#                              fast for the wrong reason), then ONE hyperfine run (-N -i) of C check_load
#                              (row 0, named "C check_load -r") and the commands, to $RESULTS/FILE.json;
#                              what each command printed when tried is in $RESULTS/FILE.try.ROW
#   bench_peak_mb RUNS CMD     peak resident memory of CMD, the highest of RUNS runs, in MiB
#   bench_calls URL CMD        runs CMD once and prints the AWS calls the fake at URL saw, per action
#   bench_cpu_busy CMD         runs CMD once and prints how busy all cores were meanwhile, e.g. 97%
#   bench_cpu_shares RUNS CMD  runs CMD RUNS times with Bun's CPU profiler and prints where the time went
#                              (bench/cpu-shares.mjs), one sentence
#                              (CMD: one string, split as hyperfine -N splits it, honouring quotes)
# Reading hyperfine's JSON (ROW: a 0-based index or a command's name)
#   bench_ms JSON ROW [FIELD]  FIELD (median by default; mean, min, max) in ms, e.g. 23.9
#   bench_ratio JSON ROW BASE  median of ROW / median of BASE, e.g. 2.13
#   bench_table JSON [BASE [MAX [LABEL]]]
#                              markdown table: median, mean ± σ, min, CPU time, × check_load (row 0);
#                              with BASE, also × BASE (headed LABEL); with MAX, whether each ratio to
#                              BASE (or to check_load) is within MAX
#   bench_verdict VALUE OP LIMIT
#                              "met" when VALUE OP LIMIT holds (OP: < or <=), else "missed"
# Writing BENCHMARKS.md
#   bench_measured             the section's first lines: date, script, hyperfine settings, machine, and
#                              the load average when the script started (BENCH_LOAD_AT_START)
#   bench_targets              header of a section's targets table; then one bench_target line per target
#   bench_target TARGET MEASURED VERDICT
#   bench_publish TITLE        stdin becomes the generated part of section NAME ("## TITLE") of
#                              BENCHMARKS.md and is printed; the summary at the top is rebuilt
#   bench_section FILE NAME TITLE BODY
#                              puts the text of file BODY into FILE between <!-- bench:NAME --> and
#                              <!-- /bench:NAME -->; when they are missing, appends a "## TITLE" section
#   bench_summary FILE         rebuilds the "summary" part of FILE: every row of every targets table,
#                              with a link to its section
#   bench_machine              one line: CPU, cores, memory, kernel
# Figures are read from hyperfine's JSON with Node (present wherever the project builds), never by hand.

bench_init() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
  NAME=$(basename "$0" .sh)
  RESULTS=bench/results
  mkdir -p "$RESULTS"
  BENCH_PIDS=()
  BENCH_EXIT=()
  BENCH_RUN_INFO=
  BENCH_LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
  trap _bench_cleanup EXIT
  trap 'exit 130' INT TERM
  bench_need node "the project's Node.js"
  bench_need hyperfine "apt-get install -y --no-install-recommends hyperfine"
  local check_load=/usr/lib/nagios/plugins/check_load
  [ -x "$check_load" ] ||
    { echo "$NAME.sh: needs $check_load (apt-get install -y --no-install-recommends monitoring-plugins-basic)" >&2; exit 1; }
  CHECK_LOAD="$check_load -r -w 5,4,3 -c 10,8,6"
}

_bench_cleanup() {
  local i pid
  # Last registered first, as they were set up (an unmount before removing the mount point).
  for ((i = ${#BENCH_EXIT[@]} - 1; i >= 0; i--)); do eval "${BENCH_EXIT[$i]}" >/dev/null 2>&1 || true; done
  # CONT too: a process the script stopped (SIGSTOP) must be able to act on the TERM.
  for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null && kill -CONT "$pid" 2>/dev/null; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  return 0
}

bench_need() {
  command -v "$1" >/dev/null 2>&1 || { echo "$NAME.sh: needs $1 ($2)" >&2; exit 1; }
}

bench_build() {
  if [ ! -x dist/bin/aws-checks ] || [ ! -f dist/node/aws-checks-bundle.cjs ]; then npm run build >/dev/null; fi
  local copy="$RESULTS/$NAME-dist"
  rm -rf "$copy" && mkdir -p "$copy" && cp -a dist/bin dist/node "$copy/"
  BIN="$copy/bin"
  NODE_DIST="$copy/node"
  bench_on_exit "rm -rf '$copy'"
}

bench_on_exit() {
  BENCH_EXIT+=("$1")
}

bench_start() {
  local out=$1
  shift
  "$@" >"$out" 2>&1 &
  BENCH_PID=$!
  BENCH_PIDS+=("$BENCH_PID")
}

bench_wait_for() {
  local out=$1 word=$2 i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "$word" "$out" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$NAME.sh: no $word in $3 s from $out:" >&2
  cat "$out" >&2
  exit 1
}

bench_fake_aws() {
  BENCH_FAKE_N=$((${BENCH_FAKE_N:-0} + 1))
  local bundle="$RESULTS/$NAME-fake-aws.cjs" out="$RESULTS/$NAME-fake-$1-$BENCH_FAKE_N.out"
  # Bundled afresh once per script, into a file of its own: another benchmark may be bundling meanwhile.
  if [ -z "${BENCH_FAKE_BUNDLED:-}" ]; then
    node_modules/.bin/esbuild test/support/fake-aws/cli.ts --bundle --platform=node --format=cjs \
      --outfile="$bundle" --log-level=error
    BENCH_FAKE_BUNDLED=1
  fi
  bench_start "$out" node "$bundle" --preset "$@"
  bench_wait_for "$out" '^READY ' 60
  FAKE_URL=$(awk '/^READY /{print $2}' "$out")
  export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=x AWS_EC2_METADATA_DISABLED=true
}

bench_hyperfine() {
  local file=$1 warmup=$2 runs=$3 args=(-n "C check_load -r" "$CHECK_LOAD") out code row=1
  shift 3
  while [ $# -gt 0 ]; do
    if [ "$1" != -n ] || [ $# -lt 3 ]; then echo "$NAME.sh: bench_hyperfine wants -n NAME CMD, got: $*" >&2; exit 1; fi
    # The commands' exit codes are verdicts (hence hyperfine -i), so a crash or a usage error would be
    # timed as a fast run: try each first. eval splits like hyperfine -N does, honouring quotes.
    out=$(eval "$3" 2>&1) && code=0 || code=$?
    printf '%s\n' "$out" >"$RESULTS/$file.try.$row"
    if [ "$code" -gt 2 ] || [ -z "$out" ]; then
      echo "$NAME.sh: '$2' does not work (exit $code): ${out:0:500}" >&2
      exit 1
    fi
    args+=(-n "$2" "$3")
    shift 3
    row=$((row + 1))
  done
  hyperfine -N -i --warmup "$warmup" --runs "$runs" --export-json "$RESULTS/$file.json" "${args[@]}" \
    >/dev/null 2>"$RESULTS/$file.log" || { cat "$RESULTS/$file.log" >&2; exit 1; }
  BENCH_RUN_INFO="hyperfine -N, $warmup warm-up and $runs timed runs per command"
}

bench_peak_mb() {
  local kb peak=0 f i
  f=$(mktemp)
  for ((i = 0; i < $1; i++)); do
    eval "/usr/bin/time -f %M -o $f $2" >/dev/null 2>&1 || true
    kb=$(tail -1 "$f")
    if [ "$kb" -gt "$peak" ]; then peak=$kb; fi
  done
  rm -f "$f"
  awk -v kb="$peak" 'BEGIN { printf "%.1f\n", kb / 1024 }'
}

bench_calls() {
  local url=$1
  curl -fsS -X DELETE "$url/__fake/calls" >/dev/null
  eval "$2" >/dev/null 2>&1 || true
  # shellcheck disable=SC2016 # JavaScript
  curl -fsS "$url/__fake/calls" | node -e '
    const { total, counts } = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const byAction = {};
    for (const [key, n] of Object.entries(counts)) byAction[key.split(":")[1]] = (byAction[key.split(":")[1]] ?? 0) + n;
    console.log(`${Object.entries(byAction).map(([a, n]) => `${a} ${n}`).join(", ")} (${total} in all)`);
  '
}

bench_cpu_shares() {
  local runs=$1 dir i
  dir=$(mktemp -d "$RESULTS/$NAME-profile.XXXXXX")
  for ((i = 0; i < runs; i++)); do
    eval "BUN_OPTIONS='--cpu-prof --cpu-prof-dir=$dir' $2" >/dev/null 2>&1 || true
  done
  node bench/cpu-shares.mjs "$dir"
  rm -rf "$dir"
}

bench_cpu_busy() {
  local before after
  before=$(head -1 /proc/stat)
  eval "$1" >/dev/null 2>&1 || true
  after=$(head -1 /proc/stat)
  # "cpu user nice system idle iowait irq softirq steal guest...": guest time is already in user; busy is
  # everything but idle and iowait.
  awk -v a="$before" -v b="$after" 'BEGIN {
    split(a, x); split(b, y)
    for (i = 2; i <= 9; i++) { d = y[i] - x[i]; total += d; if (i == 5 || i == 6) idle += d }
    printf "%.0f%%\n", 100 * (total - idle) / total
  }'
}

# The JSON readers: one Node program, the first argument names the job.
_bench_js() {
  node - "$@" <<'JS'
const fs = require("fs");
const [job, ...args] = process.argv.slice(2);
const load = (file) => JSON.parse(fs.readFileSync(file, "utf8")).results;
const pick = (results, key) => {
  const r = /^\d+$/.test(key) ? results[Number(key)] : results.find((x) => x.command === key);
  if (!r) throw new Error(`no row ${key}`);
  return r;
};
const ms = (s) => (s * 1000).toFixed(1);
if (job === "ms") {
  const [file, row, field = "median"] = args;
  console.log(ms(pick(load(file), row)[field]));
} else if (job === "ratio") {
  const r = load(args[0]);
  console.log((pick(r, args[1]).median / pick(r, args[2]).median).toFixed(2));
} else if (job === "table") {
  const [file, baseKey, maxArg, label] = args;
  const results = load(file);
  const ref = results[0];
  const base = baseKey === undefined || baseKey === "" ? ref : pick(results, baseKey);
  const max = maxArg === undefined || maxArg === "" ? undefined : Number(maxArg);
  const head = ["what runs", "median", "mean ± σ", "min", "CPU (user+sys)", "× check_load"];
  if (base !== ref) head.push(`× ${label || base.command}`);
  if (max !== undefined) head.push(`within ${max}×`);
  const rows = results.map((r) => {
    const row = [r.command, `${ms(r.median)} ms`, `${ms(r.mean)} ± ${ms(r.stddev)} ms`, `${ms(r.min)} ms`,
      `${ms(r.user + r.system)} ms`, `${(r.median / ref.median).toFixed(2)}×`];
    if (base !== ref) row.push(`${(r.median / base.median).toFixed(2)}×`);
    if (max !== undefined) row.push(r === base || r === ref ? "—" : r.median / base.median <= max ? "yes" : "no");
    return row;
  });
  const line = (cells) => `| ${cells.join(" | ")} |`;
  console.log([line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n"));
} else if (job === "section") {
  const [file, name, title, bodyFile] = args;
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const body = fs.readFileSync(bodyFile, "utf8").trimEnd();
  let text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n";
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from !== -1 && to > from) text = `${text.slice(0, from + begin.length)}\n${body}\n${text.slice(to)}`;
  else text = `${text.trimEnd()}\n\n## ${title}\n\n${begin}\n${body}\n${end}\n`;
  fs.writeFileSync(file, text);
} else if (job === "summary") {
  // Every row under a "| target | measured | result |" header, with the "## " heading above it.
  const [file] = args;
  const rows = [];
  let heading = "";
  let inTable = false;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("## ")) heading = line.slice(3).trim();
    if (line === "| target | measured | result |") inTable = true;
    else if (!line.startsWith("|")) inTable = false;
    else if (inTable && !line.startsWith("| ---")) {
      const anchor = heading.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");
      rows.push(`${line} [${heading}](#${anchor}) |`);
    }
  }
  console.log(["| target | measured | result | section |", "| --- | --- | --- | --- |", ...rows].join("\n"));
}
JS
}

bench_ms() { _bench_js ms "$@"; }
bench_ratio() { _bench_js ratio "$@"; }
bench_table() { _bench_js table "$@"; }
bench_section() { _bench_js section "$@"; }

bench_summary() {
  local body
  body=$(mktemp)
  _bench_js summary "$1" >"$body"
  bench_section "$1" summary "Summary" "$body"
  rm -f "$body"
}

bench_verdict() {
  awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { print ((op == "<" ? a < b : a <= b) ? "met" : "missed") }'
}

bench_machine() {
  local cpu mem
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "${cpu:-unknown CPU}, $(nproc) cores, $mem, Linux $(uname -r)"
}

bench_measured() {
  echo "Measured $(date -u +%Y-%m-%d) by \`bash bench/$NAME.sh\` (${BENCH_RUN_INFO:-no hyperfine run}, C check_load in"
  echo "the same run): $(bench_machine), load average $BENCH_LOAD_AT_START when the script started."
}

bench_targets() {
  echo "| target | measured | result |"
  echo "| --- | --- | --- |"
}

bench_target() {
  echo "| $1 | $2 | **$3** |"
}

bench_publish() {
  local body
  body=$(mktemp)
  cat >"$body"
  bench_section BENCHMARKS.md "$NAME" "$1" "$body"
  bench_summary BENCHMARKS.md
  cat "$body"
  rm -f "$body"
}
