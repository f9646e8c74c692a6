/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registration policy (policy.h): a service_contexts file read once at
 * start, and the check that an endpoint lies in the socket directory.
 *
 * Why both: a name is only as good as the endpoint behind it. The policy
 * says who may claim "AVBuffer"; the directory check keeps even an allowed
 * registrant from sending clients to a socket outside the directory whose
 * permissions guard every service.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <avbuffer/servicemanager.h>

#include "policy.h"

#define MAX_IDS    16
#define MAX_GROUPS 64

struct rule {
        char *pattern; /* without the trailing '*' of a prefix rule */
        bool prefix;
        uid_t uids[MAX_IDS];
        size_t n_uids;
        gid_t gids[MAX_IDS];
        size_t n_gids;
};

struct avb_sm_policy {
        struct rule *rules;
        size_t n_rules;
};

avb_sm_policy *avb_sm_policy_free(avb_sm_policy *p)
{
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_rules; i++)
                free(p->rules[i].pattern);
        free(p->rules);
        free(p);
        return NULL;
}

static struct rule *add_rule(avb_sm_policy *p, const char *pattern, bool prefix)
{
        struct rule *v = realloc(p->rules, (p->n_rules + 1) * sizeof(*v));

        if (!v)
                return NULL;
        p->rules = v;
        v = &p->rules[p->n_rules];
        memset(v, 0, sizeof(*v));
        v->prefix = prefix;
        v->pattern = strdup(pattern);
        if (!v->pattern)
                return NULL;
        p->n_rules++;
        return v;
}

int avb_sm_policy_only_uid(uid_t uid, avb_sm_policy **ret)
{
        avb_sm_policy *p = calloc(1, sizeof(*p));
        struct rule *r = p ? add_rule(p, "", true) : NULL;

        if (!r) {
                avb_sm_policy_free(p);
                return -ENOMEM;
        }
        r->uids[r->n_uids++] = uid;
        *ret = p;
        return 0;
}

/* ---- loading ------------------------------------------------------------- */

struct parse {
        const char *path;
        unsigned line;
        char *err;
        size_t err_len;
};

static int bad(struct parse *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct parse *ps, const char *fmt, ...)
{
        char why[256];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
        snprintf(ps->err, ps->err_len, "%s:%u: %s", ps->path, ps->line, why);
        return -EINVAL;
}

/* A number, else a user or group name from the system's databases. */
static bool resolve(const char *s, bool group, uint32_t *ret)
{
        char *end;
        unsigned long v;

        errno = 0;
        v = strtoul(s, &end, 10);
        if (*s >= '0' && *s <= '9' && !errno && !*end && v <= UINT32_MAX) {
                *ret = (uint32_t)v;
                return true;
        }
        if (group) {
                struct group *g = getgrnam(s);
                if (g)
                        *ret = g->gr_gid;
                return g != NULL;
        }
        struct passwd *pw = getpwnam(s);
        if (pw)
                *ret = pw->pw_uid;
        return pw != NULL;
}

static bool pattern_ok(const char *s)
{
        size_t n = strlen(s);

        for (size_t i = 0; i < n; i++) {
                char ch = s[i];
                bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                             (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' ||
                             ch == '/';

                if (!plain && !(ch == '*' && i == n - 1))
                        return false;
        }
        return n > 0;
}

/* "user:X" / "group:X" into r; "none" leaves r empty. */
static int parse_who(struct parse *ps, struct rule *r, const char *tok, bool *saw_none)
{
        bool group = strncmp(tok, "group:", 6) == 0;
        uint32_t id;

        if (!strcmp(tok, "none")) {
                *saw_none = true;
                return 0;
        }
        if (!group && strncmp(tok, "user:", 5) != 0)
                return bad(ps, "'%s': expected user:NAME, group:NAME or none", tok);
        tok += group ? 6 : 5;
        if (!*tok || !resolve(tok, group, &id))
                return bad(ps, "no %s named '%s'", group ? "group" : "user", tok);
        if ((group ? r->n_gids : r->n_uids) == MAX_IDS)
                return bad(ps, "more than %d %ss in one rule", MAX_IDS, group ? "group" : "user");
        if (group)
                r->gids[r->n_gids++] = id;
        else
                r->uids[r->n_uids++] = id;
        return 0;
}

static int parse_line(struct parse *ps, avb_sm_policy *p, char *line)
{
        char *save = NULL, *tok, *hash = strchr(line, '#');
        bool prefix, none = false;
        struct rule *r;
        size_t n;

        if (hash)
                *hash = '\0';
        tok = strtok_r(line, " \t\r\n", &save);
        if (!tok)
                return 0; /* blank or comment */
        if (!pattern_ok(tok))
                return bad(ps, "'%s' is not a service name or a NAME* pattern", tok);
        n = strlen(tok);
        prefix = tok[n - 1] == '*';
        if (prefix)
                tok[n - 1] = '\0';
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].prefix == prefix && !strcmp(p->rules[i].pattern, tok))
                        return bad(ps, "a second rule for '%s%s'", tok, prefix ? "*" : "");
        r = add_rule(p, tok, prefix);
        if (!r)
                return -ENOMEM;
        while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
                int e = parse_who(ps, r, tok, &none);
                if (e < 0)
                        return e;
        }
        if (none == (r->n_uids + r->n_gids > 0))
                return bad(ps, "a rule needs user:/group: entries or the word none alone");
        return 0;
}

int avb_sm_policy_load(const char *path, avb_sm_policy **ret, char *err, size_t err_len)
{
        struct parse ps = {.path = path, .err = err, .err_len = err_len};
        avb_sm_policy *p;
        char *line = NULL;
        size_t cap = 0;
        FILE *f;
        int e = 0;

        if (err_len)
                err[0] = '\0';
        f = fopen(path, "re");
        if (!f) {
                e = -errno;
                snprintf(err, err_len, "%s: %s", path, strerror(-e));
                return e;
        }
        p = calloc(1, sizeof(*p));
        if (!p)
                e = -ENOMEM;
        while (e == 0 && getline(&line, &cap, f) >= 0) {
                ps.line++;
                e = parse_line(&ps, p, line);
        }
        if (e == 0 && ferror(f))
                e = -EIO;
        free(line);
        fclose(f);
        if (e < 0) {
                if (err_len && !err[0])
                        snprintf(err, err_len, "%s: %s", path, strerror(-e));
                avb_sm_policy_free(p);
                return e;
        }
        *ret = p;
        return 0;
}

/* ---- checking ------------------------------------------------------------ */

static const struct rule *rule_for(const avb_sm_policy *p, const char *name)
{
        const struct rule *best = NULL;

        for (size_t i = 0; i < p->n_rules; i++) {
                const struct rule *r = &p->rules[i];

                if (!r->prefix && !strcmp(r->pattern, name))
                        return r;
                if (r->prefix && !strncmp(r->pattern, name, strlen(r->pattern)) &&
                    (!best || strlen(r->pattern) > strlen(best->pattern)))
                        best = r;
        }
        return best;
}

static bool has_gid(const struct rule *r, gid_t gid)
{
        for (size_t i = 0; i < r->n_gids; i++)
                if (r->gids[i] == gid)
                        return true;
        return false;
}

bool avb_sm_policy_allows(const avb_sm_policy *p, const char *name, uid_t uid, gid_t gid)
{
        const struct rule *r = rule_for(p, name);
        struct passwd pw, *found = NULL;
        gid_t groups[MAX_GROUPS];
        int n = MAX_GROUPS;
        char buf[1024];

        if (!r)
                return false;
        for (size_t i = 0; i < r->n_uids; i++)
                if (r->uids[i] == uid)
                        return true;
        if (r->n_gids == 0)
                return false;
        if (has_gid(r, gid))
                return true;
        /* The supplementary groups SO_PEERCRED does not carry, from the user database. */
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 || !found ||
            getgrouplist(found->pw_name, gid, groups, &n) < 0)
                return false;
        for (int i = 0; i < n; i++)
                if (has_gid(r, groups[i]))
                        return true;
        return false;
}

/* Copies s without repeated or trailing slashes ("/" stays "/"). */
static void squeeze_slashes(const char *s, size_t len, char *out)
{
        size_t k = 0;

        for (size_t i = 0; i < len; i++)
                if (s[i] != '/' || k == 0 || out[k - 1] != '/')
                        out[k++] = s[i];
        if (k > 1 && out[k - 1] == '/')
                k--;
        out[k] = '\0';
}

int avb_sm_endpoint_check(const char *endpoint, const char *socket_dir)
{
        char *base = NULL, *dir = NULL, *want = NULL;
        const char *path, *name;
        uint32_t object_id;
        struct stat st;
        int e = 0;

        if ((strncmp(endpoint, "ipc://", 6) != 0 && strncmp(endpoint, "unix://", 7) != 0) ||
            avb_endpoint_split(endpoint, &base, &object_id) < 0)
                return -EINVAL;
        path = strstr(base, "://") + 3;
        name = strrchr(path, '/');
        dir = malloc(strlen(path) + 1);
        want = malloc(strlen(socket_dir) + 1);
        if (!dir || !want) {
                e = -ENOMEM;
                goto out;
        }
        if (!name || name == path) {
                e = -EXDEV;
                goto out;
        }
        squeeze_slashes(path, (size_t)(name - path), dir);
        squeeze_slashes(socket_dir, strlen(socket_dir), want);
        name++;
        if (strcmp(dir, want) != 0)
                e = -EXDEV;
        else if (!name[0] || name[0] == '.' ||
                 name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789._-")])
                e = -EINVAL;
        else if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
                e = S_ISLNK(st.st_mode) ? -ELOOP : -ENOTSOCK;
out:
        free(want);
        free(dir);
        free(base);
        return e;
}
