/* spawn: see spawn.h. Both pipes are drained with poll() so a child that fills
 * stderr while we wait on stdout cannot dead-lock. */
#define _GNU_SOURCE /* pipe2 */
#include "cli/spawn.h"

#include "front/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void take(int fd, char **buf, size_t *len, size_t *cap, int *open_)
{
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n < 0 && errno == EINTR)
        return;
    if (n <= 0) {
        *open_ = 0;
        return;
    }
    size_t keep = (size_t)n;
    if (*len + keep > SPAWN_OUTPUT_MAX)
        keep = SPAWN_OUTPUT_MAX - *len;
    if (*len + keep + 1 > *cap) {
        while (*len + keep + 1 > *cap)
            *cap = *cap ? *cap * 2 : 4096;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, tmp, keep);
    *len += keep;
}

int spawn_run(const char *const *argv, struct spawn_result *r)
{
    memset(r, 0, sizeof *r);
    r->out = xstrdup("");
    r->err = xstrdup("");
    int po[2], pe[2];
    if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
        r->start_errno = errno;
        return r->status = -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    pid_t pid;
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (e) {
        close(po[0]);
        close(pe[0]);
        r->start_errno = e;
        return r->status = -1;
    }
    size_t ocap = 0, ecap = 0;
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
    int oo = 1, eo = 1;
    while (oo || eo) {
        struct pollfd p[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
        if (!oo)
            p[0].fd = -1;
        if (!eo)
            p[1].fd = -1;
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents)
            take(po[0], &r->out, &r->out_len, &ocap, &oo);
        if (p[1].revents)
            take(pe[0], &r->err, &r->err_len, &ecap, &eo);
    }
    close(po[0]);
    close(pe[0]);
    if (!r->out)
        r->out = xstrdup("");
    else
        r->out[r->out_len] = '\0';
    if (!r->err)
        r->err = xstrdup("");
    else
        r->err[r->err_len] = '\0';
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            r->start_errno = errno;
            return r->status = -1;
        }
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return r->status;
}

void spawn_result_free(struct spawn_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
