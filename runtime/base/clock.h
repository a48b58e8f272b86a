/* clock: the runtime's only time source.
 *
 * Every module that has a TTL, a recovery timer or a refill rate reads the time
 * through clock_mono_ms(), so tests can drive time with clock_set_fake() instead
 * of sleeping. The fake pointer is the module's one piece of global state (a
 * test hook; the bootstrap never sets it). */
#ifndef LEEC_CLOCK_H
#define LEEC_CLOCK_H

#include <stdint.h>

/* Milliseconds on a monotonic clock (CLOCK_MONOTONIC; unaffected by wall-clock
 * steps). Only differences are meaningful. */
uint64_t clock_mono_ms(void);

/* Microseconds on CLOCK_MONOTONIC, never faked: for measuring the process's own
 * start-up, which no test drives. */
uint64_t clock_mono_us(void);

/* Milliseconds since the Unix epoch (CLOCK_REALTIME): timestamps, deadlines. */
uint64_t clock_epoch_ms(void);

/* Tests: make clock_mono_ms() return *mono_ms (read at every call, so the test
 * advances time by changing the variable). NULL restores the real clock. */
void clock_set_fake(uint64_t *mono_ms);

#endif
