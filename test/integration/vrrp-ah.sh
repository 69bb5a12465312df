#!/bin/sh
# auth_type AH against keepalived (Debian's 2.2.7) as the peer, both ways: IPsec AH datagrams (protocol
# 51, HMAC-MD5-96 keyed with auth_pass) over multicast and unicast. The backup hears the master's adverts
# and stays backup; when the master is killed the other takes over, and the sequence numbers carry on so
# that the returning side is accepted; a wrong auth_pass is dropped (and counted) by both.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

command -v keepalived >/dev/null || { echo "FAIL: keepalived not installed (Debian package keepalived)" >&2; exit 1; }

vt_net v k

# NAME VRID PRIO-VIPD PRIO-KEEPALIVED PASS-VIPD PASS-KEEPALIVED UNICAST
INSTANCES="
AHK 31 100 150 s3cret s3cret no
AHV 32 150 100 s3cret s3cret no
AUK 33 100 150 un1cast un1cast yes
AUV 34 150 100 un1cast un1cast yes
AHW 35 100 150 right wrong no
"

# conf WHO: WHO is vipd or keepalived (vipd is 192.0.2.1, keepalived .2)
conf() {
	echo "$INSTANCES" | while read -r name vrid pv pk passv passk uni; do
		[ -n "$name" ] || continue
		if [ "$1" = vipd ]; then prio=$pv pass=$passv peer=192.0.2.2; else prio=$pk pass=$passk peer=192.0.2.1; fi
		peers=""
		if [ "$uni" = yes ]; then peers="unicast_peer {
		$peer
	}"; fi
		cat <<CONF
vrrp_instance $name {
	state BACKUP
	interface eth0
	virtual_router_id $vrid
	version 2
	priority $prio
	advert_int 1
	$peers
	authentication {
		auth_type AH
		auth_pass $pass
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
check "vipd -t accepts auth_type AH (in its namespace, which has eth0)" ip netns exec "$(ns v)" "$VIPD" -t -f "$T/v.conf"

KA_NAMES="AHK AUK"
VIPD_NAMES="AHV AUV"
vip_of() { echo "$INSTANCES" | awk -v n="$1" '$1 == n { print "192.0.2." $2 }'; }
drops() { vstatus v | jq -r ".instances[] | select(.name == \"$1\") | .drops.$2"; }

start_director v "$T/v.conf"
start_keepalived k "$T/k.conf"

for n in $VIPD_NAMES; do wait_for "vipd master of $n" 10 state_is v $n MASTER; done
for n in $KA_NAMES; do
	wait_for "$n's VIP on keepalived" 10 has_addr k "$(vip_of $n)"
	wait_for "vipd backup of $n" 5 state_is v $n BACKUP
done
# Drops are counted from here: if keepalived starts late, vipd is briefly master of AHK/AUK and
# its own sequence numbers run ahead of keepalived's first ones, which it then drops as replays
# (keepalived shares one counter between sent and heard adverts the same way).
drop_total() { vstatus v | jq ".instances[] | select(.name == \"$1\") | [.drops[]] | add"; }
for n in AHK AHV AUK AUV; do eval "DROPS_$n=$(drop_total $n)"; done
sleep 3
for n in $KA_NAMES; do
	check "$n: vipd hears keepalived's AH adverts" [ "$(inst v $n adverts_received)" -gt 1 ]
	check "$n: vipd stays backup" state_is v $n BACKUP
	check "$n's VIP not on vipd" no_addr v "$(vip_of $n)"
done
for n in $VIPD_NAMES; do
	# keepalived stays backup: its VIP never appears, as it accepts vipd's adverts
	check "$n: keepalived stays backup" no_addr k "$(vip_of $n)"
	check "$n's VIP on vipd" has_addr v "$(vip_of $n)"
done
for n in AHK AHV AUK AUV; do
	eval "before=\$DROPS_$n"
	check "$n: vipd dropped nothing once both sides settled" [ "$(drop_total $n)" = "$before" ]
done
check "keepalived found no fault in vipd's AH adverts" \
	sh -c "! grep -E '\((AHV|AUV)\).*(IPSEC|auth|checksum|length)' '$T/k.ka.log'"

# a wrong auth_pass: each side drops the other's adverts (vipd counts them), so both are master
wait_for "AHW: vipd master (keepalived's adverts dropped)" 10 state_is v AHW MASTER
check "AHW: keepalived master too" has_addr k "$(vip_of AHW)"
check "AHW: vipd counted bad ICVs" [ "$(drops AHW ah_icv)" -gt 0 ]
check "AHW: vipd accepted none" [ "$(inst v AHW adverts_received)" = 0 ]
check "AHW: keepalived logged vipd's ICV as invalid" grep -q '(AHW) IPSEC-AH : invalid IPSEC HMAC-MD5' "$T/k.ka.log"

# keepalived dies: vipd takes its VRIDs
kill_keepalived k
for n in $KA_NAMES; do wait_for "vipd takes $n" 8 state_is v $n MASTER; done
for n in $KA_NAMES; do check "$n's VIP on vipd" has_addr v "$(vip_of $n)"; done
# keepalived returns (its sequence numbers from 0, it learns vipd's) and takes its VRIDs back
restart_keepalived k "$T/k.conf"
for n in $KA_NAMES; do wait_for "vipd yields $n to keepalived" 15 state_is v $n BACKUP; done
for n in $KA_NAMES; do wait_for "$n's VIP leaves vipd" 3 no_addr v "$(vip_of $n)"; done
for n in $VIPD_NAMES; do check "vipd still master of $n" state_is v $n MASTER; done

# vipd dies: keepalived takes vipd's VRIDs; vipd returns and takes them back
for pid in $(ip netns pids "$(ns v)"); do kill -KILL "$pid" 2>/dev/null || true; done
wait "$(cat "$T/v.vipd")" 2>/dev/null || true
for n in $VIPD_NAMES; do wait_for "keepalived takes $n" 8 has_addr k "$(vip_of $n)"; done
start_director v "$T/v.conf"
for n in $VIPD_NAMES; do wait_for "vipd master of $n again" 15 state_is v $n MASTER; done
for n in $VIPD_NAMES; do wait_for "keepalived yields $n" 5 no_addr k "$(vip_of $n)"; done
for n in $KA_NAMES; do wait_for "vipd backup of $n" 5 state_is v $n BACKUP; done
vt_finish
