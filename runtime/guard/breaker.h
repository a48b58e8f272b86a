/* breaker: circuit breaker per outside service (Home Assistant, SSM).
 *
 *   CLOSED --failure_threshold consecutive failures--> OPEN
 *   OPEN --recovery_ms elapsed (checked in breaker_allow)--> HALF_OPEN
 *   HALF_OPEN: at most half_open_max_probes outstanding calls;
 *              a probe success --> CLOSED, a probe failure --> OPEN (timer restarts)
 *
 * Failures are transport errors, timeouts and HTTP 5xx. A 4xx is a success for
 * the breaker: the service answered (the original never counted HTTP errors).
 * Every breaker_allow() that returned true must be followed by exactly one
 * breaker_record() or breaker_cancel(). A half-open probe that is never
 * reported is reclaimed after recovery_ms so the breaker cannot wedge.
 *
 * The struct is public only so it can live in static storage; use the
 * functions. Time comes from clock_mono_ms(). */
#ifndef LEEC_BREAKER_H
#define LEEC_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

struct breaker_config {
    uint32_t failure_threshold;    /* >= 1 */
    uint64_t recovery_ms;          /* OPEN time before probing */
    uint32_t half_open_max_probes; /* >= 1 */
};

enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN };

enum breaker_outcome {
    BREAKER_SUCCESS,
    BREAKER_TRANSPORT_ERROR,
    BREAKER_TIMEOUT,
    BREAKER_HTTP_5XX,
    BREAKER_HTTP_4XX,   /* counts as success */
    BREAKER_NOT_CALLED, /* the call was not made: breaker_record gives the slot back */
};

struct breaker_stats {
    uint64_t opens;      /* transitions to OPEN */
    uint64_t rejections; /* breaker_allow() == false */
    uint64_t successes;
    uint64_t failures;
    uint32_t consecutive_failures;
};

struct breaker {
    const char *name;
    struct breaker_config cfg;
    enum breaker_state state;
    uint32_t probes_out;
    uint64_t opened_at;    /* mono ms of the last transition to OPEN */
    uint64_t half_open_at; /* mono ms of the last transition to HALF_OPEN */
    struct breaker_stats st;
};

/* Returns -1 (and leaves b unusable) when a config value is 0. name is kept
 * by pointer (static string). */
int breaker_init(struct breaker *b, const char *name, const struct breaker_config *cfg);

/* False: do not make the call (answer the user with an error at once). */
bool breaker_allow(struct breaker *b);

/* The result of a call that breaker_allow() permitted. */
void breaker_record(struct breaker *b, enum breaker_outcome outcome);

/* The permitted call was not made after all (e.g. no time left). */
void breaker_cancel(struct breaker *b);

/* Current state; an OPEN breaker whose recovery time has passed reports
 * HALF_OPEN (without taking a probe). */
enum breaker_state breaker_state(const struct breaker *b);
const char *breaker_state_name(enum breaker_state s); /* "closed", "open", "half_open" */
const char *breaker_name(const struct breaker *b);
void breaker_get_stats(const struct breaker *b, struct breaker_stats *out);

#endif
