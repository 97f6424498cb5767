#!/usr/bin/env bash
# check_serverscore over SSH: one host, then 50 hosts at --concurrency 16 (target: at most 4x one host's
# time). The hosts are 50 names sent to one throwaway sshd on 127.0.0.1 (ssh -o HostName=127.0.0.1), each
# running the built serverscore probe. Measured with OpenSSH's default key exchange and with
# curve25519-sha256, and against plain `xargs -P16 ssh` making the same 50 connections (no check), with
# C check_load, all in ONE hyperfine run.
#
#   bash bench/fleet.sh              # RUNS=5 by default
#
# Needs root, openssh-server, openssh-client (apt-get install -y --no-install-recommends openssh-server
# openssh-client), hyperfine, monitoring-plugins-basic, node, a build. Writes bench/results/fleet.json and
# the "Fleet over SSH" section of BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
bench_need sshd "apt-get install -y --no-install-recommends openssh-server"
bench_need ssh "apt-get install -y --no-install-recommends openssh-client"
bench_build
runs=${RUNS:-5}
target=4

# The sshd the e2e tests use (test/support/sshd.ts), bundled to run on plain Node. It must sit two
# folders below the repository root: the helper finds dist/bin from its own location.
node_modules/.bin/esbuild --bundle --platform=node --format=cjs --outfile="$RESULTS/fleet-sshd.cjs" \
  --log-level=error <<'JS'
import { startSshd } from "./test/support/sshd";
startSshd().then((s) => {
  const vars = { PORT: s.port, SSH_USER: s.user, KEY: s.identity, KNOWN_HOSTS: s.knownHosts, PROBE_BIN: s.bin };
  process.stdout.write(`${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n")}\nREADY\n`);
  const stop = () => s.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
});
JS
out="$RESULTS/fleet-sshd.out"
bench_start "$out" node "$RESULTS/fleet-sshd.cjs"
bench_wait_for "$out" '^READY$' 20
# shellcheck disable=SC1090
source <(grep -v READY "$out")

probe="$PROBE_BIN/serverscore --format json"
ssh_opts="--ssh-user $SSH_USER --ssh-port $PORT --ssh-identity $KEY --ssh-option UserKnownHostsFile=$KNOWN_HOSTS"
ssh_opts+=" --ssh-option StrictHostKeyChecking=yes --ssh-option HostName=127.0.0.1"
common="$ssh_opts --remote-command '$probe' -w 1: -c 1: -t 60"
curve="--ssh-option KexAlgorithms=curve25519-sha256"
hosts50=""
for i in $(seq 1 50); do hosts50+=" --host web-$i"; done
raw_ssh="ssh -T -o BatchMode=yes -l $SSH_USER -p $PORT -i $KEY -o UserKnownHostsFile=$KNOWN_HOSTS"
raw_ssh+=" -o StrictHostKeyChecking=yes -o HostName=127.0.0.1 -o KexAlgorithms=curve25519-sha256"
fifty="$BIN/check_serverscore $hosts50 --concurrency 16 $common"

json="$RESULTS/fleet.json"
bench_hyperfine fleet 1 "$runs" \
  -n "1 host" "$BIN/check_serverscore --host web-1 $common" \
  -n "50 hosts, --concurrency 16" "$fifty" \
  -n "1 host, curve25519-sha256" "$BIN/check_serverscore --host web-1 $common $curve" \
  -n "50 hosts, --concurrency 16, curve25519-sha256" "$fifty $curve" \
  -n "xargs -P16 ssh, 50 hosts, curve25519-sha256 (no check)" \
  "bash -c 'seq 50 | xargs -P16 -I{} $raw_ssh -- web-{} $probe'"

# A fleet of timeouts would be fast for the wrong reason: every check run must have been OK.
for row in 1 2 3 4; do
  head -1 "$RESULTS/fleet.try.$row" | grep -q '^SERVERSCORE OK' ||
    { echo "fleet.sh: row $row was not OK: $(head -c 300 "$RESULTS/fleet.try.$row")" >&2; exit 1; }
done

busy=$(bench_cpu_busy "$fifty")
ratio=$(bench_ratio "$json" "50 hosts, --concurrency 16" "1 host")
ratio_curve=$(bench_ratio "$json" "50 hosts, --concurrency 16, curve25519-sha256" "1 host, curve25519-sha256")
ratio_xargs=$(bench_ratio "$json" "xargs -P16 ssh, 50 hosts, curve25519-sha256 (no check)" "1 host, curve25519-sha256")
verdict=$(bench_verdict "$ratio" "<=" "$target")
{
  bench_measured
  echo
  bench_table "$json"
  echo
  echo "50 hosts against 1 host: ${ratio}× with the default key exchange, ${ratio_curve}× with curve25519-sha256;"
  echo "plain \`xargs -P16 ssh\` (no check) takes ${ratio_xargs}× one curve25519 host. CPU time is the client side"
  echo "only (the check and its ssh processes); sshd and the probes run on the same machine."
  echo
  bench_targets
  bench_target "50 hosts over SSH at concurrency 16 ≤ ${target}× one host" \
    "${ratio}× ($(bench_ms "$json" 2) vs $(bench_ms "$json" 1) ms)" "$verdict"
  if [ "$verdict" = missed ]; then
    echo
    echo "Why: all 50 \"hosts\" are sshd and a probe on the same $(nproc) cores as the client, so CPU bounds the run:"
    echo "during one 50-host run the cores were ${busy} busy. Plain \`xargs -P16 ssh\`, with no check at all, takes"
    echo "${ratio_xargs}× one curve25519 host too."
  fi
} | bench_publish "Fleet over SSH"
