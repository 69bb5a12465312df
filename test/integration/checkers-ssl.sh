#!/bin/sh
# SSL_GET against openssl s_server with certificates made here: a good one, an expired one and one for
# another name, verified against the SSL block's ca (verify_cert) or not; SNI (a server that refuses a
# name it does not serve); a client certificate; and a server that does not speak TLS.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires openssl busybox jq ss

ck_net 192.0.2.41 192.0.2.42 192.0.2.43 192.0.2.44 192.0.2.45 192.0.2.46
P="$T/pki"
mkdir -p "$P" "$T/www"
echo hi >"$T/www/index.html"
ssl() { openssl "$@" >>"$T/openssl.log" 2>&1; }
ssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca.key" -out "$P/ca.pem" -subj /CN=vipd-test-ca -days 2
for n in good:good.example:2 expired:good.example:-1 other:other.example:2 client:vipd-client:2; do
	name=${n%%:*}; rest=${n#*:}; cn=${rest%%:*}; days=${rest#*:}
	ssl req -new -newkey rsa:2048 -nodes -keyout "$P/$name.key" -subj "/CN=$cn" -out "$P/$name.csr"
	ssl x509 -req -in "$P/$name.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days "$days" \
		-out "$P/$name.pem"
done
srv() {
	addr=$1; shift
	bg openssl s_server -quiet -accept "$addr:8443" -www "$@"
}
srv 192.0.2.41 -cert "$P/good.pem" -key "$P/good.key"
srv 192.0.2.42 -cert "$P/expired.pem" -key "$P/expired.key"
srv 192.0.2.43 -cert "$P/other.pem" -key "$P/other.key"
# serves good.example only: another name in the SNI gets a fatal alert
srv 192.0.2.44 -cert "$P/good.pem" -key "$P/good.key" -servername good.example -cert2 "$P/good.pem" \
	-key2 "$P/good.key" -servername_fatal
# wants a client certificate signed by the ca
srv 192.0.2.45 -cert "$P/good.pem" -key "$P/good.key" -Verify 1 -CAfile "$P/ca.pem"
bg busybox httpd -f -p 192.0.2.46:8443 -h "$T/www"
for a in 41 42 43 44 45 46; do
	wait_port 192.0.2.$a 8443
done

rs_block() {
	# rs_block ID ADDR EXTRA: a real server checked by SSL_GET on ADDR:8443
	cat <<RS
	real_server 192.0.2.$1 443 {
		SSL_GET {
			connect_ip 192.0.2.$2
			connect_port 8443
			connect_timeout 2
			retry 0
			$3
			url {
				path /
			}
		}
	}
RS
}
{
	printf 'SSL {\n\tca %s\n\tcertificate %s\n\tkey %s\n}\n' "$P/ca.pem" "$P/client.pem" "$P/client.key"
	printf 'virtual_server 192.0.2.10 443 {\n\tdelay_loop 0.5\n'
	rs_block 201 41 "verify_cert
			sni_name good.example"
	rs_block 202 42 "verify_cert
			sni_name good.example"
	rs_block 203 43 "verify_cert
			sni_name good.example"
	rs_block 204 42 ""
	rs_block 205 46 ""
	rs_block 206 44 "enable_sni
			sni_name good.example"
	rs_block 207 44 "enable_sni
			sni_name wrong.example"
	rs_block 208 45 ""
	printf '}\n'
} >"$T/vipd.conf"
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
for rs in 201 204 206 208; do
	wait_rs 192.0.2.$rs:443 up 8
done
for rs in 202 203 205 207; do
	wait_rs 192.0.2.$rs:443 down 8
done
check "good: HTTP 200 over TLS" [ "$(rs last_result 192.0.2.201:443)" = "HTTP status 200" ]
check "expired: the reason" [ "$(rs reason 192.0.2.202:443)" = "TLS handshake: certificate has expired" ]
check "wrong name: the reason" [ "$(rs reason 192.0.2.203:443)" = "TLS handshake: hostname mismatch" ]
check "not TLS: a handshake failure" sh -c "$VIPCTL -s $SOCK status --json | jq -r '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.205:443\") | .reason' | grep -q '^TLS handshake: '"
check "SNI refused: a handshake failure" sh -c "$VIPCTL -s $SOCK status --json | jq -r '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.207:443\") | .reason' | grep -q '^TLS handshake: '"
check "stop exits 0" stop_vipd
finish
