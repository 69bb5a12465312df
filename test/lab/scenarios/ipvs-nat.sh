#!/bin/bash
# Lab scenario: LVS-NAT through the real kernel, programmed with ipvsadm.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/ipvs-nat.sh
#
#   client 192.0.2.100 --[bx]-- 192.0.2.1 director 198.51.100.1 --[bi]-- rs1 198.51.100.21
#                               VIP 192.0.2.10:80                        rs2 198.51.100.22
#
# The client is in another subnet than the real servers, and the real
# servers' default route is the director: with NAT the replies must pass
# back through the director to be rewritten (else connections hang).
#
# Environment: LAB_FETCHES (number of requests, default 10).

set -euo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
# shellcheck source=../lib/topo.sh disable=SC1091 # (followed with shellcheck -x)
. "$here/../lib/topo.sh"

fetches=${LAB_FETCHES:-10}
vip=192.0.2.10
rs1=198.51.100.21
rs2=198.51.100.22

t0=${EPOCHREALTIME/[.,]/}
# Progress line with the time since the start.
step() {
	local now=${EPOCHREALTIME/[.,]/}
	printf '== [%5.1fs] %s\n' "$(((now - t0) / 100000))e-1" "$*"
}

fail() {
	echo "FAIL: $*" >&2
	echo "--- ipvsadm -Ln --stats in the director:" >&2
	topo_in dir ipvsadm -Ln --stats >&2 || true
	exit 1
}

command -v ipvsadm >/dev/null || fail "ipvsadm not found: install the Debian package ipvsadm"
command -v busybox >/dev/null || fail "busybox not found: install the Debian package busybox-static"

step "loading ip_vs"
modprobe ip_vs || fail "modprobe ip_vs failed (this kernel has no IPVS?)"
modprobe ip_vs_rr || fail "modprobe ip_vs_rr failed"

step "building the topology"
topo_init
topo_bridge bx
topo_bridge bi
topo_host client bx eth0 192.0.2.100/24
topo_host dir bx eth0 192.0.2.1/24
topo_addr dir eth0 "$vip/32"
topo_host dir bi eth1 198.51.100.1/24
topo_forward dir
for rs in rs1 rs2; do
	topo_host "$rs" bi eth0 "${!rs}/24"
	topo_route "$rs" default via 198.51.100.1
	topo_httpd "$rs" "${!rs}" 80 "$rs"
done

step "programming IPVS with ipvsadm: TCP $vip:80 rr, NAT to $rs1 and $rs2"
topo_in dir ipvsadm -A -t "$vip:80" -s rr || fail "ipvsadm -A failed"
for rs in "$rs1" "$rs2"; do
	topo_in dir ipvsadm -a -t "$vip:80" -r "$rs:80" -m || fail "ipvsadm -a -r $rs failed"
done
topo_in dir ipvsadm -Ln

step "fetching http://$vip/ $fetches times from the client"
declare -A got=([rs1]=0 [rs2]=0)
for ((i = 1; i <= fetches; i++)); do
	body=$(topo_fetch client "http://$vip/") || fail "fetch $i of http://$vip/ failed"
	case $body in
	rs1 | rs2) got[$body]=$((got[$body] + 1)) ;;
	*) fail "fetch $i: unexpected answer '$body'" ;;
	esac
done
step "answers: rs1 ${got[rs1]}, rs2 ${got[rs2]}"
((got[rs1] > 0 && got[rs2] > 0)) || fail "not both real servers answered (rs1 ${got[rs1]}, rs2 ${got[rs2]})"

step "checking the connection table (ipvsadm -Ln)"
# Finished connections linger in TIME_WAIT, counted as InActConn.
list=$(topo_in dir ipvsadm -Ln) || fail "ipvsadm -Ln failed"
echo "$list"
for rs in "$rs1" "$rs2"; do
	# "  -> 198.51.100.21:80   Masq  1  0  5": ActiveConn + InActConn.
	conns=$(awk -v d="$rs:80" '$1 == "->" && $2 == d { print $5 + $6 }' <<<"$list")
	[[ $conns =~ ^[0-9]+$ ]] || fail "no line for $rs:80 in ipvsadm -Ln"
	((conns > 0)) || fail "ipvsadm -Ln shows no connections to $rs:80"
done

step "checking the kernel's counters (ipvsadm -Ln --stats)"
# The kernel folds its per-CPU counters into what ipvsadm reads from a timer
# (every 2 s), so fresh counters can still read 0: poll for a while.
for ((i = 0; i < 50; i++)); do
	stats=$(topo_in dir ipvsadm -Ln --stats) || fail "ipvsadm -Ln --stats failed"
	total=$(awk -v v="$vip:80" '$1 == "TCP" && $2 == v { print $3 }' <<<"$stats")
	[[ ${total:-0} -ge $fetches ]] && break
	sleep 0.2
done
echo "$stats"
[[ $total == "$fetches" ]] || fail "the service counted ${total:-no} connections, expected $fetches"
for rs in "$rs1" "$rs2"; do
	# "  -> 198.51.100.21:80    5    30    25   ...": the 3rd field is Conns.
	conns=$(awk -v d="$rs:80" '$1 == "->" && $2 == d { print $3 }' <<<"$stats")
	[[ $conns =~ ^[0-9]+$ ]] || fail "no stats line for $rs:80"
	((conns > 0)) || fail "ipvsadm --stats shows no connections to $rs:80"
done

echo "PASS: $fetches requests through LVS-NAT, both real servers answered and counted"
