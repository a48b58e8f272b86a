/* skill_messages: see skill_messages.h. */
#include "emit/skill_messages.h"

#include "front/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct words {
    struct skill_word *v;
    size_t n, cap;
};

/* Sets word → value (a word given twice keeps its place and takes the later value). */
static void set(struct words *w, const char *word, int value)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->v[i].word, word)) {
            w->v[i].value = value;
            return;
        }
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->v = xrealloc(w->v, w->cap * sizeof *w->v);
    }
    w->v[w->n].word = xstrdup(word);
    w->v[w->n++].value = value;
}

static void setf(struct words *w, int value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void setf(struct words *w, int value, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    set(w, buf, value);
}

static const char *item(const struct ynode *seq, size_t i)
{
    return seq && seq->kind == YN_SEQ && i < seq->nitems && seq->items[i]->str ? seq->items[i]->str
                                                                               : "";
}

/* The word for tens t (2..9) plus unit u (1..9), by the catalogue's rule. */
static void compose(struct words *w, const char *rule, const char *tens, int u, const char *unit,
                    int v)
{
    if (!strcmp(rule, "de")) {
        setf(w, v, "%sund%s", u == 1 ? "ein" : unit, tens);
    } else if (!strcmp(rule, "es")) {
        setf(w, v, "%s y %s", tens, unit);
    } else if (!strcmp(rule, "it")) {
        size_t tl = strlen(tens);
        if (u == 1 || u == 8) /* drop the last character: vent+uno, vent+otto */
            while (tl && ((unsigned char)tens[--tl] & 0xC0) == 0x80)
                ;
        setf(w, v, "%.*s%s", (int)tl, tens, u == 3 ? "tr\xc3\xa9" : unit);
    } else {
        setf(w, v, "%s %s", tens, unit);
    }
}

size_t skill_number_words(const struct skill_lang *l, struct skill_word **out)
{
    const struct ynode *n = ymap_get(l->cat, "numbers");
    const struct ynode *units = ymap_get(n, "units"), *tens = ymap_get(n, "tens");
    const struct ynode *hundred = ymap_get(n, "hundred");
    const char *rule = ymap_get(n, "rule") ? ymap_get(n, "rule")->str : "en";
    int nunits = (int)units->nitems;
    struct words w = {0};
    for (int i = 0; i < nunits; i++)
        set(&w, item(units, (size_t)i), i);
    if (!strcmp(rule, "fr")) {
        /* 20..69 regular; 70..79 soixante + 10..19; 80 quatre vingts; 81..99 quatre vingt +
         * 1..19 */
        for (int t = 2; t <= 9; t++)
            for (int u = 0; u <= 9; u++) {
                int v = t * 10 + u;
                if (v < nunits)
                    continue;
                const char *base = item(tens, (size_t)t - 2);
                if (t <= 6) {
                    if (u == 0)
                        setf(&w, v, "%s", base);
                    else if (u == 1)
                        setf(&w, v, "%s et un", base);
                    else
                        setf(&w, v, "%s %s", base, item(units, (size_t)u));
                } else if (t == 7) {
                    setf(&w, v, "soixante %s%s", u == 1 ? "et " : "",
                         item(units, (size_t)(10 + u)));
                } else if (t == 8) {
                    if (u == 0)
                        set(&w, "quatre vingts", v);
                    else
                        setf(&w, v, "quatre vingt %s", item(units, (size_t)u));
                } else {
                    setf(&w, v, "quatre vingt %s", item(units, (size_t)(10 + u)));
                }
            }
        set(&w, "quatre vingt", 80);
    } else {
        for (int t = 2; t <= 9; t++) {
            int v0 = t * 10;
            if (v0 >= nunits)
                set(&w, item(tens, (size_t)t - 2), v0);
            for (int u = 1; u <= 9; u++)
                if (v0 + u >= nunits)
                    compose(&w, rule, item(tens, (size_t)t - 2), u, item(units, (size_t)u), v0 + u);
        }
    }
    for (size_t i = 0; hundred && i < hundred->nitems; i++)
        set(&w, item(hundred, i), 100);
    if (!strcmp(rule, "de")) {
        set(&w, "ein", 1);
        size_t have = w.n;
        for (size_t i = 0; i < have; i++) /* Swiss spelling: ß → ss */
            if (strstr(w.v[i].word, "\xc3\x9f")) {
                struct sbuf b = {0};
                for (const char *p = w.v[i].word; *p;)
                    if (!strncmp(p, "\xc3\x9f", 2)) {
                        sbuf_add(&b, "ss");
                        p += 2;
                    } else {
                        sbuf_addn(&b, p++, 1);
                    }
                set(&w, b.s, w.v[i].value);
                sbuf_free(&b);
            }
    }
    if (!strcmp(rule, "es")) {
        set(&w, "un", 1);
        set(&w, "una", 1);
        set(&w, "veinti\xc3\xban", 21);
    }
    *out = w.v;
    return w.n;
}

void skill_words_free(struct skill_word *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i].word);
    free(w);
}

static int by_value_word(const void *a, const void *b)
{
    const struct skill_word *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return strcmp(x->word, y->word);
}

/* A C string literal: UTF-8 bytes, non-ASCII as octal escapes so the file is ASCII. */
static void c_str(struct sbuf *b, const char *s)
{
    sbuf_add(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sbuf_printf(b, "\\%c", *p);
        else if (*p >= 32 && *p < 127)
            sbuf_addn(b, (const char *)p, 1);
        else
            sbuf_printf(b, "\\%03o", *p);
    }
    sbuf_add(b, "\"");
}

/* Lower case (ASCII and Latin-1 capitals), '-' as a space, single spaces, trimmed: what
 * the runtime's sk_normalise makes of what Alexa heard. */
static char *norm_word(const char *w)
{
    char *o = xmalloc(strlen(w) + 1);
    size_t at = 0;
    for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
        unsigned char c = *p;
        if (c == '-' || c == ' ' || c == '\t' || c == '\n') {
            if (at && o[at - 1] != ' ')
                o[at++] = ' ';
            continue;
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        o[at++] = (char)c;
        if (c == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
            o[at++] = (char)(p[1] + 0x20);
            p++;
        }
    }
    while (at && o[at - 1] == ' ')
        at--;
    o[at] = '\0';
    return o;
}

/* The enum name of a message key: SK_ + upper case, other characters as '_'. */
static void enum_name(struct sbuf *b, const char *key)
{
    sbuf_add(b, "SK_");
    for (const char *p = key; *p; p++) {
        char c = *p;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            c = '_';
        sbuf_addn(b, &c, 1);
    }
}

/* Trimmed copy of a message. */
static char *trimmed(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
        n--;
    return xstrndup(s, n);
}

static void word_table(struct sbuf *b, const char *lang, const char *name, struct skill_word *w,
                       size_t n, bool sort)
{
    if (sort)
        qsort(w, n, sizeof *w, by_value_word);
    sbuf_printf(b, "static const struct sk_word %s_%s[] = {\n", name, lang);
    for (size_t i = 0; i < n; i++) {
        char *nw = norm_word(w[i].word);
        sbuf_add(b, "    {");
        c_str(b, nw);
        sbuf_printf(b, ", %d},\n", w[i].value);
        free(nw);
    }
    sbuf_add(b, "};\n");
}

static void lang_tables(struct sbuf *b, const struct skill *s, const struct skill_lang *l)
{
    const char *c = l->code;
    const struct ynode *keys = skill_messages(&s->langs[0]);
    const struct ynode *msgs = skill_messages(l);
    sbuf_printf(b, "\n/* %s: presets/skill/messages.%s.yaml */\n", c, c);
    sbuf_printf(b, "static const char *const msg_%s[SK_MSG_COUNT] = {\n", c);
    for (size_t i = 0; i < keys->npairs; i++) {
        sbuf_add(b, "    [");
        enum_name(b, keys->pairs[i].key->str);
        sbuf_add(b, "] = ");
        char *t = trimmed(ymap_get(msgs, keys->pairs[i].key->str)->str);
        c_str(b, t);
        free(t);
        sbuf_add(b, ",\n");
    }
    sbuf_add(b, "};\n");

    struct skill_word *w;
    size_t n = skill_number_words(l, &w);
    word_table(b, c, "numbers", w, n, true);
    skill_words_free(w, n);

    const struct ynode *ord = ymap_get(l->cat, "ordinals");
    struct words ow = {0};
    for (size_t i = 0; i < ord->nitems; i++)
        for (size_t j = 0; j < ord->items[i]->nitems; j++)
            set(&ow, ord->items[i]->items[j]->str, (int)i + 1);
    word_table(b, c, "ordinals", ow.v, ow.n, true);
    skill_words_free(ow.v, ow.n);

    const struct ynode *bo = ymap_get(l->cat, "bool");
    const struct ynode *on = ymap_get(bo, "on"), *off = ymap_get(bo, "off");
    struct skill_word *bw = xcalloc(on->nitems + off->nitems + 1, sizeof *bw);
    size_t nb = 0;
    for (size_t i = 0; i < on->nitems; i++)
        bw[nb++] = (struct skill_word){xstrdup(on->items[i]->str), 1};
    for (size_t i = 0; i < off->nitems; i++)
        bw[nb++] = (struct skill_word){xstrdup(off->items[i]->str), 0};
    word_table(b, c, "bools", bw, nb, false);
    skill_words_free(bw, nb);

    const struct ynode *pt = ymap_get(ymap_get(l->cat, "numbers"), "point");
    sbuf_printf(b, "static const char *const points_%s[] = {", c);
    for (size_t i = 0; i < pt->nitems; i++) {
        char *nw = norm_word(pt->items[i]->str);
        sbuf_add(b, i ? ", " : "");
        c_str(b, nw);
        free(nw);
    }
    sbuf_add(b, "};\n");

    const struct ynode *f = ymap_get(l->cat, "format"), *u = ymap_get(f, "units");
    sbuf_printf(b, "static const struct sk_lang lang_%s = {\n    .code = ", c);
    c_str(b, c);
    sbuf_printf(b, ",\n    .msg = msg_%s,\n", c);
    static const char *const fk[][2] = {{"list_sep", "list_separator"},
                                        {"and_word", "and"},
                                        {"or_word", "or"},
                                        {"decimal", "decimal"},
                                        {"percent", "percent"}};
    for (size_t i = 0; i < 5; i++) {
        sbuf_printf(b, "    .%s = ", fk[i][0]);
        c_str(b, ymap_get(f, fk[i][1])->str);
        sbuf_add(b, ",\n");
    }
    sbuf_add(b, "    .unit = {");
    static const char *const uk[] = {"hour", "minute", "second"};
    for (size_t i = 0; i < 3; i++) {
        const struct ynode *p = ymap_get(u, uk[i]);
        sbuf_add(b, i ? ", {" : "{");
        c_str(b, p->items[0]->str);
        sbuf_add(b, ", ");
        c_str(b, p->items[1]->str);
        sbuf_add(b, "}");
    }
    sbuf_add(b, "},\n");
    static const char *const dk[][2] = {{"dur_sep", "duration_separator"},
                                        {"dur_last", "duration_last"},
                                        {"dur_zero", "duration_zero"}};
    for (size_t i = 0; i < 3; i++) {
        sbuf_printf(b, "    .%s = ", dk[i][0]);
        c_str(b, ymap_get(f, dk[i][1])->str);
        sbuf_add(b, ",\n");
    }
    static const char *const tk[][2] = {{"numbers", "nnumbers"},
                                        {"points", "npoints"},
                                        {"ordinals", "nordinals"},
                                        {"bools", "nbools"}};
    for (size_t i = 0; i < 4; i++)
        sbuf_printf(b, "    .%s = %s_%s,\n    .%s = sizeof %s_%s / sizeof %s_%s[0],\n", tk[i][0],
                    tk[i][0], c, tk[i][1], tk[i][0], c, tk[i][0], c);
    sbuf_add(b, "};\n");
}

/* An intent name as a C identifier: AMAZON.HelpIntent → AMAZON_HelpIntent. */
static void intent_ident(struct sbuf *b, const char *name)
{
    for (; *name; name++)
        sbuf_printf(b, "%c", *name == '.' ? '_' : *name);
}

/* presets/skill/intents.yaml checked against the runtime's one intent list
 * (runtime/custom/intents.h, CS_INTENTS) by the C compiler: an intent declared here
 * without a runtime row, a runtime row declared nowhere here, or another feature stops
 * the build of the bootstrap. */
static void intent_checks(struct sbuf *b, const struct skill *s)
{
    sbuf_add(b, "\n/* presets/skill/intents.yaml and runtime/custom/intents.h name the same "
                "intents, each\n * with the same feature (none: always built in). */\n"
                "#include \"custom/intents.h\"\n\nenum leec_intent_feature {\n"
                "    LEEC_INTENT_FEATURE_none,\n");
    for (size_t i = 0; i < s->nintents; i++) {
        const char *f = s->intents[i].feature;
        bool seen = !f;
        for (size_t j = 0; j < i && !seen; j++)
            seen = s->intents[j].feature && !strcmp(s->intents[j].feature, f);
        if (!seen)
            sbuf_printf(b, "    LEEC_INTENT_FEATURE_%s,\n", f);
    }
    sbuf_add(b, "};\n#define LEEC_RT_INTENT(id, name, feature, token, handler) \\\n"
                "    enum { leec_rt_intent_##id = LEEC_INTENT_FEATURE_##feature };\n"
                "CS_INTENTS(LEEC_RT_INTENT)\n#undef LEEC_RT_INTENT\n"
                "#define LEEC_RT_INTENT_COUNT(id, name, feature, token, handler) +1\n");
    sbuf_printf(b,
                "_Static_assert(0 CS_INTENTS(LEEC_RT_INTENT_COUNT) == %zu, \"runtime/custom/"
                "intents.h answers an intent presets/skill/intents.yaml does not declare\");\n"
                "#undef LEEC_RT_INTENT_COUNT\n",
                s->nintents + s->nbuiltin);
    for (size_t i = 0; i < s->nintents + s->nbuiltin; i++) {
        const char *name = i < s->nintents ? s->intents[i].name : s->builtin[i - s->nintents];
        const char *f = i < s->nintents && s->intents[i].feature ? s->intents[i].feature : "none";
        sbuf_add(b, "_Static_assert((int)leec_rt_intent_");
        intent_ident(b, name);
        sbuf_printf(b,
                    " == (int)LEEC_INTENT_FEATURE_%s, \"intent %s (presets/skill/intents.yaml, "
                    "feature %s): runtime/custom/intents.h has no row for it, or another "
                    "feature\");\n",
                    f, name, f);
    }
}

char *skill_messages_render(const struct skill *s, const char *const *codes, size_t n)
{
    struct sbuf b = {0};
    const struct ynode *keys = skill_messages(&s->langs[0]);
    sbuf_add(&b, "/* Generated by leec from presets/skill/messages.<language>.yaml: the Custom "
                 "skill's\n * answers in this project's languages (");
    const struct skill_lang *chosen[64];
    size_t nc = 0;
    chosen[nc++] = &s->langs[0];
    for (size_t i = 0; i < n && nc < 64; i++) {
        const struct skill_lang *l = skill_lang(s, codes[i]);
        bool dup = false;
        for (size_t j = 0; j < nc; j++)
            dup = dup || chosen[j] == l;
        if (l && !dup)
            chosen[nc++] = l;
    }
    for (size_t i = 0; i < nc; i++)
        sbuf_printf(&b, "%s%s", i ? ", " : "", chosen[i]->code);
    sbuf_add(&b, "). Do not edit. */\n#include \"custom/lang_tables.h\"\n\n");
    sbuf_printf(&b,
                "/* runtime/custom/lang_tables.h names every message of messages.en.yaml */\n"
                "_Static_assert(SK_MSG_COUNT == %zu, \"enum sk_msg (custom/lang_tables.h) and "
                "presets/skill/messages.en.yaml differ: every message key is one SK_ name\");\n",
                keys->npairs);
    for (size_t i = 0; i < nc; i++)
        lang_tables(&b, s, chosen[i]);
    sbuf_add(&b, "\n/* English first: the answer for every locale not compiled in. */\n"
                 "const struct sk_lang *const sk_langs[] = {");
    for (size_t i = 0; i < nc; i++)
        sbuf_printf(&b, "%s&lang_%s", i ? ", " : "", chosen[i]->code);
    sbuf_add(&b, "};\nconst size_t sk_nlangs = sizeof sk_langs / sizeof sk_langs[0];\n");
    intent_checks(&b, s);
    return b.s;
}
