#!/bin/sh
# BFD against FRR's bfdd (Debian's frr, run alone: no zebra needed for address-based peers), 50 ms x 3:
# single hop over IPv4 and IPv6 (hoplimit 255, as RFC 5881 and FRR want; keepalived's IPv6 default is 64)
# and multihop over IPv4 (RFC 5883, port 4784). The sessions come up on both sides; bfdd frozen (SIGSTOP):
# vipd declares them down; vipd frozen: bfdd does (read from its log, time-stamped as it is written).
# Detection times are printed; the assertion is loose (within 1 s).
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

BFDD=/usr/lib/frr/bfdd
[ -x "$BFDD" ] || { echo "FAIL: FRR's bfdd not installed (Debian package frr)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 not installed" >&2; exit 1; }

vt_net v f
# the multihop session's addresses, so that each peer has one session per address
ip -n "$(ns v)" addr add 198.51.100.1/24 dev eth0
ip -n "$(ns f)" addr add 198.51.100.2/24 dev eth0

# bfdd runs as frr: its files are in a directory of its own, removed at the end
RUN="/var/run/frr/$VT"
mkdir -p "$RUN"
chown frr:frr "$RUN"
frr_cleanup() {
	pid=$(cat "$RUN/bfdd.pid" 2>/dev/null || true)
	if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
	vt_cleanup
	rm -rf "$RUN"
}
trap frr_cleanup EXIT

cat >"$T/v.conf" <<'CONF'
bfd_instance F4 {
	neighbor_ip 192.0.2.2
	source_ip 192.0.2.1
	min_rx 50
	min_tx 50
	multiplier 3
}
bfd_instance F6 {
	neighbor_ip 2001:db8::2
	source_ip 2001:db8::1
	min_rx 50
	min_tx 50
	multiplier 3
	hoplimit 255
}
bfd_instance M4 {
	neighbor_ip 198.51.100.2
	source_ip 198.51.100.1
	min_rx 50
	min_tx 50
	multiplier 3
	max_hops 1
	multihop
}
CONF
cat >"$RUN/bfdd.conf" <<'CONF'
debug bfd peer
bfd
 peer 192.0.2.1 local-address 192.0.2.2
  receive-interval 50
  transmit-interval 50
  detect-multiplier 3
 !
 peer 2001:db8::1 local-address 2001:db8::2
  receive-interval 50
  transmit-interval 50
  detect-multiplier 3
 !
 peer 198.51.100.1 multihop local-address 198.51.100.2
  receive-interval 50
  transmit-interval 50
  detect-multiplier 3
 !
!
CONF
chmod 644 "$RUN/bfdd.conf"

check "vipd -t accepts the file" "$VIPD" -t -f "$T/v.conf"

cat >"$T/ts.py" <<'PY'
import sys, time
for line in sys.stdin:
    sys.stdout.write("%d %s" % (time.time_ns() // 1000000, line))
    sys.stdout.flush()
PY
ip netns exec "$(ns f)" sh -c "exec $BFDD -N $VT -f '$RUN/bfdd.conf' -u frr -g frr -P 0 --log stdout \
	--log-level debug -i '$RUN/bfdd.pid' --bfdctl '$RUN/bfdd.sock' 2>&1" | python3 -u "$T/ts.py" >"$T/f.log" &
wait_for "bfdd's pid file" 10 test -s "$RUN/bfdd.pid"

start_director v "$T/v.conf" --bfd

bstatus() {
	"$VIPCTL" -s "$T/v.sock" status --json | jq -c '.children[] | select(.name == "bfd") | .status'
}
sess() {
	bstatus | jq -r ".sessions[] | select(.name == \"$1\") | .$2"
}
sess_is() {
	[ "$(sess "$1" "$2")" = "$3" ]
}
# frr_state PEER: up, down, init as bfdd says
frr_state() {
	vtysh -N "$VT" -c "show bfd peers json" 2>/dev/null | jq -r ".[] | select(.peer == \"$1\") | .status"
}
frr_is() {
	[ "$(frr_state "$1")" = "$2" ]
}
frr_down_at() {
	awk -v t="$2" -v p="peer:$1 " '$1 >= t && index($0, p) && index($0, "up -> down") { print $1; exit }' "$T/f.log"
}
frr_down_after() {
	[ -n "$(frr_down_at "$1" "$2")" ]
}

for s in F4 F6 M4; do
	wait_for "vipd: $s Up" 10 sess_is "$s" state Up
done
for p in 192.0.2.1 2001:db8::1 198.51.100.1; do
	wait_for "bfdd: $p up" 5 frr_is "$p" up
done
check "M4 runs on port 4784" [ "$(sess M4 multihop)" = true ]
wait_for "F4 at 50 ms once bfdd's Poll is done" 5 sess_is F4 tx_interval_us 50000

# ---- bfdd frozen ----
pids=$(ip netns pids "$(ns f)")
t0=$(date +%s%3N)
kill -STOP $pids
for s in F4 F6 M4; do
	wait_for "vipd: $s Down" 5 sess_is "$s" state Down
done
for s in F4 F6 M4; do
	d=$(( $(sess "$s" since) - t0 ))
	echo "detection by vipd of bfdd stopped, $s: $d ms (3 x 50 ms)"
	check "$s: detected within 1 s ($d ms)" [ "$d" -le 1000 ]
done
kill -CONT $pids
for s in F4 F6 M4; do
	wait_for "vipd: $s Up again" 10 sess_is "$s" state Up
done

# ---- vipd frozen ----
sleep 0.5
vpids=$(ip netns pids "$(ns v)")
t0=$(date +%s%3N)
kill -STOP $vpids
for p in 192.0.2.1 2001:db8::1 198.51.100.1; do
	wait_for "bfdd: $p down" 5 frr_down_after "$p" "$t0"
done
kill -CONT $vpids
for p in 192.0.2.1 2001:db8::1 198.51.100.1; do
	d=$(( $(frr_down_at "$p" "$t0") - t0 ))
	echo "detection by bfdd of vipd stopped, $p: $d ms (3 x 50 ms)"
	check "$p: bfdd detected within 1 s ($d ms)" [ "$d" -le 1000 ]
	wait_for "bfdd: $p up again" 10 frr_is "$p" up
done
check "no packet of bfdd's was dropped" [ "$(bstatus | jq -c '[.sessions[].drops] | add')" = "{}" ]

vt_finish
