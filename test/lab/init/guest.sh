#!/bin/sh
# vipd lab, stage 2: PID 1 in the guest after switch_root (the host's /bin/sh).
#
# test/lab/run copies this file into the per-run job folder, which the guest
# sees at /run/vipd-lab (a writable 9p share).  The folder also holds:
#   guest.conf  settings for this file (LAB_KEEP_HOST_TMP)
#   job.sh      the environment, working directory and argv of the script
# and receives:
#   out         the script's stdout+stderr (run streams it as it grows)
#   times       guest uptime when the script started and ended
#   rc          the script's exit code, written last
# Stage 1 (init) has already mounted /, /proc, /sys, /dev and /run.

J=/run/vipd-lab
LAB_KEEP_HOST_TMP=0
# shellcheck source=/dev/null
. "$J/guest.conf"

say() { echo "lab-guest: $*" >/dev/console; }

mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
# devtmpfs has no /dev/fd: bash's <(...) and /dev/stdin users need them.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
# A fresh /tmp, unless the script or its working directory lives in the
# host's /tmp (then the host's /tmp stays visible, copy-on-write).
if [ "$LAB_KEEP_HOST_TMP" != 1 ]; then
	mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
fi

hostname lab
if command -v ip >/dev/null 2>&1; then
	ip link set lo up
else
	busybox ip link set lo up
fi

t0=$(cut -d' ' -f1 /proc/uptime)
say "running the job (uptime ${t0}s)"
# A clean environment: job.sh exports the allowlisted variables, enters the
# caller's directory and execs the script with its arguments.
env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/sh TERM=dumb \
	/bin/sh -c ". $J/job.sh" >"$J/out" 2>&1 </dev/null
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
say "job exited with $rc (uptime ${t1}s)"

echo "$t0 $t1" >"$J/times"
echo "$rc" >"$J/rc.tmp" && mv "$J/rc.tmp" "$J/rc"
sync
echo o >/proc/sysrq-trigger
# PID 1 must not exit (that would panic); wait for the power to go.
while :; do sleep 1; done
