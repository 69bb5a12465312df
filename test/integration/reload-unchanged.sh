#!/bin/sh
# A reload sends each child only what changed for it: a child whose objects (and their strings) are all
# the same is told "unchanged" and takes the new generation without applying anything; a change in one of
# its objects, or in a string one of them refers to, sends it the whole configuration again.
# A reload whose files hold exactly what the configuration in force was read from (an include pattern
# matching the same files) is not parsed again: the parent keeps that configuration under a new generation.
# in a network namespace of its own (checkers-lib.sh), where the checks reach nothing
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires jq

write_conf() {
	cat >"$T/vipd.conf" <<CONF
include extra/*.conf
vrrp_script chk {
	script "$1"
}
virtual_server 192.0.2.10 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 60
	quorum_up "/bin/true up"
	real_server 192.0.2.21 8080 {
		weight $2
		notify_down "$3"
		TCP_CHECK {
			connect_timeout $4
		}
	}
}
CONF
}

# field CHILD NAME
field() {
	child_field "$1" "$2"
}

reload_to() {
	"$VIPCTL" -s "$SOCK" reload >/dev/null || fail "vipctl reload"
	wait_for "ipvs at configuration $1" 10 sh -c "[ \"\$(\"$VIPCTL\" -s \"$SOCK\" status --json | jq -r '.children[] | select(.name == \"ipvs\") | .config_generation')\" = $1 ]"
	wait_for "checkers at configuration $1" 10 sh -c "[ \"\$(\"$VIPCTL\" -s \"$SOCK\" status --json | jq -r '.children[] | select(.name == \"checkers\") | .config_generation')\" = $1 ]"
}

# reload_was parsed|kept: the last reload parsed the files, or kept the configuration in force
reload_was() {
	p=$("$VIPCTL" -s "$SOCK" status --json | jq -r '.parent.last_reload.parsed')
	case $1 in
	parsed) [ "$p" = true ] ;;
	kept) [ "$p" = false ] ;;
	*) false ;;
	esac
}

warnings_are() {
	[ "$("$VIPCTL" -s "$SOCK" status --json | jq -r '.parent.last_reload.warnings | length')" = "$1" ]
}

# sent_and_unchanged CHILD SENT UNCHANGED
counts_are() {
	[ "$(field "$1" configs_sent)" = "$2" ] && [ "$(field "$1" configs_unchanged)" = "$3" ]
}

write_conf /bin/true 1 "/bin/echo down" 1
start_vipd "$T/vipd.conf" --ipvs --check
wait_for "both children at configuration 1" 10 sh -c "[ \"\$(\"$VIPCTL\" -s \"$SOCK\" status --json | jq '[.children[] | select(.config_generation == 1)] | length')\" = 2 ]"
check "at start: the whole configuration to each" counts_are ipvs 1 0
check "  (checkers too)" counts_are checkers 1 0

reload_to 2
check "same file: not parsed again" reload_was kept
check "  its warning (no file for the include) still reported" warnings_are 1
check "same file: ipvs told unchanged" counts_are ipvs 1 1
check "same file: checkers told unchanged" counts_are checkers 1 1
check "ipvs reports the new generation in its own status" [ "$(field ipvs status.config_generation)" = 2 ]
check "checkers too" [ "$(field checkers status.config_generation)" = 2 ]

# a vrrp_script: no object of theirs changes (the string table does: only what their objects use counts)
write_conf /bin/false 1 "/bin/echo down" 1
reload_to 3
check "an edit: parsed" reload_was parsed
check "another child's change: ipvs unchanged" counts_are ipvs 1 2
check "another child's change: checkers unchanged" counts_are checkers 1 2

write_conf /bin/false 2 "/bin/echo down" 1
reload_to 4
check "a weight: ipvs gets it all" counts_are ipvs 2 2
check "a weight: checkers get it all" counts_are checkers 2 2

# the same length, so only the string differs
write_conf /bin/false 2 "/bin/echo DOWN" 1
reload_to 5
check "a notify_down string: sent whole again" counts_are checkers 3 2
check "  (to ipvs too: real servers are its objects)" counts_are ipvs 3 2

write_conf /bin/false 2 "/bin/echo DOWN" 2
reload_to 6
check "a checker's timeout: checkers get it all" counts_are checkers 4 2
check "  and ipvs (it reads alpha from checkers)" counts_are ipvs 4 2

# a restarted child is sent everything, and is told "unchanged" afterwards
pid=$(field ipvs pid)
kill -KILL "$pid"
restarted() {
	p=$(field ipvs pid)
	[ "$p" != null ] && [ "$p" != "$pid" ] && [ "$(field ipvs config_generation)" = 6 ]
}
wait_for "a new ipvs child at configuration 6" 10 restarted
check "restarted: the whole configuration" counts_are ipvs 5 2
reload_to 7
check "restarted, then the same file: unchanged" counts_are ipvs 5 3
check "  and not parsed" reload_was kept

touch -d '2030-01-01' "$T/vipd.conf"
reload_to 8
check "a new mtime, the same bytes: not parsed" reload_was kept
mkdir "$T/extra"
printf 'vrrp_script extra {\n\tscript /bin/true\n}\n' >"$T/extra/x.conf"
reload_to 9
check "a new file for the include pattern: parsed" reload_was parsed
check "  (the include warning is gone)" warnings_are 0
check "  nothing of ipvs's changed" counts_are ipvs 5 5
reload_to 10
check "again: not parsed" reload_was kept
echo '# a comment' >>"$T/extra/x.conf"
reload_to 11
check "an included file edited, even a comment: parsed" reload_was parsed
mv "$T/extra/x.conf" "$T/extra/y.conf"
reload_to 12
check "the included file renamed: parsed" reload_was parsed
check "no IPC rejected by ipvs" [ "$(field ipvs ipc_rejected)" = 0 ]
check "nor by checkers" [ "$(field checkers ipc_rejected)" = 0 ]
check "stop exits 0" stop_vipd
finish
