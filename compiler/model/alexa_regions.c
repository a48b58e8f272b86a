/* alexa_regions: see alexa_regions.h. Source: the Alexa developer console's Smart Home
 * endpoint page and Home Assistant's Alexa guide (English (IN) is served from Europe). */
#include "model/alexa_regions.h"

#include "front/util.h"

#include <string.h>

static const char *const na[] = {"en-US", "en-CA", "fr-CA", "es-US", "es-MX", "pt-BR", NULL};
static const char *const eu[] = {"en-GB", "en-IN", "de-DE", "es-ES",
                                 "fr-FR", "it-IT", "hi-IN", NULL};
static const char *const fe[] = {"ja-JP", "en-AU", NULL};

const struct alexa_region alexa_regions[] = {
    {"us-east-1", "North America", na},
    {"eu-west-1", "Europe and India", eu},
    {"us-west-2", "Far East", fe},
};
const size_t alexa_regions_count = sizeof alexa_regions / sizeof alexa_regions[0];

const struct alexa_region *alexa_regions_find(const char *name)
{
    for (size_t i = 0; i < alexa_regions_count; i++)
        if (!strcmp(alexa_regions[i].name, name))
            return &alexa_regions[i];
    return NULL;
}

const struct alexa_region *alexa_regions_of_locale(const char *locale)
{
    for (size_t i = 0; i < alexa_regions_count; i++)
        for (const char *const *l = alexa_regions[i].locales; *l; l++)
            if (!strcmp(*l, locale))
                return &alexa_regions[i];
    return NULL;
}

bool alexa_regions_serves(const struct alexa_region *r, const char *language)
{
    size_t n = strlen(language);
    for (const char *const *l = r->locales; *l; l++)
        if (!strncmp(*l, language, n) && (*l)[n] == '-')
            return true;
    return false;
}

void alexa_regions_names(char *buf, size_t size)
{
    const char *names[8];
    for (size_t i = 0; i < alexa_regions_count; i++)
        names[i] = alexa_regions[i].name;
    join_names(buf, size, names, alexa_regions_count, " or ");
}
