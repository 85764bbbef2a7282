/* Unit tests of the dispatch reader (src/directives/parse*.c, docx.c) on the three example
 * dispatches (tests/unit/data/directives/, plain text converted from the originals): each parsed
 * structure is checked field by field against an expected JSON file written by reading the document
 * (<name>.expected.json), and so is every variant of it: Markdown markup removed, CRLF line ends,
 * Unicode NFD (decomposed) text, odd spacing, and the .docx made from it by LibreOffice
 * (make-docx.sh). Every word of each input must come out in some field, so nothing is dropped
 * silently. Damaged .docx files (cut in half, DOCTYPE, bad XML) are clear errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <utf8proc.h>
#include <zip.h>

#include "base/text.h"
#include "directive_expect.h"
#include "directives/parse.h"
#include "support.h"

/* Parses text and compares the result with the example's expected structure. */
static void check_against_expected(const char *name, const char *variant, const char *text,
                                   size_t len, bool skip_lines)
{
    pd_err err;
    json_t *got = pd_directive_parse(text, len, &err);
    if (!got)
        fail_msg("%s (%s): not parsed: %s", name, variant, err.message);
    json_t *want = example_expected(name);
    assert_non_null(want);
    int bad = json_diff(got, want, "$", skip_lines);
    if (bad)
        fail_msg("%s (%s): %d field(s) differ from %s.expected.json", name, variant, bad, name);
    json_decref(got);
    json_decref(want);
}

static void test_examples_match_expected(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        check_against_expected(example_names[i], "md", text, len, false);
        free(text);
    }
}

static void test_examples_crlf(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        pd_buf b;
        pd_buf_init(&b);
        for (size_t k = 0; k < len; k++)
            pd_buf_add(&b, text[k] == '\n' ? "\r\n" : text + k, text[k] == '\n' ? 2 : 1);
        assert_non_null(strstr(b.data, "\r\n"));
        check_against_expected(example_names[i], "crlf", b.data, b.len, false);
        pd_buf_free(&b);
        free(text);
    }
}

/* The markup removed the way a plain-text export would: no '*' emphasis, no '#'. */
static void test_examples_markup_removed(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        pd_buf b;
        pd_buf_init(&b);
        for (size_t k = 0; k < len; k++)
            if (text[k] != '*' && text[k] != '#')
                pd_buf_add(&b, text + k, 1);
        assert_true(b.len < len);
        check_against_expected(example_names[i], "plain", b.data, b.len, false);
        pd_buf_free(&b);
        free(text);
    }
}

static void test_examples_decomposed(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)text);
        assert_non_null(nfd);
        assert_true(strlen(nfd) > len); /* really decomposed */
        check_against_expected(example_names[i], "nfd", nfd, strlen(nfd), false);
        free(nfd);
        free(text);
    }
}

/* Odd spacing: every space becomes two spaces, a tab and a no-break space (U+00A0). */
static void test_examples_odd_spacing(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        pd_buf b;
        pd_buf_init(&b);
        for (size_t k = 0; k < len; k++)
            if (text[k] == ' ')
                pd_buf_puts(&b, "  \t\xC2\xA0");
            else
                pd_buf_add(&b, text + k, 1);
        check_against_expected(example_names[i], "spacing", b.data, b.len, false);
        pd_buf_free(&b);
        free(text);
    }
}

static void test_examples_docx(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        char path[1024];
        example_path(example_names[i], ".docx", path, sizeof path);
        char *text = NULL;
        size_t len = 0;
        pd_err err;
        if (pd_directive_docx_text(path, &text, &len, &err) != PD_OK)
            fail_msg("%s: %s", path, err.message);
        assert_null(strchr(text, '<')); /* text, not XML */
        check_against_expected(example_names[i], "docx", text, len, false);
        free(text);
    }
}

/* ---- nothing dropped silently ---- */

static void collect_strings(json_t *j, pd_buf *out)
{
    size_t i;
    const char *key;
    json_t *v;
    if (json_is_string(j)) {
        pd_buf_puts(out, json_string_value(j));
        pd_buf_puts(out, "\n");
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) collect_strings(v, out);
    } else if (json_is_object(j)) {
        json_object_foreach(j, key, v) collect_strings(v, out);
    }
}

/* Folded words of s, each followed by '\n' and preceded by '\n' for lookup with strstr. */
static char *word_list(const char *s)
{
    size_t cap = strlen(s) * 2 + 16;
    char *f = malloc(cap);
    pd_fold(s, f, cap);
    pd_buf b;
    pd_buf_init(&b);
    pd_buf_puts(&b, "\n");
    for (char *p = f; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
        if (word)
            pd_buf_add(&b, p, 1);
        else if (b.data[b.len - 1] != '\n')
            pd_buf_puts(&b, "\n");
    }
    if (b.data[b.len - 1] != '\n')
        pd_buf_puts(&b, "\n");
    free(f);
    return pd_buf_steal(&b);
}

/* The input without the labels that introduce fields ("Số:", "V/v", "Kính gửi:", "Nơi nhận:"):
 * those words are taken by the structure itself. */
static char *without_labels(const char *text, size_t len)
{
    static const char *const labels[] = {"Số", "V/v", "Kính gửi", "Nơi nhận"};
    pd_buf b;
    pd_buf_init(&b);
    bool line_start = true;
    for (size_t i = 0; i < len;) {
        size_t skip = 0;
        for (size_t k = 0; line_start && k < 4; k++) {
            size_t n = strlen(labels[k]);
            if (i + n <= len && memcmp(text + i, labels[k], n) == 0)
                skip = n;
        }
        if (skip) {
            i += skip;
            continue;
        }
        line_start = text[i] == '\n' || (line_start && strchr(" *#", text[i]));
        pd_buf_add(&b, text + i, 1);
        i++;
    }
    return pd_buf_steal(&b);
}

static void check_every_word_kept(const char *label, const char *text, size_t len)
{
    pd_err err;
    json_t *got = pd_directive_parse(text, len, &err);
    assert_non_null(got);
    pd_buf all;
    pd_buf_init(&all);
    collect_strings(got, &all);
    char *have = word_list(all.data);
    char *copy = without_labels(text, len);
    char *need = word_list(copy);
    int missing = 0;
    for (char *w = need + 1; *w;) {
        char *end = strchr(w, '\n');
        char probe[256];
        snprintf(probe, sizeof probe, "\n%.*s\n", (int)(end - w), w);
        if (!strstr(have, probe)) {
            fprintf(stderr, "%s: word \"%.*s\" of the input is in no field\n", label,
                    (int)(end - w), w);
            missing++;
        }
        w = end + 1;
    }
    assert_int_equal(missing, 0);
    free(need);
    free(copy);
    free(have);
    pd_buf_free(&all);
    json_decref(got);
}

static void test_every_word_kept(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        check_every_word_kept(example_names[i], text, len);
        free(text);
        char path[1024];
        example_path(example_names[i], ".docx", path, sizeof path);
        assert_int_equal(pd_directive_docx_text(path, &text, &len, NULL), PD_OK);
        check_every_word_kept(path, text, len);
        free(text);
    }
    /* An unknown line in the header and a stray line after the signature land in "unparsed". */
    const char *odd = "Trang 1/2\nSố: 12/UBND-VP\nV/v thử\n\nKính gửi: Phòng Y tế\n\n"
                      "Nội dung.\n\nNơi nhận:\n- Như trên;\n\nCHỦ TỊCH\n\nNguyễn Văn A\n"
                      "(Đã ký)\n";
    check_every_word_kept("odd", odd, strlen(odd));
    pd_err err;
    json_t *o = pd_directive_parse(odd, strlen(odd), &err);
    assert_non_null(o);
    json_t *un = json_object_get(o, "unparsed");
    assert_int_equal(json_array_size(un), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(un, 0), "text")),
                        "Trang 1/2");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(un, 1), "line")), 15);
    json_decref(o);
}

static void test_docx_errors(void **state)
{
    (void)state;
    char *text = (char *)"x";
    size_t len = 7;
    pd_err err;
    assert_int_not_equal(pd_directive_docx_text("/nonexistent/x.docx", &text, &len, &err), PD_OK);
    assert_null(text);
    assert_int_equal(len, 0);
    assert_string_equal(err.field, "file");
    char path[1024];
    example_path(example_names[0], ".md", path, sizeof path); /* not a zip */
    assert_int_equal(pd_directive_docx_text(path, &text, &len, &err), PD_EINVAL);
    assert_non_null(strstr(err.message, ".docx"));
}

/* A .docx cut in half (no central directory) or holding a DOCTYPE is a clear error naming the
 * file field; a .docx whose document has no text parses to the error of an empty dispatch. */
static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void write_docx(const char *path, const char *xml)
{
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    zip_source_t *src = zip_source_buffer(z, xml, strlen(xml), 0);
    assert_true(zip_file_add(z, "word/document.xml", src, ZIP_FL_OVERWRITE) >= 0);
    assert_int_equal(zip_close(z), 0);
}

static void test_docx_damaged(void **state)
{
    (void)state;
    char dir[512], path[600], src[1024];
    assert_int_equal(pd_test_make_dir(dir, sizeof dir, "pd_docx"), 0);
    pd_err err;
    char *text = NULL;
    size_t len = 0;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        example_path(example_names[i], ".docx", src, sizeof src);
        size_t n;
        char *bytes = pd_file_read(src, &n);
        assert_non_null(bytes);
        snprintf(path, sizeof path, "%s/half.docx", dir);
        write_file(path, bytes, n / 2);
        assert_int_not_equal(pd_directive_docx_text(path, &text, &len, &err), PD_OK);
        assert_null(text);
        assert_string_equal(err.field, "file");
        free(bytes);
    }
    snprintf(path, sizeof path, "%s/doctype.docx", dir);
    write_docx(path, "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"x\">]><w:document/>");
    assert_int_equal(pd_directive_docx_text(path, &text, &len, &err), PD_EINVAL);
    assert_non_null(strstr(err.message, "DOCTYPE"));
    write_docx(path,
               "<w:document><w:body><w:p><w:r><w:t>Số: 1/UBND</w:t></w:r></w:p>"
               "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\"/></w:tabs></w:pPr><w:r><w:t>V/v</w:t>"
               "<w:tab/><w:t>thử</w:t><w:br/><w:delText>bỏ</w:delText><w:t>mới</w:t></w:r></w:p>"
               "</w:body></w:document>");
    assert_int_equal(pd_directive_docx_text(path, &text, &len, &err), PD_OK);
    assert_string_equal(text, "Số: 1/UBND\nV/v\tthử\nmới\n");
    assert_int_equal(len, strlen(text));
    free(text);
    write_docx(path, "<w:document><w:body><w:p><w:r><w:t>unclosed</w:r></w:p></w:body>");
    assert_int_equal(pd_directive_docx_text(path, &text, &len, &err), PD_EINVAL);
    assert_non_null(strstr(err.message, "XML"));
    assert_int_equal(pd_test_remove_dir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_examples_match_expected),
        cmocka_unit_test(test_examples_crlf),
        cmocka_unit_test(test_examples_markup_removed),
        cmocka_unit_test(test_examples_decomposed),
        cmocka_unit_test(test_examples_odd_spacing),
        cmocka_unit_test(test_examples_docx),
        cmocka_unit_test(test_every_word_kept),
        cmocka_unit_test(test_docx_errors),
        cmocka_unit_test(test_docx_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
