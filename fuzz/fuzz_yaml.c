/* libFuzzer target for yaml_ir: any bytes must give a tree or located errors,
 * never a crash, hang or leak. Also checks the loader's own invariants. */
#include "front/yaml_ir.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink(void)
{
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    return devnull;
}

static void check_loc(const struct loc *l, const struct src_file *src)
{
    if (!l->file)
        return;
    if (l->file != src || l->line < 1 || l->col < 1 || loc_offset(l) > src->len)
        abort();
}

static size_t walk(const struct ynode *n, const struct src_file *src, unsigned depth)
{
    if (!n || depth > YIR_MAX_DEPTH + 1)
        abort();
    check_loc(&n->loc, src);
    check_loc(&n->alias_loc, src);
    (void)ynode_kind_name(n);
    size_t count = 1;
    switch (n->kind) {
    case YN_SCALAR: {
        if (!n->str || strlen(n->str) > n->len)
            abort();
        (void)ynode_scalar_kind(n);
        (void)ynode_looks_like_bool(n);
        bool b;
        (void)ynode_bool(n, &b);
        struct loc l = yir_scalar_loc(n, n->len / 2, n->len);
        check_loc(&l, src);
        if (n->raw_mapped) {
            size_t off = loc_offset(&n->loc);
            size_t q = (n->style == YS_SINGLE || n->style == YS_DOUBLE) ? 1 : 0;
            if (off + q + n->len > src->len || memcmp(src->text + off + q, n->str, n->len) != 0)
                abort();
        }
        break;
    }
    case YN_SEQ:
        for (size_t i = 0; i < n->nitems; i++)
            count += walk(n->items[i], src, depth + 1);
        break;
    case YN_MAP:
        for (size_t i = 0; i < n->npairs; i++) {
            if (n->pairs[i].key->kind != YN_SCALAR || !n->pairs[i].value)
                abort();
            count += walk(n->pairs[i].key, src, depth + 1);
            count += walk(n->pairs[i].value, src, depth + 1);
            if (!ymap_pair(n, n->pairs[i].key->str) &&
                !memchr(n->pairs[i].key->str, 0, n->pairs[i].key->len))
                abort();
        }
        break;
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag *d = diag_new(DIAG_TEXT, sink());
    char *text = malloc(size + 1);
    if (!text)
        abort();
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    const struct src_file *src = diag_add_source(d, "fuzz.yaml", text, size);
    struct ydoc *doc = ydoc_load_source(d, src);
    if (doc) {
        if (diag_error_count(d) != 0)
            abort();
        const struct ynode *root = ydoc_root(doc);
        if (root && walk(root, src, 0) > YIR_MAX_NODES)
            abort();
    } else if (diag_error_count(d) == 0) {
        abort(); /* NULL must come with an error */
    }
    ydoc_free(doc);
    diag_free(d);
    return 0;
}
