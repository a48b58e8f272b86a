/* values: parameter values as written in tiers, presets and the project file
 * (syntax checked against the parameter; numbers and booleans become expressions),
 * tier choices, and constants in schemas. */
#ifndef LEEC_VALUES_H
#define LEEC_VALUES_H

#include "model/model.h"

/* Parses an expression from a scalar node (raw-mapped for exact carets). */
struct expr *model_parse_expr(struct diag *d, const struct ynode *n);
/* Evaluates an expression that may not reference anything. */
bool model_eval_const(struct expr *e, struct value *v, struct diag *d);
/* A constant of dimension want written in node n (range bounds, baseline, limits). */
bool values_const_number(struct diag *d, const struct ynode *n, struct dim want, double *out);
/* Checks a value's syntax against its parameter (quoted numbers, booleans, enum
 * membership, list items); numeric and bool values become expressions. */
bool pvalue_parse(struct diag *d, const struct param_def *p, const struct ynode *n,
                  struct pvalue *out);
/* {iface: {param: value}} → one iface_values per catalog interface. */
bool iface_values_parse(struct diag *d, const struct catalog *cat, const struct ynode *map,
                        struct iface_values **out, const char *what, bool allow_untiered);
void iface_values_free(struct iface_values *iv, size_t n);
/* {iface: tier} → tier choices (retired interfaces kept with iface NULL). */
bool parse_tier_choices_public(struct diag *d, const struct catalog *cat, const struct ynode *m,
                               struct tier_choice **out, size_t *n, const char *what);

#endif
