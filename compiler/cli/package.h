/* package: builds the Lambda function for a project from the prebuilt kit (kit.h):
 * compiles the project's tables and the runtime sources that read them, links the lean
 * static libraries into one `bootstrap` (NEEDED only glibc), stages it with the files the
 * facts name (`files`, at their path relative to the project file) and, when asked,
 * zips the stage with Info-ZIP's zip (deterministic: sorted names, fixed times, no extra
 * fields). Used by `leec package` and by `leec invoke` (which runs the stage). */
#ifndef LEEC_PACKAGE_H
#define LEEC_PACKAGE_H

#include "cli/cli.h"

#include <stdbool.h>
#include <stddef.h>

struct package_opts {
    const char *project; /* the project file */
    const char *arch;    /* x86_64 | arm64; NULL: the facts' lambda.architecture */
    const char *zip;     /* write the zip here; NULL: no zip (the stage only) */
    bool tables_only;    /* only the tables and the facts (res->facts) */
};

struct package_result {
    char *work;     /* scratch directory holding everything below: remove with
                     * spawn_remove_tree, then package_result_free */
    char *stage;    /* work/stage: bootstrap + the project's files (Lambda's /var/task) */
    char *facts;    /* work/gen/leec_facts.json */
    char arch[8];   /* what was built */
    size_t nfiles;  /* the project's files staged */
    double seconds; /* compile + link + zip */
};

/* EXIT_OK, EXIT_INVALID (the project; diagnostics in d) or EXIT_USAGE (with a message
 * on stderr saying what to do). res is filled as far as it got; free it either way. */
int package_build(const struct cli *c, struct diag *d, const struct package_opts *o,
                  struct package_result *res);
void package_result_free(struct package_result *res);

/* Reads a whole file of at most max bytes (NUL-terminated) or NULL (errno; EFBIG). */
char *package_read_file(const char *path, size_t max, size_t *len);

#endif
