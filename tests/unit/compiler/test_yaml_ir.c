/* Unit tests for yaml_ir: tree shape, locations, and every loader error. */
#include "front/yaml_ir.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One load: diagnostics go to a memory stream so tests can compare exact text. */
struct run {
    struct diag *d;
    FILE *mem;
    char *out;
    size_t outlen;
    struct ydoc *doc;
};

static struct run R;

static const char *out_text(void)
{
    fflush(R.mem);
    return R.out ? R.out : "";
}

static struct ydoc *load_len(const char *text, size_t len)
{
    R.mem = open_memstream(&R.out, &R.outlen);
    ck_assert_ptr_nonnull(R.mem);
    R.d = diag_new(DIAG_TEXT, R.mem);
    char *copy = malloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    const struct src_file *src = diag_add_source(R.d, "t.yaml", copy, len);
    R.doc = ydoc_load_source(R.d, src);
    out_text();
    return R.doc;
}

static struct ydoc *load(const char *text) { return load_len(text, strlen(text)); }

static void teardown(void)
{
    ydoc_free(R.doc);
    diag_free(R.d);
    if (R.mem)
        fclose(R.mem);
    free(R.out);
    memset(&R, 0, sizeof R);
}

#define ck_loc(l, ln, cl, sp)              \
    do {                                   \
        ck_assert_uint_eq((l).line, (ln)); \
        ck_assert_uint_eq((l).col, (cl));  \
        ck_assert_uint_eq((l).span, (sp)); \
    } while (0)

/* ---- good documents ---------------------------------------------------------- */

START_TEST(test_good_document)
{
    const char *text = "name: demo\n"
                       "memory: 512\n"
                       "quoted: \"512\"\n"
                       "ratio: 0.85\n"
                       "on: true\n"
                       "none: ~\n"
                       "empty:\n"
                       "list: [a, 'b c', \"d\\te\"]\n"
                       "nested:\n"
                       "  - k: v\n"
                       "    t: |\n"
                       "      line1\n"
                       "      line2\n";
    ck_assert_ptr_nonnull(load(text));
    ck_assert_uint_eq(diag_error_count(R.d), 0);
    ck_assert_str_eq(out_text(), "");
    const struct ynode *root = ydoc_root(R.doc);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(root->kind, YN_MAP);
    ck_assert_uint_eq(root->npairs, 9);
    ck_assert_str_eq(ynode_kind_name(root), "mapping");
    ck_assert_ptr_eq(ydoc_source(R.doc), root->loc.file);

    const struct ynode *n = ymap_get(root, "name");
    ck_assert_str_eq(n->str, "demo");
    ck_assert_uint_eq(n->len, 4);
    ck_assert_int_eq(n->style, YS_PLAIN);
    ck_loc(n->loc, 1, 7, 4);
    ck_assert(n->raw_mapped);
    ck_assert_ptr_null(n->alias_loc.file);
    ck_assert_ptr_null(n->anchor);
    ck_loc(root->pairs[0].key->loc, 1, 1, 4);

    n = ymap_get(root, "memory");
    ck_assert_int_eq(ynode_scalar_kind(n), YSK_INT);
    ck_assert_str_eq(ynode_kind_name(n), "integer");

    n = ymap_get(root, "quoted");
    ck_assert_int_eq(n->style, YS_DOUBLE);
    ck_assert_int_eq(ynode_scalar_kind(n), YSK_STRING);
    ck_assert_str_eq(ynode_kind_name(n), "string");
    ck_loc(n->loc, 3, 9, 5); /* at the opening quote, quotes included */
    ck_assert(n->raw_mapped);

    n = ymap_get(root, "ratio");
    ck_assert_int_eq(ynode_scalar_kind(n), YSK_FLOAT);
    ck_assert_str_eq(ynode_kind_name(n), "number");

    bool b = false;
    n = ymap_get(root, "on");
    ck_assert(ynode_bool(n, &b));
    ck_assert(b);
    ck_assert_str_eq(ynode_kind_name(n), "boolean");
    ck_assert(!ynode_looks_like_bool(n));
    ck_assert(ynode_looks_like_bool(root->pairs[4].key)); /* the key "on" */

    ck_assert_int_eq(ynode_scalar_kind(ymap_get(root, "none")), YSK_NULL);
    n = ymap_get(root, "empty");
    ck_assert_int_eq(ynode_scalar_kind(n), YSK_NULL);
    ck_assert_str_eq(ynode_kind_name(n), "null");
    ck_assert_uint_eq(n->len, 0);

    n = ymap_get(root, "list");
    ck_assert_int_eq(n->kind, YN_SEQ);
    ck_assert_str_eq(ynode_kind_name(n), "sequence");
    ck_loc(n->loc, 8, 7, 0);
    ck_assert_uint_eq(n->nitems, 3);
    ck_loc(n->items[0]->loc, 8, 8, 1);
    ck_assert(n->items[0]->raw_mapped);
    ck_assert_str_eq(n->items[1]->str, "b c");
    ck_assert_int_eq(n->items[1]->style, YS_SINGLE);
    ck_loc(n->items[1]->loc, 8, 11, 5);
    ck_assert(n->items[1]->raw_mapped);
    ck_assert_str_eq(n->items[2]->str, "d\te");
    ck_loc(n->items[2]->loc, 8, 18, 6);
    ck_assert(!n->items[2]->raw_mapped); /* escape: text differs from source */

    n = ymap_get(root, "nested");
    ck_assert_int_eq(n->kind, YN_SEQ);
    ck_loc(n->loc, 10, 3, 0);
    const struct ynode *m = n->items[0];
    ck_assert_int_eq(m->kind, YN_MAP);
    ck_loc(m->loc, 10, 5, 0);
    const struct ynode *lit = ymap_get(m, "t");
    ck_assert_int_eq(lit->style, YS_LITERAL);
    ck_assert_str_eq(lit->str, "line1\nline2\n");
    ck_assert(!lit->raw_mapped);
    ck_assert_uint_eq(lit->loc.line, 11);
    ck_assert_uint_eq(lit->loc.col, 8);

    ck_assert_ptr_null(ymap_get(root, "missing"));
    ck_assert_ptr_null(ymap_get(n, "k")); /* not a mapping */
    const struct ypair *p = ymap_pair(root, "ratio");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->key->str, "ratio");
}
END_TEST

START_TEST(test_scalar_kinds)
{
    ck_assert_ptr_nonnull(load("[null, Null, '', -12, 1.5e3, .5, 1e, 0x10, +1, 1_000, True, yes, "
                               "'true', \"1\", 12abc, -, -.5, 5.]"));
    const struct ynode *s = ydoc_root(R.doc);
    static const enum yscalar_kind want[] = {
        YSK_NULL,   YSK_STRING, YSK_STRING, YSK_INT,    YSK_FLOAT,  YSK_FLOAT,
        YSK_STRING, YSK_STRING, YSK_STRING, YSK_STRING, YSK_STRING, YSK_STRING,
        YSK_STRING, YSK_STRING, YSK_STRING, YSK_STRING, YSK_FLOAT,  YSK_FLOAT};
    ck_assert_uint_eq(s->nitems, sizeof want / sizeof *want);
    for (size_t i = 0; i < s->nitems; i++)
        ck_assert_msg(ynode_scalar_kind(s->items[i]) == want[i], "item %zu '%s'", i,
                      s->items[i]->str);
    ck_assert(ynode_looks_like_bool(s->items[10]));
    ck_assert(ynode_looks_like_bool(s->items[11]));
    ck_assert(!ynode_looks_like_bool(s->items[12])); /* quoted */
    bool b = true;
    ck_assert(!ynode_bool(s->items[12], &b));
    ck_assert(b); /* untouched */
}
END_TEST

START_TEST(test_scalar_loc)
{
    ck_assert_ptr_nonnull(load("a: x + bc\nb: \"é + 1\"\nc: 'it''s'\nd: \"a\\nb\"\n"));
    const struct ynode *root = ydoc_root(R.doc);
    const struct ynode *a = ymap_get(root, "a");
    struct loc l = yir_scalar_loc(a, 4, 2); /* "bc" */
    ck_loc(l, 1, 8, 2);
    const struct ynode *b = ymap_get(root, "b");
    ck_assert(b->raw_mapped);
    l = yir_scalar_loc(b, 2, 1); /* after é (2 bytes): the space */
    ck_loc(l, 2, 6, 1);
    l = yir_scalar_loc(b, 0, 2); /* é is one character */
    ck_loc(l, 2, 5, 1);
    const struct ynode *c = ymap_get(root, "c");
    ck_assert(!c->raw_mapped);
    l = yir_scalar_loc(c, 3, 1);
    ck_loc(l, 3, 4, 7);
    const struct ynode *d = ymap_get(root, "d");
    ck_assert(!d->raw_mapped);
    l = yir_scalar_loc(d, 2, 1);
    ck_loc(l, 4, 4, 6);
}
END_TEST

START_TEST(test_anchor_location_and_bom)
{
    ck_assert_ptr_nonnull(load("\xEF\xBB\xBF"
                               "a: &x  val\n"
                               "b: &m\n"
                               "  k: 1\n"));
    const struct ynode *root = ydoc_root(R.doc);
    ck_loc(root->pairs[0].key->loc, 1, 2, 1); /* the BOM is a character for diag */
    const struct ynode *a = ymap_get(root, "a");
    ck_loc(a->loc, 1, 9, 3);
    ck_assert(a->raw_mapped);
    ck_assert_str_eq(a->anchor, "x");
    const struct ynode *b = ymap_get(root, "b");
    ck_assert_uint_eq(b->loc.line, 3);
    ck_assert_uint_eq(b->loc.col, 3);
    ck_assert_str_eq(b->anchor, "m");
}
END_TEST

/* ---- errors ------------------------------------------------------------------ */

START_TEST(test_duplicate_keys)
{
    ck_assert_ptr_null(load("a: 1\nb: 2\na: 3\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_str_eq(out_text(), "t.yaml:3:1: error: duplicate key 'a'\n"
                                 "  a: 3\n"
                                 "  ^\n"
                                 "t.yaml:1:1: note: first defined here\n"
                                 "  a: 1\n"
                                 "  ^\n");
}
END_TEST

START_TEST(test_duplicate_keys_all_reported)
{
    ck_assert_ptr_null(load("top:\n"
                            "  x: 1\n"
                            "  inner: {k: 1, \"k\": 2}\n"
                            "  x: 2\n"
                            "top: 3\n"
                            "list:\n"
                            "  - name: n\n"
                            "    name: m\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 4);
    const char *o = out_text();
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:3:17: error: duplicate key 'k'\n"));
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:3:11: note: first defined here\n"));
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:4:3: error: duplicate key 'x'\n"));
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:5:1: error: duplicate key 'top'\n"));
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:8:5: error: duplicate key 'name'\n"));
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:7:5: note: first defined here\n"));
    /* Source order. */
    ck_assert(strstr(o, "3:17:") < strstr(o, "4:3:"));
    ck_assert(strstr(o, "4:3:") < strstr(o, "5:1:"));
}
END_TEST

START_TEST(test_duplicate_key_many)
{
    /* Many keys: the hash-based check stays fast and exact. */
    size_t n = 20000, cap = n * 16 + 32, len = 0;
    char *text = malloc(cap);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "k%zu: %zu\n", i, i);
    len += (size_t)snprintf(text + len, cap - len, "k777: dup\n");
    ck_assert_ptr_null(load_len(text, len));
    free(text);
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(strstr(out_text(), "t.yaml:20001:1: error: duplicate key 'k777'\n"));
    ck_assert_ptr_nonnull(strstr(out_text(), "t.yaml:778:1: note: first defined here\n"));
}
END_TEST

START_TEST(test_alias_expansion)
{
    ck_assert_ptr_nonnull(load("base: &b\n"
                               "  mem: 128\n"
                               "  tags: [x]\n"
                               "copy: *b\n"
                               "s: &s one\n"
                               "t: *s\n"
                               "s2: &s two\n"
                               "t2: *s\n"));
    const struct ynode *root = ydoc_root(R.doc);
    const struct ynode *base = ymap_get(root, "base");
    const struct ynode *copy = ymap_get(root, "copy");
    ck_assert_ptr_ne(base, copy);
    ck_assert_int_eq(copy->kind, YN_MAP);
    ck_assert_ptr_null(base->alias_loc.file);
    ck_loc(copy->alias_loc, 4, 7, 2);
    ck_assert_uint_eq(copy->loc.line, base->loc.line);
    ck_assert_uint_eq(copy->loc.col, base->loc.col);
    ck_assert_str_eq(copy->anchor, "b");
    ck_assert_str_eq(copy->alias_name, "b");
    const struct ynode *mem = ymap_get(copy, "mem");
    ck_assert_str_eq(mem->str, "128");
    ck_loc(mem->loc, 2, 8, 3);
    ck_loc(mem->alias_loc, 4, 7, 2);
    ck_assert_str_eq(mem->alias_name, "b");
    const struct ynode *x = ymap_get(copy, "tags")->items[0];
    ck_loc(x->alias_loc, 4, 7, 2);
    ck_assert_ptr_ne(x->str, ymap_get(base, "tags")->items[0]->str);

    /* Redefinition: the later anchor wins. */
    ck_assert_str_eq(ymap_get(root, "t")->str, "one");
    ck_assert_str_eq(ymap_get(root, "t2")->str, "two");

    /* Note at the alias. */
    yir_note_alias(R.d, base); /* not an alias: nothing */
    ck_assert_str_eq(out_text(), "");
    diag_error(R.d, &mem->loc, "bad");
    yir_note_alias(R.d, mem);
    ck_assert_str_eq(out_text(), "t.yaml:2:8: error: bad\n"
                                 "    mem: 128\n"
                                 "         ^~~\n"
                                 "t.yaml:4:7: note: expanded from alias '*b' here\n"
                                 "  copy: *b\n"
                                 "        ^~\n");
}
END_TEST

/* yir_root_keys: the root mapping's keys from libyaml's events (file kinds, issue 22). */
START_TEST(test_root_keys)
{
    static const char *const keys[] = {"leec", "preset"};
    static const struct {
        const char *text;
        uint32_t want;
    } cases[] = {
        {"leec: 1\npreset: x\n", 3},
        {"{leec: 1, preset: x}\n", 3},       /* flow mapping */
        {"\"leec\": 1\n", 1},                /* quoted key */
        {"---\nleec: 1\n", 1},               /* under a document marker */
        {"\xEF\xBB\xBFpreset: x\n", 2},      /* BOM */
        {"preset: x\nleec: 1\n", 3},         /* order does not matter */
        {"a:\n  leec: 1\n", 0},              /* not at the root */
        {"- leec: 1\n", 0},                  /* a sequence root */
        {"leec: 1\nbad: [\npreset: x\n", 1}, /* keys before a YAML error count */
        {"leec: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 1},
        {"# leec: 1\nother: 2\n", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t got = yir_root_keys(cases[i].text, strlen(cases[i].text), keys, 2);
        ck_assert_msg(got == cases[i].want, "case %zu: got %u, want %u", i, (unsigned)got,
                      (unsigned)cases[i].want);
    }
}
END_TEST

/* One long anchored scalar and many aliases: few nodes, too much text (issue 22). */
START_TEST(test_alias_text_cap)
{
    size_t n = 60000, aliases = 100; /* under the scalar cap, 6 MB expanded */
    char *text = malloc(n + aliases * 4 + 64);
    char *p = text + sprintf(text, "x: &a \"");
    memset(p, 'a', n);
    p += n;
    p += sprintf(p, "\"\ny: [");
    for (size_t i = 0; i < aliases; i++)
        p += sprintf(p, "%s*a", i ? "," : "");
    sprintf(p, "]\n");
    ck_assert_ptr_null(load(text));
    ck_assert_msg(strstr(out_text(), "alias expansion exceeds 4194304 bytes of text"), "%s",
                  out_text());
    free(text);
}
END_TEST

START_TEST(test_alias_bomb)
{
    const char *bomb =
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
        "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
        "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
        "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
        "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    clock_t t0 = clock();
    ck_assert_ptr_null(load(bomb));
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(secs < 5.0, "took %.2fs", secs);
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_str_eq(out_text(), "t.yaml:6:11: error: alias expansion exceeds 200000 nodes\n"
                                 "  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                                 "            ^~\n");
}
END_TEST

START_TEST(test_alias_errors)
{
    ck_assert_ptr_null(load("a: *nope\nb: &r [1, *r]\nc: 1\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 2);
    ck_assert_str_eq(out_text(),
                     "t.yaml:1:4: error: undefined alias '*nope'\n"
                     "  a: *nope\n"
                     "     ^~~~~\n"
                     "t.yaml:2:11: error: alias '*r' refers to a node that contains it\n"
                     "  b: &r [1, *r]\n"
                     "            ^~\n");
}
END_TEST

START_TEST(test_depth_cap)
{
    char text[256];
    size_t n = 0;
    for (unsigned i = 0; i < YIR_MAX_DEPTH; i++)
        text[n++] = '[';
    memset(text + n, ']', YIR_MAX_DEPTH);
    text[n + YIR_MAX_DEPTH] = '\0';
    ck_assert_ptr_nonnull(load(text)); /* exactly the cap is fine */
    teardown();

    n = 0;
    for (unsigned i = 0; i < YIR_MAX_DEPTH + 1; i++)
        text[n++] = '[';
    memset(text + n, ']', YIR_MAX_DEPTH + 1);
    text[n + YIR_MAX_DEPTH + 1] = '\0';
    ck_assert_ptr_null(load(text));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(
        strstr(out_text(), "t.yaml:1:65: error: nesting is deeper than 64 levels\n"));
    teardown();

    /* Aliases cannot be used to build deeper trees either. */
    char big[4096];
    size_t len = (size_t)snprintf(big, sizeof big, "a0: &a0 [x]\n");
    for (int i = 1; i < 10; i++)
        len += (size_t)snprintf(big + len, sizeof big - len, "a%d: &a%d [[[[[[[[[[*a%d]]]]]]]]]]\n",
                                i, i, i - 1);
    ck_assert_ptr_null(load_len(big, len));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(
        strstr(out_text(), "error: alias expansion nests deeper than 64 levels\n"));
}
END_TEST

START_TEST(test_multiple_documents)
{
    ck_assert_ptr_null(load("a: 1\n---\nb: 2\n---\nc: 3\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_str_eq(out_text(),
                     "t.yaml:2:1: error: more than one document in the file; leec reads one "
                     "document per file\n"
                     "  ---\n"
                     "  ^\n");
}
END_TEST

START_TEST(test_tags)
{
    ck_assert_ptr_null(load("a: !!str 5\nb: !foo [1]\nc: !!map {}\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 3);
    const char *o = out_text();
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:1:4: error: tags are not supported"));
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:2:4: error: tags are not supported (found '!foo')"));
    ck_assert_ptr_nonnull(strstr(o, "t.yaml:3:4: error: tags are not supported"));
}
END_TEST

START_TEST(test_merge_keys)
{
    ck_assert_ptr_null(load("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_str_eq(out_text(),
                     "t.yaml:3:3: error: merge keys (<<) are not supported; repeat the keys or "
                     "use an alias for the whole mapping\n"
                     "    <<: *b\n"
                     "    ^~\n");
    teardown();
    /* A quoted "<<" is an ordinary key. */
    ck_assert_ptr_nonnull(load("\"<<\": 1\n"));
}
END_TEST

START_TEST(test_complex_key)
{
    ck_assert_ptr_null(load("? [a, b]\n: 1\n{c: d}: 2\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 2);
    const char *o = out_text();
    ck_assert_ptr_nonnull(
        strstr(o, "t.yaml:1:3: error: mapping keys must be scalars, not a sequence\n"));
    ck_assert_ptr_nonnull(
        strstr(o, "t.yaml:3:1: error: mapping keys must be scalars, not a mapping\n"));
}
END_TEST

START_TEST(test_syntax_error)
{
    ck_assert_ptr_null(load("a: [1, 2\nb: 3\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_str_eq(out_text(), "t.yaml:2:2: error: the '[' opened at line 1 is not closed "
                                 "before this: add ']' after its last item (and ',' between "
                                 "items) (YAML: did not find expected ',' or ']')\n"
                                 "  b: 3\n"
                                 "   ^\n"
                                 "t.yaml:1:4: note: while parsing a flow sequence\n"
                                 "  a: [1, 2\n"
                                 "     ^\n");
    teardown();
    ck_assert_ptr_null(load("a:\n  b: 1\n c: 2\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    /* Said with the likely cause (the indentation), libyaml's words kept for searching. */
    ck_assert_ptr_nonnull(strstr(out_text(), "t.yaml:3:2: error: this line is indented 1 space, "
                                             "which matches neither the line above (2)"));
    ck_assert_ptr_nonnull(strstr(out_text(), "(YAML: did not find expected key)\n"));
    teardown();
    /* One extra space: a key inside the value of the line above. */
    ck_assert_ptr_null(load("a: 1\n b: 2\n"));
    ck_assert_ptr_nonnull(strstr(out_text(), "t.yaml:2:2: error: this key is indented 1 space "
                                             "more than the line above"));
}
END_TEST

START_TEST(test_empty)
{
    static const char *const empties[] = {"", "\n", "# only a comment\n", "---\n", "---\n...\n"};
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        ck_assert_ptr_nonnull(load(empties[i]));
        ck_assert_ptr_null(ydoc_root(R.doc));
        ck_assert_uint_eq(diag_error_count(R.d), 0);
        teardown();
    }
    /* An explicit null is a document. */
    ck_assert_ptr_nonnull(load("~\n"));
    ck_assert_ptr_nonnull(ydoc_root(R.doc));
}
END_TEST

START_TEST(test_invalid_utf8)
{
    ck_assert_ptr_null(load("a: ok\nb: x\xff\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(strstr(out_text(), "t.yaml:2:5: error: invalid input: invalid leading "
                                             "UTF-8 octet (0xFF); the file must be UTF-8 text\n"));
    teardown();
    ck_assert_ptr_null(load_len("a: é\nb: x\0y\n", 13));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(strstr(out_text(), "t.yaml:2:5: error: invalid input: control "
                                             "characters are not allowed (0x0)"));
    teardown();
    ck_assert_ptr_null(load("a: \xc3\n"));
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(strstr(out_text(), "t.yaml:1:4: error: invalid input:"));
}
END_TEST

START_TEST(test_size_caps)
{
    size_t len = YIR_MAX_SCALAR_BYTES + 10;
    char *text = malloc(len + 8);
    memcpy(text, "a: ", 3);
    memset(text + 3, 'x', len - 3);
    memcpy(text + len, "\n", 2);
    ck_assert_ptr_null(load_len(text, len + 1));
    free(text);
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(
        strstr(out_text(), "t.yaml:1:4: error: scalar is longer than 65536 bytes\n"));
    teardown();

    len = YIR_MAX_FILE_BYTES + 1;
    text = malloc(len);
    memset(text, '#', len);
    ck_assert_ptr_null(load_len(text, len));
    free(text);
    ck_assert_uint_eq(diag_error_count(R.d), 1);
    ck_assert_ptr_nonnull(strstr(out_text(), "larger than 1048576 bytes"));
}
END_TEST

START_TEST(test_load_file)
{
    int io = -1;
    char path[] = "/tmp/leec_yaml_ir_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("k: v\n", f);
    fclose(f);

    R.mem = open_memstream(&R.out, &R.outlen);
    R.d = diag_new(DIAG_TEXT, R.mem);
    R.doc = ydoc_load_file(R.d, path, &io);
    ck_assert_ptr_nonnull(R.doc);
    ck_assert_int_eq(io, 0);
    ck_assert_str_eq(ymap_get(ydoc_root(R.doc), "k")->str, "v");
    ck_assert_str_eq(ydoc_source(R.doc)->path, path);
    remove(path);

    struct ydoc *missing = ydoc_load_file(R.d, path, &io);
    ck_assert_ptr_null(missing);
    ck_assert_int_eq(io, 1);
    ck_assert_uint_eq(diag_error_count(R.d), 1);
}
END_TEST

START_TEST(test_error_cap)
{
    /* Hundreds of duplicates: reporting stops at a bounded number. */
    size_t cap = 1000 * 8 + 16, len = 0;
    char *text = malloc(cap);
    for (int i = 0; i < 1000; i++)
        len += (size_t)snprintf(text + len, cap - len, "a: %d\n", i);
    ck_assert_ptr_null(load_len(text, len));
    free(text);
    ck_assert_uint_ge(diag_error_count(R.d), 2);
    ck_assert_uint_le(diag_error_count(R.d), 101);
    ck_assert_ptr_nonnull(strstr(out_text(), "leec: error: t.yaml: too many errors, stopping\n"));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("yaml_ir");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_good_document);
    tcase_add_test(tc, test_scalar_kinds);
    tcase_add_test(tc, test_scalar_loc);
    tcase_add_test(tc, test_anchor_location_and_bom);
    tcase_add_test(tc, test_duplicate_keys);
    tcase_add_test(tc, test_duplicate_keys_all_reported);
    tcase_add_test(tc, test_duplicate_key_many);
    tcase_add_test(tc, test_alias_expansion);
    tcase_add_test(tc, test_alias_bomb);
    tcase_add_test(tc, test_alias_text_cap);
    tcase_add_test(tc, test_root_keys);
    tcase_add_test(tc, test_alias_errors);
    tcase_add_test(tc, test_depth_cap);
    tcase_add_test(tc, test_multiple_documents);
    tcase_add_test(tc, test_tags);
    tcase_add_test(tc, test_merge_keys);
    tcase_add_test(tc, test_complex_key);
    tcase_add_test(tc, test_syntax_error);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_invalid_utf8);
    tcase_add_test(tc, test_size_caps);
    tcase_add_test(tc, test_load_file);
    tcase_add_test(tc, test_error_cap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
