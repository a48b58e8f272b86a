/* expr_lex: re2c lexer of the expression language (see expr.h).
 *
 * Runs over the expression's private copy (expr.c copies the caller's bytes,
 * which need not be NUL-terminated, and appends a NUL). The NUL is only a
 * sentinel: re2c's eof rule checks YYLIMIT when it reads one, so a NUL byte
 * inside the text is an ordinary (unexpected) character. */
#include "expr/expr_ast.h"
#include "expr_grammar.h"
#include "expr/units.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void lex_error(const struct expr *e, struct diag *d, uint32_t off, uint32_t len,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void lex_error(const struct expr *e, struct diag *d, uint32_t off, uint32_t len,
                      const char *fmt, ...)
{
    struct loc at = expr_span_loc(e, off, len);
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(d, DIAG_ERROR, &at, fmt, ap);
    va_end(ap);
}

/* A number literal: digits [. digits], optional spaces ("5 MiB"), an optional unit. */
static int lex_number(const struct expr *e, const char *s, const char *end, struct tok *t,
                      struct diag *d)
{
    const char *p = s;
    while (p < end && ((*p >= '0' && *p <= '9') || *p == '.'))
        p++;
    size_t ndig = (size_t)(p - s);
    char small[64];
    char *buf = ndig < sizeof small ? small : malloc(ndig + 1);
    if (!buf) {
        fputs("leec: out of memory\n", stderr);
        exit(3);
    }
    memcpy(buf, s, ndig);
    buf[ndig] = '\0';
    double v = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    while (p < end && *p == ' ')
        p++;
    size_t slen = (size_t)(end - p);
    t->dim = DIM_NONE;
    if (slen) {
        const struct unit_def *u = unit_find(p, slen);
        if (!u) {
            char list[128];
            units_list(list, sizeof list);
            const struct unit_def *want = unit_suggest(p, slen);
            if (want)
                lex_error(e, d, t->off, t->len, "unknown unit '%.*s'; did you mean '%s'? (%s)",
                          (int)slen, p, want->name,
                          want->dim.bytes ? "sizes are binary: 1 MiB = 1024 KiB = 1048576 B"
                                          : "durations are ms, s, m and h");
            else
                lex_error(e, d, t->off, t->len, "unknown unit '%.*s' (use %s)",
                          (int)(slen > 32 ? 32 : slen), p, list);
            return -1;
        }
        v = v * u->mul / u->div;
        t->dim = u->dim;
    }
    if (!(v <= 1e300)) { /* also catches inf from strtod */
        lex_error(e, d, t->off, t->len, "number '%.*s' is too large",
                  (int)(t->len > 32 ? 32 : t->len), s);
        return -1;
    }
    t->num = v;
    return TK_NUM;
}

/* A quoted string (quotes included in s..end): only \" \' \\ are escapes. */
static int lex_string(const struct expr *e, const char *s, const char *end, struct diag *d)
{
    for (const char *p = s + 1; p < end - 1; p++) {
        if (*p != '\\')
            continue;
        if (p[1] != '"' && p[1] != '\'' && p[1] != '\\') {
            size_t n = 1;
            while (p + 1 + n < end - 1 && ((unsigned char)p[1 + n] & 0xC0) == 0x80)
                n++;
            lex_error(e, d, (uint32_t)(p - e->text), (uint32_t)(n + 1),
                      "unknown escape '\\%.*s' in string (only \\\", \\' and \\\\ are allowed)",
                      (int)n, p + 1);
            return -1;
        }
        p++;
    }
    return TK_STR;
}

/* "unexpected character" for the (possibly multibyte) character at s. */
static int lex_bad_char(const struct expr *e, const char *s, struct diag *d)
{
    unsigned char c = (unsigned char)*s;
    uint32_t off = (uint32_t)(s - e->text);
    const char *end = e->text + e->len;
    size_t n = c >= 0xF0 && c < 0xF8 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
    if (c >= 0xF8 || (c >= 0x80 && c < 0xC2))
        n = 0;
    for (size_t i = 1; i < n; i++)
        if (s + i >= end || ((unsigned char)s[i] & 0xC0) != 0x80)
            n = 0;
    if (n == 0 || c < 0x20 || c == 0x7F) {
        struct loc at = expr_span_loc(e, off, 1);
        diag_error(d, &at, "unexpected byte 0x%02X", c);
        return -1;
    }
    lex_error(e, d, off, (uint32_t)n, "unexpected character '%.*s'", (int)n, s);
    return -1;
}

int expr_lex(struct lexer *lx, const struct expr *e, struct tok *t, struct diag *d)
{
    const char *cur = lx->cur, *lim = lx->lim, *mar = cur;
    for (;;) {
        const char *s = cur;
        int code;
#define SET_TOK()                                                                                 \
    (t->off = (uint32_t)(s - lx->start), t->len = (uint32_t)(cur - s), t->num = 0,               \
     t->dim = DIM_NONE, lx->cur = cur)
        /*!re2c
            re2c:define:YYCTYPE = "unsigned char";
            re2c:define:YYCURSOR = cur;
            re2c:define:YYMARKER = mar;
            re2c:define:YYLIMIT = lim;
            re2c:yyfill:enable = 0;
            re2c:eof = 0;

            digits = [0-9]+ ("." [0-9]+)?;
            ident = [a-zA-Z_][a-zA-Z0-9_]*;

            $ { SET_TOK(); return 0; }
            [ \t\r\n]+ { continue; }

            digits " "+ (ident | "%") {
                /* "5 MiB", "2 m", "85 %": a unit after spaces, spelt as without them, so
                 * "1 S" and "1S" get the same "unknown unit" message. A reference or a call
                 * ("2 max(", "2 cache.ttl") is a number and then a name, as before. */
                bool more = cur < lim && (*cur == '.' || *cur == '(');
                /* a word that is no unit nor near one ("2 foo") stays a name */
                const char *u = cur;
                while (u > s && u[-1] != ' ')
                    u--;
                size_t ul = (size_t)(cur - u);
                if (!unit_find(u, ul) && !unit_suggest(u, ul) && u[ul - 1] != 'B')
                    more = true;
                if (more) {
                    cur = s;
                    while (cur < lim && ((*cur >= '0' && *cur <= '9') || *cur == '.'))
                        cur++;
                }
                SET_TOK();
                return lex_number(e, s, cur, t, d);
            }
            digits (ident | "%")? {
                SET_TOK();
                return lex_number(e, s, cur, t, d);
            }
            "true"  { SET_TOK(); return TK_TRUE; }
            "false" { SET_TOK(); return TK_FALSE; }
            ident ("." ident)* { SET_TOK(); return TK_REF; }

            ["] ([^"\\] | [\\][^])* ["] { SET_TOK(); return lex_string(e, s, cur, d); }
            ['] ([^'\\] | [\\][^])* ['] { SET_TOK(); return lex_string(e, s, cur, d); }
            ["'] {
                SET_TOK();
                lex_error(e, d, t->off, 1, "unterminated string");
                return -1;
            }

            "(" {
                SET_TOK();
                if (lx->parens >= EXPR_MAX_DEPTH) {
                    struct loc at = expr_span_loc(e, t->off, 1);
                    diag_error(d, &at, "expression is nested more than %u levels deep",
                               EXPR_MAX_DEPTH);
                    return -1;
                }
                lx->paren_off[lx->parens++] = t->off;
                return TK_LPAREN;
            }
            ")" {
                SET_TOK();
                if (lx->parens)
                    lx->parens--;
                return TK_RPAREN;
            }
            "+"  { code = TK_PLUS; goto done; }
            "-"  { code = TK_MINUS; goto done; }
            "*"  { code = TK_STAR; goto done; }
            "/"  { code = TK_SLASH; goto done; }
            ","  { code = TK_COMMA; goto done; }
            "?"  { code = TK_QUESTION; goto done; }
            ":"  { code = TK_COLON; goto done; }
            "==" { code = TK_EQ; goto done; }
            "!=" { code = TK_NE; goto done; }
            "<"  { code = TK_LT; goto done; }
            "<=" { code = TK_LE; goto done; }
            ">"  { code = TK_GT; goto done; }
            ">=" { code = TK_GE; goto done; }
            "&&" { code = TK_AND; goto done; }
            "||" { code = TK_OR; goto done; }
            "!"  { code = TK_NOT; goto done; }
            "=" {
                SET_TOK();
                lex_error(e, d, t->off, 1, "unexpected '=' (use '==' to compare)");
                return -1;
            }
            "&" {
                SET_TOK();
                lex_error(e, d, t->off, 1, "unexpected '&' (use '&&')");
                return -1;
            }
            "|" {
                SET_TOK();
                lex_error(e, d, t->off, 1, "unexpected '|' (use '||')");
                return -1;
            }
            * { SET_TOK(); return lex_bad_char(e, s, d); }
        */
    done:
        SET_TOK();
        return code;
#undef SET_TOK
    }
}
