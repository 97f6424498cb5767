# Shared helpers for bench/*.sh. Source it: `source "$(dirname "$0")/lib.sh"`.
#
#   bench_init                      cd to the repository root; RESULTS=bench/results (created)
#   bench_need CMD HINT             stop with HINT (how to install CMD) when CMD is missing
#   bench_build                     npm run build when dist/bin/aws-checks is missing
#   bench_machine                   one line: CPU, cores, kernel, load average now
#   bench_table JSON [BASE] [MAX]   markdown table of a hyperfine --export-json file: median, mean ± σ,
#                                   min, CPU time, and each median / the median of row BASE (0-based);
#                                   with MAX, also whether each ratio is within MAX
#   bench_ratio JSON ROW BASE       median of ROW / median of BASE, e.g. 2.13
#   bench_section FILE NAME TITLE BODY
#                                   puts the text of file BODY into FILE (BENCHMARKS.md) between the
#                                   markers <!-- bench:NAME --> and <!-- /bench:NAME -->; when they are
#                                   missing, appends a "## TITLE" section holding them
# Figures are read from hyperfine's JSON with Node (present wherever the project builds), never by hand.

bench_init() {
  cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
  RESULTS=bench/results
  mkdir -p "$RESULTS"
}

bench_need() {
  command -v "$1" >/dev/null 2>&1 || { echo "${0##*/}: needs $1 ($2)" >&2; exit 1; }
}

bench_build() {
  [ -x dist/bin/aws-checks ] || npm run build >/dev/null
}

bench_machine() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  echo "${cpu:-unknown CPU}, $(nproc) cores, Linux $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

bench_table() {
  node - "$@" <<'JS'
const [file, baseArg, maxArg] = process.argv.slice(2);
const results = JSON.parse(require("fs").readFileSync(file, "utf8")).results;
const base = baseArg === undefined ? undefined : results[Number(baseArg)];
const max = maxArg === undefined ? undefined : Number(maxArg);
const ms = (s) => (s * 1000).toFixed(1);
const head = ["what runs", "median", "mean ± σ", "min", "CPU (user+sys)"];
if (base) head.push(`× ${base.command}`);
if (base && max !== undefined) head.push(`within ${max}×`);
const rows = results.map((r) => {
  const row = [r.command, `${ms(r.median)} ms`, `${ms(r.mean)} ± ${ms(r.stddev)} ms`, `${ms(r.min)} ms`, `${ms(r.user + r.system)} ms`];
  if (base) row.push(`${(r.median / base.median).toFixed(2)}×`);
  if (base && max !== undefined) row.push(r === base ? "—" : r.median / base.median <= max ? "yes" : "no");
  return row;
});
const line = (cells) => `| ${cells.join(" | ")} |`;
console.log([line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n"));
JS
}

bench_ratio() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    console.log((r[Number(process.argv[2])].median / r[Number(process.argv[3])].median).toFixed(2));
  ' "$1" "$2" "$3"
}

bench_section() {
  node - "$@" <<'JS'
const fs = require("fs");
const [file, name, title, bodyFile] = process.argv.slice(2);
const begin = `<!-- bench:${name} -->`;
const end = `<!-- /bench:${name} -->`;
const body = fs.readFileSync(bodyFile, "utf8").trimEnd();
let text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n";
const from = text.indexOf(begin);
const to = text.indexOf(end);
if (from !== -1 && to > from) text = `${text.slice(0, from + begin.length)}\n${body}\n${text.slice(to)}`;
else text = `${text.trimEnd()}\n\n## ${title}\n\n${begin}\n${body}\n${end}\n`;
fs.writeFileSync(file, text);
JS
}
