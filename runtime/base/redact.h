/* redact: the secret table and the matchers the log line writer uses (base/log.c
 * only; the public API is log_add_secret & co. in base/log.h). */
#ifndef LEEC_REDACT_H
#define LEEC_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#define REDACT_MARKER "[REDACTED]"

#define REDACT_SECRETS_MAX     16u /* process secrets */
#define REDACT_INV_SECRETS_MAX 64u /* per-invocation secrets (every token of an event) */
#define REDACT_SECRET_LEN_MAX  8192u

/* Registers a secret (copied) in the process or the invocation table. 0 ok (or already
 * there), -1 empty or refused; on the first refusal (too long, table full, out of
 * memory) *why says so and from then on every string is to be redacted
 * (redact_overflowed). *why is NULL otherwise. The logger (base/log.h
 * log_add_secret) logs *why. */
int redact_add_secret(const char *value, bool invocation, const char **why);
/* Forgets (and wipes) a process secret: 0 when it was registered, -1 otherwise. */
int redact_remove_secret(const char *value);

/* A key whose value is never logged (authorization, token, secret, ...). */
bool redact_key_sensitive(const char *k, size_t n);
/* A text that ends with at least this many first bytes of a secret ends inside it. */
#define REDACT_PREFIX_MIN 4u

/* Length of the longest registered secret at s (n bytes available), 0: none; when
 * s[0..n) is the first n >= REDACT_PREFIX_MIN bytes of a secret, n. */
size_t redact_secret_match(const char *s, size_t n);
/* "Bearer <token>" / "Basic <creds>" at s[i]: the length of the scheme and blanks
 * (kept), *tok_end = the end of the token; 0: none. */
size_t redact_auth_match(const char *s, size_t n, size_t i, size_t *tok_end);
/* "<sensitive key>" : "value" at s[i] (the key's opening quote): the length up to
 * and including the value's opening quote, *val_end = its closing quote; 0: none. */
size_t redact_kv_match(const char *s, size_t n, size_t i, size_t *val_end);
/* True while a secret could not be registered (table full, too long, out of
 * memory): the writer then redacts every string value (base/log.h). */
bool redact_overflowed(void);
/* Wipes and forgets every secret / the invocation's secrets. */
void redact_forget_secrets(void);
void redact_forget_invocation_secrets(void);

#endif
