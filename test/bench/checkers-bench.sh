#!/bin/sh
# The checkers child under load: N real servers checked every second (delay_loop 1) against local
# listeners, in a network namespace of its own. Prints the CPU of the checking process over DURATION
# seconds (utime + stime from /proc, what getrusage(RUSAGE_SELF) reports), its RSS, and how many checks ran.
#
#   test/bench/checkers-bench.sh IMPL MODE COUNT [DURATION]
#     IMPL: vipd (VIPD=path to the binary, default ./vipd) or keepalived (needs IPVS: run it in the lab VM)
#     MODE: tcp (TCP_CHECK) or http (HTTP_GET of /, status 200)
set -eu
impl=$1 mode=$2 count=$3 duration=${4:-60}
here=$(cd "$(dirname "$0")" && pwd)
VIPD=${VIPD:-./vipd}

if [ -z "${CK_IN_NETNS:-}" ]; then
	CK_IN_NETNS=1 exec unshare -n /bin/sh "$0" "$@"
fi
T=$(mktemp -d /tmp/ck-bench.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
ip link set lo up
# 100 real server addresses, each with one listener; virtual servers of 100 real servers each
nrs=100
nvs=$(( (count + nrs - 1) / nrs ))
addrs=""
for i in $(seq 1 $nrs); do
	ip addr add "198.51.100.$i/32" dev lo
	addrs="$addrs 198.51.100.$i"
done
sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535 2>/dev/null || true
sysctl -qw net.ipv4.ip_local_port_range="1024 65000" 2>/dev/null || true
sysctl -qw net.ipv4.tcp_tw_reuse=1 2>/dev/null || true
cc -O2 -o "$T/listener" "$here/checkers-listener.c"
"$T/listener" "$mode" 8080 $addrs >"$T/listener.log" 2>&1 &
pids="$pids $!"
listener=$!

if [ "$mode" = tcp ]; then
	checker='TCP_CHECK {
			connect_timeout 3
		}'
else
	checker='HTTP_GET {
			connect_timeout 3
			url {
				path /
				status_code 200
			}
		}'
fi
{
	[ "$impl" = keepalived ] && printf 'global_defs {\n\trouter_id bench\n}\n'
	n=0
	for v in $(seq 1 "$nvs"); do
		printf 'virtual_server 192.0.2.%d %d {\n\tprotocol TCP\n\tdelay_loop 1\n' $(( (v - 1) / 250 + 1 )) $(( 1000 + v ))
		for r in $(seq 1 $nrs); do
			[ "$n" -lt "$count" ] || break
			n=$((n + 1))
			printf '\treal_server 198.51.100.%d 8080 {\n\t\t%s\n\t}\n' "$r" "$checker"
		done
		printf '}\n'
	done
} >"$T/bench.conf"

if [ "$impl" = vipd ]; then
	"$VIPD" -n -l -f "$T/bench.conf" -p "$T/pid" -s "$T/sock" --check >"$T/vipd.log" 2>&1 &
	pids="$pids $!"
	main=$!
	checker_pid=""
	for _ in $(seq 1 300); do
		checker_pid=$(pgrep -P "$main" | head -1)
		[ -n "$checker_pid" ] && break
		sleep 0.1
	done
else
	modprobe ip_vs 2>/dev/null || true
	keepalived -n -l -C -G -f "$T/bench.conf" -p "$T/ka.pid" -c "$T/kac.pid" -r "$T/kar.pid" >"$T/ka.log" 2>&1 &
	pids="$pids $!"
	for _ in $(seq 1 300); do
		[ -s "$T/kac.pid" ] && break
		sleep 0.1
	done
	checker_pid=$(cat "$T/kac.pid")
fi
# warm-up: every check has started (warmup spreads the first runs over delay_loop) and settled
sleep 10
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$checker_pid/stat"; }
lcpu() { awk '{ print $14 + $15 }' "/proc/$listener/stat"; }
runs_now() {
	[ "$impl" = vipd ] || return 0
	"$(dirname "$VIPD")/vipctl" -s "$T/sock" status --json |
		jq -r '.children[] | select(.name == "checkers") | .status.runs'
}
opens() { nstat -az TcpActiveOpens 2>/dev/null | awk '/TcpActiveOpens/ { print $2 }'; }
o0=$(opens)
r0=$(runs_now)
# time spent runnable but waiting for a CPU (schedstat field 2, ns): how much the host held it back
waited() { awk '{ print int($2 / 1000000) }' "/proc/$checker_pid/schedstat"; }
w0=$(waited)
c0=$(cpu)
l0=$(lcpu)
t0=$(date +%s%N)
sleep "$duration"
c1=$(cpu)
l1=$(lcpu)
t1=$(date +%s%N)
r1=$(runs_now)
w1=$(waited)
o1=$(opens)
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$checker_pid/status")
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$checker_pid/status")
# RSS counts pages shared with the parent since fork; Private is what the process holds alone
priv=$(awk '/^Private_(Clean|Dirty)/ { s += $2 } END { print s }' "/proc/$checker_pid/smaps_rollup")
wall_ms=$(( (t1 - t0) / 1000000 ))
cpu_ms=$(( (c1 - c0) * 1000 / ticks ))
if [ "$impl" = vipd ]; then
	# the status is refreshed every few seconds: the rate is approximate
	runs=$("$(dirname "$VIPD")/vipctl" -s "$T/sock" status --json |
		jq -r --argjson r "$((r1 - r0))" --argjson s "$duration" \
		'.children[] | select(.name == "checkers") | .status | "about \($r / $s | floor) checks/s, \(.overruns) overran since start, \(.real_servers_up) up, last results: \([.real_servers[].checks[].result] | group_by(.) | map("\(.[0]) \(length)") | join(", "))"')
else
	runs="$(grep -c 'Adding service\|Enabling service' "$T/ka.log" || true) services added, $(grep -ci 'fail\|timeout' "$T/ka.log" || true) failure lines"
fi
[ -z "${CK_BENCH_DEBUG:-}" ] || nstat -a 2>/dev/null | grep -E "Overflow|Drop|Timeout|Retrans|Fail|Reset|Syn" >&2 || true
psi=$(awk '/^some/ { sub("avg60=", "", $3); print $3 }' /proc/pressure/cpu 2>/dev/null || echo "?")
runs="$runs; waited for a CPU $((w1 - w0)) ms; host CPU pressure (PSI some avg60) $psi%; $(( (o1 - o0) / duration )) TCP connections/s (nstat); listener CPU $(( (l1 - l0) * 1000 / ticks )) ms"
printf '%s %s %d real servers: CPU %d ms in %d ms = %d.%d%% of one core; RSS %d KiB (peak %d KiB, private %d KiB); %s\n' \
	"$impl" "$mode" "$count" "$cpu_ms" "$wall_ms" $((cpu_ms * 100 / wall_ms)) $(( (cpu_ms * 1000 / wall_ms) % 10 )) \
	"$rss" "$hwm" "$priv" "$runs"
