#!/bin/bash
# Lab scenario: the failover drill. Two vipd directors (VRRP, IPVS NAT, TCP checks, connection sync),
# two real servers, a client holding long-lived TCP streams and opening new connections all along.
# The master dies (every process frozen, its links cut, every process SIGKILLed); the backup takes over.
# Then the old master comes back and, once its connection table is complete (relay resync during
# preempt_delay), takes over again. Asserts: no established stream is reset in either direction, every
# stream is alive at the end, each new master's table held every stream the moment it took over (a
# notify_master script copies it), and new connections succeed again right after each takeover.
# Prints the timeline (who is master, streams alive, answers per 100 ms) and the figures of each
# takeover; writes them, the picture (drill.svg) and the raw data to LAB_OUTPUT.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/failover-drill.sh (or `make drill`).
#
#   client 192.0.2.100 --[bx]-- dirA 192.0.2.1  eth0 | VIP 192.0.2.10 (VRRP VI_1: eth0)
#                          |--- dirB 192.0.2.2  eth0 |
#   dirA 198.51.100.2 eth1 --[bi]-- rs1 198.51.100.21, rs2 198.51.100.22 (default via 198.51.100.254,
#   dirB 198.51.100.3 eth1 -|       the second VIP of VI_1, on eth1)
#   dirA 203.0.113.1 eth2 --[bs]-- dirB 203.0.113.2 eth2 (connection sync)
#
# Environment (all optional):
#   DRILL_SYNC=relay|kernel|none  connection sync (relay: vipd relays the kernel's sync daemons over a
#                          private veth pair; kernel: keepalived's lvs_sync_daemon; none: a control run,
#                          which must fail)                                          (relay)
#   DRILL_FRAMING=secure|compat   relay framing                                      (secure)
#   DRILL_PREEMPT=1|0      1: the old master preempts after preempt_delay; 0: nopreempt, and the drill
#                          kills dirB in turn to go back to dirA                      (1)
#   DRILL_RETURN=reboot|restart   reboot: dirA comes back with a fresh network namespace (empty IPVS
#                          table, no addresses); restart: its links come up again with what the
#                          killed vipd left (VIPs, table) and vipd starts again          (reboot)
#   DRILL_STREAMS, DRILL_RATE     long-lived streams; new connections a second        (20, 20)
#   DRILL_ADVERT_INT       VRRP advert_int in seconds (VRRP v3)                       (1)
#   DRILL_PREEMPT_DELAY    seconds                                                    (4)
#   DRILL_STEADY           seconds of steady traffic before and after each event       (4)
#   LAB_OUTPUT             folder for timeline.csv, timeline.txt, drill.svg, the event files and logs
#                          (test/lab/run sets it in the guest when LAB_OUTPUT is set on the host)

set -uo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=../lib/topo.sh disable=SC1091
. "$here/../lib/topo.sh"

VIPD=$top_builddir/vipd
VIPCTL=$top_builddir/vipctl
CLIENT=$top_builddir/test/drill/drill-client
SERVER=$top_builddir/test/drill/drill-server
REPORT=$top_srcdir/test/drill/drill-report.awk
SVG=$top_srcdir/test/drill/drill-svg.awk

sync_mode=${DRILL_SYNC:-relay}
framing=${DRILL_FRAMING:-secure}
preempt=${DRILL_PREEMPT:-1}
return_mode=${DRILL_RETURN:-reboot}
streams=${DRILL_STREAMS:-20}
rate=${DRILL_RATE:-20}
advert=${DRILL_ADVERT_INT:-1}
preempt_delay=${DRILL_PREEMPT_DELAY:-4}
steady=${DRILL_STEADY:-4}
key=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
vip=192.0.2.10
gw_vip=198.51.100.254
port=80
declare -A front=([dirA]=192.0.2.1 [dirB]=192.0.2.2) back=([dirA]=198.51.100.2 [dirB]=198.51.100.3)
declare -A syncaddr=([dirA]=203.0.113.1 [dirB]=203.0.113.2) prio=([dirA]=150 [dirB]=100)
declare -A vipd_pid=()
T=
OUT=
CLIENT_PID=
client_rc=
FROZEN=
READERS=()

case $sync_mode in relay | kernel | none) ;; *) echo "DRILL_SYNC: relay, kernel or none" >&2; exit 2 ;; esac
case $framing in secure | compat) ;; *) echo "DRILL_FRAMING: secure or compat" >&2; exit 2 ;; esac
case $return_mode in reboot | restart) ;; *) echo "DRILL_RETURN: reboot or restart" >&2; exit 2 ;; esac
case $preempt in 0 | 1) ;; *) echo "DRILL_PREEMPT: 0 or 1" >&2; exit 2 ;; esac

t0=${EPOCHREALTIME/,/.}
now() { echo "${EPOCHREALTIME/,/.}"; }
step() {
	printf '== [%6.1fs] %s\n' "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')" "$*"
}
# note WHO WHAT...: an event of the drill, on the same clock as the VRRP transitions and the client
note() {
	note_at "${EPOCHREALTIME/,/.}" "$@"
}
note_at() {
	echo "$*" >>"$T/events.txt"
}

fail() {
	echo "FAIL: $*" >&2
	# a drill that stopped half-way still shows what happened until then
	[[ -n $CLIENT_PID ]] && finish >/dev/null
	if [[ -n $T ]]; then
		for d in dirA dirB; do
			[[ -f $T/$d.log ]] || continue
			echo "--- vipd log of $d (tail):" >&2
			grep -v ': TCP_CHECK of ' "$T/$d.log" | tail -n 25 >&2
			if [[ -S $T/$d.sock ]]; then
				echo "--- sync status of $d:" >&2
				sync_status "$d" >&2 || true
			fi
		done
		[[ -f $T/events.txt ]] && { echo "--- events:" >&2; sort -n "$T/events.txt" >&2; }
		[[ -f $T/client-events.txt ]] && { echo "--- client events (tail):" >&2; tail -n 20 "$T/client-events.txt" >&2; }
	fi
	save_output
	exit 1
}

# Stops the client, then writes the timeline table, the figures and the picture to $OUT and prints
# the table; returns the report's verdict (client_rc: the client's exit status).
finish() {
	local settings rc
	if [[ -n $CLIENT_PID ]]; then
		note client stop
		kill -TERM "$CLIENT_PID"
		wait "$CLIENT_PID"
		client_rc=$?
		CLIENT_PID=
		step "client exited $client_rc"
	fi
	[[ -s $T/timeline.csv ]] || return 1
	tables_to_events
	sort -s -n -k1,1 "$T/events.txt" >"$OUT/events.txt"
	cp "$T/timeline.csv" "$T/client-events.txt" "$OUT/"
	settings="$streams streams, $rate new connections/s, sync $sync_mode$([[ $sync_mode == relay ]] &&
		echo " ($framing)"), advert_int ${advert}s, $( ((preempt)) && echo "preempt_delay ${preempt_delay}s" ||
		echo nopreempt), old master back by $return_mode"
	awk -v streams="$streams" -v title="vipd failover drill: $settings" -v figures="$OUT/figures.txt" \
		-f "$REPORT" "$OUT/events.txt" "$OUT/client-events.txt" "$OUT/timeline.csv" >"$OUT/timeline.txt"
	rc=$?
	awk -v settings="$settings" -f "$SVG" "$OUT/figures.txt" "$OUT/events.txt" "$OUT/client-events.txt" \
		"$OUT/timeline.csv" >"$OUT/drill.svg" || { echo "drawing the SVG failed" >&2; rc=1; }
	cat "$OUT/timeline.txt"
	save_output
	return "$rc"
}

save_output() {
	[[ -n $OUT && -n $T && $OUT != "$T/out" ]] || return 0
	mkdir -p "$OUT/logs"
	for f in "$T"/*.log "$T"/*.conf; do [[ -f $f ]] && cp "$f" "$OUT/logs/"; done
	return 0
}

cleanup() {
	set +e
	[[ -n $CLIENT_PID ]] && kill -TERM "$CLIENT_PID" 2>/dev/null
	# a drill that failed half-way through a kill leaves frozen processes, deaf to SIGTERM
	# shellcheck disable=SC2086 # a list of pids
	[[ -n $FROZEN ]] && kill -KILL $FROZEN 2>/dev/null
	for p in "${vipd_pid[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${vipd_pid[@]}" $CLIENT_PID; do wait "$p" 2>/dev/null; done
	for p in "${READERS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${READERS[@]}"; do wait "$p" 2>/dev/null; done
	topo_cleanup
	[[ -n $T ]] && rm -rf "$T"
}

for b in "$VIPD" "$VIPCTL" "$CLIENT" "$SERVER"; do
	[[ -x $b ]] || fail "$b not built (run make, or make drill)"
done
for cmd in ipvsadm jq awk; do
	command -v "$cmd" >/dev/null || fail "$cmd not found"
done

# ---- helpers ----

# wait_until SECONDS DESCRIPTION COMMAND...: poll every 0.1 s
wait_until() {
	local limit=$1 desc=$2 end
	shift 2
	end=$((EPOCHSECONDS + limit))
	until "$@" 2>/dev/null; do
		((EPOCHSECONDS >= end)) && fail "timed out after ${limit}s waiting for $desc"
		sleep 0.1
	done
}

sync_status() {
	"$VIPCTL" -s "$T/$1.sock" status --json | jq -c '.children[] | select(.name == "sync") | .status'
}

# The last VRRP state a director announced (its notify_fifo lines, stamped by reader()).
vrrp_state() {
	awk -v d="$1" '$2 == d && $3 == "INSTANCE" { s = $5 } END { print s }' "$T/events.txt"
}
is_state() { [[ $(vrrp_state "$1") == "$2" ]]; }

# Stamps each line vipd writes to its notify fifo with the time it arrives. The reader holds the fifo
# open for writing too, so it never sees an end of file between two vipd runs.
reader() {
	local d=$1 fifo=$T/$1.fifo line
	mkfifo "$fifo" || fail "mkfifo $fifo"
	(
		exec 3<>"$fifo"
		while IFS= read -r -u 3 line; do
			echo "${EPOCHREALTIME/,/.} $d ${line//\"/}" >>"$T/events.txt"
		done
	) &
	READERS+=($!)
}

# How many of the client's streams a director's IPVS table holds as ESTABLISHED connections.
streams_in_table() {
	topo_in "$1" cat /proc/net/ip_vs_conn | awk -v ready="$T/ready" '
		BEGIN { while ((getline l < ready) > 0) { split(l, f, " "); want[sprintf("%04X", f[2])] = 1 } }
		$1 == "TCP" && $2 == "C0000264" && ($3 in want) && $8 == "ESTABLISHED" { n++ }
		END { print n + 0 }'
}
has_all_streams() { (($(streams_in_table "$1") >= streams)); }

# The client's last complete bucket began over a second after SINCE and shows every stream still alive
# answered within the last second (broken ones are the report's business: the drill goes on to show
# what happened).
flowing() {
	tail -n 1 "$T/timeline.csv" | awk -F, -v since="$1" '
		$1 + 0 > since + 1 && $7 < 1000 { ok = 1 } END { exit !ok }'
}

# When a director last announced MASTER.
master_since() {
	awk -v d="$1" '$2 == d && $3 == "INSTANCE" && $5 == "MASTER" { t = $1 } END { print t }' "$T/events.txt"
}

write_conf() {
	local d=$1 preempt_line sync_block=""
	if ((preempt)); then
		preempt_line="preempt_delay $preempt_delay"
	else
		preempt_line=nopreempt
	fi
	case $sync_mode in
	relay)
		sync_block="connection_sync {
	mode relay
	interface eth2
	vrrp_instance VI_1
	framing $framing
	$([[ $framing == secure ]] && echo "auth_key $key")
	syncid 7
	kernel_interface sk
	relay_interface su
}" ;;
	kernel) sync_block="" ;;
	esac
	cat >"$T/$d.conf" <<EOF
global_defs {
	router_id $d
	notify_fifo $T/$d.fifo
$([[ $sync_mode == kernel ]] && echo "	lvs_sync_daemon eth2 VI_1 id 7")
}

vrrp_instance VI_1 {
	state BACKUP
	interface eth0
	virtual_router_id 51
	version 3
	priority ${prio[$d]}
	advert_int $advert
	$preempt_line
	notify_master "$T/at-master.sh $d"
	virtual_ipaddress {
		$vip/32 dev eth0
		$gw_vip/32 dev eth1
	}
}

virtual_server $vip $port {
	delay_loop 1
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 198.51.100.21 $port {
		weight 1
		TCP_CHECK {
			connect_timeout 3
		}
	}
	real_server 198.51.100.22 $port {
		weight 1
		TCP_CHECK {
			connect_timeout 3
		}
	}
}
$sync_block
EOF
}

# ---- wiring, batched: under TCG every process start costs 0.1 to 0.5 s ----
# Like topo_host, but queued: wire() adds a veth pair from NS to a bridge, wire_commit() runs one
# `ip -batch` per namespace (the hosts' ends first, then the bridges' ports).
declare -A HOST_BATCH=() BRIDGE_BATCH=()
NPORTS=0
wire_bridge() {
	topo_netns "$1"
	BRIDGE_BATCH[$1]+="link add $1 type bridge stp_state 0 mcast_snooping 0"$'\n'"link set $1 up"$'\n'
}
# wire NS IF BRIDGE ADDR [ROUTE_GW]
wire() {
	local ns=$1 ifname=$2 br=$3 addr=$4 gw=${5:-} port
	topo_netns "$ns"
	NPORTS=$((NPORTS + 1))
	port=p$NPORTS
	HOST_BATCH[$ns]+="link add $ifname type veth peer name $port netns $br"$'\n'
	HOST_BATCH[$ns]+="addr add $addr dev $ifname"$'\n'"link set $ifname up"$'\n'
	[[ -n $gw ]] && HOST_BATCH[$ns]+="route add default via $gw dev $ifname onlink"$'\n'
	BRIDGE_BATCH[$br]+="link set $port master $br up"$'\n'
}
wire_commit() {
	local ns
	for ns in "${!HOST_BATCH[@]}"; do
		printf '%s' "${HOST_BATCH[$ns]}" | ip -n "$ns" -batch - || fail "wiring $ns failed"
	done
	for ns in "${!BRIDGE_BATCH[@]}"; do
		printf '%s' "${BRIDGE_BATCH[$ns]}" | ip -n "$ns" -batch - || fail "wiring bridge $ns failed"
	done
	HOST_BATCH=()
	BRIDGE_BATCH=()
}

# A director's network: three links, forwarding, and for relay mode the private pair with the
# kernel's sync daemons on it (what the administrator sets up, see sync/README.md).
build_director() {
	local d=$1 sysctls=(net.ipv4.ip_forward=1)
	wire "$d" eth0 bx "${front[$d]}/24"
	wire "$d" eth1 bi "${back[$d]}/24"
	wire "$d" eth2 bs "${syncaddr[$d]}/24"
	if [[ $sync_mode == relay ]]; then
		HOST_BATCH[$d]+="link add sk type veth peer name su
addr add 10.254.0.1/30 dev sk
addr add 10.254.0.2/30 dev su
link set sk up
link set su up
"
		sysctls+=(net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
			net.ipv4.conf.sk.rp_filter=0 net.ipv4.conf.su.rp_filter=0
			net.ipv4.conf.sk.accept_local=1 net.ipv4.conf.su.accept_local=1
			net.ipv4.vs.sync_sock_size=8388608)
	fi
	wire_commit
	topo_in "$d" sysctl -qw "${sysctls[@]}" || fail "sysctls of $d"
	[[ $sync_mode == relay ]] || return 0
	topo_in "$d" ipvsadm --start-daemon master --mcast-interface sk --syncid 7 || fail "kernel master daemon in $d"
	topo_in "$d" ipvsadm --start-daemon backup --mcast-interface sk --syncid 7 --mcast-port 8849 ||
		fail "kernel backup daemon in $d"
}

start_vipd() {
	local d=$1
	rm -f "$T/$d.sock"
	# checked where it runs: the interfaces it names are there
	# exit 6: scripts would run as root without enable_script_security, as keepalived -t says too; it runs
	topo_in "$d" "$VIPD" -t -f "$T/$d.conf" || [ $? -eq 6 ] || fail "vipd -t refuses $T/$d.conf"
	topo_bg "$d" "$VIPD" -n -l -D -f "$T/$d.conf" -p "$T/$d.pid" -s "$T/$d.sock" >>"$T/$d.log" 2>&1
	vipd_pid[$d]=${TOPO_PIDS[-1]}
	wait_until 20 "the control socket of $d" test -S "$T/$d.sock"
}

relay_open() {
	[[ $sync_mode != relay ]] && return 0
	[[ $(sync_status "$1" | jq -r .open) == true ]]
}

table_ready() {
	[[ $(topo_in "$1" ipvsadm -Ln | grep -c -- '-> 198\.51\.100\.2[12]:80 *Masq') == 2 ]]
}

# The death of a director, as a machine dies: its processes frozen, its links cut, its processes killed.
# The links are cut by an `ip` started beforehand and waiting for its commands on a fifo, so that they
# go down within milliseconds of the freeze: a process started now would take up to a second or two
# under TCG, while the frozen director's kernel went on forwarding (and its frozen sync child would not
# sync the connections it still let through).
kill_director() {
	local d=$1 pids cutter t
	mkfifo "$T/cut-$d" || fail "mkfifo $T/cut-$d"
	# read-write: opening it does not wait for a writer, and ip never sees an end of file
	ip -n "$d" -batch - 0<>"$T/cut-$d" &
	cutter=$!
	wait_until 10 "the link cutter to enter $d" in_netns "$cutter" "$d"
	pids=$(ip netns pids "$d" | grep -vx "$cutter")
	[[ -n $pids ]] || fail "no process in $d to kill"
	t=${EPOCHREALTIME/,/.}
	# shellcheck disable=SC2086 # a list of pids
	kill -STOP $pids
	FROZEN=$pids
	printf 'link set eth0 down\nlink set eth1 down\nlink set eth2 down\n' >"$T/cut-$d"
	note_at "$t" "$d" killed
	wait_until 10 "the links of $d to go down" links_down "$d"
	kill "$cutter"
	wait "$cutter" 2>/dev/null
	# shellcheck disable=SC2086
	kill -KILL $pids
	FROZEN=
	wait "${vipd_pid[$d]}" 2>/dev/null
	unset "vipd_pid[$d]"
	wait_until 10 "every process of $d to end" no_process "$d"
}

no_process() {
	[[ -z $(ip netns pids "$1") ]]
}

in_netns() {
	[[ $(ip netns identify "$1") == "$2" ]]
}

links_down() {
	[[ $(ip -n "$1" -o link show up | grep -c ': eth[0-2]@') == 0 ]]
}

# The dead director comes back: rebooted (a fresh namespace) or with its links up again.
revive_director() {
	local d=$1
	if [[ $return_mode == reboot ]]; then
		ip netns del "$d" || fail "cannot delete the namespace of $d"
		build_director "$d"
	else
		printf 'link set eth0 up\nlink set eth1 up\nlink set eth2 up\n' | ip -n "$d" -batch - ||
			fail "cannot bring the links of $d up"
	fi
	note "$d" back
	start_vipd "$d"
}

# Waits until the new master is in place and the client's traffic flows again through it.
await_takeover() {
	local to=$1 from=$2 limit=$3
	wait_until "$limit" "$to to become MASTER" is_state "$to" MASTER
	wait_until 30 "the streams to flow again through $to" flowing "$(master_since "$to")"
	if [[ -n $from ]]; then
		wait_until 15 "$from to be BACKUP" is_state "$from" BACKUP
	fi
	step "$to is MASTER; every stream answered again"
}

# The notify_master script: a copy of the director's IPVS connections the moment it becomes master.
# A stream missing then is lost for good: IPVS creates no entry for a packet in the middle of a
# connection, so the new master would answer it with a reset.
write_at_master() {
	cat >"$T/at-master.sh" <<EOF
#!/bin/sh
{ echo "table \$1 \$(date +%s.%N)"; cat /proc/net/ip_vs_conn; } >>"$T/tables-\$1.txt"
EOF
	chmod +x "$T/at-master.sh"
}

# After the run: one event per copy, "TIME DIRECTOR table N", N the client's streams it held.
tables_to_events() {
	local f
	for f in "$T"/tables-*.txt; do
		[[ -f $f ]] || continue
		awk -v ready="$T/ready" '
			BEGIN { while ((getline l < ready) > 0) { split(l, f, " "); want[sprintf("%04X", f[2])] = 1 } }
			function flush() { if (who != "") print t, who, "table", n + 0 }
			$1 == "table" { flush(); who = $2; t = $3; n = 0; next }
			$1 == "TCP" && $2 == "C0000264" && ($3 in want) && $8 == "ESTABLISHED" { n++ }
			END { flush() }' "$f" >>"$T/events.txt"
	done
}

# ---- the topology ----
step "loading ip_vs, building the topology (sync: $sync_mode$([[ $sync_mode == relay ]] && echo "/$framing"))"
modprobe ip_vs || fail "modprobe ip_vs failed"
modprobe ip_vs_rr || fail "modprobe ip_vs_rr failed"
topo_init
trap cleanup EXIT
T=$(mktemp -d /tmp/drill.XXXXXX) || fail "mktemp failed"
OUT=${LAB_OUTPUT:-$T/out}
mkdir -p "$OUT" || fail "cannot create $OUT"
: >"$T/events.txt"
for br in bx bi bs; do wire_bridge "$br"; done
wire client eth0 bx 192.0.2.100/24
wire rs1 eth0 bi 198.51.100.21/24 "$gw_vip"
wire rs2 eth0 bi 198.51.100.22/24 "$gw_vip"
wire_commit
build_director dirA
build_director dirB
for rs in rs1 rs2; do
	topo_bg "$rs" "$SERVER" "198.51.100.2${rs#rs}" "$port" "$rs" 2>>"$T/$rs.log"
done
write_at_master
for d in dirA dirB; do
	write_conf "$d"
	reader "$d"
done

# ---- both directors up, dirA master ----
step "starting vipd in dirA"
start_vipd dirA
wait_until 30 "dirA to become MASTER" is_state dirA MASTER
wait_until 20 "dirA's IPVS table with both real servers" table_ready dirA
step "starting vipd in dirB"
start_vipd dirB
wait_until 20 "dirB to be BACKUP" is_state dirB BACKUP
wait_until 20 "dirB's IPVS table with both real servers" table_ready dirB
for d in dirA dirB; do
	wait_until 20 "the relay of $d to open" relay_open "$d"
done
topo_in dirA ipvsadm -Ln

# ---- traffic ----
step "starting the client: $streams streams, $rate new connections a second"
topo_bg client "$CLIENT" -n "$streams" -r "$rate" -t 5000 -o "$T/timeline.csv" -e "$T/client-events.txt" \
	-w "$T/ready" "$vip" "$port" 2>>"$T/client.log"
CLIENT_PID=${TOPO_PIDS[-1]}
wait_until 60 "the client's streams to be established" test -s "$T/ready"
note client ready
if [[ $sync_mode != none ]]; then
	wait_until 20 "dirB to hold all $streams streams (connection sync)" has_all_streams dirB
	step "dirB holds all $streams streams"
fi
sleep "$steady"

# ---- 1: the master dies ----
step "killing dirA (frozen, links down, SIGKILL)"
kill_director dirA
await_takeover dirB "" 30
sleep "$steady"

# ---- 2: the old master comes back ----
step "dirA comes back ($return_mode)"
revive_director dirA
if ((preempt)); then
	await_takeover dirA dirB $((preempt_delay + 40))
else
	wait_until 30 "dirA to be BACKUP" is_state dirA BACKUP
	sleep "$steady"
	step "nopreempt: dirA stays BACKUP; killing dirB (frozen, links down, SIGKILL)"
	kill_director dirB
	await_takeover dirA "" 30
fi
sleep "$steady"

# ---- the end ----
step "stopping the client"
finish
report_rc=$?
((report_rc == 0)) || fail "the drill's checks failed (see above)"
((client_rc == 0)) || fail "the client reports broken streams (exit $client_rc)"
echo "PASS: failover drill: every stream survived both takeovers; new connections succeed after each"
