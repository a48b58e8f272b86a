/* emit: writes leec_config.h and leec_config.c for a resolved configuration.
 * Deterministic (sorted by the catalog's order, no timestamps, no absolute paths),
 * written atomically, and a file whose content is unchanged is not touched. */
#ifndef LEEC_EMIT_H
#define LEEC_EMIT_H

#include "resolve/resolve.h"

/* Bumped when the shape of the generated structs or of the fixed types in
 * runtime/leec_abi.h changes; the generated header stops the build with #error
 * unless LEEC_ABI_VERSION_RUNTIME (leec_abi.h) is the same. */
#define LEEC_ABI_VERSION 3

/* Returns 0, or 2 on an I/O error (after a diagnostic). */
int emit_config(const struct resolved *r, const char *project_path, const char *outdir,
                struct diag *d);

/* Writes dir/name atomically unless it already holds exactly this text. 0, or 2 on an
 * I/O error (after a diagnostic). */
int emit_write_file(const char *dir, const char *name, const char *text, struct diag *d);

/* Renders both files into memory (used by emit_config and the tests). */
void emit_render(const struct resolved *r, const char *project_path, char **header, char **source);

#endif
