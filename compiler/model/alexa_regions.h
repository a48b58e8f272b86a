/* alexa_regions: which AWS region Alexa sends each locale's requests to — the one table
 * leec owns (docs/deploy.md §1 shows it; leec deploy, the facts and Makefile.deploy use
 * it through leec). */
#ifndef LEEC_ALEXA_REGIONS_H
#define LEEC_ALEXA_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

struct alexa_region {
    const char *name;           /* us-east-1 */
    const char *area;           /* North America */
    const char *const *locales; /* en-US, ... NULL-terminated */
};

extern const struct alexa_region alexa_regions[];
extern const size_t alexa_regions_count;

/* The region by name, or NULL when Alexa calls no Lambda there. */
const struct alexa_region *alexa_regions_find(const char *name);
/* The region serving a locale (en-GB), or NULL. */
const struct alexa_region *alexa_regions_of_locale(const char *locale);
/* Does the region serve a locale of the catalogue language (en, de: the prefix)? */
bool alexa_regions_serves(const struct alexa_region *r, const char *language);
/* "us-east-1, eu-west-1 or us-west-2" */
void alexa_regions_names(char *buf, size_t size);

#endif
