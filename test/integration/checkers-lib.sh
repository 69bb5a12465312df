# Shared by the checkers integration tests: each runs in a network namespace of its own (unshare), with
# its real servers on documentation addresses of that namespace's loopback. Sourced after setting
# CK_SCRIPT to the test's path.
set -eu

if [ -z "${CK_IN_NETNS:-}" ]; then
	if ! command -v unshare >/dev/null || ! unshare -n true 2>/dev/null; then
		echo "FAIL: needs root and unshare -n (Debian package util-linux)" >&2
		exit 1
	fi
	CK_IN_NETNS=1 exec unshare -n /bin/sh "$CK_SCRIPT" "$@"
fi

. "${top_srcdir:-.}/test/integration/lib.sh"

CK_PIDS=""
CK_DIRS=""
ck_cleanup() {
	for p in $CK_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $CK_PIDS; do
		wait "$p" 2>/dev/null || true
	done
	for d in $CK_DIRS; do
		rm -rf "$d"
	done
	cleanup
}
trap ck_cleanup EXIT

# requires COMMAND...: fails the test if a tool is missing (./bootstrap installs them all)
requires() {
	for t in "$@"; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "FAIL: $t is not installed (./bootstrap installs it)" >&2
			exit 1
		fi
	done
}

# ck_net ADDR...: loopback up, with these addresses (IPv4 /32, IPv6 /128)
ck_net() {
	ip link set lo up
	for a in "$@"; do
		case $a in
		*:*) ip -6 addr add "$a/128" dev lo nodad ;;
		*) ip addr add "$a/32" dev lo ;;
		esac
	done
}

# bg COMMAND...: runs a server in the background, killed at exit
bg() {
	"$@" >>"$T/servers.log" 2>&1 &
	CK_PIDS="$CK_PIDS $!"
	LAST_PID=$!
}

# wait_port ADDR PORT: until a TCP listener answers
wait_port() {
	wait_for "a listener on $1:$2" 5 sh -c "ss -Htln | grep -q '$1:$2 '"
}

# rs FIELD ADDRESS: a field of the real server whose address is ADDRESS ("192.0.2.21:80")
rs() {
	"$VIPCTL" -s "$SOCK" status --json 2>/dev/null |
		jq -r --arg a "$2" ".children[] | select(.name == \"checkers\") | .status.real_servers[]? | select(.address == \$a) | .$1"
}

rs_is() {
	[ "$(rs state "$1")" = "$2" ]
}

# wait_rs ADDRESS STATE SECONDS
wait_rs() {
	wait_for "$1 $2" "$3" rs_is "$1" "$2"
}

now_ms() {
	date +%s%3N
}

# between LOW HIGH VALUE: LOW <= VALUE <= HIGH
between() {
	[ "$3" -ge "$1" ] && [ "$3" -le "$2" ]
}
