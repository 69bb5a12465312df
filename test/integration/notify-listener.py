#!/usr/bin/env python3
"""Stands in for systemd's notify socket: binds a datagram socket at argv[1] and appends every message it
receives to argv[2], one line per field, each prefixed with the milliseconds since it started; the sender's
pid (SO_PASSCRED, as systemd checks NotifyAccess=main) goes to argv[2].pids."""
import os
import socket
import struct
import sys
import time

path, out = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
sock.bind(path)
start = time.monotonic()
sock.settimeout(120)
with open(out, "a", buffering=1) as f, open(out + ".pids", "a", buffering=1) as pids:
    while True:
        try:
            data, anc, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(12))
        except socket.timeout:
            break
        for level, kind, cred in anc:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pids.write("%d\n" % struct.unpack("iII", cred[:12])[0])
        ms = int((time.monotonic() - start) * 1000)
        for field in data.decode(errors="replace").split("\n"):
            f.write(f"{ms} {field}\n")
os.unlink(path)
