# shellcheck shell=sh
# Shared by the integration tests: a scratch directory, a vipd started in it, and assertions.
# Sourced; the test driver sets top_srcdir and top_builddir.
set -eu

top_builddir=${top_builddir:-$(pwd)}
top_srcdir=${top_srcdir:-$top_builddir}
VIPD="$top_builddir/vipd"
VIPCTL="$top_builddir/vipctl"
T=$(mktemp -d "${TMPDIR:-/tmp}/vipd-test.XXXXXX")
SOCK="$T/vipd.sock"
PIDFILE="$T/vipd.pid"
VIPD_PID=""
FAILURES=0

cleanup() {
	if [ -n "$VIPD_PID" ] && kill -0 "$VIPD_PID" 2>/dev/null; then
		kill -TERM "$VIPD_PID" 2>/dev/null || true
		wait "$VIPD_PID" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	FAILURES=$((FAILURES + 1))
}

pass() {
	echo "ok: $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

finish() {
	if [ "$FAILURES" -ne 0 ]; then
		echo "$FAILURES check(s) failed; vipd log:" >&2
		[ -f "$T/vipd.log" ] && tail -n 40 "$T/vipd.log" >&2
		exit 1
	fi
	exit 0
}

# make_interfaces NAME...: the interfaces a test's files name (a veth pair each, up), made only in make
# check's own network namespace (test/isolated.sh sets VIPD_ISOLATED); run by hand, the host has them or not
make_interfaces() {
	[ "${VIPD_ISOLATED:-}" = 1 ] || return 0
	for ifname in "$@"; do
		ip link show "$ifname" >/dev/null 2>&1 && continue
		ip link add "$ifname" type veth peer name "zz$ifname" && ip link set "$ifname" up &&
			ip link set "zz$ifname" up
	done
}

# start_vipd CONFIG [ARGS...]: runs vipd in the foreground (backgrounded here) and waits for its socket
start_vipd() {
	conf=$1
	shift
	"$VIPD" -n -l -D -f "$conf" -p "$PIDFILE" -s "$SOCK" "$@" >>"$T/vipd.log" 2>&1 &
	VIPD_PID=$!
	wait_for "the control socket" 10 test -S "$SOCK"
}

stop_vipd() {
	kill -TERM "$VIPD_PID"
	rc=0
	wait "$VIPD_PID" || rc=$?
	VIPD_PID=""
	return "$rc"
}

status_json() {
	"$VIPCTL" -s "$SOCK" status --json
}

# jqs FILTER: applies a jq filter to the current status, printing raw output
jqs() {
	status_json | jq -r "$1"
}

child_field() {
	jqs ".children[] | select(.name == \"$1\") | .$2"
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls every 0.1 s
wait_for() {
	desc=$1
	limit=$2
	shift 2
	end=$(( $(date +%s%N) + limit * 1000000000 ))
	while ! "$@" 2>/dev/null; do
		if [ "$(date +%s%N)" -ge "$end" ]; then
			fail "timed out after ${limit}s waiting for $desc"
			return 1
		fi
		sleep 0.1
	done
}

child_is() {
	[ "$(child_field "$1" state)" = "$2" ]
}

# A config that needs every child: VRRP, a virtual server with a checker, and connection sync.
write_full_config() {
	cat >"$1" <<'CONF'
global_defs {
	router_id test1
	lvs_sync_daemon eth0 VI_1 id 7
}
vrrp_instance VI_1 {
	state BACKUP
	interface lo
	virtual_router_id 51
	priority 100
	advert_int 1
}
virtual_server 192.0.2.10 80 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	real_server 198.51.100.21 80 {
		weight 1
		TCP_CHECK {
			connect_timeout 3
		}
	}
}
CONF
}
