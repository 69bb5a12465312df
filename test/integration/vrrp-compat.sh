#!/bin/sh
# keepalived 2.2 keywords vipd acts on, between two vipd directors: static_ipaddress / static_routes /
# static_rules (in place while vipd runs, gone when it stops), virtual_rules and multipath routes
# (`via A or B`) on the master only, vrrp_garp_interval pacing the gratuitous ARPs, vrrp_priority and
# vrrp_cpu_affinity and vrrp_rt_priority on the vrrp child, kernel_rx_buf_size, mcast_dst_ip, track_process
# and track_file moving the priority, unicast_ttl with a peer's TTL range, and notify_deleted at a reload. (use_vmac:
# vrrp-vmac.sh.)
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

vt_net a b

cat >"$T/notify.sh" <<'SH'
#!/bin/sh
# notify.sh FILE ARGS...: one line per event
f=$1
shift
echo "$*" >>"$f"
SH
chmod +x "$T/notify.sh"

# conf DIRECTOR INDEX PRIORITY NICE PEER PEER_RANGE UNICAST_TTL GLOBAL TRACK_PROCESS V_EXTRA
conf() {
	cat >"$T/$1.conf" <<CONF
global_defs {
	vrrp_garp_interval 0.4
	vrrp_gna_interval 0.3
	vrrp_garp_master_repeat 3
	vrrp_garp_master_delay 0
	vrrp_priority $4
	$8
	vrrp_cpu_affinity 0
	default_interface eth0
}
static_ipaddress {
	198.51.100.$2/32
}
static_routes {
	203.0.113.0/24 via 192.0.2.250 or 192.0.2.251 dev eth0
}
static_rules {
	from 198.51.100.0/24 table 100 preference 100
}
track_file f {
	file $T/$1.track
	weight -60
	init_file 0 overwrite
}
vrrp_instance V {
	interface eth0
	virtual_router_id 71
	version 3
	priority $3
	advert_int 0.5
	kernel_rx_buf_size 65536
	${10}
	track_file {
		f
	}
	notify "$T/notify.sh $T/$1.notify"
	notify_deleted
	virtual_ipaddress {
		192.0.2.71/24
	}
	virtual_routes {
		198.51.100.128/25 via 192.0.2.250 or 192.0.2.251 table 200
	}
	virtual_rules {
		from 192.0.2.71 table 200 preference 200
	}
}
vrrp_track_process trk {
	process vipdtrk 1000
	terminate_delay 2
}
vrrp_instance P {
	interface eth0
	virtual_router_id 76
	version 3
	priority $3
	advert_int 0.5
	$9
	virtual_ipaddress {
		192.0.2.76/24
	}
}
vrrp_instance N {
	interface eth0
	virtual_router_id 77
	version 3
	priority $3
	advert_int 0.5
	virtual_ipaddress {
		2001:db8::77/64
	}
}
vrrp_instance G {
	interface eth0
	virtual_router_id 75
	version 3
	priority $3
	advert_int 0.5
	mcast_dst_ip 224.0.0.19
	virtual_ipaddress {
		192.0.2.75/24
	}
}
vrrp_instance U {
	interface eth0
	virtual_router_id 73
	version 3
	priority $3
	advert_int 0.5
	$7
	unicast_peer {
		192.0.2.$5 $6
	}
	virtual_ipaddress {
		192.0.2.73/24
	}
}
CONF
}
# a sends its unicast adverts with TTL 64; b accepts 60..64 from a; a takes b's 255 as usual
# only a tracks the process (both would see it: processes are not in network namespaces)
conf a 1 150 5 2 "" "unicast_ttl 64" "" "track_process {
		trk weight -60
	}" promote_secondaries
conf b 2 100 0 1 "min_ttl 60 max_ttl 64" "" "vrrp_rt_priority 10" "" ""
# vipd -t gives keepalived -t's verdict (5 where keepalived reports it cannot track a route without dev, 6
# where scripts run without enable_script_security), and both run the file
for c in a b; do
	ka=0; vi=0
	keepalived -t -f "$T/$c.conf" >/dev/null 2>&1 || ka=$?
	"$VIPD" -t -f "$T/$c.conf" >/dev/null 2>&1 || vi=$?
	check "$c.conf: vipd -t exits $vi, as keepalived -t ($ka), and runs" sh -c "[ $vi -eq $ka ] && [ $vi -ne 4 ]"
done

start_director a "$T/a.conf"
start_director b "$T/b.conf"
wait_for "a master of V" 10 state_is a V MASTER
wait_for "b backup of V" 5 state_is b V BACKUP
wait_for "a master of U" 5 state_is a U MASTER
wait_for "b backup of U" 5 state_is b U BACKUP

# static_*: on both directors, whatever their state
for d in a b; do
	i=$([ $d = a ] && echo 1 || echo 2)
	wait_for "$d: static address" 3 sh -c "ip -n $(ns $d) addr show dev eth0 | grep -qw 198.51.100.$i/32"
	check "$d: static multipath route" \
		[ "$(ip -n "$(ns $d)" route show 203.0.113.0/24 | grep -c 'nexthop via 192.0.2.25[01]')" = 2 ]
	check "$d: static rule" sh -c "ip -n $(ns $d) rule show | grep -q '^100:.*from 198.51.100.0/24 lookup 100'"
done
check "both statics installed, as status says" [ "$(vstatus a | jq '.statics_installed')" = 3 ]

# virtual_rules and virtual_routes: the master's only
check "a: virtual rule" sh -c "ip -n $(ns a) rule show | grep -q '^200:.*from 192.0.2.71 lookup 200'"
check "b: no virtual rule" sh -c "! ip -n $(ns b) rule show | grep -q 'lookup 200'"
check "a: virtual multipath route in table 200" \
	[ "$(ip -n "$(ns a)" route show table 200 | grep -c 'nexthop via 192.0.2.25[01]')" = 2 ]
check "b: table 200 empty" [ -z "$(ip -n "$(ns b)" route show table 200 2>/dev/null)" ]

# vrrp_garp_interval 0.4: the three gratuitous ARPs for V's address (and G's and U's, on the same eth0) are
# spaced
wait_for "V announced 3 times" 5 field_is a V announcements 3
wait_for "U announced 3 times" 5 field_is a U announcements 3
wait_for "G announced 3 times" 5 field_is a G announcements 3
spread=$(( $(inst a V announced_last_ms) - $(inst a V announced_first_ms) ))
echo "V's 3 gratuitous ARPs spread over ${spread} ms (at least 2 x 0.4 s; G's and U's share eth0)"
check "the ARPs were paced: ${spread} ms >= 790" [ "$spread" -ge 790 ]
check "not stalled: ${spread} ms < 4000" [ "$spread" -lt 4000 ]
v4='select(.name == "V" or .name == "G" or .name == "U")'
last=$(vstatus a | jq "[.instances[] | $v4 | .announced_last_ms] | max")
first=$(vstatus a | jq "[.instances[] | $v4 | .announced_first_ms] | min")
both=$((last - first))
echo "the 9 ARPs of V, G and U on eth0 spread over ${both} ms"
check "the interface's pace holds across instances: ${both} ms >= 3190" [ "$both" -ge 3190 ]
# vrrp_gna_interval 0.3: N's three unsolicited neighbour advertisements, paced apart from the ARPs
wait_for "a master of N" 5 state_is a N MASTER
wait_for "N announced 3 times" 5 field_is a N announcements 3
na=$(( $(inst a N announced_last_ms) - $(inst a N announced_first_ms) ))
echo "N's 3 unsolicited NAs spread over ${na} ms (2 x 0.3 s)"
check "the NAs were paced by vrrp_gna_interval: ${na} ms in 590..1500" sh -c "[ $na -ge 590 ] && [ $na -lt 1500 ]"

# the vrrp child: nice 5 on a, pinned to CPU 0
pid=$("$VIPCTL" -s "$T/a.sock" status --json | jq -r '.children[] | select(.name == "vrrp") | .pid')
# (its name has a space: the fields are counted after the closing parenthesis)
nice=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $17 }')
check "a's vrrp child runs at nice 5 (vrrp_priority)" [ "$nice" = 5 ]
check "a's vrrp child is on CPU 0 (vrrp_cpu_affinity)" \
	[ "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$pid/status")" = 0 ]
check "kernel_rx_buf_size: the socket's buffer is at least 64 KiB" [ "$(inst a V socket_rcvbuf)" -ge 65536 ]
check "promote_secondaries set on a's eth0" \
	[ "$(ip netns exec "$(ns a)" cat /proc/sys/net/ipv4/conf/eth0/promote_secondaries)" = 1 ]
check "and not on b's (it did not ask)" \
	[ "$(ip netns exec "$(ns b)" cat /proc/sys/net/ipv4/conf/eth0/promote_secondaries)" = 0 ]
bpid=$("$VIPCTL" -s "$T/b.sock" status --json | jq -r '.children[] | select(.name == "vrrp") | .pid')
check "b's vrrp child runs SCHED_RR 10 (vrrp_rt_priority)" \
	sh -c "chrt -p $bpid | grep -q 'policy: SCHED_RR' && chrt -p $bpid | grep -q 'priority: 10'"
check "a's stays SCHED_OTHER" sh -c "chrt -p $pid | grep -q 'policy: SCHED_OTHER'"

# mcast_dst_ip 224.0.0.19: both join that group and hear each other there
wait_for "a master of G" 5 state_is a G MASTER
heard_g() { [ "$(inst b G adverts_received)" -gt 0 ]; }
wait_for "b hears a's adverts to 224.0.0.19" 3 heard_g
check "b backup of G" state_is b G BACKUP

# unicast_ttl 64 from a, accepted by b's TTL range; nothing dropped for TTL
check "b hears a's unicast adverts" [ "$(inst b U adverts_received)" -gt 0 ]
check "b dropped none for TTL" [ "$(inst b U drops.ttl)" = 0 ]

# track_process: without \`vipdtrk 1000\` running, a's P has 150 - 60 = 90 and b is master; with it, a
# (\`vipdtrk 999\` does not count: the parameters must match); terminate_delay 2 holds the loss back 2 s
cp "$(command -v sleep)" "$T/vipdtrk"
wait_for "a's P at 90 without the process" 5 field_is a P effective_priority 90
wait_for "b master of P" 5 state_is b P MASTER
ip netns exec "$(ns a)" "$T/vipdtrk" 999 &
other=$!
ip netns exec "$(ns a)" "$T/vipdtrk" 1000 &
trk=$!
wait_for "a's P at 150 with the process" 5 field_is a P effective_priority 150
wait_for "a master of P" 5 state_is a P MASTER
check "one process counted (the other's parameter differs)" \
	[ "$(vstatus a | jq '.processes[] | select(.name == "trk") | .running')" = 1 ]
kill "$trk"
t_kill=$(( $(date +%s%N) / 1000000 ))
sleep 1
check "terminate_delay: still 150 a second after the process died" field_is a P effective_priority 150
wait_for "a's P at 90 after terminate_delay" 5 field_is a P effective_priority 90
held=$(( $(date +%s%N) / 1000000 - t_kill ))
echo "the loss of the process counted after ${held} ms (terminate_delay 2 s, scans every second)"
check "held back by terminate_delay: ${held} ms >= 1900" [ "$held" -ge 1900 ]
wait_for "b master of P again" 5 state_is b P MASTER
kill "$other"
wait "$other" "$trk" 2>/dev/null || true

# track_file: 1 x -60 takes a to 90, below b's 100: b preempts; 0 gives a its 150 back
echo 1 >"$T/a.track"
wait_for "a's priority 90 from the track file" 3 field_is a V effective_priority 90
wait_for "b master of V" 5 state_is b V MASTER
echo 0 >"$T/a.track"
wait_for "a's priority 150 again" 3 field_is a V effective_priority 150
wait_for "a master of V again" 5 state_is a V MASTER
check "the notify script saw it" grep -q "INSTANCE V BACKUP 90" "$T/a.notify"

# notify_deleted: V removed by a reload says DELETED (not STOP) to its notify script
sed '/^vrrp_instance V {/,/^}/d' "$T/a.conf" >"$T/a2.conf"
cp "$T/a2.conf" "$T/a.conf"
"$VIPCTL" -s "$T/a.sock" reload >/dev/null
wait_for "V reported DELETED" 5 grep -q "INSTANCE V DELETED" "$T/a.notify"
check "and not STOP" sh -c "! grep -q 'INSTANCE V STOP' '$T/a.notify'"
wait_for "a removed V's rule" 3 sh -c "! ip -n $(ns a) rule show | grep -q 'lookup 200'"

# stopping: statics and the macvlan go
stop_director a
check "a: static address gone" sh -c "! ip -n $(ns a) addr show dev eth0 | grep -qw 198.51.100.1/32"
check "a: static rule gone" sh -c "! ip -n $(ns a) rule show | grep -q 'lookup 100'"
check "a: static route gone" [ -z "$(ip -n "$(ns a)" route show 203.0.113.0/24)" ]
wait_for "b master of U" 5 state_is b U MASTER
vt_finish
