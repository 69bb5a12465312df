/* DNS messages for DNS_CHECK: a query built and a reply judged, as pure functions over buffers. */
#ifndef VIPD_CHECK_DNS_MSG_H
#define VIPD_CHECK_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

/* A query for name (dotted, "." is the root) and type, recursion desired. Length, or -1. */
int dns_build_query(uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t type);
/* A reply to that query: 1 good (NOERROR with an answer of the type), 0 bad (*why says why),
 * -1 not a reply to it (wrong id or question: keep waiting). */
int dns_check_reply(const uint8_t *buf, size_t len, uint16_t id, const char *name, uint16_t type, const char **why);
/* "A", "SOA" ... for messages. */
const char *dns_type_name(uint16_t type);

#endif
