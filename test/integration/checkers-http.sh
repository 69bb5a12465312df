#!/bin/sh
# HTTP_GET against busybox httpd: status codes (lists, ranges, the 2xx default), the body's MD5 digest,
# regex and expected text, several urls, HTTP/1.1 with a virtualhost, and a server that accepts and never
# answers (read timeout). Then a page changes and its server goes down, and comes back when it is restored.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires busybox socat jq ss

ck_net 192.0.2.31
mkdir -p "$T/www/cgi-bin"
printf 'hello\n' >"$T/www/index.html"
cat >"$T/www/cgi-bin/fail" <<'CGI'
#!/bin/sh
printf 'Status: 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\ndown\n'
CGI
chmod +x "$T/www/cgi-bin/fail"
bg busybox httpd -f -p 192.0.2.31:8080 -h "$T/www"
bg socat TCP-LISTEN:8081,bind=192.0.2.31,fork,reuseaddr SYSTEM:"sleep 30"
wait_port 192.0.2.31 8080
wait_port 192.0.2.31 8081

# md5 of "hello\n", as genhash would print it
good=b1946ac92492d2347c6235b4d2611184
cat >"$T/vipd.conf" <<CONF
virtual_server 192.0.2.10 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 0.3
	real_server 192.0.2.101 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			connect_timeout 1
			retry 0
			url {
				path /index.html
				digest $good
			}
		}
	}
	real_server 192.0.2.102 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			retry 0
			url {
				path /cgi-bin/fail
			}
		}
	}
	real_server 192.0.2.103 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			retry 0
			url {
				path /index.html
				digest 0123456789abcdef0123456789abcdef
			}
		}
	}
	real_server 192.0.2.104 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			url {
				path /index.html
				expect hello
				regex "^hel+o$"
			}
		}
	}
	real_server 192.0.2.105 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			retry 0
			url {
				path /index.html
				regex bye
			}
		}
	}
	real_server 192.0.2.106 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8081
			connect_timeout 0.5
			retry 0
			url {
				path /
			}
		}
	}
	real_server 192.0.2.107 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			url {
				path /
				status_code 200
			}
			url {
				path /cgi-bin/fail
				status_code 300 500-599
			}
		}
	}
	real_server 192.0.2.108 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			retry 0
			url {
				path /index.html
			}
			url {
				path /missing
			}
		}
	}
	real_server 192.0.2.109 80 {
		HTTP_GET {
			connect_ip 192.0.2.31
			connect_port 8080
			http_protocol 1.1
			virtualhost www.example.com
			url {
				path /index.html
				digest $good
			}
		}
	}
}
CONF
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
for rs in 101 104 107 109; do
	wait_rs 192.0.2.$rs:80 up 5
done
for rs in 102 103 105 106 108; do
	wait_rs 192.0.2.$rs:80 down 5
done
check "good digest: the result" [ "$(rs last_result 192.0.2.101:80)" = "HTTP status 200" ]
check "503: the reason" [ "$(rs reason 192.0.2.102:80)" = "HTTP status 503" ]
check "wrong digest: the reason" [ "$(rs reason 192.0.2.103:80)" = "digest mismatch on /index.html" ]
check "regex not matched: the reason" [ "$(rs reason 192.0.2.105:80)" = "regex did not match on /index.html" ]
check "never answers: read timeout" [ "$(rs reason 192.0.2.106:80)" = "read timeout" ]
check "second url 404: the reason" [ "$(rs reason 192.0.2.108:80)" = "HTTP status 404" ]
check "503 allowed by a range" [ "$(rs last_result 192.0.2.107:80)" = "HTTP status 503" ]

# The page changes: the digest no longer matches; restored, it comes back.
printf 'defaced\n' >"$T/www/index.html"
wait_rs 192.0.2.101:80 down 5
check "changed page: digest mismatch" [ "$(rs reason 192.0.2.101:80)" = "digest mismatch on /index.html" ]
wait_rs 192.0.2.104:80 down 5
check "changed page: expected text" [ "$(rs reason 192.0.2.104:80)" = "expected text not found on /index.html" ]
printf 'hello\n' >"$T/www/index.html"
wait_rs 192.0.2.101:80 up 5
wait_rs 192.0.2.104:80 up 5
check "stop exits 0" stop_vipd
finish
