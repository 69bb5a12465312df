#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ (run once; the files are kept in the repository).

Each seed is a valid input of its harness, in the harness's input format (see the head of each
fuzz/fuzz_NAME.c): packets built the way the unit tests' vectors are (RFC checksums, HMACs), the
/proc texts of test/unit/check_sync_resync.c, sample configurations copied from test/.
"""
import hashlib, hmac, os, shutil, struct, sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(top, "fuzz", "corpus")


def put(name, fname, data):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, fname), "wb") as f:
        f.write(data)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(proto, src, dst, payload, ttl=255):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), 1, 0, ttl, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def vrrp(version, vrid, prio, addrs, interval, src, dst, family=4, auth_type=0, auth=b""):
    if version == 2:
        hdr = struct.pack("!BBBBBBH", 0x21, vrid, prio, len(addrs), auth_type, interval // 100, 0)
    else:
        hdr = struct.pack("!BBBBHH", 0x31, vrid, prio, len(addrs), interval & 0xFFF, 0)
    body = b"".join(addrs)
    if version == 2 and family == 4:
        body += auth.ljust(8, b"\0")
    msg = hdr + body
    pseudo = b""
    if version == 3:
        if family == 6:
            pseudo = src + dst + struct.pack("!I3xB", len(msg), 112)
        else:
            pseudo = src + dst + struct.pack("!BBH", 0, 112, len(msg))
    s = csum(pseudo + msg)
    return msg[:6] + struct.pack("!H", s) + msg[8:]


S4, D4 = bytes([192, 0, 2, 1]), bytes([224, 0, 0, 18])
VIP4 = [bytes([192, 0, 2, 100]), bytes([192, 0, 2, 101])]
S6 = bytes.fromhex("fe800000000000000000000000000001")
D6 = bytes.fromhex("ff020000000000000000000000000012")
VIP6 = [bytes.fromhex("20010db8000000000000000000000100")]

# ---- vrrp: mode, flags, datagram ----
put("vrrp", "v2-ip4", b"\0\0" + ip4(112, S4, D4, vrrp(2, 51, 100, VIP4, 100, S4, D4)))
put("vrrp", "v2-ip4-pass", b"\0\0" + ip4(112, S4, D4, vrrp(2, 51, 150, VIP4, 100, S4, D4, auth_type=1, auth=b"secret")))
put("vrrp", "v3-ip4", b"\0\0" + ip4(112, S4, D4, vrrp(3, 7, 255, VIP4[:1], 100, S4, D4)))
put("vrrp", "v3-ip6", b"\x01\0" + S6 + D6 + b"\xff" + vrrp(3, 9, 100, VIP6, 100, S6, D6, family=6))
msg = vrrp(2, 51, 100, VIP4, 100, S4, D4, auth_type=2)
key = b"fuzzkey\0"
ah = struct.pack("!BBH4sI", 112, 4, 0, S4, 7) + b"\0" * 12
dg = bytearray(ip4(51, S4, D4, ah + msg))
z = bytearray(dg)
z[1] = 0; z[6:8] = b"\0\0"; z[10:12] = b"\0\0"
icv = hmac.new(key, bytes(z), hashlib.md5).digest()[:12]
dg[20 + 12:20 + 24] = icv
put("vrrp", "v2-ah", b"\x02\0" + bytes(dg))

# ---- bfd: ttl, max_hops, packet ----
bfd = struct.pack("!BBBBIIIII", 0x20, 0xC0, 3, 24, 0x11223344, 0x55667788, 300000, 300000, 0)
put("bfd", "up", b"\xff\x00" + bfd)
put("bfd", "down", b"\xfe\x01" + struct.pack("!BBBBIIIII", 0x23, 0x40, 5, 24, 1, 0, 1000000, 1000000, 0))

# ---- sync_codec: a v1 datagram ----
def entry4(proto=6, state=1, flags=0, opts=b""):
    e = struct.pack("!BBHIHHHHII", 0, proto, 0, flags, state, 0xA072, 80, 80, 0, 118)
    e += bytes([192, 0, 2, 100, 192, 0, 2, 10, 198, 51, 100, 21]) + opts
    size = len(e)
    e = e[:2] + struct.pack("!H", size) + e[4:]
    return e + b"\0" * ((4 - size % 4) % 4)


def entry6(opts=b""):
    e = struct.pack("!BBHIHHHHII", 1, 6, 0, 0, 5, 0xA9E4, 80, 80, 0, 118)
    e += VIP6[0] + bytes.fromhex("20010db8000100000000000000000010") + bytes.fromhex("20010db8000200000000000000000021") + opts
    size = len(e)
    e = e[:2] + struct.pack("!H", size) + e[4:]
    return e + b"\0" * ((4 - size % 4) % 4)


seq_opt = bytes([1, 24]) + struct.pack("!6I", 1, 2, 3, 4, 5, 6)
pe = bytes([2, 4]) + b"\x01\x02\x03\x04" + bytes([3, 3]) + b"sip"
ents = [entry4(), entry4(17, 0), entry4(6, 1, 0x1000), entry6(seq_opt + pe)]
body = b"".join(ents)
dgram = struct.pack("!BBHBBH", 0, 3, 8 + len(body), len(ents), 1, 0) + body
put("sync_codec", "mixed", dgram)
put("sync_codec", "one", struct.pack("!BBHBBH", 0, 1, 8 + len(ents[0]), 1, 1, 0) + ents[0])

# ---- sync_secure: frame length, frame, events ----
skey = b"fuzz-sync-key-0123456789abcdef"


def frame(t, epoch, seq, payload, k=None):
    f = b"vps1" + struct.pack("!BBHQQ", t, 0, len(payload), epoch, seq) + payload
    if k:
        f += hmac.new(k, f, hashlib.sha256).digest()
    return f


events = bytes([4, 1, 2, 0, 0, 0, 1, 0, 2, 0, 0, 1, 0, 1]) + bytes([0, 2, 0, 1, 0, 3, 0, 2, 0, 1, 0, 3, 3, 0, 1, 0, 200, 4, 2, 0, 9, 1, 5, 1, 0, 1, 9])
for i, (n, f) in enumerate([
        ("hello", frame(3, 5, 0, struct.pack("!QQQ", 9, 0, 1))),
        ("hello-mac", frame(3, 5, 0, struct.pack("!QQQ", 9, 1, 1), skey)),
        ("data-mac", frame(1, 5, 1, dgram, skey)),
        ("nack", frame(2, 0, 0, struct.pack("!QQQ", 5, 2, 3))),
        ("resync-mac", frame(4, 5, 0, b"", skey))]):
    put("sync_secure", n, struct.pack("!H", len(f)) + f + events)

# ---- conf: sample configurations of the tests ----
for rel in ["test/diff/vrrp/sync.conf", "test/diff/vrrp/unicast.conf", "test/diff/vrrp/v6-vips.conf",
            "test/diff/vrrp/static.conf", "test/lab/ipvs-diff/03-persistence.conf", "test/lab/ipvs-diff/04-groups.conf",
            "test/lab/ipvs-diff/06-global.conf", "test/integration/verdicts/script-bad-values.conf",
            "test/integration/verdicts/routes-rules-bad.conf", "contrib/vipd.conf"]:
    p = os.path.join(top, rel)
    if os.path.exists(p):
        put("conf", rel.replace("/", "_"), open(p, "rb").read())
put("conf", "params-seq", b"$IP=192.0.2.\n~SEQ(N,1,3) vrrp_instance VI_$N {\n interface lo\n virtual_router_id $N\n"
    b" priority 100\n virtual_ipaddress {\n  ${IP}$N\n }\n}\n@fuzz global_defs { router_id r1 }\n"
    b"include missing*.conf\n")
put("conf", "checkers", b"virtual_server 192.0.2.10 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n"
    b" real_server 198.51.100.21 80 {\n  HTTP_GET {\n   url {\n    path /\n    status_code 200\n   }\n"
    b"  }\n }\n real_server 198.51.100.22 80 {\n  SMTP_CHECK {\n   helo_name x\n  }\n }\n"
    b" real_server 198.51.100.23 53 {\n  DNS_CHECK {\n   name example.com\n  }\n }\n}\n"
    b"connection_sync S {\n mode relay\n interface lo\n}\nbfd_instance B {\n neighbor_ip 192.0.2.2\n}\n")

# ---- ipc: child kind, then (u16 length, datagram)... ; header: u16 type, u16 flags, u32 len (host order) ----
def ipc(t, payload, flags=0):
    d = struct.pack("=HHI", t, flags, len(payload)) + payload
    return struct.pack("!H", len(d)) + d


strings = b"\0hello\0world\0"
put("ipc", "config", b"\x00" + ipc(1, struct.pack("=I", 1)) + ipc(2, strings) + ipc(4, struct.pack("=I", 1)))
put("ipc", "fragments", b"\x01" + ipc(7, b'{"a":', 1) + ipc(7, b"1}") + ipc(11, struct.pack("=Q", 5)))

# ---- control: a request line ----
put("control", "status", b'{"command": "status"}\n')
put("control", "reload", b'{"command":"reload","x":[1,2.5,true,null,{"y":"\\u00e9"}]}\n')

# ---- http: keep (u16), digest, split seed, response ----
pre = struct.pack("!H", 64) + b"\x01\x07"
put("http", "length", pre + b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
put("http", "chunked", pre + b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=y\r\nabc\r\n0\r\n\r\n")
put("http", "close", pre + b"HTTP/1.0 503 Service Unavailable\r\nServer: x\r\n\r\nbody until close")
put("http", "nobody", pre + b"HTTP/1.1 204 No Content\r\n\r\n")

# ---- dns: id, type, name length, name, reply ----
def qname(n):
    return b"".join(bytes([len(l)]) + l for l in n.split(b".") if l) + b"\0"


name = b"example.com"
q = struct.pack("!HHHHHH", 0x1234, 0x8180, 1, 1, 0, 0) + qname(name) + struct.pack("!HH", 1, 1)
a = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, 1])
put("dns", "a", struct.pack("!HHB", 0x1234, 1, len(name)) + name + q + a)
soa = struct.pack("!HHHHHH", 7, 0x8183, 1, 0, 0, 0) + qname(name) + struct.pack("!HH", 6, 1)
put("dns", "nxdomain", struct.pack("!HHB", 7, 6, len(name)) + name + soa)

# ---- smtp: split seed, server bytes ----
put("smtp", "greeting", b"\x05220-smtp.example ESMTP\r\n220 ready\r\n250 hello\r\n")
put("smtp", "refused", b"\x00554 no\r\n")

# ---- ipvs_msg: flags, netlink messages (host order headers) ----
def nla(t, payload):
    l = 4 + len(payload)
    return struct.pack("=HH", l, t) + payload + b"\0" * ((4 - l % 4) % 4)


def nlmsg(t, payload, seq=1, pid=7, flags=2):
    g = struct.pack("=BBH", 1, 1, 0) + payload
    return struct.pack("=IHHII", 16 + len(g), t, flags, seq, pid) + g


stats = nla(0x8000 | 12, nla(1, struct.pack("=Q", 5)) + nla(2, struct.pack("=Q", 9)))
svc = nla(0x8000 | 1, nla(1, struct.pack("=H", 2)) + nla(2, struct.pack("=H", 6)) + nla(3, bytes([192, 0, 2, 10]) + b"\0" * 12)
          + nla(4, struct.pack("!H", 80)) + nla(6, b"rr\0") + nla(7, struct.pack("=II", 0, 0xffffffff))
          + nla(8, struct.pack("=I", 0)) + nla(9, struct.pack("=I", 0xffffffff)) + stats)
dest = nla(0x8000 | 2, nla(1, bytes([198, 51, 100, 21]) + b"\0" * 12) + nla(2, struct.pack("!H", 80))
           + nla(3, struct.pack("=I", 0)) + nla(4, struct.pack("=I", 1)) + nla(5, struct.pack("=I", 0))
           + nla(6, struct.pack("=I", 0)) + nla(11, struct.pack("=H", 2)))
daemon = nla(0x8000 | 3, nla(1, struct.pack("=I", 1)) + nla(2, b"eth0\0") + nla(3, struct.pack("=I", 9)))
info = nla(1, struct.pack("=I", 0x010201)) + nla(2, struct.pack("=I", 4096))
timeouts = nla(4, struct.pack("=I", 900)) + nla(5, struct.pack("=I", 120)) + nla(6, struct.pack("=I", 300))
done = struct.pack("=IHHII", 20, 3, 2, 1, 7) + struct.pack("=i", 0)
err = struct.pack("=IHHII", 36, 2, 0, 1, 7) + struct.pack("=i", -17) + struct.pack("=IHHII", 16, 0x1c, 0, 1, 7)
put("ipvs_msg", "svc-dump", b"\x00" + nlmsg(0x1c, svc) + nlmsg(0x1c, svc) + done)
put("ipvs_msg", "dest", b"\x00" + nlmsg(0x1c, dest) + err)
put("ipvs_msg", "daemon-info", b"\x02" + nlmsg(0x1c, daemon) + nlmsg(0x1c, info) + nlmsg(0x1c, timeouts) + done)

# ---- proc_conn: services length (u16), /proc/net/ip_vs, /proc/net/ip_vs_conn ----
src = open(os.path.join(top, "test/unit/check_sync_resync.c")).read()


def cstring(var):
    i = src.index("static const char %s[] =" % var)
    j = src.index(";\n", i)
    import ast
    parts = [ast.literal_eval(l.strip()) for l in src[i:j].split("\n")[1:] if l.strip().startswith('"')]
    return "".join(parts).encode()


ipvs_text = cstring("ip_vs")
put("proc_conn", "conn", struct.pack("!H", len(ipvs_text)) + ipvs_text + cstring("ip_vs_conn"))
put("proc_conn", "conn-sync", struct.pack("!H", len(ipvs_text)) + ipvs_text + cstring("ip_vs_conn_sync"))
