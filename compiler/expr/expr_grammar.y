/* expr_grammar: lemon grammar of the expression language (see expr.h).
 * Nodes are built by expr.c; every nonterminal has a destructor so that error
 * paths (syntax errors, stack overflow) free what was built so far. */

%name ExprParser
%token_prefix TK_
%token_type {struct tok}
%extra_argument {struct pstate *ps}
%start_symbol main
/* Each nesting level of a valid expression (<= EXPR_MAX_DEPTH nodes deep and
 * <= EXPR_MAX_DEPTH parentheses) needs at most 4 stack entries; overflowing
 * means the expression is too deeply nested. */
%stack_size 512

%include {
#include "expr/expr_ast.h"
#include <assert.h>
#include <stdlib.h>
}

%syntax_error { expr_syntax_error(ps, yymajor, &TOKEN); }
%stack_overflow { expr_stack_overflow(ps); }
%parse_failure { ps->error = true; }

%type expr {struct node *}
%destructor expr { node_free($$); }
%type args {struct node *}
%destructor args { node_free($$); }

%right QUESTION COLON.
%left OR.
%left AND.
%left EQ NE.
%left LT LE GT GE.
%left PLUS MINUS.
%left STAR SLASH.
%right NOT UMINUS.

main ::= expr(E). { ps->root = E; }

expr(A) ::= NUM(T).   { A = node_leaf(ps, N_NUM, &T); }
expr(A) ::= STR(T).   { A = node_leaf(ps, N_STR, &T); }
expr(A) ::= REF(T).   { A = node_leaf(ps, N_REF, &T); }
expr(A) ::= TRUE(T).  { A = node_leaf(ps, N_BOOL, &T); A->b = true; }
expr(A) ::= FALSE(T). { A = node_leaf(ps, N_BOOL, &T); A->b = false; }
expr(A) ::= LPAREN expr(E) RPAREN. { A = E; }

expr(A) ::= REF(N) LPAREN args(L) RPAREN. { A = node_call(ps, &N, L); }
expr(A) ::= REF(N) LPAREN RPAREN.         { A = node_call(ps, &N, NULL); }
args(A) ::= expr(E).                      { A = node_args(ps, NULL, E); }
args(A) ::= args(L) COMMA expr(E).        { A = node_args(ps, L, E); }

expr(A) ::= MINUS(O) expr(E). [UMINUS] { A = node_unary(ps, N_NEG, &O, E); }
expr(A) ::= NOT(O) expr(E).            { A = node_unary(ps, N_NOT, &O, E); }

expr(A) ::= expr(L) STAR(O) expr(R).  { A = node_binary(ps, TK_STAR, &O, L, R); }
expr(A) ::= expr(L) SLASH(O) expr(R). { A = node_binary(ps, TK_SLASH, &O, L, R); }
expr(A) ::= expr(L) PLUS(O) expr(R).  { A = node_binary(ps, TK_PLUS, &O, L, R); }
expr(A) ::= expr(L) MINUS(O) expr(R). { A = node_binary(ps, TK_MINUS, &O, L, R); }
expr(A) ::= expr(L) LT(O) expr(R).    { A = node_binary(ps, TK_LT, &O, L, R); }
expr(A) ::= expr(L) LE(O) expr(R).    { A = node_binary(ps, TK_LE, &O, L, R); }
expr(A) ::= expr(L) GT(O) expr(R).    { A = node_binary(ps, TK_GT, &O, L, R); }
expr(A) ::= expr(L) GE(O) expr(R).    { A = node_binary(ps, TK_GE, &O, L, R); }
expr(A) ::= expr(L) EQ(O) expr(R).    { A = node_binary(ps, TK_EQ, &O, L, R); }
expr(A) ::= expr(L) NE(O) expr(R).    { A = node_binary(ps, TK_NE, &O, L, R); }
expr(A) ::= expr(L) AND(O) expr(R).   { A = node_binary(ps, TK_AND, &O, L, R); }
expr(A) ::= expr(L) OR(O) expr(R).    { A = node_binary(ps, TK_OR, &O, L, R); }
expr(A) ::= expr(C) QUESTION(Q) expr(T) COLON expr(F). { A = node_cond(ps, &Q, C, T, F); }
