/* clock: monotonic and wall-clock milliseconds, with a test override. */
#include "base/clock.h"

#include <time.h>

static uint64_t *clock_fake; /* NULL: real clock */

static uint64_t clock_read(clockid_t id)
{
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t clock_mono_ms(void)
{
    if (clock_fake)
        return *clock_fake;
    return clock_read(CLOCK_MONOTONIC);
}

uint64_t clock_mono_us(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t clock_epoch_ms(void) { return clock_read(CLOCK_REALTIME); }

void clock_set_fake(uint64_t *mono_ms) { clock_fake = mono_ms; }
