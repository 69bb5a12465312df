#!/bin/sh
# The metrics child under load: COUNT real servers (TCP_CHECK every 5 s against local listeners; no IPVS
# needed, only the checkers and metrics children run), scraped with curl every INTERVAL seconds for
# DURATION seconds, in a network namespace of its own. Prints the CPU of the metrics child and of the parent
# (which builds the status each scrape asks for: part of a scrape's cost) as a share of one core and per
# scrape, the scrape latency (curl's time_total: min, median, max) and the size of the answer.
#
#   test/bench/metrics-bench.sh COUNT [DURATION [INTERVAL]]
#     VIPD: path to the binary (default ./vipd); measure an optimised build without sanitizers
set -eu
count=$1 duration=${2:-60} interval=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
VIPD=${VIPD:-./vipd}
VIPCTL=${VIPCTL:-$(dirname "$VIPD")/vipctl}

if [ -z "${CK_IN_NETNS:-}" ]; then
	CK_IN_NETNS=1 exec unshare -n /bin/sh "$0" "$@"
fi
T=$(mktemp -d /tmp/mx-bench.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
ip link set lo up
nrs=100
nvs=$(( (count + nrs - 1) / nrs ))
addrs=""
for i in $(seq 1 $nrs); do
	ip addr add "198.51.100.$i/32" dev lo
	addrs="$addrs 198.51.100.$i"
done
sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535 2>/dev/null || true
sysctl -qw net.ipv4.ip_local_port_range="1024 65000" net.ipv4.tcp_tw_reuse=1 2>/dev/null || true
cc -O2 -o "$T/listener" "$here/checkers-listener.c"
"$T/listener" tcp 8080 $addrs >"$T/listener.log" 2>&1 &
pids="$pids $!"
{
	printf 'global_defs {\n\tmetrics_listen 127.0.0.1:9650\n}\n'
	n=0
	for v in $(seq 1 "$nvs"); do
		printf 'virtual_server 192.0.2.%d %d {\n\tprotocol TCP\n\tdelay_loop 5\n' $(( (v - 1) / 250 + 1 )) $(( 1000 + v ))
		for r in $(seq 1 $nrs); do
			[ "$n" -lt "$count" ] || break
			n=$((n + 1))
			printf '\treal_server 198.51.100.%d 8080 {\n\t\tTCP_CHECK {\n\t\t\tconnect_timeout 3\n\t\t}\n\t}\n' "$r"
		done
		printf '}\n'
	done
} >"$T/bench.conf"
"$VIPD" -n -l -f "$T/bench.conf" -p "$T/pid" -s "$T/sock" --check --metrics >"$T/vipd.log" 2>&1 &
pids="$pids $!"
main=$!
child_pid() {
	"$VIPCTL" -s "$T/sock" status --json 2>/dev/null | jq -r ".children[] | select(.name == \"$1\") | .pid // empty"
}
up_count() {
	"$VIPCTL" -s "$T/sock" status --json 2>/dev/null |
		jq -r '[.children[] | select(.name == "checkers") | .status.real_servers[]? | select(.state == "up")] | length'
}
# until every real server is up in the parent's copy of the status (the checkers report it every 1 s + 1 ms
# per real server)
for _ in $(seq 1 600); do
	[ "$(up_count)" = "$count" ] && break
	sleep 0.5
done
mpid=$(child_pid metrics)
[ "$(up_count)" = "$count" ] || { echo "only $(up_count) of $count real servers up" >&2; exit 1; }
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
curl -sf -o /dev/null http://127.0.0.1:9650/metrics	# the first scrape allocates what the next ones reuse
m0=$(cpu "$mpid")
p0=$(cpu "$main")
t0=$(date +%s%N)
scrapes=0
: >"$T/times"
end=$(( $(date +%s) + duration ))
while [ "$(date +%s)" -lt "$end" ]; do
	curl -sf -o "$T/last.txt" -w '%{time_total}\n' http://127.0.0.1:9650/metrics >>"$T/times"
	scrapes=$((scrapes + 1))
	sleep "$interval"
done
m1=$(cpu "$mpid")
p1=$(cpu "$main")
t1=$(date +%s%N)
wall_ms=$(( (t1 - t0) / 1000000 ))
mcpu=$(( (m1 - m0) * 1000 / ticks ))
pcpu=$(( (p1 - p0) * 1000 / ticks ))
lat=$(sort -n "$T/times" | awk '{ v[NR] = $1 * 1000 } END { printf "min %.1f ms, median %.1f ms, max %.1f ms", v[1], v[int((NR + 1) / 2)], v[NR] }')
printf '%d real servers, %d scrapes every %d s in %d ms: metrics child CPU %d ms (%d.%02d%% of one core, %d ms a scrape); parent CPU %d ms (%d.%02d%%, its checkers-status copies included); scrape latency %s; %d bytes, %d samples; render %s s, parent answer %s s\n' \
	"$count" "$scrapes" "$interval" "$wall_ms" "$mcpu" $((mcpu * 100 / wall_ms)) $(( (mcpu * 10000 / wall_ms) % 100 )) \
	$((mcpu / scrapes)) "$pcpu" $((pcpu * 100 / wall_ms)) $(( (pcpu * 10000 / wall_ms) % 100 )) "$lat" \
	"$(wc -c <"$T/last.txt")" "$(grep -vc '^#' "$T/last.txt")" \
	"$(awk '/^vipd_metrics_last_render_seconds / { print $2 }' "$T/last.txt")" \
	"$(awk '/^vipd_metrics_last_status_wait_seconds / { print $2 }' "$T/last.txt")"
