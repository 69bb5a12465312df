#!/bin/bash
# Lab scenario: the checkers child's verdicts programming the real kernel's IPVS table through vipd.
# vipd runs in the director with three NAT services on the same two busybox httpd real servers, each
# checked by HTTP_GET every 0.5 s:
#   192.0.2.10:80  plain: a failed real server leaves the table;
#   192.0.2.11:80  inhibit_on_failure: a failed real server stays, at weight 0;
#   192.0.2.12:80  quorum 2 (two weight-1 servers): losing one brings in the sorry server, alone.
# RS1's httpd is killed, then restarted; the table, the client's answers and `vipctl status` follow.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/checkers-ipvs.sh
#
#   client 192.0.2.100 --[bx]-- 192.0.2.1 director 198.51.100.1 --[bi]-- rs1   198.51.100.21
#                               VIPs 192.0.2.10-12:80                    rs2   198.51.100.22
#                                                                        sorry 198.51.100.30

set -uo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
# shellcheck source=../lib/topo.sh disable=SC1091 # (followed with shellcheck -x)
. "$here/../lib/topo.sh"

VIPD=$top_builddir/vipd
VIPCTL=$top_builddir/vipctl
vip_plain=192.0.2.10
vip_inhibit=192.0.2.11
vip_quorum=192.0.2.12
rs1=198.51.100.21
rs2=198.51.100.22
sorry=198.51.100.30
fetches=${LAB_FETCHES:-4}
T=
SOCK=
VIPD_PID=

t0=${EPOCHREALTIME/[.,]/}
step() {
	local now=${EPOCHREALTIME/[.,]/}
	printf '== [%5.1fs] %s\n' "$(((now - t0) / 100000))e-1" "$*"
}
ok() { echo "ok: $*"; }

fail() {
	echo "FAIL: $*" >&2
	if [[ -e /run/netns/dir ]]; then
		echo "--- ipvsadm -Ln in the director:" >&2
		topo_in dir ipvsadm -Ln >&2 || true
	fi
	if [[ -n $SOCK && -S $SOCK ]]; then
		echo "--- checkers' real servers (vipctl status):" >&2
		"$VIPCTL" -s "$SOCK" status --json 2>/dev/null |
			jq -c '.children[] | select(.name == "checkers") | .status.real_servers[]? |
				{address, virtual_server, state, reason, last_result}' >&2 || true
	fi
	if [[ -n $T && -f $T/vipd.log ]]; then
		echo "--- vipd log (tail, without the lines of single check runs):" >&2
		grep -v ': HTTP_GET of ' "$T/vipd.log" | tail -n 30 >&2
	fi
	exit 1
}

cleanup() {
	if [[ -n $VIPD_PID ]]; then
		kill -TERM "$VIPD_PID" 2>/dev/null
		wait "$VIPD_PID" 2>/dev/null
	fi
	topo_cleanup
	[[ -n $T ]] && rm -rf "$T"
}

for b in "$VIPD" "$VIPCTL"; do [[ -x $b ]] || fail "$b not built"; done
command -v ipvsadm >/dev/null || fail "ipvsadm not found: install the Debian package ipvsadm"
command -v busybox >/dev/null || fail "busybox not found: install the Debian package busybox-static"
command -v jq >/dev/null || fail "jq not found: install the Debian package jq"

step "loading ip_vs"
modprobe ip_vs || fail "modprobe ip_vs failed (this kernel has no IPVS?)"
modprobe ip_vs_rr || fail "modprobe ip_vs_rr failed"

step "building the topology"
topo_init
trap cleanup EXIT
T=$(mktemp -d /tmp/checkers-ipvs.XXXXXX) || fail "mktemp failed"
SOCK=$T/vipd.sock
topo_bridge bx
topo_bridge bi
topo_host client bx eth0 192.0.2.100/24
topo_host dir bx eth0 192.0.2.1/24
for v in "$vip_plain" "$vip_inhibit" "$vip_quorum"; do topo_addr dir eth0 "$v/32"; done
topo_host dir bi eth1 198.51.100.1/24
topo_forward dir
for rs in rs1 rs2 sorry; do
	topo_host "$rs" bi eth0 "${!rs}/24"
	topo_route "$rs" default via 198.51.100.1
	topo_httpd "$rs" "${!rs}" 80 "$rs"
done

# One real server block, the same in every service.
rs_block() {
	cat <<RS
	real_server $1 80 {
		weight 1
		HTTP_GET {
			url {
				path /
				status_code 200
			}
			connect_timeout 1
			retry 0
			delay_before_retry 0.2
		}
	}
RS
}
{
	printf 'global_defs {\n\trouter_id lab\n}\n'
	for v in "$vip_plain" "$vip_inhibit" "$vip_quorum"; do
		printf 'virtual_server %s 80 {\n\tprotocol TCP\n\tlb_algo rr\n\tlb_kind NAT\n\tdelay_loop 0.5\n' "$v"
		[[ $v == "$vip_inhibit" ]] && printf '\tinhibit_on_failure\n'
		[[ $v == "$vip_quorum" ]] && printf '\tquorum 2\n\tsorry_server %s 80\n' "$sorry"
		rs_block "$rs1"
		rs_block "$rs2"
		printf '}\n'
	done
} >"$T/vipd.conf"
# exit 6: scripts would run as root without enable_script_security, as keepalived -t says too; it runs
"$VIPD" -t -f "$T/vipd.conf" || [ $? -eq 6 ] || fail "vipd -t refuses the config"

# wait_for DESCRIPTION SECONDS COMMAND...: poll every 0.1 s
wait_for() {
	local desc=$1 limit=$2 end
	shift 2
	end=$(($(date +%s) + limit))
	until "$@" 2>/dev/null; do
		(($(date +%s) >= end)) && fail "timed out after ${limit}s waiting for $desc"
		sleep 0.1
	done
}
# table: our services' destinations in the kernel, one "VIP RS:PORT WEIGHT" line each, sorted
table() {
	topo_in dir ipvsadm -Ln 2>/dev/null |
		awk '$1 == "TCP" { s = $2; sub(/:80$/, "", s) } $1 == "->" && $2 ~ /^[0-9]/ { print s, $2, $4 }' | sort
}
table_is() { [[ $(table) == "$1" ]]; }
# want VIP RS WEIGHT ...: the sorted listing table() prints for these triples
want() {
	while (($# >= 3)); do
		echo "$1 $2:80 $3"
		shift 3
	done | sort
}
# rs_states: "VIP:80 RS:80 STATE" for each real server in the checkers' status (unchecked before its first
# run), sorted
rs_states() {
	"$VIPCTL" -s "$SOCK" status --json 2>/dev/null |
		jq -r '.children[] | select(.name == "checkers") | .status.real_servers[]? |
			"\(.virtual_server) \(.address) \(if .last_result == null then "unchecked" else .state end)"' | sort
}
rs_states_are() { [[ $(rs_states) == "$1" ]]; }
# states STATE1 STATE2: what rs_states prints with rs1 in STATE1 and rs2 in STATE2 in every service
states() {
	local v
	for v in "$vip_plain" "$vip_inhibit" "$vip_quorum"; do
		echo "$v:80 $rs1:80 $1"
		echo "$v:80 $rs2:80 $2"
	done | sort
}
# rs_reasons RS: "VIP:80 STATE REASON" for RS in every service
rs_reasons() {
	"$VIPCTL" -s "$SOCK" status --json 2>/dev/null |
		jq -r --arg a "$1:80" '.children[] | select(.name == "checkers") | .status.real_servers[]? |
			select(.address == $a) | "\(.virtual_server) \(.state) \(.reason // "")"' | sort
}
# fetch VIP N: N requests from the client; sets got[NAME] to the answers per server
declare -A got
fetch() {
	local vip=$1 n=$2 i body
	got=([rs1]=0 [rs2]=0 [sorry]=0)
	for ((i = 1; i <= n; i++)); do
		body=$(topo_fetch client "http://$vip/") || fail "fetch $i of http://$vip/ failed"
		case $body in
		rs1 | rs2 | sorry) got[$body]=$((got[$body] + 1)) ;;
		*) fail "fetch $i of http://$vip/: unexpected answer '$body'" ;;
		esac
	done
	echo "   $vip: rs1 ${got[rs1]}, rs2 ${got[rs2]}, sorry ${got[sorry]}"
}
# kill_httpd NS: the only process in NS is the httpd we started there
kill_httpd() {
	local pids
	pids=$(ip netns pids "$1")
	[[ -n $pids ]] || fail "no httpd running in $1"
	# shellcheck disable=SC2086 # a list of pids
	kill $pids
	wait_for "the httpd in $1 to exit" 5 test -z "$(ip netns pids "$1")"
}

step "starting vipd in the director"
# its log goes to $T/vipd.log (its tail is printed on failure)
topo_bg dir "$VIPD" -n -l -D -f "$T/vipd.conf" -p "$T/vipd.pid" -s "$SOCK" >>"$T/vipd.log" 2>&1
VIPD_PID=$!
wait_for "the control socket" 20 test -S "$SOCK"

all_up=$(want "$vip_plain" "$rs1" 1 "$vip_plain" "$rs2" 1 "$vip_inhibit" "$rs1" 1 "$vip_inhibit" "$rs2" 1 \
	"$vip_quorum" "$rs1" 1 "$vip_quorum" "$rs2" 1)
# with the quorum lost the sorry server serves alone, as with keepalived 2.2.7 (test/lab/scenarios/ipvs-diff.sh)
rs1_down=$(want "$vip_plain" "$rs2" 1 "$vip_inhibit" "$rs1" 0 "$vip_inhibit" "$rs2" 1 \
	"$vip_quorum" "$sorry" 1)

step "(1) both real servers checked up, in the kernel table, answering"
wait_for "the checkers' first verdicts: both real servers up in every service" 20 rs_states_are "$(states up up)"
wait_for "both real servers at weight 1 in every service, no sorry server" 10 table_is "$all_up"
topo_in dir ipvsadm -Ln
for v in "$vip_plain" "$vip_inhibit" "$vip_quorum"; do
	fetch "$v" "$fetches"
	((got[rs1] > 0 && got[rs2] > 0 && got[sorry] == 0)) || fail "$v: not answered by both rs1 and rs2 alone"
done
ok "three services, both real servers in each, answering"

step "(2) killing rs1's httpd"
kill_httpd rs1
wait_for "rs1 to leave $vip_plain:80, stay at weight 0 in $vip_inhibit:80 (inhibit_on_failure) and leave $vip_quorum:80 for the sorry server (quorum lost)" \
	10 table_is "$rs1_down"
step "(2) rs1 left $vip_plain:80; (4) rs1 at weight 0 in $vip_inhibit:80; (5) quorum lost: sorry server in $vip_quorum:80"
topo_in dir ipvsadm -Ln
fetch "$vip_plain" "$fetches"
((got[rs2] == fetches)) || fail "$vip_plain: not every answer from rs2 with rs1 down"
fetch "$vip_inhibit" "$fetches"
((got[rs2] == fetches)) || fail "$vip_inhibit: not every answer from rs2 with rs1 at weight 0"
fetch "$vip_quorum" "$fetches"
((got[sorry] == fetches)) || fail "$vip_quorum: not every answer from the sorry server with the quorum lost"
wait_for "vipctl status: rs1 down and rs2 up in every service" 5 rs_states_are "$(states down up)"
while read -r v state reason; do
	[[ -n $reason ]] || fail "vipctl status: $rs1:80 in $v is $state without a reason"
	echo "   $v: $rs1:80 $state: $reason"
done < <(rs_reasons "$rs1")
ok "rs1 down: removed, inhibited at weight 0, sorry server in; rs2 and the sorry server answer"

step "(3) restarting rs1's httpd"
topo_httpd rs1 "$rs1" 80 rs1
wait_for "rs1 back at weight 1 in every service and the sorry server gone (quorum back)" 10 table_is "$all_up"
step "rs1 back in every service, sorry server gone from $vip_quorum:80"
topo_in dir ipvsadm -Ln
for v in "$vip_plain" "$vip_inhibit" "$vip_quorum"; do
	fetch "$v" "$fetches"
	((got[rs1] > 0 && got[rs2] > 0 && got[sorry] == 0)) || fail "$v: not answered by both rs1 and rs2 alone after rs1 came back"
done
wait_for "vipctl status: both up in every service after rs1 came back" 5 rs_states_are "$(states up up)"
ok "rs1 back in every service, the sorry server out"
echo "   vipd log: $(grep -c ' is down: ' "$T/vipd.log") down and $(grep -c ' is up: ' "$T/vipd.log") up verdicts, $(grep -c ': quorum ' "$T/vipd.log") quorum changes"

kill -0 "$VIPD_PID" 2>/dev/null || fail "vipd is not running any more"
step "stopping vipd"
kill -TERM "$VIPD_PID"
wait "$VIPD_PID"
rc=$?
VIPD_PID=
((rc == 0)) || fail "vipd exited $rc on SIGTERM"
echo "PASS: checker verdicts drive the kernel's IPVS table (remove, inhibit, quorum and sorry server)"
