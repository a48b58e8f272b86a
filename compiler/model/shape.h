/* shape: reads a project-file section against its shape in schemas/project.yaml into
 * a typed value tree. Type, required, default, pattern, enum values, min/max, limit,
 * unique list items and the secret form all come from the shape; every error is
 * reported at its file:line:col (with the shape's message), and the walk goes on so
 * that every independent error in a file is reported. The checks that need code are
 * hooks, by path, supplied by the caller (model/project.c). */
#ifndef LEEC_SHAPE_H
#define LEEC_SHAPE_H

#include "model/model.h"

enum secret_kind { SECRET_NONE, SECRET_ENV, SECRET_SSM };

/* The secret form, {env: VARIABLE} or {ssm: /parameter/name}: what its names look
 * like, for leec (shape.c) and for editors (emit/schema_json.c). */
#define SHAPE_ENV_PATTERN "^[A-Za-z_][A-Za-z0-9_]*$"
#define SHAPE_ENV_MESSAGE \
    "an environment variable name: letters, digits and _, not starting with a digit"
#define SHAPE_SSM_PATTERN "^/"
#define SHAPE_SSM_MESSAGE "an SSM parameter name, which starts with '/'"

/* One value of a section. Strings point into the YAML document or the shape. */
struct sval {
    const struct shape *shape;
    const struct ynode *node; /* as written; NULL when left out */
    struct loc loc;           /* the node's; left out: the enclosing mapping's */
    bool set;                 /* written, or the shape's default applies */
    bool ok;                  /* passed every check, its children's too */
    const char *str;          /* SH_STRING, SH_ENUM; SH_SECRET: the variable/parameter */
    bool b;                   /* SH_BOOL */
    double num;               /* SH_INT; SH_DURATION in seconds */
    enum secret_kind secret;  /* SH_SECRET */
    /* SH_OBJECT: one per shape key, in the shape's order; SH_LIST: the items read;
     * SH_MAP: the entries read, key names in keys[]. */
    struct sval *items;
    const struct ynode **keys;
    size_t n;
};

/* Where a hook runs: the value's path ("home_assistant.url"; a list item or map value
 * adds "[]": "home_assistant.headers[]"), the map key of a map value, the mapping that
 * holds the value. */
struct shape_at {
    struct diag *d;
    const char *path;
    const struct ynode *key;
    const struct ynode *parent;
    void *ctx;
};

/* A check that needs code. On a scalar or a secret it runs once the type is read and
 * before the pattern, enum and range checks (which are skipped when it reports); on an
 * object, list or map once every child is read. false after a diagnostic. */
struct shape_hook {
    const char *path;
    bool (*check)(const struct shape_at *at, struct sval *v);
};

/* Reads node n (NULL: left out of parent) against sh at path into *out, with hooks.
 * false after diagnostics; *out holds what was read either way (free it). */
bool shape_read(struct diag *d, const struct catalog *cat, const struct shape *sh, const char *path,
                const struct ynode *n, const struct ynode *parent, const struct shape_hook *hooks,
                size_t nhooks, void *ctx, struct sval *out);
void shape_free(struct sval *v);

/* A value by dotted path under v ("token.mode"); NULL when the shape has no such key. */
const struct sval *shape_get(const struct sval *v, const char *path);

/* A JSON Schema pattern (the subset schemas/project.yaml uses) compiled to a POSIX ERE;
 * NULL after writing what is unsupported to err. */
void *shape_pattern_compile(const char *pattern, char *err, size_t errsz);
void shape_pattern_free(void *re);

#endif
