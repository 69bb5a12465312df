#!/bin/sh
# use_vmac: each director makes a macvlan vrrp.VRID with the VRRP virtual MAC 00:00:5e:00:01:VRID; the
# master's carries the virtual address and answers ARP for it with the virtual MAC, so a takeover moves no
# MAC address in the neighbours' caches; the backup's has no IPv6 link-local (nothing leaves it); an IPv6
# instance's macvlan (here with a MAC given in use_vmac) carries the link-local of the link below, its adverts'
# source; the macvlans go when vipd stops. Host kernels without macvlan (containers) run it in the lab VM.
. "${top_srcdir:-.}/test/integration/lib.sh"

probe="vmac-probe-$$"
if ! { ip netns add "$probe" && ip -n "$probe" link add v0 type veth peer name v1 &&
	ip -n "$probe" link add link v0 name m0 type macvlan mode private; } 2>/dev/null; then
	ip netns del "$probe" 2>/dev/null || true
	if [ -n "${LAB_GUEST:-}" ]; then
		echo "FAIL: no macvlan even in the lab kernel" >&2
		exit 1
	fi
	echo "this kernel has no macvlan: running in the lab VM"
	rm -rf "$T"
	trap - EXIT
	exec "$top_srcdir/test/lab/run" "$top_srcdir/test/integration/vrrp-vmac.sh"
fi
ip netns del "$probe"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

vt_net a b
# conf DIRECTOR PRIORITY
conf() {
	cat >"$T/$1.conf" <<CONF
vrrp_instance M {
	interface eth0
	virtual_router_id 72
	version 3
	priority $2
	advert_int 0.5
	use_vmac
	virtual_ipaddress {
		192.0.2.72/24
	}
}
vrrp_instance M6 {
	interface eth0
	virtual_router_id 74
	version 3
	priority $2
	advert_int 0.5
	use_vmac vrrp.74 02:00:5e:00:02
	virtual_ipaddress {
		2001:db8::74/64
	}
}
CONF
}
conf a 150
conf b 100
start_director a "$T/a.conf"
start_director b "$T/b.conf"
wait_for "a master of M" 15 state_is a M MASTER
wait_for "b backup of M" 10 state_is b M BACKUP

check "a: macvlan vrrp.72 with the virtual MAC (72 = 0x48)" \
	sh -c "ip -n $(ns a) link show vrrp.72 | grep -q 'link/ether 00:00:5e:00:01:48'"
check "a: the address is on the macvlan" sh -c "ip -n $(ns a) addr show dev vrrp.72 | grep -qw 192.0.2.72/24"
check "a: not on eth0" no_addr a 192.0.2.72
check "b: a macvlan too, without the address" \
	sh -c "ip -n $(ns b) link show vrrp.72 >/dev/null && ! ip -n $(ns b) addr show dev vrrp.72 | grep -qw 192.0.2.72"
check "b: no IPv6 link-local on its macvlan" sh -c "! ip -n $(ns b) -6 addr show dev vrrp.72 | grep -q fe80"
heard() { [ "$(inst b M adverts_received)" -gt 0 ]; }
wait_for "b hears a's adverts" 3 heard
# resolves DIRECTOR: the director sends a datagram to the address, and its neighbour cache has the virtual MAC
resolves() {
	ip netns exec "$(ns "$1")" python3 -c \
		"import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('192.0.2.72', 9))"
	ip -n "$(ns "$1")" neigh show 192.0.2.72 | grep -q 'lladdr 00:00:5e:00:01:48'
}
wait_for "b reaches the address at the virtual MAC" 5 resolves b

# IPv6, with a MAC of its own: 02:00:5e:00:02:4a, the link-local of eth0 and no other, the address on it
wait_for "a master of M6" 5 state_is a M6 MASTER
check "a: macvlan vrrp.74 with the MAC given (5 octets, the VRID 74 = 0x4a the sixth)" \
	sh -c "ip -n $(ns a) link show vrrp.74 | grep -q 'link/ether 02:00:5e:00:02:4a'"
ll_of() { ip -n "$(ns "$1")" -6 addr show dev "$2" scope link | awk '/inet6/ { print $2 }'; }
check "a: vrrp.74's only link-local is eth0's" [ "$(ll_of a vrrp.74)" = "$(ll_of a eth0)" ]
check "a: the IPv6 address on the macvlan" sh -c "ip -n $(ns a) -6 addr show dev vrrp.74 | grep -qw 2001:db8::74/64"
wait_for "b backup of M6" 5 state_is b M6 BACKUP
heard6() { [ "$(inst b M6 adverts_received)" -gt 0 ]; }
wait_for "b hears a's IPv6 adverts" 3 heard6
check "b knows a's link-local as the master" [ "$(inst b M6 master)/64" = "$(ll_of a eth0)" ]
check "no drops at b" [ "$(vstatus b | jq '[.instances[].drops[]] | add')" = 0 ]

# a stops: b takes over, and the neighbours' cache entry stays right (same MAC, now on b)
stop_director a
check "a: macvlans removed" sh -c "! ip -n $(ns a) link show vrrp.72 2>/dev/null &&
	! ip -n $(ns a) link show vrrp.74 2>/dev/null"
wait_for "b master of M" 5 state_is b M MASTER
check "b: the address on its macvlan" sh -c "ip -n $(ns b) addr show dev vrrp.72 | grep -qw 192.0.2.72/24"
wait_for "a reaches the address at b, at the virtual MAC" 5 resolves a
wait_for "b master of M6" 5 state_is b M6 MASTER
vt_finish
