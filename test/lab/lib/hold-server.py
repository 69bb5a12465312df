# Lab helper: accepts TCP connections on ADDR:80 and holds them open, discarding what arrives.
# Usage: python3 hold-server.py ADDR
import selectors, socket, sys
sel = selectors.DefaultSelector()
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((sys.argv[1], 80))
ls.listen(4096)
ls.setblocking(False)
sel.register(ls, selectors.EVENT_READ)
while True:
    for k, _ in sel.select():
        if k.fileobj is ls:
            try:
                c, _ = ls.accept()
            except BlockingIOError:
                continue
            c.setblocking(False)
            sel.register(c, selectors.EVENT_READ)
        else:
            try:
                d = k.fileobj.recv(4096)
            except (BlockingIOError, ConnectionError):
                d = b"x"
            if not d:
                sel.unregister(k.fileobj)
                k.fileobj.close()
