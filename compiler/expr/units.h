/* units: the one table of leec's units (B … GiB, ms … h, %) and of its parameter
 * types (name, dimension, the C type and scale the emitter writes). The expression
 * lexer, value formatting, `leec schema`'s patterns, the emitter and the command
 * line all read these tables; nothing else spells a unit. */
#ifndef LEEC_UNITS_H
#define LEEC_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/* A quantity's dimension: bytes^a * seconds^b. */
struct dim {
    signed char bytes; /* exponent of bytes */
    signed char secs;  /* exponent of seconds */
};
#define DIM_NONE  ((struct dim){0, 0})
#define DIM_BYTES ((struct dim){1, 0})
#define DIM_SECS  ((struct dim){0, 1})
bool dim_eq(struct dim a, struct dim b);
/* Formatting for messages: "bytes", "seconds", "dimensionless", "bytes*seconds", "1/seconds". */
void dim_format(struct dim d, char *buf, size_t size);

struct unit_def {
    const char *name; /* suffix as written: "KiB", "ms", "%" */
    double mul, div;  /* value in base units (bytes, seconds) = number * mul / div */
    struct dim dim;
    bool zero; /* the unit a zero of this dimension is shown in */
};

extern const struct unit_def unit_table[];
extern const size_t unit_count;

/* The unit spelled by s[0..len), or NULL. */
const struct unit_def *unit_find(const char *s, size_t len);
/* The unit a common misspelling means ("MB" → MiB, "min" → m), or NULL. */
const struct unit_def *unit_suggest(const char *s, size_t len);
/* The units of one dimension, largest first (for formatting); returns how many,
 * *zero the index of the unit used for 0. */
size_t units_of_dim(struct dim dim, const struct unit_def **out, size_t max, size_t *zero);
/* "B, KiB, MiB, GiB, ms, s, m, h or %" */
void units_list(char *buf, size_t size);
/* JSON Schema pattern of a number with a unit of this dimension:
 * ^[0-9]+(\.[0-9]+)?(B|KiB|MiB|GiB)$ */
void units_pattern(struct dim dim, char *buf, size_t size);
/* "64MiB" → bytes: a positive number with a unit of dimension dim. */
bool units_parse(const char *s, struct dim dim, double *out);

enum ptype { PT_INT, PT_SIZE, PT_DURATION, PT_RATIO, PT_BOOL, PT_ENUM, PT_STRING, PT_LIST };

struct ptype_def {
    const char *name;      /* as written in schemas/: "duration" */
    struct dim dim;        /* dimension of its values */
    const char *ctype;     /* C type of the generated field; NULL: a generated enum */
    const char *c_literal; /* INT64_C / UINT64_C, NULL: plain */
    double c_scale;        /* C value = value * c_scale (durations: milliseconds) */
    const char *c_suffix;  /* field suffix "_ms"; macro suffix in upper case */
};

const struct ptype_def *ptype_def(enum ptype t);
const char *ptype_name(enum ptype t);
struct dim ptype_dim(enum ptype t);
/* false if s names no parameter type. */
bool ptype_parse(const char *s, enum ptype *out);

#endif
