#!/bin/sh
# SIGHUP and `vipctl reload`: a broken config keeps the old one running (and says why, with file:line);
# a good one is sent to the children; children no longer needed are stopped, newly needed ones started.
. "${top_srcdir:-.}/test/integration/lib.sh"

write_full_config "$T/vipd.conf"
start_vipd "$T/vipd.conf"
for c in vrrp ipvs checkers sync; do
	wait_for "$c running" 10 child_is "$c" running
done
pids_before=$(jqs '[.children[].pid] | join(",")')

# Break it: an unknown keyword on line 3 and a bad number on line 5, both refused under config_strict
# (without it vipd, as keepalived, would skip the one and replace the other, and run).
cp "$T/vipd.conf" "$T/good.conf"
cat >"$T/vipd.conf" <<'CONF'
vrrp_instance VI_1 {
	interface lo
	no_such_keyword 1
	virtual_router_id 51
	priority 999
	virtual_ipaddress {
		192.0.2.77/32
	}
}
global_defs {
	config_strict
}
CONF
has_error() { [ "$(jqs "[.parent.last_reload.errors[] | select(. == \"$1\")] | length")" = 1 ]; }
kill -HUP "$VIPD_PID"
wait_for "the failed reload recorded" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq -r .parent.last_reload.result)\" = failed ]"
check "the generation stays 1" [ "$(jqs .parent.config_generation)" = 1 ]
check "the error names file:line and keyword" has_error "$T/vipd.conf:3: no_such_keyword: unknown keyword in vrrp_instance; ignored"
check "every error is reported" [ "$(jqs '.parent.last_reload.errors | length')" = 2 ]
check "the children were not touched" [ "$(jqs '[.children[].pid] | join(",")')" = "$pids_before" ]
check "the old config still runs in ipvs" [ "$(child_field ipvs status.virtual_servers)" = 1 ]
check "the error is logged" grep -q "no_such_keyword: unknown keyword" "$T/vipd.log"

# vipctl reload says the same and fails.
if "$VIPCTL" -s "$SOCK" reload >"$T/reload.out" 2>&1; then
	fail "vipctl reload succeeded on a broken config"
else
	check "vipctl reload prints the error" grep -q "vipd.conf:3: no_such_keyword" "$T/reload.out"
fi

# Repair it: generation 2 reaches every child.
cp "$T/good.conf" "$T/vipd.conf"
check "vipctl reload succeeds" "$VIPCTL" -s "$SOCK" reload
check "generation 2" [ "$(jqs .parent.config_generation)" = 2 ]
for c in vrrp ipvs checkers sync; do
	wait_for "$c applied generation 2" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq '.children[] | select(.name==\"$c\") | .config_generation')\" = 2 ]"
done
check "no child restarted by a reload" [ "$(jqs '[.children[].pid] | join(",")')" = "$pids_before" ]

# Drop the virtual server and sync: ipvs, checkers and sync stop; vrrp stays.
# An unknown keyword is skipped, as keepalived does: the reload goes ahead and says what it skipped.
cat >"$T/vipd.conf" <<'CONF'
vrrp_instance VI_1 {
	interface lo
	virtual_router_id 51
	priority 120
	no_such_keyword 1
}
CONF
kill -HUP "$VIPD_PID"
wait_for "a reload with a recovered error applied" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq .parent.config_generation)\" = 3 ]"
check "what was skipped is reported" [ "$(jqs '.parent.last_reload.warnings | map(select(test("no_such_keyword: unknown keyword in vrrp_instance; ignored"))) | length')" = 1 ]
wait_for "ipvs stopped" 5 child_is ipvs idle
wait_for "checkers stopped" 5 child_is checkers idle
wait_for "sync stopped" 5 child_is sync idle
check "vrrp still running" child_is vrrp running
wait_for "vrrp has the new priority" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq '.children[] | select(.name==\"vrrp\") | .status.instances[0].priority')\" = 120 ]"

# And back: they start again.
cp "$T/good.conf" "$T/vipd.conf"
kill -HUP "$VIPD_PID"
wait_for "ipvs started again" 5 child_is ipvs running
wait_for "sync started again" 5 child_is sync running
check "stop exits 0" stop_vipd
finish
