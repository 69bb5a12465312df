#!/bin/sh
# vipd -t: exit 0 on a valid config; otherwise every error with file:line, a non-zero exit, and never a
# hang (recursive parameters). Includes, parameters and @id lines work as in keepalived.
. "${top_srcdir:-.}/test/integration/lib.sh"
make_interfaces eth0

# expect_errors FILE EXPECTED [vipd args]: vipd -t fails and prints exactly EXPECTED (then the summary)
expect_errors() {
	file=$1
	expected=$2
	shift 2
	rc=0
	timeout 10 "$VIPD" -t -f "$file" "$@" >"$T/out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
		fail "$file: exit $rc, wanted a config error"
		return
	fi
	if [ "$(grep -v -e '^vipd: .* errors\{0,1\}$' -e '^warning: ' -e '^vipd: .* recovered from, as keepalived does' "$T/out")" = "$expected" ]; then
		pass "$(basename "$file"): errors as expected"
	else
		fail "$(basename "$file"): got:"
		cat "$T/out" >&2
		echo "wanted:" >&2
		echo "$expected" >&2
	fi
}

write_full_config "$T/full.conf"
# an instance without addresses is an error keepalived runs past (exit 5): this one has one
sed -i 's/^\tadvert_int 1$/&\n\tvirtual_ipaddress {\n\t\t192.0.2.77\/32\n\t}/' "$T/full.conf"
check "a valid config passes" "$VIPD" -t -f "$T/full.conf"
check "a valid config prints only warnings" [ -z "$("$VIPD" -t -f "$T/full.conf" 2>&1 | grep -v '^warning: ')" ]

cat >"$T/bad.conf" <<'CONF'
global_defs {
	router_id lb1
	vrrp_version 4
}
vrrp_instance VI_1 {
	interface eth0
	virtual_router_id 300
	priority high
	frobnicate yes
	state
}
vrrp_instance VI_2 {
	interface eth0
	virtual_router_id 2
	advert_int 0.5
}
virtual_server 192.0.2.10 http {
	lb_kind NATT
	real_server 198.51.100.300 80 {
	}
}
unknown_block {
}
CONF
# what keepalived runs past is recovered (the same as keepalived does: a bad number ignored, advert_int
# rounded to whole seconds for VRRPv2, a virtual_server it cannot read skipped with its block, whose lines it
# does not read); a missing value is refused, as keepalived -t refuses it (exit 2)
expect_errors "$T/bad.conf" "recovered: $T/bad.conf:3: vrrp_version: '4' is not a number from 2 to 3; ignored (keeping 2), as keepalived does
recovered: $T/bad.conf:7: virtual_router_id: '300' is not a number from 1 to 255; ignored (keeping 0), as keepalived does
recovered: $T/bad.conf:8: priority: 'high' is not a number from 1 to 255; ignored (keeping 100), as keepalived does
recovered: $T/bad.conf:9: frobnicate: unknown keyword in vrrp_instance; ignored
recovered: $T/bad.conf:12: vrrp_instance: VI_2: advert_int 0.500 s cannot be carried by VRRP version 2; using 1.000 s, as keepalived does
recovered: $T/bad.conf:12: vrrp_instance: VI_2: no virtual_ipaddress; the instance runs without addresses, as keepalived does
recovered: $T/bad.conf:17: virtual_server: '192.0.2.10 http' is not an address and port; the virtual_server is skipped with its block
recovered: $T/bad.conf:22: unknown_block: unknown keyword in the top level; ignored with its block
$T/bad.conf:10: state: missing argument"

# Parameters that refer to themselves, directly or through another, end in an error, not a hang.
cat >"$T/loop.conf" <<'CONF'
$IF=$IF
$A=${B}
$B=$A
vrrp_instance VI_1 {
	interface $IF
	virtual_router_id 1
	notify_master ${A}
}
CONF
expect_errors "$T/loop.conf" "$T/loop.conf:5: parameter loop: \$IF -> \$IF (keepalived never ends reading it)
$T/loop.conf:7: parameter loop: \$A -> \$B -> \$A (keepalived never ends reading it)"

# include with a glob, relative to the including file, from another working directory.
mkdir -p "$T/etc/conf.d"
cat >"$T/etc/main.conf" <<'CONF'
$PRIO=150
global_defs {
	router_id lb1
}
include conf.d/*.conf
CONF
cat >"$T/etc/conf.d/10-vrrp.conf" <<'CONF'
vrrp_instance VI_1 {
	interface lo
	virtual_router_id 1
	priority $PRIO
	virtual_ipaddress {
		192.0.2.77/32
	}
}
CONF
cat >"$T/etc/conf.d/20-broken.conf" <<'CONF'
vrrp_instance VI_2 {
	interface lo
	virtual_router_id 2
	priority ${PRIO}0
	virtual_ipaddress {
		192.0.2.78/32
	}
}
CONF
(cd / && expect_errors "$T/etc/main.conf" "recovered: $T/etc/conf.d/20-broken.conf:4: priority: '1500' is not a number from 1 to 255; ignored (keeping 100), as keepalived does")
rm "$T/etc/conf.d/20-broken.conf"
check "included files are read relative to the including file" sh -c "cd / && '$VIPD' -t -f '$T/etc/main.conf'"

# @id lines: only for the named host (-i), @^id for every other one.
cat >"$T/id.conf" <<'CONF'
vrrp_instance VI_1 {
	interface lo
	virtual_router_id 1
@lb1	priority 150
@^lb1	priority 300
	virtual_ipaddress {
		192.0.2.77/32
	}
}
CONF
check "-i lb1 keeps the @lb1 line and drops the @^lb1 one" "$VIPD" -t -f "$T/id.conf" -i lb1
expect_errors "$T/id.conf" "recovered: $T/id.conf:5: priority: '300' is not a number from 1 to 255; ignored (keeping 100), as keepalived does" -i lb2

# Cross-object checks.
cat >"$T/xref.conf" <<'CONF'
global_defs {
	lvs_sync_daemon eth0 VI_9
}
vrrp_instance VI_1 {
	interface lo
	virtual_router_id 1
}
vrrp_instance VI_1 {
	interface lo
	virtual_router_id 2
}
vrrp_sync_group G1 {
	group {
		VI_1 VI_X
	}
}
virtual_server group NOPE {
}
CONF
expect_errors "$T/xref.conf" "recovered: $T/xref.conf:4: vrrp_instance: VI_1: no virtual_ipaddress; the instance runs without addresses, as keepalived does
recovered: $T/xref.conf:8: vrrp_instance: VI_1 is already defined ($T/xref.conf:4); this block is ignored, as keepalived does
recovered: $T/xref.conf:12: vrrp_sync_group G1: no vrrp_instance 'VI_X'; ignored, as keepalived does
recovered: $T/xref.conf:12: vrrp_sync_group G1: only one vrrp_instance; kept, as keepalived does
recovered: $T/xref.conf:17: virtual_server: it has no real_server; the virtual_server is skipped
$T/xref.conf:1: lvs_sync_daemon: unknown vrrp_instance 'VI_9'"

# keepalived 2.2.7's reader: ${NAME} in words, block parameters, ~SEQ with parameters, ~LST, include with
# braces relative to the including file, CRLF and no final newline, several braces on a line. vipd -t must
# give keepalived -t's verdict: clean (0) here, recovered (5) for what keepalived logs and reads past.
# verdict FILE WANT: vipd -t exits WANT, and so does keepalived -t when it is installed.
verdict() {
	rc=0
	(cd / && timeout 10 "$VIPD" -t -f "$1") >"$T/out" 2>&1 || rc=$?
	if [ "$rc" -eq "$2" ]; then
		pass "$(basename "$1"): vipd -t exits $2"
	else
		fail "$(basename "$1"): vipd -t exits $rc, wanted $2"
		cat "$T/out" >&2
	fi
	if command -v keepalived >/dev/null; then
		rc=0
		(cd / && timeout 10 keepalived -t -f "$1") >"$T/ka.out" 2>&1 || rc=$?
		if [ "$rc" -eq "$2" ]; then
			pass "$(basename "$1"): keepalived -t exits $2 too"
		else
			fail "$(basename "$1"): keepalived -t exits $rc, wanted $2"
			cat "$T/ka.out" >&2
		fi
	fi
}

mkdir -p "$T/ka27/inc"
cat >"$T/ka27/main.conf" <<'CONF'
$NET=192.0.2
$RS=real_server ${NET}.${H} 80 { \
    weight ${W} \
    TCP_CHECK { \
        connect_timeout 3 \
    } \
}
global_defs {
	router_id lb1 # a comment after a value
}
include inc/vs_{a,b}.conf
virtual_server ${NET}.100 80 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	$W=2
	~LST(H, 11, 12) $RS
	$FIRST=14
	$LAST=13
	~SEQ(H, $FIRST, ${LAST}) $RS
}
CONF
printf 'virtual_server ${NET}.101 80 {\n\tlb_algo rr\n\tlb_kind NAT\n\tprotocol TCP\n\treal_server ${NET}.21 80 {\n\t\tweight 1\n\t}\n}\n' \
	>"$T/ka27/inc/vs_a.conf"
printf 'virtual_server ${NET}.102 80 { lb_algo rr\r\n lb_kind NAT\r\n protocol TCP\r\n real_server ${NET}.22 80 { weight 1 } }' \
	>"$T/ka27/inc/vs_b.conf"
verdict "$T/ka27/main.conf" 0
cat >"$T/ka27/recovered.conf" <<'CONF'
global_defs {
	router_id lb1
}
}
~SEQ(i, 1, -1, 3) virtual_server 192.0.2.1$i 80 {
virtual_server 192.0.2.100 80 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 192.0.2.11 80 {
		weight 1
	}
CONF
verdict "$T/ka27/recovered.conf" 5
check "the recoveries are the reader's" sh -c "'$VIPD' -t -f '$T/ka27/recovered.conf' 2>&1 | grep -c '^recovered:' | grep -qx 3"

expect_errors "$T/does-not-exist.conf" "cannot open $T/does-not-exist.conf: No such file or directory"

# With no -f and no /etc/vipd/vipd.conf, a keepalived.conf in /etc/keepalived is pointed out.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && [ ! -e /etc/vipd/vipd.conf ]; then
	mkdir -p "$T/ka"
	write_full_config "$T/ka/keepalived.conf"
	out=$(unshare -m sh -c "mkdir -p /etc/keepalived && mount --bind '$T/ka' /etc/keepalived && '$VIPD' -t" 2>&1 || true)
	check "the keepalived config is pointed out" sh -c "echo '$out' | grep -q 'but /etc/keepalived/keepalived.conf does'"
else
	echo "note: the keepalived hint needs root, unshare and no /etc/vipd/vipd.conf; not exercised"
fi
finish
