/* filekind: see filekind.h. */
#include "model/filekind.h"

#include "front/yaml_ir.h"

#include <stdlib.h>

enum stock_kind filekind_of_text(const char *text, size_t len)
{
    /* In priority order: the first present wins. */
    static const char *const keys[] = {"leec",    "preset",    "tier",     "feature_preset",
                                       "aliases", "interface", "baseline", "retired"};
    static const enum stock_kind kinds[] = {SK_PROJECT, SK_PRESET, SK_TIER,     SK_FPRESET,
                                            SK_ALIASES, SK_SCHEMA, SK_BASELINE, SK_RETIRED};
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    uint32_t found = yir_root_keys(text, len, keys, NKEYS);
    for (size_t i = 0; i < NKEYS; i++)
        if (found & (UINT32_C(1) << i))
            return kinds[i];
    return SK_NONE;
}

enum stock_kind filekind_of_file(struct diag *d, const char *path, int *io_error)
{
    size_t len = 0;
    int io = 0;
    char *text = diag_read_text(d, path, YIR_MAX_FILE_BYTES, &len, &io);
    if (io_error)
        *io_error = text ? 0 : io ? 1 : -1;
    if (!text)
        return SK_NONE;
    enum stock_kind k = filekind_of_text(text, len);
    free(text);
    return k;
}
