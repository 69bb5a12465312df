#!/bin/bash
# Lab scenario: for the same configuration, vipd leaves the same IPVS table in the kernel as keepalived 2.2.7.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/ipvs-diff.sh [CONFIG...]
#
# Each configuration (test/lab/ipvs-diff/*.conf, then Debian's samples in /usr/share/doc/keepalived/samples
# that have a virtual_server, their timers shortened) runs twice at once: keepalived in netns kaS, vipd in
# netns vdS, two directors alike (IPVS tables are per network namespace, so each starts from an empty table
# and the kernel's default timeouts). When both tables have settled, each is dumped with ipvsadm (-S -n,
# -L -n --tun-info, --timeout, --daemon) and the dumps are compared. Every line that differs must be listed,
# with its reason, in test/lab/ipvs-diff/allowed.txt (the same differences are in doc/vipd.conf.5,
# DIFFERENCES FROM KEEPALIVED, IPVS tables); a configuration listed in pending.txt (a parser difference still
# to fix) is compared and reported but does not fail. Several configurations run side by side (LAB_IPVS_DIFF_JOBS,
# default 6) to keep the run short.
#
#   director kaS / vdS: eth0 198.51.100.1xx/24, 2001:db8:1::1xx/64 --[bi]-- rs: 198.51.100.21-25, ::21-24
#                       vip0 (dummy) 192.0.2.10/32                          httpd .21:80 .21:8080 .22:80
#                       sync0 <-> sync1 (veth, 10.0.0.1/30 and .2)          .23:80 [::21]:80; UDP .21:5000
# .24, .25 and ::24 answer nothing (refused); the samples' real servers are unreachable (no route).

set -uo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=../lib/topo.sh disable=SC1091 # (followed with shellcheck -x)
. "$here/../lib/topo.sh"

VIPD=$top_builddir/vipd
CONFDIR=$top_srcdir/test/lab/ipvs-diff
ALLOWED=$CONFDIR/allowed.txt
SAMPLES=${LAB_IPVS_DIFF_SAMPLES:-/usr/share/doc/keepalived/samples}
JOBS=${LAB_IPVS_DIFF_JOBS:-6}
QUIET_MS=3000	# a table unchanged this long after it appeared has settled (checkers' first verdicts come
		# about 1 s after keepalived fills its table; retries in these files add at most 0.4 s)
EMPTY_MS=15000	# a table still empty this long after the start stays empty
LIMIT_MS=45000	# a table that keeps changing this long is a failure
T=

t0=${EPOCHREALTIME/[.,]/}
# NOW: milliseconds since the start (a variable, not $(...): the polling loop must not fork)
NOW=0
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	NOW=$(((t - t0) / 1000))
}
step() {
	now_ms
	printf '== [%5.1fs] %s\n' "$((NOW / 100))e-1" "$*"
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

cleanup() {
	local p
	for p in $(jobs -p); do kill -TERM "$p" 2>/dev/null; done
	wait 2>/dev/null
	topo_cleanup
	[[ -n $T ]] && rm -rf "$T"
}

[[ -x $VIPD ]] || fail "$VIPD not built"
for c in ipvsadm keepalived busybox python3; do
	command -v "$c" >/dev/null || fail "$c not found (Debian packages ipvsadm, keepalived, busybox-static, python3)"
done
[[ -r $ALLOWED ]] || fail "$ALLOWED missing"

step "loading ip_vs, its schedulers and the sip engine (while the real servers are built)"
# one modprobe, in the background: loading modules under TCG takes seconds
modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh ip_vs_sed \
	ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_pe_sip dummy &
modprobe_pid=$!

topo_init
trap cleanup EXIT
T=$(mktemp -d /tmp/ipvs-diff.XXXXXX) || fail "mktemp failed"

# ---- the configurations ----
confs=()	# name=path
if (($# > 0)); then
	for f; do confs+=("$(basename "$f" .conf)=$f"); done
else
	for f in "$CONFDIR"/*.conf; do confs+=("$(basename "$f" .conf)=$f"); done
	# The samples' checkers would take tens of seconds to give up on their unreachable real servers
	# (delay_loop 6-60, 3 retries 3 s apart): shorten every timer, keep the rest as it is.
	mkdir -p "$T/samples"
	for f in "$SAMPLES"/keepalived.conf.*; do
		grep -q '^[[:space:]]*virtual_server[[:space:]]' "$f" || continue
		n=sample-${f##*/keepalived.conf.}
		sed -E -e 's/^([[:space:]]*delay_loop)[[:space:]]+[0-9]+/\1 3/' \
			-e 's/^([[:space:]]*delay_before_retry)[[:space:]]+[0-9]+/\1 0.1/' \
			-e 's/^([[:space:]]*connect_timeout)[[:space:]]+[0-9]+/\1 3/' \
			-e 's/^([[:space:]]*misc_timeout)[[:space:]]+[0-9]+/\1 5/' "$f" >"$T/samples/$n.conf" ||
			fail "cannot copy $f"
		confs+=("$n=$T/samples/$n.conf")
	done
fi
((${#confs[@]} > 0)) || fail "no configurations"

# ---- the real servers ----
step "building the real servers (netns rs on bridge bi)"
topo_bridge bi
topo_host rs bi eth0 198.51.100.21/24 198.51.100.22/24 198.51.100.23/24 198.51.100.24/24 198.51.100.25/24 \
	2001:db8:1::21/64 2001:db8:1::22/64 2001:db8:1::23/64 2001:db8:1::24/64
{ mkdir -p "$T/www" && echo rs >"$T/www/index.html"; } || fail "cannot write $T/www"
for hp in 198.51.100.21:80 198.51.100.21:8080 198.51.100.22:80 198.51.100.23:80 '[2001:db8:1::21]:80'; do
	topo_bg rs busybox httpd -f -p "$hp" -h "$T/www"
done
# UDP_CHECK counts a port that answers nothing (no ICMP error) as up
topo_bg rs python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.51.100.21", 5000))
while True:
    s.recv(4096)'
# wait for the listeners in one bash (its /dev/tcp connects without starting a process per try)
# shellcheck disable=SC2016 # expanded by that bash
ip netns exec rs bash -c 'exec {t}<> <(:)
	for hp in 198.51.100.21/80 198.51.100.21/8080 198.51.100.22/80 198.51.100.23/80 2001:db8:1::21/80; do
		for ((i = 0; i < 100; i++)); do
			{ exec {c}<>"/dev/tcp/$hp" && exec {c}>&-; } 2>/dev/null && continue 2
			read -r -t 0.1 -u "$t"
		done
		echo "httpd on $hp did not come up" >&2
		exit 1
	done' || fail "the real servers did not come up"
wait "$modprobe_pid" || fail "modprobe failed (this kernel has no IPVS?)"

# ---- one director ----
# director NS HOST: netns NS on bi with 198.51.100.HOST and 2001:db8:1::HOST
director() {
	local ns=$1 h=$2
	ip netns add "$ns" || fail "cannot create netns $ns"
	TOPO_NETNS+=("$ns")
	ip -n bi link add "p$ns" type veth peer name eth0 netns "$ns" || fail "cannot create veth for $ns"
	ip -n bi link set "p$ns" master bi up
	ip -n "$ns" -b - <<EOF || fail "cannot set up $ns"
link set lo up
link set eth0 up
addr add 198.51.100.$h/24 dev eth0
addr add 2001:db8:1::$h/64 dev eth0 nodad
link add vip0 type dummy
link set vip0 up
addr add 192.0.2.10/32 dev vip0
link add sync0 type veth peer name sync1
addr add 10.0.0.1/30 dev sync0
addr add 10.0.0.2/30 dev sync1
link set sync0 up
link set sync1 up
EOF
	# PING_CHECK's ICMP datagram sockets need the group in this range (new namespaces allow none)
	ip netns exec "$ns" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
}

# dump NS SYNC: what the comparison reads (the sync daemons only where lvs_sync_daemon is configured: no
# other file starts them in either daemon)
dump() {
	# shellcheck disable=SC2016 # expanded by that bash
	ip netns exec "$1" bash -c 'echo "## ipvsadm -S -n | sort"; ipvsadm -S -n | sort
		echo "## ipvsadm -L -n --tun-info"; ipvsadm -L -n --tun-info
		echo "## ipvsadm -L -n --timeout"; ipvsadm -L -n --timeout
		if (($1)); then echo "## ipvsadm -L -n --daemon"; ipvsadm -L -n --daemon; fi' dump "$2" 2>&1
}
# snap NS PID SYNC: what the settling watch compares between polls, in SNAP. The table comes from the
# daemon's /proc/PID/net/ip_vs (its network namespace's), read without starting a process: polling
# 2 x JOBS tables with ipvsadm ten times a second would take the CPU the daemons need.
SNAP=
snap() {
	SNAP=
	read -r -d '' SNAP <"/proc/$2/net/ip_vs" 2>/dev/null
	if (($3)); then
		SNAP+=$(ip netns exec "$1" ipvsadm -L -n --daemon 2>&1)
	fi
	return 0
}

# ---- the allowed differences: "CONFIG | < or > LINE | REASON" ----
PENDING=$CONFDIR/pending.txt
declare -A pending=()
if [[ -r $PENDING ]]; then
	while IFS= read -r line; do
		[[ -z $line || $line == \#* ]] && continue
		[[ $line == *' | '?* ]] || fail "pending.txt: no 'CONFIG | REASON' in: $line"
		pending[${line%% | *}]=${line#* | }
	done <"$PENDING"
fi
declare -A allowed=() allowed_used=()
while IFS= read -r line; do
	[[ -z $line || $line == \#* ]] && continue
	[[ $line == *' | '*' | '* ]] || fail "allowed.txt: no 'CONFIG | LINE | REASON' in: $line"
	c=${line%% | *}
	rest=${line#* | }
	l=${rest% | *}
	[[ -n ${rest##* | } ]] || fail "allowed.txt: no reason in: $line"
	allowed["$c|$l"]=1
done <"$ALLOWED"

# ---- run ----
# a descriptor nothing is ever written to: `read -t` on it sleeps without starting a process
exec {TICK}<> <(:)
declare -A pid=() started=() last=() changed=() ready=() settled=() sync=()
failures=0
pending_seen=()
identical=()
differing=()

# run_batch NAME=PATH...: the configurations side by side, slot s in kaS and vdS
run_batch() {
	local -a names=() paths=() nss=() args=("$@") kargs vargs
	local s ns n p f t todo
	for ((s = 0; s < ${#args[@]}; s++)); do
		names[s]=${args[s]%%=*}
		paths[s]=${args[s]#*=}
	done
	for ((s = 0; s < ${#names[@]}; s++)); do
		director "ka$s" $((100 + s))
		director "vd$s" $((150 + s))
	done
	for ((s = 0; s < ${#names[@]}; s++)); do
		n=${names[s]}
		f=${paths[s]}
		kargs=() vargs=()
		# the samples' VRRP instances name interfaces the directors lack: their checkers alone
		[[ $n == sample-* ]] && kargs=(--check) vargs=(--check --ipvs)
		sync[ka$s]=0 sync[vd$s]=0
		if [[ $n != sample-* ]] && grep -q '^[[:space:]]*lvs_sync_daemon[[:space:]]' "$f"; then
			sync[ka$s]=1 sync[vd$s]=1
		fi
		ip netns exec "ka$s" keepalived -n -l -D -f "$f" "${kargs[@]}" -p "$T/$n.ka.pid" -c "$T/$n.ka.cpid" \
			-r "$T/$n.ka.vpid" >"$T/$n.ka.log" 2>&1 &
		pid[ka$s]=$!
		ip netns exec "vd$s" "$VIPD" -n -l -f "$f" "${vargs[@]}" -p "$T/$n.vd.pid" -s "$T/$n.vd.sock" \
			>"$T/$n.vd.log" 2>&1 &
		pid[vd$s]=$!
		now_ms
		t=$NOW
		for ns in "ka$s" "vd$s"; do
			started[$ns]=$t changed[$ns]=$t last[$ns]="" ready[$ns]="" settled[$ns]=""
			nss+=("$ns")
		done
	done
	# Poll until every table has settled: it appeared (a service, and the sync daemon when configured)
	# or stayed empty for EMPTY_MS, then stayed the same for QUIET_MS.
	while :; do
		todo=0
		for ns in "${nss[@]}"; do
			[[ -n ${settled[$ns]} ]] && continue
			snap "$ns" "${pid[$ns]}" "${sync[$ns]}"
			p=$SNAP
			now_ms
			t=$NOW
			if [[ $p != "${last[$ns]}" ]]; then
				last[$ns]=$p
				changed[$ns]=$t
			fi
			if [[ -z ${ready[$ns]} ]]; then
				if [[ $p =~ $'\n'(TCP|UDP|SCTP|FWM)' ' ]] &&
					{ ((!sync[$ns])) || [[ $p == *'sync daemon'* ]]; }; then
					ready[$ns]=$t
				elif ((t - started[$ns] >= EMPTY_MS)); then
					ready[$ns]=$t
				fi
			fi
			if [[ -n ${ready[$ns]} ]] && ((t - ready[$ns] >= QUIET_MS && t - changed[$ns] >= QUIET_MS)); then
				settled[$ns]=$((changed[$ns] - started[$ns]))
				continue
			fi
			((t - started[$ns] >= LIMIT_MS)) && settled[$ns]=never && continue
			todo=1
		done
		((todo)) || break
		read -r -t 0.1 -u "$TICK"
	done
	step "settled; dumping the tables"
	for ((s = 0; s < ${#names[@]}; s++)); do
		n=${names[s]}
		dump "ka$s" "${sync[ka$s]}" >"$T/$n.ka.dump"
		dump "vd$s" "${sync[vd$s]}" >"$T/$n.vd.dump"
	done
	# SIGKILL, every process of the namespace: how they stop is not compared, and a clean stop (keepalived
	# removing its services one by one, omega scripts) would only take CPU from the next batch
	step "killing the daemons"
	for ns in "${nss[@]}"; do
		# shellcheck disable=SC2046 # a list of pids
		kill -KILL $(ip netns pids "$ns") 2>/dev/null
	done
	for ns in "${nss[@]}"; do wait "${pid[$ns]}" 2>/dev/null; done
	for ns in "${nss[@]}"; do
		ip -n bi link del "p$ns" 2>/dev/null
		ip netns del "$ns"
	done
	TOPO_NETNS=(bi rs)
	for ((s = 0; s < ${#names[@]}; s++)); do
		compare "${names[s]}" "ka$s" "vd$s"
	done
}

# compare NAME KANS VDNS: the dumps, each differing line checked against allowed.txt
compare() {
	local n=$1 k=$2 v=$3 line bad=0 ndiff=0
	if [[ ${settled[$k]} == never || ${settled[$v]} == never ]]; then
		echo "FAIL: $n: a table did not settle in $((LIMIT_MS / 1000)) s (keepalived ${settled[$k]}, vipd ${settled[$v]})" >&2
		bad=1
	fi
	while IFS= read -r line; do
		[[ $line == '<'* || $line == '>'* ]] || continue
		ndiff=$((ndiff + 1))
		if [[ -n ${allowed["$n|$line"]:-} ]]; then
			allowed_used["$n|$line"]=1
		elif [[ -n ${allowed["*|$line"]:-} ]]; then
			allowed_used["*|$line"]=1
		else
			((bad)) || echo "${pending[$n]:+PENDING }FAIL: $n: keepalived (<) and vipd (>) differ:" >&2
			echo "    $line" >&2
			bad=1
		fi
	done < <(diff "$T/$n.ka.dump" "$T/$n.vd.dump")
	printf '   %-28s settled: keepalived %6s ms, vipd %6s ms; ' "$n" "${settled[$k]}" "${settled[$v]}"
	if [[ -n ${pending[$n]:-} ]]; then
		if ((bad)); then
			echo "different, PENDING (pending.txt: ${pending[$n]})"
			pending_seen+=("$n")
		else
			echo "identical, but listed in pending.txt: remove it there"
			failures=$((failures + 1))
			differing+=("$n(pending.txt)")
		fi
		return
	fi
	if ((bad)); then
		echo "DIFFERENT"
		failures=$((failures + 1))
		differing+=("$n")
		{
			echo "--- $n: keepalived's dump:"
			cat "$T/$n.ka.dump"
			echo "--- $n: vipd's dump:"
			cat "$T/$n.vd.dump"
			echo "--- $n: keepalived's log (tail):"
			tail -n 15 "$T/$n.ka.log"
			echo "--- $n: vipd's log (tail):"
			tail -n 15 "$T/$n.vd.log"
		} >&2
	elif ((ndiff)); then
		echo "same but for $ndiff allowed lines"
		identical+=("$n(allowed)")
	else
		echo "identical"
		identical+=("$n")
	fi
	if [[ -n ${LAB_OUTPUT:-} ]]; then
		cp "$T/$n".*.dump "$T/$n".*.log "$LAB_OUTPUT/" 2>/dev/null
	fi
}

step "comparing ${#confs[@]} configurations, $JOBS at a time"
for ((i = 0; i < ${#confs[@]}; i += JOBS)); do
	batch=("${confs[@]:i:JOBS}")
	step "batch: ${batch[*]%%=*}"
	run_batch "${batch[@]}"
done

for key in "${!allowed[@]}"; do
	[[ -n ${allowed_used[$key]:-} ]] && continue
	# only configurations that ran can tell an entry is stale
	for c in "${confs[@]}"; do
		if [[ ${key%%|*} == "${c%%=*}" ]]; then
			echo "note: allowed.txt entry not seen (stale?): $key" >&2
		fi
	done
done

step "done: ${#identical[@]} alike, $failures different, ${#pending_seen[@]} different and pending (${pending_seen[*]})"
((failures == 0)) || fail "tables differ for: ${differing[*]}"
echo "PASS: vipd leaves keepalived's IPVS table for ${#identical[@]} configurations"
