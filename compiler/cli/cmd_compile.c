/* leec compile FILE -o DIR: leec_config.h, leec_config.c, leec_facts.json and
 * leec_messages.c (the Custom skill's answers in the project's languages). */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "emit/emit.h"
#include "emit/skill_messages.h"
#include "model/skill.h"

#include <stdlib.h>
#include <string.h>

int compile_write_tables(const struct cli *c, const char *path, const struct catalog *cat,
                         const struct project *p, const struct resolved *r, struct diag *d,
                         void *outdir)
{
    (void)c;
    struct skill s; /* checked before anything is written */
    if (!skill_load(&s, cat, cat->root, d)) {
        skill_free(&s);
        return EXIT_INVALID;
    }
    int rc = emit_config(r, path, outdir, d);
    if (rc) {
        skill_free(&s);
        return rc;
    }
    size_t n = p->nlanguages;
    const char *const *langs = p->languages;
    if (!n)
        langs = skill_languages(cat, &n);
    char *text = skill_messages_render(&s, langs, n);
    rc = emit_write_file(outdir, "leec_messages.c", text, d);
    free(text);
    skill_free(&s);
    return rc;
}

int cmd_compile(struct cli *c, struct diag *d)
{
    const char *project = NULL, *outdir = NULL;
    for (int i = 0; i < c->argc; i++) {
        int m = cli_opt_value(c, &i, "-o", &outdir);
        if (m < 0)
            return EXIT_USAGE;
        if (m)
            continue;
        if (c->argv[i][0] == '-' || project)
            return cli_usage_error("compile takes one project file and -o DIR");
        project = c->argv[i];
    }
    if (!project || !outdir)
        return cli_usage_error("compile takes one project file and -o DIR");
    return workspace_with_project(c, d, project, compile_write_tables, (void *)outdir);
}
