/* schema_json: JSON Schema (draft-07) of the project file, built from the catalog
 * so editors (yaml-language-server) know every interface, parameter and preset. */
#ifndef LEEC_SCHEMA_JSON_H
#define LEEC_SCHEMA_JSON_H

#include "model/model.h"

/* malloc'd, pretty-printed, ends with a newline. */
char *schema_json_render(const struct catalog *cat);

#endif
