# Sourced: a network namespace holding the interfaces a keepalived.conf names, for running `keepalived -t`
# and `vipd -t` on it (test/compat/corpus-run.sh, test/integration/keepalived-verdicts.sh,
# test/integration/keepalived-samples.sh). Needs root.

NETNS_SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export NETNS_SH_DIR

# netns_for_file NS FILE [EXTRA_IF...]: creates NS with lo up and, for each interface FILE names (see
# corpus-run.sh --interfaces) and each EXTRA_IF, a veth (its peer zqN), both up, with 10.200.N.1/24 and
# fd00:c0:N::1/64. Prints ip's output. 0, or 1 if the namespace could not be made.
netns_for_file() {
	local ns=$1 f=$2 i=0 x
	shift 2
	ip netns add "$ns" || return 1
	{
		echo "link set lo up"
		for x in $(netns_interfaces_of "$f") "$@"; do
			i=$((i + 1))
			# no dummy module on every host: a veth pair is an ethernet link just as good; its peer
			# gets a name no keepalived.conf uses
			echo "link add $x type veth peer name zq$i"
			echo "link set $x up"
			echo "link set zq$i up"
			echo "addr add 10.$((200 + i / 250)).$((i % 250)).1/24 dev $x"
			echo "addr add fd00:c0:$i::1/64 dev $x nodad"
		done
	} | ip -n "$ns" -force -batch - 2>&1
	return 0
}

# netns_interfaces_of FILE: corpus-run.sh's list, without an interface twice
netns_interfaces_of() {
	"${BASH:-bash}" "$NETNS_SH_DIR/corpus-run.sh" --interfaces "$1"
}

# verdict_class RC: what keepalived's (or vipd's) -t exit code says: clean, recovered, security or refused
verdict_class() {
	case $1 in
	0) echo clean ;;
	5) echo recovered ;;
	6) echo security ;;
	*) echo refused ;;
	esac
}
