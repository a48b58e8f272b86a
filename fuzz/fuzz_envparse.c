/* libFuzzer: the strict environment parsers (booleans, numbers, durations, lists) on
 * arbitrary values. Invariants: a bool is only ever accepted for the documented words. */
#include "core/envparse.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    bool b;
    if (envparse_bool(s, &b) == 0) {
        static const char *const ok[] = {"true", "false", "1", "0", "yes", "no"};
        bool known = false;
        for (size_t i = 0; i < 6; i++)
            known |= strcasecmp(s, ok[i]) == 0;
        if (!known)
            abort();
    }
    uint64_t u;
    (void)envparse_u64(s, UINT64_MAX, &u);
    (void)envparse_duration_ms(s, 900000, &u);
    char items[8 * 80];
    const char *why = NULL;
    int n = envparse_list(s, items, 80, 8, &why);
    if (n > 8)
        abort();
    for (int i = 0; i < n; i++)
        if (memchr(items + (size_t)i * 80, '\0', 80) == NULL)
            abort(); /* every item NUL-terminated within its slot */
    free(s);
    return 0;
}
