/* secret: the one way secrets are cleared. explicit_bzero is not removed by the
 * compiler the way a memset before free() may be. */
#ifndef LEEC_SECRET_H
#define LEEC_SECRET_H

#include <stddef.h>

void secret_wipe(void *p, size_t n);
/* Wipes the NUL-terminated secret s and frees it (NULL: nothing). */
void secret_free(char *s);

#endif
