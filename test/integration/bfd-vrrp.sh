#!/bin/sh
# A VRRP pair whose master tracks its uplink with BFD (keepalived's BFD as the uplink's end, 50 ms x 3),
# two instances at advert_int 0.1: VF tracks it without weight (FAULT when the session is down: the master
# resigns with priority 0), VW with weight -100 (150 -> 50, under the backup's 100). The drill: the
# uplink stops answering the master (a blackhole route for it at the uplink's end, so only that path dies);
# the master gives up and the backup takes over; then the path comes back and the master takes its role
# back. The same drill without BFD (the master frozen, as a dying machine) for comparison. The times, from
# the failure to the backup's MASTER, are printed (doc/benchmarks.md); asserted loosely (within 2 s).
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

command -v keepalived >/dev/null || { echo "FAIL: keepalived not installed (Debian package keepalived)" >&2; exit 1; }

vt_net a b u

# director ME PRIO: the pair's configuration
director() {
	cat <<CONF
bfd_instance UP {
	neighbor_ip 192.0.2.3
	source_ip $1
	min_rx 50
	min_tx 50
	multiplier 3
}
vrrp_instance VF {
	state BACKUP
	interface eth0
	virtual_router_id 71
	version 3
	priority $2
	advert_int 0.1
	virtual_ipaddress {
		192.0.2.71/24
	}
	track_bfd {
		UP
	}
}
vrrp_instance VW {
	state BACKUP
	interface eth0
	virtual_router_id 72
	version 3
	priority $2
	advert_int 0.1
	virtual_ipaddress {
		192.0.2.72/24
	}
	track_bfd {
		UP weight -100
	}
}
CONF
}
director 192.0.2.1 150 >"$T/a.conf"
director 192.0.2.2 100 >"$T/b.conf"
cat >"$T/u.conf" <<'CONF'
bfd_instance A {
	neighbor_ip 192.0.2.1
	source_ip 192.0.2.3
	min_rx 50
	min_tx 50
	multiplier 3
}
bfd_instance B {
	neighbor_ip 192.0.2.2
	source_ip 192.0.2.3
	min_rx 50
	min_tx 50
	multiplier 3
}
CONF

ip netns exec "$(ns u)" keepalived -n -l -f "$T/u.conf" -p "$T/u.pid" -b "$T/u.bfd.pid" >>"$T/u.ka.log" 2>&1 &
wait_for "keepalived's pid file" 10 test -s "$T/u.pid"
KEEPALIVED_PIDS="$(cat "$T/u.pid")"
start_director a "$T/a.conf"
start_director b "$T/b.conf"

bfd_state() {
	"$VIPCTL" -s "$T/$1.sock" status --json |
		jq -r '.children[] | select(.name == "bfd") | .status.sessions[] | select(.name == "UP") | .state'
}
bfd_since() {
	"$VIPCTL" -s "$T/$1.sock" status --json |
		jq -r '.children[] | select(.name == "bfd") | .status.sessions[] | select(.name == "UP") | .since'
}
bfd_is() {
	[ "$(bfd_state "$1")" = "$2" ]
}
settled() {
	state_is a VF MASTER && state_is a VW MASTER && state_is b VF BACKUP && state_is b VW BACKUP
}

wait_for "a's uplink session Up" 10 bfd_is a Up
wait_for "b's uplink session Up" 10 bfd_is b Up
wait_for "a master of both, b backup" 10 settled
sleep 1

# ---- the master's uplink dies ----
t0=$(date +%s%3N)
ip -n "$(ns u)" route add blackhole 192.0.2.1/32
wait_for "a's uplink session Down" 5 bfd_is a Down
wait_for "b takes VF" 5 state_is b VF MASTER
wait_for "b takes VW" 5 state_is b VW MASTER
detect=$(( $(bfd_since a) - t0 ))
gap_f=$(( $(inst b VF since_ms) - t0 ))
gap_w=$(( $(inst b VW since_ms) - t0 ))
echo "uplink of the master dead: BFD down after $detect ms; backup master of VF (FAULT) after $gap_f ms," \
	"of VW (weight -100) after $gap_w ms"
check "BFD detected it within 1 s ($detect ms)" [ "$detect" -le 1000 ]
check "VF moved within 2 s ($gap_f ms)" [ "$gap_f" -le 2000 ]
check "VW moved within 2 s ($gap_w ms)" [ "$gap_w" -le 2000 ]
wait_for "a: VF in FAULT" 5 state_is a VF FAULT
wait_for "a: VW backup at 50" 5 sh -c "[ \"\$(\"$VIPCTL\" -s \"$T/a.sock\" status --json | jq -r '.children[] | select(.name == \"vrrp\") | .status.instances[] | select(.name == \"VW\") | .effective_priority')\" = 50 ]"
check "b's own uplink still Up" bfd_is b Up
wait_for "the VIPs on b" 5 has_addr b 192.0.2.71
check "and not on a" no_addr a 192.0.2.71

# ---- it comes back: a takes both back ----
ip -n "$(ns u)" route del blackhole 192.0.2.1/32
wait_for "a's uplink Up again" 10 bfd_is a Up
wait_for "a master of both again" 10 settled
sleep 1

# ---- without BFD: the master frozen, as a dying machine ----
pids=$(ip netns pids "$(ns a)")
t0=$(date +%s%3N)
kill -STOP $pids
wait_for "b takes VF" 5 state_is b VF MASTER
wait_for "b takes VW" 5 state_is b VW MASTER
# read before a wakes up: its BFD session has expired meanwhile too, and VF moves once more for that
gap_f=$(( $(inst b VF since_ms) - t0 ))
gap_w=$(( $(inst b VW since_ms) - t0 ))
kill -CONT $pids
echo "master frozen (no BFD involved): backup master of VF after $gap_f ms, of VW after $gap_w ms" \
	"(Master_Down_Interval at 0.1 s: 361 ms)"
check "VF moved within 2 s ($gap_f ms)" [ "$gap_f" -le 2000 ]
wait_for "a master of both once more" 10 settled

vt_finish
