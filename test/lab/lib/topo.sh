# shellcheck shell=bash
# test/lab/lib/topo.sh: small helpers to build network-namespace topologies
# for lab scenarios (bash; sourced, not run).  Made for the lab guest, where
# the whole network exists only in RAM, but they touch nothing outside the
# namespaces they create, so they work on any host as root too.
#
#   topo_init                        load modules, set the cleanup trap
#   topo_bridge NAME                 a bridge NAME inside its own netns NAME
#   topo_host NS BRIDGE IF ADDR...   netns NS (created if needed) with
#                                    interface IF plugged into BRIDGE
#   topo_addr NS IF ADDR             one more address on NS's interface IF
#   topo_route NS ROUTE...           ip route add ROUTE... in NS
#   topo_forward NS                  enable IPv4 and IPv6 forwarding in NS
#   topo_in NS CMD...                run CMD in NS
#   topo_port NS IF                  print the bridge-side port name of IF
#   topo_httpd NS ADDR PORT TEXT     busybox httpd in NS on ADDR:PORT whose
#                                    page is the line TEXT; waits until up
#   topo_fetch NS URL                print URL's body, fetched from NS
#   topo_bg NS CMD...                run CMD in NS in the background; its pid
#                                    is killed by topo_cleanup
#   topo_cleanup                     kill what we started, delete the netns
#
# Addresses: use documentation ranges (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24, 2001:db8::/32) or 10.x, and only inside these namespaces:
# test traffic must never leave them.
#
# Why a bridge lives in its own namespace: taking one end of a veth pair
# down drops the carrier of the other end, so a peer wired directly to a
# "dying" host would see its own link fail.  With every host plugged into a
# bridge that sits in a namespace of its own, `ip -n NS link set IF down`
# cuts only NS off; the other ports keep their carrier.

TOPO_NETNS=()   # namespaces we created, deleted in reverse order
TOPO_PIDS=()    # background processes we started
TOPO_DIR=       # scratch folder (httpd pages)
TOPO_NPORTS=0   # counter for bridge-side port names
declare -A TOPO_PORTS=() # "NS/IF" -> bridge-side port name

topo_die() {
	echo "topo: $*" >&2
	exit 1
}

# Set things up once per scenario.  Replaces any EXIT trap: a scenario that
# needs its own should call topo_cleanup from it.
topo_init() {
	[[ $(id -u) == 0 ]] || topo_die "must run as root (use test/lab/run)"
	modprobe -q veth 2>/dev/null || true
	modprobe -q bridge 2>/dev/null || true
	TOPO_DIR=$(mktemp -d "${TMPDIR:-/tmp}/topo.XXXXXX") || topo_die "mktemp failed"
	trap topo_cleanup EXIT
	# Turn signals into a normal exit so the EXIT trap cleans up.
	trap 'exit 130' INT TERM HUP
}

topo_cleanup() {
	local i ns pids
	# Kill what we started, then whatever else still runs in our namespaces
	# (a netns with processes in it outlives `ip netns del`).
	for i in "${TOPO_PIDS[@]}"; do kill "$i" 2>/dev/null; done
	for ((i = ${#TOPO_NETNS[@]} - 1; i >= 0; i--)); do
		ns=${TOPO_NETNS[i]}
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # a list of pids
		[[ -n $pids ]] && kill $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	TOPO_PIDS=()
	TOPO_NETNS=()
	[[ -n $TOPO_DIR ]] && rm -rf "$TOPO_DIR"
	TOPO_DIR=
	return 0
}

# Create netns NS unless it exists; loopback up (httpd probes use it).
topo_netns() {
	local ns=$1
	[[ -e /run/netns/$ns ]] && return 0
	ip netns add "$ns" || topo_die "cannot create netns $ns"
	TOPO_NETNS+=("$ns")
	ip -n "$ns" link set lo up
}

topo_bridge() {
	local br=$1
	topo_netns "$br"
	ip -n "$br" link add "$br" type bridge || topo_die "cannot create bridge $br"
	# No STP (ports forward at once) and no multicast snooping (VRRP and the
	# IPVS sync daemon multicast; a quiet bridge must not filter them).
	ip -n "$br" link set "$br" type bridge stp_state 0 mcast_snooping 0
	ip -n "$br" link set "$br" up
}

# topo_host NS BRIDGE IF [ADDR...]: a veth pair from netns NS (end IF) to the
# bridge (end pN in the bridge's netns).  IPv6 addresses skip DAD so they
# work at once.
topo_host() {
	local ns=$1 br=$2 ifname=$3 port a
	shift 3
	[[ -e /run/netns/$br ]] || topo_die "no bridge $br (topo_bridge first)"
	topo_netns "$ns"
	TOPO_NPORTS=$((TOPO_NPORTS + 1))
	port=p$TOPO_NPORTS
	ip -n "$br" link add "$port" type veth peer name "$ifname" netns "$ns" ||
		topo_die "cannot create veth $ns/$ifname"
	TOPO_PORTS[$ns/$ifname]=$port
	ip -n "$br" link set "$port" master "$br" up
	ip -n "$ns" link set "$ifname" up
	for a; do topo_addr "$ns" "$ifname" "$a"; done
}

topo_addr() {
	local ns=$1 ifname=$2 addr=$3
	if [[ $addr == *:* ]]; then
		ip -n "$ns" -6 addr add "$addr" dev "$ifname" nodad
	else
		ip -n "$ns" addr add "$addr" dev "$ifname"
	fi || topo_die "cannot add $addr to $ns/$ifname"
}

topo_port() {
	[[ -n ${TOPO_PORTS[$1/$2]:-} ]] || topo_die "no port for $1/$2"
	echo "${TOPO_PORTS[$1/$2]}"
}

topo_route() {
	local ns=$1
	shift
	if [[ $* == *:* ]]; then
		ip -n "$ns" -6 route add "$@"
	else
		ip -n "$ns" route add "$@"
	fi || topo_die "cannot add route '$*' in $ns"
}

topo_forward() {
	topo_in "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 ||
		topo_die "cannot enable forwarding in $1"
}

topo_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

topo_bg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" &
	TOPO_PIDS+=($!)
}

# Format ADDR:PORT for a URL (IPv6 in brackets).
topo_hostport() {
	if [[ $1 == *:* ]]; then echo "[$1]:$2"; else echo "$1:$2"; fi
}

# busybox-static 1.35's wget crashes (SIGSEGV) when given -T, so the time
# limit comes from coreutils' timeout instead.
topo_fetch() {
	topo_in "$1" timeout 10 busybox wget -q -O - "$2"
}

# topo_httpd NS ADDR PORT TEXT: a real server whose page names it, so a
# client can tell which server answered.
topo_httpd() {
	local ns=$1 addr=$2 port=$3 text=$4 dir hp i
	dir=$TOPO_DIR/httpd-$ns-$port
	if ! { mkdir -p "$dir" && printf '%s\n' "$text" >"$dir/index.html"; }; then
		topo_die "cannot write $dir"
	fi
	hp=$(topo_hostport "$addr" "$port")
	# -f: stay in the foreground, so the pid we keep is httpd's.
	topo_bg "$ns" busybox httpd -f -p "$hp" -h "$dir"
	for ((i = 0; i < 50; i++)); do
		[[ $(topo_fetch "$ns" "http://$hp/" 2>/dev/null) == "$text" ]] && return 0
		sleep 0.1
	done
	topo_die "httpd in $ns on $hp did not come up"
}

# topo_sync_pair NS: the private veth pair (sk, su) of a director that runs vipd's sync relay, with the
# kernel's master and backup sync daemons on sk (syncid 7, backup on port 8849): sync/README.md's recipe.
topo_sync_pair() {
	local ns=$1
	ip -n "$ns" link add sk type veth peer name su
	ip -n "$ns" addr add 10.254.0.1/30 dev sk
	ip -n "$ns" addr add 10.254.0.2/30 dev su
	ip -n "$ns" link set sk up
	ip -n "$ns" link set su up
	topo_in "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.sk.rp_filter=0 net.ipv4.conf.su.rp_filter=0 \
		net.ipv4.conf.sk.accept_local=1 net.ipv4.conf.su.accept_local=1
	# a larger kernel backup buffer (capped by net.core.rmem_max): fewer paced waits in a resync burst
	topo_in "$ns" sysctl -qw net.ipv4.vs.sync_sock_size=8388608
	topo_in "$ns" ipvsadm --start-daemon master --mcast-interface sk --syncid 7
	topo_in "$ns" ipvsadm --start-daemon backup --mcast-interface sk --syncid 7 --mcast-port 8849
}
