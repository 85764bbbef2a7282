/* Unit tests of the JSON text writer (src/http/jsonw.c): its output is byte for byte what jansson's
 * json_dumps(JSON_COMPACT) writes for the same object (nesting, commas, escapes, Vietnamese text,
 * integers at the limits), times read as pd_format_local writes them, and text that is not UTF-8
 * still gives valid JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "http/jsonw.h"

static char *dumped(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(j);
    return s;
}

static void assert_same(pd_jw *w, json_t *expected)
{
    size_t len;
    char *got = pd_jw_steal(w, &len);
    char *want = dumped(expected);
    assert_non_null(want);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    free(got);
    free(want);
}

static void test_matches_jansson(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "",
        "Nguyễn Thị Ánh",
        "Đặng Văn Đức — Tổ 7, Phường Sông Cầu",
        "quote \" backslash \\ slash /",
        "tab\tnewline\ncr\rbell\abackspace\bformfeed\fesc\x1b unit\x1f del\x7f",
        "H'Hen Niê",
        "emoji \xF0\x9F\x98\x80 and U+FFFF \xEF\xBF\xBF",
    };
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    json_t *want = json_object();
    char key[32];
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        snprintf(key, sizeof key, "s%zu", i);
        pd_jw_kstr(&w, key, texts[i]);
        json_object_set_new(want, key, json_string(texts[i]));
    }
    static const int64_t ints[] = {0, 1, -1, 42, 1000000, INT64_MAX, INT64_MIN, -9876543210LL};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        snprintf(key, sizeof key, "i%zu", i);
        pd_jw_kint(&w, key, ints[i]);
        json_object_set_new(want, key, json_integer(ints[i]));
    }
    pd_jw_kid(&w, "none", 0);
    json_object_set_new(want, "none", json_null());
    pd_jw_kid(&w, "some", 7);
    json_object_set_new(want, "some", json_integer(7));
    pd_jw_key(&w, "yes");
    pd_jw_bool(&w, true);
    json_object_set_new(want, "yes", json_true());
    pd_jw_key(&w, "no");
    pd_jw_bool(&w, false);
    json_object_set_new(want, "no", json_false());

    /* Nesting: arrays of objects, empty containers, a jansson value, raw text. */
    pd_jw_key(&w, "items");
    pd_jw_array(&w);
    json_t *items = json_array();
    for (int i = 0; i < 3; i++) {
        pd_jw_object(&w);
        pd_jw_kint(&w, "id", i);
        pd_jw_key(&w, "tags");
        pd_jw_array(&w);
        for (int k = 0; k < i; k++)
            pd_jw_str(&w, "t");
        pd_jw_array_end(&w);
        pd_jw_object_end(&w);
        json_t *tags = json_array();
        for (int k = 0; k < i; k++)
            json_array_append_new(tags, json_string("t"));
        json_array_append_new(items, json_pack("{s:i, s:o}", "id", i, "tags", tags));
    }
    pd_jw_null(&w);
    json_array_append_new(items, json_null());
    pd_jw_array_end(&w);
    json_object_set_new(want, "items", items);
    pd_jw_key(&w, "empty");
    pd_jw_object(&w);
    pd_jw_object_end(&w);
    json_object_set_new(want, "empty", json_object());
    json_t *household = json_pack("{s:s, s:i}", "address", "Số 5, \"Tổ\" 3", "members", 4);
    pd_jw_key(&w, "household");
    pd_jw_json(&w, household);
    json_object_set(want, "household", household);
    json_decref(household);
    pd_jw_key(&w, "raw");
    pd_jw_raw(&w, "[1,2]", 5);
    json_object_set_new(want, "raw", json_pack("[i,i]", 1, 2));
    pd_jw_object_end(&w);
    assert_same(&w, want);
}

static void test_top_level_array(void **state)
{
    (void)state;
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_array(&w);
    pd_jw_array_end(&w);
    assert_same(&w, json_array());
    size_t len = 99;
    pd_jw_init(&w);
    char *empty = pd_jw_steal(&w, &len); /* nothing written: an empty string, not NULL */
    assert_string_equal(empty, "");
    assert_int_equal(len, 0);
    free(empty);
}

static void test_times(void **state)
{
    (void)state;
    static const int64_t times[] = {
        1,
        86399,
        1636939800, /* 2021-11-15 08:30 +07 */
        951782400,  /* 2000-02-29 */
        4107542399, /* 2100-02-28 23:59:59 UTC */
        -1,
        -25200,
        -25201,
        -62135596800, /* 0001-01-01 */
        253402300799, /* 9999-12-31 23:59:59 UTC: year 10000 locally */
        1700000000,
    };
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        pd_jw w;
        pd_jw_init(&w);
        pd_jw_time(&w, times[i]);
        char want[64];
        pd_format_local(times[i], want, sizeof want);
        char quoted[80];
        snprintf(quoted, sizeof quoted, "\"%s\"", want);
        char *got = pd_jw_steal(&w, NULL);
        assert_string_equal(got, quoted);
        free(got);
    }
    /* Every day of several years, at a few times of day. */
    for (int64_t t = 946684800 - 3 * 86400; t < 946684800 + 3 * 366 * 86400; t += 86400 - 7) {
        pd_jw w;
        pd_jw_init(&w);
        pd_jw_time(&w, t);
        char want[64], quoted[80];
        pd_format_local(t, want, sizeof want);
        snprintf(quoted, sizeof quoted, "\"%s\"", want);
        char *got = pd_jw_steal(&w, NULL);
        assert_string_equal(got, quoted);
        free(got);
    }
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_time(&w, 0);
    char *got = pd_jw_steal(&w, NULL);
    assert_string_equal(got, "null");
    free(got);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xff",
        "abc\x80"
        "def",
        "\xC3",
        "\xC0\xAF",
        "\xE0\x80\xAF",
        "\xED\xA0\x80",
        "\xF4\x90\x80\x80",
        "\xF0\x9F\x98",
        "ok \xC3\xA9 \xC3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pd_jw w;
        pd_jw_init(&w);
        pd_jw_array(&w);
        pd_jw_str(&w, bad[i]);
        pd_jw_array_end(&w);
        char *text = pd_jw_steal(&w, NULL);
        json_error_t jerr;
        json_t *j = json_loads(text, 0, &jerr);
        assert_non_null(j); /* valid JSON and valid UTF-8 */
        const char *s = json_string_value(json_array_get(j, 0));
        assert_non_null(s);
        assert_non_null(strstr(s, "\xEF\xBF\xBD"));
        json_decref(j);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_jansson),
        cmocka_unit_test(test_top_level_array),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
