#!/bin/bash
# Lab scenario: connection sync in mode kernel (keepalived's `lvs_sync_daemon eth0 VI_1 id 7`): vipd
# starts and stops the kernel's own sync daemons after the VRRP state of VI_1.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/sync-kernel.sh
#
#   client 192.0.2.100 --[bx]-- dA 192.0.2.1 (vipd, priority 150) --[bi]-- rs 198.51.100.21
#                         |---- dB 192.0.2.2 (vipd, priority 100) --|     (default via 198.51.100.254)
#                         |---- dC 192.0.2.3 (stock `ipvsadm --start-daemon backup`, from the start)
#                         |---- dE 192.0.2.5 (stock backup daemon, started late)
#   VI_1 (on eth0): VIP 192.0.2.10/24 on eth0 and the real server's gateway 198.51.100.254/24 on eth1.
#
# 1. dA master, dB backup: dA runs the master daemon only, dB the backup daemon only.
# 2. Connections through dA reach dB and the stock backup dC.
# 3. The sync child of dA is killed (-9): while it is restarted the master daemon never stops (the
#    kernel's sync threads keep their pids) and the new child adopts it with no netlink write.
# 4. A reload that changes nothing writes nothing; one that changes dB's ttl restarts dB's backup daemon.
# 5. dA stops: its daemons are stopped; dB, promoted, runs the master daemon only and sends its table, so
#    the idle connections reach dE, a backup that started after they were synced.
# 6. dA comes back and preempts: the daemons flip back on both.
# 7. A daemon stopped behind vipd's back is started again; an interface that does not exist is reported,
#    retried every second, logged once, and the daemon starts when the interface appears.

set -uo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=../lib/topo.sh disable=SC1091
. "$here/../lib/topo.sh"

VIPD=$top_builddir/vipd
VIPCTL=$top_builddir/vipctl
vip=192.0.2.10
nconns=20
T=
declare -A VIPD_PIDS=()

t0=${EPOCHREALTIME/[.,]/}
step() {
	local now=${EPOCHREALTIME/[.,]/}
	printf '== [%5.1fs] %s\n' "$(((now - t0) / 100000))e-1" "$*"
}
ok() { echo "ok: $*"; }

fail() {
	local d
	echo "FAIL: $*" >&2
	for d in dA dB; do
		[[ -n $T && -f $T/$d.log ]] || continue
		echo "--- $d: daemons, sync status, log tail" >&2
		topo_in "$d" ipvsadm -L --daemon >&2 2>/dev/null || true
		[[ -S $T/$d.sock ]] && { sync_status "$d" >&2 || true; }
		grep -E 'sync|VI_1' "$T/$d.log" | tail -n 25 >&2
	done
	exit 1
}

cleanup() {
	local d
	set +e
	for d in "${!VIPD_PIDS[@]}"; do
		kill -TERM "${VIPD_PIDS[$d]}" 2>/dev/null
		wait "${VIPD_PIDS[$d]}" 2>/dev/null
	done
	topo_cleanup
	[[ -n $T ]] && rm -rf "$T"
}

for cmd in ipvsadm python3 jq ps; do
	command -v "$cmd" >/dev/null || fail "$cmd not found"
done
[[ -x $VIPD && -x $VIPCTL ]] || fail "no vipd/vipctl in $top_builddir (build first)"

# ---- helpers ----

# wait_for DESCRIPTION SECONDS COMMAND...: polls every 0.1 s
wait_for() {
	local desc=$1 limit=$2 end
	shift 2
	end=$((EPOCHSECONDS + limit))
	until "$@" 2>/dev/null; do
		((EPOCHSECONDS >= end)) && fail "timed out after ${limit}s waiting for $desc"
		sleep 0.1
	done
}

status_json() {
	"$VIPCTL" -s "$T/$1.sock" status --json
}
# The sync child's status of director $1; sync_field DIR JQ
sync_status() {
	status_json "$1" | jq -c '.children[] | select(.name == "sync") | .status'
}
sync_field() {
	sync_status "$1" | jq -r "$2"
}
sync_pid() {
	status_json "$1" | jq -r '.children[] | select(.name == "sync") | .pid'
}
vrrp_state() {
	status_json "$1" | jq -r '.children[] | select(.name == "vrrp") | .status.instances[] |
		select(.name == "VI_1") | .state'
}
is_state() {
	[[ $(vrrp_state "$1") == "$2" ]]
}
# The kernel's daemons in netns $1 as "state/interface/syncid/ttl" words, as ipvsadm lists them.
daemons() {
	topo_in "$1" ipvsadm -L --daemon |
		sed -nE 's/^(master|backup) sync daemon \(mcast=([^,]+), syncid=([0-9]+),.* ttl=([0-9]+)\)$/\1\/\2\/\3\/\4/p' |
		sort | tr '\n' ' ' | sed 's/ $//'
}
has_daemons() {
	[[ $(daemons "$1") == "$2" ]]
}
# The sync child agrees: it is settled in the role, and lists the same daemons.
in_place() {
	local s
	s=$(sync_status "$1") || return 1
	[[ $(jq -r '.in_place' <<<"$s") == true && $(jq -r '.role' <<<"$s") == "$2" ]]
}
# Every kernel sync thread on the guest ("pid:name", sorted): a daemon restarted anywhere changes it.
sync_threads() {
	ps -eo pid=,comm= | awk '$2 ~ /^ipvs-[mb]:/ { print $1 ":" $2 }' | sort | tr '\n' ' '
}
conns_to_vip() {
	topo_in "$1" ipvsadm -Lnc | awk -v v="$vip:80" '$3 == "ESTABLISHED" && $5 == v' | wc -l
}
has_conns() {
	(($(conns_to_vip "$1") >= $2))
}

write_conf() { # write_conf DIR PRIORITY [EXTRA lvs_sync_daemon options [SYNC INTERFACE]]
	cat >"$T/$1.conf" <<EOF
global_defs {
	router_id $1
	lvs_sync_daemon ${4:-eth0} VI_1 id 7 ${3:-}
}
vrrp_instance VI_1 {
	state BACKUP
	interface eth0
	virtual_router_id 51
	priority $2
	advert_int 1
	virtual_ipaddress {
		$vip/24 dev eth0
		198.51.100.254/24 dev eth1
	}
}
virtual_server $vip 80 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 198.51.100.21 80 {
		weight 1
	}
}
EOF
}

start_vipd() {
	local d=$1
	rm -f "$T/$d.sock"
	# checked where it runs: the interfaces it names are there
	# exit 6: scripts would run as root without enable_script_security, as keepalived -t says too; it runs
	ip netns exec "$d" "$VIPD" -t -f "$T/$d.conf" >/dev/null || [ $? -eq 6 ] || fail "vipd -t refuses $d's config"
	ip netns exec "$d" "$VIPD" -n -l -D -f "$T/$d.conf" -p "$T/$d.pid" -s "$T/$d.sock" >>"$T/$d.log" 2>&1 &
	VIPD_PIDS[$d]=$!
	wait_for "vipd's control socket in $d" 10 test -S "$T/$d.sock"
}

stop_vipd() {
	local d=$1
	kill -TERM "${VIPD_PIDS[$d]}"
	wait "${VIPD_PIDS[$d]}"
	local rc=$?
	unset "VIPD_PIDS[$d]"
	((rc == 0)) || fail "vipd of $d exited with $rc"
}

reload() {
	"$VIPCTL" -s "$T/$1.sock" reload >/dev/null || fail "reload of $1 failed"
}

# ---- the real server and the client: connections held open ----
T=$(mktemp -d /tmp/sync-kernel.XXXXXX) || fail "mktemp failed"

# ---- the topology ----
step "loading ip_vs, building the topology"
modprobe ip_vs || fail "modprobe ip_vs failed"
modprobe ip_vs_rr || fail "modprobe ip_vs_rr failed"
topo_init
trap cleanup EXIT
topo_bridge bx
topo_bridge bi
topo_host client bx eth0 192.0.2.100/24
topo_host dA bx eth0 192.0.2.1/24
topo_host dA bi eth1 198.51.100.1/24
topo_host dB bx eth0 192.0.2.2/24
topo_host dB bi eth1 198.51.100.2/24
topo_host dC bx eth0 192.0.2.3/24
topo_host dE bx eth0 192.0.2.5/24
topo_forward dA
topo_forward dB
topo_host rs bi eth0 198.51.100.21/24
topo_route rs default via 198.51.100.254
topo_bg rs python3 "$here/../lib/hold-server.py" 198.51.100.21
topo_in dC ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 7 || fail "stock backup daemon in dC"

# ---- 1. roles ----
step "1. dA (priority 150) and dB (priority 100) start"
write_conf dA 150
write_conf dB 100
start_vipd dA
start_vipd dB
wait_for "dA to be MASTER" 20 is_state dA MASTER
wait_for "dB to be BACKUP" 10 is_state dB BACKUP
wait_for "dA's master daemon, only" 10 has_daemons dA "master/eth0/7/1"
wait_for "dB's backup daemon, only" 10 has_daemons dB "backup/eth0/7/1"
wait_for "dA's sync child settled as master" 10 in_place dA master
wait_for "dB's sync child settled as backup" 10 in_place dB backup
[[ $(sync_field dA '.mode + " " + .interface + " " + .vrrp_instance') == "kernel eth0 VI_1" ]] ||
	fail "dA's sync status: $(sync_status dA)"
[[ $(sync_field dA '[.daemons[] | .state + "/" + .interface + "/" + (.syncid | tostring) + "/" +
	(.port | tostring) + "/" + .group] | join(" ")') == "master/eth0/7/8848/224.0.0.81" ]] ||
	fail "dA's status does not show the kernel's master daemon: $(sync_status dA)"
ok "dA: $(daemons dA); dB: $(daemons dB)"

# ---- 2. connections reach the backups ----
step "2. $nconns connections through dA"
topo_bg client python3 "$here/../lib/hold-client.py" "$vip" "$nconns" "$T/ready"
wait_for "the client's connections" 60 test -s "$T/ready"
wait_for "dB to list the $nconns connections" 15 has_conns dB "$nconns"
wait_for "the stock backup dC to list them" 15 has_conns dC "$nconns"
ok "dB lists $(conns_to_vip dB), stock dC $(conns_to_vip dC) connections to $vip"

# ---- 3. the sync child dies; the kernel's daemons do not ----
step "3. kill -9 of dA's sync child"
threads=$(sync_threads)
[[ $threads == *ipvs-m:* && $threads == *ipvs-b:* ]] || fail "no kernel sync threads to watch: '$threads'"
old_pid=$(sync_pid dA)
# a poller lists dA's daemons as fast as ipvsadm goes, one line per listing, until told to stop
# shellcheck disable=SC2016 # expanded by the poller's shell
topo_bg dA bash -c 'while [[ ! -e $1 ]]; do ipvsadm -L --daemon | grep -c "^master sync daemon (mcast=eth0, syncid=7," ; done >"$2"' \
	poller "$T/poll.stop" "$T/poll.out"
poller=${TOPO_PIDS[-1]}
wait_for "the poller" 10 test -s "$T/poll.out"
kill -KILL "$old_pid" || fail "cannot kill dA's sync child $old_pid"
end=$((EPOCHSECONDS + 30))
while :; do
	pid=$(sync_pid dA 2>/dev/null)
	if [[ -n $pid && $pid != null && $pid != "$old_pid" ]] && in_place dA master 2>/dev/null; then
		break
	fi
	((EPOCHSECONDS < end)) || fail "dA's sync child did not come back settled"
	sleep 0.1
done
touch "$T/poll.stop"
wait "$poller"
polls=$(wc -l <"$T/poll.out")
missing=$(grep -cv '^1$' "$T/poll.out")
((polls >= 5)) || fail "only $polls listings of dA's daemons while its sync child restarted"
((missing == 0)) || fail "$missing of $polls listings lacked dA's master daemon while its sync child restarted"
[[ $(sync_threads) == "$threads" ]] || fail "a kernel sync thread was restarted: '$threads' -> '$(sync_threads)'"
[[ $(sync_field dA .netlink_writes) == 0 ]] || fail "the new sync child wrote to the kernel: $(sync_status dA)"
ok "sync child $old_pid -> $pid; the master daemon in each of $polls listings meanwhile; threads unchanged; no write"

# ---- 4. reloads ----
step "4. reloads: unchanged on dA, a new ttl on dB"
writes_a=$(sync_field dA .netlink_writes)
reload dA
# the parent may not even hand an unchanged configuration to the child; either way nothing is written
sleep 2
[[ $(sync_field dA .netlink_writes) == "$writes_a" ]] || fail "an unchanged reload wrote to the kernel"
[[ $(sync_threads) == "$threads" ]] || fail "an unchanged reload restarted a daemon"
writes_b=$(sync_field dB .netlink_writes)
write_conf dB 100 "ttl 2"
reload dB
wait_for "dB's backup daemon with ttl 2" 10 has_daemons dB "backup/eth0/7/2"
wait_for "dB's sync child settled" 10 in_place dB backup
[[ $(sync_field dB .netlink_writes) == $((writes_b + 2)) ]] ||
	fail "a new ttl should take one stop and one start: $(sync_status dB)"
[[ $(sync_threads) != "$threads" ]] || fail "dB's backup daemon was not restarted"
[[ $(daemons dA) == "master/eth0/7/1" ]] || fail "dA's master daemon changed"
ok "unchanged reload: no write; new ttl: dB's backup daemon restarted with 2 writes"

# ---- 5. failover ----
step "5. dE starts a stock backup daemon late; dA stops"
topo_in dE ipvsadm --start-daemon backup --mcast-interface eth0 --syncid 7 || fail "stock backup daemon in dE"
sleep 3
[[ $(conns_to_vip dE) == 0 ]] || fail "dE got connections before any promotion (the client is idle)"
stop_vipd dA
[[ -z $(daemons dA) ]] || fail "vipd stopped, but dA's daemons run on: $(daemons dA)"
ok "dA stopped its daemons"
wait_for "dB to be MASTER" 10 is_state dB MASTER
wait_for "dB's master daemon, only" 10 has_daemons dB "master/eth0/7/2"
wait_for "dB's sync child settled as master" 10 in_place dB master
wait_for "dE to list the idle connections (dB's table sent on promotion)" 10 has_conns dE "$nconns"
[[ $(sync_field dB .resyncs_sent) -ge 1 && $(sync_field dB .resync_records) -ge $nconns ]] ||
	fail "dB's status does not count the table sent: $(sync_status dB)"
ok "dB: $(daemons dB); dE lists $(conns_to_vip dE) connections; dB sent $(sync_field dB .resync_records) records"

# ---- 6. dA returns and preempts ----
step "6. dA starts again and preempts"
start_vipd dA
wait_for "dA to be MASTER again" 20 is_state dA MASTER
wait_for "dB to be BACKUP again" 10 is_state dB BACKUP
wait_for "dA's master daemon, only" 10 has_daemons dA "master/eth0/7/1"
wait_for "dB's backup daemon, only" 10 has_daemons dB "backup/eth0/7/2"
wait_for "dA settled" 10 in_place dA master
wait_for "dB settled" 10 in_place dB backup
[[ $(sync_field dB .errors) == 0 ]] || fail "dB counted errors: $(sync_status dB)"
ok "dA: $(daemons dA); dB: $(daemons dB)"

# ---- 7. corrections and errors ----
step "7. dB: its daemon stopped behind its back; then an interface that is not there yet"
topo_in dB ipvsadm --stop-daemon backup || fail "cannot stop dB's backup daemon"
wait_for "dB to start its backup daemon again" 10 has_daemons dB "backup/eth0/7/2"
errors=$(sync_field dB .errors)
write_conf dB 100 "ttl 2" eth7
reload dB
reports_error() {
	[[ $(sync_field "$1" .error) == "$2" ]]
}
wait_for "dB to report the missing interface" 10 \
	reports_error dB "starting the backup sync daemon on eth7: no such interface"
[[ -z $(daemons dB) ]] || fail "dB runs daemons: $(daemons dB)"
sleep 3
(($(sync_field dB .errors) >= errors + 3)) || fail "dB does not retry every second: $(sync_status dB)"
{ ip -n dB link add eth7 type dummy && ip -n dB link set eth7 up; } || fail "cannot add eth7 to dB"
wait_for "dB's backup daemon on eth7" 10 has_daemons dB "backup/eth7/7/2"
wait_for "dB settled" 10 in_place dB backup
[[ $(sync_field dB .error) == null && $(sync_field dB .last_error) == *"eth7: no such interface" ]] ||
	fail "dB's status after the recovery: $(sync_status dB)"
logged=$(grep -c 'eth7: no such interface' "$T/dB.log")
((logged == 1)) || fail "the error was logged $logged times, not once"
ok "restarted within 5 s; missing interface reported, retried $(($(sync_field dB .errors) - errors)) times," \
	"logged once, started once it appeared"
stop_vipd dB
[[ -z $(daemons dB) ]] || fail "vipd stopped, but dB's daemons run on: $(daemons dB)"
# a sanitizer build reports into the logs; a child's report must not pass unseen
if grep -E 'runtime error:|Sanitizer' "$T/dA.log" "$T/dB.log" >&2; then
	fail "sanitizer reports in the vipd logs"
fi
echo "PASS: mode kernel follows VRRP, adopts across a child crash, restarts only on change, stops with vipd," \
	"and a promoted master sends its table"
