#!/bin/sh
# FILE_CHECK: the number in a track_file's file decides the real server, as in keepalived: with weight 0 a
# non-zero number fails it; otherwise number x weight fails it at -65536 or below, and with `dynamic` is
# added to the real server's weight. A change of the file takes effect at once (inotify), not at the next
# round of the delay loop (60 s here).
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires jq

echo 0 >"$T/ctl"
echo 3 >"$T/w"
cat >"$T/vipd.conf" <<CONF
track_file ctl {
	file "$T/ctl"
	weight 0
}
virtual_server 192.0.2.10 80 {
	delay_loop 60
	warmup 0
	real_server 192.0.2.71 80 {
		FILE_CHECK {
			track_file ctl
		}
	}
	real_server 192.0.2.72 80 {
		weight 10
		FILE_CHECK {
			track_file later
			weight 2
			dynamic
		}
	}
	real_server 192.0.2.73 80 {
		FILE_CHECK {
			track_file ctl
			weight 0 reverse
		}
	}
}
# a track_file block may come after the checks that name it
track_file later {
	file "$T/w"
}
# no vrrp_instance here: the checkers child writes init_file itself
track_file fresh {
	file "$T/fresh"
	weight 0
	init_file 7
}
virtual_server 192.0.2.11 80 {
	delay_loop 60
	warmup 0
	real_server 192.0.2.74 80 {
		FILE_CHECK {
			track_file fresh
		}
	}
}
CONF
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
wait_for "the first runs" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq -r '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.72:80\") | .weight')\" = 16 ]"
check "0 with weight 0: up" rs_is 192.0.2.71:80 up
check "3 x 2, dynamic: weight 10 + 6" [ "$(rs weight 192.0.2.72:80)" = 16 ]
check "0 with weight 0 reverse: down" rs_is 192.0.2.73:80 down
check "init_file wrote a missing file" [ "$(cat "$T/fresh")" = 7 ]
wait_rs 192.0.2.74:80 down 3

t0=$(now_ms)
echo 1 >"$T/ctl"
wait_rs 192.0.2.71:80 down 3
check "a non-zero number fails weight 0, without waiting for the delay loop ($(( $(now_ms) - t0 )) ms)" \
	[ "$(( $(now_ms) - t0 ))" -lt 3000 ]
check "  the reason names the file" [ "$(rs reason 192.0.2.71:80)" = "file $T/ctl: 1" ]
wait_rs 192.0.2.73:80 up 3

echo -40000 >"$T/w"
wait_rs 192.0.2.72:80 down 3
# written by another name and moved into place, as tools that update files atomically do
echo -2 >"$T/w.new" && mv "$T/w.new" "$T/w"
wait_rs 192.0.2.72:80 up 3
wait_for "-2 x 2: weight 6" 3 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq -r '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.72:80\") | .weight')\" = 6 ]"
rm "$T/ctl"
wait_rs 192.0.2.71:80 up 3
check "a missing file reads as 0" rs_is 192.0.2.71:80 up
check "stop exits 0" stop_vipd
finish
