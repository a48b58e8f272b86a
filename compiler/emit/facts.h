/* facts: the resolved configuration as data (JSON) — every value with its origin, the
 * budgets, and what deploying needs (Lambda settings, skills, skill IDs, languages,
 * secrets by name, files the bootstrap reads, metrics). `leec explain --format json`
 * prints it; `leec compile` writes it beside the tables as leec_facts.json. Every
 * consumer outside the compiler (leec deploy/package/skill, Makefile.deploy, the
 * template generator) reads this, never the YAML. Format: docs/facts.md. */
#ifndef LEEC_FACTS_H
#define LEEC_FACTS_H

#include "resolve/resolve.h"

/* Bumped when a key changes meaning or disappears (adding keys does not bump it). */
#define LEEC_FACTS_VERSION 1

/* The facts as pretty-printed JSON text, ending in a newline (malloc'd).
 * project_path: as given (recorded relative to the catalog root when inside it). */
char *facts_render(const struct resolved *r, const char *project_path);

#endif
