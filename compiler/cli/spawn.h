/* spawn: running a child process from an argv array (never through a shell), in a
 * working directory, with extra environment variables set in the child only (so a
 * secret given to leec never lands on any command line), optional bytes on its stdin.
 * Also: finding a program on PATH, and a scratch directory removed with its contents. */
#ifndef LEEC_SPAWN_H
#define LEEC_SPAWN_H

#include <stdbool.h>
#include <stddef.h>

struct spawn_opts {
    const char *cwd;        /* NULL: leec's own */
    const char *const *env; /* "K=V" set in the child (NULL-terminated), or NULL */
    const char *stdin_data; /* written to the child's stdin, then closed; NULL: inherit */
    size_t stdin_len;
    bool stdout_to_stderr;   /* the child's stdout goes to leec's stderr */
    const char *stdout_file; /* the child's stdout goes to this file (created 0600), or NULL */
};

/* Runs argv[0] (looked up on PATH) and waits. Returns its exit status, 128+signal when
 * it was killed, or -1 when it could not start (errno; 127 is never reported as -1:
 * a child that exec fails in exits 127). */
int spawn_run(const char *const argv[], const struct spawn_opts *o);

/* true when `name` is an executable on PATH (or, containing '/', at that path). */
bool spawn_have_program(const char *name);

/* A fresh directory under $TMPDIR (else /tmp), or NULL (errno). Caller frees. */
char *spawn_scratch_dir(const char *prefix);
/* Removes path and everything below it (no symbolic link is followed). */
void spawn_remove_tree(const char *path);

/* A child's captured output (spawn_capture): stdout and stderr, each cut at
 * SPAWN_OUTPUT_MAX bytes (the rest is read and dropped). */
#define SPAWN_OUTPUT_MAX (8u << 20)
struct spawn_output {
    int status;      /* exit code; 128 + signal when killed; -1 when it could not start */
    int start_errno; /* why it could not start (ENOENT: no such program) */
    char *out, *err; /* NUL-terminated, never NULL after spawn_capture */
    size_t out_len, err_len;
};
/* Runs argv[0] (posix_spawnp: PATH when it holds no '/') with stdin from /dev/null,
 * captures both streams (drained together with poll(), so neither can dead-lock) and
 * waits. Returns r->status. Used to read the AWS CLI's JSON (cli/aws.c). */
int spawn_capture(const char *const *argv, struct spawn_output *r);
void spawn_output_free(struct spawn_output *r);

/* Directory of the running leec executable, or NULL. Caller frees. */
char *spawn_exe_dir(void);

#endif
