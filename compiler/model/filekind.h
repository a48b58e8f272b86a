/* filekind: what a YAML file is to leec (a project file, a preset, a tier, ...), from the
 * keys of its parsed root mapping, never from how its lines start: a flow mapping, a
 * quoted "leec": 1, a "---" or a UTF-8 BOM are what YAML says they are, and a project
 * that also has a preset: key is a project. Every command that has to tell a leec file
 * from other YAML (validate's walk and --skip-other-yaml, the presets beside a project)
 * asks here. */
#ifndef LEEC_FILEKIND_H
#define LEEC_FILEKIND_H

#include "front/diag.h"

#include <stddef.h>

/* The kinds (named stock_kind: stock.h, which reads such files with the catalog, uses
 * them too; it includes this header, not the reverse). */
enum stock_kind {
    SK_NONE,     /* not a leec file */
    SK_PROJECT,  /* leec: */
    SK_PRESET,   /* preset: */
    SK_TIER,     /* tier: */
    SK_FPRESET,  /* feature_preset: */
    SK_ALIASES,  /* aliases: */
    SK_SCHEMA,   /* interface: */
    SK_BASELINE, /* baseline: */
    SK_RETIRED,  /* retired: */
};

/* The kind of YAML text: its root mapping has leec: (a project, whatever else it has),
 * else the first of preset:, tier:, feature_preset:, aliases:, interface:, baseline:,
 * retired: it has; SK_NONE otherwise. Keys before a YAML error count. */
enum stock_kind filekind_of_text(const char *text, size_t len);

/* The kind of the file at path, read as diag_read_text reads (capped at
 * YIR_MAX_FILE_BYTES, devices refused, pipes read once). A file that cannot be read is
 * SK_NONE; d (NULL: silent) then has the error and *io_error (optional) is 1 for I/O
 * (exit 2), -1 for a file over the size cap (bad input), 0 when it was read. */
enum stock_kind filekind_of_file(struct diag *d, const char *path, int *io_error);

#endif
