#!/bin/bash
# Benchmark of connection sync in relay mode, in the lab guest (not part of make check):
#
#   test/lab/run test/bench/sync-bench.sh [FRAMING] [RATE] [SECONDS] [RESYNC_CONNS]
#
# FRAMING compat|secure (default secure), RATE new connections per second the client aims at (default
# 5000), SECONDS of load (default 10), RESYNC_CONNS for the resync measure (default 100000).
#
# 1. Steady rate: the client opens RATE new TCP connections per second through director dA (LVS-NAT,
#    vipd relay master) for SECONDS, each sending a byte and staying open. A sampler on dC (vipd relay
#    backup) reads /proc/net/ip_vs_conn every 50 ms. Reported: the rate reached, and the fraction of
#    connections present on dC 1 s after the client saw them established.
# 2. Resync: dA's table is filled with RESYNC_CONNS connections (sent as v1 datagrams to dA's own kernel
#    backup daemon, which installs them: no TCP client reaches 100,000 connections under TCG); then a
#    backup director dD starts with an empty table. Reported: the time from vipd's start on dD until
#    dD's kernel lists them all.

set -euo pipefail

framing=${1:-secure}
rate=${2:-5000}
seconds=${3:-10}
resync_conns=${4:-100000}
here=$(cd -P -- "$(dirname -- "$0")" && pwd)
# shellcheck source=../lab/lib/topo.sh disable=SC1091
. "$here/../lab/lib/topo.sh"
build=${top_builddir:-$here/../..}
VIPD=$build/vipd
key=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
vip=192.0.2.10

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ulimit -n 1048576 || ulimit -n 65536 || fail "cannot raise the open-file limit"
modprobe ip_vs
modprobe ip_vs_rr
topo_init
# set +e: topo_cleanup kills pids that may have exited already
trap 'set +e; topo_cleanup' EXIT
py=$TOPO_DIR/py
mkdir -p "$py"

private_pair() {
	local ns=$1
	ip -n "$ns" link add sk type veth peer name su
	ip -n "$ns" addr add 10.254.0.1/30 dev sk
	ip -n "$ns" addr add 10.254.0.2/30 dev su
	ip -n "$ns" link set sk up
	ip -n "$ns" link set su up
	topo_in "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.sk.rp_filter=0 net.ipv4.conf.su.rp_filter=0 \
		net.ipv4.conf.sk.accept_local=1 net.ipv4.conf.su.accept_local=1
	# the kernel backup's receive buffer must hold a resync burst
	topo_in "$ns" sysctl -qw net.ipv4.vs.sync_sock_size=8388608
	topo_in "$ns" ipvsadm --start-daemon master --mcast-interface sk --syncid 7
	topo_in "$ns" ipvsadm --start-daemon backup --mcast-interface sk --syncid 7 --mcast-port 8849
}

start_vipd() {
	local ns=$1 role=$2 auth=""
	[[ $framing == secure ]] && auth="auth_key $key"
	cat >"$TOPO_DIR/$ns.conf" <<EOF
connection_sync {
	mode relay
	interface eth0
	role $role
	framing $framing
	syncid 7
	$auth
	kernel_interface sk
	relay_interface su
}
EOF
	topo_bg "$ns" "$VIPD" -n -l -f "$TOPO_DIR/$ns.conf" -p "$TOPO_DIR/$ns.pid" -s "$TOPO_DIR/$ns.sock" \
		>>"$TOPO_DIR/$ns.log" 2>&1
}

# the load: a C program (Python reaches only a few hundred connections a second under TCG)
cc -O2 -o "$py/conns" "$here/sync-conns.c" || fail "cannot build sync-conns.c (needs gcc)"
# sampler.py OUT: first time each client port appears in /proc/net/ip_vs_conn
cat >"$py/sampler.py" <<'EOF'
import sys, time
out, seen = sys.argv[1], {}
stop = out + ".stop"
import os
open(out + ".ready", "w").write("1\n")
while not os.path.exists(stop):
    now = time.monotonic()
    with open("/proc/net/ip_vs_conn") as f:
        for line in f:
            w = line.split()
            if len(w) > 2 and w[0] == "TCP" and w[3] == "C000020A":
                p = int(w[2], 16)
                if p not in seen:
                    seen[p] = now
    time.sleep(0.05)
with open(out, "w") as f:
    for p, t in seen.items():
        f.write("%f %d\n" % (t, p))
EOF
# fill.py N: N made-up established connections as v1 datagrams to the local kernel backup (from su)
cat >"$py/fill.py" <<'EOF'
import socket, struct, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"su")
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("10.254.0.2"))
vip, rs = socket.inet_aton("192.0.2.10"), socket.inet_aton("198.51.100.21")
sent = 0
while sent < n:
    k = min(40, n - sent)
    body = b""
    for i in range(sent, sent + k):
        caddr = struct.pack("!I", (10 << 24) | (100 << 16) | (i // 50000))
        body += struct.pack("!BBHIHHHHII4s4s4s", 0, 6, 36, 0, 1, 1024 + i % 50000, 80, 80, 0, 900, caddr, vip, rs)
    s.sendto(struct.pack("!BBHBBH", 0, 7, 8 + len(body), k, 1, 0) + body, ("224.0.0.81", 8849))
    sent += k
    if sent % 4000 == 0:
        time.sleep(0.02)
EOF

topo_bridge bx
topo_bridge bi
topo_host client bx eth0 192.0.2.100/24
topo_host dA bx eth0 192.0.2.1/24
topo_addr dA eth0 "$vip/32"
topo_host dA bi eth1 198.51.100.1/24
topo_host dC bx eth0 192.0.2.3/24
topo_forward dA
topo_host rs1 bi eth0 198.51.100.21/24
topo_route rs1 default via 198.51.100.1
topo_in client sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
topo_bg rs1 "$py/conns" server 198.51.100.21 80
topo_in dA ipvsadm -A -t "$vip:80" -s rr
topo_in dA ipvsadm -a -t "$vip:80" -r 198.51.100.21:80 -m
private_pair dA
private_pair dC
start_vipd dA master
start_vipd dC backup
sleep 3

echo "== steady rate: $framing framing, aiming at $rate new connections/s for $seconds s"
topo_bg dC python3 "$py/sampler.py" "$TOPO_DIR/seen"
for ((i = 0; i < 200; i++)); do
	[[ -e $TOPO_DIR/seen.ready ]] && break
	sleep 0.1
done
topo_bg client "$py/conns" client "$vip" 80 "$rate" "$seconds" "$TOPO_DIR/made"
for ((i = 0; i < 600; i++)); do
	[[ -e $TOPO_DIR/made.done ]] && break
	sleep 0.5
done
[[ -e $TOPO_DIR/made.done ]] || fail "the client did not finish"
sleep 2
touch "$TOPO_DIR/seen.stop"
for ((i = 0; i < 100; i++)); do
	[[ -e $TOPO_DIR/seen ]] && break
	sleep 0.2
done
python3 - "$TOPO_DIR/made" "$TOPO_DIR/seen" <<'EOF'
import sys
made = open(sys.argv[1]).read().split("\n")
attempted, established, took = made[0].split()
conns = [(float(t), int(p)) for t, p in (l.split() for l in made[1:] if l)]
seen = {int(p): float(t) for t, p in (l.split() for l in open(sys.argv[2]) if l.strip())}
ok = sum(1 for t, p in conns if p in seen and seen[p] <= t + 1.0)
late = sum(1 for t, p in conns if p in seen and seen[p] > t + 1.0)
lat = sorted(max(0.0, seen[p] - t) for t, p in conns if p in seen)
span = (conns[-1][0] - conns[0][0]) if len(conns) > 1 else 1
print("established %d of %d attempted, %.0f/s reached" % (len(conns), int(attempted), len(conns) / span))
print("on the backup within 1 s: %d (%.3f %%); later: %d; never: %d" %
      (ok, 100.0 * ok / max(1, len(conns)), late, len(conns) - ok - late))
if lat:
    print("latency to the backup (sampled every 50 ms): median %.0f ms, p99 %.0f ms, max %.0f ms" %
          (1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.99)], 1000 * lat[-1]))
EOF
echo "dA: $("$build/vipctl" -s "$TOPO_DIR/dA.sock" status --json | jq -c '.children[] | select(.name == "sync") | .status | {records_out, datagrams_out, retransmits, send_errors}')"
echo "dC: $("$build/vipctl" -s "$TOPO_DIR/dC.sock" status --json | jq -c '.children[] | select(.name == "sync") | .status | {records_in, datagrams_injected, nacks_sent, seqs_lost, drops: (.drops | with_entries(select(.value > 0)))}')"

echo "== resync: $resync_conns connections"
topo_in dA python3 "$py/fill.py" "$resync_conns"
for ((i = 0; i < 600; i++)); do
	have=$(topo_in dA grep -c '^TCP 0A64' /proc/net/ip_vs_conn || true)
	((have >= resync_conns)) && break
	sleep 0.5
done
echo "dA holds $have of the made-up connections"
topo_host dD bx eth0 192.0.2.4/24
private_pair dD
# a sampler in dD (one process polling /proc every 100 ms: cheaper than a grep through ip netns per round)
topo_bg dD python3 -c '
import sys, time
want, out = int(sys.argv[1]), sys.argv[2]
open(out + ".ready", "w").write("1\n")
limit = time.time() + 300
while time.time() < limit:
    with open("/proc/net/ip_vs_conn") as f:
        n = sum(1 for l in f if l.startswith("TCP 0A64"))
    if n >= want:
        break
    time.sleep(0.1)
open(out, "w").write("%d %d\n" % (n, int(time.time() * 1e6)))
' "$have" "$TOPO_DIR/dD.full"
for ((i = 0; i < 300; i++)); do
	[[ -e $TOPO_DIR/dD.full.ready ]] && break
	sleep 0.1
done
start=${EPOCHREALTIME/[.,]/}
start_vipd dD backup
for ((i = 0; i < 3100; i++)); do
	[[ -s $TOPO_DIR/dD.full ]] && break
	sleep 0.1
done
read -r n end <"$TOPO_DIR/dD.full" || fail "no result from the sampler"
((n >= have)) || fail "after 300 s dD lists $n of $have"
echo "resync: dD lists all $n connections $(((end - start) / 1000)) ms after vipd started"
grep -h "sent the table" "$TOPO_DIR/dA.log" | tail -n 1
echo "dD: $("$build/vipctl" -s "$TOPO_DIR/dD.sock" status --json | jq -c '.children[] | select(.name == "sync") | .status | {records_in, datagrams_injected, nacks_sent, seqs_lost, resync_requests_sent, drops: (.drops | with_entries(select(.value > 0)))}')"
