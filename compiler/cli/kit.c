/* kit: see kit.h. */
#include "cli/kit.h"
#include "cli/spawn.h"
#include "front/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIT_MAX_LINE = 4096, KIT_MAX_LINES = 512 };

char *kit_root(void)
{
    char *exe = spawn_exe_dir();
    if (!exe)
        return NULL;
    struct sbuf b = {0};
    sbuf_printf(&b, "%s/../lib/leec", exe);
    free(exe);
    char real[PATH_MAX];
    if (realpath(b.s, real)) {
        sbuf_free(&b);
        return xstrdup(real);
    }
    return b.s;
}

static void list_add(struct kit_list *l, char *s)
{
    l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
    l->items[l->n++] = s;
}

static void list_free(struct kit_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

static char *under(const char *dir, const char *rel)
{
    struct sbuf b = {0};
    if (rel[0] == '/')
        sbuf_add(&b, rel);
    else
        sbuf_printf(&b, "%s/%s", dir, rel);
    return b.s;
}

int kit_load(struct kit *k, const char *arch, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    char *root = kit_root();
    if (!root) {
        snprintf(err, errlen, "cannot find leec's own directory (/proc/self/exe)");
        return -1;
    }
    struct sbuf path = {0};
    sbuf_printf(&path, "%s/%s/bootstrap.txt", root, arch);
    FILE *f = fopen(path.s, "r");
    if (!f) {
        snprintf(err, errlen, "this leec has no %s runtime (%s: %s): %s", arch, path.s,
                 strerror(errno),
                 strcmp(arch, "arm64") == 0
                     ? "install the cross compiler (apt-get install gcc-aarch64-linux-gnu) "
                       "and build leec again (cmake builds the arm64 runtime when "
                       "aarch64-linux-gnu-gcc is present, LEEC_KIT_ARM64), or use --arch x86_64"
                     : "build leec with -DLEEC_LEAN=ON (the .deb and Makefile.deploy do)");
        free(root);
        sbuf_free(&path);
        return -1;
    }
    k->dir = under(root, arch);
    free(root);
    char line[KIT_MAX_LINE + 2];
    int nlines = 0, rc = 0;
    char *runtime_rel = NULL;
    struct kit_list srcs = {0};
    while (fgets(line, sizeof line, f)) {
        if (++nlines > KIT_MAX_LINES || !strchr(line, '\n')) {
            snprintf(err, errlen, "%s: line %d too long or too many lines", path.s, nlines);
            rc = -1;
            break;
        }
        line[strcspn(line, "\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *sp = strchr(line, ' ');
        if (!sp) {
            snprintf(err, errlen, "%s:%d: expected 'key value'", path.s, nlines);
            rc = -1;
            break;
        }
        *sp = '\0';
        const char *key = line, *val = sp + 1;
        if (!strcmp(key, "arch"))
            k->arch = xstrdup(val);
        else if (!strcmp(key, "cc"))
            k->cc = xstrdup(val);
        else if (!strcmp(key, "runtime"))
            runtime_rel = xstrdup(val);
        else if (!strcmp(key, "source"))
            list_add(&srcs, xstrdup(val));
        else if (!strcmp(key, "include"))
            list_add(&k->includes, under(k->dir, val));
        else if (!strcmp(key, "cflag"))
            list_add(&k->cflags, xstrdup(val));
        else if (!strcmp(key, "define")) {
            struct sbuf d = {0};
            sbuf_printf(&d, "-D%s", val);
            list_add(&k->cflags, d.s);
        } else if (!strcmp(key, "lib"))
            list_add(&k->libs, under(k->dir, val));
        else if (!strcmp(key, "ldflag"))
            list_add(&k->ldflags, xstrdup(val));
        /* other keys (gcc_version): informational */
    }
    fclose(f);
    if (!rc &&
        (!k->arch || strcmp(k->arch, arch) || !k->cc || !runtime_rel || !srcs.n || !k->libs.n)) {
        snprintf(err, errlen, "%s is incomplete (arch, cc, runtime, source and lib are needed)",
                 path.s);
        rc = -1;
    }
    if (!rc) {
        char *rt = under(k->dir, runtime_rel), real[PATH_MAX];
        k->runtime = realpath(rt, real) ? xstrdup(real) : xstrdup(rt);
        free(rt);
        for (size_t i = 0; i < srcs.n; i++)
            list_add(&k->sources, under(k->runtime, srcs.items[i]));
    }
    free(runtime_rel);
    list_free(&srcs);
    sbuf_free(&path);
    if (rc)
        kit_free(k);
    return rc;
}

void kit_free(struct kit *k)
{
    free(k->dir);
    free(k->arch);
    free(k->cc);
    free(k->runtime);
    list_free(&k->sources);
    list_free(&k->includes);
    list_free(&k->cflags);
    list_free(&k->libs);
    list_free(&k->ldflags);
    memset(k, 0, sizeof *k);
}
