/* memstat: the process's resident memory, read cheaply after each invocation
 * to drive memory-pressure shedding.
 *
 * Both calls use open/read into a stack buffer (no stdio, no malloc), so they
 * can run when memory is tight. They return 0 when /proc cannot be read. */
#ifndef LEEC_MEMSTAT_H
#define LEEC_MEMSTAT_H

#include <stdint.h>

/* Current resident set: field 2 of /proc/self/statm × page size. */
uint64_t memstat_rss_bytes(void);

/* Peak resident set ("VmHWM" in /proc/self/status), what Lambda reports as
 * "Max Memory Used". */
uint64_t memstat_peak_bytes(void);

#endif
