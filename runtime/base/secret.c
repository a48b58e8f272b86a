/* secret: see secret.h. */
#include "base/secret.h"

#include <stdlib.h>
#include <string.h>

void secret_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

void secret_free(char *s)
{
    if (s) {
        secret_wipe(s, strlen(s));
        free(s);
    }
}
