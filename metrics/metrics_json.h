/*
 * A JSON reader for the one document the metrics child reads: the parent's status, megabytes of it with
 * many real servers. One pass over the text into an arena: no allocation per value and no hash table
 * per object (json-c's), so reading and freeing it costs a fraction of json-c's. Objects keep their
 * members in order; a lookup is a scan, which is what small objects want.
 */
#ifndef VIPD_METRICS_JSON_H
#define VIPD_METRICS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mj_type { MJ_NULL, MJ_BOOL, MJ_INT, MJ_DOUBLE, MJ_STRING, MJ_ARRAY, MJ_OBJECT };

struct mj_member;

struct mj {
	enum mj_type type;
	uint32_t n;			/* members of an array or object */
	union {
		bool b;
		int64_t i;
		double d;
		const char *s;		/* NUL-terminated, UTF-8 */
		struct mj_member *m;	/* arrays too (their keys are NULL) */
	} u;
};

struct mj_member {
	const char *key;
	struct mj v;
};

struct mj_doc;

/* Reads text[0..len); NULL if it is not one JSON value (or memory ran out). Nesting deeper than
 * MJ_DEPTH_MAX is refused. */
#define MJ_DEPTH_MAX 64
struct mj_doc *mj_parse(const char *text, size_t len);
const struct mj *mj_root(const struct mj_doc *doc);
void mj_free(struct mj_doc *doc);

/* The member of an object by key (NULL if o is not an object or has none), an array's item. */
const struct mj *mj_get(const struct mj *o, const char *key);
const struct mj *mj_item(const struct mj *a, size_t i);
size_t mj_len(const struct mj *a);	/* 0 unless an array or object */

#endif
