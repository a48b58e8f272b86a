/* yaml_ir: libyaml → a located tree (the IR every later phase reads).
 *
 * Built from libyaml's parser events (not its document API, which forgets where
 * an alias was written). Every node keeps where it was written; a node reached
 * through an alias is a copy that also keeps the alias's location, so an error
 * in expanded data can point at both. The loader rejects, with a located
 * diagnostic: YAML syntax errors, duplicate mapping keys (note: at the first),
 * non-scalar mapping keys, merge keys (<<), more than one document, any explicit
 * tag, undefined or recursive aliases, and anything over the caps below.
 * Locations follow diag's convention (lines end at '\n', columns count code
 * points); a node with an anchor is located at its content, not at the &anchor.
 * After 100 errors in one file the loader stops ("too many errors").
 *
 * Scalars are kept as text plus their style: typing happens later, against a
 * schema, so that a quoted "512" stays a string and only plain true/false are
 * booleans (see ynode_scalar_kind). */
#ifndef LEEC_YAML_IR_H
#define LEEC_YAML_IR_H

#include "front/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps (bad input gets an error, never a crash or a hang). */
#define YIR_MAX_FILE_BYTES   (1u << 20) /* 1 MiB per file */
#define YIR_MAX_DEPTH        64u        /* nesting of collections */
#define YIR_MAX_NODES        200000u    /* total nodes after alias expansion */
#define YIR_MAX_SCALAR_BYTES (64u << 10)
#define YIR_MAX_TEXT_BYTES   (4u << 20) /* scalar text after alias expansion */

enum ynode_kind { YN_SCALAR, YN_SEQ, YN_MAP };
enum yscalar_style { YS_PLAIN, YS_SINGLE, YS_DOUBLE, YS_LITERAL, YS_FOLDED };

struct ynode;
struct ypair {
    struct ynode *key; /* always a scalar */
    struct ynode *value;
};

struct ynode {
    enum ynode_kind kind;
    struct loc loc; /* start of the node; span = length of a one-line scalar */
    struct loc
        alias_loc; /* where the alias was written, if reached through one (file==NULL otherwise) */
    const char *anchor;     /* anchor name if this node (or the original) had one, else NULL */
    const char *alias_name; /* copies: name of the alias they were expanded from, else NULL */
    /* YN_SCALAR */
    char *str; /* value after YAML processing (escapes, folding), NUL-terminated */
    size_t len;
    enum yscalar_style style;
    /* Raw-text mapping for expressions: if true, str's bytes are exactly the source
     * bytes starting at loc (after an opening quote), on one line, so a byte offset
     * in str maps to a column (see yir_scalar_loc). */
    bool raw_mapped;
    /* YN_SEQ */
    struct ynode **items;
    size_t nitems;
    /* YN_MAP (in source order) */
    struct ypair *pairs;
    size_t npairs;
};

struct ydoc;

/* Loads and registers a file with d. Returns NULL if anything was wrong (errors
 * already emitted); *io_error tells I/O failure (exit 2) from bad input (exit 1). */
struct ydoc *ydoc_load_file(struct diag *d, const char *path, int *io_error);
/* Same, for text already registered with d (used by tests and fuzzers). */
struct ydoc *ydoc_load_source(struct diag *d, const struct src_file *src);
void ydoc_free(struct ydoc *doc);

/* Root node; NULL for an empty document (the caller decides whether that is an error). */
const struct ynode *ydoc_root(const struct ydoc *doc);
const struct src_file *ydoc_source(const struct ydoc *doc);

/* Mapping lookup by key text; NULL if absent or map is not a mapping. */
const struct ynode *ymap_get(const struct ynode *map, const char *key);
const struct ypair *ymap_pair(const struct ynode *map, const char *key);

/* What a scalar is, by YAML 1.2 core-schema rules restricted for leec:
 * only plain scalars can be null/bool/number; quoted ones are always strings.
 * Plain: null = empty, ~, null; bool = true, false; int = -?[0-9]+;
 * float = decimal with '.' or exponent. YSK_STRING for non-scalars too. */
enum yscalar_kind { YSK_NULL, YSK_BOOL, YSK_INT, YSK_FLOAT, YSK_STRING };
enum yscalar_kind ynode_scalar_kind(const struct ynode *n);
/* Plain true/false only. Returns false (and leaves *out) for anything else. */
bool ynode_bool(const struct ynode *n, bool *out);
/* Plain scalars spelled like YAML 1.1 booleans (yes/no/on/off/True/FALSE/y/n):
 * callers use this to say "booleans are true or false". */
bool ynode_looks_like_bool(const struct ynode *n);
/* Location of byte offset `off` (span `len` bytes) inside a scalar: exact when
 * raw_mapped, else the scalar's own location. */
struct loc yir_scalar_loc(const struct ynode *n, size_t off, size_t len);

/* Location to report for a node: its own location n->loc (for a copy, that is the
 * anchored original). If n was reached through an alias, yir_note_alias then adds
 * "note: expanded from alias '*NAME' here" at n->alias_loc; otherwise it does
 * nothing. Typical use:  diag_error(d, &n->loc, ...); yir_note_alias(d, n); */
void yir_note_alias(struct diag *d, const struct ynode *n);

/* Which of keys[] (at most 32; bit i for keys[i]) are keys of the first document's root
 * mapping, read with libyaml's events up to the first YAML error, so that a file with a
 * syntax error further down still says what it is. Flow mappings, quoted keys, "---"
 * and a UTF-8 BOM are what YAML says they are; the text is not registered with a diag. */
uint32_t yir_root_keys(const char *text, size_t len, const char *const *keys, size_t nkeys);

/* Short name of a kind for messages: "mapping", "sequence", "string", ... */
const char *ynode_kind_name(const struct ynode *n);

#endif
