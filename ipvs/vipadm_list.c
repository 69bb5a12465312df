/*
 * vipadm's listings, byte for byte what ipvsadm 1.31 prints for the same kernel state: -L (and its
 * --stats, --rate, --thresholds, --persistent-conn, --tun-info, --exact variants), -S, -c, --timeout and
 * --daemon. Pure formatting over a table already fetched, so the unit tests check it from fixed data.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ip_vs.h>

#include "ipvs/ipvs_int.h"

static const char *
proto_upper(uint16_t p)
{
	return p == IPPROTO_TCP ? "TCP" : p == IPPROTO_UDP ? "UDP" : p == IPPROTO_SCTP ? "SCTP" : "?";
}

static const char *
proto_switch(uint16_t p)
{
	return p == IPPROTO_TCP ? "-t" : p == IPPROTO_UDP ? "-u" : "--sctp-service";
}

/* Host and port, by name unless numeric output was asked for (names only when they resolve). */
static void
addrport_name(uint16_t af, const uint8_t *addr, uint16_t port, uint16_t proto, unsigned fmt, char *buf,
	      size_t len)
{
	char host[NI_MAXHOST], serv[32];

	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, addr, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	snprintf(serv, sizeof(serv), "%u", port);
	if (!(fmt & VIPADM_FMT_NUMERIC)) {
		struct sockaddr_storage ss;
		socklen_t sl;
		struct servent *se;

		memset(&ss, 0, sizeof(ss));
		if (af == AF_INET6) {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

			s6->sin6_family = AF_INET6;
			memcpy(&s6->sin6_addr, addr, 16);
			sl = sizeof(*s6);
		} else {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

			s4->sin_family = AF_INET;
			memcpy(&s4->sin_addr, addr, 4);
			sl = sizeof(*s4);
		}
		(void)getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), NULL, 0, 0);
		if (port != 0 && (proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
		    (se = getservbyport(htons(port), proto == IPPROTO_TCP ? "tcp" : "udp")) != NULL)
			snprintf(serv, sizeof(serv), "%s", se->s_name);
	}
	if (af == AF_INET6)
		snprintf(buf, len, "[%s]:%s", host, serv);
	else
		snprintf(buf, len, "%s:%s", host, serv);
}

void
vipadm_sched_flags(const char *sched, uint32_t flags, char *buf, size_t len)
{
	static const uint32_t bits[] = { IP_VS_SVC_F_SCHED1, IP_VS_SVC_F_SCHED2, IP_VS_SVC_F_SCHED3 };
	bool sh = strcmp(sched, "sh") == 0, mh = strcmp(sched, "mh") == 0;
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < 3; i++) {
		char name[16];

		if (!(flags & bits[i]))
			continue;
		if ((sh || mh) && i < 2)
			snprintf(name, sizeof(name), "%s-%s", sched, i == 0 ? "fallback" : "port");
		else
			snprintf(name, sizeof(name), "flag-%d", i + 1);
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "," : "", name);
	}
}

void
vipadm_list_version(FILE *f, const struct ipvs_info *info)
{
	fprintf(f, "IP Virtual Server version %u.%u.%u (size=%u)\n", (info->version >> 16) & 0xff,
		(info->version >> 8) & 0xff, info->version & 0xff, info->conn_tab_size);
}

void
vipadm_list_title(FILE *f, unsigned fmt)
{
	const char *dest = "  -> RemoteAddress:Port\n";

	if (fmt & VIPADM_FMT_STATS)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n%s", "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts",
			"InBytes", "OutBytes", dest);
	else if (fmt & VIPADM_FMT_RATE)
		fprintf(f, "%-33s %8s %8s %8s %8s %8s\n%s", "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS",
			"InBPS", "OutBPS", dest);
	else if (fmt & VIPADM_FMT_THRESHOLDS)
		fprintf(f, "%-33s %-10s %-10s %-10s %-10s\n%s", "Prot LocalAddress:Port", "Uthreshold", "Lthreshold",
			"ActiveConn", "InActConn", dest);
	else if (fmt & VIPADM_FMT_PERSISTENTCONN)
		fprintf(f, "%-33s %-9s %-11s %-10s %-10s\n%s", "Prot LocalAddress:Port", "Weight", "PersistConn",
			"ActiveConn", "InActConn", dest);
	else if (fmt & VIPADM_FMT_TUN_INFO)
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n"
			"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
	else if (!(fmt & VIPADM_FMT_RULE))
		fprintf(f, "Prot LocalAddress:Port Scheduler Flags\n"
			"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
}

/* Counters: exact, or shortened with K/M/G/T past 8 digits, always right-aligned in 9 columns. */
static void
largenum(FILE *f, uint64_t v, unsigned fmt)
{
	if (fmt & VIPADM_FMT_EXACT) {
		char tmp[32];
		int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);

		fprintf(f, "%*s", n <= 8 ? 9 : n + 1, tmp);
	} else if (v < 100000000ULL) {
		fprintf(f, "%9llu", (unsigned long long)v);
	} else if (v < 1000000000ULL) {
		fprintf(f, "%8lluK", (unsigned long long)(v / 1000));
	} else if (v < 100000000000ULL) {
		fprintf(f, "%8lluM", (unsigned long long)(v / 1000000));
	} else if (v < 100000000000000ULL) {
		fprintf(f, "%8lluG", (unsigned long long)(v / 1000000000ULL));
	} else {
		fprintf(f, "%8lluT", (unsigned long long)(v / 1000000000000ULL));
	}
}

static const char *
fwd_name(uint32_t fwd)
{
	switch (fwd & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "Masq";
	case IP_VS_CONN_F_LOCALNODE: return "Local";
	case IP_VS_CONN_F_TUNNEL: return "Tunnel";
	case IP_VS_CONN_F_DROUTE: return "Route";
	default: return "?";
	}
}

static const char *
fwd_switch(uint32_t fwd)
{
	switch (fwd & IP_VS_CONN_F_FWD_MASK) {
	case IP_VS_CONN_F_MASQ: return "-m";
	case IP_VS_CONN_F_TUNNEL: return "-i";
	default: return "-g";
	}
}

static const char *
tun_type_name(uint8_t t)
{
	return t == IP_VS_CONN_F_TUNNEL_TYPE_IPIP ? "ipip" : t == IP_VS_CONN_F_TUNNEL_TYPE_GUE ? "gue" :
	       t == IP_VS_CONN_F_TUNNEL_TYPE_GRE ? "gre" : "?";
}

static const char *
tun_csum_short(uint16_t flags)
{
	return flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? "r+c" : flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? "+c" : "-c";
}

static const char *
tun_csum_opt(uint16_t flags)
{
	return flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? "--tun-remcsum" :
	       flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? "--tun-csum" : "--tun-nocsum";
}

static void
tun_info(const struct ipvs_dest *d, char *buf, size_t len)
{
	if ((d->fwd & IP_VS_CONN_F_FWD_MASK) != IP_VS_CONN_F_TUNNEL)
		snprintf(buf, len, "n/a");
	else if (d->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
		snprintf(buf, len, "gue:%u:%s", d->tun_port, tun_csum_short(d->tun_flags));
	else if (d->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GRE)
		snprintf(buf, len, "gre:%s", tun_csum_short(d->tun_flags));
	else
		snprintf(buf, len, "%s", tun_type_name(d->tun_type));
}

static void
print_svc_line(FILE *f, const struct ipvs_svc *s, const char *name, unsigned fmt)
{
	char flags[64];

	vipadm_sched_flags(s->sched, s->flags, flags, sizeof(flags));
	if (fmt & VIPADM_FMT_RULE) {
		fprintf(f, "-A %s -s %s", name, s->sched);
		if (s->flags & IP_VS_SVC_F_PERSISTENT) {
			fprintf(f, " -p %u", s->timeout);
			if (s->af == AF_INET && s->netmask != 0xffffffffu) {
				char m[INET_ADDRSTRLEN];

				inet_ntop(AF_INET, &s->netmask, m, sizeof(m));
				fprintf(f, " -M %s", m);
			} else if (s->af == AF_INET6 && s->netmask != 128) {
				fprintf(f, " -M %u", s->netmask);
			}
		}
		if (s->pe[0])
			fprintf(f, " --pe %s", s->pe);
		if (s->flags & IP_VS_SVC_F_ONEPACKET)
			fprintf(f, " -o");
		if (flags[0])
			fprintf(f, " -b %s", flags);
	} else if (fmt & (VIPADM_FMT_STATS | VIPADM_FMT_RATE)) {
		const struct ipvs_stats *st = &s->stats;
		bool stats = fmt & VIPADM_FMT_STATS;

		fprintf(f, "%-33s", name);
		largenum(f, stats ? st->conns : st->cps, fmt);
		largenum(f, stats ? st->inpkts : st->inpps, fmt);
		largenum(f, stats ? st->outpkts : st->outpps, fmt);
		largenum(f, stats ? st->inbytes : st->inbps, fmt);
		largenum(f, stats ? st->outbytes : st->outbps, fmt);
	} else {
		fprintf(f, "%s %s", name, s->sched);
		if (flags[0])
			fprintf(f, " (%s)", flags);
		if (s->flags & IP_VS_SVC_F_PERSISTENT) {
			fprintf(f, " persistent %u", s->timeout);
			if (s->af == AF_INET && s->netmask != 0xffffffffu) {
				char m[INET_ADDRSTRLEN];

				inet_ntop(AF_INET, &s->netmask, m, sizeof(m));
				fprintf(f, " mask %s", m);
			} else if (s->af == AF_INET6 && s->netmask != 128) {
				fprintf(f, " mask %u", s->netmask);
			}
		}
		if (s->pe[0])
			fprintf(f, " pe %s", s->pe);
		if (s->flags & IP_VS_SVC_F_ONEPACKET)
			fprintf(f, " ops");
	}
	fputc('\n', f);
}

static void
print_dest_line(FILE *f, const struct ipvs_svc *s, const char *svc_name, const struct ipvs_dest *d, unsigned fmt)
{
	char dname[NI_MAXHOST + 40];

	addrport_name(d->af, d->addr, d->port, s->protocol, fmt, dname, sizeof(dname));
	/* ipvsadm cuts IPv4 names to the column; IPv6 ones overflow it */
	if (!(fmt & VIPADM_FMT_RULE) && s->af != AF_INET6)
		dname[28] = '\0';
	if (fmt & VIPADM_FMT_RULE) {
		fprintf(f, "-a %s -r %s %s -w %d", svc_name, dname, fwd_switch(d->fwd), d->weight);
		if ((d->fwd & IP_VS_CONN_F_FWD_MASK) == IP_VS_CONN_F_TUNNEL) {
			fprintf(f, " --tun-type %s", tun_type_name(d->tun_type));
			if (d->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GUE)
				fprintf(f, " --tun-port %u %s", d->tun_port, tun_csum_opt(d->tun_flags));
			else if (d->tun_type == IP_VS_CONN_F_TUNNEL_TYPE_GRE)
				fprintf(f, " %s", tun_csum_opt(d->tun_flags));
		}
		fputc('\n', f);
	} else if (fmt & VIPADM_FMT_STATS) {
		fprintf(f, "  -> %-28s", dname);
		largenum(f, d->stats.conns, fmt);
		largenum(f, d->stats.inpkts, fmt);
		largenum(f, d->stats.outpkts, fmt);
		largenum(f, d->stats.inbytes, fmt);
		largenum(f, d->stats.outbytes, fmt);
		fputc('\n', f);
	} else if (fmt & VIPADM_FMT_RATE) {
		fprintf(f, "  -> %-28s %8llu %8llu %8llu", dname, (unsigned long long)d->stats.cps,
			(unsigned long long)d->stats.inpps, (unsigned long long)d->stats.outpps);
		largenum(f, d->stats.inbps, fmt);
		largenum(f, d->stats.outbps, fmt);
		fputc('\n', f);
	} else if (fmt & VIPADM_FMT_THRESHOLDS) {
		fprintf(f, "  -> %-28s %-10u %-10u %-10u %-10u\n", dname, d->u_thresh, d->l_thresh, d->active,
			d->inactive);
	} else if (fmt & VIPADM_FMT_PERSISTENTCONN) {
		fprintf(f, "  -> %-28s %-9d %-11u %-10u %-10u\n", dname, d->weight, d->persistent, d->active,
			d->inactive);
	} else if (fmt & VIPADM_FMT_TUN_INFO) {
		char ti[32];

		tun_info(d, ti, sizeof(ti));
		fprintf(f, "  -> %-28s %-7s %-13s %-6d %-10u %-10u\n", dname, fwd_name(d->fwd), ti, d->weight,
			d->active, d->inactive);
	} else {
		fprintf(f, "  -> %-28s %-7s %-6d %-10u %-10u\n", dname, fwd_name(d->fwd), d->weight, d->active,
			d->inactive);
	}
}

void
vipadm_list_service(FILE *f, const struct ipvs_svc_entry *e, unsigned fmt)
{
	const struct ipvs_svc *s = &e->svc;
	char name[NI_MAXHOST + 64];

	if (s->fwmark) {
		if (fmt & VIPADM_FMT_RULE)
			snprintf(name, sizeof(name), "-f %u%s", s->fwmark, s->af == AF_INET6 ? " -6" : "");
		else
			snprintf(name, sizeof(name), "FWM  %u%s", s->fwmark, s->af == AF_INET6 ? " IPv6" : "");
	} else {
		char v[NI_MAXHOST + 40];

		addrport_name(s->af, s->addr, s->port, s->protocol, fmt, v, sizeof(v));
		if (fmt & VIPADM_FMT_RULE) {
			snprintf(name, sizeof(name), "%s %s", proto_switch(s->protocol), v);
		} else {
			snprintf(name, sizeof(name), "%-4s %s", proto_upper(s->protocol), v);
			if (s->af != AF_INET6)
				name[33] = '\0';
		}
	}
	print_svc_line(f, s, name, fmt);
	for (size_t i = 0; i < e->ndests; i++)
		print_dest_line(f, s, name, &e->dests[i], fmt);
}

void
vipadm_list_timeouts(FILE *f, const struct ipvs_timeouts *t)
{
	fprintf(f, "Timeout (tcp tcpfin udp): %u %u %u\n", t->tcp, t->tcpfin, t->udp);
}

void
vipadm_list_daemons(FILE *f, const struct ipvs_daemon *d, int n)
{
	for (int i = 0; i < n; i++) {
		char group[INET6_ADDRSTRLEN] = "224.0.0.81";

		if (d[i].group_af)
			inet_ntop(d[i].group_af, d[i].group, group, sizeof(group));
		fprintf(f, "%s sync daemon (mcast=%s, syncid=%u, maxlen=%u, group=%s, port=%u, ttl=%u)\n",
			d[i].state == IP_VS_STATE_MASTER ? "master" : "backup", d[i].ifname, d[i].syncid, d[i].maxlen,
			group, d[i].port, d[i].ttl);
	}
}

static void
conn_addr(const char *text, uint16_t *af, uint8_t *addr)
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET6, text, addr) == 1) {
		*af = AF_INET6;
	} else if (inet_pton(AF_INET, text, addr) == 1) {
		*af = AF_INET;
	} else {
		uint32_t v = htonl((uint32_t)strtoul(text, NULL, 16));

		*af = AF_INET;
		memcpy(addr, &v, 4);
	}
}

static void
print_conn(FILE *f, const char *line, unsigned fmt)
{
	char proto[8], c[64], v[64], d[64], state[16], pe_name[32], pe_data[256];
	unsigned cport, vport, dport, expires;
	uint16_t caf, vaf, daf, pnum;
	uint8_t ca[16], va[16], da[16];
	char cn[NI_MAXHOST + 40], vn[NI_MAXHOST + 40], dn[NI_MAXHOST + 40], exp[16];
	int n = sscanf(line, "%7s %63s %x %63s %x %63s %x %15s %u %31s %255s", proto, c, &cport, v, &vport, d,
		       &dport, state, &expires, pe_name, pe_data);

	if (n < 9)
		return;
	pnum = strcmp(proto, "TCP") == 0 ? IPPROTO_TCP : strcmp(proto, "UDP") == 0 ? IPPROTO_UDP : 0;
	conn_addr(c, &caf, ca);
	conn_addr(v, &vaf, va);
	conn_addr(d, &daf, da);
	addrport_name(caf, ca, (uint16_t)cport, pnum, fmt, cn, sizeof(cn));
	addrport_name(vaf, va, (uint16_t)vport, pnum, fmt, vn, sizeof(vn));
	addrport_name(daf, da, (uint16_t)dport, pnum, fmt, dn, sizeof(dn));
	snprintf(exp, sizeof(exp), "%02u:%02u", expires / 60, expires % 60);
	if ((fmt & VIPADM_FMT_PERSISTENTCONN) && n == 11)
		fprintf(f, "%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n", proto, exp, state, cn, vn, dn, pe_name,
			pe_data);
	else
		fprintf(f, "%-3s %-6s %-11s %-18s %-18s %s\n", proto, exp, state, cn, vn, dn);
}

void
vipadm_list_conns(FILE *f, FILE *proc, unsigned fmt)
{
	char line[512];

	if (fgets(line, sizeof(line), proc) == NULL)
		return;
	fprintf(f, "IPVS connection entries\n");
	if (fmt & VIPADM_FMT_PERSISTENTCONN)
		fprintf(f, "pro expire %-11s %-18s %-18s %-18s %-16s %s\n", "state", "source", "virtual", "destination",
			"pe name", "pe_data");
	else
		fprintf(f, "pro expire %-11s %-18s %-18s %s\n", "state", "source", "virtual", "destination");
	while (fgets(line, sizeof(line), proc) != NULL)
		print_conn(f, line, fmt);
}
