/* redact: what log lines must never show — the registered secrets, the key rule
 * and the Bearer/Basic and "key": "value" matchers (see base/log.h for the
 * rules; base/redact.h for the pieces log.c uses). */
#include "base/redact.h"

#include "base/secret.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct redact_secret {
    char *s;
    size_t n;
};

static struct {
    struct redact_secret sec[REDACT_SECRETS_MAX], inv[REDACT_INV_SECRETS_MAX];
    size_t nsec, ninv;
    bool sec_overflow, inv_overflow; /* a secret did not fit: redact every string */
} R;

static void free_secrets(struct redact_secret *t, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        /* wipe: the copy should not outlive its use in a core dump */
        secret_wipe(t[i].s, t[i].n);
        free(t[i].s);
        t[i].s = NULL;
    }
    *n = 0;
}

void redact_forget_secrets(void)
{
    free_secrets(R.sec, &R.nsec);
    free_secrets(R.inv, &R.ninv);
    R.sec_overflow = R.inv_overflow = false;
}

void redact_forget_invocation_secrets(void)
{
    free_secrets(R.inv, &R.ninv);
    R.inv_overflow = false;
}

bool redact_overflowed(void) { return R.sec_overflow || R.inv_overflow; }

/* A secret that cannot be registered is an error, never silent: from now on every
 * string of every line is redacted (*overflow); the first refusal's reason goes back to
 * the caller (*why), who logs it. */
static int secret_refused(bool *overflow, const char *reason, const char **why)
{
    if (!*overflow)
        *why = reason;
    *overflow = true;
    return -1;
}

static int secret_add(struct redact_secret *t, size_t *n, size_t max, const char *v, bool *overflow,
                      const char **why)
{
    *why = NULL;
    if (!v || !*v)
        return -1;
    size_t len = strnlen(v, REDACT_SECRET_LEN_MAX + 1);
    if (len > REDACT_SECRET_LEN_MAX)
        return secret_refused(overflow,
                              "secret not registered (longer than the table takes): "
                              "every string value is redacted",
                              why);
    for (size_t i = 0; i < *n; i++)
        if (t[i].n == len && memcmp(t[i].s, v, len) == 0)
            return 0;
    if (*n >= max)
        return secret_refused(overflow,
                              "secret not registered (secret table full): every string "
                              "value is redacted",
                              why);
    char *c = malloc(len + 1);
    if (!c)
        return secret_refused(overflow,
                              "secret not registered (out of memory): every string "
                              "value is redacted",
                              why);
    memcpy(c, v, len + 1);
    t[*n].s = c;
    t[*n].n = len;
    (*n)++;
    return 0;
}

int redact_add_secret(const char *value, bool invocation, const char **why)
{
    if (invocation)
        return secret_add(R.inv, &R.ninv, REDACT_INV_SECRETS_MAX, value, &R.inv_overflow, why);
    return secret_add(R.sec, &R.nsec, REDACT_SECRETS_MAX, value, &R.sec_overflow, why);
}

int redact_remove_secret(const char *value)
{
    size_t len = value ? strnlen(value, REDACT_SECRET_LEN_MAX + 1) : 0;
    for (size_t i = 0; i < R.nsec; i++)
        if (R.sec[i].n == len && memcmp(R.sec[i].s, value, len) == 0) {
            secret_wipe(R.sec[i].s, R.sec[i].n);
            free(R.sec[i].s);
            R.sec[i] = R.sec[--R.nsec];
            R.sec[R.nsec].s = NULL;
            return 0;
        }
    return -1;
}

/* ---- key rule ---------------------------------------------------------- */

bool redact_key_sensitive(const char *k, size_t n)
{
    static const char *const pats[] = {"authorization",
                                       "token",
                                       "secret",
                                       "password",
                                       "cookie",
                                       "x-amz-security-token",
                                       "cf-access-client-secret",
                                       "api_key",
                                       "apikey"};
    for (size_t p = 0; p < sizeof pats / sizeof pats[0]; p++) {
        size_t pl = strlen(pats[p]);
        for (size_t i = 0; i + pl <= n; i++)
            if (strncasecmp(k + i, pats[p], pl) == 0)
                return true;
    }
    return false;
}

size_t redact_secret_match(const char *s, size_t n)
{
    size_t best = 0;
    const struct redact_secret *tabs[2] = {R.sec, R.inv};
    size_t counts[2] = {R.nsec, R.ninv};
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < counts[t]; i++) {
            const struct redact_secret *x = &tabs[t][i];
            if (x->n <= n && x->n > best && x->s[0] == s[0] && memcmp(x->s, s, x->n) == 0)
                best = x->n; /* longest wins: no tail of a longer secret survives */
            else if (x->n > n && n >= REDACT_PREFIX_MIN && n > best && x->s[0] == s[0] &&
                     memcmp(x->s, s, n) == 0)
                best = n; /* the text ends inside a secret (cut before it got here) */
        }
    return best;
}

static bool log_is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool log_is_tokchar(char c)
{
    return log_is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
           c == '/' || c == '=';
}

/* "Bearer <token>" / "Basic <creds>" at s[i]: returns the length of the
 * scheme and blanks (kept) and sets *tok_end to the end of the token. */
size_t redact_auth_match(const char *s, size_t n, size_t i, size_t *tok_end)
{
    static const char *const schemes[] = {"bearer", "basic"};
    if (i > 0 && log_is_alnum(s[i - 1]))
        return 0;
    for (size_t k = 0; k < 2; k++) {
        size_t sl = strlen(schemes[k]);
        if (n - i < sl + 2 || strncasecmp(s + i, schemes[k], sl) != 0)
            continue;
        size_t j = i + sl;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        if (j == i + sl || j >= n || !log_is_tokchar(s[j]))
            continue;
        size_t e = j;
        while (e < n && log_is_tokchar(s[e]))
            e++;
        *tok_end = e;
        return j - i;
    }
    return 0;
}

/* "<sensitive key>" : "value" inside text (raw JSON bodies logged as
 * strings): s[i] is the opening quote of the key. Returns the length up to
 * and including the value's opening quote, *val_end = its closing quote. */
size_t redact_kv_match(const char *s, size_t n, size_t i, size_t *val_end)
{
    size_t k = i + 1;
    while (k < n && s[k] != '"' && s[k] != '\\' && k - i < 64)
        k++;
    if (k >= n || s[k] != '"' || !redact_key_sensitive(s + i + 1, k - i - 1))
        return 0;
    size_t j = k + 1;
    while (j < n && (s[j] == ' ' || s[j] == '\t'))
        j++;
    if (j >= n || s[j] != ':')
        return 0;
    j++;
    while (j < n && (s[j] == ' ' || s[j] == '\t'))
        j++;
    if (j >= n || s[j] != '"')
        return 0;
    size_t e = j + 1;
    while (e < n && s[e] != '"')
        e += (s[e] == '\\' && e + 1 < n) ? 2 : 1;
    *val_end = e < n ? e : n;
    return j + 1 - i;
}
