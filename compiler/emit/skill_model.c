/* skill_model: see skill_model.h. Built with cJSON, so the text is strict JSON. */
#include "emit/skill_model.h"

#include "front/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAMPLES_PER_PATTERN 4096u /* a pattern's alternatives multiply: capped */

static bool has(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

static void push(char ***out, size_t *n, size_t *cap, char *s)
{
    if (has(*out, *n, s) || *n >= MAX_SAMPLES_PER_PATTERN) {
        free(s);
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *out = xrealloc(*out, *cap * sizeof **out);
    }
    (*out)[(*n)++] = s;
}

/* Runs of white space as one space, trimmed. */
static char *squeeze(const char *s)
{
    char *o = xmalloc(strlen(s) + 1);
    size_t at = 0;
    for (; *s; s++) {
        bool sp = *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r';
        if (sp) {
            if (at && o[at - 1] != ' ')
                o[at++] = ' ';
        } else {
            o[at++] = *s;
        }
    }
    while (at && o[at - 1] == ' ')
        at--;
    o[at] = '\0';
    return o;
}

size_t skill_expand(const char *pattern, char ***out, size_t *n, size_t *cap)
{
    const char *open = NULL, *close = NULL;
    for (const char *p = pattern; *p; p++) {
        if (*p == '(')
            open = p;
        else if (*p == ')' && open) {
            close = p;
            break;
        }
    }
    if (!close) {
        push(out, n, cap, squeeze(pattern));
        return *n;
    }
    size_t pre = (size_t)(open - pattern);
    for (const char *a = open + 1;;) {
        const char *bar = a;
        while (bar < close && *bar != '|')
            bar++;
        struct sbuf b = {0};
        sbuf_addn(&b, pattern, pre);
        sbuf_addn(&b, a, (size_t)(bar - a));
        sbuf_add(&b, close + 1);
        skill_expand(b.s ? b.s : "", out, n, cap);
        sbuf_free(&b);
        if (bar >= close)
            break;
        a = bar + 1;
    }
    return *n;
}

static bool word_byte(unsigned char c)
{
    return c >= 0x80 || c == '_' || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The locale's spelling: whole words replaced (color → colour). malloc'd. */
static char *respell(const char *text, const struct ynode *spelling)
{
    char *cur = xstrdup(text);
    for (size_t i = 0; spelling && i < spelling->npairs; i++) {
        const char *from = spelling->pairs[i].key->str;
        const char *to = spelling->pairs[i].value->str ? spelling->pairs[i].value->str : "";
        size_t fl = strlen(from);
        if (!fl)
            continue;
        struct sbuf b = {0};
        const char *p = cur;
        while (*p) {
            if (!strncmp(p, from, fl) && (p == cur || !word_byte((unsigned char)p[-1])) &&
                !word_byte((unsigned char)p[fl])) {
                sbuf_add(&b, to);
                p += fl;
            } else {
                sbuf_addn(&b, p, 1);
                p++;
            }
        }
        free(cur);
        cur = b.s ? b.s : xstrdup("");
    }
    return cur;
}

static cJSON *samples_json(const struct ynode *patterns, const struct ynode *spelling)
{
    char **v = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; patterns && patterns->kind == YN_SEQ && i < patterns->nitems; i++) {
        const struct ynode *p = patterns->items[i];
        if (p->kind != YN_SCALAR)
            continue;
        char *t = respell(p->str, spelling);
        skill_expand(t, &v, &n, &cap);
        free(t);
    }
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
        free(v[i]);
    }
    free(v);
    return a;
}

static cJSON *value_json(const struct ynode *it, const struct ynode *spelling)
{
    cJSON *v = cJSON_CreateObject();
    cJSON *name = cJSON_CreateObject();
    cJSON *syn = cJSON_CreateArray();
    if (it->kind == YN_MAP) {
        const struct ynode *id = ymap_get(it, "id"), *val = ymap_get(it, "value");
        const struct ynode *ss = ymap_get(it, "synonyms");
        if (id && id->str)
            cJSON_AddStringToObject(v, "id", id->str);
        char *t = respell(val && val->str ? val->str : "", spelling);
        cJSON_AddStringToObject(name, "value", t);
        free(t);
        for (size_t i = 0; ss && ss->kind == YN_SEQ && i < ss->nitems; i++)
            if (ss->items[i]->str) {
                t = respell(ss->items[i]->str, spelling);
                cJSON_AddItemToArray(syn, cJSON_CreateString(t));
                free(t);
            }
    } else {
        char *t = respell(it->str ? it->str : "", spelling);
        cJSON_AddStringToObject(name, "value", t);
        free(t);
    }
    cJSON_AddItemToObject(name, "synonyms", syn);
    cJSON_AddItemToObject(v, "name", name);
    return v;
}

static bool str_in(const cJSON *arr, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) if (cJSON_IsString(e) && !strcmp(e->valuestring, s)) return true;
    return false;
}

/* Locale extras: {value: [synonyms]} adds synonyms, [values] adds values. */
static bool add_extra(cJSON *values, const struct ynode *extra, const struct ynode *spelling,
                      struct diag *d)
{
    if (extra->kind == YN_MAP) {
        for (size_t i = 0; i < extra->npairs; i++) {
            const char *want = extra->pairs[i].key->str;
            cJSON *v, *hit = NULL;
            cJSON_ArrayForEach(v, values)
            {
                cJSON *nm = cJSON_GetObjectItemCaseSensitive(v, "name");
                cJSON *val = cJSON_GetObjectItemCaseSensitive(nm, "value");
                cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "id");
                if ((cJSON_IsString(val) && !strcmp(val->valuestring, want)) ||
                    (cJSON_IsString(id) && !strcmp(id->valuestring, want))) {
                    hit = v;
                    break;
                }
            }
            if (!hit) {
                diag_error(d, &extra->pairs[i].key->loc, "extra synonyms for unknown value '%s'",
                           want);
                return false;
            }
            cJSON *syn = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(hit, "name"), "synonyms");
            const struct ynode *ss = extra->pairs[i].value;
            for (size_t j = 0; ss->kind == YN_SEQ && j < ss->nitems; j++)
                if (ss->items[j]->str && !str_in(syn, ss->items[j]->str))
                    cJSON_AddItemToArray(syn, cJSON_CreateString(ss->items[j]->str));
        }
        return true;
    }
    cJSON *known = cJSON_CreateArray();
    cJSON *v;
    cJSON_ArrayForEach(v, values)
    {
        cJSON *val =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(v, "name"), "value");
        if (cJSON_IsString(val))
            cJSON_AddItemToArray(known, cJSON_CreateString(val->valuestring));
    }
    for (size_t i = 0; extra->kind == YN_SEQ && i < extra->nitems; i++)
        if (extra->items[i]->str && !str_in(known, extra->items[i]->str))
            cJSON_AddItemToArray(values, value_json(extra->items[i], spelling));
    cJSON_Delete(known);
    return true;
}

static bool feature_on(const struct resolved *r, const char *name)
{
    const struct riface *fe = resolved_iface(r, "features");
    for (size_t i = 0; fe && i < fe->def->nparams; i++)
        if (!strcmp(fe->def->params[i].name, name))
            return fe->values[i].type == PT_BOOL && fe->values[i].b;
    return false;
}

char *skill_model_render(const struct skill *s, const struct skill_lang *l,
                         const struct skill_locale *loc, const struct resolved *r, struct diag *d)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *lm =
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(root, "interactionModel"), "languageModel");
    cJSON_AddStringToObject(lm, "invocationName", loc->invocation);
    cJSON *intents = cJSON_AddArrayToObject(lm, "intents");
    const char **used = xcalloc(s->ntypes + 1, sizeof *used);
    size_t nused = 0;
    for (size_t i = 0; i < s->nintents; i++) {
        const struct skill_intent *it = &s->intents[i];
        if (r && it->feature && !feature_on(r, it->feature))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", it->name);
        cJSON *slots = cJSON_AddArrayToObject(o, "slots");
        for (size_t j = 0; j < it->nslots; j++) {
            cJSON *sl = cJSON_CreateObject();
            cJSON_AddStringToObject(sl, "name", it->slots[j].name);
            cJSON_AddStringToObject(sl, "type", it->slots[j].type);
            cJSON_AddItemToArray(slots, sl);
            bool seen = false;
            for (size_t k = 0; k < nused; k++)
                seen = seen || !strcmp(used[k], it->slots[j].type);
            for (size_t k = 0; !seen && k < s->ntypes; k++)
                if (!strcmp(s->types[k], it->slots[j].type))
                    used[nused++] = s->types[k];
        }
        cJSON_AddItemToObject(o, "samples",
                              samples_json(ymap_get(l->samples, it->name), loc->spelling));
        cJSON_AddItemToArray(intents, o);
    }
    for (size_t i = 0; i < s->nbuiltin; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", s->builtin[i]);
        cJSON_AddItemToObject(o, "samples",
                              samples_json(ymap_get(l->samples, s->builtin[i]), loc->spelling));
        cJSON_AddItemToArray(intents, o);
    }
    cJSON *types = cJSON_AddArrayToObject(lm, "types");
    bool ok = true;
    for (size_t i = 0; i < s->ntypes; i++) {
        bool in = false;
        for (size_t k = 0; k < nused; k++)
            in = in || !strcmp(used[k], s->types[i]);
        if (!in)
            continue;
        const struct ynode *src = ymap_get(l->types, s->types[i]);
        if (!src || src->kind != YN_SEQ) {
            diag_error(d, &l->types->loc, "types: no values for %s (lang/%s.yaml)", s->types[i],
                       l->code);
            ok = false;
            continue;
        }
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "name", s->types[i]);
        cJSON *values = cJSON_AddArrayToObject(t, "values");
        for (size_t j = 0; j < src->nitems; j++)
            cJSON_AddItemToArray(values, value_json(src->items[j], loc->spelling));
        const struct ynode *extra = loc->extra ? ymap_get(loc->extra, s->types[i]) : NULL;
        if (extra && !add_extra(values, extra, loc->spelling, d))
            ok = false;
        cJSON_AddItemToArray(types, t);
    }
    free(used);
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return NULL;
    size_t n = strlen(text);
    char *out = xmalloc(n + 2);
    memcpy(out, text, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    cJSON_free(text);
    return out;
}
