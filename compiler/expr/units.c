/* units: see units.h. */
#include "expr/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* Ascending within each dimension (units_of_dim relies on it). */
const struct unit_def unit_table[] = {
    {"B", 1, 1, {1, 0}, true},          {"KiB", 1024, 1, {1, 0}, false},
    {"MiB", 1048576, 1, {1, 0}, false}, {"GiB", 1073741824, 1, {1, 0}, false},
    {"ms", 1, 1000, {0, 1}, false},     {"s", 1, 1, {0, 1}, true},
    {"m", 60, 1, {0, 1}, false},        {"h", 3600, 1, {0, 1}, false},
    {"%", 1, 100, {0, 0}, false},
};
const size_t unit_count = sizeof unit_table / sizeof unit_table[0];

const struct unit_def *unit_find(const char *s, size_t len)
{
    for (size_t i = 0; i < unit_count; i++)
        if (strlen(unit_table[i].name) == len && memcmp(unit_table[i].name, s, len) == 0)
            return &unit_table[i];
    return NULL;
}

const struct unit_def *unit_suggest(const char *s, size_t len)
{
    /* Decimal and lower-case sizes, long duration names: what people write instead. */
    static const char *const map[][2] = {
        {"KB", "KiB"},  {"kB", "KiB"},  {"kb", "KiB"},   {"K", "KiB"},     {"k", "KiB"},
        {"Ki", "KiB"},  {"kib", "KiB"}, {"KIB", "KiB"},  {"MB", "MiB"},    {"mb", "MiB"},
        {"M", "MiB"},   {"Mi", "MiB"},  {"mib", "MiB"},  {"MIB", "MiB"},   {"GB", "GiB"},
        {"gb", "GiB"},  {"G", "GiB"},   {"Gi", "GiB"},   {"gib", "GiB"},   {"GIB", "GiB"},
        {"b", "B"},     {"min", "m"},   {"mins", "m"},   {"minute", "m"},  {"minutes", "m"},
        {"sec", "s"},   {"secs", "s"},  {"second", "s"}, {"seconds", "s"}, {"S", "s"},
        {"msec", "ms"}, {"MS", "ms"},   {"hr", "h"},     {"hrs", "h"},     {"hour", "h"},
        {"hours", "h"}, {"H", "h"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i][0]) == len && memcmp(map[i][0], s, len) == 0)
            return unit_find(map[i][1], strlen(map[i][1]));
    return NULL;
}

size_t units_of_dim(struct dim dim, const struct unit_def **out, size_t max, size_t *zero)
{
    size_t n = 0;
    *zero = 0;
    for (size_t i = unit_count; i-- > 0 && n < max;)
        if (dim_eq(unit_table[i].dim, dim)) {
            if (unit_table[i].zero)
                *zero = n;
            out[n++] = &unit_table[i];
        }
    return n;
}

void units_list(char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < unit_count && o < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == unit_count ? " or " : ", ";
        int w = snprintf(buf + o, size - o, "%s%s", sep, unit_table[i].name);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

void units_pattern(struct dim dim, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "^[0-9]+(\\.[0-9]+)?(");
    bool first = true;
    for (size_t i = 0; i < unit_count && o < size; i++)
        if (dim_eq(unit_table[i].dim, dim)) {
            int w = snprintf(buf + o, size - o, "%s%s", first ? "" : "|", unit_table[i].name);
            if (w < 0)
                return;
            o += (size_t)w;
            first = false;
        }
    if (o < size)
        snprintf(buf + o, size - o, ")$");
}

bool units_parse(const char *s, struct dim dim, double *out)
{
    /* Digits, an optional fraction, an optional space, the unit: as a literal in a
     * project file. strtod alone would also take nan, inf, hex and exponents. */
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return false;
    if (s[i] == '.') {
        size_t f = ++i;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == f)
            return false;
    }
    char *end;
    double v = strtod(s, &end);
    if (end != s + i || !(v > 0) || !isfinite(v))
        return false;
    if (*end == ' ')
        end++;
    const struct unit_def *u = unit_find(end, strlen(end));
    if (!u || !dim_eq(u->dim, dim))
        return false;
    *out = v * u->mul / u->div;
    return true;
}

static const struct ptype_def ptypes[] = {
    [PT_INT] = {"int", {0, 0}, "int64_t", "INT64_C", 1, ""},
    [PT_SIZE] = {"size", {1, 0}, "uint64_t", "UINT64_C", 1, ""},
    [PT_DURATION] = {"duration", {0, 1}, "uint64_t", "UINT64_C", 1000, "_ms"},
    [PT_RATIO] = {"ratio", {0, 0}, "double", NULL, 1, ""},
    [PT_BOOL] = {"bool", {0, 0}, "bool", NULL, 1, ""},
    [PT_ENUM] = {"enum", {0, 0}, NULL, NULL, 1, ""},
    [PT_STRING] = {"string", {0, 0}, "const char *", NULL, 1, ""},
    [PT_LIST] = {"list", {0, 0}, NULL, NULL, 1, ""},
};

const struct ptype_def *ptype_def(enum ptype t) { return &ptypes[t]; }

const char *ptype_name(enum ptype t) { return ptypes[t].name; }

struct dim ptype_dim(enum ptype t) { return ptypes[t].dim; }

bool ptype_parse(const char *s, enum ptype *out)
{
    for (size_t t = 0; t < sizeof ptypes / sizeof ptypes[0]; t++)
        if (strcmp(s, ptypes[t].name) == 0) {
            *out = (enum ptype)t;
            return true;
        }
    return false;
}

bool dim_eq(struct dim a, struct dim b) { return a.bytes == b.bytes && a.secs == b.secs; }

static size_t put_factor(char *buf, size_t size, size_t at, const char *name, int exp)
{
    if (at >= size)
        return at;
    int n = exp == 1 ? snprintf(buf + at, size - at, "%s", name)
                     : snprintf(buf + at, size - at, "%s^%d", name, exp);
    return n > 0 ? at + (size_t)n : at;
}

void dim_format(struct dim d, char *buf, size_t size)
{
    if (!size)
        return;
    buf[0] = '\0';
    if (dim_eq(d, DIM_NONE)) {
        snprintf(buf, size, "dimensionless");
        return;
    }
    size_t at = 0;
    int num = (d.bytes > 0) + (d.secs > 0), den = (d.bytes < 0) + (d.secs < 0);
    if (d.bytes > 0)
        at = put_factor(buf, size, at, "bytes", d.bytes);
    if (d.bytes > 0 && d.secs > 0)
        at = put_factor(buf, size, at, "*", 1);
    if (d.secs > 0)
        at = put_factor(buf, size, at, "seconds", d.secs);
    if (!den)
        return;
    at = put_factor(buf, size, at, num ? "/" : "1/", 1);
    if (den > 1)
        at = put_factor(buf, size, at, "(", 1);
    if (d.bytes < 0)
        at = put_factor(buf, size, at, "bytes", -d.bytes);
    if (d.bytes < 0 && d.secs < 0)
        at = put_factor(buf, size, at, "*", 1);
    if (d.secs < 0)
        at = put_factor(buf, size, at, "seconds", -d.secs);
    if (den > 1)
        put_factor(buf, size, at, ")", 1);
}
