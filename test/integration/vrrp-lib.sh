# VRRP integration tests: directors in network namespaces joined by a bridge in a namespace of its own (so
# taking one director's link down leaves the others' carrier alone), each a vipd (or keepalived) of its own.
# Sourced after lib.sh. Needs root; a test fails without it.
set -eu

if [ "$(id -u)" -ne 0 ] || ! ip netns add "vt-probe-$$" 2>/dev/null; then
	echo "FAIL: needs root and network namespaces" >&2
	exit 1
fi
ip netns del "vt-probe-$$"

VT="vt-$$"
NS_BR="$VT-br"
DIRECTORS=""
KEEPALIVED_PIDS=""

vt_cleanup() {
	for d in $DIRECTORS; do
		pid=$(cat "$T/$d.vipd" 2>/dev/null || true)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	for pid in $KEEPALIVED_PIDS; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in $KEEPALIVED_PIDS; do
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	for ns in $(ip netns list | awk '{print $1}' | grep "^$VT-" || true); do
		# whatever still runs in it (scripts, a killed daemon's children) goes with it
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
	cleanup
}
trap vt_cleanup EXIT

# ns NAME: the namespace of a director
ns() { echo "$VT-$1"; }

# vt_net DIR...: the bridge namespace and one director per name, each with eth0 on the bridge.
# Director i (1-based) gets 192.0.2.i/24 and 2001:db8::i/64 (no DAD, so they are usable at once).
vt_net() {
	ip netns add "$NS_BR"
	ip -n "$NS_BR" link add br0 type bridge
	ip -n "$NS_BR" link set br0 up
	i=0
	for d in "$@"; do
		i=$((i + 1))
		n=$(ns "$d")
		ip netns add "$n"
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		ip -n "$n" link set lo up
		ip -n "$n" link add eth0 type veth peer name "p$i" netns "$NS_BR"
		ip -n "$NS_BR" link set "p$i" master br0 up
		ip -n "$n" addr add "192.0.2.$i/24" dev eth0
		ip -n "$n" addr add "2001:db8::$i/64" dev eth0 nodad
		ip -n "$n" link set eth0 up
		eval "PORT_$d=p$i INDEX_$d=$i"
	done
	# link-local addresses appear when the links come up
	for d in "$@"; do
		wait_for "a link-local address on $d" 5 sh -c "ip -n $(ns "$d") -6 addr show dev eth0 scope link | grep -q fe80"
	done
}

# start_director NAME CONF: runs vipd in NAME's namespace and waits for its control socket
start_director() {
	d=$1
	rm -f "$T/$d.sock"
	ip netns exec "$(ns "$d")" "$VIPD" -n -l -D -f "$2" -p "$T/$d.pid" -s "$T/$d.sock" >>"$T/$d.log" 2>&1 &
	echo $! >"$T/$d.vipd"
	case " $DIRECTORS " in *" $d "*) ;; *) DIRECTORS="$DIRECTORS $d" ;; esac
	wait_for "$d's control socket" 10 test -S "$T/$d.sock"
}

# stop_director NAME: SIGTERM and wait
stop_director() {
	pid=$(cat "$T/$1.vipd")
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
}

# kill_director NAME: a dying machine: every process of it SIGKILLed, its link down
kill_director() {
	# frozen first, so that nothing gets out: neither a resignation on seeing its link go down, nor one
	# sent by a child whose parent died (keepalived's and vipd's children watch their parent)
	pids=$(ip netns pids "$(ns "$1")")
	for pid in $pids; do kill -STOP "$pid" 2>/dev/null || true; done
	ip -n "$NS_BR" link set "$(eval echo "\$PORT_$1")" down
	for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
	wait "$(cat "$T/$1.vipd")" 2>/dev/null || true
}

# revive_link NAME: its bridge port up again
revive_link() {
	ip -n "$NS_BR" link set "$(eval echo "\$PORT_$1")" up
}

# vstatus NAME: the vrrp child's status
vstatus() {
	"$VIPCTL" -s "$T/$1.sock" status --json | jq -c '.children[] | select(.name == "vrrp") | .status'
}

# inst NAME INSTANCE FIELD: one field of an instance's status
inst() {
	vstatus "$1" | jq -r ".instances[] | select(.name == \"$2\") | .$3"
}

# field_is NAME INSTANCE FIELD VALUE (re-evaluated at each poll of wait_for)
field_is() {
	[ "$(inst "$1" "$2" "$3")" = "$4" ]
}

# vfield_is NAME JQ-FILTER VALUE: a field of the vrrp child (not its status), e.g. .pid
vfield_is() {
	[ "$("$VIPCTL" -s "$T/$1.sock" status --json | jq -r ".children[] | select(.name == \"vrrp\") | $2")" = "$3" ]
}

# state_is NAME INSTANCE STATE
state_is() {
	[ "$(inst "$1" "$2" state)" = "$3" ]
}

# has_addr NAME ADDR: the address is on the director's eth0
has_addr() {
	ip -n "$(ns "$1")" addr show dev eth0 | grep -qw "$2"
}

no_addr() {
	! has_addr "$@"
}

# masters INSTANCE DIR...: how many of these directors say master
masters() {
	inst_name=$1
	shift
	c=0
	for d in "$@"; do
		if [ "$(inst "$d" "$inst_name" state 2>/dev/null)" = MASTER ]; then c=$((c + 1)); fi
	done
	echo "$c"
}

# one_master INSTANCE DIR...: exactly one of them says master (for wait_for: a loaded host can delay
# timers by a few hundred ms, and a 0.1 s instance may flap for a moment)
one_master() {
	[ "$(masters "$@")" = 1 ]
}

# start_keepalived NAME CONF: keepalived 2.2.7 as a peer, VRRP only, in NAME's namespace
start_keepalived() {
	d=$1
	ip netns exec "$(ns "$d")" keepalived -n -l -D -f "$2" --vrrp -p "$T/$d.ka.pid" -r "$T/$d.ka.vrrp.pid" \
		-i "$d" >>"$T/$d.ka.log" 2>&1 &
	KEEPALIVED_PIDS="$KEEPALIVED_PIDS $!"
	echo $! >"$T/$d.ka"
}

# kill_keepalived NAME: SIGKILL, as a crash: every keepalived process of NAME
kill_keepalived() {
	for pid in $(cat "$T/$1.ka.pid" "$T/$1.ka.vrrp.pid" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
	kill -KILL "$(cat "$T/$1.ka")" 2>/dev/null || true
}

# restart_keepalived NAME CONF: after kill_keepalived, back as a rebooted machine: no pid files, only the
# addresses vt_net gave it (the killed one left its VIPs), then started again
restart_keepalived() {
	rm -f "$T/$1.ka.pid" "$T/$1.ka.vrrp.pid"
	eval "i=\$INDEX_$1"
	ip -n "$(ns "$1")" addr flush dev eth0 scope global
	ip -n "$(ns "$1")" addr add "192.0.2.$i/24" dev eth0
	ip -n "$(ns "$1")" addr add "2001:db8::$i/64" dev eth0 nodad
	start_keepalived "$1" "$2"
}

stop_keepalived() {
	pid=$(cat "$T/$1.ka")
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# vt_finish: like finish, with every director's log
vt_finish() {
	for d in $DIRECTORS; do
		if grep -Eq "AddressSanitizer|runtime error:|LeakSanitizer" "$T/$d.log"; then
			fail "$d: a sanitizer report in its log"
		fi
	done
	if [ "$FAILURES" -ne 0 ]; then
		for d in $DIRECTORS; do
			echo "---- $d ----" >&2
			tail -n 40 "$T/$d.log" >&2 || true
		done
		for f in "$T"/*.ka.log; do
			[ -f "$f" ] || continue
			echo "---- $f ----" >&2
			tail -n 30 "$f" >&2
		done
	fi
	finish
}
