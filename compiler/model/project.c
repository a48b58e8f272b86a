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

/* ---- the fixed sections ----
 * home_assistant, alexa, budget and alarms are read against their shapes in
 * schemas/project.yaml (model/shape.c: types, required keys, defaults, patterns, enum
 * values, ranges, list limits, unique items, secrets). What follows are the checks
 * that need code, hooked by path, and the copy into struct project. */

/* https://, or http:// to loopback or with allow_http; no trailing '/'. Before the
 * shape's pattern, which it implies, for a message that says what is wrong. */
static bool check_url(const struct shape_at *at, struct sval *v)
{
    struct diag *d = at->d;
    const char *us = v->str;
    bool ok = true, allow_http = false, loopback = false;
    const struct ynode *ah = ymap_get(at->parent, "allow_http");
    if (ah && !ynode_bool(ah, &allow_http))
        allow_http = false; /* reported as allow_http's own error */
    const char *bad = NULL;
    if (strncmp(us, "https://", 8) != 0 && strncmp(us, "http://", 7) != 0) {
        diag_error(d, &v->loc, "url must start with https:// (or http:// for loopback)");
        ok = false;
    } else if ((bad = url_authority(us, &loopback))) {
        diag_error(d, &v->loc, "%s", bad);
        ok = false;
    } else if (strncmp(us, "http://", 7) == 0 && !loopback && !allow_http) {
        /* The exact host decides: http://127.0.0.1@evil.example or
         * http://localhost.evil.example are other hosts. */
        diag_error(d, &v->loc,
                   "plain http:// sends the token unencrypted to a host that is not this "
                   "machine (loopback is localhost, 127.0.0.0/8 or [::1]); use https:// or set "
                   "allow_http: true");
        ok = false;
    }
    if (strlen(us) > 0 && us[strlen(us) - 1] == '/') {
        diag_error(d, &v->loc, "url must not end with '/'");
        ok = false;
    }
    return ok;
}

/* The mode decides where the token comes from: each directive, or env/ssm. */
static bool check_token(const struct shape_at *at, struct sval *v)
{
    const struct sval *mode = shape_get(v, "mode");
    const struct sval *env = shape_get(v, "env"), *ssm = shape_get(v, "ssm");
    if (!mode->set || !mode->ok)
        return true; /* reported by the shape */
    if (strcmp(mode->str, "account_linking") == 0) {
        if (env->set || ssm->set) {
            diag_error(at->d, &(env->set ? env : ssm)->loc,
                       "account_linking takes the token from each directive; remove '%s'",
                       env->set ? "env" : "ssm");
            return false;
        }
        return true;
    }
    if (env->set == ssm->set) {
        diag_error(at->d, &v->loc, "a long-lived token needs exactly one of 'env' or 'ssm'");
        return false;
    }
    return true;
}

static bool warn_verify_off(const struct shape_at *at, struct sval *v)
{
    if (!v->b)
        diag_warning(at->d, &v->loc,
                     "TLS verification is off: anyone on the path can read the token; "
                     "prefer ca_bundle with your own CA");
    return true;
}

static bool check_tls(const struct shape_at *at, struct sval *v)
{
    const struct sval *cc = shape_get(v, "client_cert"), *ck = shape_get(v, "client_key");
    if (cc->set != ck->set) {
        diag_error(at->d, &(cc->set ? cc : ck)->loc,
                   "client_cert and client_key go together (mutual TLS)");
        return false;
    }
    return true;
}

/* Extra headers: a name a proxy may need, not one libcurl or the token sets. */
static bool check_header_name(const struct shape_at *at, struct sval *v)
{
    (void)v;
    const struct ynode *k = at->key;
    bool good = k->len > 0;
    for (const char *c = k->str; *c; c++)
        if (!(*c == '-' || *c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
              (*c >= '0' && *c <= '9')))
            good = false;
    if (!good || strcasecmp(k->str, "authorization") == 0 || strcasecmp(k->str, "host") == 0 ||
        strcasecmp(k->str, "content-length") == 0) {
        diag_error(at->d, &k->loc, "'%s' cannot be set as an extra header", k->str);
        return false;
    }
    return true;
}

/* English answers every locale the list leaves out. */
static bool check_languages(const struct shape_at *at, struct sval *v)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].str && strcmp(v->items[i].str, "en") == 0)
            return true;
    diag_error(at->d, &v->loc, "alexa.languages must hold en (the answer for every other locale)");
    return false;
}

static bool check_email(const struct shape_at *at, struct sval *v)
{
    if (strlen(v->str) <= 254) /* RFC 5321's longest path */
        return true;
    diag_error(at->d, &v->loc, "alarms.email is longer than an e-mail address can be (254)");
    return false;
}

/* The usage figures go together: the estimate needs both. */
static bool check_budget(const struct shape_at *at, struct sval *v)
{
    if (shape_get(v, "invocations_per_day")->set == shape_get(v, "avg_duration")->set)
        return true;
    diag_error(at->d, &v->loc, "budget needs both invocations_per_day and avg_duration");
    return false;
}

static const struct shape_hook section_hooks[] = {
    {"home_assistant.url", check_url},
    {"home_assistant.token", check_token},
    {"home_assistant.tls.verify", warn_verify_off},
    {"home_assistant.tls", check_tls},
    {"home_assistant.headers[]", check_header_name},
    {"alexa.languages", check_languages},
    {"alarms.email", check_email},
    {"budget", check_budget},
};

/* ---- the copy into struct project (what resolve, the emitters and the commands read) */

static const struct sval *at(const struct project *p, const char *path)
{
    return shape_get(&p->sections, path);
}

/* The value, or NULL when left out (with no default) or rejected. */
static const char *str_at(const struct project *p, const char *path)
{
    const struct sval *v = at(p, path);
    return v->set && v->ok ? v->str : NULL;
}

static struct loc loc_at(const struct project *p, const char *path)
{
    const struct sval *v = at(p, path);
    return v->node ? v->loc : (struct loc){0};
}

/* The items of a list of names that were accepted. */
static const char **strings_at(const struct project *p, const char *path, size_t *n)
{
    const struct sval *v = at(p, path);
    const char **out = xcalloc(v->n + 1, sizeof *out);
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].ok && v->items[i].str)
            out[(*n)++] = v->items[i].str;
    return out;
}

/* A map of names (entity id → name), located at the keys. */
static struct name_pair *pairs_at(const struct project *p, const char *path, size_t *n)
{
    const struct sval *v = at(p, path);
    struct name_pair *out = xcalloc(v->n + 1, sizeof *out);
    for (size_t i = 0; i < v->n; i++)
        if (v->items[i].ok)
            out[(*n)++] = (struct name_pair){v->keys[i]->str, v->items[i].str, v->keys[i]->loc};
    return out;
}

static void fill_project(struct project *p)
{
    p->ha_url = str_at(p, "home_assistant.url");
    p->ha_url_loc = loc_at(p, "home_assistant.url");
    p->allow_http = at(p, "home_assistant.allow_http")->b;
    const char *mode = str_at(p, "home_assistant.token.mode");
    p->token_mode = mode && !strcmp(mode, "long_lived") ? TOKEN_LONG_LIVED : TOKEN_ACCOUNT_LINKING;
    for (int k = 0; k < 2 && p->token_mode == TOKEN_LONG_LIVED; k++) {
        const char *path = k ? "home_assistant.token.ssm" : "home_assistant.token.env";
        if (str_at(p, path))
            p->token =
                (struct secret_ref){k ? SECRET_SSM : SECRET_ENV, str_at(p, path), loc_at(p, path)};
    }
    p->tls_verify = at(p, "home_assistant.tls.verify")->b;
    p->tls_verify_loc = loc_at(p, "home_assistant.tls.verify");
    p->ca_bundle = str_at(p, "home_assistant.tls.ca_bundle");
    p->client_cert = str_at(p, "home_assistant.tls.client_cert");
    p->client_key = str_at(p, "home_assistant.tls.client_key");
    const struct sval *h = at(p, "home_assistant.headers");
    p->headers = xcalloc(h->n + 1, sizeof *p->headers);
    for (size_t i = 0; i < h->n; i++)
        if (h->items[i].ok)
            p->headers[p->nheaders++] = (struct header_def){
                h->keys[i]->str, {h->items[i].secret, h->items[i].str, h->items[i].loc}};
    p->skill_ids = strings_at(p, "alexa.skill_ids", &p->nskill_ids);
    p->include = strings_at(p, "alexa.discovery.include", &p->ninclude);
    p->exclude = strings_at(p, "alexa.discovery.exclude", &p->nexclude);
    p->friendly_names = pairs_at(p, "alexa.discovery.friendly_names", &p->nfriendly);
    p->categories = pairs_at(p, "alexa.discovery.categories", &p->ncategories);
    const struct sval *rc = at(p, "alexa.discovery.remove_capabilities");
    p->remove_caps = xcalloc(rc->n + 1, sizeof *p->remove_caps);
    for (size_t i = 0; i < rc->n; i++)
        if (rc->items[i].ok)
            p->remove_caps[p->nremove_caps++] =
                (struct name_pair){shape_get(&rc->items[i], "endpoint")->str,
                                   shape_get(&rc->items[i], "interface")->str, rc->items[i].loc};
    p->tts_entity = str_at(p, "alexa.announce.tts_entity");
    p->media_players = strings_at(p, "alexa.announce.media_players", &p->nmedia_players);
    p->notify_target = str_at(p, "alexa.notify_target");
    p->languages = strings_at(p, "alexa.languages", &p->nlanguages);
    p->free_tier_metrics = at(p, "budget.free_tier_metrics")->b;
    p->free_tier_loc = loc_at(p, "budget.free_tier_metrics");
    p->allow_paid = at(p, "budget.allow_paid")->b;
    p->allow_paid_loc = loc_at(p, "budget.allow_paid");
    const struct sval *inv = at(p, "budget.invocations_per_day");
    const struct sval *avg = at(p, "budget.avg_duration");
    p->budget_loc = inv->node ? inv->loc : loc_at(p, "budget");
    p->has_usage = inv->set && avg->set && at(p, "budget")->ok;
    if (p->has_usage) {
        p->invocations_per_day = inv->num;
        p->avg_duration = avg->num;
    }
    p->alarms = at(p, "alarms.enabled")->b;
    p->alarm_email = str_at(p, "alarms.email");
}

/* Every section in schemas/project.yaml's order, each against its shape; a section
 * left out gets its defaults. */
static bool load_sections(struct project *p, const struct catalog *cat, struct diag *d,
                          const struct ynode *root)
{
    const struct shape *top = &cat->sections;
    struct sval *s = &p->sections;
    *s = (struct sval){.shape = top, .node = root, .loc = root->loc, .set = true};
    s->items = xcalloc(top->nkeys + 1, sizeof *s->items);
    s->n = top->nkeys;
    bool ok = true;
    for (size_t i = 0; i < top->nkeys; i++) {
        const struct shape *sh = &top->keys[i];
        const struct ynode *n = ymap_get(root, sh->name);
        if (!n && sh->required) {
            yrequire(d, root, sh->name, "a project file");
            ok = false;
        }
        ok = shape_read(d, cat, sh, sh->name, n, root, section_hooks,
                        sizeof section_hooks / sizeof section_hooks[0], NULL, &s->items[i]) &&
             ok;
    }
    s->ok = ok;
    fill_project(p);
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
    ok = load_sections(p, cat, d, root) && ok;
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
    shape_free(&p->sections);
    ydoc_free(p->doc);
    memset(p, 0, sizeof *p);
}
