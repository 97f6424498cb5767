#!/usr/bin/env bash
# check_serverscore over SSH, all in ONE hyperfine run with C check_load:
#  1. --ssh-reuse over 16 hosts (127.0.0.1-127.0.0.16: one throwaway sshd listens on at most 16 addresses):
#     a first run (a fresh control folder each time, so every host pays the handshake and leaves a
#     master) against a second run (the masters of the warm-up runs still up). Target: the second run
#     at most 0.3x the first;
#  2. for scale, one host and 50 host names (ssh -o HostName=127.0.0.1) at --concurrency 16 without
#     --ssh-reuse, and plain `xargs -P16 ssh` making the same 50 connections (no check).
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
target=0.3

# The sshd the e2e tests use (test/support/sshd.ts), bundled to run on plain Node. It must sit two
# folders below the repository root: the helper finds dist/bin from its own location.
node_modules/.bin/esbuild --bundle --platform=node --format=cjs --outfile="$RESULTS/fleet-sshd.cjs" \
  --log-level=error <<'JS'
import { startSshd } from "./test/support/sshd";
startSshd({ loopbackHosts: 16 }).then((s) => {
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

# --ssh-reuse: the 16 addresses are 16 hosts to OpenSSH (one master each). A first run gets a control
# folder of its own (mktemp -d: 0700) and its masters end 2 s after it; the second-run row shares one
# folder whose masters the warm-up run starts, stopped at exit with ssh -O exit.
reuse_opts="--ssh-user $SSH_USER --ssh-port $PORT --ssh-identity $KEY --ssh-option UserKnownHostsFile=$KNOWN_HOSTS"
reuse_opts+=" --ssh-option StrictHostKeyChecking=yes --remote-command '$probe' -w 1: -c 1: -t 60"
hosts20=""
for i in $(seq 1 16); do hosts20+=" --host 127.0.0.$i"; done
ctl_root=$(mktemp -d /tmp/aws-checks-bench-ctl.XXXXXX)
warm="$ctl_root/warm"
mkdir -m 700 "$warm"
for i in $(seq 1 16); do
  bench_on_exit "ssh -o ControlPath=$warm/%C -O exit -p $PORT -l $SSH_USER 127.0.0.$i"
done
bench_on_exit "sleep 3; rm -rf '$ctl_root'"
# The first run as a script: a fresh control folder each time it runs.
printf '#!/bin/sh\nexec %s --ssh-control-dir "$(mktemp -d -p %s)"\n' \
  "$BIN/check_serverscore $hosts20 $reuse_opts --ssh-reuse 2s" "$ctl_root" >"$ctl_root/first.sh"
first="sh $ctl_root/first.sh"
second="$BIN/check_serverscore $hosts20 $reuse_opts --ssh-reuse 10m --ssh-control-dir $warm"

json="$RESULTS/fleet.json"
bench_hyperfine fleet 1 "$runs" \
  -n "16 hosts, --ssh-reuse, first run" "$first" \
  -n "16 hosts, --ssh-reuse, second run" "$second" \
  -n "1 host" "$BIN/check_serverscore --host web-1 $common" \
  -n "50 hosts, --concurrency 16" "$fifty" \
  -n "1 host, curve25519-sha256" "$BIN/check_serverscore --host web-1 $common $curve" \
  -n "50 hosts, --concurrency 16, curve25519-sha256" "$fifty $curve" \
  -n "xargs -P16 ssh, 50 hosts, curve25519-sha256 (no check)" \
  "bash -c 'seq 50 | xargs -P16 -I{} $raw_ssh -- web-{} $probe'"

# A fleet of timeouts would be fast for the wrong reason: every check run must have been OK.
for row in 1 2 3 4 5 6; do
  head -1 "$RESULTS/fleet.try.$row" | grep -q '^SERVERSCORE OK' ||
    { echo "fleet.sh: row $row was not OK: $(head -c 300 "$RESULTS/fleet.try.$row")" >&2; exit 1; }
done

busy=$(bench_cpu_busy "$first")
ratio_reuse=$(bench_ratio "$json" "16 hosts, --ssh-reuse, second run" "16 hosts, --ssh-reuse, first run")
ratio=$(bench_ratio "$json" "50 hosts, --concurrency 16" "1 host")
ratio_curve=$(bench_ratio "$json" "50 hosts, --concurrency 16, curve25519-sha256" "1 host, curve25519-sha256")
ratio_xargs=$(bench_ratio "$json" "xargs -P16 ssh, 50 hosts, curve25519-sha256 (no check)" "1 host, curve25519-sha256")
verdict=$(bench_verdict "$ratio_reuse" "<=" "$target")
{
  bench_measured
  echo
  bench_table "$json"
  echo
  echo "--ssh-reuse over 16 hosts (one sshd listens on at most 16 addresses, its MAX_LISTEN_SOCKS): the second run takes ${ratio_reuse}× the first. Without it, 50 hosts take ${ratio}×"
  echo "one host with the default key exchange, ${ratio_curve}× with curve25519-sha256; plain \`xargs -P16 ssh\` (no"
  echo "check) takes ${ratio_xargs}× one curve25519 host. CPU time is the client side only (the check and its ssh"
  echo "processes); sshd and the probes run on the same machine. The first-run row includes a \`bash -c\` and a"
  echo "\`mktemp\` (a fresh control folder per run), about 2 ms."
  echo
  bench_targets
  bench_target "\`--ssh-reuse\`: second run over 20 hosts ≤ ${target}× the first (measured over 16)" \
    "${ratio_reuse}× ($(bench_ms "$json" 2) vs $(bench_ms "$json" 1) ms)" "$verdict"
  if [ "$verdict" = missed ]; then
    echo
    echo "Why: the second run saves the handshakes but still starts an ssh client and a remote probe per host:"
    echo "16 starts of the serverscore executable (see Startup) and 16 of ssh, with sshd, the probes and the"
    echo "client sharing the same $(nproc) cores: during one first run the cores were ${busy} busy."
  fi
} | bench_publish "Fleet over SSH"
