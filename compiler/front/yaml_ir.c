/* yaml_ir: see yaml_ir.h.
 *
 * The tree is built from libyaml parser events. Locations are computed from the
 * event marks' character index (libyaml counts decoded characters), converted to
 * diag's convention (lines split on '\n', columns in code points) with a cursor
 * that only moves forward in the common case, so loading stays linear. The input
 * is forced to UTF-8: anything else is reported by libyaml's reader as invalid
 * UTF-8 at a byte offset.
 *
 * Memory: every node is its own allocation, owned by its parent (the root by the
 * ydoc). Anchor names are owned by the ydoc (nodes point at them). An alias is
 * expanded by deep copy, after checking the copy against YIR_MAX_NODES,
 * YIR_MAX_TEXT_BYTES and YIR_MAX_DEPTH, so the final tree is never deeper than YIR_MAX_DEPTH collections
 * (recursion over it is bounded). */
#include "front/yaml_ir.h"

#include "front/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Stop after this many errors in one file (keeps output, and time, bounded). */
#define YIR_MAX_ERRORS 100u

struct ydoc {
    const struct src_file *src;
    struct ynode *root;
    char **anchors; /* names nodes point at */
    size_t nanchors;
};

/* ---- string hash (open addressing) ---------------------------------------- */

struct hent {
    const char *s; /* NULL: empty slot */
    size_t len;
    size_t val;
};

struct shash {
    struct hent *slots;
    size_t cap; /* power of two, or 0 */
    size_t count;
};

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static struct hent *shash_slot(const struct shash *h, const char *s, size_t len)
{
    size_t mask = h->cap - 1;
    for (size_t i = (size_t)hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        struct hent *e = &h->slots[i];
        if (!e->s || (e->len == len && memcmp(e->s, s, len) == 0))
            return e;
    }
}

static struct hent *shash_find(const struct shash *h, const char *s, size_t len)
{
    if (!h->cap)
        return NULL;
    struct hent *e = shash_slot(h, s, len);
    return e->s ? e : NULL;
}

/* Inserts or overwrites. s must outlive the table. */
static void shash_put(struct shash *h, const char *s, size_t len, size_t val)
{
    if ((h->count + 1) * 2 > h->cap) {
        struct shash n = {0};
        n.cap = h->cap ? h->cap * 2 : 16;
        n.slots = xcalloc(n.cap, sizeof *n.slots);
        for (size_t i = 0; i < h->cap; i++)
            if (h->slots[i].s)
                *shash_slot(&n, h->slots[i].s, h->slots[i].len) = h->slots[i];
        n.count = h->count;
        free(h->slots);
        *h = n;
    }
    struct hent *e = shash_slot(h, s, len);
    if (!e->s)
        h->count++;
    e->s = s;
    e->len = len;
    e->val = val;
}

static void shash_free(struct shash *h)
{
    free(h->slots);
    memset(h, 0, sizeof *h);
}

/* ---- nodes ------------------------------------------------------------------ */

static void node_free(struct ynode *n)
{
    if (!n)
        return;
    free(n->str);
    for (size_t i = 0; i < n->nitems; i++)
        node_free(n->items[i]);
    free(n->items);
    for (size_t i = 0; i < n->npairs; i++) {
        node_free(n->pairs[i].key);
        node_free(n->pairs[i].value);
    }
    free(n->pairs);
    free(n);
}

/* ---- loader state ----------------------------------------------------------- */

struct frame {
    struct ynode *node; /* YN_SEQ or YN_MAP, already attached to its parent */
    bool expect_key;    /* YN_MAP: next node is a key */
    struct shash keys;  /* YN_MAP: key text -> pair index */
    char *anchor;       /* anchor of this collection, registered when it ends */
    uint64_t anchor_seq;
    size_t cap; /* allocated items/pairs */
};

struct anchor_def {
    const char *name; /* owned by ydoc->anchors */
    struct ynode *node;
    uint64_t seq;
};

struct cursor {
    size_t idx; /* character index (libyaml's mark.index) */
    size_t off; /* byte offset */
    uint32_t line, col;
};

struct loader {
    struct diag *d;
    const struct src_file *src;
    struct ydoc *doc;
    struct frame frames[YIR_MAX_DEPTH];
    size_t nframes;
    struct anchor_def *defs;
    size_t ndefs, capdefs;
    struct shash anchor_index; /* name -> latest index in defs */
    uint64_t seq;
    size_t nnodes;
    size_t nbytes; /* scalar text in the tree, copies included (<= YIR_MAX_TEXT_BYTES) */
    unsigned errors;
    bool stop; /* fatal: no more events */
    bool too_many;
    bool documents_seen;
    struct cursor cur;
    size_t bom; /* 1 if the text starts with a UTF-8 BOM (3 bytes, 1 character) */
};

/* ---- locations -------------------------------------------------------------- */

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* Moves the cursor to character index idx (or the end of the text). */
static void cursor_seek(struct loader *L, size_t idx)
{
    struct cursor *c = &L->cur;
    const char *t = L->src->text;
    size_t len = L->src->len;
    idx += L->bom; /* libyaml does not see the BOM; diag counts it as a character */
    if (idx < c->idx) {
        c->idx = 0;
        c->off = 0;
        c->line = 1;
        c->col = 1;
    }
    while (c->idx < idx && c->off < len) {
        if (t[c->off] == '\n') {
            c->line++;
            c->col = 1;
        } else {
            c->col++;
        }
        c->off++;
        while (c->off < len && is_cont((unsigned char)t[c->off]))
            c->off++;
        c->idx++;
    }
}

static struct loc loc_at_index(struct loader *L, size_t idx, uint32_t span)
{
    cursor_seek(L, idx);
    return loc_make(L->src, L->cur.line, L->cur.col, span);
}

static struct loc loc_at_mark(struct loader *L, yaml_mark_t m, uint32_t span)
{
    return loc_at_index(L, m.index, span);
}

/* Location of a raw byte offset (reader errors), counting characters as diag does. */
static struct loc loc_at_byte(const struct src_file *f, size_t off)
{
    uint32_t line = 1, col = 1;
    if (off > f->len)
        off = f->len;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)f->text[i];
        if (ch == '\n') {
            line++;
            col = 1;
        } else if (!is_cont(ch)) {
            col++;
        }
    }
    return loc_make(f, line, col, 1);
}

/* Character index of the node's own text, skipping an anchor (&name) and the
 * blanks, line breaks and comments after it. libyaml starts a node's event at
 * its properties; we locate nodes where their content is written. */
static size_t skip_anchor(struct loader *L, size_t idx, size_t limit)
{
    cursor_seek(L, idx);
    idx += L->bom;
    if (limit != SIZE_MAX)
        limit += L->bom;
    const char *t = L->src->text;
    size_t len = L->src->len, off = L->cur.off;
    if (off >= len || t[off] != '&')
        return idx - L->bom;
    off++, idx++;
    while (off < len && idx < limit && t[off] != ' ' && t[off] != '\t' && t[off] != '\n' &&
           t[off] != '\r' && t[off] != ',' && t[off] != '[' && t[off] != ']' && t[off] != '{' &&
           t[off] != '}') {
        off++, idx++;
        while (off < len && is_cont((unsigned char)t[off]))
            off++;
    }
    while (off < len && idx < limit) {
        char ch = t[off];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
            off++, idx++;
        } else if (ch == '#') {
            while (off < len && t[off] != '\n') {
                off++, idx++;
                while (off < len && is_cont((unsigned char)t[off]))
                    off++;
            }
        } else {
            break;
        }
    }
    return (idx < limit ? idx : limit) - L->bom;
}

/* ---- errors ----------------------------------------------------------------- */

static void too_many_errors(struct loader *L)
{
    if (++L->errors >= YIR_MAX_ERRORS && !L->too_many) {
        L->too_many = true; /* reported once the current error's notes are out */
        L->stop = true;
    }
}

#define LERR(L, at, ...)                       \
    do {                                       \
        diag_error((L)->d, (at), __VA_ARGS__); \
        too_many_errors(L);                    \
    } while (0)

/* Printable form of a key for messages: control characters escaped, long keys cut. */
static void key_display(const struct ynode *k, char *buf, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < k->len && o + 8 < size; i++) {
        unsigned char ch = (unsigned char)k->str[i];
        if (o + 12 >= size && !is_cont(ch)) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (ch == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if (ch < 0x20 || ch == 0x7f) {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02X", ch);
        } else {
            buf[o++] = (char)ch;
        }
    }
    buf[o] = '\0';
}

/* Where to point for a node: the alias that produced it, else the node itself. */
static const struct loc *where(const struct ynode *n)
{
    return n->alias_loc.file ? &n->alias_loc : &n->loc;
}

/* ---- building ----------------------------------------------------------------- */

static struct ynode *new_node(struct loader *L, enum ynode_kind kind, struct loc at)
{
    struct ynode *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->loc = at;
    L->nnodes++;
    return n;
}

static bool count_ok(struct loader *L, const struct loc *at)
{
    if (L->nnodes < YIR_MAX_NODES)
        return true;
    LERR(L, at, "document has more than %u nodes", YIR_MAX_NODES);
    L->stop = true;
    return false;
}

static const char *intern_anchor(struct loader *L, char *name)
{
    struct ydoc *doc = L->doc;
    doc->anchors = xrealloc(doc->anchors, (doc->nanchors + 1) * sizeof *doc->anchors);
    doc->anchors[doc->nanchors++] = name;
    return name;
}

static void define_anchor(struct loader *L, char *name, uint64_t seq, struct ynode *n)
{
    const char *s = intern_anchor(L, name);
    n->anchor = s;
    if (L->ndefs == L->capdefs) {
        L->capdefs = L->capdefs ? L->capdefs * 2 : 16;
        L->defs = xrealloc(L->defs, L->capdefs * sizeof *L->defs);
    }
    L->defs[L->ndefs] = (struct anchor_def){s, n, seq};
    shash_put(&L->anchor_index, s, strlen(s), L->ndefs);
    L->ndefs++;
}

/* Attaches a finished scalar, a just-started collection, or an alias copy to the
 * current parent (or as the root). Checks keys. */
static void attach(struct loader *L, struct ynode *n)
{
    if (L->nframes == 0) {
        if (!L->doc->root)
            L->doc->root = n;
        else
            node_free(n); /* cannot happen: one node per document */
        return;
    }
    struct frame *f = &L->frames[L->nframes - 1];
    struct ynode *p = f->node;
    if (p->kind == YN_SEQ) {
        if (p->nitems == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 4;
            p->items = xrealloc(p->items, f->cap * sizeof *p->items);
        }
        p->items[p->nitems++] = n;
        return;
    }
    if (!f->expect_key) {
        p->pairs[p->npairs - 1].value = n;
        f->expect_key = true;
        return;
    }
    if (p->npairs == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 4;
        p->pairs = xrealloc(p->pairs, f->cap * sizeof *p->pairs);
    }
    p->pairs[p->npairs].key = n;
    p->pairs[p->npairs].value = NULL;
    p->npairs++;
    f->expect_key = false;
    if (n->kind != YN_SCALAR) {
        LERR(L, where(n), "mapping keys must be scalars, not a %s", ynode_kind_name(n));
        return;
    }
    if (n->style == YS_PLAIN && n->len == 2 && memcmp(n->str, "<<", 2) == 0) {
        LERR(L, where(n),
             "merge keys (<<) are not supported; repeat the keys or use an alias for the "
             "whole mapping");
        return;
    }
    struct hent *e = shash_find(&f->keys, n->str, n->len);
    if (e) {
        char buf[128];
        key_display(n, buf, sizeof buf);
        LERR(L, where(n), "duplicate key '%s'", buf);
        diag_note(L->d, where(p->pairs[e->val].key), "first defined here");
        return;
    }
    shash_put(&f->keys, n->str, n->len, p->npairs - 1);
}

/* Nodes in n, its scalar bytes (*bytes) and its height in collections; stops counting
 * past budget. */
static size_t subtree_size(const struct ynode *n, size_t budget, uint32_t *height, size_t *bytes)
{
    size_t total = 1;
    uint32_t h = 0;
    *height = 0;
    if (n->kind == YN_SCALAR) {
        *bytes += n->len;
    } else if (n->kind == YN_SEQ) {
        for (size_t i = 0; i < n->nitems && total <= budget; i++) {
            uint32_t ch;
            total += subtree_size(n->items[i], budget - total, &ch, bytes);
            if (ch > h)
                h = ch;
        }
        *height = h + 1;
    } else if (n->kind == YN_MAP) {
        for (size_t i = 0; i < n->npairs && total <= budget; i++) {
            uint32_t ch;
            total += subtree_size(n->pairs[i].key, budget - total, &ch, bytes);
            if (ch > h)
                h = ch;
            if (total <= budget && n->pairs[i].value) {
                total += subtree_size(n->pairs[i].value, budget - total, &ch, bytes);
                if (ch > h)
                    h = ch;
            }
        }
        *height = h + 1;
    }
    return total;
}

static struct ynode *copy_node(struct loader *L, const struct ynode *o, const struct loc *alias_at,
                               const char *alias_name)
{
    struct ynode *n = xmalloc(sizeof *n);
    *n = *o;
    L->nnodes++;
    n->alias_loc = *alias_at;
    n->alias_name = alias_name;
    n->str = NULL;
    n->items = NULL;
    n->pairs = NULL;
    if (o->kind == YN_SCALAR) {
        n->str = xstrndup(o->str, o->len);
    } else if (o->kind == YN_SEQ) {
        n->items = xmalloc(o->nitems * sizeof *n->items);
        for (size_t i = 0; i < o->nitems; i++)
            n->items[i] = copy_node(L, o->items[i], alias_at, alias_name);
    } else {
        n->pairs = xmalloc(o->npairs * sizeof *n->pairs);
        for (size_t i = 0; i < o->npairs; i++) {
            n->pairs[i].key = copy_node(L, o->pairs[i].key, alias_at, alias_name);
            n->pairs[i].value =
                o->pairs[i].value ? copy_node(L, o->pairs[i].value, alias_at, alias_name) : NULL;
        }
    }
    return n;
}

static void on_alias(struct loader *L, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    size_t nlen = strlen(name);
    uint32_t span = (uint32_t)(ev->end_mark.index - ev->start_mark.index);
    struct loc at = loc_at_mark(L, ev->start_mark, span);
    /* The most recent anchor with this name: a finished node, or an enclosing
     * collection that is still open (a recursive alias). */
    const struct anchor_def *def = NULL;
    struct hent *e = shash_find(&L->anchor_index, name, nlen);
    if (e)
        def = &L->defs[e->val];
    bool recursive = false;
    for (size_t i = L->nframes; i-- > 0;) {
        const struct frame *f = &L->frames[i];
        if (f->anchor && strcmp(f->anchor, name) == 0 && (!def || f->anchor_seq > def->seq)) {
            recursive = true;
            break;
        }
    }
    struct ynode *copy = NULL;
    if (recursive) {
        LERR(L, &at, "alias '*%s' refers to a node that contains it", name);
    } else if (!def) {
        LERR(L, &at, "undefined alias '*%s'", name);
    } else {
        uint32_t height;
        size_t budget = YIR_MAX_NODES - (L->nnodes < YIR_MAX_NODES ? L->nnodes : YIR_MAX_NODES);
        size_t bytes = 0;
        size_t size = subtree_size(def->node, budget, &height, &bytes);
        if (size > budget) {
            LERR(L, &at, "alias expansion exceeds %u nodes", YIR_MAX_NODES);
            L->stop = true;
            return;
        }
        /* Nodes alone do not bound memory: one long anchored scalar repeated by many
         * aliases is few nodes and gigabytes of text. */
        if (bytes > YIR_MAX_TEXT_BYTES - L->nbytes) {
            LERR(L, &at, "alias expansion exceeds %u bytes of text (%u MiB)", YIR_MAX_TEXT_BYTES,
                 YIR_MAX_TEXT_BYTES >> 20);
            L->stop = true;
            return;
        }
        L->nbytes += bytes;
        if (L->nframes + height > YIR_MAX_DEPTH) {
            LERR(L, &at, "alias expansion nests deeper than %u levels", YIR_MAX_DEPTH);
            L->stop = true;
            return;
        }
        copy = copy_node(L, def->node, &at, def->name);
    }
    if (!copy) {
        /* Placeholder so that keys and values stay paired. */
        if (!count_ok(L, &at))
            return;
        copy = new_node(L, YN_SCALAR, at);
        copy->str = xstrndup("", 0);
    }
    attach(L, copy);
}

static bool check_tag(struct loader *L, const yaml_char_t *tag, yaml_mark_t start)
{
    if (!tag)
        return true;
    struct loc at = loc_at_mark(L, start, 1);
    LERR(L, &at, "tags are not supported (found '%s'); write the value without a tag",
         (const char *)tag);
    return false;
}

/* Where the escape that produced a NUL is written in a double-quoted scalar that
 * spans src[from, to): "\0", "\x00", "\u0000" or "\U00000000". Its byte offset and
 * *len, or SIZE_MAX when none is found (then the scalar itself is located). */
static size_t nul_escape_at(const struct src_file *src, size_t from, size_t to, size_t *len)
{
    static const char *const forms[] = {"\\0", "\\x00", "\\u0000", "\\U00000000"};
    if (to > src->len)
        to = src->len;
    for (size_t i = from; i + 1 < to; i++) {
        if (src->text[i] != '\\')
            continue;
        for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
            size_t n = strlen(forms[k]);
            if (i + n <= to && memcmp(src->text + i, forms[k], n) == 0) {
                *len = n;
                return i;
            }
        }
        i++; /* the escaped character */
    }
    return SIZE_MAX;
}

static void on_scalar(struct loader *L, const yaml_event_t *ev)
{
    check_tag(L, ev->data.scalar.tag, ev->start_mark);
    size_t start = ev->start_mark.index, end = ev->end_mark.index;
    if (ev->data.scalar.anchor)
        start = skip_anchor(L, start, end);
    struct loc at = loc_at_index(L, start, 0);
    size_t start_off = L->cur.off;
    if (!count_ok(L, &at))
        return;
    struct ynode *n = new_node(L, YN_SCALAR, at);
    n->len = ev->data.scalar.length;
    n->str = xstrndup((const char *)ev->data.scalar.value, n->len);
    switch (ev->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        n->style = YS_SINGLE;
        break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        n->style = YS_DOUBLE;
        break;
    case YAML_LITERAL_SCALAR_STYLE:
        n->style = YS_LITERAL;
        break;
    case YAML_FOLDED_SCALAR_STYLE:
        n->style = YS_FOLDED;
        break;
    default:
        n->style = YS_PLAIN;
        break;
    }
    /* One line: span, and whether str is the source text verbatim. */
    if (end > start) {
        struct loc e = loc_at_index(L, end, 0);
        size_t end_off = L->cur.off;
        if (e.line == at.line) {
            n->loc.span = e.col - at.col;
            size_t q = (n->style == YS_SINGLE || n->style == YS_DOUBLE) ? 1 : 0;
            if ((n->style == YS_PLAIN || q) && end_off >= start_off + 2 * q &&
                end_off - start_off - 2 * q == n->len &&
                memcmp(L->src->text + start_off + q, n->str, n->len) == 0)
                n->raw_mapped = true;
        }
    }
    if (n->len > YIR_MAX_SCALAR_BYTES)
        LERR(L, &n->loc, "scalar is longer than %u bytes", YIR_MAX_SCALAR_BYTES);
    L->nbytes += n->len; /* at most the file's size: the cap is for alias copies */
    if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length)) {
        /* libyaml decodes "\0" into the value; C strings would silently end there. */
        struct loc nat = n->loc;
        size_t elen = 0, eoff = SIZE_MAX;
        if (n->style == YS_DOUBLE) {
            loc_at_index(L, end, 0);
            eoff = nul_escape_at(L->src, start_off, L->cur.off, &elen);
        }
        if (eoff != SIZE_MAX) {
            nat = loc_at_byte(L->src, eoff);
            nat.span = (uint32_t)elen;
        }
        LERR(L, &nat, "a string cannot contain a NUL character (\\0)");
    }
    if (ev->data.scalar.anchor)
        define_anchor(L,
                      xstrndup((const char *)ev->data.scalar.anchor,
                               strlen((const char *)ev->data.scalar.anchor)),
                      ++L->seq, n);
    attach(L, n);
}

static void on_collection_start(struct loader *L, const yaml_event_t *ev, enum ynode_kind kind)
{
    const yaml_char_t *tag, *anchor;
    if (kind == YN_SEQ) {
        tag = ev->data.sequence_start.tag;
        anchor = ev->data.sequence_start.anchor;
    } else {
        tag = ev->data.mapping_start.tag;
        anchor = ev->data.mapping_start.anchor;
    }
    check_tag(L, tag, ev->start_mark);
    size_t start = ev->start_mark.index;
    if (anchor) {
        /* Block collections: the content starts after end_mark; allow any distance. */
        start = skip_anchor(L, start, SIZE_MAX);
    }
    struct loc at = loc_at_index(L, start, 0);
    if (L->nframes >= YIR_MAX_DEPTH) {
        LERR(L, &at, "nesting is deeper than %u levels", YIR_MAX_DEPTH);
        L->stop = true;
        return;
    }
    if (!count_ok(L, &at))
        return;
    struct ynode *n = new_node(L, kind, at);
    attach(L, n);
    struct frame *f = &L->frames[L->nframes++];
    memset(f, 0, sizeof *f);
    f->node = n;
    f->expect_key = true;
    if (anchor) {
        f->anchor = xstrndup((const char *)anchor, strlen((const char *)anchor));
        f->anchor_seq = ++L->seq;
    }
}

static void on_collection_end(struct loader *L)
{
    if (L->nframes == 0)
        return;
    struct frame *f = &L->frames[--L->nframes];
    shash_free(&f->keys);
    if (f->anchor) {
        define_anchor(L, f->anchor, f->anchor_seq, f->node);
        f->anchor = NULL;
    }
}

/* Lines of the source, for saying why libyaml stopped. */
static size_t line_start(const struct src_file *f, size_t off)
{
    while (off > 0 && f->text[off - 1] != '\n')
        off--;
    return off;
}

static size_t line_indent(const struct src_file *f, size_t start)
{
    size_t n = 0;
    while (start + n < f->len && f->text[start + n] == ' ')
        n++;
    return n;
}

/* The start of the nearest line above `start` with content (not blank, not a comment),
 * or SIZE_MAX. */
static size_t prev_content_line(const struct src_file *f, size_t start)
{
    while (start > 0) {
        start = line_start(f, start - 1);
        size_t i = start + line_indent(f, start);
        if (i < f->len && f->text[i] != '\n' && f->text[i] != '#' && f->text[i] != '\r')
            return start;
    }
    return SIZE_MAX;
}

/* libyaml's message with the likely cause and what to write (the raw message follows
 * in parentheses, for searching). Returns false when there is nothing better to say. */
static bool explain_yaml_error(struct loader *L, const yaml_parser_t *p, size_t off)
{
    const struct src_file *f = L->src;
    const char *prob = p->problem ? p->problem : "";
    const char *ctx = p->context ? p->context : "";
    size_t ls = line_start(f, off), ind = line_indent(f, ls);
    size_t prev = prev_content_line(f, ls);
    struct loc line_at = loc_at_byte(f, ls + ind);
    if (!strcmp(prob, "mapping values are not allowed in this context")) {
        /* An earlier ': ' on the same line: the value itself holds ': '. */
        const char *colon = NULL;
        for (size_t i = ls; i + 1 < off; i++)
            if (f->text[i] == ':' && f->text[i + 1] == ' ') {
                colon = f->text + i;
                break;
            }
        if (colon) {
            struct loc at = loc_at_byte(f, off);
            LERR(L, &at,
                 "a plain value cannot hold ': ' (it would start a key): put the whole value in "
                 "quotes, e.g. key: \"a: b\" (YAML: %s)",
                 prob);
            return true;
        }
        size_t pind = prev == SIZE_MAX ? 0 : line_indent(f, prev);
        if (prev != SIZE_MAX && ind > pind) {
            struct loc pat = loc_at_byte(f, prev + pind);
            LERR(L, &line_at,
                 "this key is indented %zu space%s more than the line above, so YAML reads it as "
                 "part of that line's value: line it up with its sibling keys (%zu space%s) or "
                 "give the key above no value of its own (YAML: %s)",
                 ind - pind, ind - pind == 1 ? "" : "s", pind, pind == 1 ? "" : "s", prob);
            diag_note(L->d, &pat, "the line above");
            return true;
        }
        return false;
    }
    if (!strcmp(prob, "did not find expected key") ||
        !strcmp(prob, "did not find expected '-' indicator")) {
        size_t pind = prev == SIZE_MAX ? 0 : line_indent(f, prev);
        struct loc cat = loc_at_mark(L, p->context_mark, 1);
        LERR(L, &line_at,
             "this line is indented %zu space%s, which matches neither the line above (%zu) nor "
             "the %s it belongs to (%u): YAML nests by indentation, so line it up with its "
             "siblings (YAML: %s)",
             ind, ind == 1 ? "" : "s", pind, strstr(ctx, "sequence") ? "list" : "mapping",
             cat.col - 1, prob);
        diag_note(L->d, &cat, "%s", ctx);
        return true;
    }
    if (!strcmp(prob, "could not find expected ':'") && strstr(ctx, "simple key")) {
        struct loc key = loc_at_mark(L, p->context_mark, 1);
        size_t ko = L->cur.off, ke = ko;
        while (ke < f->len && f->text[ke] != '\n' && f->text[ke] != '\r')
            ke++;
        LERR(L, &key,
             "'%.*s' has no ':' after it: a key is written 'key: value' (with a space after "
             "the colon) (YAML: %s)",
             (int)(ke - ko > 40 ? 40 : ke - ko), f->text + ko, prob);
        return true;
    }
    if (!strcmp(prob, "found character that cannot start any token") && off < f->len &&
        (f->text[off] == '@' || f->text[off] == '`' || f->text[off] == '%')) {
        struct loc at = loc_at_byte(f, off);
        LERR(L, &at, "'%c' cannot start a plain YAML value: put the value in quotes (YAML: %s)",
             f->text[off], prob);
        return true;
    }
    if (!strcmp(prob, "block sequence entries are not allowed in this context")) {
        struct loc at = loc_at_byte(f, off);
        LERR(L, &at,
             "a list item ('- ') cannot stand on the line of its key: put each item on a line of "
             "its own below the key, indented, or write the list as [a, b] (YAML: %s)",
             prob);
        return true;
    }
    if (!strcmp(prob, "found unexpected end of stream") && strstr(ctx, "quoted scalar")) {
        struct loc q = loc_at_mark(L, p->context_mark, 1);
        LERR(L, &q, "this quoted value is never closed: add the closing quote (YAML: %s)", prob);
        return true;
    }
    if (!strncmp(prob, "did not find expected ',' or ", 29) && strstr(ctx, "flow")) {
        struct loc at = loc_at_byte(f, off), open = loc_at_mark(L, p->context_mark, 1);
        char close = prob[29] == '\'' ? prob[30] : prob[29];
        LERR(L, &at,
             "the '%c' opened at line %u is not closed before this: add '%c' after its last item "
             "(and ',' between items) (YAML: %s)",
             close == ']' ? '[' : '{', open.line, close, prob);
        diag_note(L->d, &open, "%s", ctx);
        return true;
    }
    return false;
}

static void parser_error(struct loader *L, const yaml_parser_t *p)
{
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        LERR(L, NULL, "%s: out of memory while parsing YAML", L->src->path);
        break;
    case YAML_READER_ERROR: {
        size_t off = p->problem_offset + 3 * L->bom;
        const char *t = L->src->text;
        if (p->problem && strstr(p->problem, "trailing")) {
            /* libyaml points at the bad trailing byte: show the sequence's start. */
            for (int i = 0; i < 3 && off > 0 && is_cont((unsigned char)t[off - 1]); i++)
                off--;
            if (off > 0 && (unsigned char)t[off - 1] >= 0xC0)
                off--;
        }
        struct loc at = loc_at_byte(L->src, off);
        const char *what = p->problem ? p->problem : "cannot read input";
        if (p->problem_value != -1)
            LERR(L, &at, "invalid input: %s (0x%X); the file must be UTF-8 text", what,
                 (unsigned)p->problem_value);
        else
            LERR(L, &at, "invalid input: %s; the file must be UTF-8 text", what);
        break;
    }
    default: {
        struct loc at = loc_at_mark(L, p->problem_mark, 1);
        size_t off = L->cur.off; /* byte offset of the problem (set by loc_at_mark) */
        if (off < L->src->len && L->src->text[off] == '\t') {
            /* libyaml says "found character that cannot start any token". */
            LERR(L, &at, "tab character: YAML indents with spaces only");
            break;
        }
        if (explain_yaml_error(L, p, off))
            break;
        LERR(L, &at, "%s", p->problem ? p->problem : "YAML syntax error");
        if (p->context) {
            struct loc ctx = loc_at_mark(L, p->context_mark, 1);
            diag_note(L->d, &ctx, "%s", p->context);
        }
        break;
    }
    }
    L->stop = true;
}

static void on_event(struct loader *L, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (L->documents_seen) {
            struct loc at = loc_at_mark(L, ev->start_mark, 1);
            LERR(L, &at, "more than one document in the file; leec reads one document per file");
            L->stop = true;
        }
        L->documents_seen = true;
        break;
    case YAML_SCALAR_EVENT:
        on_scalar(L, ev);
        break;
    case YAML_ALIAS_EVENT:
        on_alias(L, ev);
        break;
    case YAML_SEQUENCE_START_EVENT:
        on_collection_start(L, ev, YN_SEQ);
        break;
    case YAML_MAPPING_START_EVENT:
        on_collection_start(L, ev, YN_MAP);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        on_collection_end(L);
        break;
    default:
        break;
    }
}

struct ydoc *ydoc_load_source(struct diag *d, const struct src_file *src)
{
    struct ydoc *doc = xcalloc(1, sizeof *doc);
    doc->src = src;
    if (src->len > YIR_MAX_FILE_BYTES) {
        diag_error(d, NULL, "'%s' is larger than %u bytes, the limit for one file", src->path,
                   YIR_MAX_FILE_BYTES);
        free(doc);
        return NULL;
    }
    /* YAML reads a carriage return alone as a line break; diagnostics count lines at
     * '\n' (as editors showing LF or CRLF files do): a file with old Mac line ends would
     * be all line 1, so it is refused with what to do. */
    for (const char *cr = memchr(src->text, '\r', src->len); cr;
         cr = memchr(cr + 1, '\r', src->len - (size_t)(cr + 1 - src->text)))
        if ((size_t)(cr + 1 - src->text) >= src->len || cr[1] != '\n') {
            struct loc at = loc_at_byte(src, (size_t)(cr - src->text));
            diag_error(d, &at,
                       "a carriage return without a newline (old Mac line ends): save the file "
                       "with LF or CRLF line ends");
            free(doc);
            return NULL;
        }
    struct loader *L = xcalloc(1, sizeof *L);
    L->d = d;
    L->src = src;
    L->doc = doc;
    L->cur.line = L->cur.col = 1;

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        diag_error(d, NULL, "%s: out of memory", src->path);
        free(L);
        free(doc);
        return NULL;
    }
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    /* Forced UTF-8 does not strip a BOM, and a BOM left in shifts line 1's
     * indentation: hand libyaml the text after it. */
    if (src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0)
        L->bom = 1;
    yaml_parser_set_input_string(&p, (const unsigned char *)src->text + 3 * L->bom,
                                 src->len - 3 * L->bom);
    while (!L->stop) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            parser_error(L, &p);
            break;
        }
        on_event(L, &ev);
        yaml_event_type_t type = ev.type;
        yaml_event_delete(&ev);
        if (type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);

    for (size_t i = 0; i < L->nframes; i++) {
        shash_free(&L->frames[i].keys);
        free(L->frames[i].anchor);
    }
    shash_free(&L->anchor_index);
    free(L->defs);
    unsigned errors = L->errors;
    if (L->too_many)
        diag_error(d, NULL, "%s: too many errors, stopping", src->path);
    free(L);

    /* libyaml turns an empty document ("---" alone) into an empty plain scalar. */
    struct ynode *r = doc->root;
    if (r && r->kind == YN_SCALAR && r->style == YS_PLAIN && r->len == 0 && !r->anchor) {
        node_free(r);
        doc->root = NULL;
    }
    if (errors) {
        ydoc_free(doc);
        return NULL;
    }
    return doc;
}

struct ydoc *ydoc_load_file(struct diag *d, const char *path, int *io_error)
{
    int io = 0;
    const struct src_file *src = diag_read_file(d, path, YIR_MAX_FILE_BYTES, &io);
    if (io_error)
        *io_error = src ? 0 : io;
    if (!src)
        return NULL;
    return ydoc_load_source(d, src);
}

void ydoc_free(struct ydoc *doc)
{
    if (!doc)
        return;
    node_free(doc->root);
    for (size_t i = 0; i < doc->nanchors; i++)
        free(doc->anchors[i]);
    free(doc->anchors);
    free(doc);
}

const struct ynode *ydoc_root(const struct ydoc *doc) { return doc ? doc->root : NULL; }
const struct src_file *ydoc_source(const struct ydoc *doc) { return doc ? doc->src : NULL; }

/* ---- queries ------------------------------------------------------------------ */

const struct ypair *ymap_pair(const struct ynode *map, const char *key)
{
    if (!map || map->kind != YN_MAP || !key)
        return NULL;
    size_t len = strlen(key);
    for (size_t i = 0; i < map->npairs; i++) {
        const struct ynode *k = map->pairs[i].key;
        if (k->kind == YN_SCALAR && k->len == len && memcmp(k->str, key, len) == 0)
            return &map->pairs[i];
    }
    return NULL;
}

const struct ynode *ymap_get(const struct ynode *map, const char *key)
{
    const struct ypair *p = ymap_pair(map, key);
    return p ? p->value : NULL;
}

static bool all_digits(const char *s, const char *end)
{
    if (s == end)
        return false;
    for (; s < end; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool is_int_text(const char *s, size_t len)
{
    const char *end = s + len;
    if (s < end && *s == '-')
        s++;
    return all_digits(s, end);
}

/* -?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, with a '.' or an exponent. */
static bool is_float_text(const char *s, size_t len)
{
    const char *end = s + len, *p = s;
    if (p < end && *p == '-')
        p++;
    size_t int_digits = 0, frac_digits = 0;
    bool dot = false, exp = false;
    while (p < end && *p >= '0' && *p <= '9')
        p++, int_digits++;
    if (p < end && *p == '.') {
        dot = true;
        p++;
        while (p < end && *p >= '0' && *p <= '9')
            p++, frac_digits++;
    }
    if (int_digits + frac_digits == 0)
        return false;
    if (p < end && (*p == 'e' || *p == 'E')) {
        exp = true;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (!all_digits(p, end))
            return false;
        p = end;
    }
    return p == end && (dot || exp);
}

static bool str_is(const struct ynode *n, const char *s)
{
    size_t len = strlen(s);
    return n->len == len && memcmp(n->str, s, len) == 0;
}

enum yscalar_kind ynode_scalar_kind(const struct ynode *n)
{
    if (!n || n->kind != YN_SCALAR || n->style != YS_PLAIN)
        return YSK_STRING;
    if (n->len == 0 || str_is(n, "~") || str_is(n, "null"))
        return YSK_NULL;
    if (str_is(n, "true") || str_is(n, "false"))
        return YSK_BOOL;
    if (is_int_text(n->str, n->len))
        return YSK_INT;
    if (is_float_text(n->str, n->len))
        return YSK_FLOAT;
    return YSK_STRING;
}

bool ynode_bool(const struct ynode *n, bool *out)
{
    if (ynode_scalar_kind(n) != YSK_BOOL)
        return false;
    *out = n->str[0] == 't';
    return true;
}

bool ynode_looks_like_bool(const struct ynode *n)
{
    static const char *const words[] = {"y",   "Y",   "yes",  "Yes",  "YES",   "n",    "N",
                                        "no",  "No",  "NO",   "on",   "On",    "ON",   "off",
                                        "Off", "OFF", "True", "TRUE", "False", "FALSE"};
    if (!n || n->kind != YN_SCALAR || n->style != YS_PLAIN)
        return false;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (str_is(n, words[i]))
            return true;
    return false;
}

static uint32_t count_chars(const char *s, size_t len)
{
    uint32_t c = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_cont((unsigned char)s[i]))
            c++;
    return c;
}

struct loc yir_scalar_loc(const struct ynode *n, size_t off, size_t len)
{
    if (!n || n->kind != YN_SCALAR || !n->raw_mapped || off > n->len)
        return n ? n->loc : (struct loc){0};
    if (len > n->len - off)
        len = n->len - off;
    uint32_t before = count_chars(n->str, off);
    uint32_t quote = (n->style == YS_SINGLE || n->style == YS_DOUBLE) ? 1 : 0;
    struct loc l = n->loc;
    l.col += quote + before;
    l.span = count_chars(n->str + off, len);
    return l;
}

void yir_note_alias(struct diag *d, const struct ynode *n)
{
    if (!n || !n->alias_loc.file)
        return;
    diag_note(d, &n->alias_loc, "expanded from alias '*%s' here",
              n->alias_name ? n->alias_name
              : n->anchor   ? n->anchor
                            : "?");
}

const char *ynode_kind_name(const struct ynode *n)
{
    if (!n)
        return "nothing";
    switch (n->kind) {
    case YN_MAP:
        return "mapping";
    case YN_SEQ:
        return "sequence";
    default:
        break;
    }
    switch (ynode_scalar_kind(n)) {
    case YSK_NULL:
        return "null";
    case YSK_BOOL:
        return "boolean";
    case YSK_INT:
        return "integer";
    case YSK_FLOAT:
        return "number";
    default:
        return "string";
    }
}

/* ---- root keys, for telling file kinds apart ------------------------------------ */

uint32_t yir_root_keys(const char *text, size_t len, const char *const *keys, size_t nkeys)
{
    uint32_t found = 0;
    yaml_parser_t p;
    if (nkeys > 32 || !yaml_parser_initialize(&p))
        return 0;
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    yaml_parser_set_input_string(&p, (const unsigned char *)text + bom, len - bom);
    /* depth counts open collections; in the root mapping (depth 1) nodes alternate
     * key, value. Stops at the first error, the end of the root or of the document. */
    size_t depth = 0, pos = 0;
    bool root_map = false, done = false;
    while (!done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev))
            break;
        switch (ev.type) {
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT:
            if (depth == 0)
                root_map = ev.type == YAML_MAPPING_START_EVENT;
            else if (depth == 1)
                pos++;
            /* Past the loader's cap the file is an error anyway, and libyaml's work per
             * token grows with the nesting of flow collections. */
            done = ++depth > YIR_MAX_DEPTH;
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            done = --depth == 0;
            break;
        case YAML_SCALAR_EVENT:
        case YAML_ALIAS_EVENT:
            if (depth == 0) {
                done = true;
            } else if (depth == 1) {
                if (root_map && pos % 2 == 0 && ev.type == YAML_SCALAR_EVENT)
                    for (size_t i = 0; i < nkeys; i++)
                        if (ev.data.scalar.length == strlen(keys[i]) &&
                            !memcmp(ev.data.scalar.value, keys[i], ev.data.scalar.length))
                            found |= UINT32_C(1) << i;
                pos++;
            }
            break;
        case YAML_DOCUMENT_END_EVENT:
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return found;
}
