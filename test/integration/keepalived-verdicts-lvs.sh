#!/bin/sh
# Virtual servers, real servers, checkers, SSL and connection sync: on each small file of
# keepalived-verdicts-lvs.cases, `keepalived -t` (2.2.7) and `vipd -t` give the same verdict: 0 (clean),
# 5 (errors recovered from: the file still runs) or a refusal (keepalived 4 or any other code, vipd 4).
# For 5, every line keepalived's messages name is named by one of vipd's "recovered:" lines, and when
# keepalived also logs errors without a line (its checks once the file is read), vipd names the block
# they are about. keepalived-verdicts-lvs.allowed lists the cases where vipd deliberately differs.
. "${top_srcdir:-.}/test/integration/lib.sh"

if ! command -v keepalived >/dev/null 2>&1; then
	echo "SKIP: keepalived is not installed (apt-get install keepalived)"
	exit 77
fi
CASES="$top_srcdir/test/integration/keepalived-verdicts-lvs.cases"
ALLOWED="$top_srcdir/test/integration/keepalived-verdicts-lvs.allowed"

mkdir "$T/c"
awk -v dir="$T/c" '/^=== /{ f = dir "/" $2 ".conf"; next } f != "" { print > f }' "$CASES"

# run_case NAME: both verdicts into NAME.k / NAME.v (exit code on the first line, then the messages)
run_case() {
	f="$T/c/$1.conf"
	rc=0
	out=$(timeout 20 keepalived -t -l -n -f "$f" 2>&1) || rc=$?
	{ echo "$rc"; printf '%s\n' "$out"; } >"$T/c/$1.k"
	rc=0
	out=$(timeout 20 "$VIPD" -t -f "$f" 2>&1) || rc=$?
	{ echo "$rc"; printf '%s\n' "$out"; } >"$T/c/$1.v"
}

names=$(awk '/^=== /{ print $2 }' "$CASES")
# two at a time: the machine's cores are shared
set -- $names
while [ $# -gt 0 ]; do
	run_case "$1" &
	if [ $# -gt 1 ]; then run_case "$2" & fi
	wait
	shift
	[ $# -gt 0 ] && shift
done

verdict() {
	case $1 in
	0|5|6) echo "$1" ;;
	*) echo refused ;;
	esac
}

n=0
for name in $names; do
	n=$((n + 1))
	k="$T/c/$name.k"
	v="$T/c/$name.v"
	allowed=$(awk -v n="$name" '$1 == n { $1 = ""; print substr($0, 2) }' "$ALLOWED")
	kv=$(verdict "$(head -n 1 "$k")")
	vv=$(verdict "$(head -n 1 "$v")")
	case $allowed in
	verdict*)
		pass "$name: keepalived $kv, vipd $vv (allowed: ${allowed#verdict })"
		continue ;;
	esac
	if [ "$kv" != "$vv" ]; then
		fail "$name: keepalived $kv, vipd $vv"
		sed 1d "$k" | grep -v -e '^Starting' -e 'Running on' -e 'Command line' -e 'Opening file' \
			-e 'Configuration file' >&2 || true
		sed 1d "$v" >&2
		continue
	fi
	if [ "$kv" != 5 ]; then
		pass "$name: both $kv"
		continue
	fi
	case $allowed in
	lines*)
		pass "$name: both 5 (lines not compared: ${allowed#lines })"
		continue ;;
	esac
	# keepalived: "(FILE: Line N) message" or "(Line N) message"
	klines=$(sed -n 's/.*(\([^)]*: \)\{0,1\}Line \([0-9][0-9]*\)).*/\2/p' "$k" | sort -un)
	vlines=$(sed -n 's/^recovered: [^:]*:\([0-9][0-9]*\):.*/\1/p' "$v" | sort -un)
	missing=""
	for l in $klines; do
		echo "$vlines" | grep -qx "$l" || missing="$missing $l"
	done
	extra=""
	for l in $vlines; do
		echo "$klines" | grep -qx "$l" || extra="$extra $l"
	done
	# keepalived's checks of the whole file log without a line: "Virtual server ...", "VS ...", "WARNING ..."
	lineless=$(sed 1d "$k" | grep -v 'Line [0-9]' | grep -c -e 'Virtual server' -e '^VS ' -e 'WARNING - ' \
		-e 'Warning' -e 'virtual server' || true)
	if [ -n "$missing" ]; then
		fail "$name: keepalived names line(s)$missing, vipd does not"
		sed 1d "$k" >&2
		sed 1d "$v" >&2
	elif [ "$lineless" -gt 0 ] && [ -z "$extra" ]; then
		fail "$name: keepalived recovered from $lineless error(s) without a line; vipd names no line for them"
		sed 1d "$v" >&2
	elif [ "$lineless" -eq 0 ] && [ -n "$extra" ]; then
		fail "$name: vipd recovers at line(s)$extra, where keepalived says nothing"
		sed 1d "$k" >&2
		sed 1d "$v" >&2
	else
		pass "$name: both 5, lines $(echo $klines)${extra:+ (+$extra for the checks after reading)}"
	fi
done
[ "$n" -gt 50 ] || fail "only $n cases read from $CASES"
finish
