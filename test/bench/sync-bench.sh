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
#    so dA's child holds them as it would have heard them; dC's vipd stops (it would install the table too,
#    on the same vCPUs); then a backup director dD starts with an empty table. Reported: the time from
#    vipd's start on dD until dD's kernel holds them all (same counters), the master's log line for its
#    table dump, every place a datagram could have been dropped, and the three directors' logs.
#
# RATE 0 skips the steady part, RESYNC_CONNS 0 the resync. Environment (into the guest with LAB_PASS_ENV):
#   SYNC_BENCH_PROFILE=1  during the resync, every 10 ms: dD's kernel's count, the sync sockets' queues and
#                         the CPU time of the sync children and kernel sync threads; printed per 100 ms
#   SYNC_BENCH_PERF=1     perf record of the whole guest during the resync (implies the profile)
#   SYNC_BENCH_HOG=N      N busy loops in the guest during the steady load (a busy host)
#   SYNC_BENCH_REFRESH=S  the kernel masters sync a connection on its first packet in a synced state and
#                         again after S seconds (sync_threshold "3 0", sync_refresh_period S), not on its
#                         3rd packet only
#   SYNC_BENCH_BACKLOG=N  net.core.netdev_max_backlog (the per-CPU queue every veth hop goes through,
#                         1000 by default; beyond it packets are dropped, counted in /proc/net/softnet_stat)

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
[[ -n ${SYNC_BENCH_BACKLOG:-} ]] && sysctl -qw net.core.netdev_max_backlog="$SYNC_BENCH_BACKLOG"
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
	# SYNC_BENCH_REFRESH=SECONDS: the kernel master syncs a connection on its first packet in a synced state
	# (sync_period 0), again after SECONDS, instead of on its 3rd packet only (sync_threshold "3 50")
	if [[ -n ${SYNC_BENCH_REFRESH:-} ]]; then
		topo_in "$ns" sh -c "echo 3 0 >/proc/sys/net/ipv4/vs/sync_threshold"
		topo_in "$ns" sysctl -qw net.ipv4.vs.sync_refresh_period="$SYNC_BENCH_REFRESH"
	fi
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
# sampler.py OUT [WANT]: "MONOTONIC_SECONDS CONNECTIONS" each time the real server's counters change; OUT.full
# once they reach WANT
cat >"$py/sampler.py" <<'EOF'
import os, sys, time
out = sys.argv[1]
want = int(sys.argv[2]) if len(sys.argv) > 2 else None
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
        if want is not None and n >= want:
            open(out + ".full", "w").write("1\n")
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
# profile.py OUT WANT OLDPIDS: during the resync, in dD, every 10 ms: the connections dD's kernel holds,
# the queues of the sync sockets (ports 8848/8849: the relay's and the kernel backup's) and the CPU time of
# the sync children and the kernel's sync threads (those in OLDPIDS belong to dA and dC)
cat >"$py/profile.py" <<'EOF'
import os, sys, time
out, want, old = sys.argv[1], int(sys.argv[2]), set(sys.argv[3].split(","))
mynet = os.readlink("/proc/self/ns/net")
stop, rows, procs, last_scan = out + ".stop", [], {}, 0.0
open(out + ".ready", "w").write("1\n")
def scan():
    for d in os.listdir("/proc"):
        if not d.isdigit() or d in procs:
            continue
        try:
            comm = open("/proc/%s/comm" % d).read().strip()
            if comm.startswith("ipvs-"):
                procs[d] = ("dD " if d not in old else "dA/dC ") + comm
            elif comm == "vipd: sync":
                procs[d] = ("dD" if os.readlink("/proc/%s/ns/net" % d) == mynet else "other") + " sync child"
        except OSError:
            pass
def cpu(pid):
    try:
        w = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        return int(w[11]) + int(w[12])
    except OSError:
        return -1
while not os.path.exists(stop):
    t = time.monotonic()
    if t - last_scan > 0.2:
        scan()
        last_scan = t
    n = 0
    with open("/proc/net/ip_vs") as f:
        for line in f:
            w = line.split()
            if len(w) == 6 and w[0] == "->" and w[4].isdigit():
                n += int(w[4]) + int(w[5])
    q = {}
    with open("/proc/net/udp") as f:
        for line in f:
            w = line.split()
            if len(w) > 12 and w[1].endswith((":2290", ":2291")):
                q[w[1] + "#" + w[9]] = (int(w[4].split(":")[1], 16), int(w[-1]))
    rows.append((t, n, q, {p: cpu(p) for p in procs}))
    if n >= want and not os.path.exists(stop + "0"):
        open(stop + "0", "w").write("1\n")
    time.sleep(0.01)
hz = os.sysconf("SC_CLK_TCK")
with open(out, "w") as f:
    for t, n, q, c in rows:
        f.write("%f %d %s %s\n" % (t, n, ";".join("%s=%d/%d" % (k, v[0], v[1]) for k, v in sorted(q.items())),
                                    ";".join("%s=%d" % (k, v) for k, v in sorted(c.items()))))
    f.write("# procs " + ";".join("%s=%s" % kv for kv in sorted(procs.items())) + " hz %d\n" % hz)
EOF
# report.py PROFILE START WANT: the profile as stages and a 100 ms table
cat >"$py/report.py" <<'EOF'
import sys
prof, start, want = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
rows, names, hz = [], {}, 100
for l in open(prof):
    if l.startswith("# procs"):
        w = l.split()
        hz = int(w[-1])
        names = dict(kv.split("=", 1) for kv in " ".join(w[2:-2]).split(";") if kv)
        continue
    w = l.split(" ", 3)
    q = dict((kv.split("=")[0], tuple(map(int, kv.split("=")[1].split("/")))) for kv in w[2].split(";") if kv)
    c = dict((kv.split("=")[0], int(kv.split("=")[1])) for kv in w[3].strip().split(";") if kv)
    rows.append((float(w[0]) - start, int(w[1]), q, c))
if not rows:
    sys.exit(0)
first = next((r[0] for r in rows if r[1] > 0), None)
full = next((r[0] for r in rows if r[1] >= want), None)
kb = [k for k in rows[0][2] if ":2291#" in k]
print("profile: first connection on dD's kernel at %s ms, all at %s ms (from vipd's start)" %
      (first and "%.0f" % (1000 * first), full and "%.0f" % (1000 * full)))
# the kernel backup's socket empty while dD's kernel is still short of connections: a pacing gap
busy = [r for r in rows if first is not None and r[0] >= first and r[1] < want]
empty = sum(1 for r in busy if all(r[2].get(k, (0, 0))[0] == 0 for k in kb))
print("samples between first and last install: %d; kernel backup socket empty in %d" % (len(busy), empty))
end = rows[-1][3]
for p, name in sorted(names.items(), key=lambda kv: kv[1]):
    t0 = next((r[3][p] for r in rows if r[3].get(p, -1) >= 0), -1)
    t1 = end.get(p, -1)
    if t0 >= 0 and t1 >= 0:
        print("cpu %-22s %6.0f ms during the profile" % (name + " " + p, 1000.0 * (t1 - t0) / hz))
print("t_ms  conns   " + "  ".join("%s rxq" % k for k in sorted(rows[0][2])) + "  cpu_ms " +
      " ".join(names[p] for p in sorted(names)))
prev = None
for r in rows:
    if prev is not None and r[0] - prev[0] < 0.1 and r is not rows[-1]:
        continue
    d = " ".join("%d" % (1000.0 * (r[3].get(p, 0) - (prev[3].get(p, 0) if prev else r[3].get(p, 0))) / hz)
                 for p in sorted(names))
    print("%5.0f %7d  %s  %s" % (1000 * r[0], r[1], "  ".join("%8d" % r[2].get(k, (0, 0))[0] for k in sorted(r[2])), d))
    prev = r
    if r[1] >= want:
        break
EOF
sampler() { # sampler NS OUT [WANT]: starts the sampler in NS and waits until it runs
	topo_bg "$1" python3 "$py/sampler.py" "$2" ${3:+"$3"}
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

if ((rate > 0)); then
echo "== steady rate: $mode, aiming at $rate new connections/s for $seconds s"
sampler dC "$TOPO_DIR/seen"
# SYNC_BENCH_HOG=N: N busy loops in the guest during the load, standing in for a busy host
hogs=()
for ((i = 0; i < ${SYNC_BENCH_HOG:-0}; i++)); do
	(while :; do :; done) &
	hogs+=($!)
done
topo_bg client "$py/conns" client "$vip" 80 "$rate" "$seconds" "$TOPO_DIR/made"
for ((i = 0; i < 600; i++)); do
	[[ -e $TOPO_DIR/made.done ]] && break
	sleep 0.5
done
((${#hogs[@]} == 0)) || kill "${hogs[@]}"
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
# the kernel master syncs a TCP connection at its 3rd packet in (sync_threshold 3, sync_period 50), and only
# if it is ESTABLISHED by then: one whose SYN went out three times is not, and is not synced before its 53rd
setups = [float(l.split()[2]) for l in made[1:] if len(l.split()) > 2]
print("connection setup: %d took 1 s or more (a SYN sent again), %d took 3 s or more (sent three times)" %
      (sum(1 for x in setups if x >= 1.0), sum(1 for x in setups if x >= 3.0)))
lat.sort()
if lat:
    print("latency to the backup (sampled every 20 ms): median %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms" %
          (1000 * lat[len(lat) // 2], 1000 * lat[int(len(lat) * 0.99)], 1000 * lat[int(len(lat) * 0.999)],
           1000 * lat[-1]))
EOF
	settings=""
	for k in sync_threshold sync_refresh_period sync_retries sync_qlen_max sync_sock_size; do
		settings+="$k=$(topo_in dA cat "/proc/sys/net/ipv4/vs/$k" | tr '\t' ' ') "
	done
	echo "dA's kernel sync settings: $settings"
	echo "backlog drops per CPU: $(while read -r _ d _; do printf "%d " "0x$d"; done </proc/net/softnet_stat)"
	echo "kernel messages about IPVS: $(dmesg | grep -ci 'ipvs\|ip_vs' || true)"
	dmesg | grep -i 'ip_vs_send\|sync' | tail -n 3 || true
fi
if [[ $mode == kernel ]]; then
	echo "resync: not measured in kernel mode (the kernel's daemons have no resync)"
	exit 0
fi
echo "dA: $(sync_status dA '{kernel_datagrams_in, records_out, datagrams_out, retransmits, send_errors}')"
# drops on dA's sockets of port 8848 (0x2290: the relay's two) and 8849 (the kernel backup's)
echo "dA udp drops (local address, drops): $(topo_in dA awk '$2 ~ /:229[01]$/ { printf "%s %s; ", $2, $NF }' /proc/net/udp)"
echo "dC: $(sync_status dC '{records_in, datagrams_injected, nacks_sent, seqs_lost, drops: (.drops | with_entries(select(.value > 0)))}')"

((resync_conns > 0)) || exit 0
echo "== resync: $resync_conns connections"
# dC would install the table sent to dD too (it goes to the group): a second backup's work that, on its own
# machine, would not take the CPU of the one measured, as it does in this one VM
kill "$(cat "$TOPO_DIR/dC.pid")"
for ((i = 0; i < 100; i++)); do
	kill -0 "$(cat "$TOPO_DIR/dC.pid" 2>/dev/null)" 2>/dev/null || break
	sleep 0.1
done
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
old_pids=$(pgrep -d, '^ipvs-|^vipd: sync' || true)
topo_sync_pair dD
# SYNC_BENCH_PROFILE=1 (pass it into the guest with LAB_PASS_ENV): the per-stage profile (it takes a share
# of the 2 vCPUs, so the resync is slower with it); SYNC_BENCH_PERF=1: perf record of the whole guest too
profile=${SYNC_BENCH_PROFILE:-0}
[[ ${SYNC_BENCH_PERF:-0} == 1 ]] && profile=1
if [[ $profile == 1 ]]; then
	topo_bg dD python3 "$py/profile.py" "$TOPO_DIR/prof" "$want" "$old_pids"
	for ((i = 0; i < 300; i++)); do
		[[ -e $TOPO_DIR/prof.ready ]] && break
		sleep 0.1
	done
fi
sampler dD "$TOPO_DIR/dD" "$want"
if [[ ${SYNC_BENCH_PERF:-0} == 1 ]]; then
	perf record -a -g -F 499 -o "$TOPO_DIR/perf.data" >"$TOPO_DIR/perf.log" 2>&1 &
	perf_pid=$!
	sleep 1
fi
# /proc/uptime is CLOCK_BOOTTIME, the sampler's CLOCK_MONOTONIC's equal in a guest that never suspends
read -r start _ </proc/uptime
start_wall=$(date +%s.%N)
start_vipd dD backup
# the sampler says when dD holds them all: polling here (a fork and exec each time) would take CPU from
# what is measured
for ((i = 0; i < 600; i++)); do
	[[ -e $TOPO_DIR/dD.full ]] && break
	sleep 0.5
done
[[ -n ${perf_pid:-} ]] && { kill -INT "$perf_pid" 2>/dev/null || true; }
n=$(topo_in dD cat /proc/net/ip_vs | awk '$1 == "->" && $5 ~ /^[0-9]+$/ { n += $5 + $6 } END { print n + 0 }')
sampler_stop "$TOPO_DIR/dD"
[[ $profile == 1 ]] && sampler_stop "$TOPO_DIR/prof"
echo "dD: $(sync_status dD '{table_connections, records_in, datagrams_injected, seqs_lost, resync_requests_sent}')"
# what the kernel backup's socket dropped (port 8849 = 0x2291): nothing tells vipd about those
echo "dD kernel backup socket drops: $(topo_in dD awk '$2 ~ /:2291$/ { print $NF }' /proc/net/udp)"
# and where else a datagram can vanish: the relay's sockets, the links' receive backlogs (per CPU)
echo "dD udp sockets (local address, drops): $(topo_in dD awk 'NR > 1 { printf "%s %s; ", $2, $NF }' /proc/net/udp)"
echo "backlog drops per CPU: $(while read -r _ d _; do printf "%d " "0x$d"; done </proc/net/softnet_stat)"
echo "dD: $(sync_status dD '{send_errors, injects_waited, injects_overflow, kernel_backup_drops}')"
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
echo "vipd's start on dD: $(date -d "@$start_wall" +%H:%M:%S.%N | cut -c1-12) (wall clock)"
for d in dA dC dD; do
	echo "$d's log (without slow callbacks, of which it has $(grep -c "slow callback" "$TOPO_DIR/$d.log" || true)):"
	grep -v "slow callback" "$TOPO_DIR/$d.log" | tail -n 14
done
if [[ $profile == 1 ]]; then
	python3 "$py/report.py" "$TOPO_DIR/prof" "$start" "$want"
fi
if [[ -n ${perf_pid:-} ]]; then
	wait "$perf_pid" || true
	perf report -i "$TOPO_DIR/perf.data" --stdio --no-children -g none --sort pid --percent-limit 1 2>/dev/null |
		grep -v "^#" | grep -v "^$" | head -30
	perf report -i "$TOPO_DIR/perf.data" --stdio --no-children -g none --comm "vipd: sync" --sort pid,dso,sym \
		--percent-limit 0.3 2>/dev/null | grep -v "^#" | grep -v "^$" | head -100
fi
echo "dD: $(sync_status dD '{records_in, datagrams_injected, nacks_sent, seqs_lost, resync_requests_sent, drops: (.drops | with_entries(select(.value > 0)))}')"
