#!/bin/sh
# The control socket: mode 0600, root (or vipd's own user) only, JSON requests, clear errors.
. "${top_srcdir:-.}/test/integration/lib.sh"

write_full_config "$T/vipd.conf"
start_vipd "$T/vipd.conf"
wait_for "vrrp running" 10 child_is vrrp running

check "socket mode is 0600" [ "$(stat -c %a "$SOCK")" = 600 ]
check "status --json is JSON with six children" [ "$(jqs '.children | length')" = 6 ]
check "text status lists the children" sh -c "'$VIPCTL' -s '$SOCK' status | grep -q '^vrrp  *running'"
# the text status shows what the children report, as their JSON says it (the real server starts up, as
# in keepalived, and its first check is a delay_loop away)
rs_is_up() { [ "$(jqs '.children[] | select(.name == "checkers") | .status.real_servers[0].state')" = up ]; }
wait_for "the checkers' first report" 10 rs_is_up
"$VIPCTL" -s "$SOCK" status >"$T/status.txt"
status_json >"$T/status.json"
vi_state=$(jq -r '.children[] | select(.name == "vrrp") | .status.instances[0].state' "$T/status.json")
rs_state=$(jq -r '.children[] | select(.name == "checkers") | .status.real_servers[0].state' "$T/status.json")
rs_why=$(jq -r '.children[] | select(.name == "checkers") | .status.real_servers[0].reason' "$T/status.json")
check "text status has the instance, its interface, VRID and state ($vi_state)" \
	grep -Eq "^VI_1 +lo +51 +inet +100 +$vi_state " "$T/status.txt"
check "text status has the real server, its state ($rs_state) and why" \
	grep -Eq "^192\.0\.2\.10:80 +198\.51\.100\.21:80 +$rs_state +- +$rs_why\$" "$T/status.txt"
check "text status has the ipvs summary" grep -q '^ipvs: kernel ' "$T/status.txt"
check "text status has the sync state" grep -q '^sync: kernel on eth0, ' "$T/status.txt"
check "status names the director by its router_id" [ "$(jqs .parent.router_id)" = test1 ]
check "  (the text status too)" sh -c "'$VIPCTL' -s '$SOCK' status | head -n 1 | grep -q ', router_id test1$'"

# Another user is refused, even when the socket's mode would let it in.
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 0711 "$T"
	chmod 0666 "$SOCK"
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$VIPCTL" -s "$SOCK" status >"$T/nobody.out" 2>&1; then
		fail "a non-root user got a status"
	else
		pass "a non-root user is refused"
	fi
	chmod 0600 "$SOCK"
	check "the refusal is logged" grep -q "connection refused (not root)" "$T/vipd.log"
else
	echo "note: not root or no setpriv; the peer-credential check was not exercised"
fi

# Bad requests get an error object, and the daemon goes on.
reply=$(python3 -c '
import socket,sys
def ask(req):
    s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(req)
    return s.makefile().read().strip()
print(ask(b"this is not json\n"))
print(ask(b"{\"command\": \"frobnicate\"}\n"))
print(ask(b"[1,2]\n"))
print(ask(b"x" * 70000))
' "$SOCK")
check "garbage gets an error" [ "$(echo "$reply" | sed -n 1p | jq -r .error)" = 'a request is a JSON object with a "command" string' ]
check "an unknown command gets an error" [ "$(echo "$reply" | sed -n 2p | jq -r .error)" = "unknown command" ]
check "a non-object gets an error" [ "$(echo "$reply" | sed -n 3p | jq -r .error)" = 'a request is a JSON object with a "command" string' ]
check "an oversized request gets an error" [ "$(echo "$reply" | sed -n 4p | jq -r .error)" = "request too long" ]
check "vipd still answers" [ "$(jqs .parent.pid)" = "$VIPD_PID" ]
check "vipctl with a wrong socket fails" sh -c "! '$VIPCTL' -s '$T/nope.sock' status 2>/dev/null"
check "vipctl with an unknown command fails with usage" sh -c "! '$VIPCTL' -s '$SOCK' frob 2>/dev/null"
check "stop exits 0" stop_vipd
finish
