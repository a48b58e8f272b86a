/* fuzzy: see fuzzy.h. */
#include "custom/fuzzy.h"

#include <stdbool.h>
#include <string.h>

static bool ends_with(const char *w, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(w + n - k, suf, k) == 0;
}

/* Singular form of the word w[0..n) in place; returns the new length. */
static size_t singular(char *w, size_t n)
{
    if (n > 4 && ends_with(w, n, "ies")) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (n > 4 && (ends_with(w, n, "ches") || ends_with(w, n, "shes") || ends_with(w, n, "sses")))
        return n - 2;
    if (n > 3 && ends_with(w, n, "xes"))
        return n - 2;
    if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' && w[n - 2] != 'i')
        return n - 1;
    return n;
}

size_t fuzzy_normalise(const char *in, size_t len, char *out, size_t outlen)
{
    if (!outlen)
        return 0;
    out[0] = '\0';
    if (!in)
        return 0;
    if (len > FUZZY_NAME_MAX)
        len = FUZZY_NAME_MAX;
    size_t o = 0;
    size_t i = 0;
    while (i < len) {
        /* skip separators */
        while (i < len) {
            unsigned char c = (unsigned char)in[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c >= 0x80)
                break;
            i++;
        }
        if (i >= len)
            break;
        char word[FUZZY_NAME_MAX + 1];
        size_t wn = 0;
        while (i < len && wn < FUZZY_NAME_MAX) {
            unsigned char c = (unsigned char)in[i];
            if (c == '\'' || c == 0xe2) { /* apostrophes (also the UTF-8 ’ lead byte run) */
                if (c == 0xe2 && i + 2 < len && (unsigned char)in[i + 1] == 0x80 &&
                    (unsigned char)in[i + 2] == 0x99) {
                    i += 3;
                    continue;
                }
                if (c == '\'') {
                    i++;
                    continue;
                }
            }
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80))
                break;
            word[wn++] = (char)c;
            i++;
        }
        if (wn == 3 && memcmp(word, "the", 3) == 0)
            continue;
        wn = singular(word, wn);
        if (o && o + 1 < outlen)
            out[o++] = ' ';
        for (size_t k = 0; k < wn && o + 1 < outlen; k++)
            out[o++] = word[k];
    }
    out[o] = '\0';
    return o;
}

unsigned fuzzy_similarity(const char *a, const char *b)
{
    size_t la = strnlen(a, FUZZY_NAME_MAX), lb = strnlen(b, FUZZY_NAME_MAX);
    size_t mx = la > lb ? la : lb;
    if (mx == 0)
        return 100;
    unsigned row[FUZZY_NAME_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] == b[j - 1] ? 0u : 1u);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    unsigned d = row[lb];
    return (unsigned)((mx - d) * 100u / mx);
}

/* true when every word of `small` is a word of `big` (both normalised, non-empty). */
static bool words_in(const char *small, const char *big)
{
    if (!*small || !*big)
        return false;
    const char *p = small;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        bool found = false;
        const char *q = big;
        while (*q && !found) {
            const char *qe = strchr(q, ' ');
            size_t qn = qe ? (size_t)(qe - q) : strlen(q);
            found = qn == n && memcmp(p, q, n) == 0;
            q = qe ? qe + 1 : q + qn;
        }
        if (!found)
            return false;
        p = e ? e + 1 : p + n;
    }
    return true;
}

struct scored {
    size_t idx;
    unsigned tier; /* 1, 2, 3 or 0 (no hit) */
    unsigned sim;
};

static void item_forms(const struct fuzzy_item *it, char name[FUZZY_NAME_MAX + 1],
                       char obj[FUZZY_NAME_MAX + 1])
{
    name[0] = obj[0] = '\0';
    if (it->name)
        fuzzy_normalise(it->name, strlen(it->name), name, FUZZY_NAME_MAX + 1);
    if (it->entity_id) {
        const char *dot = strchr(it->entity_id, '.');
        const char *o = dot ? dot + 1 : it->entity_id;
        fuzzy_normalise(o, strlen(o), obj, FUZZY_NAME_MAX + 1);
    }
}

static void keep_best(struct scored *top, size_t *ntop, struct scored s)
{
    /* sorted by similarity, descending; at most FUZZY_MAX_CANDIDATES */
    size_t n = *ntop;
    size_t pos = n;
    while (pos > 0 && top[pos - 1].sim < s.sim)
        pos--;
    if (pos >= FUZZY_MAX_CANDIDATES)
        return;
    size_t last = n < FUZZY_MAX_CANDIDATES ? n : FUZZY_MAX_CANDIDATES - 1;
    for (size_t k = last; k > pos; k--)
        top[k] = top[k - 1];
    top[pos] = s;
    if (n < FUZZY_MAX_CANDIDATES)
        *ntop = n + 1;
}

void fuzzy_match(const char *query, const struct fuzzy_item *items, size_t n,
                 struct fuzzy_result *out)
{
    memset(out, 0, sizeof *out);
    out->kind = FUZZY_NONE;
    out->suggestion = -1;
    char q[FUZZY_NAME_MAX + 1];
    fuzzy_normalise(query ? query : "", query ? strlen(query) : 0, q, sizeof q);
    if (!q[0] || !items || !n)
        return;
    /* per tier: the best few hits; overall: the most similar item */
    struct scored hits[4][FUZZY_MAX_CANDIDATES];
    size_t nhits[4] = {0, 0, 0, 0};
    size_t count[4] = {0, 0, 0, 0};
    struct scored best_any = {0, 0, 0};
    bool have_any = false;
    for (size_t i = 0; i < n; i++) {
        char name[FUZZY_NAME_MAX + 1], obj[FUZZY_NAME_MAX + 1];
        item_forms(&items[i], name, obj);
        unsigned s1 = name[0] ? fuzzy_similarity(q, name) : 0;
        unsigned s2 = obj[0] ? fuzzy_similarity(q, obj) : 0;
        struct scored s = {i, 0, s1 > s2 ? s1 : s2};
        if ((name[0] && strcmp(q, name) == 0) || (obj[0] && strcmp(q, obj) == 0))
            s.tier = 1;
        else if (words_in(q, name) || words_in(q, obj) || words_in(name, q) || words_in(obj, q))
            s.tier = 2;
        else if (s.sim >= FUZZY_THRESHOLD)
            s.tier = 3;
        if (s.tier) {
            count[s.tier]++;
            keep_best(hits[s.tier], &nhits[s.tier], s);
        }
        if (s.sim > 0 && (!have_any || s.sim > best_any.sim)) {
            best_any = s;
            have_any = true;
        }
    }
    out->score = have_any ? best_any.sim : 0;
    for (unsigned t = 1; t <= 3; t++) {
        if (!count[t])
            continue;
        bool tie = count[t] > 1;
        if (t == 3 && tie && hits[3][0].sim >= hits[3][1].sim + FUZZY_TIE_MARGIN)
            tie = false;
        if (!tie) {
            out->kind = FUZZY_MATCH;
            out->index = hits[t][0].idx;
            return;
        }
        out->kind = FUZZY_AMBIGUOUS;
        for (size_t k = 0; k < nhits[t]; k++)
            out->cands[out->ncands++] = hits[t][k].idx;
        return;
    }
    out->suggestion = have_any ? (long)best_any.idx : -1;
}
