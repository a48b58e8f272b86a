/* probe_report: the probe's answer (the bootstrap's JSON for {"leec_probe": true}) as a
 * report a person reads: one line per check with its time and finding, then the remedy
 * of the first failure. Shared by leec probe (remote) and the local probe run. */
#ifndef LEEC_PROBE_REPORT_H
#define LEEC_PROBE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Prints the report; true when every check passed. An answer that is not a probe
 * answer is printed as such (false). */
bool probe_report_print(FILE *out, const char *answer, size_t len);

#endif
