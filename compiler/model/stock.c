/* stock: see stock.h. */
#include "model/stock.h"
#include "model/catalog.h"
#include "model/filekind.h"
#include "model/model_load.h"

#include "front/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Path of root as the user would type it from the current directory. */
static char *display_root(const char *root)
{
    char cwd[PATH_MAX], real[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd) || !realpath(root, real))
        return xstrdup(root);
    size_t cl = strlen(cwd);
    if (strcmp(cwd, real) == 0)
        return xstrdup(".");
    if (strncmp(real, cwd, cl) == 0 && real[cl] == '/')
        return xstrdup(real + cl + 1);
    /* cwd below root: ../.. */
    size_t rl = strlen(real);
    if (strncmp(cwd, real, rl) == 0 && cwd[rl] == '/') {
        struct sbuf b = {0};
        for (const char *p = cwd + rl; *p; p++)
            if (*p == '/')
                sbuf_add(&b, b.len ? "/.." : "..");
        return b.s;
    }
    return xstrdup(real);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool has_catalog(const char *root)
{
    struct sbuf s = {0};
    sbuf_printf(&s, "%s/schemas", root);
    bool ok = is_dir(s.s);
    s.len = 0;
    sbuf_printf(&s, "%s/presets", root);
    ok = ok && is_dir(s.s);
    sbuf_free(&s);
    return ok;
}

char *stock_find_root(const char *given, struct diag *d)
{
    const char *how = given ? "--root" : "LEEC_ROOT";
    const char *r = given ? given : getenv("LEEC_ROOT");
    if (r && *r) {
        char *root = display_root(r);
        struct sbuf s = {0};
        sbuf_printf(&s, "%s/schemas", root);
        bool ok = is_dir(s.s);
        sbuf_free(&s);
        if (ok)
            return root;
        if (given)
            diag_error(d, NULL, "no schemas/ directory under '%s' (use --root or LEEC_ROOT)", root);
        else
            diag_error(d, NULL, "no schemas/ directory under '%s' (from %s)", root, how);
        free(root);
        return NULL;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        diag_error(d, NULL,
                   "cannot find leec's catalog: /proc/self/exe is unreadable (%s); use --root "
                   "DIR or LEEC_ROOT",
                   strerror(errno));
        return NULL;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    /* An install: <prefix>/bin/leec and <prefix>/share/leec. */
    struct sbuf share = {0}, marker = {0};
    const char *up = strrchr(exe, '/'); /* <exe dir>/.. spelled out, for the message */
    sbuf_addn(&share, exe, up ? (size_t)(up - exe) : 0);
    sbuf_add(&share, "/share/leec");
    char real[PATH_MAX];
    if (realpath(share.s, real) && has_catalog(real)) {
        sbuf_free(&share);
        return display_root(real);
    }
    /* The build tree: the build writes the source directory next to its leec. */
    sbuf_printf(&marker, "%s/leec-source-root", exe);
    FILE *f = fopen(marker.s, "r");
    if (f) {
        char line[PATH_MAX];
        bool got = fgets(line, sizeof line, f) != NULL;
        fclose(f);
        if (got) {
            line[strcspn(line, "\r\n")] = '\0';
            if (has_catalog(line)) {
                sbuf_free(&share);
                sbuf_free(&marker);
                return display_root(line);
            }
        }
    }
    char *sh = realpath(share.s, real) ? xstrdup(real) : xstrdup(share.s);
    diag_error(d, NULL,
               "cannot find leec's catalog (schemas/ and presets/); looked in %s (the install "
               "beside this leec) and for %s (a build tree's marker). Reinstall leec, or name "
               "the catalog with --root DIR or LEEC_ROOT",
               sh, marker.s);
    free(sh);
    sbuf_free(&share);
    sbuf_free(&marker);
    return NULL;
}

bool stock_is_foreign(const char *root)
{
    return root[0] == '/' || !strcmp(root, "..") || !strncmp(root, "../", 3);
}

bool stock_contains(const char *root, const char *path)
{
    char r[PATH_MAX], p[PATH_MAX];
    if (!realpath(root, r) || !realpath(path, p))
        return false;
    size_t l = strlen(r);
    if (strncmp(p, r, l) != 0 || p[l] != '/')
        return false;
    return !strncmp(p + l + 1, "schemas/", 8) || !strncmp(p + l + 1, "presets/", 8);
}

enum stock_kind stock_file_kind(const char *path) { return filekind_of_file(NULL, path, NULL); }

const char *stock_kind_name(enum stock_kind k, size_t count)
{
    bool one = count == 1;
    switch (k) {
    case SK_PROJECT:
        return one ? "project file" : "project files";
    case SK_PRESET:
        return one ? "preset" : "presets";
    case SK_TIER:
        return one ? "tier" : "tiers";
    case SK_FPRESET:
        return one ? "feature preset" : "feature presets";
    case SK_ALIASES:
        return one ? "alias file" : "alias files";
    case SK_SCHEMA:
    case SK_BASELINE:
    case SK_RETIRED:
        return one ? "schema file" : "schema files";
    default:
        return one ? "file" : "files";
    }
}

/* ---- the overlay ---- */

static const char *const overlay_dirs[] = {"schemas", "presets", "presets/tiers",
                                           "presets/features"};
enum { NOVERLAY = sizeof overlay_dirs / sizeof overlay_dirs[0] };

static void overlay_remove(const char *tmp)
{
    for (int i = NOVERLAY - 1; i >= 0; i--) {
        struct sbuf dir = {0};
        sbuf_printf(&dir, "%s/%s", tmp, overlay_dirs[i]);
        DIR *dp = opendir(dir.s);
        struct dirent *de;
        while (dp && (de = readdir(dp))) {
            struct sbuf p = {0};
            sbuf_printf(&p, "%s/%s", dir.s, de->d_name);
            struct stat st;
            if (lstat(p.s, &st) == 0 && S_ISLNK(st.st_mode))
                unlink(p.s);
            sbuf_free(&p);
        }
        if (dp)
            closedir(dp);
        rmdir(dir.s);
        sbuf_free(&dir);
    }
    rmdir(tmp);
}

/* Links every entry of root/sub into tmp/sub (directories of the overlay excepted). */
static bool overlay_fill(const char *tmp, const char *root, const char *sub)
{
    struct sbuf src = {0}, dst = {0};
    sbuf_printf(&src, "%s/%s", root, sub);
    sbuf_printf(&dst, "%s/%s", tmp, sub);
    bool ok = mkdir(dst.s, 0700) == 0;
    DIR *dp = ok ? opendir(src.s) : NULL;
    struct dirent *de;
    while (dp && (de = readdir(dp))) {
        if (de->d_name[0] == '.')
            continue;
        struct sbuf from = {0}, to = {0};
        sbuf_printf(&from, "%s/%s", src.s, de->d_name);
        sbuf_printf(&to, "%s/%s", dst.s, de->d_name);
        char real[PATH_MAX];
        if (!is_dir(from.s) && realpath(from.s, real) && symlink(real, to.s) != 0)
            ok = false;
        sbuf_free(&from);
        sbuf_free(&to);
    }
    if (dp)
        closedir(dp);
    sbuf_free(&src);
    sbuf_free(&dst);
    return ok;
}

static const char *kind_dir(enum stock_kind k)
{
    switch (k) {
    case SK_TIER:
        return "presets/tiers";
    case SK_FPRESET:
        return "presets/features";
    case SK_SCHEMA:
    case SK_BASELINE:
    case SK_RETIRED:
        return "schemas";
    default:
        return "presets";
    }
}

bool stock_load(struct catalog *cat, const char *root, const struct stock_extra *x, size_t n,
                struct diag *d)
{
    if (n == 0)
        return model_load_catalog(cat, root, d);
    const char *t = getenv("TMPDIR");
    struct sbuf tmp = {0};
    sbuf_printf(&tmp, "%s/leec-catalog-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp.s)) {
        diag_error(d, NULL,
                   "cannot create a temporary directory %s: %s (set TMPDIR to a writable "
                   "directory)",
                   tmp.s, strerror(errno));
        sbuf_free(&tmp);
        memset(cat, 0, sizeof *cat);
        cat->io_errors = 1;
        return false;
    }
    bool ok = true;
    for (int i = 0; i < NOVERLAY; i++)
        ok = overlay_fill(tmp.s, root, overlay_dirs[i]) && ok;
    if (!ok)
        diag_error(d, NULL, "cannot link the catalog in %s into %s: %s", root, tmp.s,
                   strerror(errno));
    for (size_t i = 0; ok && i < n; i++) {
        const char *base = strrchr(x[i].path, '/');
        base = base ? base + 1 : x[i].path;
        struct sbuf to = {0};
        const char *dir = kind_dir(x[i].kind);
        /* The single-file kinds replace the stock file. Every other file gets a name of
         * its own that sorts after the stock files ('~'), so a name it shares with a stock
         * preset or tier is reported at the user's file ("defined twice"). */
        if (x[i].kind == SK_ALIASES)
            sbuf_printf(&to, "%s/presets/aliases.yaml", tmp.s);
        else if (x[i].kind == SK_BASELINE)
            sbuf_printf(&to, "%s/schemas/baseline.yaml", tmp.s);
        else if (x[i].kind == SK_RETIRED)
            sbuf_printf(&to, "%s/schemas/retired.yaml", tmp.s);
        else
            sbuf_printf(&to, "%s/%s/~%04zu-%s", tmp.s, dir, i, base);
        size_t l = strlen(to.s);
        if (l < 5 || strcmp(to.s + l - 5, ".yaml") != 0)
            sbuf_add(&to, ".yaml"); /* the loader reads *.yaml only */
        unlink(to.s);
        char real[PATH_MAX];
        if (!realpath(x[i].path, real) || symlink(real, to.s) != 0) {
            diag_error(d, NULL, "cannot read '%s' with the catalog: %s", x[i].path,
                       strerror(errno));
            ok = false;
        } else {
            diag_map_path(d, to.s, x[i].path);
        }
        sbuf_free(&to);
    }
    if (!ok) {
        overlay_remove(tmp.s);
        sbuf_free(&tmp);
        memset(cat, 0, sizeof *cat);
        cat->io_errors = 1;
        return false;
    }
    /* Everything else under the overlay shows as the stock file it links to. */
    struct sbuf from = {0}, to = {0};
    sbuf_printf(&from, "%s/", tmp.s);
    sbuf_printf(&to, "%s", strcmp(root, ".") ? root : "");
    if (to.len)
        sbuf_add(&to, "/");
    diag_map_path(d, from.s, to.s ? to.s : ""); /* root ".": the paths as they are */
    sbuf_free(&from);
    sbuf_free(&to);
    ok = model_load_catalog(cat, tmp.s, d);
    free(cat->root);
    cat->root = xstrdup(root);
    overlay_remove(tmp.s);
    sbuf_free(&tmp);
    return ok;
}
