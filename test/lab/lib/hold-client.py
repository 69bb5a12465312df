# Lab helper: opens N TCP connections to HOST:80, sends a byte on each three times (the kernel master
# syncs a connection at its third packet in ESTABLISHED), writes N to READY and holds them until killed.
# Usage: python3 hold-client.py HOST N READY
import socket, sys, time
host, n, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
socks = [socket.create_connection((host, 80), timeout=10) for _ in range(n)]
for r in range(3):
    for s in socks:
        s.send(b"x")
    time.sleep(0.05)
open(ready, "w").write("%d\n" % len(socks))
while True:
    time.sleep(3600)
