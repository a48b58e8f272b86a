/* diag: see diag.h. Text output mimics gcc/ninja: header, source line, caret. */
#include "front/diag.h"

#include "front/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct diag {
    enum diag_format fmt;
    FILE *out;
    struct src_file **files;
    size_t nfiles;
    unsigned errors, warnings;
    int quiet;
    cJSON *json;      /* DIAG_JSON: array of diagnostics */
    cJSON *last_json; /* the error/warning that the next note attaches to */
    /* The last error/warning printed: an identical one right after it (the same value
     * reached again through a YAML alias) is counted but not repeated; its notes follow
     * the first. */
    const struct src_file *last_file;
    uint32_t last_line, last_col;
    enum diag_level last_lvl;
    char last_msg[2048];
    /* diag_map_path: display names for paths read under another name */
    char **map_from, **map_to;
    size_t nmap;
    char *stock; /* diag_set_stock prefix, or NULL */
    unsigned unlocated_shown, unlocated_hidden;
    bool hiding; /* the last error/warning was held back: so are its notes */
};

struct diag *diag_new(enum diag_format fmt, FILE *out)
{
    struct diag *d = xrealloc(NULL, sizeof *d);
    memset(d, 0, sizeof *d);
    d->fmt = fmt;
    d->out = out;
    if (fmt == DIAG_JSON)
        d->json = cJSON_CreateArray();
    return d;
}

void diag_free(struct diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nfiles; i++) {
        free(d->files[i]->path);
        free(d->files[i]->text);
        free(d->files[i]);
    }
    free(d->files);
    for (size_t i = 0; i < d->nmap; i++) {
        free(d->map_from[i]);
        free(d->map_to[i]);
    }
    free(d->map_from);
    free(d->map_to);
    free(d->stock);
    cJSON_Delete(d->json);
    free(d);
}

const struct src_file *diag_add_source(struct diag *d, const char *path, char *text, size_t len)
{
    struct src_file *f = xrealloc(NULL, sizeof *f);
    f->path = NULL;
    /* Exact names first, then the longest prefix. */
    for (size_t i = 0; i < d->nmap && !f->path; i++)
        if (!strcmp(d->map_from[i], path))
            f->path = strdup(d->map_to[i]);
    size_t best = 0, bl = 0;
    for (size_t i = 0; i < d->nmap && !f->path; i++) {
        size_t l = strlen(d->map_from[i]);
        if (l > bl && d->map_from[i][l - 1] == '/' && !strncmp(d->map_from[i], path, l)) {
            best = i;
            bl = l;
        }
    }
    if (!f->path && bl) {
        struct sbuf b = {0};
        sbuf_printf(&b, "%s%s", d->map_to[best], path + bl);
        f->path = b.s;
    }
    if (!f->path)
        f->path = strdup(path);
    f->text = text;
    f->len = len;
    f->shown = f->hidden = 0;
    if (!f->path)
        exit(3);
    d->files = xrealloc(d->files, (d->nfiles + 1) * sizeof *d->files);
    d->files[d->nfiles++] = f;
    return f;
}

/* Pipes (/dev/stdin, <(cat leec.yaml)) can be read only once, yet leec reads a project
 * file up to three times (its kind, the presets it names, the project): their bytes are
 * kept here for the rest of the process, keyed by the name they were read under. */
static struct {
    char *path;
    char *text;
    size_t len;
} * pipe_cache;
static size_t npipe_cache;

static char *pipe_cached(const char *path, size_t *len)
{
    for (size_t i = 0; i < npipe_cache; i++)
        if (!strcmp(pipe_cache[i].path, path)) {
            char *t = xrealloc(NULL, pipe_cache[i].len + 1);
            memcpy(t, pipe_cache[i].text, pipe_cache[i].len + 1);
            *len = pipe_cache[i].len;
            return t;
        }
    return NULL;
}

static const char *file_type_name(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
           : S_ISFIFO(m) ? "a FIFO"
                         : "not a regular file";
}

/* Errors go to d unless it is NULL (a silent probe). */
#define READ_ERROR(d, at, ...)                  \
    do {                                        \
        if (d)                                  \
            diag_error((d), (at), __VA_ARGS__); \
    } while (0)

char *diag_read_text(struct diag *d, const char *path, size_t max_bytes, size_t *len_out,
                     int *io_error)
{
    size_t len = 0;
    char *buf = pipe_cached(path, &len);
    if (buf) {
        *io_error = 0;
        *len_out = len;
        return buf;
    }
    /* O_NONBLOCK: opening a FIFO with no writer must not wait; fstat then says what it is
     * before a byte is read (a device such as /dev/zero is refused, never read). */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        READ_ERROR(d, NULL, "cannot open '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        *io_error = 1;
        return NULL;
    }
    bool is_pipe = S_ISFIFO(st.st_mode);
    if (!S_ISREG(st.st_mode) && !is_pipe) {
        close(fd);
        READ_ERROR(d, NULL, "cannot read '%s': it is %s, not a file", path,
                   file_type_name(st.st_mode));
        *io_error = 1;
        return NULL;
    }
    /* A pipe named on the command line is read to its end like `cat` would. */
    if (is_pipe)
        (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    size_t cap = 4096;
    buf = xrealloc(NULL, cap + 1);
    bool failed = false;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            failed = true;
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max_bytes) {
            close(fd);
            free(buf);
            struct loc at = {0};
            READ_ERROR(d, &at, "'%s' is larger than %zu bytes, the limit for one file", path,
                       max_bytes);
            *io_error = 0; /* bad input, not I/O */
            return NULL;
        }
    }
    int err = errno;
    close(fd);
    if (failed) {
        free(buf);
        READ_ERROR(d, NULL, "cannot read '%s': %s", path, strerror(err));
        *io_error = 1;
        return NULL;
    }
    buf[len] = '\0';
    *io_error = 0;
    if (is_pipe) {
        pipe_cache = xrealloc(pipe_cache, (npipe_cache + 1) * sizeof *pipe_cache);
        pipe_cache[npipe_cache].path = xstrdup(path);
        pipe_cache[npipe_cache].text = xrealloc(NULL, len + 1);
        memcpy(pipe_cache[npipe_cache].text, buf, len + 1);
        pipe_cache[npipe_cache++].len = len;
    }
    *len_out = len;
    return buf;
}

const struct src_file *diag_read_file(struct diag *d, const char *path, size_t max_bytes,
                                      int *io_error)
{
    size_t len = 0;
    char *text = diag_read_text(d, path, max_bytes, &len, io_error);
    return text ? diag_add_source(d, path, text, len) : NULL;
}

static const char *level_name(enum diag_level lvl)
{
    switch (lvl) {
    case DIAG_ERROR:
        return "error";
    case DIAG_WARNING:
        return "warning";
    case DIAG_HELP:
        return "help";
    default:
        return "note";
    }
}

/* Start of line `line` (1-based) in f, or NULL. */
static const char *line_start(const struct src_file *f, uint32_t line)
{
    const char *p = f->text, *end = f->text + f->len;
    for (uint32_t l = 1; l < line; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            return NULL;
        p++;
    }
    return p;
}

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t loc_offset(const struct loc *at)
{
    if (!at->file)
        return 0;
    const char *p = line_start(at->file, at->line);
    const char *end = at->file->text + at->file->len;
    if (!p)
        return at->file->len;
    for (uint32_t c = 1; c < at->col && p < end && *p != '\n'; c++) {
        p++;
        while (p < end && is_cont((unsigned char)*p))
            p++;
    }
    return (size_t)(p - at->file->text);
}

struct loc loc_make(const struct src_file *f, uint32_t line, uint32_t col, uint32_t span)
{
    struct loc l = {f, line, col, span};
    return l;
}

struct loc loc_advance(const struct loc *at, uint32_t chars, uint32_t span)
{
    struct loc l = *at;
    l.col += chars;
    l.span = span;
    return l;
}

/* Length of the UTF-8 sequence at p (at most n bytes), or 0 when it is not valid UTF-8. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    size_t len = p[0] < 0x80                    ? 1
                 : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
                 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
                 : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                                : 0;
    if (!len || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if (!is_cont(p[i]))
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0; /* overlong, surrogate, above U+10FFFF */
    return len;
}

/* A control character: C0 but tab, DEL, C1 (U+0080..U+009F: some terminals read
 * U+009B as CSI). */
static bool is_control(const unsigned char *p, size_t len)
{
    return (len == 1 && ((p[0] < 0x20 && p[0] != '\t') || p[0] == 0x7F)) ||
           (len == 2 && p[0] == 0xC2 && p[1] < 0xA0);
}

/* s with control characters and non-UTF-8 bytes escaped (\n, \xNN). */
static void sanitize(char *out, size_t size, const char *s)
{
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    while (n && o + 8 < size) {
        size_t l = utf8_seq(p, n);
        if (l && !is_control(p, l)) {
            memcpy(out + o, p, l);
            o += l;
        } else if (*p == '\n') {
            memcpy(out + o, "\\n", 2);
            o += 2;
            l = 1;
        } else {
            l = l ? l : 1;
            for (size_t i = 0; i < l; i++)
                o += (size_t)snprintf(out + o, size - o, "\\x%02X", p[i]);
        }
        p += l;
        n -= l;
    }
    out[o] = '\0';
}

/* One source character (bytes p..p+len) as printed: '?' for a control character or a
 * byte that is not UTF-8, a tab as a tab. */
static void put_char(FILE *out, const char *p, size_t len)
{
    /* len covers a lead byte and the continuation bytes after it, which need not form
     * one sequence (a stray continuation byte after 't'): the valid part is written,
     * the rest dropped, so the character still takes one column. */
    size_t l = utf8_seq((const unsigned char *)p, len);
    if (*p == '\t')
        fputc('\t', out);
    else if (!l || is_control((const unsigned char *)p, l))
        fputc('?', out);
    else
        fwrite(p, 1, l, out);
}

static void print_source(struct diag *d, const struct loc *at)
{
    const char *p = line_start(at->file, at->line);
    if (!p)
        return;
    const char *end = at->file->text + at->file->len;
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    if (eol > p && eol[-1] == '\r')
        eol--;
    /* Characters of the line (lengths as loc columns count them: a lead byte and its
     * continuation bytes). */
    uint32_t nchars = 0;
    for (const char *q = p; q < eol; q++)
        nchars += !is_cont((unsigned char)*q);
    /* The window shown: the whole line, or DIAG_LINE_WINDOW characters around the caret. */
    uint32_t first = 1, last = nchars;
    if (nchars > DIAG_LINE_WINDOW) {
        uint32_t col = at->col > nchars + 1 ? nchars + 1 : at->col;
        first = col > DIAG_LINE_WINDOW / 3 ? col - DIAG_LINE_WINDOW / 3 : 1;
        last = first + DIAG_LINE_WINDOW - 1;
        if (last > nchars) {
            last = nchars;
            first = nchars - DIAG_LINE_WINDOW + 1;
        }
    }
    fputs("  ", d->out);
    if (first > 1)
        fputs("...", d->out);
    const char *q = p;
    uint32_t c = 1;
    const char *from = NULL;
    while (q < eol) {
        const char *nx = q + 1;
        while (nx < eol && is_cont((unsigned char)*nx))
            nx++;
        if (c >= first && c <= last) {
            put_char(d->out, q, (size_t)(nx - q));
            if (!from)
                from = q;
        }
        q = nx;
        c++;
    }
    if (last < nchars)
        fputs("...", d->out);
    fputs("\n  ", d->out);
    /* Caret line: copy tabs so the caret lines up under tabbed source. */
    if (first > 1)
        fputs("   ", d->out);
    q = from ? from : p;
    for (c = first; c < at->col && q < eol && c <= last; c++) {
        fputc(*q == '\t' ? '\t' : ' ', d->out);
        q++;
        while (q < eol && is_cont((unsigned char)*q))
            q++;
    }
    fputc('^', d->out);
    for (uint32_t i = 1; i < at->span && c + i <= last; i++)
        fputc('~', d->out);
    fputc('\n', d->out);
}

static void emit_json(struct diag *d, enum diag_level lvl, const struct loc *at, const char *path,
                      const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "severity", level_name(lvl));
    if (at && at->file) {
        cJSON_AddStringToObject(o, "file", path);
        cJSON_AddNumberToObject(o, "line", at->line);
        cJSON_AddNumberToObject(o, "column", at->col);
    }
    cJSON_AddStringToObject(o, "message", msg);
    if ((lvl == DIAG_NOTE || lvl == DIAG_HELP) && d->last_json) {
        cJSON *notes = cJSON_GetObjectItem(d->last_json, "notes");
        if (!notes)
            notes = cJSON_AddArrayToObject(d->last_json, "notes");
        cJSON_AddItemToArray(notes, o);
    } else {
        cJSON_AddItemToArray(d->json, o);
        d->last_json = o;
    }
}

/* GitHub workflow commands need %, CR, LF escaped in the message, plus , : in properties. */
static void gh_escape(FILE *out, const char *s, int property)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

void diag_vemit(struct diag *d, enum diag_level lvl, const struct loc *at, const char *fmt,
                va_list ap)
{
    if (lvl == DIAG_ERROR)
        d->errors++;
    else if (lvl == DIAG_WARNING)
        d->warnings++;
    if (d->quiet)
        return;
    char raw[2048], msg[2048];
    vsnprintf(raw, sizeof raw, fmt, ap);
    sanitize(msg, sizeof msg, raw);
    const struct loc *l = at && at->file ? at : NULL;
    if (lvl != DIAG_NOTE && lvl != DIAG_HELP) {
        if (l && d->last_file == l->file && d->last_line == l->line && d->last_col == l->col &&
            d->last_lvl == lvl && strcmp(d->last_msg, msg) == 0)
            return;
        unsigned *shown = l ? &((struct src_file *)l->file)->shown : &d->unlocated_shown;
        unsigned *hidden = l ? &((struct src_file *)l->file)->hidden : &d->unlocated_hidden;
        d->hiding = *shown >= DIAG_MAX_PER_FILE;
        if (d->hiding) {
            ++*hidden;
            return;
        }
        ++*shown;
        d->last_file = l ? l->file : NULL;
        d->last_line = l ? l->line : 0;
        d->last_col = l ? l->col : 0;
        d->last_lvl = lvl;
        memcpy(d->last_msg, msg, sizeof msg);
    } else if (d->hiding) {
        return;
    }
    char path[1024] = "";
    if (l)
        sanitize(path, sizeof path, l->file->path);
    switch (d->fmt) {
    case DIAG_JSON:
        emit_json(d, lvl, l, path, msg);
        break;
    case DIAG_GITHUB: {
        /* ::error file=F,line=L,col=C,endLine=L,endColumn=E,title=T::message
         * A stock file is not in the user's checkout: no file=, named in the text. */
        const char *name = lvl == DIAG_ERROR ? "error" : lvl == DIAG_WARNING ? "warning" : "notice";
        size_t sl = d->stock ? strlen(d->stock) : 0;
        bool stock = l && sl && !strncmp(path, d->stock, sl);
        fprintf(d->out, "::%s ", name);
        if (l && !stock) {
            fputs("file=", d->out);
            gh_escape(d->out, path, 1);
            fprintf(d->out, ",line=%u,col=%u,endLine=%u,endColumn=%u,", l->line, l->col, l->line,
                    l->col + (l->span > 1 ? l->span - 1 : 0));
        }
        const char *title = lvl == DIAG_ERROR     ? "leec error"
                            : lvl == DIAG_WARNING ? "leec warning"
                            : lvl == DIAG_HELP    ? "leec help"
                                                  : "leec note";
        fputs("title=", d->out);
        gh_escape(d->out, title, 1);
        fputs("::", d->out);
        gh_escape(d->out, msg, 0);
        if (stock) {
            char where[64];
            snprintf(where, sizeof where, ":%u:%u)", l->line, l->col);
            gh_escape(d->out, " (in leec's stock catalog: ", 0);
            gh_escape(d->out, path + sl, 0);
            gh_escape(d->out, where, 0);
        }
        fputc('\n', d->out);
        break;
    }
    default:
        if (l)
            fprintf(d->out, "%s:%u:%u: %s: %s\n", path, l->line, l->col, level_name(lvl), msg);
        else if (lvl == DIAG_HELP)
            fprintf(d->out, "help: %s\n", msg);
        else
            fprintf(d->out, "leec: %s: %s\n", level_name(lvl), msg);
        if (l)
            print_source(d, l);
        break;
    }
}

void diag_emit(struct diag *d, enum diag_level lvl, const struct loc *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(d, lvl, at, fmt, ap);
    va_end(ap);
}

void diag_map_path(struct diag *d, const char *from, const char *to)
{
    d->map_from = xrealloc(d->map_from, (d->nmap + 1) * sizeof *d->map_from);
    d->map_to = xrealloc(d->map_to, (d->nmap + 1) * sizeof *d->map_to);
    d->map_from[d->nmap] = xstrdup(from);
    d->map_to[d->nmap++] = xstrdup(to);
}

void diag_set_stock(struct diag *d, const char *prefix)
{
    free(d->stock);
    d->stock = prefix && *prefix ? xstrdup(prefix) : NULL;
}

unsigned diag_errors_in(const struct diag *d, const char *path)
{
    unsigned n = 0;
    for (size_t i = 0; i < d->nfiles; i++)
        if (!strcmp(d->files[i]->path, path))
            n += d->files[i]->shown + d->files[i]->hidden;
    return n;
}

unsigned diag_error_count(const struct diag *d) { return d->errors; }
unsigned diag_warning_count(const struct diag *d) { return d->warnings; }
void diag_set_quiet(struct diag *d, int quiet) { d->quiet = quiet; }

/* "N more errors": once per file whose output was held back, then once for the rest. */
static void report_hidden(struct diag *d)
{
    for (size_t i = 0; i <= d->nfiles; i++) {
        unsigned *hidden = i < d->nfiles ? &d->files[i]->hidden : &d->unlocated_hidden;
        if (!*hidden)
            continue;
        char path[1024] = "";
        if (i < d->nfiles)
            sanitize(path, sizeof path, d->files[i]->path);
        char msg[1280];
        snprintf(msg, sizeof msg, "%u more error%s and warning%s%s%s not shown (the first %u are)",
                 *hidden, *hidden == 1 ? "" : "s", *hidden == 1 ? "" : "s", *path ? " in " : "",
                 path, DIAG_MAX_PER_FILE);
        *hidden = 0;
        if (d->quiet)
            continue;
        if (d->fmt == DIAG_JSON) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "severity", "note");
            cJSON_AddStringToObject(o, "message", msg);
            cJSON_AddItemToArray(d->json, o);
        } else if (d->fmt == DIAG_GITHUB) {
            fputs("::notice title=leec note::", d->out);
            gh_escape(d->out, msg, 0);
            fputc('\n', d->out);
        } else {
            fprintf(d->out, "leec: note: %s\n", msg);
        }
    }
}

void diag_finish(struct diag *d)
{
    report_hidden(d);
    if (d->fmt == DIAG_JSON && d->json) {
        char *s = cJSON_Print(d->json);
        if (s) {
            fprintf(d->out, "%s\n", s);
            free(s);
        }
        cJSON_Delete(d->json);
        d->json = cJSON_CreateArray();
        d->last_json = NULL;
    }
    fflush(d->out);
}
