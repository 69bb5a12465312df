/*
 * Script security at load time, as keepalived 2.2.7 applies it once it has read its file (seen by running
 * `keepalived -t` on small files, see test/integration/verdicts/script-*.conf):
 *
 * - who runs a script without a user of its own: script_user, else the user keepalived_script when it
 *   exists, else root. With enable_script_security and neither, keepalived does not run it at all (a
 *   recovered error);
 * - a vrrp_script whose user does not exist, whose program cannot be found, or (with
 *   enable_script_security) that would run as root from a path another user can change, is removed and
 *   its tracking lines with it (recovered; a program that is not executable is removed silently); a notify
 *   script in that state is not run, without an error (vipd keeps it: run, it fails the same way);
 * - without enable_script_security, any script whose program exists (`</path` tests excepted: they only
 *   open a file) makes `keepalived -t` exit 6 ("scripts are being executed but script_security not
 *   enabled"), whatever else it reports. The vrrp scripts count only when there is a vrrp_instance, the
 *   checker scripts only when there is a virtual_server, as keepalived checks each child's own.
 *
 * cfg_diag.security records that last verdict; vipd -t exits 6 on it (vipd runs such a file, as keepalived
 * does, and warns at each start).
 */
#include "core/conf.h"

#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/script.h"

#define DEFAULT_USER "keepalived_script"
#define SEARCH_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum sc_state {
	SC_NOT_SCRIPT,		/* "</file": keepalived only opens the file */
	SC_MISSING,		/* no such program (a shell builtin such as `exit 0` is none) */
	SC_NOT_EXEC,		/* there, but not executable by its user */
	SC_OK,			/* there and executable */
	SC_INSECURE,		/* there, run as root, and a user other than root could change it */
};

/* "USER [GROUP]" to ids. 0, or -1 when either does not exist. */
static int
user_ids(const char *spec, uid_t *uid, gid_t *gid)
{
	char user[CFG_NOTIFY_USER_MAX], *group;
	struct passwd *pw;
	struct group *gr;

	snprintf(user, sizeof(user), "%s", spec);
	group = strpbrk(user, " \t");
	if (group != NULL) {
		*group++ = '\0';
		group += strspn(group, " \t");
	}
	if ((pw = getpwnam(user)) == NULL)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group != NULL && *group != '\0') {
		if ((gr = getgrnam(group)) == NULL)
			return -1;
		*gid = gr->gr_gid;
	}
	return 0;
}

static bool
executable_by(const struct stat *st, uid_t uid, gid_t gid)
{
	if (uid == 0)
		return (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
	if (uid == st->st_uid)
		return (st->st_mode & S_IXUSR) != 0;
	if (gid == st->st_gid)
		return (st->st_mode & S_IXGRP) != 0;
	return (st->st_mode & S_IXOTH) != 0;
}

/* What keepalived makes of a command run by uid:gid: its first word, looked up in PATH without a slash. */
static enum sc_state
classify(const char *cmd, uid_t uid, gid_t gid)
{
	char word[PATH_MAX], path[PATH_MAX], why[256];
	const char *p;
	struct stat st;
	size_t n;

	/* a command vipd keeps quoted for the shell ('killall -0 haproxy') is the same program to keepalived */
	cmd += strspn(cmd, " \t'\"");
	if (cmd[0] == '<' && cmd[1 + strspn(cmd + 1, " \t")] == '/')
		return SC_NOT_SCRIPT;
	n = strcspn(cmd, " \t'\"");
	if (n == 0 || n >= sizeof(word))
		return SC_MISSING;
	memcpy(word, cmd, n);
	word[n] = '\0';
	if (strchr(word, '/') != NULL) {
		if (stat(word, &st) == -1)
			return SC_MISSING;
		snprintf(path, sizeof(path), "%s", word);
	} else {
		/* the first regular file of that name its user may execute */
		p = getenv("PATH");
		if (p == NULL || *p == '\0')
			p = SEARCH_PATH;
		for (;;) {
			size_t len = strcspn(p, ":");

			if (snprintf(path, sizeof(path), "%.*s/%s", (int)len, p, word) < (int)sizeof(path) &&
			    stat(path, &st) == 0 && S_ISREG(st.st_mode) && executable_by(&st, uid, gid))
				break;
			if (p[len] == '\0')
				return SC_MISSING;
			p += len + 1;
		}
	}
	if (!executable_by(&st, uid, gid))
		return SC_NOT_EXEC;
	/* keepalived checks the path only of what runs as root, or setuid/setgid root */
	if (uid != 0 && gid != 0 && !(st.st_uid == 0 && (st.st_mode & S_ISUID) && (st.st_mode & S_IXUSR)) &&
	    !(st.st_gid == 0 && (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP)))
		return SC_OK;
	return script_untrusted(path, why, sizeof(why)) ? SC_INSECURE : SC_OK;
}

struct scan {
	struct cfg_ctx *ctx;
	const char *default_user;	/* NULL: none (enable_script_security without one: not run) */
	bool found;			/* a script whose program exists */
};

/*
 * One script of a kind and its own user ("" = the default). Returns its state; SC_MISSING also when its
 * user does not exist or there is no default user to run it (the caller reports what keepalived does).
 */
static enum sc_state
scan_one(struct scan *s, const char *cmd, const char *own_user, bool *no_user)
{
	const char *user = own_user[0] != '\0' ? own_user : s->default_user;
	uid_t uid = 0;
	gid_t gid = 0;
	enum sc_state st;

	*no_user = false;
	if (cmd[0] == '\0')
		return SC_NOT_SCRIPT;
	if (user == NULL || (user[0] != '\0' && user_ids(user, &uid, &gid) == -1)) {
		*no_user = true;
		return SC_MISSING;
	}
	st = classify(cmd, uid, gid);
	if (st >= SC_NOT_EXEC)
		s->found = true;
	return st;
}

/*
 * A notify-like script: keepalived does not run one whose user does not exist, whose program is missing or
 * not executable, or (enable_script_security) that is insecure. vipd's runner gets the same result at run
 * time (its user is refused, the shell finds no program, lib/script.c refuses an insecure root script), so
 * the script stays and only the missing default user is reported, as keepalived reports it.
 */
static void
scan_notify(struct scan *s, struct cfg_pos pos, const char *what, const char *cmd, const char *user)
{
	bool no_user;
	enum sc_state st = scan_one(s, cmd, user, &no_user);

	if (st == SC_MISSING && no_user && user[0] == '\0')
		cfg_recovered(s->ctx->diag, pos, "%s %s: no script_user and no user " DEFAULT_USER
			      " (enable_script_security): keepalived does not run it; vipd runs it as root", what, cmd);
}

static void
scan_text(struct scan *s, struct cfg_pos pos, const char *what, struct cfg_text t, struct cfg_text user)
{
	struct config *conf = s->ctx->conf;

	scan_notify(s, pos, what, config_text(conf, t), config_text(conf, user));
}

static void
drop_track(struct cfg_vrrp_track *list, uint32_t *n, const char *name)
{
	uint32_t kept = 0;

	for (uint32_t i = 0; i < *n; i++)
		if (strcmp(list[i].name, name) != 0)
			list[kept++] = list[i];
	*n = kept;
}

/* Removes vrrp_script i and, silently (as keepalived), the lines that track it. */
static void
remove_vrrp_script(struct config *conf, size_t i)
{
	struct cfg_vrrp_script *sc = config_get(conf, CFG_VRRP_SCRIPT, i);
	struct cfg_vrrp_instance *vi;
	struct cfg_vrrp_sync_group *g;
	char name[CFG_NAME_MAX];

	snprintf(name, sizeof(name), "%s", sc->name);
	config_remove(conf, CFG_VRRP_SCRIPT, i);
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi)
		drop_track(vi->track_script, &vi->ntrack_script, name);
	CONFIG_FOREACH(conf, CFG_VRRP_SYNC_GROUP, struct cfg_vrrp_sync_group, g)
		drop_track(g->track_script, &g->ntrack_script, name);
}

/*
 * keepalived checks the vrrp child's scripts once its instances are complete: not when it has none, nor
 * when an instance names an interface that does not exist without dynamic_interfaces (it stops there).
 */
static bool
vrrp_scripts_checked(const struct config *conf)
{
	const struct cfg_vrrp_instance *vi;

	if (conf->count[CFG_VRRP_INSTANCE] == 0)
		return false;
	if (conf->global->dynamic_interfaces)
		return true;
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, const struct cfg_vrrp_instance, vi)
		if (if_nametoindex(vi->interface) == 0)
			return false;
	return true;
}

static const char *
default_user(struct config *conf)
{
	struct cfg_global *g = conf->global;

	if (g->script_user[0] != '\0')
		return g->script_user;
	if (getpwnam(DEFAULT_USER) != NULL) {
		snprintf(g->script_user, sizeof(g->script_user), "%s", DEFAULT_USER);
		return g->script_user;
	}
	return g->enable_script_security ? NULL : "";
}

void
conf_scripts_users(struct cfg_ctx *ctx)
{
	struct config *conf = ctx->conf;
	struct scan s = { .ctx = ctx, .default_user = default_user(conf) };
	size_t i = 0;

	/* keepalived drops these while reading: its "track script not found" then follows, as here */
	while (i < conf->count[CFG_VRRP_SCRIPT]) {
		struct cfg_vrrp_script *sc = config_get(conf, CFG_VRRP_SCRIPT, i);
		const char *user = sc->user[0] != '\0' ? sc->user : s.default_user;
		uid_t uid;
		gid_t gid;

		if (user != NULL && (user[0] == '\0' || user_ids(user, &uid, &gid) == 0)) {
			i++;
			continue;
		}
		if (user == NULL)
			cfg_recovered(ctx->diag, sc->hdr.pos, "vrrp_script %s: no script_user and no user " DEFAULT_USER
				      " (enable_script_security); removed, as keepalived does", sc->name);
		else
			cfg_recovered(ctx->diag, sc->hdr.pos, "vrrp_script %s: user '%s' does not exist; removed, "
				      "as keepalived does", sc->name, user);
		config_remove(conf, CFG_VRRP_SCRIPT, i);
	}
}

#define NOTIFY(obj, f) scan_notify(&s, (obj)->hdr.pos, #f, (obj)->f, (obj)->f##_user)
void
conf_scripts_check(struct cfg_ctx *ctx)
{
	struct config *conf = ctx->conf;
	struct cfg_global *g = conf->global;
	struct scan s = { .ctx = ctx, .default_user = default_user(conf) };
	struct cfg_vrrp_instance *vi;
	struct cfg_vrrp_sync_group *sg;
	struct cfg_virtual_server *vs;
	struct cfg_real_server *rs;
	struct cfg_checker *ck;
	bool no_user, found;
	size_t i = 0;

	/* startup_script and shutdown_script: the parent's, always checked */
	if (g->startup_script[0] != '\0')
		scan_one(&s, g->startup_script, "", &no_user);
	if (g->shutdown_script[0] != '\0')
		scan_one(&s, g->shutdown_script, "", &no_user);
	found = s.found;

	s.found = false;
	while (vrrp_scripts_checked(conf) && i < conf->count[CFG_VRRP_SCRIPT]) {
		struct cfg_vrrp_script *sc = config_get(conf, CFG_VRRP_SCRIPT, i);
		enum sc_state st = scan_one(&s, sc->script, sc->user, &no_user);

		if (st == SC_MISSING)
			cfg_recovered(ctx->diag, sc->hdr.pos, "vrrp_script %s: '%s' not found; removed, as keepalived "
				      "does", sc->name, sc->script);
		else if (st == SC_INSECURE && g->enable_script_security)
			cfg_recovered(ctx->diag, sc->hdr.pos, "vrrp_script %s: '%s' could be changed by a user other "
				      "than root and would run as root (enable_script_security); removed, as keepalived "
				      "does", sc->name, sc->script);
		else if (st == SC_NOT_EXEC)
			cfg_warning(ctx->diag, sc->hdr.pos, "vrrp_script %s: '%s' is not executable; removed, as "
				    "keepalived does", sc->name, sc->script);
		else {
			i++;
			continue;
		}
		remove_vrrp_script(conf, i);
	}
	CONFIG_FOREACH(conf, CFG_VRRP_INSTANCE, struct cfg_vrrp_instance, vi) {
		NOTIFY(vi, notify_master);
		NOTIFY(vi, notify_backup);
		NOTIFY(vi, notify_fault);
		NOTIFY(vi, notify_stop);
		NOTIFY(vi, notify);
		NOTIFY(vi, notify_master_rx_lower_pri);
		scan_notify(&s, vi->hdr.pos, "notify_deleted", vi->notify_deleted_cmd, vi->notify_deleted_user);
	}
	CONFIG_FOREACH(conf, CFG_VRRP_SYNC_GROUP, struct cfg_vrrp_sync_group, sg) {
		NOTIFY(sg, notify_master);
		NOTIFY(sg, notify_backup);
		NOTIFY(sg, notify_fault);
		NOTIFY(sg, notify_stop);
		NOTIFY(sg, notify);
	}
	found |= s.found && vrrp_scripts_checked(conf);

	s.found = false;
	CONFIG_FOREACH(conf, CFG_VIRTUAL_SERVER, struct cfg_virtual_server, vs) {
		scan_text(&s, vs->hdr.pos, "quorum_up", vs->quorum_up, vs->quorum_up_user);
		scan_text(&s, vs->hdr.pos, "quorum_down", vs->quorum_down, vs->quorum_down_user);
	}
	CONFIG_FOREACH(conf, CFG_REAL_SERVER, struct cfg_real_server, rs) {
		scan_text(&s, rs->hdr.pos, "notify_up", rs->notify_up, rs->notify_up_user);
		scan_text(&s, rs->hdr.pos, "notify_down", rs->notify_down, rs->notify_down_user);
	}
	/* a MISC_CHECK keepalived would not run stays: its script is refused when it runs (lib/script.c) */
	CONFIG_FOREACH(conf, CFG_CHECKER, struct cfg_checker, ck) {
		if (ck->type == CHECK_MISC &&
		    scan_one(&s, config_text(conf, ck->misc_path), ck->user, &no_user) == SC_MISSING && no_user &&
		    ck->user[0] == '\0')
			cfg_recovered(ctx->diag, ck->hdr.pos, "MISC_CHECK %s: no script_user and no user " DEFAULT_USER
				      " (enable_script_security): keepalived removes this checker; vipd keeps it and "
				      "runs the script as root", config_text(conf, ck->misc_path));
	}
	found |= s.found && conf->count[CFG_VIRTUAL_SERVER] > 0;

	/* vipd -t says so (core/main.c); not a warning, which the daemon would repeat at each load */
	ctx->diag->security = found && !g->enable_script_security;
}
