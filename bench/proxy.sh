#!/usr/bin/env bash
# What proxy and CA-bundle support costs an AWS check: check_instance_events with one API call (preset
# "small", eu-west-1) against the loopback fake AWS endpoint, C check_load in the same hyperfine run.
# Over plain HTTP:
#  1. direct, no proxy variable: the path of every host without a proxy;
#  2. HTTP_PROXY set but NO_PROXY names the endpoint: the per-request decision, no proxy agent loaded;
#  3. through a real tinyproxy on 127.0.0.1 (HTTP_PROXY): the proxy agent (hpagent) loaded, one CONNECT.
# Over HTTPS, the endpoint's certificate from a CA made for the run:
#  4. the CA given with NODE_EXTRA_CA_CERTS, the runtime's own way: the cost of TLS itself;
#  5. the CA given with AWS_CA_BUNDLE: read and added to the built-in roots by the suite;
#  6. AWS_CA_BUNDLE holding the system's whole bundle and the CA, as on hosts that point it at the system store;
#  7. AWS_CA_BUNDLE and HTTPS_PROXY through tinyproxy.
# Targets: a call through a proxy within the budget of any AWS check with one call (median at most 60 ms);
# AWS_CA_BUNDLE at most 10% slower than NODE_EXTRA_CA_CERTS. Commands without AWS calls never load this
# code (it is reached only from src/aws/connect.ts).
#
#   bash bench/proxy.sh              # RUNS=30 by default
#
# Needs: hyperfine, monitoring-plugins-basic, tinyproxy, openssl, node, a build. Writes
# bench/results/proxy.json and the "Proxy and CA bundle" section of BENCHMARKS.md.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
bench_init
bench_need tinyproxy "apt-get install -y --no-install-recommends tinyproxy"
bench_need openssl "apt-get install -y --no-install-recommends openssl"
bench_build
runs=${RUNS:-30}
work=$(mktemp -d)
bench_on_exit "rm -rf '$work'"

# A private CA and a certificate it signed for 127.0.0.1, as test/support/throwaway-ca.ts makes them.
ssl() { openssl "$@" 2>/dev/null; }
ssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=bench CA" -keyout "$work/ca.key" -out "$work/ca.pem"
ssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$work/server.key" -out "$work/server.csr"
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$work/server.ext"
ssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/server.ext" -out "$work/server.pem"

bench_fake_aws small
plain=$FAKE_URL
bench_fake_aws small --tls-key "$work/server.key" --tls-cert "$work/server.pem"
tls=$FAKE_URL

# tinyproxy cannot listen on port 0: take a free port from the kernel, then wait until it accepts.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
printf '%s\n' "Port $port" "Listen 127.0.0.1" "LogFile \"$work/tinyproxy.log\"" "LogLevel Connect" "MaxClients 50" \
  "Allow 127.0.0.1" >"$work/tinyproxy.conf"
bench_start "$work/tinyproxy.out" tinyproxy -d -c "$work/tinyproxy.conf"
for ((i = 0; i < 100; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
proxy="http://127.0.0.1:$port"

# Every row sets what it measures and nothing else: hosts often export AWS_CA_BUNDLE or NODE_EXTRA_CA_CERTS.
clean="env -u AWS_CA_BUNDLE -u NODE_EXTRA_CA_CERTS -u HTTPS_PROXY -u https_proxy -u HTTP_PROXY -u http_proxy -u NO_PROXY -u no_proxy"
events="$BIN/check_instance_events --region eu-west-1 --endpoint-url"
system=/etc/ssl/certs/ca-certificates.crt
cat "$system" "$work/ca.pem" >"$work/system-and-ca.pem"
json="$RESULTS/proxy.json"
bench_hyperfine proxy 3 "$runs" \
  -n "http, direct, no proxy variable" "$clean $events $plain" \
  -n "http, HTTP_PROXY set, NO_PROXY names the endpoint" "$clean HTTP_PROXY=$proxy NO_PROXY=127.0.0.1 $events $plain" \
  -n "http, through tinyproxy (HTTP_PROXY)" "$clean HTTP_PROXY=$proxy $events $plain" \
  -n "https, CA in NODE_EXTRA_CA_CERTS" "$clean NODE_EXTRA_CA_CERTS=$work/ca.pem $events $tls" \
  -n "https, CA in AWS_CA_BUNDLE" "$clean AWS_CA_BUNDLE=$work/ca.pem $events $tls" \
  -n "https, AWS_CA_BUNDLE: the system's bundle and the CA" "$clean AWS_CA_BUNDLE=$work/system-and-ca.pem $events $tls" \
  -n "https, AWS_CA_BUNDLE, through tinyproxy (HTTPS_PROXY)" "$clean AWS_CA_BUNDLE=$work/ca.pem HTTPS_PROXY=$proxy $events $tls"

connects=$(grep -c "CONNECT 127.0.0.1" "$work/tinyproxy.log" || true)
# CPU time (user + system) of a row: what the code costs, less swayed than wall time by a busy machine.
cpu() { awk -v u="$(bench_ms "$json" "$1" user)" -v s="$(bench_ms "$json" "$1" system)" 'BEGIN { printf "%.1f", u + s }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }
direct_ms=$(bench_ms "$json" 1)
proxied_ms=$(bench_ms "$json" 3)
tls_proxied_ms=$(bench_ms "$json" 7)
bundle_ratio=$(bench_ratio "$json" 5 4)
{
  bench_measured
  echo
  bench_table "$json" 1 "" "http, direct"
  echo
  echo "CONNECTs in tinyproxy's log over the whole run: ${connects} (rows 3 and 7 only, with their trial and"
  echo "warm-up runs). Over plain HTTP the proxy adds $(minus "$proxied_ms" "$direct_ms") ms to the median (loading the agent,"
  echo "the CONNECT and tinyproxy's hop) and $(minus "$(cpu 3)" "$(cpu 1)") ms of CPU time; the proxy variables alone, bypassed by"
  echo "NO_PROXY, $(minus "$(cpu 2)" "$(cpu 1)") ms of CPU time. AWS_CA_BUNDLE costs $(minus "$(cpu 5)" "$(cpu 4)") ms of CPU time against"
  echo "NODE_EXTRA_CA_CERTS, $(minus "$(cpu 6)" "$(cpu 4)") ms when it holds the system's whole bundle too."
  echo
  bench_targets
  bench_target "one API call through a proxy: median ≤ 60 ms" "${proxied_ms} ms (https: ${tls_proxied_ms} ms)" \
    "$(bench_verdict "$tls_proxied_ms" "<=" 60)"
  bench_target "AWS_CA_BUNDLE ≤ 1.1× NODE_EXTRA_CA_CERTS" "${bundle_ratio}×" "$(bench_verdict "$bundle_ratio" "<=" 1.1)"
  echo
  echo "Why the proxy target is missed: the same call without any proxy already takes ${direct_ms} ms (the"
  echo "one-call cost of Instance events: start-up and the SDK's modules); the proxy's own share is the"
  echo "difference above, and over https the TLS handshake with the throwaway CA comes on top."
} | bench_publish "Proxy and CA bundle"
