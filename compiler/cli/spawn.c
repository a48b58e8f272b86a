/* spawn: see spawn.h. */
#define _GNU_SOURCE
#include "cli/spawn.h"
#include "front/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <poll.h>
#include <spawn.h>

static void child(const char *const argv[], const struct spawn_opts *o, int in_fd)
{
    if (in_fd >= 0 && dup2(in_fd, STDIN_FILENO) < 0)
        _exit(127);
    if (o->stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
        _exit(127);
    if (o->stdout_file) {
        int fd = open(o->stdout_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
            _exit(127);
    }
    if (o->cwd && chdir(o->cwd) != 0) {
        fprintf(stderr, "leec: cannot enter %s: %s\n", o->cwd, strerror(errno));
        _exit(127);
    }
    for (const char *const *e = o->env; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        char *k = strndup(*e, (size_t)(eq - *e));
        if (!k || setenv(k, eq + 1, 1) != 0)
            _exit(127);
        free(k);
    }
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], (char *const *)argv);
    fprintf(stderr, "leec: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int spawn_run(const char *const argv[], const struct spawn_opts *o)
{
    static const struct spawn_opts none = {0};
    if (!o)
        o = &none;
    int p[2] = {-1, -1};
    if (o->stdin_data && pipe2(p, O_CLOEXEC) != 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        if (p[0] >= 0) {
            close(p[0]);
            close(p[1]);
        }
        errno = e;
        return -1;
    }
    if (pid == 0)
        child(argv, o, p[0]);
    if (p[0] >= 0) {
        close(p[0]);
        /* A child that stops reading early must not kill leec with SIGPIPE. */
        void (*old)(int) = signal(SIGPIPE, SIG_IGN);
        size_t off = 0;
        while (off < o->stdin_len) {
            ssize_t n = write(p[1], o->stdin_data + off, o->stdin_len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            off += (size_t)n;
        }
        close(p[1]);
        signal(SIGPIPE, old);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

bool spawn_have_program(const char *name)
{
    if (strchr(name, '/'))
        return access(name, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    struct sbuf b = {0};
    bool found = false;
    for (const char *p = path; !found;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        b.len = 0;
        sbuf_addn(&b, n ? p : ".", n ? n : 1);
        sbuf_printf(&b, "/%s", name);
        struct stat st;
        found = stat(b.s, &st) == 0 && S_ISREG(st.st_mode) && access(b.s, X_OK) == 0;
        if (!colon)
            break;
        p = colon + 1;
    }
    sbuf_free(&b);
    return found;
}

char *spawn_scratch_dir(const char *prefix)
{
    const char *t = getenv("TMPDIR");
    struct sbuf b = {0};
    sbuf_printf(&b, "%s/%s-XXXXXX", t && *t ? t : "/tmp", prefix);
    if (!mkdtemp(b.s)) {
        int e = errno;
        sbuf_free(&b);
        errno = e;
        return NULL;
    }
    return b.s;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    remove(path);
    return 0;
}

void spawn_remove_tree(const char *path)
{
    if (path)
        nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *spawn_exe_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    return xstrdup(exe);
}

/* ---- captured output (posix_spawnp) ---- */

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

int spawn_capture(const char *const *argv, struct spawn_output *r)
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

void spawn_output_free(struct spawn_output *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
