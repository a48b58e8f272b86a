/* diag: located diagnostics for every phase of leec.
 *
 * One format everywhere:  path:line:col: error|warning|note: message
 * followed (text format) by the source line and a caret under the span.
 * Also JSON (--format json, one array printed by diag_finish) and GitHub
 * workflow commands (--format github: ::error file=..,line=..,col=..::msg).
 *
 * Sources are registered once (diag_add_source) and live as long as the diag,
 * so every struct loc stays valid between phases. Lines and columns are 1-based;
 * columns count characters (UTF-8 code points), as editors and GitHub do. */
#ifndef LEEC_DIAG_H
#define LEEC_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct src_file {
    char *path; /* as given on the command line (relative stays relative) */
    char *text; /* whole file, NUL-terminated */
    size_t len;
    unsigned shown, hidden; /* errors and warnings printed / held back (DIAG_MAX_PER_FILE) */
};

/* Output stays bounded whatever the input: at most DIAG_MAX_PER_FILE errors and warnings
 * per file (and as many without a location) are printed with their notes, then one line
 * says how many more there were; a source line longer than DIAG_LINE_WINDOW characters
 * is shown as the part around the caret, with "..." where it is cut. Control characters
 * and bytes that are not UTF-8 never reach the output raw: in messages and paths they
 * are written as \xNN (\n for a newline), in source lines as '?' (the caret still lines
 * up), so a key cannot forge a "file:line:col: error:" line and --format json stays
 * valid UTF-8. */
#define DIAG_MAX_PER_FILE 50u
#define DIAG_LINE_WINDOW  160u

struct loc {
    const struct src_file *file; /* NULL: no location */
    uint32_t line;               /* 1-based */
    uint32_t col;                /* 1-based, in characters */
    uint32_t span;               /* characters to underline on that line; 0 or 1: caret only */
};

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE, DIAG_HELP };
enum diag_format { DIAG_TEXT, DIAG_JSON, DIAG_GITHUB };

struct diag;

struct diag *diag_new(enum diag_format fmt, FILE *out);
void diag_free(struct diag *d);

/* Takes ownership of text (malloc'd, NUL-terminated at text[len]). */
const struct src_file *diag_add_source(struct diag *d, const char *path, char *text, size_t len);

/* Reads a whole file (capped at max_bytes) and registers it. On failure emits an
 * error (no location) naming the path and the reason, returns NULL and sets
 * *io_error (I/O problems are exit 2, not 1). */
const struct src_file *diag_read_file(struct diag *d, const char *path, size_t max_bytes,
                                      int *io_error);
/* The same read without registering the text (caller frees it; *len_out its length); d
 * NULL reads silently. Regular files and pipes only: the file is opened non-blocking and
 * fstat'ed before any read, so a device (/dev/zero) is refused, a FIFO without a writer
 * does not wait, and nothing past max_bytes is read. A pipe (/dev/stdin, <(cat f)) is
 * read once: later reads of the same name get the same bytes. */
char *diag_read_text(struct diag *d, const char *path, size_t max_bytes, size_t *len_out,
                     int *io_error);

/* Emits one diagnostic. A DIAG_NOTE or DIAG_HELP attaches to the previous error/warning. */
void diag_emit(struct diag *d, enum diag_level lvl, const struct loc *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vemit(struct diag *d, enum diag_level lvl, const struct loc *at, const char *fmt,
                va_list ap) __attribute__((format(printf, 4, 0)));
#define diag_error(d, at, ...)   diag_emit((d), DIAG_ERROR, (at), __VA_ARGS__)
#define diag_warning(d, at, ...) diag_emit((d), DIAG_WARNING, (at), __VA_ARGS__)
#define diag_note(d, at, ...)    diag_emit((d), DIAG_NOTE, (at), __VA_ARGS__)
/* "help: ..." after an error: concrete ways out, no location. */
#define diag_help(d, ...)        diag_emit((d), DIAG_HELP, NULL, __VA_ARGS__)

unsigned diag_error_count(const struct diag *d);
unsigned diag_warning_count(const struct diag *d);
/* Errors and warnings printed or held back at sources shown as path. */
unsigned diag_errors_in(const struct diag *d, const char *path);

/* Display names. diag_map_path(d, from, to): a source registered later under the path
 * `from` is shown as `to`; a `from` ending in '/' maps every path under it (prefix
 * replaced). Used when leec reads a file through a temporary name (stock.c).
 *
 * diag_set_stock(d, prefix): paths starting with prefix are leec's own stock catalog,
 * which the user's checkout does not contain: GitHub annotations then carry no file=
 * and name the stock file in the message instead. prefix NULL: none are. */
void diag_map_path(struct diag *d, const char *from, const char *to);
void diag_set_stock(struct diag *d, const char *prefix);

/* Silences output (errors are still counted): used to probe alternatives. */
void diag_set_quiet(struct diag *d, int quiet);

/* JSON format: prints the collected array. Other formats: flushes. */
void diag_finish(struct diag *d);

/* Location helpers. */
struct loc loc_make(const struct src_file *f, uint32_t line, uint32_t col, uint32_t span);
/* Byte offset of (line, col) in f->text, or f->len if out of range. */
size_t loc_offset(const struct loc *at);
/* Location of the character `chars` code points after `at` on the same line. */
struct loc loc_advance(const struct loc *at, uint32_t chars, uint32_t span);

#endif
