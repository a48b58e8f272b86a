/* libFuzzer target for what `leec validate` reads from outside: the file kind (the root
 * mapping's keys, model/filekind.c), the directory walk and the project with the presets
 * beside it. The input is split on "\n%%\n" into a project file, a user preset and another
 * YAML file, written into a directory that also holds a symbolic-link loop; validate runs
 * on the project file and then walks that directory or, when the first byte is odd, a
 * directory with a FIFO named like YAML and a link to the first one. In process.
 *
 * Oracle (beyond no crash, hang or leak):
 *   - the two readers of a root mapping agree: for text the loader accepts, the kind from
 *     libyaml's events (filekind_of_text) is the kind the loaded tree's keys give;
 *   - "valid" is never said for an invalid project: when validate exits 0 on the project,
 *     loading and resolving it the way compile does (workspace_with_project) succeeds too,
 *     and text the loader rejects or that is not a project is never valid;
 *   - the walk terminates and a FIFO in it is an I/O error (exit 2), never opened;
 *   - output is bounded (DIAG_MAX_PER_FILE per file) and is UTF-8 without a raw control
 *     character other than newline and tab.
 * LEEC_FUZZ_ROOT (set by fuzz/CMakeLists.txt) is the catalog. */
#define _GNU_SOURCE /* memmem */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "front/yaml_ir.h"
#include "model/filekind.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[64], dir[96], fifo_dir[96];

static void put(const char *name, const char *text, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        abort();
}

/* The directory tree is made once per process and removed when it ends. */
static void cleanup(void)
{
    char p[128];
    static const char *const files[] = {"p/leec.yaml", "p/presets/mine.yaml", "p/other.yaml",
                                        "p/loop",      "f/pipe.yaml",         "f/project"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", base, files[i]);
        unlink(p);
    }
    static const char *const dirs[] = {"p/presets", "p", "f", ""};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", base, dirs[i]);
        rmdir(p);
    }
}

static void setup(void)
{
    if (dir[0])
        return;
    atexit(cleanup);
    snprintf(base, sizeof base, "/tmp/leec-fuzz-project-XXXXXX");
    if (!mkdtemp(base))
        abort();
    snprintf(dir, sizeof dir, "%s/p", base);
    snprintf(fifo_dir, sizeof fifo_dir, "%s/f", base);
    if (mkdir(dir, 0700) != 0 || mkdir(fifo_dir, 0700) != 0)
        abort();
    char p[128];
    snprintf(p, sizeof p, "%s/presets", dir);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/loop", dir);
    if (symlink(".", p) != 0)
        abort();
    snprintf(p, sizeof p, "%s/pipe.yaml", fifo_dir);
    if (mkfifo(p, 0600) != 0)
        abort();
    snprintf(p, sizeof p, "%s/project", fifo_dir);
    if (symlink("../p", p) != 0)
        abort();
}

/* Output checks: size, UTF-8, no raw control characters. */
static void check_output(const char *buf, size_t len)
{
    /* 3 files and the unlocated ones, DIAG_MAX_PER_FILE each with a few notes, each
     * line at most a 2 KiB message or a DIAG_LINE_WINDOW window of 4-byte characters */
    if (len > 4 * DIAG_MAX_PER_FILE * 8 * 3000)
        abort();
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
                fprintf(stderr, "raw control character 0x%02X in the output\n", c);
                abort();
            }
            i++;
            continue;
        }
        size_t l = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
        if (!l || i + l > len) {
            fprintf(stderr, "output is not UTF-8 at byte %zu\n", i);
            abort();
        }
        for (size_t k = 1; k < l; k++)
            if (((unsigned char)buf[i + k] & 0xC0) != 0x80)
                abort();
        i += l;
    }
}

static int run_validate(const char *path, bool *output_ok)
{
    char *arg = (char *)path;
    struct cli c = {DIAG_TEXT, LEEC_FUZZ_ROOT, &arg, 1};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        abort();
    struct diag *d = diag_new(DIAG_TEXT, out);
    int rc = cmd_validate(&c, d);
    if (rc == EXIT_OK && diag_error_count(d))
        rc = EXIT_INVALID;
    diag_finish(d);
    diag_free(d);
    fclose(out);
    check_output(buf, len);
    *output_ok = true;
    free(buf);
    return rc;
}

static int noop(const struct cli *c, const char *path, const struct catalog *cat,
                const struct project *p, const struct resolved *r, struct diag *d, void *arg)
{
    return EXIT_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    setup();
    bool with_fifo = data[0] & 1;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    /* Up to three parts: project, user preset, other YAML. */
    const char *part[3] = {text, "", ""};
    size_t plen[3] = {n, 0, 0};
    for (int k = 0; k < 2; k++) {
        const char *sep = memmem(part[k], plen[k], "\n%%\n", 4);
        if (!sep)
            break;
        part[k + 1] = sep + 4;
        plen[k + 1] = plen[k] - (size_t)(sep + 4 - part[k]);
        plen[k] = (size_t)(sep - part[k]);
    }
    put("leec.yaml", part[0], plen[0]);
    put("presets/mine.yaml", part[1], plen[1]);
    put("other.yaml", part[2], plen[2]);

    /* The two readers of a root mapping agree. */
    char *copy = malloc(plen[0] + 1);
    if (!copy)
        abort();
    memcpy(copy, part[0], plen[0]);
    copy[plen[0]] = '\0';
    struct diag *quiet = diag_new(DIAG_TEXT, stderr);
    diag_set_quiet(quiet, 1);
    const struct src_file *src = diag_add_source(quiet, "leec.yaml", copy, plen[0]);
    struct ydoc *doc = ydoc_load_source(quiet, src);
    enum stock_kind kind = filekind_of_text(part[0], plen[0]);
    if (doc) {
        const struct ynode *root = ydoc_root(doc);
        bool is_map = root && root->kind == YN_MAP;
        if (is_map && ymap_get(root, "leec") && kind != SK_PROJECT)
            abort();
        if (kind == SK_PROJECT && !(is_map && ymap_get(root, "leec")))
            abort();
        if (kind == SK_NONE && is_map &&
            (ymap_get(root, "preset") || ymap_get(root, "tier") || ymap_get(root, "interface")))
            abort();
    }
    bool loaded = doc != NULL;
    ydoc_free(doc);
    diag_free(quiet);

    char path[128];
    snprintf(path, sizeof path, "%s/leec.yaml", dir);
    bool output_ok = false;
    int rc = run_validate(path, &output_ok);
    if (rc == EXIT_OK) {
        /* "valid": the file is a project the loader accepts, and compile's path agrees */
        if (!loaded || kind != SK_PROJECT)
            abort();
        struct cli c = {DIAG_TEXT, LEEC_FUZZ_ROOT, NULL, 0};
        struct diag *d = diag_new(DIAG_TEXT, stderr);
        diag_set_quiet(d, 1);
        if (workspace_with_project(&c, d, path, noop, NULL) != EXIT_OK)
            abort();
        diag_free(d);
    }
    if (rc == EXIT_INTERNAL)
        abort();
    /* The walk: the loop is entered once, the FIFO refused without being opened. */
    const char *walk = with_fifo ? fifo_dir : dir;
    if (with_fifo) {
        char pipe[128];
        snprintf(pipe, sizeof pipe, "%s/pipe.yaml", fifo_dir);
        struct stat st;
        if (stat(pipe, &st) != 0 || !S_ISFIFO(st.st_mode))
            abort();
    }
    rc = run_validate(walk, &output_ok);
    if (rc == EXIT_INTERNAL || (with_fifo && rc != EXIT_USAGE))
        abort();
    return 0;
}
