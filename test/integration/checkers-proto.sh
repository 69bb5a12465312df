#!/bin/sh
# DNS_CHECK against dnsmasq, UDP_CHECK against a UDP echo, SMTP_CHECK against scripted servers, and
# PING_CHECK over IPv4 and IPv6, each with servers that answer right, answer wrong, or stay silent.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires dnsmasq socat jq ss

ck_net 192.0.2.61 192.0.2.62 192.0.2.63 192.0.2.64 2001:db8::65
# a network where packets go and nothing ever answers: out of a veth to a MAC nobody has
ip link add ck-void type veth peer name ck-void-peer
ip link set ck-void up
ip link set ck-void-peer up
ip route add 198.51.100.0/24 dev ck-void
ip neigh add 198.51.100.7 lladdr 02:00:00:00:00:07 dev ck-void nud permanent

bg dnsmasq -d -C /dev/null --no-resolv --no-hosts --port=5353 --listen-address=192.0.2.61 --bind-interfaces \
	--address=/test.example/192.0.2.99 --user=root --group=root --pid-file=
bg socat UDP4-RECVFROM:9000,bind=192.0.2.62,fork PIPE
bg socat -u UDP4-RECV:9001,bind=192.0.2.62 /dev/null
cat >"$T/smtp-good.sh" <<'SH'
#!/bin/sh
printf '220-first line\r\n220 smtp.example ESMTP\r\n'
read -r helo
case $helo in HELO\ lb.example*) printf '250 hello\r\n' ;; *) printf '501 bad HELO\r\n' ;; esac
read -r quit
SH
cat >"$T/smtp-bad.sh" <<'SH'
#!/bin/sh
printf '554 go away\r\n'
sleep 1
SH
chmod +x "$T/smtp-good.sh" "$T/smtp-bad.sh"
bg socat TCP-LISTEN:2525,bind=192.0.2.64,fork,reuseaddr EXEC:"$T/smtp-good.sh"
bg socat TCP-LISTEN:2526,bind=192.0.2.64,fork,reuseaddr EXEC:"$T/smtp-bad.sh"
wait_port 192.0.2.64 2525
wait_port 192.0.2.64 2526
wait_for "dnsmasq" 5 sh -c "ss -Huln | grep -q '192.0.2.61:5353 '"

check_block() {
	# check_block ID TYPE BODY: a real server 192.0.2.ID:80 with one checker
	printf '\treal_server 192.0.2.%s 80 {\n\t\t%s {\n\t\t\tconnect_timeout 0.6\n\t\t\tretry 0\n%s\n\t\t}\n\t}\n' "$1" "$2" "$3"
}
{
	printf 'virtual_server 192.0.2.10 80 {\n\tdelay_loop 0.4\n'
	check_block 111 DNS_CHECK "connect_ip 192.0.2.61
connect_port 5353
type A
name test.example"
	check_block 112 DNS_CHECK "connect_ip 192.0.2.61
connect_port 5353
type AAAA
name test.example"
	check_block 113 DNS_CHECK "connect_ip 192.0.2.61
connect_port 5354"
	check_block 121 UDP_CHECK "connect_ip 192.0.2.62
connect_port 9000
payload 01 02 03
require_reply 01 0X
min_reply_length 3
max_reply_length 10"
	check_block 122 UDP_CHECK "connect_ip 192.0.2.62
connect_port 9000
payload 01 02 03
require_reply ff"
	check_block 123 UDP_CHECK "connect_ip 192.0.2.62
connect_port 9000
payload 01 02 03
require_reply
max_reply_length 2"
	check_block 124 UDP_CHECK "connect_ip 192.0.2.62
connect_port 9002"
	check_block 125 UDP_CHECK "connect_ip 192.0.2.62
connect_port 9001"
	check_block 131 SMTP_CHECK "connect_ip 192.0.2.64
connect_port 2525
helo_name lb.example"
	check_block 132 SMTP_CHECK "connect_ip 192.0.2.64
connect_port 2526"
	check_block 141 PING_CHECK "connect_ip 192.0.2.63"
	check_block 142 PING_CHECK "connect_ip 2001:db8::65"
	check_block 143 PING_CHECK "connect_ip 198.51.100.7"
	printf '}\n'
} >"$T/vipd.conf"
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
for rs in 111 121 125 131 141 142; do
	wait_rs 192.0.2.$rs:80 up 6
done
for rs in 112 113 122 123 124 132 143; do
	wait_rs 192.0.2.$rs:80 down 6
done
wait_for "a DNS answer" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq -r '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.111:80\") | .last_result')\" = 'DNS A answer' ]"
check "DNS no AAAA (dnsmasq refuses): the reason" [ "$(rs reason 192.0.2.112:80)" = "DNS REFUSED" ]
check "DNS closed port: the reason" [ "$(rs reason 192.0.2.113:80)" = "DNS: port unreachable" ]
check "UDP pattern: the reason" [ "$(rs reason 192.0.2.122:80)" = "UDP reply does not match (3 bytes)" ]
check "UDP length: the reason" [ "$(rs reason 192.0.2.123:80)" = "UDP reply length out of range (3 bytes)" ]
check "UDP closed port: the reason" [ "$(rs reason 192.0.2.124:80)" = "UDP: port unreachable" ]
check "UDP silence without require_reply: up" [ "$(rs last_result 192.0.2.125:80)" = "no ICMP error" ]
check "SMTP refused: the reason" [ "$(rs reason 192.0.2.132:80)" = "SMTP greeting 554" ]
check "ping: echo reply" [ "$(rs last_result 192.0.2.141:80)" = "echo reply" ]
check "ping silent: timeout" [ "$(rs reason 192.0.2.143:80)" = "echo reply timeout" ]
check "stop exits 0" stop_vipd
finish
