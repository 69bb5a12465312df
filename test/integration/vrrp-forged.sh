#!/bin/sh
# Forged and malformed adverts from a raw-socket injector: wrong TTL, bad checksum, wrong auth type and
# data, count 0, truncated, wrong version, interval and address list, another VRID; over IPv6, a wrong hop
# limit and a bad checksum. Each one claims a higher priority than the master's: none may change its state,
# each must increment its own counter, and nothing may crash. Then a valid advert does make it yield, so the
# injector is known to reach it.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

command -v python3 >/dev/null || { echo "FAIL: python3 missing (Debian package python3)" >&2; exit 1; }

vt_net a x
cat >"$T/a.conf" <<CONF
vrrp_instance F2 {
	interface eth0
	virtual_router_id 61
	version 2
	priority 100
	advert_int 1
	authentication {
		auth_type PASS
		auth_pass secret
	}
	virtual_ipaddress {
		192.0.2.61/24
	}
}
vrrp_instance F6 {
	interface eth0
	virtual_router_id 63
	version 3
	priority 100
	advert_int 0.1
	virtual_ipaddress {
		2001:db8::63/64
	}
}
vrrp_instance F4 {
	interface eth0
	virtual_router_id 64
	version 3
	priority 100
	advert_int 0.1
	skip_check_adv_addr
	garp_master_repeat 1
	garp_master_delay 0
	garp_lower_prio_repeat 2
	notify_master_rx_lower_pri "/bin/sh -c 'echo heard >>$T/rx_lower'"
	virtual_ipaddress {
		192.0.2.64/24
	}
}
vrrp_instance F5 {
	interface eth0
	virtual_router_id 65
	version 3
	priority 100
	advert_int 0.1
	garp_master_repeat 1
	garp_master_delay 0
	garp_master_refresh 5
	garp_master_refresh_repeat 3
	garp_lower_prio_repeat 1
	garp_lower_prio_delay 2
	virtual_ipaddress {
		192.0.2.65/24
	}
}
vrrp_instance F3 {
	interface eth0
	virtual_router_id 62
	version 3
	priority 100
	advert_int 0.1
	virtual_ipaddress {
		192.0.2.62/24
	}
}
CONF

cat >"$T/inject.py" <<'PY'
# inject.py CASE: sends one crafted VRRP packet out of eth0 to 224.0.0.18 from 192.0.2.2
import socket, struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF

SRC, DST = socket.inet_aton("192.0.2.2"), socket.inet_aton("224.0.0.18")

def v2(vrid=61, prio=254, count=1, atype=1, adv=1, addrs=None, auth=b"secret\0\0", ver=2, fix=True):
    addrs = addrs if addrs is not None else [socket.inet_aton("192.0.2.61")]
    body = b"".join(addrs) + auth
    hdr = bytes([ver << 4 | 1, vrid, prio, count, atype, adv, 0, 0])
    m = hdr + body
    if fix:
        c = csum(m)
        m = m[:6] + struct.pack("!H", c) + m[8:]
    return m

def v3(vrid=62, prio=254, cs=10, pseudo=True, addrs=None):
    addrs = addrs if addrs is not None else [socket.inet_aton("192.0.2.62")]
    m = bytes([0x31, vrid, prio, len(addrs), cs >> 8, cs & 0xFF, 0, 0]) + b"".join(addrs)
    ph = SRC + DST + bytes([0, 112]) + struct.pack("!H", len(m)) if pseudo else b""
    c = csum(ph + m)
    return m[:6] + struct.pack("!H", c) + m[8:]

case = sys.argv[1]
ttl = 255
if case.startswith("v6_"):
    # IPv6: from the injector's link-local (argv[2]) to ff02::12, hop limit from the socket
    src = socket.inet_pton(socket.AF_INET6, sys.argv[2])
    dst = socket.inet_pton(socket.AF_INET6, "ff02::12")
    vip = socket.inet_pton(socket.AF_INET6, "2001:db8::63")
    m = bytes([0x31, 63, 254, 1, 0, 10, 0, 0]) + vip
    c = csum(src + dst + struct.pack("!I", len(m)) + bytes([0, 0, 0, 112]) + m)
    if case == "v6_checksum":
        c ^= 0x0101
    m = m[:6] + struct.pack("!H", c) + m[8:]
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 112)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
    s.bind((sys.argv[2], 0, 0, socket.if_nametoindex("eth0")))
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 64 if case == "v6_ttl" else 255)
    s.sendto(m, ("ff02::12", 0, 0, socket.if_nametoindex("eth0")))
    sys.exit(0)
if case == "ttl":
    msg, ttl = v2(), 64
elif case == "checksum":
    m = v2()
    msg = m[:6] + bytes([m[6] ^ 0xFF, m[7]]) + m[8:]
elif case == "auth_data":
    msg = v2(auth=b"guessed\0")
elif case == "auth_type":
    msg = v2(atype=0, auth=b"\0" * 8)
elif case == "count0":
    msg = v2(count=0, addrs=[])
elif case == "length":
    msg = v2()[:6]
elif case == "version":
    msg = v2(ver=4)
elif case == "interval":
    msg = v2(adv=2)
elif case == "addr_list":
    msg = v2(addrs=[socket.inet_aton("192.0.2.99")])
elif case == "v3_checksum":
    msg = v3(pseudo=False)
elif case == "vrid":
    msg = v2(vrid=99)
elif case == "low5":
    msg = v3(vrid=65, prio=50, addrs=[socket.inet_aton("192.0.2.65")])
elif case in ("low4", "low4_list", "low4_list_other_src"):
    # a lower priority master of F4, with F4's addresses or another list, from 192.0.2.2 or .3
    if case == "low4_list_other_src":
        SRC = socket.inet_aton("192.0.2.3")
    msg = v3(vrid=64, prio=50, addrs=[socket.inet_aton("192.0.2.64" if case == "low4" else "192.0.2.99")])
elif case == "valid2":
    msg = v2()
elif case == "valid3":
    msg = v3()
else:
    sys.exit("unknown case " + case)

ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(msg), 0, 0, ttl, 112, 0, SRC, DST) + msg
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("192.0.2.2"))
s.sendto(ip, ("224.0.0.18", 0))
PY

start_director a "$T/a.conf"
wait_for "a master of F3" 5 state_is a F3 MASTER
wait_for "a master of F2" 6 state_is a F2 MASTER

X_LL=$(ip -n "$(ns x)" -6 addr show dev eth0 scope link | awk '/inet6/ { sub("/.*", "", $2); print $2 }')
inject() {
	ip netns exec "$(ns x)" python3 "$T/inject.py" "$1" "$X_LL"
}

# drops_of INSTANCE REASON
drops_of() { inst a "$1" "drops.$2"; }

for reason in ttl checksum auth_data auth_type count0 length version interval addr_list; do
	before=$(drops_of F2 $reason)
	inject $reason
	inject $reason
	wait_for "F2: $reason counted twice" 3 field_is a F2 "drops.$reason" $((before + 2))
	check "F2: still master after $reason" state_is a F2 MASTER
done
before=$(drops_of F3 checksum)
inject v3_checksum
wait_for "F3: a checksum without the pseudo-header is dropped" 3 field_is a F3 drops.checksum $((before + 1))
before=$(vstatus a | jq '.unmatched_drops.vrid')
inject vrid
wait_for "another VRID counted as unmatched" 3 vfield_is a .status.unmatched_drops.vrid $((before + 1))
# IPv6: the hop limit comes from ancillary data, the checksum covers the IPv6 pseudo-header
wait_for "a master of F6" 3 state_is a F6 MASTER
for reason in ttl checksum; do
	before=$(drops_of F6 $reason)
	inject v6_$reason
	wait_for "F6: $reason counted" 3 field_is a F6 "drops.$reason" $((before + 1))
done
check "F6 never left master" [ "$(inst a F6 transitions)" = 2 ]
check "F2 never left master" [ "$(inst a F2 transitions)" = 2 ]
check "F3 never left master" [ "$(inst a F3 transitions)" = 2 ]
check "F2 received no valid advert" [ "$(inst a F2 adverts_received)" = 0 ]
check "vrrp child never restarted" vfield_is a .restarts 0

# F4 (skip_check_adv_addr, garp_lower_prio_repeat 2, notify_master_rx_lower_pri): a lower priority master
wait_for "a master of F4" 3 state_is a F4 MASTER
wait_for "F4 announced its address once" 3 field_is a F4 announcements 1
inject low4_list
wait_for "F4: a list from a sender never heard is checked, and dropped" 3 field_is a F4 drops.addr_list 1
check "F4: so nothing was heard" [ "$(inst a F4 lower_priority_masters_heard)" = 0 ]
inject low4
wait_for "F4 heard a lower priority master" 3 field_is a F4 lower_priority_masters_heard 1
wait_for "F4 announced its address twice more (garp_lower_prio_repeat)" 3 field_is a F4 announcements 3
wait_for "notify_master_rx_lower_pri ran" 3 test -s "$T/rx_lower"
inject low4_list
wait_for "F4: the same sender's list is not compared again (skip_check_adv_addr)" 3 \
	field_is a F4 lower_priority_masters_heard 2
check "F4: no new addr_list drop" [ "$(inst a F4 drops.addr_list)" = 1 ]
inject low4_list_other_src
wait_for "F4: another sender's list is compared, and dropped" 3 field_is a F4 drops.addr_list 2
check "F4 stayed master" state_is a F4 MASTER
check "notify_master_rx_lower_pri ran for each lower advert" [ "$(wc -l <"$T/rx_lower")" -eq 2 ]

# F5: garp_master_refresh 5 with garp_master_refresh_repeat 3, then a lower priority master: one announcement
# at once and one more after garp_lower_prio_delay 2 (which then postpones the refresh)
wait_for "a master of F5" 3 state_is a F5 MASTER
c0=$(inst a F5 announcements)
check "F5: 1 on becoming master, then 3 at each refresh so far ($c0)" [ $(((c0 - 1) % 3)) = 0 ]
wait_for "F5: 3 more at the next refresh" 7 field_is a F5 announcements $((c0 + 3))
inject low5
wait_for "F5: one at once for the lower master" 2 field_is a F5 announcements $((c0 + 4))
wait_for "F5: one more after garp_lower_prio_delay" 4 field_is a F5 announcements $((c0 + 5))

# the valid forms are accepted: a yields to priority 254 (and takes over again once the forger is silent)
inject valid2
wait_for "F2 yields to a valid advert" 3 state_is a F2 BACKUP
check "F2 counted it" [ "$(inst a F2 adverts_received)" = 1 ]
inject valid3
wait_for "F3 yields to a valid v3 advert" 3 vfield_is a '.status.instances[] | select(.name == "F3") | .transitions >= 3' true
inject v6_valid
wait_for "F6 yields to a valid IPv6 advert" 3 vfield_is a '.status.instances[] | select(.name == "F6") | .transitions >= 3' true
wait_for "F2 master again after the forger went quiet" 6 state_is a F2 MASTER
vt_finish
