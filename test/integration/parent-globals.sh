#!/bin/sh
# global_defs the parent applies: umask (inherited by the children and their scripts, changed by a
# reload), startup_script before any child starts and shutdown_script after the last one stopped (each
# killed with its group at its timeout), and checker_priority (the checkers child's nice value).
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires jq

ck_net 192.0.2.51
# writes a marker into vipd's own log, so its order against vipd's lines is the order of the events
cat >"$T/mark.sh" <<'SH'
#!/bin/sh
echo "MARK $2" >>"$1/vipd.log"
SH
# the MISC_CHECK makes a file anew each run: its mode shows the umask of the checkers child's scripts
cat >"$T/make.sh" <<'SH'
#!/bin/sh
rm -f "$1/made" && : >"$1/made"
SH
chmod +x "$T/mark.sh" "$T/make.sh"

# conf UMASK STARTUP SHUTDOWN TIMEOUT
conf() {
	cat >"$T/vipd.conf" <<CONF
global_defs {
	umask $1
	checker_priority 7
	startup_script "$2"
	startup_script_timeout $4
	shutdown_script "$3"
	shutdown_script_timeout $4
}
virtual_server 192.0.2.10 80 {
	delay_loop 0.2
	real_server 192.0.2.51 80 {
		MISC_CHECK {
			misc_path "$T/make.sh $T"
		}
	}
}
CONF
}
mode_is() {
	[ "$(stat -c %a "$T/made")" = "$1" ]
}
# nice: the 19th field of /proc/PID/stat (after the command in parentheses, which may hold spaces)
nice_of() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f17
}

conf 077 "$T/mark.sh $T startup" "$T/mark.sh $T shutdown" 5
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
wait_for "the MISC_CHECK made its file" 5 test -e "$T/made"
check "umask 077: the script's file is 600" mode_is 600
ck_pid=$(child_field checkers pid)
wait_for "checkers applied configuration 1" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq '.children[] | select(.name==\"checkers\") | .status.config_generation')\" = 1 ]"
check "checker_priority 7: the checkers child's nice value" [ "$(nice_of "$ck_pid")" = 7 ]
vrrp_nice=$(nice_of "$VIPD_PID")
check "  the parent's stays ($vrrp_nice)" [ "$vrrp_nice" != 7 ]

# a reload changes both for the running child
sed -i 's/umask 077/umask 027/; s/checker_priority 7/checker_priority 3/' "$T/vipd.conf"
kill -HUP "$VIPD_PID"
wait_for "umask 027 after the reload: 640" 5 mode_is 640
wait_for "checker_priority 3 after the reload" 5 sh -c "[ \"\$(sed 's/.*) //' /proc/$ck_pid/stat | cut -d' ' -f17)\" = 3 ]"
check "  the same checkers child" [ "$(child_field checkers pid)" = "$ck_pid" ]

check "stop exits 0" stop_vipd
# the startup script before the first child, the shutdown script after the last one and before the end
line_of() {
	grep -n "$1" "$T/vipd.log" | head -n 1 | cut -d: -f1
}
last_line_of() {
	grep -n "$1" "$T/vipd.log" | tail -n 1 | cut -d: -f1
}
start_mark=$(line_of "MARK startup")
stop_mark=$(line_of "MARK shutdown")
first_child=$(line_of "started .*pid")
last_exit=$(last_line_of "exited\|stopped (")
the_end=$(last_line_of ": stopped$")
check "startup_script ran once" [ "$(grep -c "MARK startup" "$T/vipd.log")" = 1 ]
check "shutdown_script ran once" [ "$(grep -c "MARK shutdown" "$T/vipd.log")" = 1 ]
check "startup_script before the first child ($start_mark < $first_child)" \
	[ -n "$start_mark" ] && [ -n "$first_child" ] && [ "$start_mark" -lt "$first_child" ]
check "shutdown_script after the last child stopped ($last_exit < $stop_mark < $the_end)" \
	[ -n "$stop_mark" ] && [ -n "$last_exit" ] && [ "$last_exit" -lt "$stop_mark" ] && [ "$stop_mark" -lt "$the_end" ]

# timeouts: a startup script that hangs is killed with what it started, and vipd goes on
conf 022 "sleep 301 & sleep 302" "sleep 303" 1
: >"$T/vipd.log"
start_vipd "$T/vipd.conf"
wait_for "checkers running after a startup_script that hung" 10 child_is checkers running
check "its kill logged" grep -q "startup_script sleep 301 & sleep 302 killed after 1000 ms" "$T/vipd.log"
check "nothing of it left" [ -z "$(pgrep -f "[s]leep 30[12]")" ]
t0=$(date +%s)
check "stop exits 0" stop_vipd
check "the hung shutdown_script did not hold vipd for long ($(( $(date +%s) - t0 )) s)" [ $(( $(date +%s) - t0 )) -lt 10 ]
check "  and was killed" [ -z "$(pgrep -f "[s]leep 303")" ]
check "  which is logged" grep -q "shutdown_script sleep 303 killed after 1000 ms" "$T/vipd.log"
finish
