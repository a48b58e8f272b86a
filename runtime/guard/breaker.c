/* breaker: CLOSED / OPEN / HALF_OPEN state machine driven by call outcomes. */
#include "guard/breaker.h"

#include "base/clock.h"

#include <string.h>

int breaker_init(struct breaker *b, const char *name, const struct breaker_config *cfg)
{
    memset(b, 0, sizeof *b);
    if (!cfg || cfg->failure_threshold == 0 || cfg->half_open_max_probes == 0)
        return -1;
    b->name = name ? name : "";
    b->cfg = *cfg;
    b->state = BREAKER_CLOSED;
    return 0;
}

static void breaker_open(struct breaker *b, uint64_t now)
{
    b->state = BREAKER_OPEN;
    b->opened_at = now;
    b->probes_out = 0;
    b->st.opens++;
}

static bool breaker_recovered(const struct breaker *b, uint64_t now)
{
    return now - b->opened_at >= b->cfg.recovery_ms;
}

bool breaker_allow(struct breaker *b)
{
    uint64_t now = clock_mono_ms();
    switch (b->state) {
    case BREAKER_CLOSED:
        return true;
    case BREAKER_OPEN:
        if (!breaker_recovered(b, now))
            break;
        b->state = BREAKER_HALF_OPEN;
        b->half_open_at = now;
        b->probes_out = 0;
        /* this caller may be the first probe */
        /* fall through */
    case BREAKER_HALF_OPEN:
        /* A probe lost by its caller must not hold the slot forever. */
        if (b->probes_out >= b->cfg.half_open_max_probes &&
            now - b->half_open_at >= b->cfg.recovery_ms) {
            b->probes_out = 0;
            b->half_open_at = now;
        }
        if (b->probes_out < b->cfg.half_open_max_probes) {
            b->probes_out++;
            return true;
        }
        break;
    }
    b->st.rejections++;
    return false;
}

void breaker_record(struct breaker *b, enum breaker_outcome outcome)
{
    if (outcome == BREAKER_NOT_CALLED) {
        breaker_cancel(b);
        return;
    }
    bool ok = outcome == BREAKER_SUCCESS || outcome == BREAKER_HTTP_4XX;
    uint64_t now = clock_mono_ms();
    if (ok) {
        b->st.successes++;
        b->st.consecutive_failures = 0;
    } else {
        b->st.failures++;
        if (b->st.consecutive_failures < UINT32_MAX)
            b->st.consecutive_failures++;
    }
    switch (b->state) {
    case BREAKER_CLOSED:
        if (!ok && b->st.consecutive_failures >= b->cfg.failure_threshold)
            breaker_open(b, now);
        break;
    case BREAKER_HALF_OPEN:
        if (b->probes_out > 0)
            b->probes_out--;
        if (ok) {
            b->state = BREAKER_CLOSED;
            b->probes_out = 0;
        } else {
            breaker_open(b, now);
        }
        break;
    case BREAKER_OPEN:
        /* A late result of a call allowed before the breaker opened: the
         * counters above saw it; the recovery timer is not extended. */
        break;
    }
}

void breaker_cancel(struct breaker *b)
{
    if (b->state == BREAKER_HALF_OPEN && b->probes_out > 0)
        b->probes_out--;
}

enum breaker_state breaker_state(const struct breaker *b)
{
    if (b->state == BREAKER_OPEN && breaker_recovered(b, clock_mono_ms()))
        return BREAKER_HALF_OPEN;
    return b->state;
}

const char *breaker_state_name(enum breaker_state s)
{
    switch (s) {
    case BREAKER_CLOSED:
        return "closed";
    case BREAKER_OPEN:
        return "open";
    case BREAKER_HALF_OPEN:
        return "half_open";
    }
    return "unknown";
}

const char *breaker_name(const struct breaker *b) { return b->name; }

void breaker_get_stats(const struct breaker *b, struct breaker_stats *out) { *out = b->st; }
