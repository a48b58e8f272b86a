/* kit: the prebuilt lean runtime leec links bootstraps from (cmake/LeecKit.cmake):
 * <exe>/../lib/leec/<arch>/bootstrap.txt names the compiler, the runtime sources that
 * read the generated tables, the flags and the static libraries in link order. An
 * installed leec has it at <prefix>/lib/leec, the build's at <build>/lib/leec. */
#ifndef LEEC_KIT_H
#define LEEC_KIT_H

#include <stddef.h>

struct kit_list {
    char **items;
    size_t n;
};

struct kit {
    char *dir;                /* <...>/lib/leec/<arch> */
    char *arch;               /* x86_64 | arm64 */
    char *cc;                 /* the C compiler the kit was built with, e.g. gcc */
    char *runtime;            /* the runtime's sources and headers (absolute) */
    struct kit_list sources;  /* under runtime: compiled with each project's tables */
    struct kit_list includes; /* absolute */
    struct kit_list cflags;   /* -Os ..., -DNAME=VALUE */
    struct kit_list libs;     /* absolute, in link order */
    struct kit_list ldflags;
};

/* Where the kits are: <exe dir>/../lib/leec (caller frees), or NULL. */
char *kit_root(void);

/* Reads the kit of `arch`. 0, or -1 with a message in err (what is missing, what to do). */
int kit_load(struct kit *k, const char *arch, char *err, size_t errlen);
void kit_free(struct kit *k);

#endif
