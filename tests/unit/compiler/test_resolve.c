/* Unit tests for the catalog, project loading, the resolver and the emitter, run
 * against the real schemas/ and presets/ of the source tree (LEEC_SOURCE_DIR). */
#include "emit/emit.h"
#include "model/model_load.h"
#include "model/project.h"
#include "resolve/resolve.h"

#include "diag_capture.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KiB 1024.0
#define MiB (1024.0 * 1024.0)

static struct catalog Cat;
static bool Cat_ok;

static void setup(void)
{
    open_diag();
    Cat_ok = model_load_catalog(&Cat, LEEC_SOURCE_DIR, D);
}

static void teardown(void)
{
    model_free_catalog(&Cat);
    close_diag();
}

#define ck_catalog() ck_assert_msg(Cat_ok, "catalog did not load:\n%s", diag_text())

static bool near(double a, double b) { return fabs(a - b) <= 1e-6 * (fabs(b) + 1.0); }

/* ---- catalog and presets ------------------------------------------------------ */

START_TEST(test_catalog_loads)
{
    ck_catalog();
    ck_assert_uint_eq(diag_error_count(D), 0);
    ck_assert_uint_eq(Cat.nifaces, 8);
    ck_assert_uint_eq(Cat.ntiers, 5);
    ck_assert_uint_ge(Cat.npresets, 26);
    ck_assert_uint_eq(Cat.nfpresets, 5);
    ck_assert(near(Cat.baseline_rss, 3.5 * MiB)); /* schemas/baseline.yaml */
    for (const char *const *t =
             (const char *const[]){"minimum", "standard", "performance", "maximum", "user", NULL};
         *t; t++)
        ck_assert_msg(catalog_tier(&Cat, *t), "tier %s missing", *t);
    ck_assert_ptr_nonnull(catalog_retired(&Cat, "singleton"));
    ck_assert_ptr_null(catalog_iface(&Cat, "singleton"));
}
END_TEST

START_TEST(test_every_preset_resolves_full)
{
    ck_catalog();
    for (size_t i = 0; i < Cat.npresets; i++) {
        struct resolved r;
        bool ok = resolve(&r, &Cat, Cat.presets[i].name, NULL, "full", D);
        ck_assert_msg(ok, "preset %s failed:\n%s", Cat.presets[i].name, diag_text());
        ck_assert_ptr_nonnull(r.preset);
        ck_assert_ptr_null(r.preset->alias_of);
        ck_assert_uint_ge(r.nchain, 1);
        ck_assert_ptr_eq(r.chain[r.nchain - 1], r.preset);
        ck_assert_ptr_nonnull(r.chain[0]->base);
        ck_assert(r.mem_total > 0 && r.mem_total <= r.mem_limit);
        ck_assert_uint_le(r.nmetrics, FREE_METRICS);
        /* Every tiered interface has a tier and every value an origin. */
        for (size_t fi = 0; fi < r.nifaces; fi++) {
            ck_assert(!r.ifaces[fi].def->tiered || r.ifaces[fi].tier);
            for (size_t pi = 0; pi < r.ifaces[fi].def->nparams; pi++)
                ck_assert_msg(r.ifaces[fi].values[pi].origin.name, "%s %s.%s has no origin",
                              Cat.presets[i].name, r.ifaces[fi].def->name,
                              r.ifaces[fi].def->params[pi].name);
        }
        resolved_free(&r);
    }
    ck_assert_uint_eq(diag_error_count(D), 0);
}
END_TEST

START_TEST(test_value_from_tier)
{
    ck_catalog();
    struct resolved r;
    ck_assert_msg(resolve(&r, &Cat, "production_balanced", NULL, "full", D), "%s", diag_text());
    const struct rvalue *v = resolved_value(&r, "cache", "state_pool");
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->type, PT_SIZE);
    ck_assert(near(v->num, 4 * MiB));
    ck_assert_int_eq(v->origin.kind, ORIGIN_TIER);
    ck_assert_str_eq(v->origin.name, "standard");
    ck_assert_ptr_nonnull(v->origin.loc.file);
    ck_assert_ptr_nonnull(strstr(v->origin.loc.file->path, "presets/tiers/standard.yaml"));
    char buf[64];
    rvalue_format(v, buf, sizeof buf);
    ck_assert_str_eq(buf, "4 MiB");
    origin_format(&v->origin, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "tier standard, "));
    ck_assert_str_eq(resolved_iface(&r, "cache")->tier, "standard");
    ck_assert_str_eq(resolved_value(&r, "logging", "level")->str, "INFO");
    ck_assert_int_eq(resolved_value(&r, "cache", "enabled")->b, true);
    resolved_free(&r);
}
END_TEST

START_TEST(test_value_from_preset_override)
{
    ck_catalog();
    struct resolved r;
    ck_assert_msg(resolve(&r, &Cat, "circuit_breaker_enhanced", NULL, "full", D), "%s",
                  diag_text());
    const struct rvalue *v = resolved_value(&r, "circuit_breaker", "ha_recovery");
    ck_assert(near(v->num, 10.0));
    ck_assert_int_eq(v->origin.kind, ORIGIN_PRESET);
    ck_assert_str_eq(v->origin.name, "circuit_breaker_enhanced");
    ck_assert_ptr_nonnull(strstr(v->origin.loc.file->path, "circuit_breaker_enhanced.yaml"));
    /* The rest of the breaker comes from its maximum tier, chosen by the preset. */
    const struct riface *cb = resolved_iface(&r, "circuit_breaker");
    ck_assert_str_eq(cb->tier, "maximum");
    ck_assert_int_eq(cb->tier_origin.kind, ORIGIN_PRESET);
    const struct rvalue *pr = resolved_value(&r, "circuit_breaker", "ssm_probes");
    ck_assert_int_eq(pr->origin.kind, ORIGIN_TIER);
    ck_assert_str_eq(pr->origin.name, "maximum");
    ck_assert_str_eq(resolved_iface(&r, "http")->tier, "standard");
    ck_assert_str_eq(resolved_iface(&r, "cache")->tier, "standard");
    const struct rvalue *ct = resolved_value(&r, "http", "connect_timeout");
    ck_assert(near(ct->num, 1.5)); /* the preset's override over the standard tier's 2 s */
    ck_assert_int_eq(ct->origin.kind, ORIGIN_PRESET);
    resolved_free(&r);
}
END_TEST

START_TEST(test_alias_resolves_to_target)
{
    ck_catalog();
    const struct preset_def *raw = catalog_preset_raw(&Cat, "memory_conservative");
    ck_assert_ptr_nonnull(raw);
    ck_assert_str_eq(raw->alias_of, "ultra_conservative");
    const struct preset_def *target = catalog_preset(&Cat, "memory_conservative");
    ck_assert_ptr_eq(target, catalog_preset_raw(&Cat, "ultra_conservative"));
    ck_assert_ptr_eq(catalog_preset(&Cat, "ultra_responsive"),
                     catalog_preset_raw(&Cat, "low_latency"));
    ck_assert_ptr_null(catalog_preset(&Cat, "no_such_preset"));

    struct resolved a, b;
    ck_assert(resolve(&a, &Cat, "memory_conservative", NULL, "full", D));
    ck_assert(resolve(&b, &Cat, "ultra_conservative", NULL, "full", D));
    ck_assert_ptr_eq(a.preset, b.preset);
    ck_assert_str_eq(a.preset_name, "memory_conservative");
    ck_assert(near(a.mem_total, b.mem_total));
    ck_assert_uint_eq(a.nmetrics, b.nmetrics);
    for (size_t fi = 0; fi < a.nifaces; fi++)
        for (size_t pi = 0; pi < a.ifaces[fi].def->nparams; pi++) {
            char x[128], y[128];
            rvalue_format(&a.ifaces[fi].values[pi], x, sizeof x);
            rvalue_format(&b.ifaces[fi].values[pi], y, sizeof y);
            ck_assert_str_eq(x, y);
        }
    resolved_free(&a);
    resolved_free(&b);
}
END_TEST

/* ---- memory model ---------------------------------------------------------------- */

START_TEST(test_memory_total_is_sum)
{
    ck_catalog();
    for (size_t i = 0; i < Cat.npresets; i++) {
        struct resolved r;
        ck_assert(resolve(&r, &Cat, Cat.presets[i].name, NULL, "full", D));
        ck_assert_uint_eq(r.nmem, Cat.nifaces + 1);
        ck_assert_str_eq(r.mem[0].name, "baseline");
        ck_assert(near(r.mem[0].bytes, Cat.baseline_rss));
        double sum = Cat.baseline_rss;
        for (size_t fi = 0; fi < r.nifaces; fi++) {
            sum += r.ifaces[fi].memory;
            ck_assert_str_eq(r.mem[fi + 1].name, r.ifaces[fi].def->name);
            ck_assert(near(r.mem[fi + 1].bytes, r.ifaces[fi].memory));
        }
        ck_assert_msg(near(r.mem_total, sum), "%s: total %.0f, sum %.0f", Cat.presets[i].name,
                      r.mem_total, sum);
        const double mb = resolved_value(&r, "lambda", "memory_mb")->num;
        const double hr = resolved_value(&r, "lambda", "headroom")->num;
        ck_assert(near(r.mem_limit, mb * MiB - hr));
        resolved_free(&r);
    }
}
END_TEST

/* ultra_conservative = every interface on the minimum tier; the figures below are the
 * schemas' memory formulas applied by hand to presets/tiers/minimum.yaml. */
START_TEST(test_memory_ultra_conservative_by_hand)
{
    ck_catalog();
    struct resolved r;
    ck_assert(resolve(&r, &Cat, "ultra_conservative", NULL, "full", D));
    const double cache = 1 * MiB + 50 * 2 * 64; /* state pool + index (response pool empty) */
    const double breaker = 512;
    const double features = 7 * 8 * KiB;                      /* full: 7 counted */
    const double http = 768 * KiB + 256 * KiB + 20000 * 88.0; /* + reply tree */
    const double lambda = 64 * KiB + 20000 * 88.0 + 256 * KiB;
    const double logging = 1 * KiB * 4;
    const double metrics = 4 * KiB;
    const double security = 16 * 96.0 + 16 * KiB; /* rate_limit on */
    const struct {
        const char *name;
        double bytes;
    } want[] = {{"cache", cache},     {"circuit_breaker", breaker}, {"features", features},
                {"http", http},       {"lambda", lambda},           {"logging", logging},
                {"metrics", metrics}, {"security", security}};
    double total = 3.5 * MiB; /* schemas/baseline.yaml */
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct riface *ri = resolved_iface(&r, want[i].name);
        ck_assert_ptr_nonnull(ri);
        ck_assert_msg(near(ri->memory, want[i].bytes), "%s: %.0f, expected %.0f", want[i].name,
                      ri->memory, want[i].bytes);
        total += want[i].bytes;
    }
    ck_assert_msg(near(r.mem_total, total), "total %.0f, expected %.0f", r.mem_total, total);
    ck_assert(near(r.mem_limit, 128 * MiB - 16 * MiB));
    resolved_free(&r);
}
END_TEST

/* ---- metrics per tier (through project files with every interface on one tier) ---- */

static char Tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(Tmpdir, sizeof Tmpdir, "%s", "/tmp/leec_test_resolve_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(Tmpdir));
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

static void rm_tmpdir(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", Tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_metrics_per_tier)
{
    ck_catalog();
    static const struct {
        const char *tier;
        size_t metrics;
    } want[] = {{"minimum", 4}, {"standard", 6}, {"performance", 8}, {"maximum", 10}};
    make_tmpdir();
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[256], text[1024];
        snprintf(path, sizeof path, "%s/%s.yaml", Tmpdir, want[i].tier);
        const char *t = want[i].tier;
        snprintf(text, sizeof text,
                 "leec: 1\npreset: production_balanced\nfeatures: full\n"
                 "tiers: {cache: %s, circuit_breaker: %s, http: %s, lambda: %s, logging: %s,"
                 " metrics: %s, security: %s}\n"
                 "home_assistant:\n  url: https://ha.example.org\n"
                 "  token: {mode: account_linking}\n",
                 t, t, t, t, t, t, t);
        write_file(path, text);
        struct project p;
        int io = 0;
        ck_assert_msg(project_load(&p, &Cat, path, D, &io), "%s", diag_text());
        struct resolved r;
        ck_assert_msg(resolve(&r, &Cat, p.preset, &p, NULL, D), "%s", diag_text());
        ck_assert_msg(r.nmetrics == want[i].metrics, "tier %s: %zu metrics, expected %zu", t,
                      r.nmetrics, want[i].metrics);
        /* The four core metrics are always there. */
        size_t core = 0;
        for (size_t m = 0; m < r.nmetrics; m++)
            for (const char *const *c =
                     (const char *const[]){"Invocations", "Errors", "Duration", "MemoryUsed", NULL};
                 *c; c++)
                core += strcmp(r.metrics[m].name, *c) == 0;
        ck_assert_uint_eq(core, 4);
        for (size_t fi = 0; fi < r.nifaces; fi++)
            if (r.ifaces[fi].def->tiered)
                ck_assert_str_eq(r.ifaces[fi].tier, t);
        resolved_free(&r);
        project_free(&p, &Cat);
    }
    rm_tmpdir();
}
END_TEST

/* ---- a preset cycle in a copy of the catalog ---- */

START_TEST(test_preset_cycle)
{
    make_tmpdir();
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -R '%s/schemas' '%s/presets' '%s/'", LEEC_SOURCE_DIR,
             LEEC_SOURCE_DIR, Tmpdir);
    ck_assert_int_eq(system(cmd), 0);
    char path[256];
    snprintf(path, sizeof path, "%s/presets/cycle_a.yaml", Tmpdir);
    write_file(path, "preset: cycle_a\ndoc: first half of a loop\nextends: cycle_b\n");
    snprintf(path, sizeof path, "%s/presets/cycle_b.yaml", Tmpdir);
    write_file(path, "preset: cycle_b\ndoc: second half of a loop\nextends: cycle_a\n");

    struct catalog cat;
    bool ok = model_load_catalog(&cat, Tmpdir, D);
    const char *txt = diag_text();
    ck_assert_msg(!ok, "a preset cycle was accepted");
    ck_assert_msg(strstr(txt, "preset cycle") != NULL, "no cycle diagnostic:\n%s", txt);
    ck_assert_msg(strstr(txt, "cycle_a") && strstr(txt, "cycle_b"), "%s", txt);
    ck_assert_msg(strstr(txt, "presets/cycle_") != NULL, "diagnostic has no location:\n%s", txt);
    model_free_catalog(&cat);

    /* Without the cycle, the same copy is fine, and an extends chain resolves. */
    snprintf(path, sizeof path, "%s/presets/cycle_b.yaml", Tmpdir);
    write_file(path, "preset: cycle_b\ndoc: now a base\nbase: minimum\n"
                     "overrides:\n  cache: {ttl: 90s}\n");
    close_diag();
    open_diag();
    ok = model_load_catalog(&cat, Tmpdir, D);
    ck_assert_msg(ok, "%s", diag_text());
    struct resolved r;
    ck_assert_msg(resolve(&r, &cat, "cycle_a", NULL, "minimal", D), "%s", diag_text());
    ck_assert_uint_eq(r.nchain, 2);
    ck_assert_str_eq(r.chain[0]->name, "cycle_b");
    ck_assert_str_eq(r.chain[1]->name, "cycle_a");
    const struct rvalue *ttl = resolved_value(&r, "cache", "ttl");
    ck_assert(near(ttl->num, 90.0));
    ck_assert_str_eq(ttl->origin.name, "cycle_b");
    resolved_free(&r);
    model_free_catalog(&cat);
    rm_tmpdir();
}
END_TEST

/* ---- project files ---- */

static const char *const Examples[] = {"examples/leec.yaml", "examples/minimal.yaml",
                                       "examples/full.yaml", "examples/tuned.yaml"};

START_TEST(test_examples_resolve)
{
    ck_catalog();
    for (size_t i = 0; i < sizeof Examples / sizeof Examples[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", LEEC_SOURCE_DIR, Examples[i]);
        struct project p;
        int io = 0;
        ck_assert_msg(project_load(&p, &Cat, path, D, &io), "%s:\n%s", path, diag_text());
        ck_assert_int_eq(io, 0);
        struct resolved r;
        ck_assert_msg(resolve(&r, &Cat, p.preset, &p, NULL, D), "%s:\n%s", path, diag_text());
        ck_assert_ptr_eq(r.proj, &p);
        resolved_free(&r);
        project_free(&p, &Cat);
    }
    ck_assert_uint_eq(diag_error_count(D), 0);
}
END_TEST

START_TEST(test_example_origins)
{
    ck_catalog();
    struct project p;
    int io = 0;
    ck_assert(project_load(&p, &Cat, LEEC_SOURCE_DIR "/examples/leec.yaml", D, &io));
    ck_assert_str_eq(p.preset, "production_balanced");
    ck_assert_str_eq(p.fpreset, "smart_home");
    ck_assert_int_eq(p.token_mode, TOKEN_ACCOUNT_LINKING);
    ck_assert_uint_eq(p.nskill_ids, 1);
    ck_assert(p.has_usage);
    struct resolved r;
    ck_assert(resolve(&r, &Cat, p.preset, &p, NULL, D));
    const struct rvalue *ttl = resolved_value(&r, "cache", "ttl");
    ck_assert(near(ttl->num, 120.0));
    ck_assert_int_eq(ttl->origin.kind, ORIGIN_PROJECT);
    ck_assert_ptr_eq(ttl->origin.loc.file, p.file);
    ck_assert_uint_eq(ttl->origin.loc.line, 15);
    const struct riface *lg = resolved_iface(&r, "logging");
    ck_assert_int_eq(lg->tier_origin.kind, ORIGIN_PROJECT);
    ck_assert_uint_eq(lg->tier_origin.loc.line, 10);
    /* smart_home: areas from itself, automation from automation_basic, timers off. */
    const struct rvalue *areas = resolved_value(&r, "features", "areas");
    ck_assert(areas->b);
    ck_assert_str_eq(areas->origin.name, "smart_home");
    ck_assert_str_eq(resolved_value(&r, "features", "automation")->origin.name, "automation_basic");
    ck_assert(!resolved_value(&r, "features", "timers")->b);
    ck_assert(r.has_usage);
    ck_assert(near(r.req_month, 300 * 30.0));
    resolved_free(&r);
    project_free(&p, &Cat);
}
END_TEST

START_TEST(test_tuned_user_tier)
{
    ck_catalog();
    struct project p;
    int io = 0;
    ck_assert(project_load(&p, &Cat, LEEC_SOURCE_DIR "/examples/tuned.yaml", D, &io));
    struct resolved r;
    ck_assert_msg(resolve(&r, &Cat, p.preset, &p, NULL, D), "%s", diag_text());
    ck_assert_str_eq(resolved_iface(&r, "circuit_breaker")->tier, "user");
    const struct iface_def *cb = catalog_iface(&Cat, "circuit_breaker");
    for (size_t i = 0; i < cb->nparams; i++)
        ck_assert_int_eq(resolved_value(&r, "circuit_breaker", cb->params[i].name)->origin.kind,
                         ORIGIN_PROJECT);
    ck_assert(resolved_value(&r, "features", "timers")->b);
    ck_assert_int_eq(resolved_value(&r, "features", "timers")->origin.kind, ORIGIN_PROJECT);
    resolved_free(&r);
    project_free(&p, &Cat);
}
END_TEST

/* ---- emitter ---- */

START_TEST(test_emit_deterministic_and_compiles)
{
    ck_catalog();
    make_tmpdir();
    for (size_t i = 0; i < sizeof Examples / sizeof Examples[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", LEEC_SOURCE_DIR, Examples[i]);
        struct project p;
        int io = 0;
        ck_assert(project_load(&p, &Cat, path, D, &io));
        struct resolved r;
        ck_assert(resolve(&r, &Cat, p.preset, &p, NULL, D));
        char *h1, *c1, *h2, *c2;
        emit_render(&r, path, &h1, &c1);
        emit_render(&r, path, &h2, &c2);
        ck_assert_str_eq(h1, h2);
        ck_assert_str_eq(c1, c2);
        ck_assert_msg(!strstr(h1, LEEC_SOURCE_DIR) && !strstr(c1, LEEC_SOURCE_DIR),
                      "%s: the output holds an absolute path", Examples[i]);
        ck_assert_msg(strstr(c1, Examples[i]) || strstr(h1, Examples[i]),
                      "%s: the output does not name its project file", Examples[i]);
        ck_assert_ptr_nonnull(strstr(c1, "#include \"leec_config.h\""));

        char hp[512], cp[512], cmd[2048];
        snprintf(hp, sizeof hp, "%s/leec_config.h", Tmpdir);
        snprintf(cp, sizeof cp, "%s/leec_config.c", Tmpdir);
        write_file(hp, h1);
        write_file(cp, c1);
        snprintf(cmd, sizeof cmd,
                 "cc -std=c11 -Wall -Wextra -Werror -pedantic -I '%s/runtime' -c '%s' -o "
                 "'%s/leec_config.o'",
                 LEEC_SOURCE_DIR, cp, Tmpdir);
        ck_assert_msg(system(cmd) == 0, "%s: generated C does not compile cleanly", Examples[i]);
        free(h1);
        free(c1);
        free(h2);
        free(c2);
        resolved_free(&r);
        project_free(&p, &Cat);
    }
    rm_tmpdir();
}
END_TEST

START_TEST(test_emit_preset_only)
{
    ck_catalog();
    struct resolved r;
    ck_assert(resolve(&r, &Cat, "production_balanced", NULL, "full", D));
    char *h, *c;
    emit_render(&r, NULL, &h, &c);
    ck_assert(strlen(h) > 0 && strlen(c) > 0);
    ck_assert(!strstr(h, LEEC_SOURCE_DIR) && !strstr(c, LEEC_SOURCE_DIR));
    free(h);
    free(c);
    resolved_free(&r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("resolve");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_catalog_loads);
    tcase_add_test(tc, test_every_preset_resolves_full);
    tcase_add_test(tc, test_value_from_tier);
    tcase_add_test(tc, test_value_from_preset_override);
    tcase_add_test(tc, test_alias_resolves_to_target);
    tcase_add_test(tc, test_memory_total_is_sum);
    tcase_add_test(tc, test_memory_ultra_conservative_by_hand);
    tcase_add_test(tc, test_metrics_per_tier);
    tcase_add_test(tc, test_preset_cycle);
    tcase_add_test(tc, test_examples_resolve);
    tcase_add_test(tc, test_example_origins);
    tcase_add_test(tc, test_tuned_user_tier);
    tcase_add_test(tc, test_emit_deterministic_and_compiles);
    tcase_add_test(tc, test_emit_preset_only);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
