#!/bin/sh
# keepalived users migrate unchanged: `vipd -t -f` accepts every sample configuration keepalived 2.2 ships
# (warnings allowed), except the few listed below, whose errors are keepalived's own sample mistakes or
# refusals justified in vipd.conf(5). An error outside that list fails the test.
. "${top_srcdir:-.}/test/integration/lib.sh"

SAMPLES=/usr/share/doc/keepalived/samples
if [ ! -d "$SAMPLES" ]; then
	echo "SKIP: $SAMPLES is missing (apt-get install keepalived)"
	exit 77
fi

# expected_errors SAMPLE: an extended regex every error line of that sample must match ("" = none allowed)
expected_errors() {
	case $1 in
	# auth_type AH with state MASTER: keepalived starts it as BACKUP ("Initial state master is incompatible
	# with AH authentication - clearing"), a recovery; so does vipd, and both exit 5
	keepalived.conf.SSL_GET) echo '^recovered: [^:]*:13: vrrp_instance: VI_1: state MASTER with auth_type AH; starting as BACKUP|^vipd: .*: 1 error recovered from' ;;
	# the sample lists sync group members outside group { }: keepalived 2.2 skips them ("Unknown keyword
	# 'VI_2'"), and so does vipd; its lvs_sync_daemon_interface is keepalived 1's form, which keepalived 2.2
	# logs as an error and uses, as vipd does
	keepalived.conf.vrrp.lvs_syncd) echo "^recovered: [^:]*:[45]: VI_[23]: unknown keyword in vrrp_sync_group; ignored|^recovered: [^:]*:11: lvs_sync_daemon_interface: keepalived 1's form|^vipd: .*: 3 errors recovered from" ;;
	# protocol TCP on a fwmark service: keepalived logs "protocol specified for fwmark - protocol will be
	# ignored" (exit 5); so does vipd
	keepalived.conf.fwmark) echo "^recovered: [^:]*:7: virtual_server: a fwmark service has no protocol; protocol ignored|^vipd: .*: 1 error recovered from" ;;
	# `to 192.168.100./24` is not an address (keepalived: "Invalid rule to address", and skips the rule)
	keepalived.conf.vrrp.rules) echo "^[^:]*:(11|26): to: '192\.168\.(100|200)\./24' is not an address" ;;
	*) echo "" ;;
	esac
}

# check_sample FILE [VIPD ARGS]: vipd -t on it; every error expected, and errors where some are expected
check_sample() {
	f=$1
	shift
	name=$(basename "$f")
	want=$(expected_errors "$name")
	rc=0
	timeout 20 "$VIPD" -t -f "$f" "$@" >"$T/out" 2>&1 || rc=$?
	grep -v '^warning: ' "$T/out" | grep -v '^vipd: .* errors\{0,1\}$' >"$T/errors" || true
	if [ "$rc" -eq 124 ]; then
		fail "$name${*:+ $*}: vipd -t hung"
	elif [ -z "$want" ]; then
		if [ "$rc" -eq 0 ] && [ ! -s "$T/errors" ]; then
			pass "$name${*:+ $*}: accepted ($(grep -c '^warning: ' "$T/out" || true) warnings)"
		else
			fail "$name${*:+ $*}: exit $rc:"
			cat "$T/out" >&2
		fi
	elif [ "$rc" -eq 0 ] || [ ! -s "$T/errors" ]; then
		fail "$name: accepted, but errors matching '$want' were expected"
	elif grep -Evq "$want" "$T/errors"; then
		fail "$name: unexpected errors:"
		grep -Ev "$want" "$T/errors" >&2
	else
		pass "$name: only the expected errors ($(wc -l <"$T/errors"))"
	fi
}

n=0
for f in "$SAMPLES"/keepalived.conf.*; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	case $f in
	# meant to be run with -i high or -i low (its vrrp_script has no script otherwise, as in keepalived)
	*/keepalived.conf.conditional_conf)
		check_sample "$f" -i high
		check_sample "$f" -i low
		;;
	*) check_sample "$f" ;;
	esac
done
check "found the samples ($n)" [ "$n" -ge 20 ]

# no sample trips over an unknown keyword, whatever else it does
for f in "$SAMPLES"/keepalived.conf.*; do
	# (but for the sync group members outside group { } above)
	if "$VIPD" -t -i high -f "$f" 2>&1 | grep -v ':[45]: VI_[23]: unknown keyword in vrrp_sync_group' |
		grep -q 'unknown keyword'; then
		fail "$(basename "$f"): an unknown keyword"
	fi
done
finish
