/* expr: AST construction, parsing driver, evaluation with type and unit
 * checking, and formatting helpers. See expr.h for the language. */
#include "expr/expr.h"

#include "expr/units.h"
#include "front/util.h"

#include "expr/expr_ast.h"
#include "expr_grammar.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- locations ---------------------------------------------------------- */

static uint32_t count_chars(const char *s, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

struct loc expr_span_loc(const struct expr *e, uint32_t off, uint32_t len)
{
    if (!e->mapped)
        return e->base;
    if (off > e->len)
        off = (uint32_t)e->len;
    if (len > e->len - off)
        len = (uint32_t)(e->len - off);
    struct loc l = e->base;
    l.col = e->base.col + count_chars(e->text, off);
    l.span = count_chars(e->text + off, len);
    return l;
}

static struct loc node_loc(const struct expr *e, const struct node *n)
{
    return expr_span_loc(e, n->off, n->len);
}

static void verror(struct diag *d, const struct loc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void verror(struct diag *d, const struct loc *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(d, DIAG_ERROR, at, fmt, ap);
    va_end(ap);
}

/* ---- AST ---------------------------------------------------------------- */

void node_free(struct node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->str);
    free(n);
}

static struct node *node_new(enum node_kind kind, uint32_t off, uint32_t len)
{
    struct node *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->off = off;
    n->len = len;
    return n;
}

/* Adds kid; n is one level deeper than it unless `level` is 0 (the left operand
 * of a left-associative chain: a + b + c is one level, not two). */
static void node_add_level(struct pstate *ps, struct node *n, struct node *kid, unsigned level)
{
    if (n->nkids == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 2;
        n->kids = xrealloc(n->kids, n->cap * sizeof *n->kids);
    }
    n->kids[n->nkids++] = kid;
    if (kid->depth + level > n->depth)
        n->depth = kid->depth + level;
    if (n->depth > EXPR_MAX_DEPTH && !ps->error) {
        struct loc at = node_loc(ps->e, n);
        diag_error(ps->d, &at, "expression is nested more than %u levels deep", EXPR_MAX_DEPTH);
        ps->error = true;
    }
}

static void node_add(struct pstate *ps, struct node *n, struct node *kid)
{
    node_add_level(ps, n, kid, 1);
}

/* Binding strength of a binary operator (expr_grammar.y's precedence lines). */
static int binary_prec(int op)
{
    switch (op) {
    case TK_STAR:
    case TK_SLASH:
        return 6;
    case TK_PLUS:
    case TK_MINUS:
        return 5;
    case TK_LT:
    case TK_LE:
    case TK_GT:
    case TK_GE:
        return 4;
    case TK_EQ:
    case TK_NE:
        return 3;
    case TK_AND:
        return 2;
    default:
        return 1;
    }
}

struct node *node_leaf(struct pstate *ps, enum node_kind kind, const struct tok *t)
{
    struct node *n = node_new(kind, t->off, t->len);
    if (kind == N_NUM) {
        n->num = t->num;
        n->dim = t->dim;
    } else if (kind == N_STR) {
        /* The lexer validated the escapes. */
        const char *s = ps->e->text + t->off + 1, *end = ps->e->text + t->off + t->len - 1;
        n->str = xmalloc((size_t)(end - s) + 1);
        size_t k = 0;
        for (; s < end; s++) {
            if (*s == '\\' && s + 1 < end)
                s++;
            n->str[k++] = *s;
        }
        n->str[k] = '\0';
        n->slen = k;
    }
    return n;
}

struct node *node_unary(struct pstate *ps, enum node_kind kind, const struct tok *op,
                        struct node *a)
{
    if (kind == N_NEG && a->kind == N_NUM && a->off == op->off + op->len) {
        /* -5, -250ms: fold into a literal. */
        a->num = -a->num;
        a->len += op->len;
        a->off = op->off;
        return a;
    }
    struct node *n = node_new(kind, op->off, op->len);
    node_add(ps, n, a);
    return n;
}

struct node *node_binary(struct pstate *ps, int op, const struct tok *optok, struct node *l,
                         struct node *r)
{
    struct node *n = node_new(N_BIN, optok->off, optok->len);
    n->op = op;
    /* All the operators are left-associative: a flat chain (1 + 2 + ... + 200) grows
     * to the left with operators of one precedence, and counts as one level. */
    bool chain = l->kind == N_BIN && binary_prec(l->op) == binary_prec(op);
    node_add_level(ps, n, l, chain ? 0 : 1);
    node_add(ps, n, r);
    return n;
}

struct node *node_cond(struct pstate *ps, const struct tok *q, struct node *c, struct node *a,
                       struct node *b)
{
    struct node *n = node_new(N_COND, q->off, q->len);
    node_add(ps, n, c);
    node_add(ps, n, a);
    node_add(ps, n, b);
    return n;
}

struct node *node_args(struct pstate *ps, struct node *args, struct node *arg)
{
    if (!args)
        args = node_new(N_CALL, arg->off, arg->len);
    node_add(ps, args, arg);
    return args;
}

static const struct {
    const char *name;
    enum fn_id id;
    size_t min_args, max_args;
} functions[] = {
    {"min", FN_MIN, 1, 0},     {"max", FN_MAX, 1, 0},   {"sum", FN_SUM, 1, 0},
    {"count", FN_COUNT, 1, 0}, {"ceil", FN_CEIL, 1, 1}, {"floor", FN_FLOOR, 1, 1},
};
#define KNOWN_FUNCTIONS "min, max, sum, count, ceil, floor"

struct node *node_call(struct pstate *ps, const struct tok *name, struct node *args)
{
    struct node *n = args ? args : node_new(N_CALL, 0, 0);
    n->off = name->off;
    n->len = name->len;
    if (ps->error)
        return n;
    const char *s = ps->e->text + name->off;
    struct loc at = node_loc(ps->e, n);
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (strlen(functions[i].name) != name->len || memcmp(functions[i].name, s, name->len))
            continue;
        n->op = (int)functions[i].id;
        if (n->nkids < functions[i].min_args) {
            diag_error(ps->d, &at, "'%s' needs at least one argument", functions[i].name);
            ps->error = true;
        } else if (functions[i].max_args && n->nkids > functions[i].max_args) {
            diag_error(ps->d, &at, "'%s' takes exactly one argument, got %zu", functions[i].name,
                       n->nkids);
            ps->error = true;
        }
        return n;
    }
    diag_error(ps->d, &at, "unknown function '%.*s' (known: " KNOWN_FUNCTIONS ")",
               (int)(name->len > 64 ? 64 : name->len), s);
    ps->error = true;
    return n;
}

/* ---- parsing ------------------------------------------------------------ */

static bool is_operand_start(int code)
{
    switch (code) {
    case TK_NUM:
    case TK_STR:
    case TK_REF:
    case TK_TRUE:
    case TK_FALSE:
    case TK_LPAREN:
    case TK_MINUS:
    case TK_NOT:
        return true;
    default:
        return false;
    }
}

/* After these an operand must follow. */
static bool wants_operand(int code)
{
    switch (code) {
    case TK_NUM:
    case TK_STR:
    case TK_REF:
    case TK_TRUE:
    case TK_FALSE:
    case TK_RPAREN:
    case 0:
        return false;
    default:
        return true;
    }
}

void expr_syntax_error(struct pstate *ps, int major, const struct tok *t)
{
    if (ps->error)
        return;
    ps->error = true;
    const struct expr *e = ps->e;
    struct loc at = expr_span_loc(e, t->off, t->len);
    if (ps->prev == 0 && major == 0) {
        diag_error(ps->d, &at, "empty expression");
    } else if (ps->prev && wants_operand(ps->prev) && !is_operand_start(major)) {
        struct loc pat = expr_span_loc(e, ps->prev_tok.off, ps->prev_tok.len);
        diag_error(ps->d, major == 0 ? &pat : &at, "expected an operand after '%.*s'",
                   (int)ps->prev_tok.len, e->text + ps->prev_tok.off);
    } else if (major == 0 && ps->lx->parens) {
        uint32_t off = ps->lx->paren_off[ps->lx->parens - 1];
        struct loc pat = expr_span_loc(e, off, 1);
        diag_error(ps->d, &pat, "unclosed '('");
    } else if (major == 0) {
        diag_error(ps->d, &at, "unexpected end of expression");
    } else {
        uint32_t n = t->len > 32 ? 32 : t->len;
        diag_error(ps->d, &at, "unexpected '%.*s%s'", (int)n, e->text + t->off,
                   n < t->len ? "..." : "");
    }
}

void expr_stack_overflow(struct pstate *ps)
{
    if (ps->error)
        return;
    ps->error = true;
    struct loc at = expr_span_loc(ps->e, ps->cur_tok.off, ps->cur_tok.len);
    diag_error(ps->d, &at, "expression is nested more than %u levels deep", EXPR_MAX_DEPTH);
}

static void expr_free_text(struct expr *e)
{
    free(e->text);
    free(e);
}

struct expr *expr_parse(const struct expr_src *src, struct diag *d)
{
    if (src->len > EXPR_MAX_BYTES) {
        diag_error(d, &src->base, "expression is longer than %u bytes", EXPR_MAX_BYTES);
        return NULL;
    }
    struct expr *e = xmalloc(sizeof *e);
    memset(e, 0, sizeof *e);
    e->text = xmalloc(src->len + 1);
    if (src->len)
        memcpy(e->text, src->text, src->len);
    e->text[src->len] = '\0';
    e->len = src->len;
    e->base = src->base;
    e->mapped = src->mapped;
    e->whole = e->base;
    if (e->mapped)
        e->whole.span = count_chars(e->text, e->len);

    struct lexer lx = {.start = e->text, .cur = e->text, .lim = e->text + e->len};
    struct pstate ps = {.e = e, .d = d, .lx = &lx};
    void *p = ExprParserAlloc(malloc);
    if (!p) {
        fputs("leec: out of memory\n", stderr);
        exit(3);
    }
    for (;;) {
        struct tok t;
        int code = expr_lex(&lx, e, &t, d);
        if (code < 0) {
            ps.error = true;
            break;
        }
        ps.cur = code;
        ps.cur_tok = t;
        ExprParser(p, code, t, &ps);
        if (ps.error || code == 0)
            break;
        ps.prev = code;
        ps.prev_tok = t;
    }
    ExprParserFree(p, free);
    if (ps.error || !ps.root) {
        node_free(ps.root);
        expr_free_text(e);
        return NULL;
    }
    e->root = ps.root;
    return e;
}

void expr_free(struct expr *e)
{
    if (!e)
        return;
    node_free(e->root);
    expr_free_text(e);
}

const struct loc *expr_loc(const struct expr *e) { return &e->whole; }

bool expr_is_literal(const struct expr *e)
{
    enum node_kind k = e->root->kind;
    return k == N_NUM || k == N_BOOL || k == N_STR;
}

static void foreach_ref(const struct expr *e, const struct node *n,
                        void (*cb)(void *, const char *, size_t, const struct loc *), void *ctx)
{
    if (n->kind == N_REF) {
        struct loc at = node_loc(e, n);
        cb(ctx, e->text + n->off, n->len, &at);
    }
    for (size_t i = 0; i < n->nkids; i++)
        foreach_ref(e, n->kids[i], cb, ctx);
}

void expr_foreach_ref(const struct expr *e,
                      void (*cb)(void *ctx, const char *name, size_t len, const struct loc *at),
                      void *ctx)
{
    foreach_ref(e, e->root, cb, ctx);
}

/* ---- formatting --------------------------------------------------------- */

/* Plain number: integers without a fraction, others with up to 15 significant
 * digits, no exponent in the usual range. */
static void fmt_plain(double v, char *buf, size_t size)
{
    double a = fabs(v);
    if (a < 1e15 && v == floor(v))
        snprintf(buf, size, "%.0f", v == 0 ? 0.0 : v);
    else if (a >= 1e-4 && a < 1e15)
        snprintf(buf, size, "%.15g", v);
    else
        snprintf(buf, size, "%g", v);
}

/* Up to two decimals, trailing zeros trimmed. */
static void fmt_2dec(double v, char *buf, size_t size)
{
    if (!(fabs(v) < 1e15)) {
        fmt_plain(v, buf, size);
        return;
    }
    snprintf(buf, size, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot && (end[-1] == '0' || end[-1] == '.')) {
            bool was_dot = end[-1] == '.';
            *--end = '\0';
            if (was_dot)
                break;
        }
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, size, "0");
}

static double unit_factor(const struct unit_def *u) { return u->mul / u->div; }

static bool exact_2dec(double x)
{
    double h = x * 100;
    return fabs(h - round(h)) <= 1e-9 * fmax(1.0, fabs(h));
}

/* Largest unit giving a value >= 1 that is exact with two decimals; else the
 * largest giving >= 1 (rounded); else the smallest unit. */
static void fmt_units(double v, const struct unit_def *const *u, size_t n, size_t zero_unit,
                      char *buf, size_t size)
{
    size_t pick = n;
    double a = fabs(v);
    if (a == 0) {
        pick = zero_unit;
    } else {
        for (size_t i = 0; i < n && pick == n; i++)
            if (a / unit_factor(u[i]) >= 1 && exact_2dec(a / unit_factor(u[i])))
                pick = i;
        for (size_t i = 0; i < n && pick == n; i++)
            if (a / unit_factor(u[i]) >= 1)
                pick = i;
        if (pick == n)
            pick = n - 1;
    }
    char num[64];
    fmt_2dec(v / unit_factor(u[pick]), num, sizeof num);
    snprintf(buf, size, "%s %s", num, u[pick]->name);
}

void value_format(const struct value *v, char *buf, size_t size)
{
    if (!size)
        return;
    switch (v->kind) {
    case V_BOOL:
        snprintf(buf, size, "%s", v->b ? "true" : "false");
        return;
    case V_STR:
        snprintf(buf, size, "\"%.*s\"", (int)(v->len > 200 ? 200 : v->len), v->str ? v->str : "");
        return;
    case V_LIST:
        snprintf(buf, size, "a list of %zu", v->len);
        return;
    case V_NUM:
        break;
    }
    if (!isfinite(v->num)) {
        snprintf(buf, size, "%g", v->num);
    } else if (dim_eq(v->dim, DIM_BYTES) || dim_eq(v->dim, DIM_SECS)) {
        const struct unit_def *u[8];
        size_t zero;
        size_t n = units_of_dim(v->dim, u, 8, &zero);
        fmt_units(v->num, u, n, zero, buf, size);
    } else if (dim_eq(v->dim, DIM_NONE)) {
        fmt_plain(v->num, buf, size);
    } else {
        char num[64], dim[64];
        fmt_plain(v->num, num, sizeof num);
        dim_format(v->dim, dim, sizeof dim);
        snprintf(buf, size, "%s %s", num, dim);
    }
}

/* ---- evaluation --------------------------------------------------------- */

struct evalctx {
    const struct expr *e;
    expr_resolve_fn resolve;
    void *ctx;
    struct diag *d;
};

/* "a number (bytes)", "a number", "a boolean", "a string", "a list". */
static const char *describe(const struct value *v, char *buf, size_t size)
{
    switch (v->kind) {
    case V_BOOL:
        return "a boolean";
    case V_STR:
        return "a string";
    case V_LIST:
        return "a list";
    case V_NUM:
        break;
    }
    if (dim_eq(v->dim, DIM_NONE))
        return "a number";
    char dim[64];
    dim_format(v->dim, dim, sizeof dim);
    snprintf(buf, size, "a number (%s)", dim);
    return buf;
}

static const char *op_text(int op)
{
    switch (op) {
    case TK_PLUS:
        return "+";
    case TK_MINUS:
        return "-";
    case TK_STAR:
        return "*";
    case TK_SLASH:
        return "/";
    case TK_LT:
        return "<";
    case TK_LE:
        return "<=";
    case TK_GT:
        return ">";
    case TK_GE:
        return ">=";
    case TK_EQ:
        return "==";
    case TK_NE:
        return "!=";
    case TK_AND:
        return "&&";
    case TK_OR:
        return "||";
    default:
        return "?";
    }
}

static bool eval_node(const struct evalctx *c, const struct node *n, struct value *out);

static void set_num(struct value *out, double v, struct dim d)
{
    memset(out, 0, sizeof *out);
    out->kind = V_NUM;
    out->num = v;
    out->dim = d;
}

static void set_bool(struct value *out, bool b)
{
    memset(out, 0, sizeof *out);
    out->kind = V_BOOL;
    out->b = b;
}

/* Both operands' descriptions for "'op' needs X, got A and B" messages. */
static bool type_error2(const struct evalctx *c, const struct loc *at, const char *what, int op,
                        const struct value *l, bool lbad, const struct value *r, bool rbad)
{
    char b1[96], b2[96];
    const char *dl = describe(l, b1, sizeof b1), *dr = describe(r, b2, sizeof b2);
    if (lbad && rbad)
        verror(c->d, at, "'%s' needs %s, got %s and %s", op_text(op), what, dl, dr);
    else
        verror(c->d, at, "'%s' needs %s, got %s", op_text(op), what, lbad ? dl : dr);
    return false;
}

static bool finite_or_error(const struct evalctx *c, const struct loc *at, const char *op, double v)
{
    if (isfinite(v))
        return true;
    verror(c->d, at, "result of '%s' is out of range", op);
    return false;
}

static bool combine_dim(const struct evalctx *c, const struct loc *at, int op, struct dim a,
                        struct dim b, struct dim *out)
{
    int sign = op == TK_STAR ? 1 : -1;
    int eb = a.bytes + sign * b.bytes, es = a.secs + sign * b.secs;
    if (eb < -9 || eb > 9 || es < -9 || es > 9) {
        verror(c->d, at, "'%s' gives a dimension with an exponent beyond 9", op_text(op));
        return false;
    }
    out->bytes = (signed char)eb;
    out->secs = (signed char)es;
    return true;
}

static bool eval_bin(const struct evalctx *c, const struct node *n, struct value *out)
{
    struct loc at = node_loc(c->e, n);
    struct value l, r;
    if (!eval_node(c, n->kids[0], &l))
        return false;
    int op = n->op;
    if (op == TK_AND || op == TK_OR) {
        if (l.kind == V_BOOL && (op == TK_AND ? !l.b : l.b)) {
            set_bool(out, l.b); /* short circuit: the right side is not evaluated */
            return true;
        }
        if (!eval_node(c, n->kids[1], &r))
            return false;
        if (l.kind != V_BOOL || r.kind != V_BOOL)
            return type_error2(c, &at, "booleans", op, &l, l.kind != V_BOOL, &r, r.kind != V_BOOL);
        set_bool(out, r.b);
        return true;
    }
    if (!eval_node(c, n->kids[1], &r))
        return false;
    char b1[96], b2[96], d1[64], d2[64];
    switch (op) {
    case TK_PLUS:
    case TK_MINUS:
        if (l.kind != V_NUM || r.kind != V_NUM)
            return type_error2(c, &at, "numbers", op, &l, l.kind != V_NUM, &r, r.kind != V_NUM);
        if (!dim_eq(l.dim, r.dim)) {
            dim_format(l.dim, d1, sizeof d1);
            dim_format(r.dim, d2, sizeof d2);
            if (op == TK_PLUS)
                verror(c->d, &at, "cannot add %s and %s", d1, d2);
            else
                verror(c->d, &at, "cannot subtract %s from %s", d2, d1);
            return false;
        }
        set_num(out, op == TK_PLUS ? l.num + r.num : l.num - r.num, l.dim);
        return finite_or_error(c, &at, op_text(op), out->num);
    case TK_STAR:
    case TK_SLASH: {
        if (l.kind != V_NUM || r.kind != V_NUM)
            return type_error2(c, &at, "numbers", op, &l, l.kind != V_NUM, &r, r.kind != V_NUM);
        struct dim dm;
        if (!combine_dim(c, &at, op, l.dim, r.dim, &dm))
            return false;
        if (op == TK_SLASH && r.num == 0) {
            verror(c->d, &at, "division by zero");
            return false;
        }
        set_num(out, op == TK_STAR ? l.num * r.num : l.num / r.num, dm);
        return finite_or_error(c, &at, op_text(op), out->num);
    }
    case TK_LT:
    case TK_LE:
    case TK_GT:
    case TK_GE:
        if (l.kind != V_NUM || r.kind != V_NUM)
            return type_error2(c, &at, "numbers", op, &l, l.kind != V_NUM, &r, r.kind != V_NUM);
        if (!dim_eq(l.dim, r.dim)) {
            dim_format(l.dim, d1, sizeof d1);
            dim_format(r.dim, d2, sizeof d2);
            verror(c->d, &at, "cannot compare %s and %s", d1, d2);
            return false;
        }
        set_bool(out, op == TK_LT   ? l.num < r.num
                      : op == TK_LE ? l.num <= r.num
                      : op == TK_GT ? l.num > r.num
                                    : l.num >= r.num);
        return true;
    case TK_EQ:
    case TK_NE: {
        bool eq;
        if (l.kind != r.kind || l.kind == V_LIST) {
            verror(c->d, &at, "cannot compare %s and %s", describe(&l, b1, sizeof b1),
                   describe(&r, b2, sizeof b2));
            return false;
        }
        if (l.kind == V_NUM) {
            if (!dim_eq(l.dim, r.dim)) {
                dim_format(l.dim, d1, sizeof d1);
                dim_format(r.dim, d2, sizeof d2);
                verror(c->d, &at, "cannot compare %s and %s", d1, d2);
                return false;
            }
            eq = l.num == r.num;
        } else if (l.kind == V_BOOL) {
            eq = l.b == r.b;
        } else {
            eq = l.len == r.len && (l.len == 0 || memcmp(l.str, r.str, l.len) == 0);
        }
        set_bool(out, op == TK_EQ ? eq : !eq);
        return true;
    }
    default:
        verror(c->d, &at, "internal error: unknown operator");
        return false;
    }
}

static bool eval_call(const struct evalctx *c, const struct node *n, struct value *out)
{
    struct loc at = node_loc(c->e, n);
    const char *name = c->e->text + n->off;
    int nl = (int)n->len;
    char b1[96], d1[64], d2[64];
    double acc = 0;
    struct dim dm = DIM_NONE;
    for (size_t i = 0; i < n->nkids; i++) {
        struct value v;
        if (!eval_node(c, n->kids[i], &v))
            return false;
        switch ((enum fn_id)n->op) {
        case FN_COUNT:
            if (v.kind == V_BOOL) {
                acc += v.b;
            } else if (v.kind == V_LIST) {
                acc += (double)v.len;
            } else {
                verror(c->d, &at, "'%.*s' needs booleans or lists, got %s (argument %zu)", nl, name,
                       describe(&v, b1, sizeof b1), i + 1);
                return false;
            }
            break;
        case FN_CEIL:
        case FN_FLOOR:
            if (v.kind != V_NUM || !dim_eq(v.dim, DIM_NONE)) {
                verror(c->d, &at, "'%.*s' needs a dimensionless number, got %s", nl, name,
                       describe(&v, b1, sizeof b1));
                return false;
            }
            acc = n->op == FN_CEIL ? ceil(v.num) : floor(v.num);
            break;
        case FN_MIN:
        case FN_MAX:
        case FN_SUM:
            if (v.kind != V_NUM) {
                verror(c->d, &at, "'%.*s' needs numbers, got %s (argument %zu)", nl, name,
                       describe(&v, b1, sizeof b1), i + 1);
                return false;
            }
            if (i == 0) {
                dm = v.dim;
                acc = v.num;
                break;
            }
            if (!dim_eq(v.dim, dm)) {
                dim_format(dm, d1, sizeof d1);
                dim_format(v.dim, d2, sizeof d2);
                verror(c->d, &at,
                       "'%.*s' needs arguments of one dimension, got %s and %s (argument %zu)", nl,
                       name, d1, d2, i + 1);
                return false;
            }
            if (n->op == FN_MIN)
                acc = v.num < acc ? v.num : acc;
            else if (n->op == FN_MAX)
                acc = v.num > acc ? v.num : acc;
            else
                acc += v.num;
            break;
        }
    }
    set_num(out, acc, dm);
    char fn[16];
    snprintf(fn, sizeof fn, "%.*s", nl, name);
    return finite_or_error(c, &at, fn, acc);
}

static bool eval_node(const struct evalctx *c, const struct node *n, struct value *out)
{
    char b1[96];
    struct loc at;
    switch (n->kind) {
    case N_NUM:
        set_num(out, n->num, n->dim);
        return true;
    case N_BOOL:
        set_bool(out, n->b);
        return true;
    case N_STR:
        memset(out, 0, sizeof *out);
        out->kind = V_STR;
        out->str = n->str;
        out->len = n->slen;
        return true;
    case N_REF:
        at = node_loc(c->e, n);
        memset(out, 0, sizeof *out);
        return c->resolve(c->ctx, c->e->text + n->off, n->len, &at, out, c->d);
    case N_NEG:
        if (!eval_node(c, n->kids[0], out))
            return false;
        if (out->kind != V_NUM) {
            at = node_loc(c->e, n);
            verror(c->d, &at, "'-' needs a number, got %s", describe(out, b1, sizeof b1));
            return false;
        }
        out->num = -out->num;
        return true;
    case N_NOT:
        if (!eval_node(c, n->kids[0], out))
            return false;
        if (out->kind != V_BOOL) {
            at = node_loc(c->e, n);
            verror(c->d, &at, "'!' needs a boolean, got %s", describe(out, b1, sizeof b1));
            return false;
        }
        out->b = !out->b;
        return true;
    case N_BIN:
        return eval_bin(c, n, out);
    case N_COND: {
        struct value cv;
        if (!eval_node(c, n->kids[0], &cv))
            return false;
        if (cv.kind != V_BOOL) {
            at = node_loc(c->e, n);
            verror(c->d, &at, "condition of '?' must be a boolean, got %s",
                   describe(&cv, b1, sizeof b1));
            return false;
        }
        return eval_node(c, n->kids[cv.b ? 1 : 2], out);
    }
    case N_CALL:
        return eval_call(c, n, out);
    }
    return false;
}

bool expr_eval(const struct expr *e, expr_resolve_fn resolve, void *ctx, struct value *out,
               struct diag *d)
{
    struct evalctx c = {e, resolve, ctx, d};
    return eval_node(&c, e->root, out);
}
