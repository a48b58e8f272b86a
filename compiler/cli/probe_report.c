/* probe_report: see probe_report.h. The answer is outside data (it comes back from
 * Lambda): parsed with cJSON, every field checked for its type, text printed capped. */
#include "cli/probe_report.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool probe_report_print(FILE *out, const char *answer, size_t len)
{
    cJSON *j = cJSON_ParseWithLength(answer, len);
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(j, "checks");
    if (!cJSON_IsObject(j) || !cJSON_IsArray(steps)) {
        fprintf(out,
                "not a probe answer (is the function a leec bootstrap with the probe?): %.*s\n",
                (int)(len < 300 ? len : 300), answer); /* len bytes, not a C string */
        cJSON_Delete(j);
        return false;
    }
    const char *url = str(j, "url");
    fprintf(out, "probe of %.200s\n", url ? url : "Home Assistant");
    const cJSON *s;
    int n = 0;
    cJSON_ArrayForEach(s, steps)
    {
        if (++n > 16)
            break;
        const char *check = str(s, "check"), *finding = str(s, "finding");
        const cJSON *ok = cJSON_GetObjectItemCaseSensitive(s, "ok");
        const cJSON *ms = cJSON_GetObjectItemCaseSensitive(s, "ms");
        fprintf(out, "  %-4s %-14.14s %6.0f ms  %.400s\n", cJSON_IsTrue(ok) ? "ok" : "FAIL",
                check ? check : "?", cJSON_IsNumber(ms) ? ms->valuedouble : 0.0,
                finding ? finding : "");
    }
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok");
    const char *remedy = str(j, "remedy");
    if (cJSON_IsTrue(ok))
        fprintf(out, "all checks passed: the function reaches Home Assistant\n");
    else
        fprintf(out, "what to do: %.600s\n", remedy ? remedy : "see the failed check above");
    bool good = cJSON_IsTrue(ok);
    cJSON_Delete(j);
    return good;
}
