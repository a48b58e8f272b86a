/* Unit tests for diag: text (carets under tabs and UTF-8), JSON and GitHub output. */
#include "front/diag.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cap {
    FILE *mem;
    char *buf;
    size_t len;
    struct diag *d;
};

static struct cap C;

static void open_cap(enum diag_format fmt)
{
    C.mem = open_memstream(&C.buf, &C.len);
    ck_assert_ptr_nonnull(C.mem);
    C.d = diag_new(fmt, C.mem);
}

static const char *text(void)
{
    fflush(C.mem);
    return C.buf ? C.buf : "";
}

static void teardown(void)
{
    diag_free(C.d);
    if (C.mem)
        fclose(C.mem);
    free(C.buf);
    memset(&C, 0, sizeof C);
}

static const struct src_file *add(const char *path, const char *s)
{
    return diag_add_source(C.d, path, strdup(s), strlen(s));
}

START_TEST(test_text_basic)
{
    open_cap(DIAG_TEXT);
    const struct src_file *f = add("dir/a.yaml", "name: demo\nmemory: 512MB\n");
    struct loc at = loc_make(f, 2, 9, 5);
    diag_error(C.d, &at, "bad size '%s'", "512MB");
    struct loc first = loc_make(f, 1, 1, 0);
    diag_note(C.d, &first, "see here");
    diag_warning(C.d, NULL, "no location %d", 7);
    ck_assert_str_eq(text(), "dir/a.yaml:2:9: error: bad size '512MB'\n"
                             "  memory: 512MB\n"
                             "          ^~~~~\n"
                             "dir/a.yaml:1:1: note: see here\n"
                             "  name: demo\n"
                             "  ^\n"
                             "leec: warning: no location 7\n");
    ck_assert_uint_eq(diag_error_count(C.d), 1);
    ck_assert_uint_eq(diag_warning_count(C.d), 1);
}
END_TEST

START_TEST(test_text_tabs)
{
    open_cap(DIAG_TEXT);
    /* Columns: \t=1 a=2 :=3 \t=4 b=5 c=6 */
    const struct src_file *f = add("t.yaml", "\ta:\tbc\n");
    struct loc at = loc_make(f, 1, 5, 2);
    diag_error(C.d, &at, "here");
    ck_assert_str_eq(text(), "t.yaml:1:5: error: here\n"
                             "  \ta:\tbc\n"
                             "  \t  \t^~\n");
}
END_TEST

START_TEST(test_text_utf8)
{
    open_cap(DIAG_TEXT);
    /* é and ü are one column each, though two bytes. */
    const struct src_file *f = add("u.yaml", "é: ü x\n");
    struct loc at = loc_make(f, 1, 6, 1);
    diag_error(C.d, &at, "x");
    struct loc u = loc_make(f, 1, 4, 1);
    diag_error(C.d, &u, "u");
    ck_assert_str_eq(text(), "u.yaml:1:6: error: x\n"
                             "  é: ü x\n"
                             "       ^\n"
                             "u.yaml:1:4: error: u\n"
                             "  é: ü x\n"
                             "     ^\n");
    ck_assert_uint_eq(loc_offset(&at), strlen("é: ü "));
    ck_assert_uint_eq(loc_offset(&u), strlen("é: "));
    struct loc adv = loc_advance(&u, 2, 3);
    ck_assert_uint_eq(adv.col, 6);
    ck_assert_uint_eq(adv.span, 3);
    ck_assert_uint_eq(adv.line, 1);
}
END_TEST

START_TEST(test_text_crlf_and_edges)
{
    open_cap(DIAG_TEXT);
    const struct src_file *f = add("w.yaml", "a: 1\r\nb: 2\r\nlast");
    struct loc at = loc_make(f, 2, 4, 1);
    diag_error(C.d, &at, "crlf");
    struct loc last = loc_make(f, 3, 5, 1); /* just past the end, no newline */
    diag_error(C.d, &last, "eof");
    struct loc beyond = loc_make(f, 9, 1, 1); /* no such line: header only */
    diag_error(C.d, &beyond, "beyond");
    ck_assert_str_eq(text(), "w.yaml:2:4: error: crlf\n"
                             "  b: 2\n"
                             "     ^\n"
                             "w.yaml:3:5: error: eof\n"
                             "  last\n"
                             "      ^\n"
                             "w.yaml:9:1: error: beyond\n");
    ck_assert_uint_eq(loc_offset(&beyond), f->len);
    ck_assert_uint_eq(loc_offset(&last), f->len);
    struct loc none = {0};
    ck_assert_uint_eq(loc_offset(&none), 0);
}
END_TEST

START_TEST(test_quiet)
{
    open_cap(DIAG_TEXT);
    diag_set_quiet(C.d, 1);
    diag_error(C.d, NULL, "hidden");
    diag_warning(C.d, NULL, "hidden");
    ck_assert_str_eq(text(), "");
    ck_assert_uint_eq(diag_error_count(C.d), 1);
    ck_assert_uint_eq(diag_warning_count(C.d), 1);
    diag_set_quiet(C.d, 0);
    diag_error(C.d, NULL, "shown");
    ck_assert_str_eq(text(), "leec: error: shown\n");
}
END_TEST

START_TEST(test_json)
{
    open_cap(DIAG_JSON);
    const struct src_file *f = add("j.yaml", "k: \"v\"\n");
    struct loc at = loc_make(f, 1, 4, 3);
    diag_error(C.d, &at, "quote \"%s\"", "v");
    diag_note(C.d, &at, "note one");
    diag_note(C.d, NULL, "note two");
    diag_warning(C.d, NULL, "general");
    ck_assert_str_eq(text(), ""); /* printed by diag_finish */
    diag_finish(C.d);
    cJSON *arr = cJSON_Parse(text());
    ck_assert_ptr_nonnull(arr);
    ck_assert(cJSON_IsArray(arr));
    ck_assert_int_eq(cJSON_GetArraySize(arr), 2);
    cJSON *e = cJSON_GetArrayItem(arr, 0);
    ck_assert_str_eq(cJSON_GetObjectItem(e, "severity")->valuestring, "error");
    ck_assert_str_eq(cJSON_GetObjectItem(e, "file")->valuestring, "j.yaml");
    ck_assert_int_eq(cJSON_GetObjectItem(e, "line")->valueint, 1);
    ck_assert_int_eq(cJSON_GetObjectItem(e, "column")->valueint, 4);
    ck_assert_str_eq(cJSON_GetObjectItem(e, "message")->valuestring, "quote \"v\"");
    cJSON *notes = cJSON_GetObjectItem(e, "notes");
    ck_assert_int_eq(cJSON_GetArraySize(notes), 2);
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(notes, 0), "severity")->valuestring,
                     "note");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(notes, 1), "message")->valuestring,
                     "note two");
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(notes, 1), "file"));
    cJSON *w = cJSON_GetArrayItem(arr, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(w, "severity")->valuestring, "warning");
    ck_assert_ptr_null(cJSON_GetObjectItem(w, "line"));
    cJSON_Delete(arr);

    /* A second finish prints a fresh (empty) array. */
    fseek(C.mem, 0, SEEK_SET);
    diag_finish(C.d);
    ck_assert(strncmp(text(), "[]", 2) == 0);
}
END_TEST

START_TEST(test_github)
{
    open_cap(DIAG_GITHUB);
    const struct src_file *f = add("odd:dir,x/g.yaml", "a: 1\n");
    struct loc at = loc_make(f, 1, 4, 1);
    /* a newline in a message is written as \n (it could forge an annotation), then
     * escaped for GitHub like the rest */
    diag_error(C.d, &at, "100%% wrong\nsecond line: a,b");
    diag_warning(C.d, &at, "w");
    diag_note(C.d, NULL, "n");
    ck_assert_str_eq(text(),
                     "::error file=odd%3Adir%2Cx/g.yaml,line=1,col=4,endLine=1,endColumn=4,"
                     "title=leec error::100%25 wrong\\nsecond line: a,b\n"
                     "::warning file=odd%3Adir%2Cx/g.yaml,line=1,col=4,endLine=1,endColumn=4,"
                     "title=leec warning::w\n"
                     "::notice title=leec note::n\n");
}
END_TEST

/* A location in leec's stock catalog (not in the user's checkout): no file=, the stock
 * file named in the text; endColumn covers the span. */
START_TEST(test_github_stock)
{
    open_cap(DIAG_GITHUB);
    diag_set_stock(C.d, "/usr/share/leec/");
    const struct src_file *s = add("/usr/share/leec/presets/tiers/minimum.yaml", "a: 1\n");
    const struct src_file *u = add("leec.yaml", "a: 1\n");
    struct loc su = loc_make(u, 1, 1, 3), ss = loc_make(s, 1, 4, 1);
    diag_error(C.d, &su, "e");
    diag_note(C.d, &ss, "from the tier");
    ck_assert_str_eq(
        text(), "::error file=leec.yaml,line=1,col=1,endLine=1,endColumn=3,title=leec error::e\n"
                "::notice title=leec note::from the tier (in leec's stock catalog: "
                "presets/tiers/minimum.yaml:1:4)\n");
}
END_TEST

/* diag_map_path: exact names, then the longest prefix ending in '/'. */
START_TEST(test_map_path)
{
    open_cap(DIAG_TEXT);
    diag_map_path(C.d, "/tmp/o/", "../..//");
    diag_map_path(C.d, "/tmp/o/presets/", "stock/presets/");
    diag_map_path(C.d, "/tmp/o/presets/my.yaml", "presets/my.yaml");
    ck_assert_str_eq(add("/tmp/o/presets/my.yaml", "")->path, "presets/my.yaml");
    ck_assert_str_eq(add("/tmp/o/presets/x.yaml", "")->path, "stock/presets/x.yaml");
    ck_assert_str_eq(add("/tmp/o/schemas/c.yaml", "")->path, "../..//schemas/c.yaml");
    ck_assert_str_eq(add("/tmp/other.yaml", "")->path, "/tmp/other.yaml");
}
END_TEST

START_TEST(test_read_file)
{
    open_cap(DIAG_TEXT);
    char path[] = "/tmp/leec_diag_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    char big[10000];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(write(fd, big, sizeof big), (int)sizeof big);
    close(fd);

    int io = -1;
    const struct src_file *f = diag_read_file(C.d, path, sizeof big, &io);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(io, 0);
    ck_assert_uint_eq(f->len, sizeof big);
    ck_assert_int_eq(f->text[f->len], '\0');
    ck_assert_str_eq(f->path, path);

    io = -1;
    ck_assert_ptr_null(diag_read_file(C.d, path, sizeof big - 1, &io));
    ck_assert_int_eq(io, 0); /* too big is bad input, not I/O */
    ck_assert_ptr_nonnull(strstr(text(), "is larger than 9999 bytes"));
    remove(path);

    io = -1;
    ck_assert_ptr_null(diag_read_file(C.d, path, 100, &io));
    ck_assert_int_eq(io, 1);
    ck_assert_ptr_nonnull(strstr(text(), "leec: error: cannot open '/tmp/leec_diag_"));
    ck_assert_uint_eq(diag_error_count(C.d), 2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("diag");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, test_text_basic);
    tcase_add_test(tc, test_text_tabs);
    tcase_add_test(tc, test_text_utf8);
    tcase_add_test(tc, test_text_crlf_and_edges);
    tcase_add_test(tc, test_quiet);
    tcase_add_test(tc, test_json);
    tcase_add_test(tc, test_github);
    tcase_add_test(tc, test_github_stock);
    tcase_add_test(tc, test_map_path);
    tcase_add_test(tc, test_read_file);
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
