/* metrics_listen: where the metrics child listens. keepalived has no such keyword (it has no metrics). */
#include <stdio.h>
#include <string.h>

#include "lib/config.h"
#include "metrics/metrics.h"

int
metrics_conf_listen(struct cfg_ctx *ctx, const struct cfg_stmt *st, const struct cfg_keyword *kw, void *obj)
{
	struct cfg_global *g = obj;
	char host[64];
	const char *arg, *colon;
	int64_t port;
	size_t len;

	(void)kw;
	if (cfg_nargs(ctx, st, 1, 1) == -1)
		return -1;
	memset(&g->metrics_listen, 0, sizeof(g->metrics_listen));
	arg = st->argv[1];
	/* [ADDR6]:PORT, or ADDR4:PORT: the last colon splits, and an IPv6 address must be bracketed */
	colon = strrchr(arg, ':');
	if (colon == NULL || colon == arg)
		return cfg_stmt_recovered(ctx, st, "'%s' is not ADDRESS:PORT; no metrics are served", arg);
	len = (size_t)(colon - arg);
	if (arg[0] == '[') {
		if (len < 3 || arg[len - 1] != ']')
			return cfg_stmt_recovered(ctx, st, "'%s' is not [ADDRESS]:PORT; no metrics are served", arg);
		arg++;
		len -= 2;
	} else if (memchr(arg, ':', len) != NULL) {
		return cfg_stmt_recovered(ctx, st, "'%s': an IPv6 address is written [ADDRESS]:PORT; no metrics "
					  "are served", arg);
	}
	if (len >= sizeof(host))
		return cfg_stmt_recovered(ctx, st, "'%s' is too long; no metrics are served", st->argv[1]);
	memcpy(host, arg, len);
	host[len] = '\0';
	if (cfg_parse_addr(host, false, &g->metrics_listen.addr) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not an address; no metrics are served", host);
	if (cfg_parse_int(colon + 1, 1, 65535, &port) == -1)
		return cfg_stmt_recovered(ctx, st, "'%s' is not a port (1-65535); no metrics are served", colon + 1);
	g->metrics_listen.port = (uint32_t)port;
	return 0;
}
