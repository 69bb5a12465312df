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

# verdict_case FILE: (with T, VIPD and ALLOWED, a file of CASE<TAB>vipd's class<TAB>why) prints "ok|FAIL NAME: what", after running both in a namespace of their own
verdict_case() {
	local f=$1 name ns ka=0 vi=0 klines vlines want
	name=$(basename "$f")
	ns="kv-$$-${name%.conf}"
	netns_for_file "$ns" "$f" eth0 eth1 >/dev/null 2>&1 || { echo "FAIL $name: no namespace"; return; }
	(cd "$T" && ip netns exec "$ns" timeout 20 keepalived -t -l -n -f "$f") >"$T/$name.ka" 2>&1 || ka=$?
	(cd "$T" && ip netns exec "$ns" timeout 20 "$VIPD" -t -f "$f") >"$T/$name.vipd" 2>&1 || vi=$?
	ip netns del "$ns"
	want=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$ALLOWED")
	[ -n "$want" ] || want=$(verdict_class "$ka")
	if [ "$(verdict_class "$vi")" != "$want" ]; then
		echo "FAIL $name: keepalived -t exits $ka, vipd -t $vi ($(grep -v '^warning' "$T/$name.vipd" | head -n 1))"
		return
	fi
	# the lines keepalived names, and those vipd's recoveries name: some in common
	klines=$(grep -oE '\((.*: )?Line [0-9]+\)' "$T/$name.ka" | grep -oE '[0-9]+\)$' | tr -d ')' | sort -u)
	vlines=$(sed -n 's/^recovered: [^:]*:\([0-9]*\): .*/\1/p' "$T/$name.vipd" | sort -u)
	if [ "$vi" -eq 5 ] && [ -n "$klines" ] && [ -z "$(comm -12 <(echo "$klines") <(echo "$vlines"))" ]; then
		echo "FAIL $name: keepalived names lines" $klines", vipd's recoveries lines" $vlines
		return
	fi
	echo "ok $name: keepalived -t $ka, vipd -t $vi"
}
