#!/bin/sh
# One side of vrrp-diff.sh: runs keepalived (WHO = ka) or vipd (WHO = vipd) alone on CONF in a network
# namespace of its own and writes, into OUT: ID.WHO.states (each instance's state once settled), ID.WHO.dump
# (the kernel state then, normalised), ID.WHO.stopped (the kernel state after the daemon stopped) and its
# log. Both sides of one configuration run at once, each in its own namespaces: vipd's side waits for
# keepalived's states (ID.ka.states), then for its own instances to reach them.
#
# usage: vrrp-run.sh CONF ID OUT WHO NSPREFIX    (VIPD and VIPCTL in the environment for vipd)
#
# Directives in CONF, comments to both daemons:
#   #@ link NAME [ADDR...]  a veth NAME (its peer, also NAME, in a wire namespace) with these addresses;
#                           without any #@ link, each interface the file names gets 192.168.200.(230+i)/24
#                           (the samples' subnet, clear of their addresses)
#   #@ wire NAME ADDR...    addresses of the wire's end of NAME
#   #@ nocarrier NAME       the wire's end stays down: NAME is up without carrier
#   #@ peer FILE            keepalived on FILE (beside CONF) in the wire namespace, master before the
#                           daemon under test starts
#   #@ settle SECONDS       how long an instance may stay BACKUP before it counts as settled (default 6)
#   #@ args WORDS...        more arguments for both daemons (e.g. -i high)
set -u

CONF=$1 ID=$2 OUT=$3 WHO=$4 PFX=$5
D="$PFX-$WHO"
W="$D-w"
LOG="$OUT/$ID.$WHO.log"
HERE=$(dirname "$CONF")
exec 2>>"$OUT/$ID.$WHO.err"

directive() {
	sed -n "s/^#@ $1 //p" "$CONF"
}

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# the instance names, in file order
instances() {
	awk '$1 == "vrrp_instance" { print $2 }' "$CONF" | sed 's/^@[^ ]* *//'
}

# links NAME...: every interface the file names (interface, dev, track_interface's lines), first seen first
named_links() {
	sed 's/#.*//; s/!.*//' "$CONF" | awk '
		/track_interface[ \t]*\{/ { intrack = 1; next }
		intrack && /\}/ { intrack = 0; next }
		intrack && NF { print $1; next }
		{
			for (i = 1; i < NF; i++)
				if ($i == "interface" || $i == "dev" || $i == "lvs_sync_daemon_interface" ||
				    $i == "default_interface")
					print $(i + 1)
		}' | awk '!seen[$0]++'
}

setup() {
	# one at a time: `ip netns add`s at once can hide each other's mounts under /run/netns
	flock "$OUT/netns.lock" ip netns add "$D" || exit 1
	flock "$OUT/netns.lock" ip netns add "$W" || exit 1
	for n in "$D" "$W"; do
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		ip -n "$n" link set lo up
	done
	i=0
	links=$(directive link)
	if [ -z "$links" ]; then
		links=$(named_links | awk '{ printf "%s 192.168.200.%d/24\n", $1, 230 + NR }')
	fi
	echo "$links" | while read -r name addrs; do
		[ -n "$name" ] || continue
		i=$((i + 1))
		# fixed MACs, so that link-local addresses are the same in both runs
		for _ in 1 2 3 4 5; do
			flock "$OUT/netns.lock" ip -n "$D" link add "$name" address "02:00:00:00:$(printf %02x "$i"):01" \
				type veth peer name "$name" netns "$W" address "02:00:00:00:$(printf %02x "$i"):02" && break
			sleep 0.2
		done
		for a in $addrs; do
			case $a in
			*:*) ip -n "$D" addr add "$a" dev "$name" nodad ;;
			*) ip -n "$D" addr add "$a" dev "$name" ;;
			esac
		done
		ip -n "$D" link set "$name" up
		if ! directive nocarrier | grep -qx "$name"; then
			ip -n "$W" link set "$name" up
		fi
	done
	directive wire | while read -r name addrs; do
		for a in $addrs; do
			case $a in
			*:*) ip -n "$W" addr add "$a" dev "$name" nodad ;;
			*) ip -n "$W" addr add "$a" dev "$name" ;;
			esac
		done
	done
	# link-local addresses come with carrier; both daemons want them for IPv6
	end=$(( $(now_ms) + 5000 ))
	while ip -n "$D" -6 -o addr show scope link tentative | grep -q . ||
		[ "$(ip -n "$D" -o link show up | grep -v 'NO-CARRIER' | grep -vc ' lo:')" -gt \
		  "$(ip -n "$D" -6 -o addr show scope link | grep -c .)" ]; do
		[ "$(now_ms)" -lt "$end" ] || break
		sleep 0.05
	done
}

start_peer() {
	peer=$(directive peer)
	[ -n "$peer" ] || return 0
	ip netns exec "$W" keepalived -n -l -D -f "$HERE/$peer" --vrrp -p "$OUT/$ID.$WHO.peer.pid" \
		-r "$OUT/$ID.$WHO.peer.vrrp.pid" >"$OUT/$ID.$WHO.peer.log" 2>&1 &
	end=$(( $(now_ms) + 10000 ))
	until grep -q 'Entering MASTER STATE' "$OUT/$ID.$WHO.peer.log"; do
		[ "$(now_ms)" -lt "$end" ] || { echo "peer never became master" >>"$LOG"; return 0; }
		sleep 0.1
	done
}

# ka_states: NAME STATE per instance from keepalived's log (the last state it entered)
ka_states() {
	for n in $(instances); do
		# "(VI_1) Entering MASTER STATE", "(VI_1) entering FAULT state", "(VI_2): entering FAULT state (...)"
		s=$(sed -n "s/.*($n):\{0,1\} [Ee]ntering \([A-Z]*\) [Ss][Tt][Aa][Tt][Ee].*/\1/p" "$LOG" | tail -n 1)
		echo "$n ${s:-NONE}"
	done
}

vipd_states() {
	st=$("$VIPCTL" -s "$OUT/$ID.sock" status --json 2>/dev/null |
		jq -r '.children[] | select(.name == "vrrp") | .status.instances[] | "\(.name) \(.state)"' 2>/dev/null)
	for n in $(instances); do
		s=$(echo "$st" | awk -v n="$n" '$1 == n { print $2 }')
		echo "$n ${s:-NONE}"
	done
}

# the kernel state, one item a line, with what differs from run to run (ifindexes, namespace names,
# lifetimes counting down) normalised
dump() {
	# (ip names a veth's peer namespace by looking at every one in /run/netns: not while one goes)
	flock "$OUT/netns.lock" ip -n "$D" -d -o link | sed -E 's/^[0-9]+: //; s/@if[0-9]+:/@ifN:/;
		s/link-netns(id)? [^ ]+/link-netns WIRE/; s/\\ +/ /g; s/ +/ /g; s/^/link /'
	ip -n "$D" -o addr | sed -E 's/^[0-9]+: //; s/\\ +/ /g; s/ +/ /g; s/ ([a-z_]+) [1-9][0-9]*sec/ \1 Nsec/g;
		s/^/addr /'
	for f in 4 6; do
		ip -n "$D" -"$f" -d route show table all | sed -E 's/expires [0-9]+sec/expires Nsec/; s/ +/ /g;
			s/^/route'"$f"' /'
		ip -n "$D" -"$f" rule show | sed -E 's/\t/ /g; s/ +/ /g; s/^/rule'"$f"' /'
	done
	ip netns exec "$D" sh -c '
		for c in /proc/sys/net/ipv4/conf/*; do
			for k in arp_ignore arp_filter arp_announce accept_local rp_filter promote_secondaries \
				send_redirects forwarding; do
				echo "sysctl ipv4 ${c##*/} $k $(cat "$c/$k")"
			done
		done
		for c in /proc/sys/net/ipv6/conf/*; do
			for k in disable_ipv6 accept_ra autoconf addr_gen_mode accept_dad forwarding; do
				echo "sysctl ipv6 ${c##*/} $k $(cat "$c/$k" 2>/dev/null)"
			done
		done'
}

# stable_dump FILE: dumps until two in a row (0.2 s apart) are the same, at most 3 s
stable_dump() {
	dump >"$1"
	end=$(( $(now_ms) + 3000 ))
	while [ "$(now_ms)" -lt "$end" ]; do
		sleep 0.2
		dump >"$1.next"
		if cmp -s "$1" "$1.next"; then break; fi
		mv "$1.next" "$1"
	done
	rm -f "$1.next"
}

settled() {
	! grep -qv ' \(MASTER\|FAULT\)$' "$1"
}

setup >>"$LOG" 2>&1
start_peer
settle=$(directive settle)
settle_ms=$(( ${settle:-6} * 1000 ))
# shellcheck disable=SC2046
set -- $(directive args)
start=$(now_ms)
if [ "$WHO" = ka ]; then
	ip netns exec "$D" keepalived -n -l -D -f "$CONF" --vrrp -p "$OUT/$ID.ka.pid" -r "$OUT/$ID.ka.vrrp.pid" "$@" \
		>>"$LOG" 2>&1 &
	pid=$!
	while :; do
		ka_states >"$OUT/$ID.ka.states.tmp"
		if settled "$OUT/$ID.ka.states.tmp" || [ $(( $(now_ms) - start )) -ge "$settle_ms" ]; then break; fi
		sleep 0.1
	done
	# states are written where vipd's side waits for them once the kernel state is in place
	stable_dump "$OUT/$ID.ka.dump"
	ka_states >"$OUT/$ID.ka.states.tmp"
	mv "$OUT/$ID.ka.states.tmp" "$OUT/$ID.ka.states"
else
	"$VIPD" -t -f "$CONF" "$@" >"$OUT/$ID.vipd.check" 2>&1
	echo "exit $?" >>"$OUT/$ID.vipd.check"
	ip netns exec "$D" "$VIPD" -n -l -D -f "$CONF" -p "$OUT/$ID.vipd.pid" -s "$OUT/$ID.sock" "$@" >>"$LOG" 2>&1 &
	pid=$!
	end=$(( start + settle_ms + 15000 ))
	while [ ! -f "$OUT/$ID.ka.states" ] && [ "$(now_ms)" -lt "$end" ]; do sleep 0.1; done
	# as long as keepalived took at least, and 2 s more
	end=$(( $(now_ms) + 2000 ))
	[ "$end" -ge $(( start + settle_ms )) ] || end=$(( start + settle_ms ))
	while :; do
		vipd_states >"$OUT/$ID.vipd.states"
		if cmp -s "$OUT/$ID.vipd.states" "$OUT/$ID.ka.states" || [ "$(now_ms)" -ge "$end" ]; then break; fi
		sleep 0.1
	done
	stable_dump "$OUT/$ID.vipd.dump"
	vipd_states >"$OUT/$ID.vipd.states"
fi
sed 's/^/state /' "$OUT/$ID.$WHO.states" >>"$OUT/$ID.$WHO.dump"
kill -TERM "$pid" 2>/dev/null
end=$(( $(now_ms) + 5000 ))
while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
dump >"$OUT/$ID.$WHO.stopped"
for n in "$W" "$D"; do
	for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	flock "$OUT/netns.lock" ip netns del "$n" 2>/dev/null
done
exit 0
