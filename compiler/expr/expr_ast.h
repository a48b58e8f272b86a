/* expr_ast: private to the expression module (expr.c, expr_lex.re,
 * expr_grammar.y). Not part of the public API; see expr.h. */
#ifndef LEEC_EXPR_AST_H
#define LEEC_EXPR_AST_H

#include "expr/expr.h"

#include <stdint.h>

/* A token: its byte span in the expression text plus, for numbers, the value
 * already scaled to the base unit and its dimension. Plain data (no ownership),
 * so lemon never needs a token destructor. */
struct tok {
    uint32_t off, len;
    double num;
    struct dim dim;
};

enum node_kind { N_NUM, N_BOOL, N_STR, N_REF, N_NEG, N_NOT, N_BIN, N_COND, N_CALL };
enum fn_id { FN_MIN, FN_MAX, FN_SUM, FN_COUNT, FN_CEIL, FN_FLOOR };

struct node {
    enum node_kind kind;
    int op;            /* N_BIN: token code (TK_PLUS...); N_CALL: enum fn_id */
    uint32_t off, len; /* operator, '?', function name, literal or reference */
    unsigned depth;    /* 0 for leaves */
    double num;        /* N_NUM */
    struct dim dim;    /* N_NUM */
    bool b;            /* N_BOOL */
    char *str;         /* N_STR: decoded text, owned, NUL-terminated */
    size_t slen;
    struct node **kids; /* owned; N_NEG/N_NOT 1, N_BIN 2, N_COND 3, N_CALL n */
    size_t nkids, cap;
};

struct expr {
    char *text; /* NUL-terminated private copy of the source text */
    size_t len;
    struct loc base;
    bool mapped;
    struct loc whole;
    struct node *root;
};

#define EXPR_PAREN_STACK (EXPR_MAX_DEPTH + 1u)

struct lexer {
    const char *start, *cur, *lim;
    unsigned parens;                      /* open '(' */
    uint32_t paren_off[EXPR_PAREN_STACK]; /* where each open '(' is */
};

/* Parser state (lemon %extra_argument). */
struct pstate {
    struct expr *e;
    struct diag *d;
    struct lexer *lx;
    struct node *root;
    bool error; /* a diagnostic was emitted: stop */
    int prev;   /* code of the previous token, 0 at the start */
    struct tok prev_tok;
    int cur; /* code of the token being fed */
    struct tok cur_tok;
};

/* Location of bytes [off, off+len) of the expression text. */
struct loc expr_span_loc(const struct expr *e, uint32_t off, uint32_t len);

/* Lexer (expr_lex.re): the next token code, 0 at the end, -1 after a diagnostic. */
int expr_lex(struct lexer *lx, const struct expr *e, struct tok *t, struct diag *d);

/* AST construction, called from the grammar actions. All take ownership of their
 * node arguments; they always return a node (ps->error may be set meanwhile). */
struct node *node_leaf(struct pstate *ps, enum node_kind kind, const struct tok *t);
struct node *node_unary(struct pstate *ps, enum node_kind kind, const struct tok *op,
                        struct node *a);
struct node *node_binary(struct pstate *ps, int op, const struct tok *optok, struct node *l,
                         struct node *r);
struct node *node_cond(struct pstate *ps, const struct tok *q, struct node *c, struct node *a,
                       struct node *b);
struct node *node_args(struct pstate *ps, struct node *args, struct node *arg);
struct node *node_call(struct pstate *ps, const struct tok *name, struct node *args);
void node_free(struct node *n);
void expr_syntax_error(struct pstate *ps, int major, const struct tok *t);
void expr_stack_overflow(struct pstate *ps);

/* lemon-generated parser (%name ExprParser). */
void *ExprParserAlloc(void *(*mallocProc)(size_t));
void ExprParser(void *p, int major, struct tok minor, struct pstate *ps);
void ExprParserFree(void *p, void (*freeProc)(void *));

#endif
