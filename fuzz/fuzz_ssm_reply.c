/* libFuzzer: an SSM GetParameter reply body (AWS's JSON, success or error), with the
 * status taken from the first input byte. No network. */
#include "net/ssm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    static const long statuses[] = {200, 400, 403, 500};
    long status = statuses[data[0] % 4];
    char *value = NULL;
    struct ssm_error err;
    memset(&err, 0, sizeof err);
    int rc = ssm_parse_reply(NULL, status, (const char *)data + 1, size - 1, &value, &err);
    if (rc == 0) {
        if (!value)
            abort(); /* success must give a value */
        ssm_value_free(value);
    } else if (value || !err.message[0]) {
        abort(); /* failure must give no value and a message */
    }
    return 0;
}
