/* spawn: run a program with an argv array (posix_spawnp, never a shell), stdin from
 * /dev/null, and capture its stdout and stderr (each capped). */
#ifndef LEEC_SPAWN_H
#define LEEC_SPAWN_H

#include <stddef.h>

/* Each captured stream is cut at this many bytes (the rest is read and dropped). */
#define SPAWN_OUTPUT_MAX (8u << 20)

struct spawn_result {
    int status;      /* exit code; 128 + signal when killed; -1 when it could not start */
    int start_errno; /* why it could not start (ENOENT: no such program) */
    char *out, *err; /* NUL-terminated, never NULL after spawn_run */
    size_t out_len, err_len;
};

/* Runs argv[0] (searched in PATH when it holds no '/') and waits for it. Returns
 * r->status. */
int spawn_run(const char *const *argv, struct spawn_result *r);
void spawn_result_free(struct spawn_result *r);

#endif
