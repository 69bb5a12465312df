#!/bin/sh
# Interop with keepalived (Debian's 2.2.7) as the peer, both ways at once: on some VRIDs keepalived has the
# higher priority, on others vipd; v2 (with PASS authentication) and v3, IPv4 and IPv6. One master per
# VRID; takeover when either dies; the higher one takes its role back when it returns. Unicast with
# unicast_ttl 64 both ways, each side accepting the other's TTL through its peer's min_ttl / max_ttl.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

command -v keepalived >/dev/null || { echo "FAIL: keepalived not installed (Debian package keepalived)" >&2; exit 1; }

vt_net v k

# NAME VRID VERSION FAMILY-VIP ADVERT PRIO-VIPD PRIO-KEEPALIVED EXTRA
INSTANCES="
V3K 21 3 192.0.2.21/24 0.1 100 150
V3V 22 3 192.0.2.22/24 0.1 150 100
V6K 23 3 2001:db8::23/64 0.1 100 150
V6V 24 3 2001:db8::24/64 0.1 150 100
V2K 25 2 192.0.2.25/24 1 100 150
V2V 26 2 192.0.2.26/24 1 150 100
"

# conf WHO: WHO is vipd or keepalived
conf() {
	echo "$INSTANCES" | while read -r name vrid ver vip adv pv pk; do
		[ -n "$name" ] || continue
		if [ "$1" = vipd ]; then prio=$pv; else prio=$pk; fi
		auth=""
		if [ "$ver" = 2 ]; then auth="authentication {
		auth_type PASS
		auth_pass s3cret
	}"; fi
		cat <<CONF
vrrp_instance $name {
	state BACKUP
	interface eth0
	virtual_router_id $vrid
	version $ver
	priority $prio
	advert_int $adv
	$auth
	virtual_ipaddress {
		$vip
	}
}
CONF
	done
	# unicast, TTL 64 from the master's side, a TTL range at the other's; vipd is 192.0.2.1, keepalived .2
	for name in UTK UTV; do
		if [ "$name" = UTK ]; then vrid=27; high=keepalived; else vrid=28; high=vipd; fi
		if [ "$1" = vipd ]; then peer=192.0.2.2; else peer=192.0.2.1; fi
		prio=100 ttl="" range="min_ttl 60 max_ttl 64"
		if [ "$1" = "$high" ]; then prio=150 ttl="unicast_ttl 64" range=""; fi
		cat <<CONF
vrrp_instance $name {
	state BACKUP
	interface eth0
	virtual_router_id $vrid
	version 3
	priority $prio
	advert_int 0.1
	$ttl
	unicast_peer {
		$peer $range
	}
	virtual_ipaddress {
		192.0.2.$vrid/24
	}
}
CONF
	done
}
conf vipd >"$T/v.conf"
conf keepalived >"$T/k.conf"

KA_NAMES="V3K V6K V2K UTK"
VIPD_NAMES="V3V V6V V2V UTV"
ALL="$KA_NAMES $VIPD_NAMES"

# vip_of NAME: its address without the length
vip_of() {
	case $1 in
	UTK) echo 192.0.2.27 ;;
	UTV) echo 192.0.2.28 ;;
	*) echo "$INSTANCES" | awk -v n="$1" '$1 == n { sub("/.*", "", $4); print $4 }' ;;
	esac
}

start_director v "$T/v.conf"
start_keepalived k "$T/k.conf"

for n in $VIPD_NAMES; do wait_for "vipd master of $n" 10 state_is v $n MASTER; done
for n in $KA_NAMES; do wait_for "vipd backup of $n" 10 state_is v $n BACKUP; done
# and keepalived agrees: the VIPs are where they should be, on one side only
master_known() {
	m=$(inst "$1" "$2" master)
	[ -n "$m" ] && [ "$m" != null ]
}
for n in $KA_NAMES; do
	wait_for "$n's VIP on keepalived" 10 has_addr k "$(vip_of $n)"
	check "$n's VIP not on vipd" no_addr v "$(vip_of $n)"
	# keepalived puts its VIP up before its first advert as master reaches vipd: wait for that advert
	wait_for "vipd knows keepalived as $n's master" 5 master_known v $n
done
for n in $VIPD_NAMES; do
	wait_for "$n's VIP on vipd" 5 has_addr v "$(vip_of $n)"
	check "$n's VIP not on keepalived" no_addr k "$(vip_of $n)"
done
sleep 1
check "vipd accepts keepalived's adverts (no drops)" \
	[ "$(vstatus v | jq '[.instances[].drops[]] | add')" = 0 ]
for n in $KA_NAMES; do
	check "$n: adverts received from keepalived" [ "$(inst v $n adverts_received)" -gt 0 ]
	wait_for "$n: vipd stays backup" 3 state_is v $n BACKUP
done

# keepalived dies (SIGKILL, like a crash): vipd takes its VRIDs
kill_keepalived k
for n in $KA_NAMES; do wait_for "vipd takes $n" 6 state_is v $n MASTER; done
for n in $KA_NAMES; do check "$n's VIP on vipd" has_addr v "$(vip_of $n)"; done
# keepalived comes back with its higher priorities: vipd yields
restart_keepalived k "$T/k.conf"
for n in $KA_NAMES; do wait_for "vipd yields $n to keepalived" 10 state_is v $n BACKUP; done
for n in $KA_NAMES; do wait_for "$n's VIP leaves vipd" 3 no_addr v "$(vip_of $n)"; done
for n in $VIPD_NAMES; do wait_for "vipd still master of $n" 3 state_is v $n MASTER; done

# vipd dies (every process SIGKILLed): keepalived takes vipd's VRIDs
for pid in $(ip netns pids "$(ns v)"); do kill -KILL "$pid" 2>/dev/null || true; done
wait "$(cat "$T/v.vipd")" 2>/dev/null || true
for n in $VIPD_NAMES; do wait_for "keepalived takes $n" 8 has_addr k "$(vip_of $n)"; done
# vipd returns: it removes its stale VIPs, then takes its VRIDs back from keepalived
start_director v "$T/v.conf"
for n in $VIPD_NAMES; do wait_for "vipd master of $n again" 10 state_is v $n MASTER; done
for n in $VIPD_NAMES; do wait_for "keepalived yields $n" 5 no_addr k "$(vip_of $n)"; done
for n in $KA_NAMES; do wait_for "vipd backup of $n" 5 state_is v $n BACKUP; done
check "keepalived logged no checksum or auth complaints" \
	sh -c "! grep -Eiq 'checksum|auth.*(mismatch|fail)|received an invalid' '$T/k.ka.log'"
check "keepalived logged no TTL complaints (vipd's unicast_ttl 64 is in its range)" \
	sh -c "! grep -Eiq 'ttl' '$T/k.ka.log'"
check "vipd dropped nothing for TTL (keepalived's unicast_ttl 64 is in its range)" \
	[ "$(vstatus v | jq '[.instances[].drops.ttl] | add')" = 0 ]
vt_finish
