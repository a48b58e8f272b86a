/* A runtime-side consumer of the generated X-macro lists, compiled by run_emit.sh
 * against every case's leec_config.h: each list expands with a consumer's own X
 * (the Redis commands.def model) and agrees with the single macros. */
#include "leec_config.h"

#define FEATURE_NAME(name, on) #name,
static const char *const feature_names[] = {LEEC_FEATURES(FEATURE_NAME)};
#define FEATURE_ON(name, on) +(on)
enum { features_on = 0 LEEC_FEATURES(FEATURE_ON) };
#define FEATURE_COUNT(name, on)    +1
#define PRESET_COUNT(name, preset) +1
_Static_assert(0 LEEC_FEATURES(FEATURE_COUNT) == 0 LEEC_FEATURE_PRESETS(PRESET_COUNT),
               "every feature has a smallest preset");
#define FEATURE_AGREES(name, on) _Static_assert((on) == 0 || (on) == 1, #name " is 0 or 1");
LEEC_FEATURES(FEATURE_AGREES)
_Static_assert(LEEC_FEATURE_ALEXA == 1, "every build has alexa");

#define METRIC_ON(name, unit, id) +((id) >= 0)
_Static_assert(0 LEEC_METRICS(METRIC_ON) == LEEC_METRIC_COUNT,
               "the metrics with an id are the compiled-in metric table");
#define METRIC_NAME(name, unit, id) {#name, unit},
static const struct leec_metric_def known_metrics[] = {LEEC_METRICS(METRIC_NAME)};

/* Each enum's value list names the table enum's constants, in order. */
#define LEVEL_IS(v) +((int)LEEC_LOGGING_LEVEL_##v >= 0)
#define LEVEL_AT(v) LEEC_LOGGING_LEVEL_##v,
static const enum leec_logging_level levels[] = {LEEC_LOGGING_LEVEL_VALUES(LEVEL_AT)};
_Static_assert(0 LEEC_LOGGING_LEVEL_VALUES(LEVEL_IS) == sizeof levels / sizeof levels[0],
               "one entry per logging level");
_Static_assert(LEEC_LOGGING_LEVEL_TRACE == 0, "the first value is 0");

#define LIMIT(name, max) enum { limit_##name = (max) };
LEEC_LIMITS(LIMIT)
_Static_assert(limit_headers == LEEC_MAX_HEADERS, "LEEC_LIMITS and LEEC_MAX_HEADERS agree");

/* The sections' field lists name members of the sections' structs, each once. */
#define HA_MEMBER(f)    +(sizeof(((struct leec_ha_config *)0)->f) > 0)
#define ALEXA_MEMBER(f) +(sizeof(((struct leec_alexa_config *)0)->f) > 0)
#define HA_FIELD(f)     ha_field_##f,
#define ALEXA_FIELD(f)  alexa_field_##f,
enum { LEEC_HA_FIELDS(HA_FIELD) ha_fields };
enum { LEEC_ALEXA_FIELDS(ALEXA_FIELD) alexa_fields };
_Static_assert(0 LEEC_HA_FIELDS(HA_MEMBER) == ha_fields, "every home_assistant field is a member");
_Static_assert(0 LEEC_ALEXA_FIELDS(ALEXA_MEMBER) == alexa_fields, "every alexa field is a member");
_Static_assert(LEEC_HA_TOKEN_MODE_ACCOUNT_LINKING == 0, "a left-out token is account linking");

const void *emit_consumer_tables(int *n);
const void *emit_consumer_tables(int *n)
{
    *n = features_on;
    return known_metrics[0].name && levels[0] == LEEC_LOGGING_LEVEL_TRACE
               ? (const void *)feature_names
               : NULL;
}
