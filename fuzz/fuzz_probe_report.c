/* libFuzzer: the probe's answer as leec probe receives it from Lambda (outside data),
 * through cli/probe_report.c. Oracle: "passed" only for a JSON object whose "ok" is true
 * with a "checks" array; the report is bounded whatever the input. */
#include "cli/probe_report.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return 0;
    bool ok = probe_report_print(out, (const char *)data, size);
    fclose(out);
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    bool want = cJSON_IsObject(j) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "ok")) &&
                cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "checks"));
    cJSON_Delete(j);
    if (ok != want)
        abort();
    /* 16 check lines of at most ~450 bytes, a header, a verdict, a remedy of 600 */
    if (len > 16 * 512 + 2048)
        abort();
    free(buf);
    return 0;
}
