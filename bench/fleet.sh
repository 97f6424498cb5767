#!/usr/bin/env bash
# check_serverscore over SSH: one host, then 50 hosts at --concurrency 16 (target: at most 4x one host's
# time). The hosts are 50 names sent to one throwaway sshd on 127.0.0.1 (ssh -o HostName=127.0.0.1),
# each running the built serverscore probe. Measured with OpenSSH's default key exchange and with
# curve25519-sha256, and against plain `xargs -P16 ssh` doing the same 50 connections (no check).
# Needs root, openssh-server, openssh-client and hyperfine. Writes bench/results/fleet.json and prints
# a markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
results=bench/results
mkdir -p "$results"
[ -x dist/bin/check_serverscore ] || npm run build >/dev/null

# The sshd the e2e tests use (test/support/sshd.ts), bundled to run on plain Node. It must sit two
# folders below the repository root: the helper finds dist/bin from its own location.
cat <<'JS' | npx esbuild --bundle --platform=node --format=cjs --outfile="$results/fleet-sshd.cjs" --log-level=error
import { startSshd } from "./test/support/sshd";
startSshd().then((s) => {
  const vars = { PORT: s.port, SSH_USER: s.user, KEY: s.identity, KNOWN_HOSTS: s.knownHosts, PROBE_BIN: s.bin };
  process.stdout.write(`${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n")}\nREADY\n`);
  const stop = () => s.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
});
JS

out="$results/fleet-sshd.out"
node "$results/fleet-sshd.cjs" >"$out" 2>&1 &
sshd_pid=$!
trap 'kill "$sshd_pid" 2>/dev/null || true; wait "$sshd_pid" 2>/dev/null || true' EXIT
for _ in $(seq 200); do grep -q READY "$out" 2>/dev/null && break; sleep 0.1; done
grep -q READY "$out" || { cat "$out"; exit 1; }
# shellcheck disable=SC1090
source <(grep -v READY "$out")

probe="$PROBE_BIN/serverscore --format json"
check_ssh="--ssh-user $SSH_USER --ssh-port $PORT --ssh-identity $KEY --ssh-option UserKnownHostsFile=$KNOWN_HOSTS"
check_ssh+=" --ssh-option StrictHostKeyChecking=yes --ssh-option HostName=127.0.0.1"
common="$check_ssh --remote-command '$probe' -w 1: -c 1: -t 60"
curve="--ssh-option KexAlgorithms=curve25519-sha256"
hosts50=""
for i in $(seq 1 50); do hosts50+=" --host web-$i"; done
raw_ssh="ssh -T -o BatchMode=yes -l $SSH_USER -p $PORT -i $KEY -o UserKnownHostsFile=$KNOWN_HOSTS"
raw_ssh+=" -o StrictHostKeyChecking=yes -o HostName=127.0.0.1"

# Every fleet run must be OK before it is timed: a fleet of timeouts would be fast for the wrong reason.
for args in "--host web-1" "$hosts50 --concurrency 16" "$hosts50 --concurrency 16 $curve"; do
  eval "dist/bin/check_serverscore $args $common" | head -1 | grep -q '^SERVERSCORE OK' ||
    { echo "fleet check is not OK: check_serverscore ${args:0:40}..." >&2; exit 1; }
done

# hyperfine -N splits each command on spaces, honouring quotes.
hyperfine -N --warmup 1 --runs 10 --export-json "$results/fleet-one.json" \
  -n one-host "dist/bin/check_serverscore --host web-1 $common" \
  -n one-host-curve25519 "dist/bin/check_serverscore --host web-1 $common $curve" >/dev/null
hyperfine -N --warmup 1 --runs 5 --export-json "$results/fleet-50.json" \
  -n 50-hosts-c16 "dist/bin/check_serverscore $hosts50 --concurrency 16 $common" \
  -n 50-hosts-c16-curve25519 "dist/bin/check_serverscore $hosts50 --concurrency 16 $common $curve" \
  -n xargs-P16-ssh-curve25519 "bash -c 'seq 50 | xargs -P16 -I{} $raw_ssh -o KexAlgorithms=curve25519-sha256 -- web-{} $probe >/dev/null'" \
  >/dev/null

node - "$results" <<'JS'
const fs = require("fs");
const [dir] = process.argv.slice(2);
const read = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")).results;
const [one, oneCurve] = read("fleet-one.json");
const [fifty, fiftyCurve, xargs] = read("fleet-50.json");
const ms = (r) => `${(r.median * 1000).toFixed(0)} ms`;
const cpu = (r) => `${((r.user + r.system) * 1000).toFixed(0)} ms`;
const ratio = (a, b) => `${(a.median / b.median).toFixed(2)}×`;
console.log("| run | median | client CPU (check + ssh) | vs one host | target |\n|---|---|---|---|---|");
console.log(`| 1 host, default key exchange | ${ms(one)} | ${cpu(one)} | 1.00× | — |`);
console.log(`| 50 hosts at --concurrency 16, default key exchange | ${ms(fifty)} | ${cpu(fifty)} | ${ratio(fifty, one)} | ≤ 4× |`);
console.log(`| 1 host, KexAlgorithms=curve25519-sha256 | ${ms(oneCurve)} | ${cpu(oneCurve)} | 1.00× | — |`);
console.log(`| 50 hosts at --concurrency 16, curve25519-sha256 | ${ms(fiftyCurve)} | ${cpu(fiftyCurve)} | ${ratio(fiftyCurve, oneCurve)} | ≤ 4× |`);
console.log(`| plain \`xargs -P16 ssh\`, same 50 connections, curve25519-sha256 | ${ms(xargs)} | ${cpu(xargs)} | ${ratio(xargs, oneCurve)} | (reference) |`);
console.log(`\ncores: ${require("os").cpus().length}; load average at the end: ${require("os").loadavg().map((l) => l.toFixed(1)).join(" ")}`);
const runs = { one, oneCurve, fifty, fiftyCurve, xargs };
const summary = Object.fromEntries(Object.entries(runs).map(([k, r]) => [k, { medianMs: r.median * 1000, cpuMs: (r.user + r.system) * 1000 }]));
fs.writeFileSync(`${dir}/fleet.json`, JSON.stringify(summary, null, 2));
JS
