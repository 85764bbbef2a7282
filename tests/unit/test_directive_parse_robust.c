/* Robustness and rules of the dispatch reader (src/directives/parse*.c): the examples cut in half
 * and at every 37th byte, with invalid UTF-8 and NUL bytes, and inputs that are no dispatch give a
 * structure or a named error, never a crash; a Markdown-table header with a title (THÔNG BÁO) and a
 * parent body; blank numbers and days with odd spacing; nested labels with their paths and the
 * warning for a missing one; agency mentions with their byte positions and roles; lead and
 * coordinating agencies. Run under ASan+UBSan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/text.h"
#include "directive_expect.h"
#include "directives/parse.h"

static const char *sget(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A result is a full structure whose JSON can be written; an error names the text. */
static void check_result_or_error(json_t *o, const pd_err *err)
{
    if (o) {
        assert_true(json_is_object(o));
        assert_true(json_is_array(json_object_get(o, "unparsed")));
        assert_true(json_is_array(json_object_get(o, "items")));
        char *dump = json_dumps(o, 0);
        assert_non_null(dump);
        free(dump);
    } else {
        assert_string_equal(err->field, "text");
        assert_true(strlen(err->message) > 10);
    }
}

static void test_cut_in_half(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        json_t *want = example_expected(example_names[i]);
        pd_err err;
        /* First half: the header is all there. */
        json_t *o = pd_directive_parse(text, len / 2, &err);
        assert_non_null(o);
        assert_string_equal(sget(o, "issuer"), sget(want, "issuer"));
        assert_true(json_equal(json_object_get(o, "number"), json_object_get(want, "number")));
        assert_true(json_equal(json_object_get(o, "date"), json_object_get(want, "date")));
        assert_true(
            json_equal(json_object_get(o, "recipients"), json_object_get(want, "recipients")));
        assert_true(json_is_null(json_object_get(json_object_get(o, "signer"), "name")));
        json_decref(o);
        /* Second half: no header, so no dispatch. */
        o = pd_directive_parse(text + len / 2, len - len / 2, &err);
        assert_null(o);
        check_result_or_error(o, &err);
        json_decref(want);
        free(text);
    }
}

static void test_every_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        size_t len;
        char *text = example_read(example_names[i], ".md", &len);
        assert_non_null(text);
        size_t results = 0;
        for (size_t cut = 0; cut <= len; cut += 37) {
            pd_err err;
            json_t *o = pd_directive_parse(text, cut, &err);
            check_result_or_error(o, &err);
            results += o != NULL;
            json_decref(o);
        }
        assert_true(results > len / 37 / 2); /* most prefixes hold the header */
        free(text);
    }
}

static void test_not_a_dispatch(void **state)
{
    (void)state;
    const char *inputs[] = {"", "Hello world", "****\n\n# \n|---|---|\n", "\n\n\n",
                            "1. Một\n2. Hai\n"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        pd_err err;
        json_t *o = pd_directive_parse(inputs[i], strlen(inputs[i]), &err);
        assert_null(o);
        check_result_or_error(o, &err);
    }
    pd_err err;
    assert_null(pd_directive_parse(NULL, 0, &err));
    assert_string_equal(err.message, "Văn bản trống");
}

static void test_invalid_bytes(void **state)
{
    (void)state;
    const char text[] =
        "Số: 7/UBND-VP\nV/v thử \xFF nghiệm\0 còn\nHà Nội, ngày 5 tháng 1 năm 2022\n"
        "\xE1\xBB"; /* cut in the middle of a letter */
    pd_err err;
    json_t *o = pd_directive_parse(text, sizeof text - 1, &err);
    assert_non_null(o);
    assert_string_equal(sget(o, "subject"), "thử \xEF\xBF\xBD nghiệm còn");
    assert_string_equal(sget(o, "date"), "2022-01-05");
    json_decref(o);
}

/* A header laid out as a Markdown table (as converters write Word tables), a parent body above
 * the issuer, and a title instead of "V/v". */
static void test_table_header_thong_bao(void **state)
{
    (void)state;
    const char *text =
        "| **UBND TỈNH BẮC KẠN**<br>**SỞ Y TẾ** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**<br>"
        "**Độc lập - Tự do - Hạnh phúc** |\n"
        "|---|---|\n"
        "| Số: 15/TB\\-SYT | Bắc Kạn, ngày 03 tháng 12 năm 2021 |\n\n"
        "# THÔNG BÁO\n"
        "**Kết luận của Giám đốc Sở Y tế tại cuộc họp về phòng, chống dịch**\n\n"
        "Ngày 02/12/2021, Sở Y tế họp với các đơn vị.\n\n"
        "1. Trung tâm Kiểm soát bệnh tật tỉnh chủ trì, phối hợp với Bệnh viện Đa khoa tỉnh và "
        "Trung tâm Y tế các huyện, thành phố xét nghiệm; báo cáo Sở Y tế.\n"
        "2. Các đơn vị còn lại thực hiện theo Công văn số 4012/SYT-NVY ngày 1/12/2021 của Sở Y "
        "tế.\n\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\n"
        "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nHoàng Văn Minh\n";
    pd_err err;
    json_t *o = pd_directive_parse(text, strlen(text), &err);
    assert_non_null(o);
    assert_string_equal(sget(o, "issuer"), "SỞ Y TẾ");
    assert_string_equal(sget(o, "issuer_parent"), "UBND TỈNH BẮC KẠN");
    assert_string_equal(sget(o, "type"), "thong_bao");
    assert_string_equal(sget(o, "type_name"), "Thông báo");
    assert_string_equal(sget(o, "number"), "15/TB-SYT");
    assert_string_equal(sget(o, "date"), "2021-12-03");
    assert_string_equal(sget(o, "place"), "Bắc Kạn");
    assert_string_equal(sget(o, "subject"),
                        "Kết luận của Giám đốc Sở Y tế tại cuộc họp về phòng, chống dịch");
    json_t *items = json_object_get(o, "items");
    assert_int_equal(json_array_size(items), 2);
    json_t *one = json_array_get(items, 0);
    json_t *lead = json_object_get(one, "lead"), *coord = json_object_get(one, "coordinating");
    assert_int_equal(json_array_size(lead), 1);
    assert_string_equal(json_string_value(json_array_get(lead, 0)),
                        "Trung tâm Kiểm soát bệnh tật tỉnh");
    assert_int_equal(json_array_size(coord), 2);
    assert_string_equal(json_string_value(json_array_get(coord, 0)), "Bệnh viện Đa khoa tỉnh");
    assert_string_equal(json_string_value(json_array_get(coord, 1)),
                        "Trung tâm Y tế các huyện, thành phố");
    json_t *ref = json_array_get(json_object_get(o, "references"), 0);
    assert_string_equal(sget(ref, "number"), "4012/SYT-NVY");
    assert_string_equal(sget(ref, "date"), "2021-12-01");
    assert_string_equal(sget(ref, "issuer"), "Sở Y tế");
    assert_string_equal(sget(ref, "relation"), "cites");
    json_t *signer = json_object_get(o, "signer");
    assert_string_equal(sget(signer, "name"), "Hoàng Văn Minh");
    assert_string_equal(sget(signer, "title"), "PHÓ GIÁM ĐỐC");
    assert_int_equal(json_array_size(json_object_get(o, "unparsed")), 0);
    json_decref(o);
}

static void test_blank_number_and_day(void **state)
{
    (void)state;
    const char *text = "ỦY BAN NHÂN DÂN\nXÃ   PHƯƠNG VIÊN\n\n**Số:      /KH-UBND**\n\n"
                       "Phương Viên,ngày    tháng   11   năm  2021\n\nKẾ HOẠCH\n"
                       "Tiêm vắc xin   phòng COVID-19 đợt 5\n\nI. MỤC ĐÍCH\n";
    pd_err err;
    json_t *o = pd_directive_parse(text, strlen(text), &err);
    assert_non_null(o);
    assert_string_equal(sget(o, "issuer"), "ỦY BAN NHÂN DÂN XÃ PHƯƠNG VIÊN");
    assert_true(json_is_null(json_object_get(o, "number")));
    assert_string_equal(sget(o, "symbol"), "KH-UBND");
    assert_true(json_is_null(json_object_get(o, "date")));
    json_t *parts = json_object_get(o, "date_parts");
    assert_true(json_is_null(json_object_get(parts, "day")));
    assert_int_equal(json_integer_value(json_object_get(parts, "month")), 11);
    assert_int_equal(json_integer_value(json_object_get(parts, "year")), 2021);
    assert_string_equal(sget(o, "place"), "Phương Viên");
    assert_string_equal(sget(o, "type"), "ke_hoach");
    assert_string_equal(sget(o, "subject"), "Tiêm vắc xin phòng COVID-19 đợt 5");
    json_decref(o);
}

static void test_nested_labels(void **state)
{
    (void)state;
    const char *text = "Số: 1/UBND-VP\nV/v thử\n\nKính gửi: Phòng Y tế\n\nMở đầu:\n"
                       "I. PHẦN MỘT\n1. Một\n1.1. Một một\na) Chữ a\n- Gạch một\n+ Cộng\n"
                       "- Gạch hai\nb) Chữ b\n3. Ba\nII. PHẦN HAI\n- Gạch\n";
    pd_err err;
    json_t *o = pd_directive_parse(text, strlen(text), &err);
    assert_non_null(o);
    const char *paths[] = {"I",
                           "I.1",
                           "I.1.1.1",
                           "I.1.1.1.a",
                           "I.1.1.1.a.-1",
                           "I.1.1.1.a.-1.+1",
                           "I.1.1.1.a.-2",
                           "I.1.1.1.b",
                           "I.3",
                           "II",
                           "II.-1"};
    json_t *items = json_object_get(o, "items");
    assert_int_equal(json_array_size(items), sizeof paths / sizeof paths[0]);
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        assert_string_equal(sget(json_array_get(items, i), "path"), paths[i]);
    assert_string_equal(sget(json_array_get(items, 5), "parent"), "I.1.1.1.a.-1");
    assert_string_equal(sget(json_array_get(items, 5), "text"), "Cộng");
    assert_string_equal(sget(o, "preamble"), "Mở đầu:");
    json_t *w = json_object_get(o, "warnings");
    assert_int_equal(json_array_size(w), 1);
    assert_non_null(strstr(json_string_value(json_array_get(w, 0)), "mục 3."));
    json_decref(o);
}

static void test_agency_mentions(void **state)
{
    (void)state;
    const char *text = "Thực hiện Công văn của UBND tỉnh Bắc Kạn, Công an thành phố và "
                       "Phòng Lao động, Thương binh và Xã hội phối hợp với các cơ quan, đơn vị "
                       "liên quan kiểm tra tại các xã, phường; Phòng dịch tốt.";
    json_t *m = pd_directive_agency_mentions(text);
    const char *names[] = {"UBND tỉnh Bắc Kạn", "Công an thành phố",
                           "Phòng Lao động, Thương binh và Xã hội",
                           "các cơ quan, đơn vị liên quan"};
    const char *roles[] = {"cited", "actor", "actor", "actor"};
    assert_int_equal(json_array_size(m), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *e = json_array_get(m, i);
        assert_string_equal(sget(e, "name"), names[i]);
        assert_string_equal(sget(e, "role"), roles[i]);
        size_t s = (size_t)json_integer_value(json_object_get(e, "start"));
        size_t n = (size_t)json_integer_value(json_object_get(e, "end")) - s;
        assert_int_equal(n, strlen(names[i]));
        assert_memory_equal(text + s, names[i], n);
    }
    assert_string_equal(sget(json_array_get(m, 3), "kind"), "group");
    assert_string_equal(sget(json_array_get(m, 1), "kind"), "named");
    json_decref(m);
    m = pd_directive_agency_mentions("");
    assert_int_equal(json_array_size(m), 0);
    json_decref(m);
}

/* A decision: title and its subject after a blank line, the enacting body, "Căn cứ" lines and
 * articles ("Điều 1.") as items; a reference with a comma before its date. */
static void test_quyet_dinh(void **state)
{
    (void)state;
    const char *text = "ỦY BAN NHÂN DÂN\nHUYỆN TÂN UYÊN\n-------\n\nSố: 88/QĐ-UBND\n\n"
                       "Tân Uyên, ngày 2 tháng 10 năm 2021\n\nQUYẾT ĐỊNH\n\n"
                       "VỀ VIỆC THÀNH LẬP TỔ CÔNG TÁC TIÊM CHỦNG\n\n"
                       "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN\n\n"
                       "Căn cứ Quyết định số 3588/QĐ-BYT, ngày 26/7/2021 của Bộ Y tế;\n\n"
                       "QUYẾT ĐỊNH:\n\nĐiều 1. Thành lập Tổ công tác.\n\n"
                       "Điều 2. Chánh Văn phòng Ủy ban nhân dân huyện, Giám đốc Trung tâm Y tế "
                       "huyện chịu trách nhiệm thi hành Quyết định này./.\n\n"
                       "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n\nCHỦ TỊCH\n\nNguyễn Văn Bình\n";
    pd_err err;
    json_t *o = pd_directive_parse(text, strlen(text), &err);
    assert_non_null(o);
    assert_string_equal(sget(o, "type"), "quyet_dinh");
    assert_string_equal(sget(o, "issuer"), "ỦY BAN NHÂN DÂN HUYỆN TÂN UYÊN");
    assert_string_equal(sget(o, "subject"), "VỀ VIỆC THÀNH LẬP TỔ CÔNG TÁC TIÊM CHỦNG");
    assert_string_equal(sget(o, "enacting"), "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN");
    json_t *items = json_object_get(o, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(sget(json_array_get(items, 1), "label"), "Điều 2.");
    json_t *ag = json_object_get(json_array_get(items, 1), "agencies");
    assert_int_equal(json_array_size(ag), 2);
    assert_string_equal(json_string_value(json_array_get(ag, 0)),
                        "Văn phòng Ủy ban nhân dân huyện");
    assert_string_equal(json_string_value(json_array_get(ag, 1)), "Trung tâm Y tế huyện");
    json_t *ref = json_array_get(json_object_get(o, "references"), 0);
    assert_string_equal(sget(ref, "number"), "3588/QĐ-BYT");
    assert_string_equal(sget(ref, "date"), "2021-07-26");
    assert_string_equal(sget(ref, "issuer"), "Bộ Y tế");
    assert_string_equal(sget(ref, "relation"), "implements");
    assert_true(json_is_null(json_object_get(o, "closing")));
    assert_string_equal(sget(json_object_get(o, "signer"), "name"), "Nguyễn Văn Bình");
    json_decref(o);
}

/* Bullets of every kind leave the entries whole (a final "À" is two bytes, C3 80); a reference
 * without its type word takes the type from its symbol, the last part of a dated number too. */
static void test_lists_and_symbols(void **state)
{
    (void)state;
    const char *text =
        "Số: 9/UBND-VP\nV/v thử\n\nKính gửi:\n\xE2\x80\xA2 ĐOÀN THANH NIÊN XÃ ĐÀ\n"
        "\xE2\x80\x93 Sở Y tế;\n\nThực hiện số 30/2020/NĐ-CP ngày 5/3/2020 của Chính "
        "phủ và số 5/TB-UBND.\n";
    pd_err err;
    json_t *o = pd_directive_parse(text, strlen(text), &err);
    assert_non_null(o);
    json_t *r = json_object_get(o, "recipients");
    assert_int_equal(json_array_size(r), 2);
    assert_string_equal(json_string_value(json_array_get(r, 0)), "ĐOÀN THANH NIÊN XÃ ĐÀ");
    assert_string_equal(json_string_value(json_array_get(r, 1)), "Sở Y tế");
    json_t *refs = json_object_get(o, "references");
    assert_int_equal(json_array_size(refs), 2);
    assert_string_equal(sget(json_array_get(refs, 0), "type"), "nghi_dinh");
    assert_string_equal(sget(json_array_get(refs, 0), "issuer"), "Chính phủ");
    assert_string_equal(sget(json_array_get(refs, 0), "relation"), "implements");
    assert_string_equal(sget(json_array_get(refs, 1), "type"), "thong_bao");
    assert_string_equal(sget(json_array_get(refs, 1), "type_name"), "Thông báo");
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_in_half),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_not_a_dispatch),
        cmocka_unit_test(test_invalid_bytes),
        cmocka_unit_test(test_table_header_thong_bao),
        cmocka_unit_test(test_blank_number_and_day),
        cmocka_unit_test(test_nested_labels),
        cmocka_unit_test(test_agency_mentions),
        cmocka_unit_test(test_quyet_dinh),
        cmocka_unit_test(test_lists_and_symbols),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
