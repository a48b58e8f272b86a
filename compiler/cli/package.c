/* package: see package.h. */
#define _GNU_SOURCE
#include "cli/package.h"
#include "cli/kit.h"
#include "cli/spawn.h"
#include "cli/workspace.h"
#include "emit/emit.h"
#include "front/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { FACTS_MAX = 4 << 20, PROJECT_FILE_MAX = 50 << 20, MAX_FILES = 64 };

/* 2000-01-01 00:00:00 UTC: every staged file's time, so the same input zips to the
 * same bytes (Makefile.deploy's choice). */
static const time_t FIXED_TIME = 946684800;

char *package_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct sbuf b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (b.len + n > max) {
            fclose(f);
            sbuf_free(&b);
            errno = EFBIG;
            return NULL;
        }
        sbuf_addn(&b, buf, n);
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        sbuf_free(&b);
        errno = EIO;
        return NULL;
    }
    if (!b.s)
        b.s = xcalloc(1, 1);
    if (len)
        *len = b.len;
    return b.s;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "leec package: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_USAGE;
}

/* A path the facts name must stay inside the project's directory. */
static bool safe_relative(const char *p)
{
    if (!*p || p[0] == '/')
        return false;
    for (const char *s = p; *s;) {
        size_t n = strcspn(s, "/");
        if (n == 2 && s[0] == '.' && s[1] == '.')
            return false;
        s += n;
        while (*s == '/')
            s++;
    }
    return true;
}

static int mkdirs_for(const char *file)
{
    char *d = xstrdup(file);
    for (char *s = strchr(d + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(d, 0755) != 0 && errno != EEXIST) {
            free(d);
            return -1;
        }
        *s = '/';
    }
    free(d);
    return 0;
}

static int write_file(const char *path, const char *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    if (fchmod(fd, mode) != 0 || close(fd) != 0)
        return -1;
    return 0;
}

static void fix_time(const char *path)
{
    struct timespec t[2] = {{FIXED_TIME, 0}, {FIXED_TIME, 0}};
    utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW);
}

/* The project's run-time files (facts `files`) into the stage at the same path. */
static int stage_files(const char *project, const cJSON *files, const char *stage,
                       struct sbuf *names, size_t *count)
{
    char *pdir = xstrdup(project);
    char *slash = strrchr(pdir, '/');
    if (slash)
        slash[1] = '\0';
    else
        pdir[0] = '\0';
    int rc = EXIT_OK;
    const cJSON *it;
    cJSON_ArrayForEach(it, files)
    {
        if (!cJSON_IsString(it))
            continue;
        const char *rel = it->valuestring;
        if (*count >= MAX_FILES) {
            rc = fail("more than %d files named by %s", MAX_FILES, project);
            break;
        }
        if (!safe_relative(rel)) {
            rc = fail("%s names '%s': a file shipped in the zip must be a path relative to "
                      "the project file's folder, without '..' (Lambda opens it from /var/task)",
                      project, rel);
            break;
        }
        struct sbuf src = {0}, dst = {0};
        sbuf_printf(&src, "%s%s", pdir, rel);
        sbuf_printf(&dst, "%s/%s", stage, rel);
        size_t len = 0;
        char *data = package_read_file(src.s, PROJECT_FILE_MAX, &len);
        if (!data) {
            rc = fail("%s names '%s' (home_assistant.tls), but %s cannot be read: %s", project, rel,
                      src.s, strerror(errno));
        } else if (mkdirs_for(dst.s) != 0 || write_file(dst.s, data, len, 0644) != 0) {
            rc = fail("cannot write %s: %s", dst.s, strerror(errno));
        } else {
            sbuf_printf(names, "%s\n", rel);
            ++*count;
        }
        free(data);
        sbuf_free(&src);
        sbuf_free(&dst);
        if (rc)
            break;
    }
    free(pdir);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every staged path (bootstrap + files) sorted bytewise, one a line, for zip -@; the
 * directories under the stage get the fixed time too. */
static char *sorted_names(char *names, const char *stage)
{
    size_t n = 0;
    char **v = NULL;
    for (char *s = strtok(names, "\n"); s; s = strtok(NULL, "\n")) {
        v = xrealloc(v, (n + 1) * sizeof *v);
        v[n++] = s;
    }
    qsort(v, n, sizeof *v, cmp_str);
    struct sbuf out = {0};
    for (size_t i = 0; i < n; i++) {
        sbuf_printf(&out, "%s\n", v[i]);
        struct sbuf p = {0};
        sbuf_printf(&p, "%s/%s", stage, v[i]);
        for (char *sl = strrchr(p.s, '/'); sl && sl > p.s + strlen(stage); sl = strrchr(p.s, '/')) {
            fix_time(p.s);
            *sl = '\0';
        }
        fix_time(p.s);
        sbuf_free(&p);
    }
    free(v);
    return out.s ? out.s : xcalloc(1, 1);
}

/* Copies the finished zip to its place through a temporary name beside it. */
static int install_zip(const char *from, const char *to)
{
    size_t len = 0;
    char *data = package_read_file(from, (size_t)250 << 20, &len);
    if (!data)
        return fail("cannot read the zip %s: %s", from, strerror(errno));
    struct sbuf tmp = {0};
    sbuf_printf(&tmp, "%s.tmp-%ld", to, (long)getpid());
    int rc = EXIT_OK;
    if (write_file(tmp.s, data, len, 0644) != 0 || rename(tmp.s, to) != 0) {
        rc = fail("cannot write %s: %s", to, strerror(errno));
        unlink(tmp.s);
    }
    free(data);
    sbuf_free(&tmp);
    return rc;
}

static const char *install_hint(const char *cc)
{
    if (!strcmp(cc, "aarch64-linux-gnu-gcc"))
        return "apt-get install gcc-aarch64-linux-gnu";
    if (!strcmp(cc, "gcc"))
        return "apt-get install gcc";
    return "install it, or put it on PATH";
}

static int build_bootstrap(const struct kit *k, const char *gen, const char *out)
{
    struct sbuf table = {0}, messages = {0}, incl_gen = {0}, incl_rt = {0};
    sbuf_printf(&table, "%s/leec_config.c", gen);
    sbuf_printf(&messages, "%s/leec_messages.c", gen);
    sbuf_printf(&incl_gen, "-I%s", gen);
    sbuf_printf(&incl_rt, "-I%s", k->runtime);
    size_t n = 0, cap = 16 + k->cflags.n + k->includes.n + k->sources.n + k->libs.n + k->ldflags.n;
    const char **argv = xcalloc(cap, sizeof *argv);
    char **own = xcalloc(k->includes.n + 1, sizeof *own);
    argv[n++] = k->cc;
    argv[n++] = "-std=gnu11";
    for (size_t i = 0; i < k->cflags.n; i++)
        argv[n++] = k->cflags.items[i];
    argv[n++] = incl_gen.s;
    argv[n++] = incl_rt.s;
    for (size_t i = 0; i < k->includes.n; i++) {
        struct sbuf s = {0};
        sbuf_printf(&s, "-I%s", k->includes.items[i]);
        own[i] = s.s;
        argv[n++] = own[i];
    }
    for (size_t i = 0; i < k->sources.n; i++)
        argv[n++] = k->sources.items[i];
    argv[n++] = table.s;
    argv[n++] = messages.s;
    for (size_t i = 0; i < k->libs.n; i++)
        argv[n++] = k->libs.items[i];
    for (size_t i = 0; i < k->ldflags.n; i++)
        argv[n++] = k->ldflags.items[i];
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n] = NULL;
    struct spawn_opts so = {.stdout_to_stderr = true};
    int st = spawn_run(argv, &so);
    for (size_t i = 0; i < k->includes.n; i++)
        free(own[i]);
    free(own);
    free(argv);
    sbuf_free(&table);
    sbuf_free(&messages);
    sbuf_free(&incl_gen);
    sbuf_free(&incl_rt);
    if (st != 0)
        return fail("%s could not build the bootstrap (exit %d, messages above)", k->cc, st);
    return EXIT_OK;
}

int package_build(const struct cli *c, struct diag *d, const struct package_opts *o,
                  struct package_result *res)
{
    memset(res, 0, sizeof *res);
    if (o->arch && strcmp(o->arch, "x86_64") && strcmp(o->arch, "arm64"))
        return cli_usage_error("unknown architecture '%s' (x86_64 or arm64, Lambda's names)",
                               o->arch);
    double t0 = now_s();
    res->work = spawn_scratch_dir("leec-package");
    if (!res->work)
        return fail("cannot create a scratch directory: %s (TMPDIR)", strerror(errno));
    struct sbuf gen = {0}, stage = {0}, facts = {0}, boot = {0};
    sbuf_printf(&gen, "%s/gen", res->work);
    sbuf_printf(&stage, "%s/stage", res->work);
    sbuf_printf(&facts, "%s/leec_facts.json", gen.s);
    sbuf_printf(&boot, "%s/bootstrap", stage.s);
    res->stage = xstrdup(stage.s);
    res->facts = xstrdup(facts.s);
    int rc = EXIT_OK;
    cJSON *fj = NULL;
    struct kit k = {0};
    bool have_kit = false;
    char *fdata = NULL;

    if (mkdir(gen.s, 0755) != 0 || mkdir(stage.s, 0755) != 0) {
        rc = fail("cannot create %s: %s", gen.s, strerror(errno));
        goto out;
    }
    /* The tables and the facts, exactly as `leec compile` writes them. */
    rc = workspace_with_project(c, d, o->project, compile_write_tables, gen.s);
    if (rc != EXIT_OK || diag_error_count(d)) {
        rc = rc ? rc : EXIT_INVALID;
        goto out;
    }
    fdata = package_read_file(facts.s, FACTS_MAX, NULL);
    fj = fdata ? cJSON_Parse(fdata) : NULL;
    const cJSON *lam = cJSON_GetObjectItemCaseSensitive(fj, "lambda");
    const cJSON *pa = cJSON_GetObjectItemCaseSensitive(lam, "architecture");
    if (!cJSON_IsString(pa)) {
        rc = fail("internal: %s has no lambda.architecture", facts.s);
        rc = EXIT_INTERNAL;
        goto out;
    }
    const char *arch = o->arch ? o->arch : pa->valuestring;
    if (o->arch && strcmp(o->arch, pa->valuestring))
        fprintf(stderr, "leec package: note: --arch %s overrides lambda.architecture %s of %s\n",
                o->arch, pa->valuestring, o->project);
    snprintf(res->arch, sizeof res->arch, "%s", arch);
    if (o->tables_only)
        goto out;

    char err[1024];
    if (kit_load(&k, arch, err, sizeof err) != 0) {
        rc = fail("%s", err);
        goto out;
    }
    have_kit = true;
    if (!spawn_have_program(k.cc)) {
        rc = fail("%s (the C compiler for %s) is not on PATH: %s", k.cc, arch, install_hint(k.cc));
        goto out;
    }
    rc = build_bootstrap(&k, gen.s, boot.s);
    if (rc)
        goto out;
    chmod(boot.s, 0755);
    struct sbuf names = {0};
    sbuf_add(&names, "bootstrap\n");
    rc = stage_files(o->project, cJSON_GetObjectItemCaseSensitive(fj, "files"), stage.s, &names,
                     &res->nfiles);
    char *list = rc ? NULL : sorted_names(names.s, stage.s);
    sbuf_free(&names);
    if (rc)
        goto out;
    if (o->zip) {
        if (!spawn_have_program("zip")) {
            free(list);
            rc = fail("zip is not on PATH: apt-get install zip");
            goto out;
        }
        struct sbuf zpath = {0};
        sbuf_printf(&zpath, "%s/function.zip", res->work);
        /* DOS times are local: TZ=UTC makes them the same on every machine. */
        const char *env[] = {"TZ=UTC", NULL};
        const char *zargv[] = {"zip", "-q", "-X", "-9", zpath.s, "-@", NULL};
        struct spawn_opts so = {.cwd = stage.s,
                                .env = env,
                                .stdin_data = list,
                                .stdin_len = strlen(list),
                                .stdout_to_stderr = true};
        int st = spawn_run(zargv, &so);
        if (st != 0)
            rc = fail("zip failed (exit %d, messages above)", st);
        else
            rc = install_zip(zpath.s, o->zip);
        sbuf_free(&zpath);
    }
    free(list);
out:
    res->seconds = now_s() - t0;
    if (have_kit)
        kit_free(&k);
    cJSON_Delete(fj);
    free(fdata);
    sbuf_free(&gen);
    sbuf_free(&stage);
    sbuf_free(&facts);
    sbuf_free(&boot);
    return rc;
}

void package_result_free(struct package_result *res)
{
    free(res->work);
    free(res->stage);
    free(res->facts);
    memset(res, 0, sizeof *res);
}
