/* invoke: one local run of a bootstrap under the Lambda Runtime API emulator that is
 * installed with leec (<prefix>/share/leec/tools: leec_invoke.py, lambda_emulator.py;
 * tests/peers in a build tree). leec prepares the event (Custom-skill timestamps set to
 * now, @NOW@ replaced), and the function environment travels by name through the tool's
 * own environment, never on a command line. Shared by `leec invoke` and its options. */
#ifndef LEEC_INVOKE_H
#define LEEC_INVOKE_H

#include <stddef.h>

enum { INVOKE_MAX_ENV = 64 };

struct invoke_opts {
    const char *bootstrap;   /* the executable; it runs in its own directory (/var/task) */
    const char *event_path;  /* a file, or "-" for stdin */
    const char *event_text;  /* the event itself (instead of event_path), or NULL */
    const char *answer_file; /* the answer goes to this file instead of stdout, or NULL */
    const char *env[INVOKE_MAX_ENV + 1]; /* "K=V" for the function */
    size_t nenv;
    double timeout_s; /* 0: the tool's default */
};

/* Where the installed tools are (share/leec/tools or the source tree's tests/peers),
 * or NULL. Caller frees. */
char *invoke_tools_dir(void);

/* Runs one invocation; the answer goes to stdout, the function's log lines and the
 * REPORT line to stderr. EXIT_OK (0), 1 on a function error, 2 on bad input (a message
 * says what to do). */
int invoke_run(const struct invoke_opts *o);

#endif
