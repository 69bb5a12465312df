#!/bin/sh
# The metrics child for real: vipd with a VRRP instance and a virtual server whose HTTP_GET checks a real
# server (python3 -m http.server) and a dead one; /metrics scraped and compared with `vipctl status --json`
# (gauges equal, counters between two scrapes around the status), linted by `promtool check metrics`,
# hardened (runs as nobody; 404, 405, 431, 400, HEAD, keep-alive, the connection cap, the idle timeout),
# reloaded; then a real Prometheus server scrapes it every second and answers a query on the VRRP state;
# contrib/grafana-vipd.json parses and queries only metrics a scrape has.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires python3 curl jq ss promtool prometheus

ck_net 192.0.2.41
PORT=9650
URL="http://127.0.0.1:$PORT/metrics"
mkdir -p "$T/www"
printf 'ok\n' >"$T/www/index.html"
bg python3 -m http.server --bind 192.0.2.41 --directory "$T/www" 8080
wait_port 192.0.2.41 8080

write_conf() {
	cat >"$T/vipd.conf" <<CONF
global_defs {
	router_id metrics-test
	metrics_listen 127.0.0.1:$PORT
}
vrrp_instance VI_1 {
	state MASTER
	interface lo
	virtual_router_id 61
	priority $1
	advert_int 0.2
	virtual_ipaddress {
		192.0.2.250/32
	}
}
bfd_instance BFD1 {
	neighbor_ip 192.0.2.42
}
virtual_server 192.0.2.10 80 {
	lb_algo rr
	lb_kind NAT
	protocol TCP
	delay_loop 0.3
	real_server 192.0.2.41 8080 {
		weight 7
		HTTP_GET {
			url {
				path /index.html
			}
			connect_timeout 1
			retry 0
		}
	}
	real_server 192.0.2.41 8081 {
		weight 2
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
}
CONF
}

# off by default: no metrics child without metrics_listen
cat >"$T/plain.conf" <<'CONF'
global_defs {
	router_id plain
}
CONF
check "vipd -t accepts metrics_listen" "$VIPD" -t -f "$T/plain.conf"
printf 'global_defs {\n\tmetrics_listen 127.0.0.1:%s\n}\n' "$PORT" >"$T/only.conf"
check "vipd -t accepts metrics_listen" "$VIPD" -t -f "$T/only.conf"
# keepalived does not know it: an unknown keyword, which it logs and runs past (exit 5); documented in vipd.conf(5)
rc=0
keepalived -t -f "$T/only.conf" >"$T/keepalived.txt" 2>&1 || rc=$?
check "keepalived -t: metrics_listen is unknown to it (exit $rc)" [ "$rc" -eq 5 ]
check "keepalived -t names it" grep -q "Unknown keyword 'metrics_listen'" "$T/keepalived.txt"
rc=0
"$VIPD" -t -f /dev/stdin >/dev/null 2>&1 <<'CONF' || rc=$?
global_defs {
	metrics_listen 127.0.0.1:99999
}
CONF
check "a bad metrics_listen is a recovery (exit $rc)" [ "$rc" -eq 5 ]

write_conf 150
start_vipd "$T/vipd.conf"
wait_for "the metrics listener" 10 curl -sf -o /dev/null "$URL"
wait_rs 192.0.2.41:8080 up 10
wait_rs 192.0.2.41:8081 down 10
wait_for "VI_1 master" 10 sh -c "[ \"\$('$VIPCTL' -s '$SOCK' status --json | jq -r '.children[] | select(.name==\"vrrp\") | .status.instances[0].state')\" = MASTER ]"
# the checkers report their status a second after a change: let both verdicts reach the parent
sleep 1.2

# an idle connection, opened now: the metrics child closes it after its timeout (10 s), checked at the end
python3 - "$PORT" "$T/idle.done" <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(30)
t0 = time.monotonic()
data = s.recv(100)
open(sys.argv[2], "w").write("%r %.1f\n" % (data, time.monotonic() - t0))
PY
IDLE=$!

curl -sf "$URL" >"$T/m1.txt"
status_json >"$T/status.json"
sleep 0.3	# past the 250 ms in which an answer is served again
curl -sf -D "$T/headers.txt" "$URL" >"$T/m2.txt"
check "Content-Type is the text format 0.0.4" grep -qi '^content-type: text/plain; version=0.0.4' "$T/headers.txt"
check "promtool check metrics passes" sh -c "promtool check metrics <'$T/m2.txt' >'$T/promtool.txt' 2>&1"
[ -s "$T/promtool.txt" ] && cat "$T/promtool.txt" >&2

# the scrapes against the status: gauges equal, counters between the two scrapes around it
python3 - "$T/m1.txt" "$T/status.json" "$T/m2.txt" <<'PY' || fail "metrics match vipctl status --json"
import json, re, sys

def parse(path):
    m = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        name, labels, value = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$', line.rstrip("\n")).groups()
        lab = tuple(sorted(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', labels or "")))
        m[(name, lab)] = float(value)
    return m

a, st, b = parse(sys.argv[1]), json.load(open(sys.argv[2])), parse(sys.argv[3])
bad = []
def gauge(name, want, **labels):
    key = (name, tuple(sorted(labels.items())))
    if key not in b or b[key] != float(want):
        bad.append("%s%s = %s, status says %s" % (name, labels, b.get(key), want))
def counter(name, want, **labels):
    key = (name, tuple(sorted(labels.items())))
    if key not in a or key not in b or not a[key] <= float(want) <= b[key]:
        bad.append("%s%s: %s .. %s, status says %s" % (name, labels, a.get(key), b.get(key), want))

kids = {c["name"]: c for c in st["children"]}
gauge("vipd_config_generation", st["parent"]["config_generation"])
counter("vipd_reloads_total", st["parent"]["last_reload"]["count"])
for name, c in kids.items():
    gauge("vipd_child_up", 1 if c["state"] == "running" else 0, child=name)
    gauge("vipd_child_wanted", 1 if c["wanted"] else 0, child=name)
    counter("vipd_child_restarts_total", c["restarts"], child=name)
    gauge("vipd_child_config_generation", c["config_generation"], child=name)
for sess in kids["bfd"]["status"]["sessions"]:
    for s in ("AdminDown", "Down", "Init", "Up"):
        gauge("vipd_bfd_session_state", 1 if sess["state"] == s else 0, session=sess["name"], state=s)
    counter("vipd_bfd_session_packets_sent_total", sess["tx"], session=sess["name"])
for name in ("vrrp", "ipvs", "checkers", "bfd", "metrics"):
    if kids[name]["state"] != "running":
        bad.append("child %s is %s" % (name, kids[name]["state"]))
for i in kids["vrrp"]["status"]["instances"]:
    n = i["name"]
    for s in ("INIT", "BACKUP", "MASTER", "FAULT", "STOP"):
        gauge("vipd_vrrp_state", 1 if i["state"] == s else 0, vrrp_instance=n, state=s)
    gauge("vipd_vrrp_priority", i["priority"], vrrp_instance=n)
    gauge("vipd_vrrp_effective_priority", i["effective_priority"], vrrp_instance=n)
    gauge("vipd_vrrp_advert_interval_seconds", i["advert_int_ms"] / 1000, vrrp_instance=n)
    gauge("vipd_vrrp_state_change_timestamp_seconds", i["since_ms"] / 1000, vrrp_instance=n)
    counter("vipd_vrrp_transitions_total", i["transitions"], vrrp_instance=n)
    counter("vipd_vrrp_adverts_sent_total", i["adverts_sent"], vrrp_instance=n)
    counter("vipd_vrrp_adverts_received_total", i["adverts_received"], vrrp_instance=n)
    for reason, v in i["drops"].items():
        counter("vipd_vrrp_drops_total", v, vrrp_instance=n, reason=reason)
ck = kids["checkers"]["status"]
gauge("vipd_checkers_configured", ck["checkers"])
gauge("vipd_checkers_real_servers_up", ck["real_servers_up"])
counter("vipd_checkers_runs_total", ck["runs"])
counter("vipd_checkers_overruns_total", ck["overruns"])
for r in ck["real_servers"]:
    lab = dict(virtual_server=r["virtual_server"], real_server=r["address"])
    gauge("vipd_real_server_up", 1 if r["state"] == "up" else 0, **lab)
    gauge("vipd_real_server_weight", r["weight"] if r["weight"] is not None else r["configured_weight"], **lab)
    # it grows with each failed check of the dead one: between the two scrapes, like a counter
    counter("vipd_real_server_consecutive_failures", r["consecutive_failures"], **lab)
    if r["last_change"] is not None:
        gauge("vipd_real_server_last_change_timestamp_seconds", r["last_change"] / 1000, **lab)
iv = kids["ipvs"]["status"]
for k, m in (("virtual_servers", "vipd_ipvs_virtual_servers_configured"), ("real_servers", "vipd_ipvs_real_servers_configured"),
             ("services", "vipd_ipvs_services"), ("dests", "vipd_ipvs_destinations")):
    gauge(m, iv[k])
gauge("vipd_ipvs_real_servers", iv["rs_up"], state="up")
counter("vipd_ipvs_kernel_writes_total", iv["kernel_writes"])
counter("vipd_ipvs_reconciles_total", iv["reconciles"])
# what this configuration must give, whatever the status says
gauge("vipd_real_server_up", 1, virtual_server="192.0.2.10:80", real_server="192.0.2.41:8080")
gauge("vipd_real_server_up", 0, virtual_server="192.0.2.10:80", real_server="192.0.2.41:8081")
gauge("vipd_real_server_weight", 7, virtual_server="192.0.2.10:80", real_server="192.0.2.41:8080")
gauge("vipd_vrrp_state", 1, vrrp_instance="VI_1", state="MASTER")
gauge("vipd_vrrp_priority", 150, vrrp_instance="VI_1")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
print("compared %d samples" % len(b))
PY

# it runs as nobody, with no capability but binding a low port
mpid=$(jqs '.children[] | select(.name == "metrics") | .pid')
check "the metrics child runs as uid 65534" sh -c "grep -q '^Uid:[[:space:]]*65534[[:space:]]65534' /proc/$mpid/status"
check "with CAP_NET_BIND_SERVICE only" sh -c "grep -q '^CapEff:[[:space:]]*0000000000000400' /proc/$mpid/status"

# what a client may get wrong, and what it may ask
python3 - "$PORT" <<'PY' || fail "HTTP answers"
import http.client, socket, sys
port = int(sys.argv[1])
bad = []
def raw(data):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    out = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
    s.close()
    return out
def expect(desc, got, status):
    if not got.startswith(b"HTTP/1.1 %d " % status):
        bad.append("%s: %r" % (desc, got[:60]))
expect("404", raw(b"GET /other HTTP/1.1\r\nHost: x\r\n\r\n"), 404)
expect("405", raw(b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), 405)
expect("431", raw(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 9000 + b"\r\n\r\n"), 431)
expect("400", raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"), 400)
expect("505", raw(b"GET /metrics HTTP/2.0\r\n\r\n"), 505)
r = raw(b"GET /metrics HTTP/1.0\r\n\r\n")
expect("1.0", r, 200)
if b"Connection: close" not in r:
    bad.append("HTTP/1.0 without Connection: close")
# keep-alive: three requests on one connection, a HEAD among them
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
for method in ("GET", "HEAD", "GET"):
    c.request(method, "/metrics")
    resp = c.getresponse()
    body = resp.read()
    if resp.status != 200 or (method == "HEAD") != (body == b"") or (method == "GET" and b"vipd_vrrp_state" not in body):
        bad.append("keep-alive %s: %d, %d bytes" % (method, resp.status, len(body)))
c.close()
# pipelined: two requests in one write, two answers
r = raw(b"GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nConnection: close\r\n\r\n")
if r.count(b"HTTP/1.1 200 ") != 2:
    bad.append("pipelined: %r" % r[:200])
# the cap: 16 connections; those past it are closed at once, and a scrape works again after
held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(24)]
closed = 0
for s in held:
    s.settimeout(1)
    try:
        if s.recv(1) == b"":
            closed += 1
    except socket.timeout:
        pass
for s in held:
    s.close()
if not 7 <= closed <= 24:
    bad.append("the cap closed %d of 24 connections" % closed)
import time
time.sleep(0.3)
c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
c.request("GET", "/metrics")
if c.getresponse().status != 200:
    bad.append("no scrape after the cap")
if bad:
    print("\n".join(bad), file=sys.stderr)
    sys.exit(1)
PY
curl -sf "$URL" >"$T/m3.txt"
check "the cap is counted" sh -c "awk '/^vipd_metrics_connections_rejected_total / && \$2 >= 7 { ok = 1 } END { exit !ok }' '$T/m3.txt'"
check "the answers are counted by code" grep -q '^vipd_metrics_http_requests_total{code="431"} 1$' "$T/m3.txt"

# a reload: counted, successful, timed; a lower priority shows at once
write_conf 120
"$VIPCTL" -s "$SOCK" reload >/dev/null
wait_for "the new priority in the metrics" 10 sh -c "curl -sf '$URL' | grep -q '^vipd_vrrp_priority{vrrp_instance=\"VI_1\"} 120$'"
curl -sf "$URL" >"$T/m4.txt"
check "reloads_total 1" grep -q '^vipd_reloads_total 1$' "$T/m4.txt"
check "last reload succeeded" grep -q '^vipd_last_reload_success 1$' "$T/m4.txt"
check "reload duration" grep -Eq '^vipd_last_reload_duration_seconds [0-9.e-]+$' "$T/m4.txt"
check "config generation 2" grep -q '^vipd_config_generation 2$' "$T/m4.txt"

# a real Prometheus scrapes vipd every second and answers a query on the VRRP state
cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: vipd
    static_configs:
      - targets: ['127.0.0.1:$PORT']
YML
bg prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/prom" --web.listen-address=127.0.0.1:9090
wait_port 127.0.0.1 9090
query() {
	curl -sf --get --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query | jq -r '.data.result[0].value[1] // empty'
}
wait_for "Prometheus to see VI_1 master" 20 sh -c "[ \"\$(curl -sf --get --data-urlencode 'query=vipd_vrrp_state{vrrp_instance=\"VI_1\",state=\"MASTER\"}' http://127.0.0.1:9090/api/v1/query | jq -r '.data.result[0].value[1] // empty')\" = 1 ]"
check "Prometheus: the scrape is up" [ "$(query 'up{job="vipd"}')" = 1 ]
check "Prometheus: VI_1 is not BACKUP" [ "$(query 'vipd_vrrp_state{vrrp_instance="VI_1",state="BACKUP"}')" = 0 ]
check "Prometheus: one real server up" [ "$(query 'sum(vipd_real_server_up)')" = 1 ]

# the dashboard: JSON, and every metric it queries is in a scrape (this one runs no sync child: its
# metrics are taken from the renderer's table instead)
python3 - "$top_srcdir/contrib/grafana-vipd.json" "$T/m4.txt" "$top_srcdir/metrics/metrics_render.c" <<'PY' || fail "the Grafana dashboard"
import json, re, sys
dash = json.load(open(sys.argv[1]))
have = set()
for line in open(sys.argv[2]):
    m = re.match(r"# TYPE (\S+) ", line)
    if m:
        have.add(m.group(1))
have |= set(re.findall(r'"(vipd_sync_[a-z0-9_]+)"', open(sys.argv[3]).read()))
exprs = []
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k in ("expr", "query") and isinstance(v, str):
                exprs.append(v)
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(dash)
used = set(n for e in exprs for n in re.findall(r"\bvipd_[a-z0-9_]+", e))
missing = sorted(used - have)
if not exprs or missing:
    print("dashboard: %d queries; not in a scrape: %s" % (len(exprs), missing), file=sys.stderr)
    sys.exit(1)
print("dashboard: %d queries of %d metrics" % (len(exprs), len(used)))
PY

wait "$IDLE" || true
check "an idle connection is closed after about 10 s ($(cat "$T/idle.done" 2>/dev/null))" \
	sh -c "awk '\$1 == \"b\\x27\\x27\" && \$2 >= 9 && \$2 < 15 { ok = 1 } END { exit !ok }' '$T/idle.done'"
check "and counted" sh -c "curl -sf '$URL' | grep -Eq '^vipd_metrics_timeouts_total [1-9]'"

# a reload moves the listener, and one without metrics_listen stops the metrics child
PORT=9651
write_conf 120
"$VIPCTL" -s "$SOCK" reload >/dev/null
wait_for "metrics on the new port" 10 curl -sf -o /dev/null "http://127.0.0.1:9651/metrics"
check "nothing on the old port" sh -c "! curl -s -o /dev/null http://127.0.0.1:9650/metrics"
sed -i '/metrics_listen/d' "$T/vipd.conf"
"$VIPCTL" -s "$SOCK" reload >/dev/null
wait_for "the metrics child to stop" 10 child_is metrics idle
check "nothing listens without metrics_listen" sh -c "! curl -s -o /dev/null http://127.0.0.1:9651/metrics"

check "vipd stops cleanly" stop_vipd
finish
