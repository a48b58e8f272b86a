/* Unit tests for units: the one unit table and the parameter-type table. */
#include "expr/units.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(test_find)
{
    const struct unit_def *u = unit_find("MiB", 3);
    ck_assert_ptr_nonnull(u);
    ck_assert(u->mul / u->div == 1048576.0);
    ck_assert(dim_eq(u->dim, DIM_BYTES));
    u = unit_find("ms", 2);
    ck_assert_ptr_nonnull(u);
    ck_assert(u->mul / u->div == 0.001);
    ck_assert(dim_eq(u->dim, DIM_SECS));
    ck_assert_ptr_null(unit_find("mib", 3));
    ck_assert_ptr_null(unit_find("MiBs", 4));
    ck_assert_ptr_null(unit_find("M", 1));
}
END_TEST

START_TEST(test_parse)
{
    double v = 0;
    ck_assert(units_parse("64MiB", DIM_BYTES, &v));
    ck_assert(v == 64.0 * 1048576.0);
    ck_assert(units_parse("512B", DIM_BYTES, &v));
    ck_assert(v == 512.0);
    ck_assert(units_parse("1.5GiB", DIM_BYTES, &v));
    ck_assert(v == 1.5 * 1073741824.0);
    ck_assert(!units_parse("64", DIM_BYTES, &v));   /* a unit is needed */
    ck_assert(!units_parse("5s", DIM_BYTES, &v));   /* of the right dimension */
    ck_assert(!units_parse("0MiB", DIM_BYTES, &v)); /* positive */
    ck_assert(!units_parse("lots", DIM_BYTES, &v));
    ck_assert(units_parse("250ms", DIM_SECS, &v));
    ck_assert(v == 0.25);
}
END_TEST

START_TEST(test_of_dim_and_pattern)
{
    const struct unit_def *u[8];
    size_t zero;
    size_t n = units_of_dim(DIM_BYTES, u, 8, &zero);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(u[0]->name, "GiB"); /* largest first */
    ck_assert_str_eq(u[zero]->name, "B");
    n = units_of_dim(DIM_SECS, u, 8, &zero);
    ck_assert_uint_eq(n, 4);
    ck_assert_str_eq(u[0]->name, "h");
    ck_assert_str_eq(u[zero]->name, "s");
    char buf[128];
    units_pattern(DIM_BYTES, buf, sizeof buf);
    ck_assert_str_eq(buf, "^[0-9]+(\\.[0-9]+)?(B|KiB|MiB|GiB)$");
    units_pattern(DIM_SECS, buf, sizeof buf);
    ck_assert_str_eq(buf, "^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$");
    units_list(buf, sizeof buf);
    ck_assert_str_eq(buf, "B, KiB, MiB, GiB, ms, s, m, h or %");
}
END_TEST

START_TEST(test_ptypes)
{
    enum ptype t;
    ck_assert(ptype_parse("duration", &t));
    ck_assert_int_eq(t, PT_DURATION);
    ck_assert_str_eq(ptype_def(t)->c_suffix, "_ms");
    ck_assert(ptype_def(t)->c_scale == 1000.0);
    ck_assert(dim_eq(ptype_dim(PT_SIZE), DIM_BYTES));
    ck_assert_str_eq(ptype_def(PT_INT)->ctype, "int64_t");
    ck_assert_ptr_null(ptype_def(PT_ENUM)->ctype); /* a generated enum */
    ck_assert(!ptype_parse("float", &t));
    for (int k = PT_INT; k <= PT_LIST; k++) {
        ck_assert(ptype_parse(ptype_name((enum ptype)k), &t));
        ck_assert_int_eq(t, k);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("units");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_find);
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_of_dim_and_pattern);
    tcase_add_test(tc, test_ptypes);
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
