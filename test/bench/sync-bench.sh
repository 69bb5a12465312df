#!/bin/bash
# Benchmark of connection sync, in the lab guest (not part of make check):
#
#   test/lab/run test/bench/sync-bench.sh [MODE] [RATE] [SECONDS] [RESYNC_CONNS]
#
# MODE kernel|compat|secure (default secure): kernel = the kernel's own sync daemons talk on the network
# (what vipd's mode kernel / keepalived's lvs_sync_daemon runs); compat and secure = vipd's relay with
# that framing. RATE new connections per second the client aims at (default 5000), SECONDS of load
# (default 10), RESYNC_CONNS for the resync measure (default 100000; relay modes only: the kernel's
# daemons have no resync).
#
# 1. Steady rate: the client opens RATE new TCP connections per second through director dA (LVS-NAT, the
#    master) for SECONDS, each sending a byte and staying open. On the backup dC a sampler reads the real
#    server's connection counters in /proc/net/ip_vs every 20 ms (cheap, unlike /proc/net/ip_vs_conn, which
#    the kernel prints in quadratic time: seconds per read at these sizes under emulation). Connections
#    reach the backup in about the order they were made, so the i-th connection counts as present when the
#    counter first reaches i. Reported: the rate reached, and the fraction present on dC within 1 s of the
#    client seeing it established.
# 2. Resync: RESYNC_CONNS made-up established connections are sent to dA's sync child as if from its kernel
#    master daemon (v1 datagrams on the private pair: no TCP client reaches 100,000 connections under TCG),
#    so dA's child holds them as it would have heard them; then a backup director dD starts with an empty
#    table. Reported: the time from vipd's start on dD until dD's kernel holds them all (same counters),
#    and the master's log line for its table dump.

set -euo pipefail

mode=${1:-secure}
rate=${2:-5000}
seconds=${3:-10}
resync_conns=${4:-100000}
case $mode in
kernel | compat | secure) ;;
*)
	echo "usage: sync-bench.sh [kernel|compat|secure] [RATE] [SECONDS] [RESYNC_CONNS]" >&2
	exit 2
	;;
esac
here=$(cd -P -- "$(dirname -- "$0")" && pwd)
# shellcheck source=../lab/lib/topo.sh disable=SC1091
. "$here/../lab/lib/topo.sh"
build=${top_builddir:-$here/../..}
VIPD=$build/vipd
VIPCTL=$build/vipctl
key=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
vip=192.0.2.10
rs=198.51.100.21

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
sync_status() { # sync_status NS JQ
	"$VIPCTL" -s "$TOPO_DIR/$1.sock" status --json | jq -c ".children[] | select(.name == \"sync\") | .status | $2"
}

ulimit -n 1048576 || ulimit -n 65536 || fail "cannot raise the open-file limit"
modprobe ip_vs
modprobe ip_vs_rr
topo_init
# set +e: topo_cleanup kills pids that may have exited already
trap 'set +e; topo_cleanup' EXIT
py=$TOPO_DIR/py
mkdir -p "$py"

# the same virtual server on every director: synced connections bind to its real server (and count there)
virtual_server() {
	topo_in "$1" ipvsadm -A -t "$vip:80" -s rr
	topo_in "$1" ipvsadm -a -t "$vip:80" -r "$rs:80" -m
}

start_vipd() {
	local ns=$1 role=$2 auth=""
	[[ $mode == secure ]] && auth="auth_key $key"
	cat >"$TOPO_DIR/$ns.conf" <<EOF
connection_sync {
	mode relay
	interface eth0
	role $role
	framing $mode
	syncid 7
	$auth
	kernel_interface sk
	relay_interface su
}
EOF
	topo_bg "$ns" "$VIPD" -n -l -f "$TOPO_DIR/$ns.conf" -p "$TOPO_DIR/$ns.pid" -s "$TOPO_DIR/$ns.sock" \
		>>"$TOPO_DIR/$ns.log" 2>&1
}

# a director: its sync set up as MODE wants, role master or backup
director() {
	local ns=$1 role=$2
	virtual_server "$ns"
	if [[ $mode == kernel ]]; then
		topo_in "$ns" sysctl -qw net.ipv4.vs.sync_sock_size=8388608
		topo_in "$ns" ipvsadm --start-daemon "$role" --mcast-interface eth0 --syncid 7
	else
		topo_sync_pair "$ns"
		start_vipd "$ns" "$role"
	fi
}

# the load: a C program (Python reaches only a few hundred connections a second under TCG)
cc -O2 -o "$py/conns" "$here/sync-conns.c" || fail "cannot build sync-conns.c (needs gcc)"
# sampler.py OUT: "MONOTONIC_SECONDS CONNECTIONS" each time the real server's counters change
cat >"$py/sampler.py" <<'EOF'
import os, sys, time
out = sys.argv[1]
stop, last, rows = out + ".stop", -1, []
open(out + ".ready", "w").write("1\n")
while not os.path.exists(stop):
    n = 0
    with open("/proc/net/ip_vs") as f:
        for line in f:
            w = line.split()
            if len(w) == 6 and w[0] == "->" and w[4].isdigit():
                n += int(w[4]) + int(w[5])
    if n != last:
        rows.append("%f %d" % (time.monotonic(), n))
        last = n
    time.sleep(0.02)
open(out, "w").write("\n".join(rows) + "\n")
EOF
# fill.py N: N made-up established connections as v1 datagrams from the kernel end of the private pair to
# the kernel master's group and port: what dA's kernel master daemon would send to vipd
cat >"$py/fill.py" <<'EOF'
import socket, struct, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"sk")
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.254.0.1"))
vip, rs = socket.inet_aton("192.0.2.10"), socket.inet_aton("198.51.100.21")
sent = 0
while sent < n:
    k = min(36, n - sent)   # 1,304 bytes: room for the secure frame within 1,472
    body = b""
    for i in range(sent, sent + k):
        caddr = struct.pack("!I", (10 << 24) | (100 << 16) | (i // 50000))
        body += struct.pack("!BBHIHHHHII4s4s4s", 0, 6, 36, 0, 1, 1024 + i % 50000, 80, 80, 0, 900, caddr, vip, rs)
    s.sendto(struct.pack("!BBHBBH", 0, 7, 8 + len(body), k, 1, 0) + body, ("224.0.0.81", 8848))
    sent += k
    if sent % 3600 == 0:
        time.sleep(0.01)
EOF
sampler() { # sampler NS OUT: starts the sampler in NS and waits until it runs
	topo_bg "$1" python3 "$py/sampler.py" "$2"
	for ((i = 0; i < 300; i++)); do
		[[ -e $2.ready ]] && return 0
		sleep 0.1
	done
	fail "the sampler in $1 did not start"
}
sampler_stop() { # sampler_stop OUT
	touch "$1.stop"
	for ((i = 0; i < 100; i++)); do
		[[ -s $1 ]] && return 0
		sleep 0.2
	done
	fail "no samples in $1"
}

topo_bridge bx
topo_bridge bi
topo_host client bx eth0 192.0.2.100/24
topo_host dA bx eth0 192.0.2.1/24
topo_addr dA eth0 "$vip/32"
topo_host dA bi eth1 198.51.100.1/24
topo_host dC bx eth0 192.0.2.3/24
topo_forward dA
topo_host rs1 bi eth0 "$rs/24"
topo_route rs1 default via 198.51.100.1
topo_in client sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
topo_bg rs1 "$py/conns" server "$rs" 80
director dA master
director dC backup
sleep 3

echo "== steady rate: $mode, aiming at $rate new connections/s for $seconds s"
sampler dC "$TOPO_DIR/seen"
topo_bg client "$py/conns" client "$vip" 80 "$rate" "$seconds" "$TOPO_DIR/made"
for ((i = 0; i < 600; i++)); do
	[[ -e $TOPO_DIR/made.done ]] && break
	sleep 0.5
done
[[ -e $TOPO_DIR/made.done ]] || fail "the client did not finish"
# the kernel master sends a partly filled buffer after about 2 s
sleep 4
sampler_stop "$TOPO_DIR/seen"
python3 - "$TOPO_DIR/made" "$TOPO_DIR/seen" <<'EOF'
import bisect, sys
made = open(sys.argv[1]).read().split("\n")
attempted = int(made[0].split()[0])
conns = sorted(float(l.split()[0]) for l in made[1:] if l)
samples = [(float(t), int(n)) for t, n in (l.split() for l in open(sys.argv[2]) if l.strip())]
counts = [n for t, n in samples]
ok = late = never = 0
lat, lat_all = [], []
for i, t in enumerate(conns, 1):
    j = bisect.bisect_left(counts, i)   # counters only grow: the first sample holding i connections
    if j == len(counts):
        never += 1
        lat_all.append(float("inf"))
        continue
    d = max(0.0, samples[j][0] - t)
    lat.append(d)
    lat_all.append(d)
    if d <= 1.0:
        ok += 1
    else:
        late += 1
# the load's last 2.5 s: the kernel master holds a partly filled buffer up to 2 s once the load stops,
# which a steady rate never does; reported apart
steady = [d for t, d in zip(conns, lat_all) if t <= conns[-1] - 2.5] if conns else []
span = (conns[-1] - conns[0]) if len(conns) > 1 else 1
print("established %d of %d attempted, %.0f/s reached" % (len(conns), attempted, len(conns) / span))
print("on the backup within 1 s: %d (%.3f %%); later: %d; never: %d (backup ends with %d)" %
      (ok, 100.0 * ok / max(1, len(conns)), late, never, counts[-1] if counts else 0))
if steady:
    print("steady part (all but the last 2.5 s of the load): %d of %d within 1 s (%.3f %%)" %
          (sum(1 for d in steady if d <= 1.0), len(steady), 100.0 * sum(1 for d in steady if d <= 1.0) / len(steady)))
lat.sort()
if lat:
    print("latency to the backup (sampled every 20 ms): median %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms" %
          (1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.99)], 1000 * lat[int(len(lat) * 0.999)],
           1000 * lat[-1]))
EOF
if [[ $mode == kernel ]]; then
	echo "resync: not measured in kernel mode (the kernel's daemons have no resync)"
	exit 0
fi
echo "dA: $(sync_status dA '{kernel_datagrams_in, records_out, datagrams_out, retransmits, send_errors}')"
# drops on dA's sockets of port 8848 (0x2290: the relay's two) and 8849 (the kernel backup's)
echo "dA udp drops (local address, drops): $(topo_in dA awk '$2 ~ /:229[01]$/ { printf "%s %s; ", $2, $NF }' /proc/net/udp)"
echo "dC: $(sync_status dC '{records_in, datagrams_injected, nacks_sent, seqs_lost, drops: (.drops | with_entries(select(.value > 0)))}')"

echo "== resync: $resync_conns connections"
before=$(sync_status dA .records_out)
topo_in dA python3 "$py/fill.py" "$resync_conns"
for ((i = 0; i < 600; i++)); do
	out=$(sync_status dA .records_out)
	((out - before >= resync_conns)) && break
	sleep 0.5
done
echo "dA's sync child passed on $((out - before)) of the $resync_conns made-up connections"
((out - before >= resync_conns)) || fail "dA's sync child did not take them all"
# what a resync can carry: the connections dA's child knows (the made-up ones and the load's synced ones;
# not the load's half-open attempts, which the kernel never syncs)
want=$(sync_status dA .table_connections)
echo "dA's sync child knows $want connections"
topo_host dD bx eth0 192.0.2.4/24
virtual_server dD
topo_sync_pair dD
sampler dD "$TOPO_DIR/dD"
# /proc/uptime is CLOCK_BOOTTIME, the sampler's CLOCK_MONOTONIC's equal in a guest that never suspends
read -r start _ </proc/uptime
start_vipd dD backup
deadline=$((SECONDS + 300))
while ((SECONDS < deadline)); do
	n=$(topo_in dD cat /proc/net/ip_vs | awk '$1 == "->" && $5 ~ /^[0-9]+$/ { n += $5 + $6 } END { print n + 0 }')
	((n >= want)) && break
	sleep 0.25
done
sampler_stop "$TOPO_DIR/dD"
echo "dD: $(sync_status dD '{table_connections, records_in, datagrams_injected, seqs_lost, resync_requests_sent}')"
# what the kernel backup's socket dropped (port 8849 = 0x2291): nothing tells vipd about those
echo "dD kernel backup socket drops: $(topo_in dD awk '$2 ~ /:2291$/ { print $NF }' /proc/net/udp)"
((n >= want)) || fail "after 300 s dD holds $n of $want"
python3 - "$TOPO_DIR/dD" "$start" "$want" <<'EOF'
import sys
start, want = float(sys.argv[2]), int(sys.argv[3])
for l in open(sys.argv[1]):
    if l.strip():
        t, n = l.split()
        if int(n) >= want:
            print("resync: dD holds all %d connections %.0f ms after vipd started" % (want, 1000 * (float(t) - start)))
            break
EOF
grep -h "sent the table" "$TOPO_DIR/dA.log" | tail -n 1
echo "dD: $(sync_status dD '{records_in, datagrams_injected, nacks_sent, seqs_lost, resync_requests_sent, drops: (.drops | with_entries(select(.value > 0)))}')"
