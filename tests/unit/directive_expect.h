/* Helpers shared by the dispatch reader's tests (test_directive_parse*.c): where the example
 * dispatches are, reading files, and comparing a parsed structure with an expected JSON file field
 * by field, naming each field that differs. */
#ifndef PD_TEST_DIRECTIVE_EXPECT_H
#define PD_TEST_DIRECTIVE_EXPECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"

static const char *const example_names[] = {
    "bac-kan-city-2021-05-implement-116-TB-VPCP",
    "bac-kan-city-2021-11-15-2233-UBND-VP",
    "tan-uyen-2021-09-implement-241-TB-VPCP",
};
#define N_EXAMPLES (sizeof example_names / sizeof example_names[0])

/* tests/unit/data/directives/<name><ext>, from $PHONGDICH_TEST_DATA or next to this file. */
static inline void example_path(const char *name, const char *ext, char *out, size_t cap)
{
    const char *data = getenv("PHONGDICH_TEST_DATA");
    if (data)
        snprintf(out, cap, "%s/directives/%s%s", data, name, ext);
    else {
        const char *file = __FILE__;
        const char *slash = strrchr(file, '/');
        int dir = slash ? (int)(slash - file) : 1;
        snprintf(out, cap, "%.*s/data/directives/%s%s", dir, slash ? file : ".", name, ext);
    }
}

static inline char *example_read(const char *name, const char *ext, size_t *len)
{
    char path[1024];
    example_path(name, ext, path, sizeof path);
    char *text = pd_file_read(path, len);
    if (!text)
        fprintf(stderr, "cannot read %s\n", path);
    return text;
}

static inline json_t *example_expected(const char *name)
{
    char path[1024];
    example_path(name, ".expected.json", path, sizeof path);
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fprintf(stderr, "%s:%d: %s\n", path, e.line, e.text);
    return j;
}

/* Number of differences between actual and expected under path, each printed. With skip_lines,
 * "line" fields (line numbers) are not compared. Objects: every expected key must match and the
 * actual object may hold no other key. */
static inline int json_diff(json_t *actual, json_t *expected, const char *path, bool skip_lines)
{
    char sub[512];
    if (json_is_object(expected) && json_is_object(actual)) {
        int bad = 0;
        const char *key;
        json_t *v;
        json_object_foreach(expected, key, v)
        {
            if (skip_lines && strcmp(key, "line") == 0)
                continue;
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            json_t *a = json_object_get(actual, key);
            if (!a) {
                fprintf(stderr, "  %s: missing\n", sub);
                bad++;
                continue;
            }
            bad += json_diff(a, v, sub, skip_lines);
        }
        json_object_foreach(actual, key, v)
        {
            if (!json_object_get(expected, key)) {
                fprintf(stderr, "  %s.%s: not expected\n", path, key);
                bad++;
            }
        }
        return bad;
    }
    if (json_is_array(expected) && json_is_array(actual)) {
        int bad = 0;
        if (json_array_size(actual) != json_array_size(expected)) {
            fprintf(stderr, "  %s: %zu elements, expected %zu\n", path, json_array_size(actual),
                    json_array_size(expected));
            bad++;
        }
        for (size_t i = 0; i < json_array_size(expected) && i < json_array_size(actual); i++) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            bad +=
                json_diff(json_array_get(actual, i), json_array_get(expected, i), sub, skip_lines);
        }
        return bad;
    }
    if (json_equal(actual, expected))
        return 0;
    char *a = json_dumps(actual, JSON_ENCODE_ANY), *e = json_dumps(expected, JSON_ENCODE_ANY);
    fprintf(stderr, "  %s:\n    got      %s\n    expected %s\n", path, a ? a : "?", e ? e : "?");
    free(a);
    free(e);
    return 1;
}

#endif
