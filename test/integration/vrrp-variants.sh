#!/bin/sh
# Two vipd directors with the other kinds of instance side by side: nopreempt, equal priorities, IPv6,
# unicast peers, and a sync group whose members move together (one member's tracked interface fails and
# both go to the backup), with a label, an excluded address and virtual routes following the master.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

vt_net a b
# a tracked link: a veth pair inside each director (the host kernel may lack the dummy driver)
for d in a b; do
	ip -n "$(ns $d)" link add dummy0 type veth peer name dummy1
	ip -n "$(ns $d)" link set dummy0 up
	ip -n "$(ns $d)" link set dummy1 up
done

# conf NAME PRIO MY-ADDRESS PEER-ADDRESS
conf() {
	cat >"$T/$1.conf" <<CONF
global_defs {
	vrrp_version 3
}
vrrp_sync_group G {
	group {
		SG1 SG2
	}
}
vrrp_instance SG1 {
	interface eth0
	virtual_router_id 41
	priority $2
	advert_int 0.1
	virtual_ipaddress {
		192.0.2.41/24 label eth0:sg
	}
	virtual_ipaddress_excluded {
		2001:db8::41/64
	}
	virtual_routes {
		198.51.100.0/24 via 192.0.2.254
		203.0.113.0/24 dev eth0 metric 7
	}
}
vrrp_instance SG2 {
	interface eth0
	virtual_router_id 42
	priority $2
	advert_int 0.1
	track_interface {
		dummy0
	}
	virtual_ipaddress {
		192.0.2.42/24
	}
}
vrrp_instance NP {
	state BACKUP
	nopreempt
	interface eth0
	virtual_router_id 43
	priority $2
	advert_int 0.3
	virtual_ipaddress {
		192.0.2.43/24
	}
}
vrrp_instance EQ {
	interface eth0
	virtual_router_id 44
	priority 100
	advert_int 0.3
	virtual_ipaddress {
		192.0.2.44/24
	}
}
vrrp_instance V6 {
	interface eth0
	virtual_router_id 45
	priority $2
	advert_int 0.1
	virtual_ipaddress {
		2001:db8::45/64
	}
}
vrrp_instance UC {
	interface eth0
	virtual_router_id 46
	priority $2
	advert_int 0.1
	unicast_src_ip $3
	unicast_peer {
		$4
	}
	virtual_ipaddress {
		192.0.2.46/24
	}
}
CONF
}
conf a 150 192.0.2.1 192.0.2.2
conf b 100 192.0.2.2 192.0.2.1

# b first: it becomes master of everything, then a (higher) arrives
start_director b "$T/b.conf"
for n in SG1 SG2 NP EQ V6 UC; do wait_for "b master of $n" 6 state_is b $n MASTER; done
start_director a "$T/a.conf"
for n in SG1 SG2 V6 UC; do wait_for "a preempts $n" 5 state_is a $n MASTER; done
for n in SG1 SG2 V6 UC; do wait_for "b yields $n" 3 state_is b $n BACKUP; done

# nopreempt: a (150) stays backup of NP while b (100) is master
sleep 2
check "nopreempt: a stays backup" state_is a NP BACKUP
check "nopreempt: b stays master" state_is b NP MASTER
# equal priorities: one master, the one that was there first (a backup does not preempt an equal)
check "equal priorities: b stays master" state_is b EQ MASTER
check "equal priorities: a backup" state_is a EQ BACKUP
check "IPv6 VIP on a" has_addr a 2001:db8::45
check "IPv6 VIP not on b" no_addr b 2001:db8::45
v6m=$(inst b V6 master)
check "b's V6 master is a's link-local ($v6m)" [ "${v6m#fe80::}" != "$v6m" ]
check "unicast: b's master is a" [ "$(inst b UC master)" = 192.0.2.1 ]
check "unicast: a's adverts reach b" [ "$(inst b UC adverts_received)" -gt 10 ]
for n in SG1 SG2 NP EQ V6 UC; do wait_for "one master of $n" 3 one_master $n a b; done
check "label on the VIP" sh -c "ip -n $(ns a) addr show dev eth0 | grep -q 'eth0:sg'"
check "excluded address on the master" has_addr a 2001:db8::41
check "excluded address not on the backup" no_addr b 2001:db8::41
check "virtual route via a gateway on the master" sh -c "ip -n $(ns a) route | grep -q '198.51.100.0/24 via 192.0.2.254'"
check "virtual link route with its metric" sh -c "ip -n $(ns a) route | grep -q '203.0.113.0/24 dev eth0.*metric 7'"
check "no virtual route on the backup" sh -c "! ip -n $(ns b) route | grep -q 198.51.100.0"

# sync group: a's SG2 tracks dummy0; its carrier's loss takes SG1 with it
ip -n "$(ns a)" link set dummy1 down
wait_for "a's SG2 in fault" 3 state_is a SG2 FAULT
wait_for "a's SG1 follows into fault" 3 state_is a SG1 FAULT
wait_for "b master of SG1" 3 state_is b SG1 MASTER
wait_for "b master of SG2" 3 state_is b SG2 MASTER
check "a dropped SG1's VIP" no_addr a 192.0.2.41
check "a dropped SG1's routes" sh -c "! ip -n $(ns a) route | grep -q 198.51.100.0"
wait_for "b has SG1's routes" 3 sh -c "ip -n $(ns b) route | grep -q '198.51.100.0/24 via 192.0.2.254'"
check "other instances unaffected" state_is a V6 MASTER
ip -n "$(ns a)" link set dummy1 up
wait_for "a master of SG2 again" 5 state_is a SG2 MASTER
wait_for "a master of SG1 again" 5 state_is a SG1 MASTER
wait_for "b backup of SG1" 3 state_is b SG1 BACKUP

# the master of the equal-priority instance dies: the other takes over
kill_director b
wait_for "a takes EQ" 4 state_is a EQ MASTER
wait_for "a takes NP" 3 state_is a NP MASTER
check "EQ VIP on a" has_addr a 192.0.2.44
vt_finish
