#!/bin/bash
# Lab scenario: connection sync in relay mode, against the real kernel's sync daemons.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/sync-relay.sh
#
#   client 192.0.2.100 --[bx]-- dA 192.0.2.1 (VIP1 .10) --[bi]-- rs1 198.51.100.21 (default via dA)
#                         |---- dB 192.0.2.2 (VIP2 .11) --[bi]-- rs2 198.51.100.22 (default via dB)
#                         |---- dC 192.0.2.3            (a vipd secure backup)
#                         |---- dD 192.0.2.4            (a backup director that boots late)
#
# dA, dC and dD run vipd's sync child in relay mode: the kernel's sync daemons sit on `sk`, one end of a
# private veth pair in the director's namespace, and vipd on the other end, `su`. dB runs only the stock
# kernel daemons on its network interface.
#
# 1. compat, vipd master -> stock kernel backup: connections through dA appear on dB.
# 2. compat, stock kernel master -> vipd backup: dA reloaded as backup; connections through dB appear on dA.
# 3. secure: dA reloaded as secure master; dC (secure backup) installs new connections. Forged, tampered
#    and replayed frames (sent with the master's own source address) and a plain v1 datagram are dropped,
#    counted, and install nothing.
# 4. resync: with LAB_SYNC_CONNS (default 1000) connections established through dA, dD starts with an
#    empty table; within 2 s of its sync child opening the relay it lists every one of them (the time
#    from vipd's start is printed too).
#
# Environment: LAB_SYNC_CONNS, LAB_SYNC_RESYNC_LIMIT_MS (default 2000).

set -euo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
# shellcheck source=../lib/topo.sh disable=SC1091
. "$here/../lib/topo.sh"

build=${top_builddir:-$here/../../..}
VIPD=$build/vipd
VIPCTL=$build/vipctl
nconns=${LAB_SYNC_CONNS:-1000}
resync_limit_ms=${LAB_SYNC_RESYNC_LIMIT_MS:-2000}
key=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
vip1=192.0.2.10
vip2=192.0.2.11

t0=${EPOCHREALTIME/[.,]/}
step() {
	local now=${EPOCHREALTIME/[.,]/}
	printf '== [%5.1fs] %s\n' "$(((now - t0) / 100000))e-1" "$*"
}

fail() {
	echo "FAIL: $*" >&2
	for d in dA dC dD; do
		[[ -f $TOPO_DIR/$d.log ]] && { echo "--- vipd log of $d:" >&2; tail -n 30 "$TOPO_DIR/$d.log" >&2; }
		[[ -S $TOPO_DIR/$d.sock ]] && { echo "--- sync status of $d:" >&2; sync_status "$d" >&2 || true; }
	done
	exit 1
}

for cmd in ipvsadm python3 jq busybox; do
	command -v "$cmd" >/dev/null || fail "$cmd not found"
done
[[ -x $VIPD && -x $VIPCTL ]] || fail "no vipd/vipctl in $build (build first)"

# ---- helpers ----

# The sync child's status object of director $1.
sync_status() {
	"$VIPCTL" -s "$TOPO_DIR/$1.sock" status --json | jq -c '.children[] | select(.name == "sync") | .status'
}

# sync_field DIR JQPATH: one field of that status (e.g. .drops.bad_mac)
sync_field() {
	sync_status "$1" | jq -r "$2"
}

# wait_until SECONDS DESCRIPTION COMMAND...
wait_until() {
	local limit=$1 desc=$2 i
	shift 2
	for ((i = 0; i < limit * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out after ${limit}s waiting for $desc"
}

# Connections from the client to $2 (a VIP) in the table of $1, as ipvsadm lists them.
conns_to() {
	topo_in "$1" ipvsadm -Lnc | awk -v v="$2:80" '$3 == "ESTABLISHED" && $5 == v' | wc -l
}

have_conns() {
	[[ $(conns_to "$1" "$2") -ge $3 ]]
}

# write_conf DIR ROLE FRAMING PORT
write_conf() {
	local auth=""
	[[ $3 == secure ]] && auth="auth_key $key"
	cat >"$TOPO_DIR/$1.conf" <<EOF
connection_sync {
	mode relay
	interface eth0
	role $2
	framing $3
	syncid 7
	port $4
	$auth
	kernel_interface sk
	relay_interface su
}
EOF
}

start_vipd() {
	local ns=$1
	topo_bg "$ns" "$VIPD" -n -l -D -f "$TOPO_DIR/$ns.conf" -p "$TOPO_DIR/$ns.pid" -s "$TOPO_DIR/$ns.sock" \
		>>"$TOPO_DIR/$ns.log" 2>&1
	wait_until 10 "vipd's control socket in $ns" test -S "$TOPO_DIR/$ns.sock"
	wait_until 10 "the relay of $ns to open" relay_is_open "$ns"
}

relay_is_open() {
	[[ $(sync_field "$1" .open) == true ]]
}

has_role() {
	[[ $(sync_status "$1" | jq -r '.role + "/" + .framing') == "$2" ]]
}

reload_vipd() {
	"$VIPCTL" -s "$TOPO_DIR/$1.sock" reload >/dev/null || fail "reload of $1 failed"
	wait_until 10 "$1 to take role $2" has_role "$1" "$2"
}

# ---- python helpers: a server that holds connections, a client that opens them ----
pyserver=$here/../lib/hold-server.py
pyclient=$here/../lib/hold-client.py
pyforge=$(mktemp "${TMPDIR:-/tmp}/syncforge.XXXXXX")
# forge.py capture N FILE: saves the first N DATA frames seen on the wire to the relay port
# forge.py attack FILE: sends to dC's relay port, with the master's source address (raw socket): a DATA
#   frame for a made-up connection with a MAC from a wrong key; each saved frame with one byte changed,
#   then as it was; a plain v1 datagram for a made-up connection
cat >"$pyforge" <<'EOF'
import hashlib, hmac, os, socket, struct, sys, time
GROUP, PORT, SRC, DST = "224.0.0.81", 8850, "192.0.2.1", "192.0.2.3"
def v1(caddr):
    e = struct.pack("!BBHIHHHHII4s4s4s", 0, 6, 36, 0, 1, 40000, 80, 80, 0, 900,
                    socket.inet_aton(caddr), socket.inet_aton("192.0.2.10"), socket.inet_aton("198.51.100.21"))
    return struct.pack("!BBHBBH", 0, 7, 8 + len(e), 1, 1, 0) + e
def frame(payload, key, epoch, seq):
    h = b"vps1" + struct.pack("!BBHQQ", 1, 0, len(payload), epoch, seq) + payload
    return h + hmac.new(key, h, hashlib.sha256).digest()
def send_spoofed(data):
    # IPv4 + UDP from the master's address and port; a zero UDP checksum is legal over IPv4
    udp = struct.pack("!HHHH", PORT, PORT, 8 + len(data), 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     socket.inet_aton(SRC), socket.inet_aton(DST))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ip + udp, (DST, 0))
    s.close()
    time.sleep(0.02)
mode = sys.argv[1]
if mode == "capture":
    # every IPv4 packet on the wire to the relay port, whatever the group memberships
    n, path = int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind(("eth0", 0))
    s.settimeout(120)
    open(path + ".ready", "w").write("listening\n")
    frames = []
    while len(frames) < n:
        ip = s.recv(65536)[14:]
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17 or struct.unpack("!H", ip[ihl + 2:ihl + 4])[0] != PORT:
            continue
        d = ip[ihl + 8:]
        if d[:4] == b"vps1" and d[4] == 1:
            frames.append(d)
    open(path, "wb").write(b"".join(struct.pack("!H", len(f)) + f for f in frames))
    sys.exit(0)
def load(path):
    raw, out = open(path, "rb").read(), []
    while raw:
        (n,) = struct.unpack("!H", raw[:2])
        out.append(raw[2:2 + n])
        raw = raw[2 + n:]
    return out
if mode == "attack":
    # forged: a made-up connection under a MAC from a wrong key, claiming a newer epoch
    send_spoofed(frame(v1("203.0.113.66"), os.urandom(32), int(time.time() * 1e9) + 10**15, 1))
    for f in load(sys.argv[2]):
        b = bytearray(f)
        b[24 + 8 + 24] ^= 0x01     # tampered: the first entry's client address
        send_spoofed(bytes(b))
        send_spoofed(f)            # replayed as it was
    send_spoofed(v1("203.0.113.77"))   # plain v1, no frame
EOF

# ---- the topology ----
step "loading ip_vs, building the topology"
# the server and the client hold every connection open
ulimit -n 16384 || fail "cannot raise the open-file limit"
modprobe ip_vs || fail "modprobe ip_vs failed"
modprobe ip_vs_rr
topo_init
# set +e: topo_cleanup kills pids that may have exited already
trap 'set +e; topo_cleanup; rm -f "$pyforge"' EXIT
topo_bridge bx
topo_bridge bi
topo_host client bx eth0 192.0.2.100/24
topo_host dA bx eth0 192.0.2.1/24
topo_addr dA eth0 "$vip1/32"
topo_host dA bi eth1 198.51.100.1/24
topo_host dB bx eth0 192.0.2.2/24
topo_addr dB eth0 "$vip2/32"
topo_host dB bi eth1 198.51.100.2/24
topo_host dC bx eth0 192.0.2.3/24
topo_forward dA
topo_forward dB
topo_host rs1 bi eth0 198.51.100.21/24
topo_route rs1 default via 198.51.100.1
topo_host rs2 bi eth0 198.51.100.22/24
topo_route rs2 default via 198.51.100.2
topo_bg rs1 python3 "$pyserver" 198.51.100.21
topo_bg rs2 python3 "$pyserver" 198.51.100.22
for d in dA dB; do
	topo_in "$d" sysctl -qw net.ipv4.vs.conntrack=0 2>/dev/null || true
done
topo_in dA ipvsadm -A -t "$vip1:80" -s rr
topo_in dA ipvsadm -a -t "$vip1:80" -r 198.51.100.21:80 -m
topo_in dB ipvsadm -A -t "$vip2:80" -s rr
topo_in dB ipvsadm -a -t "$vip2:80" -r 198.51.100.22:80 -m
topo_sync_pair dA
topo_sync_pair dC

# the client's connections: open_conns TAG VIP N (waits until all are open)
open_conns() {
	local ready=$TOPO_DIR/ready-$1
	rm -f "$ready"
	topo_bg client python3 "$pyclient" "$2" "$3" "$ready"
	wait_until 120 "$3 connections to $2" test -s "$ready"
}

# ---- 1. vipd master (compat) -> stock kernel backup ----
step "1. compat: vipd master on dA -> stock kernel backup on dB"
topo_in dB ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 7
write_conf dA master compat 8848
start_vipd dA
open_conns c1 "$vip1" 20
wait_until 10 "dB to list the 20 connections through dA" have_conns dB "$vip1" 20
step "dB lists $(conns_to dB "$vip1") connections to $vip1; dA sent $(sync_field dA .records_out) records"
[[ $(sync_field dA .datagrams_out) -gt 0 ]] || fail "dA counted no datagram out"

# ---- 2. stock kernel master -> vipd backup ----
step "2. compat: stock kernel master on dB -> vipd backup on dA"
topo_in dB ipvsadm --start-daemon master --mcast-interface eth0 --syncid 7
write_conf dA backup compat 8848
reload_vipd dA backup/compat
open_conns c2 "$vip2" 20
wait_until 10 "dA to list the 20 connections through dB" have_conns dA "$vip2" 20
step "dA lists $(conns_to dA "$vip2") connections to $vip2; it injected $(sync_field dA .records_in) records"

# ---- 3. secure framing ----
step "3. secure: dA secure master, dC secure backup"
topo_in dB ipvsadm --stop-daemon master
write_conf dA master secure 8850
reload_vipd dA master/secure
write_conf dC backup secure 8850
start_vipd dC
# the capture runs on the client, which sees the group like any host on bx
topo_bg client python3 "$pyforge" capture 1 "$TOPO_DIR/frames"
wait_until 20 "the capture to start" test -s "$TOPO_DIR/frames.ready"
step "dC started; opening 20 connections through dA"
open_conns c3 "$vip1" 20
wait_until 15 "dC to list the connections through dA" have_conns dC "$vip1" 40
wait_until 10 "a captured DATA frame" test -s "$TOPO_DIR/frames"
[[ $(sync_field dC .records_in) -gt 0 ]] || fail "dC injected nothing"
before=$(sync_status dC)
before_conns=$(topo_in dC ipvsadm -Lnc | wc -l)
step "sending forged, tampered, replayed and plain datagrams to dC"
topo_in client python3 "$pyforge" attack "$TOPO_DIR/frames"
# delta NAME: how much a drop counter of dC grew since $before
delta() {
	echo $(($(sync_field dC ".drops.$1") - $(jq ".drops.$1" <<<"$before")))
}
bad_sum() {
	jq '.drops.bad_mac + .drops.replay + .drops.unauthenticated'
}
bad_counted() {
	(($(sync_status dC | bad_sum) - $(bad_sum <<<"$before") >= 4))
}
wait_until 5 "dC to count the bad frames" bad_counted
echo "dC drops: $(sync_status dC | jq -c .drops)"
[[ $(delta bad_mac) -eq 2 ]] || fail "expected 2 more bad MACs (forged, tampered), got $(delta bad_mac)"
[[ $(delta replay) -ge 1 ]] || fail "expected a replay, got $(delta replay)"
[[ $(delta unauthenticated) -eq 1 ]] || fail "expected 1 plain datagram refused, got $(delta unauthenticated)"
# dA's kernel master may send a late datagram meanwhile, which is injected as it should be: so of the
# datagrams that arrived since $before, the 4 attack ones must not have led to an injection.
injected=$(( $(sync_field dC .datagrams_injected) - $(jq .datagrams_injected <<<"$before") ))
arrived=$(( $(sync_field dC .datagrams_in) - $(jq .datagrams_in <<<"$before") ))
(( injected <= arrived - 4 )) || fail "a bad frame was injected ($injected injected of $arrived arrived)"
topo_in dC ipvsadm -Lnc | grep -q '203\.0\.113\.' && fail "a forged connection was installed"
[[ $(topo_in dC ipvsadm -Lnc | wc -l) -eq $before_conns ]] || fail "dC's table changed"
step "forged, tampered, replayed and plain datagrams dropped and counted; nothing installed"

# ---- 4. resync ----
step "4. resync: $nconns connections through dA, then dD boots"
open_conns c4 "$vip1" "$nconns"
total=$((nconns + 40))
wait_until 60 "dC to hold all $total connections" have_conns dC "$vip1" "$total"
topo_host dD bx eth0 192.0.2.4/24
topo_sync_pair dD
write_conf dD backup secure 8850
[[ $(conns_to dD "$vip1") -eq 0 ]] || fail "dD's table is not empty"
# a sampler in dD reads the kernel's table every 20 ms (cheaper than ipvsadm) and notes when it is full
topo_bg dD python3 -c '
import sys, time
want, out = int(sys.argv[1]), sys.argv[2]
open(out + ".ready", "w").write("1\n")
limit = time.time() + 40
while time.time() < limit:
    with open("/proc/net/ip_vs_conn") as f:
        n = sum(1 for l in f if " C000020A 0050 " in l and " ESTABLISHED " in l)
    if n >= want:
        break
    time.sleep(0.02)
open(out, "w").write("%d %d\n" % (n, int(time.time() * 1e6)))
' "$total" "$TOPO_DIR/dD.full"
wait_until 20 "the sampler in dD to start" test -s "$TOPO_DIR/dD.full.ready"
start_us=${EPOCHREALTIME/[.,]/}
topo_bg dD "$VIPD" -n -l -D -f "$TOPO_DIR/dD.conf" -p "$TOPO_DIR/dD.pid" -s "$TOPO_DIR/dD.sock" \
	>>"$TOPO_DIR/dD.log" 2>&1
wait_until 40 "the sampler in dD" test -s "$TOPO_DIR/dD.full"
read -r n end_us <"$TOPO_DIR/dD.full"
((n >= total)) || fail "after 40 s dD lists $n of $total connections"
ms=$(((end_us - start_us) / 1000))
# The sync child's part: from its relay opening (its log line) to the full table. Process start-up of an
# ASan build under TCG on a shared host costs 0.3 to 1.5 s by itself, which is not the sync's doing.
relay_us=$(python3 -c '
import re, sys, time
for line in open(sys.argv[1]):
    m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) .*sync: relay on ", line)
    if m:
        h, mi, se, ms = map(int, m.groups())
        t = time.localtime()
        base = time.mktime((t.tm_year, t.tm_mon, t.tm_mday, h, mi, se, 0, 0, -1))
        print(int(base * 1e6) + ms * 1000)
        break
' "$TOPO_DIR/dD.log")
[[ -n $relay_us ]] || fail "no 'relay on' line in dD's log"
relay_ms=$(((end_us - relay_us) / 1000))
step "dD lists all $total connections ${relay_ms} ms after its relay opened, ${ms} ms after vipd started" \
	"(limit ${resync_limit_ms} ms from the relay opening)"
echo "dA: $(sync_status dA | jq -c '{records_out, resyncs_sent, resync_records, retransmits}')"
echo "dD: $(sync_status dD | jq -c '{records_in, resync_requests_sent, nacks_sent, seqs_lost}')"
((relay_ms <= resync_limit_ms)) || fail "resync took ${relay_ms} ms"
echo "PASS: relay compat both ways, secure framing refuses forgeries, resync of $total connections in ${relay_ms} ms"
