/* project: see project.h. */
#include "model/project.h"

#include "front/util.h"
#include "front/ycheck.h"
#include "model/schema.h"
#include "model/values.h"
#include "model/skill.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* The keys read from the catalog's presets and schemas; the fixed sections that
 * follow them (home_assistant, alexa, budget, alarms) come from schemas/project.yaml. */
static const char *const catalog_keys[] = {"leec",     "preset", "preset_dirs",
                                           "features", "tiers",  "overrides"};
#define NCATALOG_KEYS (sizeof catalog_keys / sizeof catalog_keys[0])

/* The keys of a section or sub-section, from schemas/project.yaml (the catalog
 * checked at load that every path read here exists). false (after an error) when n is
 * not a mapping; an unknown key is reported and clears *ok, and the caller still checks
 * the known keys, so that every independent error is reported. */
static bool check_shape_keys(struct diag *d, const struct catalog *cat, const struct ynode *n,
                             const char *path, const char *what, bool *ok)
{
    const struct shape *sh = catalog_shape(cat, path);
    if (!ycheck_map(d, n, what))
        return false;
    if (!ycheck_keys(d, n, sh->key_names, sh->nkeys, what))
        *ok = false;
    return true;
}

static bool get_bool(struct diag *d, const struct ynode *n, bool *out, const char *what)
{
    if (ynode_bool(n, out))
        return true;
    if (ynode_looks_like_bool(n))
        diag_error(d, &n->loc, "'%s' is not a boolean here: booleans are true or false", n->str);
    else
        diag_error(d, &n->loc, "%s must be true or false, got %s", what, ynode_kind_name(n));
    ynote_alias(d, n);
    return false;
}

static bool string_list(struct diag *d, const struct ynode *n, const char ***out, size_t *count,
                        const char *what)
{
    if (!ycheck_seq(d, n, what))
        return false;
    *out = xcalloc(n->nitems, sizeof **out);
    bool ok = true;
    for (size_t i = 0; i < n->nitems; i++) {
        const char *s = ystring(d, n->items[i], what);
        if (s && !*s) {
            diag_error(d, &n->items[i]->loc, "an empty string in %s: give a name or remove it",
                       what);
            ok = false;
        } else if (s) {
            (*out)[(*count)++] = s;
        } else {
            ok = false;
        }
    }
    /* A name listed twice is a mistake (a skill ID, a feature, an entity). */
    return ycheck_unique(d, n, what) && ok;
}

static bool secret_ref(struct diag *d, const struct ynode *n, struct secret_ref *out,
                       const char *what)
{
    /* A token block also carries its mode, checked by the caller. */
    static const char *const keys[] = {"env", "ssm", "mode"};
    if (n->kind == YN_SCALAR) {
        diag_error(
            d, &n->loc,
            "%s is a secret: give {env: VARIABLE} or {ssm: /parameter/name}, never the value",
            what);
        return false;
    }
    if (!ycheck_map(d, n, what))
        return false;
    bool keys_ok = ycheck_keys(d, n, keys, ymap_get(n, "mode") ? 3 : 2, what);
    const struct ynode *env = ymap_get(n, "env"), *ssm = ymap_get(n, "ssm");
    if ((env != NULL) == (ssm != NULL)) {
        diag_error(d, &n->loc, "%s needs exactly one of 'env' or 'ssm'", what);
        return false;
    }
    const struct ynode *v = env ? env : ssm;
    const char *s = ystring(d, v, env ? "env" : "ssm");
    if (!s)
        return false;
    out->kind = env ? SECRET_ENV : SECRET_SSM;
    out->name = s;
    out->loc = v->loc;
    if (ssm && s[0] != '/') {
        diag_error(d, &v->loc, "SSM parameter names start with '/'");
        return false;
    }
    if (env) {
        for (const char *c = s; *c; c++)
            if (!(*c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= '0' && *c <= '9'))) {
                diag_error(d, &v->loc, "'%s' is not an environment variable name", s);
                return false;
            }
    }
    return keys_ok;
}

/* A dotted-quad IPv4 address in 127.0.0.0/8. */
static bool is_loopback_v4(const char *h, size_t n)
{
    unsigned parts = 0, first = 0;
    size_t i = 0;
    while (i < n && parts < 4) {
        unsigned v = 0, digits = 0;
        while (i < n && h[i] >= '0' && h[i] <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(h[i++] - '0');
            digits++;
        }
        if (!digits || v > 255)
            return false;
        if (parts++ == 0)
            first = v;
        if (i < n && (h[i] != '.' || parts == 4))
            return false;
        if (i < n)
            i++;
        else
            break;
    }
    return parts == 4 && i == n && first == 127;
}

/* The authority of an http(s) URL, checked: exact host (a name, an IPv4 address or an
 * [IPv6] literal), optional port 1..65535, no user info. *loopback when the host is
 * localhost, 127.0.0.0/8 or [::1]. Returns NULL or what is wrong. */
static const char *url_authority(const char *us, bool *loopback)
{
    *loopback = false;
    for (const unsigned char *c = (const unsigned char *)us; *c; c++)
        if (*c <= ' ' || *c == 0x7F)
            return "url must not contain spaces or control characters";
    const char *h = strstr(us, "://") + 3;
    size_t alen = strcspn(h, "/?#");
    if (memchr(h, '@', alen))
        return "url must not carry user info (user:password@): the token goes under token:";
    size_t hlen;
    if (*h == '[') {
        const char *close = memchr(h, ']', alen);
        if (!close)
            return "url has an IPv6 host without its closing ']'";
        hlen = (size_t)(close - h) + 1;
        if (hlen == 2 || strspn(h + 1, "0123456789abcdefABCDEF:.") != hlen - 2)
            return "url's host is not an IPv6 address: write https://[ADDRESS]:PORT";
        *loopback = hlen == 5 && !memcmp(h, "[::1]", 5);
    } else {
        hlen = strcspn(h, ":/?#");
        if (hlen == 0)
            return "url has no host: write https://HOST or https://HOST:PORT";
        for (size_t i = 0; i < hlen; i++)
            if (!isalnum((unsigned char)h[i]) && h[i] != '.' && h[i] != '-' && h[i] != '_')
                return "url's host has a character a host name cannot hold";
        *loopback = (hlen == 9 && !strncasecmp(h, "localhost", 9)) || is_loopback_v4(h, hlen);
    }
    if (hlen < alen) {
        if (h[hlen] != ':')
            return "url's host is followed by something other than :PORT";
        const char *port = h + hlen + 1;
        size_t plen = alen - hlen - 1;
        unsigned long v = 0;
        if (plen == 0 || plen > 5 || strspn(port, "0123456789") < plen)
            return "url's port must be a number from 1 to 65535";
        for (size_t i = 0; i < plen; i++)
            v = v * 10 + (unsigned long)(port[i] - '0');
        if (v < 1 || v > 65535)
            return "url's port must be a number from 1 to 65535";
    }
    return NULL;
}

static bool load_token(struct project *p, const struct catalog *cat, struct diag *d,
                       const struct ynode *tok)
{
    bool ok = true;
    if (!check_shape_keys(d, cat, tok, "home_assistant.token", "token", &ok))
        return false;
    const struct ynode *mode = yrequire(d, tok, "mode", "token");
    const char *ms = mode ? ystring(d, mode, "mode") : NULL;
    const struct ynode *env = ymap_get(tok, "env"), *ssm = ymap_get(tok, "ssm");
    if (ms && strcmp(ms, "account_linking") == 0) {
        p->token_mode = TOKEN_ACCOUNT_LINKING;
        if (env || ssm) {
            diag_error(d, &(env ? env : ssm)->loc,
                       "account_linking takes the token from each directive; remove '%s'",
                       env ? "env" : "ssm");
            return false;
        }
        return ok;
    }
    if (ms && strcmp(ms, "long_lived") == 0) {
        p->token_mode = TOKEN_LONG_LIVED;
        return secret_ref(d, tok, &p->token, "a long-lived token") && ok;
    }
    if (ms)
        diag_error(d, &mode->loc, "unknown token mode '%s'; expected account_linking or long_lived",
                   ms);
    return false;
}

static bool load_tls(struct project *p, const struct catalog *cat, struct diag *d,
                     const struct ynode *tls)
{
    bool ok = true;
    if (!check_shape_keys(d, cat, tls, "home_assistant.tls", "tls", &ok))
        return false;
    const struct ynode *v = ymap_get(tls, "verify");
    if (v && !get_bool(d, v, &p->tls_verify, "verify"))
        ok = false;
    if (v)
        p->tls_verify_loc = v->loc;
    if (v && !p->tls_verify)
        diag_warning(d, &v->loc,
                     "TLS verification is off: anyone on the path can read the token; "
                     "prefer ca_bundle with your own CA");
    const struct ynode *ca = ymap_get(tls, "ca_bundle");
    const struct ynode *cc = ymap_get(tls, "client_cert");
    const struct ynode *ck = ymap_get(tls, "client_key");
    p->ca_bundle = ca ? ystring(d, ca, "ca_bundle") : NULL;
    p->client_cert = cc ? ystring(d, cc, "client_cert") : NULL;
    p->client_key = ck ? ystring(d, ck, "client_key") : NULL;
    if ((ca && !p->ca_bundle) || (cc && !p->client_cert) || (ck && !p->client_key))
        ok = false;
    if ((cc != NULL) != (ck != NULL)) {
        diag_error(d, &(cc ? cc : ck)->loc, "client_cert and client_key go together (mutual TLS)");
        ok = false;
    }
    return ok;
}

/* Extra headers: names a proxy may need, values only by reference, at most the
 * limit schemas/project.yaml names (the runtime's table holds that many). */
static bool load_headers(struct project *p, const struct catalog *cat, struct diag *d,
                         const struct ynode *hdr)
{
    if (!ycheck_map(d, hdr, "headers"))
        return false;
    bool ok = true;
    const struct limit_def *lim =
        catalog_limit(cat, catalog_shape(cat, "home_assistant.headers")->limit);
    if (hdr->npairs > lim->max) {
        diag_error(d, &hdr->loc, "home_assistant.headers has %zu entries, at most %zu are allowed",
                   hdr->npairs, lim->max);
        diag_note(d, &lim->loc, "the limit the runtime is built for");
        ok = false;
    }
    p->headers = xcalloc(hdr->npairs, sizeof *p->headers);
    for (size_t i = 0; i < hdr->npairs; i++) {
        const struct ynode *k = hdr->pairs[i].key;
        bool good = k->len > 0;
        for (const char *c = k->str; *c; c++)
            if (!(*c == '-' || *c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                  (*c >= '0' && *c <= '9')))
                good = false;
        if (!good || strcasecmp(k->str, "authorization") == 0 || strcasecmp(k->str, "host") == 0 ||
            strcasecmp(k->str, "content-length") == 0) {
            diag_error(d, &k->loc, "'%s' cannot be set as an extra header", k->str);
            ok = false;
            continue;
        }
        struct header_def *h = &p->headers[p->nheaders];
        h->name = k->str;
        if (secret_ref(d, hdr->pairs[i].value, &h->value, "a header value"))
            p->nheaders++;
        else
            ok = false;
    }
    return ok;
}

/* https://, or http:// to loopback or with allow_http; no trailing '/'. */
static bool check_url(struct project *p, struct diag *d, const char *us, const struct ynode *url)
{
    bool ok = true;
    p->ha_url = us;
    p->ha_url_loc = url->loc;
    bool loopback = false;
    const char *bad = NULL;
    if (strncmp(us, "https://", 8) != 0 && strncmp(us, "http://", 7) != 0) {
        diag_error(d, &url->loc, "url must start with https:// (or http:// for loopback)");
        ok = false;
    } else if ((bad = url_authority(us, &loopback))) {
        diag_error(d, &url->loc, "%s", bad);
        ok = false;
    } else if (strncmp(us, "http://", 7) == 0 && !loopback && !p->allow_http) {
        /* The exact host decides: http://127.0.0.1@evil.example or
         * http://localhost.evil.example are other hosts. */
        diag_error(d, &url->loc,
                   "plain http:// sends the token unencrypted to a host that is not this "
                   "machine (loopback is localhost, 127.0.0.0/8 or [::1]); use https:// or set "
                   "allow_http: true");
        ok = false;
    }
    if (strlen(us) > 0 && us[strlen(us) - 1] == '/') {
        diag_error(d, &url->loc, "url must not end with '/'");
        ok = false;
    }
    return ok;
}

static bool load_ha(struct project *p, const struct catalog *cat, struct diag *d,
                    const struct ynode *ha)
{
    bool ok = true;
    if (!check_shape_keys(d, cat, ha, "home_assistant", "home_assistant", &ok))
        return false;
    const struct ynode *url = yrequire(d, ha, "url", "home_assistant");
    const char *us = url ? ystring(d, url, "url") : NULL;
    const struct ynode *ah = ymap_get(ha, "allow_http");
    if (ah && !get_bool(d, ah, &p->allow_http, "allow_http"))
        ok = false;
    if (!us)
        ok = false;
    else
        ok = check_url(p, d, us, url) && ok;
    /* Left out: account linking (the token each directive carries; p is zeroed). */
    const struct ynode *tok = ymap_get(ha, "token");
    if (tok)
        ok = load_token(p, cat, d, tok) && ok;
    else
        p->token_mode = TOKEN_ACCOUNT_LINKING;
    p->tls_verify = true;
    const struct ynode *tls = ymap_get(ha, "tls");
    if (tls)
        ok = load_tls(p, cat, d, tls) && ok;
    const struct ynode *hdr = ymap_get(ha, "headers");
    if (hdr)
        ok = load_headers(p, cat, d, hdr) && ok;
    return ok;
}

static bool valid_skill_id(const char *s)
{
    const char *prefix = "amzn1.ask.skill.";
    if (strncmp(s, prefix, strlen(prefix)) != 0)
        return false;
    s += strlen(prefix);
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static bool pairs_map(struct diag *d, const struct ynode *m, struct name_pair **out, size_t *n,
                      const char *what)
{
    if (!ycheck_map(d, m, what))
        return false;
    *out = xcalloc(m->npairs, sizeof **out);
    bool ok = true;
    for (size_t i = 0; i < m->npairs; i++) {
        const char *v = ystring(d, m->pairs[i].value, what);
        if (!v) {
            ok = false;
            continue;
        }
        (*out)[*n].key = m->pairs[i].key->str;
        (*out)[*n].value = v;
        (*out)[(*n)++].loc = m->pairs[i].key->loc;
    }
    return ok;
}

static bool load_alexa(struct project *p, const struct catalog *cat, struct diag *d,
                       const struct ynode *a)
{
    bool ok = true;
    if (!check_shape_keys(d, cat, a, "alexa", "alexa", &ok))
        return false;
    const struct ynode *ids = ymap_get(a, "skill_ids");
    if (ids) {
        ok = string_list(d, ids, &p->skill_ids, &p->nskill_ids, "skill_ids") && ok;
        for (size_t i = 0; i < p->nskill_ids; i++)
            if (!valid_skill_id(p->skill_ids[i])) {
                diag_error(d, &ids->items[i]->loc,
                           "'%s' is not an Alexa skill ID (amzn1.ask.skill.<uuid>, lower case)",
                           p->skill_ids[i]);
                ok = false;
            }
    }
    const struct ynode *disc = ymap_get(a, "discovery");
    if (disc) {
        if (!check_shape_keys(d, cat, disc, "alexa.discovery", "discovery", &ok)) {
            ok = false;
            disc = NULL;
        }
    }
    if (disc) {
        const struct ynode *n;
        if ((n = ymap_get(disc, "include")))
            ok = string_list(d, n, &p->include, &p->ninclude, "include") && ok;
        if ((n = ymap_get(disc, "exclude")))
            ok = string_list(d, n, &p->exclude, &p->nexclude, "exclude") && ok;
        if ((n = ymap_get(disc, "friendly_names")))
            ok = pairs_map(d, n, &p->friendly_names, &p->nfriendly, "friendly_names") && ok;
        if ((n = ymap_get(disc, "categories"))) {
            ok = pairs_map(d, n, &p->categories, &p->ncategories, "categories") && ok;
            const struct shape *dc = catalog_shape(cat, "alexa.discovery.categories")->of;
            const char *const *alexa_display_categories = (const char *const *)dc->values;
            size_t alexa_ndisplay_categories = dc->nvalues;
            for (size_t i = 0; i < p->ncategories; i++) {
                bool known = false;
                for (size_t j = 0; j < alexa_ndisplay_categories && !known; j++)
                    known = strcmp(p->categories[i].value, alexa_display_categories[j]) == 0;
                if (!known) {
                    const char *s = suggest(p->categories[i].value, alexa_display_categories,
                                            alexa_ndisplay_categories);
                    const struct ynode *vn = n->pairs[i].value;
                    diag_error(d, &vn->loc, "'%s' is not an Alexa display category%s%s%s",
                               p->categories[i].value, s ? "; did you mean '" : "", s ? s : "",
                               s ? "'?" : "");
                    ok = false;
                }
            }
        }
        if ((n = ymap_get(disc, "remove_capabilities"))) {
            if (!ycheck_seq(d, n, "remove_capabilities"))
                ok = false;
            size_t nitems = n->kind == YN_SEQ ? n->nitems : 0;
            p->remove_caps = xcalloc(nitems + 1, sizeof *p->remove_caps);
            for (size_t i = 0; i < nitems; i++) {
                const struct shape *rs =
                    catalog_shape(cat, "alexa.discovery.remove_capabilities")->of;
                const struct ynode *r = n->items[i];
                if (!ycheck_map(d, r, "a capability removal") ||
                    !ycheck_keys(d, r, rs->key_names, rs->nkeys, "a capability removal")) {
                    ok = false;
                    continue;
                }
                const struct ynode *e = yrequire(d, r, "endpoint", "a capability removal");
                const struct ynode *f = yrequire(d, r, "interface", "a capability removal");
                const char *es = e ? ystring(d, e, "endpoint") : NULL;
                const char *fs = f ? ystring(d, f, "interface") : NULL;
                if (!es || !fs) {
                    ok = false;
                    continue;
                }
                if (strncmp(fs, "Alexa", 5) != 0) {
                    diag_error(d, &f->loc, "'%s' is not an Alexa interface (Alexa.Something)", fs);
                    ok = false;
                    continue;
                }
                p->remove_caps[p->nremove_caps].key = es;
                p->remove_caps[p->nremove_caps].value = fs;
                p->remove_caps[p->nremove_caps++].loc = r->loc;
            }
        }
    }
    const struct ynode *ann = ymap_get(a, "announce");
    if (ann) {
        if (!check_shape_keys(d, cat, ann, "alexa.announce", "announce", &ok)) {
            ok = false;
            ann = NULL;
        }
    }
    if (ann) {
        const struct ynode *t = ymap_get(ann, "tts_entity");
        if (t && !(p->tts_entity = ystring(d, t, "tts_entity")))
            ok = false;
        const struct ynode *mp = ymap_get(ann, "media_players");
        if (mp)
            ok = string_list(d, mp, &p->media_players, &p->nmedia_players, "media_players") && ok;
    }
    const struct ynode *nt = ymap_get(a, "notify_target");
    if (nt && !(p->notify_target = ystring(d, nt, "notify_target")))
        ok = false;
    const struct ynode *langs = ymap_get(a, "languages");
    /* A repeated language is reported by string_list; the others are still checked. */
    if (langs && !string_list(d, langs, &p->languages, &p->nlanguages, "languages"))
        ok = false;
    if (langs && langs->kind == YN_SEQ && p->nlanguages == langs->nitems) {
        size_t nknown; /* the schema's enum: the one list of catalogue languages */
        const char *const *known = skill_languages(cat, &nknown);
        char names[256];
        join_names(names, sizeof names, known, nknown, ", ");
        bool en = false;
        for (size_t i = 0; i < p->nlanguages; i++) {
            bool k = false;
            for (size_t j = 0; j < nknown; j++)
                k = k || strcmp(p->languages[i], known[j]) == 0;
            if (!k) {
                diag_error(d, &langs->items[i]->loc, "'%s' is not a Custom-skill language (%s)",
                           p->languages[i], names);
                ok = false;
            }
            en = en || strcmp(p->languages[i], "en") == 0;
        }
        if (!en) {
            diag_error(d, &langs->loc,
                       "alexa.languages must hold en (the answer for every other locale)");
            ok = false;
        }
    }
    return ok;
}

/* alarms: what leec deploy sets up to watch the function (emit/facts.c says it). */
static bool load_alarms(struct project *p, const struct catalog *cat, struct diag *d,
                        const struct ynode *a)
{
    bool ok = true;
    if (!check_shape_keys(d, cat, a, "alarms", "alarms", &ok))
        return false;
    const struct ynode *n = ymap_get(a, "enabled");
    if (n && !get_bool(d, n, &p->alarms, "alarms.enabled"))
        ok = false;
    n = ymap_get(a, "email");
    if (n) {
        const char *e = ystring(d, n, "alarms.email");
        const char *at = e ? strchr(e, '@') : NULL;
        if (!e)
            ok = false;
        else if (!at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
                 strpbrk(e, " \t") || strlen(e) > 254 || at[1] == '.' || e[strlen(e) - 1] == '.') {
            diag_error(d, &n->loc, "alarms.email '%s' is not an e-mail address (me@example.org)",
                       e);
            ok = false;
        } else {
            p->alarm_email = e;
        }
    }
    return ok;
}

static bool load_budget(struct project *p, const struct catalog *cat, struct diag *d,
                        const struct ynode *b)
{
    bool ok = true;
    if (!check_shape_keys(d, cat, b, "budget", "budget", &ok))
        return false;
    p->budget_loc = b->loc;
    const struct ynode *ap = ymap_get(b, "allow_paid");
    if (ap) {
        ok = get_bool(d, ap, &p->allow_paid, "allow_paid") && ok;
        p->allow_paid_loc = ap->loc;
    }
    const struct ynode *f = ymap_get(b, "free_tier_metrics");
    if (f) {
        ok = get_bool(d, f, &p->free_tier_metrics, "free_tier_metrics") && ok;
        p->free_tier_loc = f->loc;
    }
    static const struct param_def inv = {.name = "invocations_per_day", .type = PT_INT};
    static const struct param_def dur = {.name = "avg_duration", .type = PT_DURATION};
    const struct ynode *i = ymap_get(b, "invocations_per_day");
    const struct ynode *a = ymap_get(b, "avg_duration");
    if (i)
        p->budget_loc = i->loc;
    if (i || a) {
        if (!i || !a) {
            diag_error(d, &b->loc, "budget needs both invocations_per_day and avg_duration");
            return false;
        }
        struct pvalue pv;
        for (int k = 0; k < 2; k++) {
            const struct param_def *pd = k ? &dur : &inv;
            const struct ynode *n = k ? a : i;
            if (!pvalue_parse(d, pd, n, &pv)) {
                ok = false;
                continue;
            }
            struct value v;
            bool good = false;
            /* Constants only: usage figures do not depend on the configuration. */
            if (pv.expr && expr_is_literal(pv.expr)) {
                good = model_eval_const(pv.expr, &v, d) && v.kind == V_NUM &&
                       dim_eq(v.dim, ptype_dim(pd->type)) && v.num >= 0;
            }
            expr_free(pv.expr);
            /* The ranges of schemas/project.yaml: a home's skill, not a web service. */
            const struct shape *sh =
                catalog_shape(cat, k ? "budget.avg_duration" : "budget.invocations_per_day");
            if (!good) {
                diag_error(d, &n->loc, "%s must be a non-negative %s", pd->name,
                           k ? "duration such as 150ms" : "number");
                ok = false;
            } else if ((sh->has_min && v.num < sh->min) || (sh->has_max && v.num > sh->max)) {
                char got[48], lo[48], hi[48];
                struct value l = v, h = v;
                l.num = sh->has_min ? sh->min : 0;
                h.num = sh->max;
                value_format(&v, got, sizeof got);
                value_format(&l, lo, sizeof lo);
                value_format(&h, hi, sizeof hi);
                if (k)
                    diag_error(d, &n->loc, "budget.%s = %s is out of range [%s, %s]", pd->name, got,
                               lo, hi);
                else
                    diag_error(d, &n->loc,
                               "budget.%s = %s is out of range [%s, %s] (%s a day is about %.0f "
                               "a second; a home's skill makes a few hundred)",
                               pd->name, got, lo, hi, hi, sh->max / 86400.0);
                ok = false;
            } else if (k) {
                p->avg_duration = v.num;
            } else {
                p->invocations_per_day = v.num;
            }
        }
        p->has_usage = ok;
    }
    return ok;
}

static bool load_features(struct project *p, const struct catalog *cat, struct diag *d,
                          const struct ynode *f)
{
    bool keys_ok = true;
    if (f->kind == YN_SCALAR) {
        p->fpreset = ystring(d, f, "features");
        p->fpreset_loc = f->loc;
    } else {
        static const char *const keys[] = {"preset", "add", "remove"};
        if (!ycheck_map(d, f, "features"))
            return false;
        keys_ok = ycheck_keys(d, f, keys, 3, "features");
        const struct ynode *pr = yrequire(d, f, "preset", "features");
        if (!pr)
            return false;
        p->fpreset = ystring(d, pr, "preset");
        p->fpreset_loc = pr->loc;
        const struct ynode *add = ymap_get(f, "add"), *rem = ymap_get(f, "remove");
        bool lists_ok = true;
        if (add && !string_list(d, add, &p->features_add, &p->nadd, "add"))
            lists_ok = false;
        if (rem && !string_list(d, rem, &p->features_remove, &p->nremove, "remove"))
            lists_ok = false;
        if (!lists_ok) {
            /* Resolution may still run (to report its errors too): no half-read lists. */
            p->nadd = p->nremove = 0;
            return false;
        }
        p->add_locs = xcalloc(p->nadd + 1, sizeof *p->add_locs);
        p->remove_locs = xcalloc(p->nremove + 1, sizeof *p->remove_locs);
        for (size_t i = 0; i < p->nadd; i++)
            p->add_locs[i] = add->items[i]->loc;
        for (size_t i = 0; i < p->nremove; i++)
            p->remove_locs[i] = rem->items[i]->loc;
    }
    if (!p->fpreset)
        return false;
    if (!catalog_fpreset(cat, p->fpreset)) {
        const char **names = xcalloc(cat->nfpresets, sizeof *names);
        for (size_t i = 0; i < cat->nfpresets; i++)
            names[i] = cat->fpresets[i].name;
        char list[512];
        join_names(list, sizeof list, names, cat->nfpresets, " or ");
        const char *s = suggest(p->fpreset, names, cat->nfpresets);
        if (s)
            diag_error(d, &p->fpreset_loc, "unknown feature preset '%s'; did you mean '%s'?",
                       p->fpreset, s);
        else
            diag_error(d, &p->fpreset_loc, "unknown feature preset '%s'; expected one of %s",
                       p->fpreset, list);
        free(names);
        return false;
    }
    const struct iface_def *fi = catalog_iface(cat, "features");
    bool ok = true;
    for (int k = 0; k < 2; k++) {
        const char **list = k ? p->features_remove : p->features_add;
        size_t n = k ? p->nremove : p->nadd;
        struct loc *locs = k ? p->remove_locs : p->add_locs;
        for (size_t i = 0; i < n; i++)
            if (!catalog_param(fi, list[i])) {
                const char **names = xcalloc(fi->nparams, sizeof *names);
                for (size_t j = 0; j < fi->nparams; j++)
                    names[j] = fi->params[j].name;
                const char *s = suggest(list[i], names, fi->nparams);
                diag_error(d, &locs[i], "unknown feature '%s'%s%s%s", list[i],
                           s ? "; did you mean '" : "", s ? s : "", s ? "'?" : "");
                free(names);
                ok = false;
            }
    }
    /* Known and listed once each: both lists are at most the feature set. */
    for (size_t i = 0; ok && i < p->nadd; i++)
        for (size_t j = 0; j < p->nremove; j++)
            if (!strcmp(p->features_add[i], p->features_remove[j])) {
                diag_error(d, &p->remove_locs[j],
                           "feature '%s' is both added and removed: keep one of the two",
                           p->features_remove[j]);
                diag_note(d, &p->add_locs[i], "added here");
                keys_ok = false;
            }
    return ok && keys_ok;
}

/* preset_dirs: directories of the project's own presets, relative to the project file
 * (main.c reads them with the catalog; here each must be a directory). */
static bool check_preset_dirs(struct diag *d, const struct ynode *n, const char *path)
{
    if (!ycheck_seq(d, n, "preset_dirs"))
        return false;
    bool ok = true;
    const char *slash = strrchr(path, '/');
    for (size_t i = 0; i < n->nitems; i++) {
        const char *s = ystring(d, n->items[i], "a preset directory");
        if (!s) {
            ok = false;
            continue;
        }
        struct sbuf dir = {0};
        if (s[0] != '/' && slash)
            sbuf_addn(&dir, path, (size_t)(slash - path) + 1);
        sbuf_add(&dir, s);
        struct stat st;
        if (stat(dir.s, &st) != 0 || !S_ISDIR(st.st_mode)) {
            diag_error(d, &n->items[i]->loc,
                       "preset directory '%s' does not exist (%s; paths are relative to the "
                       "project file)",
                       s, dir.s);
            ok = false;
        }
        sbuf_free(&dir);
    }
    return ok;
}

bool project_load(struct project *p, const struct catalog *cat, const char *path, struct diag *d,
                  int *io_error)
{
    memset(p, 0, sizeof *p);
    p->free_tier_metrics = true;
    p->tls_verify = true;
    p->doc = ydoc_load_file(d, path, io_error);
    if (!p->doc)
        return false;
    p->file = ydoc_source(p->doc);
    const struct ynode *root = ydoc_root(p->doc);
    if (!root) {
        struct loc at = loc_make(p->file, 1, 1, 0);
        diag_error(d, &at, "empty project file");
        return false;
    }
    if (!ycheck_map(d, root, "a project file"))
        return false;
    const char *top[NCATALOG_KEYS + SCHEMA_MAX_SECTIONS];
    size_t ntop = 0;
    for (size_t i = 0; i < NCATALOG_KEYS; i++)
        top[ntop++] = catalog_keys[i];
    for (size_t i = 0; i < cat->sections.nkeys && ntop < sizeof top / sizeof top[0]; i++)
        top[ntop++] = cat->sections.key_names[i];
    bool ok = ycheck_keys(d, root, top, ntop, "a project file");
    const struct ynode *ver = yrequire(d, root, "leec", "a project file");
    if (ver && ver->kind == YN_SCALAR && ver->style != YS_PLAIN && strcmp(ver->str, "1") == 0) {
        diag_error(d, &ver->loc, "the format version is a number: write 'leec: 1' without quotes");
        ok = false;
    } else if (ver &&
               !(ver->kind == YN_SCALAR && ver->style == YS_PLAIN && strcmp(ver->str, "1") == 0)) {
        diag_error(d, &ver->loc, "unsupported project format '%s'; this leec reads 'leec: 1'",
                   ver->kind == YN_SCALAR ? ver->str : ynode_kind_name(ver));
        ok = false;
    }
    ok = ok && ver;
    const struct ynode *pr = yrequire(d, root, "preset", "a project file");
    if (pr && (p->preset = ystring(d, pr, "preset"))) {
        p->preset_loc = pr->loc;
        if (!catalog_preset(cat, p->preset)) {
            const char **names = xcalloc(cat->npresets, sizeof *names);
            for (size_t i = 0; i < cat->npresets; i++)
                names[i] = cat->presets[i].name;
            const char *s = suggest(p->preset, names, cat->npresets);
            if (s)
                diag_error(d, &pr->loc, "unknown preset '%s'; did you mean '%s'?", p->preset, s);
            else
                diag_error(d, &pr->loc, "unknown preset '%s' (leec list shows them all)",
                           p->preset);
            free(names);
            ok = false;
        }
    } else {
        ok = false;
    }
    const struct ynode *pdirs = ymap_get(root, "preset_dirs");
    if (pdirs)
        ok = check_preset_dirs(d, pdirs, path) && ok;
    const struct ynode *f = yrequire(d, root, "features", "a project file");
    ok = (f && load_features(p, cat, d, f)) && ok;
    ok = parse_tier_choices_public(d, cat, ymap_get(root, "tiers"), &p->tiers, &p->ntiers,
                                   "tiers") &&
         ok;
    for (size_t i = 0; i < p->ntiers; i++)
        if (!catalog_tier(cat, p->tiers[i].tier)) {
            const char **names = xcalloc(cat->ntiers, sizeof *names);
            for (size_t j = 0; j < cat->ntiers; j++)
                names[j] = cat->tiers[j].name;
            const char *s = suggest(p->tiers[i].tier, names, cat->ntiers);
            char list[256];
            join_names(list, sizeof list, names, cat->ntiers, " or ");
            if (s)
                diag_error(d, &p->tiers[i].loc, "unknown tier '%s'; did you mean '%s'?",
                           p->tiers[i].tier, s);
            else
                diag_error(d, &p->tiers[i].loc, "unknown tier '%s'; the tiers are %s",
                           p->tiers[i].tier, list);
            free(names);
            ok = false;
        } else if (!p->tiers[i].iface) {
            const struct retired_def *r = catalog_retired(cat, p->tiers[i].iface_name);
            if (r)
                diag_warning(d, &p->tiers[i].loc, "interface '%s' is retired (%s); ignored",
                             p->tiers[i].iface_name, r->reason);
        }
    ok = iface_values_parse(d, cat, ymap_get(root, "overrides"), &p->overrides, "overrides",
                            false) &&
         ok;
    const struct ynode *ha = yrequire(d, root, "home_assistant", "a project file");
    ok = (ha && load_ha(p, cat, d, ha)) && ok;
    const struct ynode *a = ymap_get(root, "alexa");
    if (a)
        ok = load_alexa(p, cat, d, a) && ok;
    const struct ynode *b = ymap_get(root, "budget");
    if (b)
        ok = load_budget(p, cat, d, b) && ok;
    p->alarms = true;
    const struct ynode *al = ymap_get(root, "alarms");
    if (al)
        ok = load_alarms(p, cat, d, al) && ok;
    return ok;
}

bool project_resolvable(const struct project *p)
{
    return p->doc && p->overrides && p->preset && p->fpreset;
}

void project_free(struct project *p, const struct catalog *cat)
{
    iface_values_free(p->overrides, cat->nifaces);
    for (size_t i = 0; i < p->ntiers; i++) {
        free(p->tiers[i].iface_name);
        free(p->tiers[i].tier);
    }
    free(p->tiers);
    free(p->features_add);
    free(p->features_remove);
    free(p->add_locs);
    free(p->remove_locs);
    free(p->headers);
    free(p->skill_ids);
    free(p->include);
    free(p->exclude);
    free(p->friendly_names);
    free(p->categories);
    free(p->remove_caps);
    free(p->media_players);
    free(p->languages);
    ydoc_free(p->doc);
    memset(p, 0, sizeof *p);
}
