/* expr: the expression language inside YAML scalars.
 *
 * Lexed by re2c (expr_lex.re) over the raw bytes of the scalar, parsed by a
 * lemon grammar (expr_grammar.y) into an AST, type- and unit-checked and
 * evaluated against a resolver callback. Used for derived values, memory and
 * metric formulas, and rules.
 *
 * Syntax (lowest to highest precedence):
 *   c ? a : b            conditional (right assoc)
 *   a || b               logical or          a && b   logical and
 *   a == b  a != b       equality (numbers with same dimension, bools, strings)
 *   a < b  <= > >=       comparison (numbers with same dimension)
 *   a + b   a - b        same dimension
 *   a * b   a / b        dimensions multiply / divide
 *   -a  !a               unary
 *   ( e )  f(e, ...)  literal  reference
 * Literals: 42, 0.85, 85% (= 0.85, dimensionless), sizes 96B 512KiB 24MiB 1GiB,
 *   durations 250ms 5s 5m 1h, true, false, "text" or 'text'.
 * References: name (parameter of the current interface), iface.name,
 *   lambda.memory_mb, features.areas. Identifiers: [a-z_][a-z0-9_]*.
 * Functions: min(a, b, ...), max(a, b, ...) (same dimension), sum(a, ...) (same
 *   dimension), count(b, ...) (number of true bools; a list reference counts its
 *   elements), ceil(x), floor(x) (dimensionless).
 * Dimensions: bytes^i * seconds^j (i, j small ints); dimensionless otherwise.
 *   MiB + 5s is an error at the operator, naming both dimensions.
 *
 * Numbers are double; sizes are bytes, durations are seconds (250ms = 0.25).
 * Division by zero is an evaluation error at the '/'. */
#ifndef LEEC_EXPR_H
#define LEEC_EXPR_H

#include "expr/units.h"
#include "front/diag.h"

#include <stdbool.h>
#include <stddef.h>

#define EXPR_MAX_BYTES 4096u /* longest expression text */
#define EXPR_MAX_DEPTH 64u   /* nesting of parentheses / operators (a flat a + b + c is one) */

enum value_kind { V_NUM, V_BOOL, V_STR, V_LIST };

struct value {
    enum value_kind kind;
    double num;      /* V_NUM */
    struct dim dim;  /* V_NUM */
    bool b;          /* V_BOOL */
    const char *str; /* V_STR: not owned; lives as long as the resolver's data */
    size_t len;      /* V_STR length; V_LIST element count */
};

/* Where the expression text came from. If mapped, byte i of text is at column
 * base.col + (characters before i) on base.line; else every location is base. */
struct expr_src {
    const char *text;
    size_t len;
    struct loc base;
    bool mapped;
};

struct expr;

/* Parses; NULL on a lexical or syntax error (diagnostic emitted at the token,
 * e.g. "expected an operand after '+'" or "unexpected ')'"). */
struct expr *expr_parse(const struct expr_src *src, struct diag *d);
void expr_free(struct expr *e);

/* Resolves a reference. `name` is the full text as written ("ttl" or "cache.ttl").
 * Returns false after emitting a diagnostic at `at` if the name is unknown. */
typedef bool (*expr_resolve_fn)(void *ctx, const char *name, size_t len, const struct loc *at,
                                struct value *out, struct diag *d);

/* Evaluates with type and unit checking; false after a diagnostic. */
bool expr_eval(const struct expr *e, expr_resolve_fn resolve, void *ctx, struct value *out,
               struct diag *d);

/* Calls cb for every reference in source order (for dependency graphs and notes). */
void expr_foreach_ref(const struct expr *e,
                      void (*cb)(void *ctx, const char *name, size_t len, const struct loc *at),
                      void *ctx);

/* Location of the whole expression (start of its text). */
const struct loc *expr_loc(const struct expr *e);

/* True if the expression is a single literal (no references, no operators). */
bool expr_is_literal(const struct expr *e);

/* Human value: "24 MiB", "250 ms", "0.85", "true", "\"x\"". */
void value_format(const struct value *v, char *buf, size_t size);

#endif
