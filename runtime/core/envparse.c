/* envparse: strict environment value parsing. */
#include "core/envparse.h"

#include <string.h>
#include <strings.h>

int envparse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes"};
    static const char *const no[] = {"false", "0", "no"};
    if (!s || !out)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Parses the leading digits of s; *end points after them. -1 on no digits or
 * overflow. */
static int envparse_digits(const char *s, uint64_t *out, const char **end)
{
    uint64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (UINT64_MAX - d) / 10u)
            return -1;
        v = v * 10u + d;
    }
    *out = v;
    *end = p;
    return 0;
}

int envparse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v;
    const char *end;
    if (!s || !out || envparse_digits(s, &v, &end) != 0 || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

int envparse_duration_ms(const char *s, uint64_t max_ms, uint64_t *out_ms)
{
    static const struct {
        const char *unit;
        uint64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
    uint64_t v;
    const char *end;
    if (!s || !out_ms || envparse_digits(s, &v, &end) != 0)
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].unit) != 0)
            continue;
        if (v > UINT64_MAX / units[i].ms || v * units[i].ms > max_ms)
            return -1;
        *out_ms = v * units[i].ms;
        return 0;
    }
    return -1;
}

static int envparse_fail(const char **why, const char *reason)
{
    if (why)
        *why = reason;
    return -1;
}

int envparse_list(const char *s, char *items, size_t item_cap, size_t max_items, const char **why)
{
    if (!s || !items || item_cap == 0)
        return envparse_fail(why, "no value");
    size_t n = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *b = p, *e = end;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (b == e)
            return envparse_fail(why, "empty item in list");
        if (n == max_items)
            return envparse_fail(why, "too many items in list");
        if ((size_t)(e - b) >= item_cap)
            return envparse_fail(why, "list item too long");
        memcpy(items + n * item_cap, b, (size_t)(e - b));
        items[n * item_cap + (size_t)(e - b)] = '\0';
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (n > (size_t)INT32_MAX)
        return envparse_fail(why, "too many items in list");
    return (int)n;
}
