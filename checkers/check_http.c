/*
 * HTTP_GET and SSL_GET: for each url in turn, connect (and for SSL_GET, a non-blocking TLS handshake
 * with SNI and optional verification), send a GET, read the response through check_http_parse.c, and
 * hold it against the url's status codes, digest, regex and expected text. Every url must pass.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checkers/check.h"
#include "checkers/check_http_parse.h"
#include "lib/log.h"

/* Body bytes kept for regex and expect; digests cover the whole body. */
#define HTTP_KEEP_BODY (64 * 1024)

struct http_run {
	size_t url;
	SSL *ssl;
	char req[CFG_PATH_MAX + 2 * CFG_NAME_MAX + 128];
	size_t reqlen, reqoff;
	struct http_parse hp;
	bool hp_ready;
};

/* a checker without url { } asks for / (http_path) and any 2xx */
static const struct cfg_check_url default_url;

static bool
http_is_ssl(const struct ck_check *c)
{
	return c->cfg->type == CHECK_SSL;
}

static const struct cfg_check_url *
http_url(const struct ck_check *c, const struct http_run *r)
{
	return c->nurls == 0 ? &default_url : c->urls[r->url];
}

/* A url's texts live in the configuration's string table. A configured path starts with /. */
static const char *
http_text(const struct ck_check *c, struct cfg_text t)
{
	return config_text(c->ck->p->conf, t);
}

static const char *
http_path(const struct ck_check *c, const struct cfg_check_url *u)
{
	const char *path = http_text(c, u->path);

	return path[0] != '\0' ? path : "/";
}

/* The Host header and the SNI name: the url's virtualhost, the checker's, the virtual server's, or the address. */
static void
http_host(const struct ck_check *c, const struct cfg_check_url *u, char *buf, size_t len)
{
	const char *vh = u->virtualhost[0] ? u->virtualhost : c->cfg->virtualhost[0] ? c->cfg->virtualhost :
			 c->rs->vs != NULL && c->rs->vs->virtualhost[0] ? c->rs->vs->virtualhost : NULL;
	char a[INET6_ADDRSTRLEN];
	const void *addr;

	if (vh != NULL) {
		snprintf(buf, len, "%s", vh);
		return;
	}
	addr = c->dst.ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)&c->dst)->sin6_addr :
					      (const void *)&((const struct sockaddr_in *)&c->dst)->sin_addr;
	inet_ntop(c->dst.ss_family, addr, a, sizeof(a));
	snprintf(buf, len, c->dst.ss_family == AF_INET6 ? "[%s]" : "%s", a);
}

static uint16_t
http_port(const struct ck_check *c)
{
	return ntohs(c->dst.ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)&c->dst)->sin6_port :
						    ((const struct sockaddr_in *)&c->dst)->sin_port);
}

static void
http_close_conn(struct ck_check *c, struct http_run *r)
{
	if (r->ssl != NULL) {
		SSL_free(r->ssl);
		r->ssl = NULL;
	}
	ck_net_close(c);
	if (r->hp_ready) {
		http_parse_free(&r->hp);
		r->hp_ready = false;
	}
}

static void
http_stop(struct ck_check *c)
{
	struct http_run *r = c->priv;

	if (r == NULL)
		return;
	http_close_conn(c, r);
	free(r);
	c->priv = NULL;
}

/* Why TLS failed, in a few words: the verification result if that was it, else OpenSSL's reason. */
static void
http_ssl_fail(struct ck_check *c, struct http_run *r, const char *what)
{
	long v = r->ssl != NULL ? SSL_get_verify_result(r->ssl) : X509_V_OK;
	unsigned long e = ERR_peek_last_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	if (v != X509_V_OK && c->cfg->verify_cert)
		ck_result(c, false, -1, "%s: %s", what, X509_verify_cert_error_string(v));
	else
		ck_result(c, false, -1, "%s: %s", what, reason ? reason : errno ? strerror(errno) : "failed");
}

static void http_io(struct ev_io *io, uint32_t revents);
static void http_connect(struct ck_check *c, struct http_run *r);

static bool
http_body_matches(const struct ck_check *c, const struct cfg_check_url *u, const struct http_parse *hp,
		  const char **why)
{
	const char *expect = http_text(c, u->expect), *regex = http_text(c, u->regex);

	if (expect[0] != '\0' &&
	    (hp->bodylen == 0 || memmem(hp->body, hp->bodylen, expect, strlen(expect)) == NULL)) {
		*why = "expected text not found";
		return false;
	}
	if (regex[0] != '\0') {
		regex_t re;
		regmatch_t m[1] = { { .rm_so = 0, .rm_eo = (regoff_t)hp->bodylen } };
		int rc;

		if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0) {
			*why = "regex does not compile";
			return false;
		}
		/* REG_STARTEND: the body is not NUL-terminated and may hold NULs */
		rc = regexec(&re, hp->bodylen ? (const char *)hp->body : "", 1, m, REG_STARTEND);
		regfree(&re);
		if ((rc == 0) == u->regex_no_match) {
			*why = u->regex_no_match ? "regex matched" : "regex did not match";
			return false;
		}
	}
	return true;
}

/* A response is complete: judge it, then the next url or the verdict. */
static void
http_judge(struct ck_check *c, struct http_run *r)
{
	const struct cfg_check_url *u = http_url(c, r);
	char digest[33];
	const char *why;
	int status = r->hp.status;

	if (!http_status_match(u, status)) {
		ck_result(c, false, -1, "HTTP status %d", status);
		return;
	}
	if (u->digest[0] != '\0') {
		http_parse_digest(&r->hp, digest);
		if (memcmp(digest, u->digest, 32) != 0) {
			ck_result(c, false, -1, "digest mismatch on %s", http_path(c, u));
			return;
		}
	}
	if (!http_body_matches(c, u, &r->hp, &why)) {
		ck_result(c, false, -1, "%s on %s", why, http_path(c, u));
		return;
	}
	if (r->url + 1 < c->nurls) {
		http_close_conn(c, r);
		r->url++;
		http_connect(c, r);
		return;
	}
	ck_result(c, true, -1, "HTTP status %d", status);
}

static void
http_want(struct ck_check *c, uint32_t events)
{
	if (ck_net_watch(c, events, http_io) == -1)
		ck_result(c, false, -1, "cannot watch the socket");
}

static void
http_read(struct ck_check *c, struct http_run *r)
{
	char buf[16384];

	for (;;) {
		ssize_t n;
		enum http_parse_result pr;

		if (r->ssl != NULL) {
			int k = SSL_read(r->ssl, buf, sizeof(buf));

			if (k <= 0) {
				int e = SSL_get_error(r->ssl, k);

				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
					http_want(c, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
					return;
				}
				/* a server that closes without close_notify ends the body like a plain close */
				if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0))
					n = 0;
				else {
					http_ssl_fail(c, r, "TLS read");
					return;
				}
			} else {
				n = k;
			}
		} else {
			n = recv(c->fd, buf, sizeof(buf), 0);
			if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
				http_want(c, EPOLLIN);
				return;
			}
			if (n == -1) {
				ck_result(c, false, -1, "read: %s", strerror(errno));
				return;
			}
		}
		pr = n == 0 ? http_parse_eof(&r->hp) : http_parse_feed(&r->hp, buf, (size_t)n);
		if (pr == HTTP_PARSE_ERROR) {
			ck_result(c, false, -1, "bad response: %s", r->hp.error);
			return;
		}
		if (pr == HTTP_PARSE_DONE) {
			http_judge(c, r);
			return;
		}
	}
}

static void
http_write(struct ck_check *c, struct http_run *r)
{
	while (r->reqoff < r->reqlen) {
		ssize_t n;

		if (r->ssl != NULL) {
			int k = SSL_write(r->ssl, r->req + r->reqoff, (int)(r->reqlen - r->reqoff));

			if (k <= 0) {
				int e = SSL_get_error(r->ssl, k);

				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
					http_want(c, e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT);
					return;
				}
				http_ssl_fail(c, r, "TLS write");
				return;
			}
			n = k;
		} else {
			n = send(c->fd, r->req + r->reqoff, r->reqlen - r->reqoff, MSG_NOSIGNAL);
			if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
				http_want(c, EPOLLOUT);
				return;
			}
			if (n == -1) {
				ck_result(c, false, -1, "write: %s", strerror(errno));
				return;
			}
		}
		r->reqoff += (size_t)n;
	}
	c->phase = "read";
	http_read(c, r);
}

static void
http_send(struct ck_check *c, struct http_run *r)
{
	const struct cfg_check_url *u = http_url(c, r);
	bool keep = http_text(c, u->regex)[0] != '\0' || http_text(c, u->expect)[0] != '\0';
	uint16_t port = http_port(c);
	char host[CFG_NAME_MAX + INET6_ADDRSTRLEN];
	int n;

	http_host(c, u, host, sizeof(host));
	n = http_build_request(r->req, sizeof(r->req), http_path(c, u), host,
			       port == (http_is_ssl(c) ? 443 : 80) ? 0 : port, c->cfg->http_protocol);
	if (n < 0) {
		ck_result(c, false, -1, "request too long");
		return;
	}
	if (http_parse_init(&r->hp, keep ? HTTP_KEEP_BODY : 0, u->digest[0] != '\0') == -1) {
		ck_result(c, false, -1, "out of memory");
		return;
	}
	r->hp_ready = true;
	r->reqlen = (size_t)n;
	r->reqoff = 0;
	c->phase = "write";
	http_write(c, r);
}

static void
http_handshake(struct ck_check *c, struct http_run *r)
{
	int k = SSL_connect(r->ssl);

	if (k == 1) {
		http_send(c, r);
		return;
	}
	switch (SSL_get_error(r->ssl, k)) {
	case SSL_ERROR_WANT_READ:
		http_want(c, EPOLLIN);
		break;
	case SSL_ERROR_WANT_WRITE:
		http_want(c, EPOLLOUT);
		break;
	default:
		http_ssl_fail(c, r, "TLS handshake");
	}
}

static void
http_tls_begin(struct ck_check *c, struct http_run *r)
{
	const struct cfg_check_url *u = http_url(c, r);
	char host[CFG_NAME_MAX + INET6_ADDRSTRLEN];
	const char *name = c->cfg->sni_name[0] ? c->cfg->sni_name : NULL;

	if (c->ck->ssl_ctx == NULL || (r->ssl = SSL_new(c->ck->ssl_ctx)) == NULL ||
	    SSL_set_fd(r->ssl, c->fd) != 1) {
		http_ssl_fail(c, r, "TLS setup");
		return;
	}
	if (name == NULL && (c->cfg->enable_sni || c->cfg->verify_cert)) {
		http_host(c, u, host, sizeof(host));
		name = host;
	}
	if (name != NULL && c->cfg->enable_sni && name[0] != '[' && SSL_set_tlsext_host_name(r->ssl, name) != 1) {
		http_ssl_fail(c, r, "TLS SNI");
		return;
	}
	if (c->cfg->verify_cert) {
		SSL_set_verify(r->ssl, SSL_VERIFY_PEER, NULL);
		/* the name the certificate must carry; an address is matched as an IP address */
		if (name != NULL && name[0] != '[' && SSL_set1_host(r->ssl, name) != 1) {
			http_ssl_fail(c, r, "TLS name");
			return;
		}
	}
	c->phase = "TLS handshake";
	http_handshake(c, r);
}

static void
http_io(struct ev_io *io, uint32_t revents)
{
	struct ck_check *c = io->data;
	struct http_run *r = c->priv;
	int err;

	if (strcmp(c->phase, "connect") == 0) {
		if ((err = ck_net_connect_error(c->fd)) != 0) {
			ck_result(c, false, -1, "connect: %s", strerror(err));
			return;
		}
		if (http_is_ssl(c))
			http_tls_begin(c, r);
		else
			http_send(c, r);
	} else if (strcmp(c->phase, "TLS handshake") == 0) {
		http_handshake(c, r);
	} else if (strcmp(c->phase, "write") == 0) {
		http_write(c, r);
	} else {
		http_read(c, r);
	}
}

static void
http_connect(struct ck_check *c, struct http_run *r)
{
	const char *why;

	/* connect_timeout is for each url's exchange, as in keepalived, not for all of them together */
	ev_timer_after(c->ck->p->loop, &c->timer, c->timeout_ns);
	c->phase = "connect";
	if (ck_net_connect(c, SOCK_STREAM, 0, &why) == -1) {
		ck_result(c, false, -1, "%s: %s", why, strerror(errno));
		return;
	}
	http_want(c, EPOLLOUT);
}

static void
http_start(struct ck_check *c)
{
	struct http_run *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		ck_result(c, false, -1, "out of memory");
		return;
	}
	c->priv = r;
	http_connect(c, r);
}

const struct ck_kind ck_kind_http = { "HTTP_GET", http_start, http_stop, NULL };

/* ---- the SSL context ---- */

static int
http_password_cb(char *buf, int size, int rwflag, void *data)
{
	const char *pw = data;
	int n = (int)strlen(pw);

	if (n >= size)
		return 0;
	memcpy(buf, pw, (size_t)n);
	return n;
}

void *
ck_http_ssl_ctx(const struct config *conf)
{
	const struct cfg_ssl *s = config_get(conf, CFG_SSL, 0);
	const struct cfg_checker *c;
	bool needed = false;
	SSL_CTX *ctx;

	CONFIG_FOREACH(conf, CFG_CHECKER, const struct cfg_checker, c)
		needed |= c->type == CHECK_SSL;
	if (!needed)
		return NULL;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		log_warnx("SSL: cannot create a context");
		return NULL;
	}
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (s == NULL || s->ca[0] == '\0') {
		SSL_CTX_set_default_verify_paths(ctx);
	} else if (SSL_CTX_load_verify_locations(ctx, s->ca, NULL) != 1) {
		log_warnx("SSL: cannot load the ca %s", s->ca);
	}
	if (s != NULL && s->certificate[0] != '\0') {
		if (s->password[0] != '\0') {
			SSL_CTX_set_default_passwd_cb(ctx, http_password_cb);
			SSL_CTX_set_default_passwd_cb_userdata(ctx, (void *)s->password);
		}
		if (SSL_CTX_use_certificate_chain_file(ctx, s->certificate) != 1 ||
		    SSL_CTX_use_PrivateKey_file(ctx, s->key, SSL_FILETYPE_PEM) != 1)
			log_warnx("SSL: cannot load the certificate %s and key %s", s->certificate, s->key);
		/* the password is only needed while loading, and the config it points into will go */
		SSL_CTX_set_default_passwd_cb(ctx, NULL);
		SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
	}
	ERR_clear_error();
	return ctx;
}

void
ck_http_ssl_ctx_free(void *ctx)
{
	SSL_CTX_free(ctx);
}
