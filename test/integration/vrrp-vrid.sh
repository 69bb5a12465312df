#!/bin/sh
# One virtual_router_id used twice on one interface, as keepalived allows: by an IPv4 and an IPv6 instance
# (RFC 9568: VRIDs are per address family), and by two unicast instances with different peers. vipd (a,
# 192.0.2.1) runs all four; keepalived 2.2.7 (b, .2) is the other router of the IPv4/IPv6 pair and of one
# unicast instance, a second vipd (c, .3) of the other. Priorities differ per family and per peer, so
# each instance elects its own master: mixing their adverts up would show as drops or two masters.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

command -v keepalived >/dev/null || { echo "FAIL: keepalived not installed (Debian package keepalived)" >&2; exit 1; }

vt_net a b c

# inst NAME PRIO VIP [PEER]
inst_conf() {
	peers=""
	if [ -n "${4:-}" ]; then peers="unicast_peer {
		$4
	}"; fi
	cat <<CONF
vrrp_instance $1 {
	state BACKUP
	interface eth0
	virtual_router_id 40
	version 3
	priority $2
	advert_int 0.1
	$peers
	virtual_ipaddress {
		$3
	}
}
CONF
}
{
	inst_conf V4 150 192.0.2.40/24
	inst_conf V6 100 2001:db8::40/64
	inst_conf UB 150 192.0.2.41/24 192.0.2.2
	inst_conf UC 100 192.0.2.42/24 192.0.2.3
} >"$T/a.conf"
{
	inst_conf V4 100 192.0.2.40/24
	inst_conf V6 150 2001:db8::40/64
	inst_conf UB 100 192.0.2.41/24 192.0.2.1
} >"$T/b.conf"
inst_conf UC 150 192.0.2.42/24 192.0.2.1 >"$T/c.conf"

check "vipd -t accepts VRID 40 four times on eth0" sh -c "ip netns exec $(ns a) '$VIPD' -t -f '$T/a.conf'"
check "keepalived -t accepts it too" sh -c "ip netns exec $(ns b) keepalived -t -f '$T/b.conf'"

start_director a "$T/a.conf"
start_director c "$T/c.conf"
start_keepalived b "$T/b.conf"

wait_for "a master of V4" 10 state_is a V4 MASTER
wait_for "a master of UB" 10 state_is a UB MASTER
wait_for "c master of UC" 10 state_is c UC MASTER
wait_for "a backup of UC" 10 state_is a UC BACKUP
wait_for "V6's address on keepalived" 10 has_addr b 2001:db8::40
wait_for "a backup of V6" 10 state_is a V6 BACKUP
sleep 2
for n in V4 UB; do check "a still master of $n" state_is a $n MASTER; done
for n in V6 UC; do
	check "a still backup of $n" state_is a $n BACKUP
	check "a hears $n's master" [ "$(inst a $n adverts_received)" -gt 5 ]
done
check "a dropped nothing on any instance" [ "$(vstatus a | jq '[.instances[].drops[]] | add')" = 0 ]
check "c dropped nothing" [ "$(vstatus c | jq '[.instances[].drops[]] | add')" = 0 ]
check "V4's address on a only" sh -c "ip -n $(ns a) addr show dev eth0 | grep -qw 192.0.2.40 &&
	! ip -n $(ns b) addr show dev eth0 | grep -qw 192.0.2.40"
check "UB's address on a only" sh -c "! ip -n $(ns b) addr show dev eth0 | grep -qw 192.0.2.41"
check "UC's address on c, not on a" sh -c "ip -n $(ns c) addr show dev eth0 | grep -qw 192.0.2.42 &&
	! ip -n $(ns a) addr show dev eth0 | grep -qw 192.0.2.42"
check "keepalived logged nothing wrong with a's adverts" \
	sh -c "! grep -Eiq 'checksum|mismatch|invalid|wrong|unicast peer' '$T/b.ka.log'"

# keepalived dies: a takes V6 (the IPv6 VRID 40) and nothing else changes
for pid in $(cat "$T/b.ka.pid" "$T/b.ka.vrrp.pid" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
kill -KILL "$(cat "$T/b.ka")" 2>/dev/null || true
wait_for "a takes V6" 5 state_is a V6 MASTER
check "a still master of V4" state_is a V4 MASTER
check "a still backup of UC" state_is a UC BACKUP
# c dies: a takes UC
kill_director c
wait_for "a takes UC" 5 state_is a UC MASTER
vt_finish
