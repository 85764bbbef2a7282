/* Unit tests of the tabular reader: CSV quoting, BOM, delimiters, line ends and line numbers;
 * refusal of empty, UTF-16, Windows-1258 and binary files; XLSX strings, numbers, dates, gaps,
 * inline and rich strings, hidden sheets, and refusal of malformed or oversized XLSX files.
 * Fixtures are written into a fresh temporary folder (XLSX ones with libxlsxwriter and libzip). Also the
 * reader's UTF-8 check against the Unicode table of well-formed sequences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "tabular/table.h"
#include "tabular/table_internal.h"

static char dir[256];

static void path_of(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static const char *write_bytes(const char *name, const void *data, size_t len)
{
    static char path[512];
    path_of(name, path, sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static const char *write_text(const char *name, const char *text)
{
    return write_bytes(name, text, strlen(text));
}

static pd_table *open_ok(const char *path, const char *hint)
{
    pd_table *t = NULL;
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_table_open(path, hint, &t, &err);
    if (rc != PD_OK)
        fail_msg("pd_table_open(%s): %s", path, err.message);
    return t;
}

/* Reads the next row and checks its line and cells (NULL-terminated list of expected texts). */
static void expect_row(pd_table *t, int64_t want_line, ...)
{
    char **cells;
    int n;
    int64_t line;
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_table_next(t, &cells, &n, &line, &err);
    if (rc != 1)
        fail_msg("expected a row at line %lld, got %d (%s)", (long long)want_line, rc, err.message);
    assert_int_equal(line, want_line);
    va_list ap;
    va_start(ap, want_line);
    int i = 0;
    for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *), i++) {
        if (i >= n)
            fail_msg("line %lld: %d cells, wanted more (\"%s\")", (long long)line, n, want);
        assert_string_equal(cells[i], want);
    }
    va_end(ap);
    assert_int_equal(n, i);
}

static void expect_end(pd_table *t)
{
    char **cells;
    int n;
    int64_t line;
    pd_err err;
    assert_int_equal(pd_table_next(t, &cells, &n, &line, &err), 0);
    assert_true(pd_table_progress(t) > 0.99);
}

/* Opening must fail (or, if it opens, reading must fail) with a message containing every needle. */
static pd_err expect_refused(const char *path, const char *hint, int64_t line, ...)
{
    pd_table *t = NULL;
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_table_open(path, hint, &t, &err);
    if (rc == PD_OK) {
        char **cells;
        int n;
        int64_t l;
        while ((rc = pd_table_next(t, &cells, &n, &l, &err)) == 1)
            ;
        assert_int_equal(rc, -1);
        assert_int_equal(pd_table_next(t, &cells, &n, &l, &err), -1); /* sticky */
        pd_table_close(t);
    }
    assert_int_not_equal(err.code, PD_OK);
    va_list ap;
    va_start(ap, line);
    for (const char *needle = va_arg(ap, const char *); needle; needle = va_arg(ap, const char *))
        if (!strstr(err.message, needle))
            fail_msg("message \"%s\" lacks \"%s\"", err.message, needle);
    va_end(ap);
    if (line > 0) {
        char want[32];
        snprintf(want, sizeof want, "line %lld", (long long)line);
        assert_string_equal(err.field, want);
    }
    return err;
}

/* ---- CSV ---- */

static void test_csv_quoting_and_lines(void **state)
{
    (void)state;
    const char *p = write_text("q.csv", "a,b,c\n"
                                        "\"x,1\",\"he said \"\"hi\"\"\",\"multi\nline\"\n"
                                        "last,,\"\"\n"
                                        "plain\"quote,\"q\"after,\n");
    pd_table *t = open_ok(p, NULL);
    assert_string_equal(pd_table_format(t), "csv");
    assert_string_equal(pd_table_encoding(t), "utf-8");
    expect_row(t, 1, "a", "b", "c", NULL);
    expect_row(t, 2, "x,1", "he said \"hi\"", "multi\nline", NULL);
    expect_row(t, 4, "last", "", "", NULL);
    expect_row(t, 5, "plain\"quote", "qafter", "", NULL);
    expect_end(t);
    pd_table_close(t);
}

static void test_csv_bom_semicolon_crlf(void **state)
{
    (void)state;
    const char *p = write_text("bom.csv", "\xEF\xBB\xBFHọ và tên;Ngày sinh;Ghi chú\r\n"
                                          "Nguyễn Văn An;15/03/1985;\"a;b\r\nc\"\r\n"
                                          "\r\n"
                                          ";;\r\n"
                                          "Đặng Thị Ánh;1990;x");
    pd_table *t = open_ok(p, "csv");
    assert_string_equal(pd_table_encoding(t), "utf-8-bom");
    expect_row(t, 1, "Họ và tên", "Ngày sinh", "Ghi chú", NULL);
    expect_row(t, 2, "Nguyễn Văn An", "15/03/1985", "a;b\r\nc", NULL);
    expect_row(t, 6, "Đặng Thị Ánh", "1990", "x", NULL); /* blank and ";;" rows skipped */
    expect_end(t);
    pd_table_close(t);
}

static void test_csv_tab_cr_and_sep_line(void **state)
{
    (void)state;
    pd_table *t = open_ok(write_text("tab.csv", "a\tb,c\tz\rd\te\tf\r"), NULL);
    expect_row(t, 1, "a", "b,c", "z", NULL);
    expect_row(t, 2, "d", "e", "f", NULL);
    expect_end(t);
    pd_table_close(t);
    t = open_ok(write_text("sep.csv", "sep=;\r\nx;y,z\r\n1;2\r\n"), NULL);
    expect_row(t, 2, "x", "y,z", NULL);
    expect_row(t, 3, "1", "2", NULL);
    expect_end(t);
    pd_table_close(t);
    /* More commas than semicolons in the header: comma wins even if data has semicolons. */
    t = open_ok(write_text("comma.csv", "a,b;c\n1,2;3\n"), NULL);
    expect_row(t, 1, "a", "b;c", NULL);
    expect_row(t, 2, "1", "2;3", NULL);
    pd_table_close(t);
}

/* Many rows crossing the 1 MiB read chunks, with a quoted field straddling chunk borders. */
static void test_csv_many_rows_line_numbers(void **state)
{
    (void)state;
    char path[512];
    path_of("big.csv", path, sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("id,name,note\r\n", f);
    for (int i = 1; i <= 60000; i++)
        fprintf(f, "%d,Nguyễn Văn %d,\"dòng %d\r\nhai\"\r\n", i, i, i);
    fclose(f);
    pd_table *t = open_ok(path, NULL);
    expect_row(t, 1, "id", "name", "note", NULL);
    char **cells;
    int n;
    int64_t line;
    pd_err err;
    for (int i = 1; i <= 60000; i++) {
        assert_int_equal(pd_table_next(t, &cells, &n, &line, &err), 1);
        assert_int_equal(line, 2 * i);
        assert_int_equal(atoi(cells[0]), i);
        char want[64];
        snprintf(want, sizeof want, "dòng %d\r\nhai", i);
        assert_string_equal(cells[2], want);
    }
    expect_end(t);
    pd_table_close(t);
}

static void test_csv_empty_files(void **state)
{
    (void)state;
    expect_refused(write_text("empty.csv", ""), NULL, 0, "Tệp trống", NULL);
    expect_refused(write_text("blank.csv", "\xEF\xBB\xBF\r\n  \r\n"), NULL, 0, "Tệp trống", NULL);
    /* Only empty rows: opens, yields nothing. */
    pd_table *t = open_ok(write_text("commas.csv", ",,\n,,\n"), NULL);
    expect_end(t);
    pd_table_close(t);
}

static void test_csv_utf16(void **state)
{
    (void)state;
    const char le[] = "\xFF\xFEH\0o\0,\0t\0\r\0\n\0";
    expect_refused(write_bytes("u16.csv", le, sizeof le - 1), NULL, 0, "Tệp được mã hóa UTF-16 LE",
                   "hãy lưu lại dưới dạng CSV UTF-8", NULL);
    const char be[] = "\xFE\xFF\0H\0o";
    expect_refused(write_bytes("u16be.csv", be, sizeof be - 1), NULL, 0, "UTF-16 BE", NULL);
    const char nobom[] = "H\0o\0 \0t\0\xEA\0n\0,\0S\0\x10\x01T\0\r\0\n\0";
    expect_refused(write_bytes("u16nobom.csv", nobom, sizeof nobom - 1), NULL, 0, "UTF-16 LE",
                   NULL);
}

static void test_csv_windows_1258(void **state)
{
    (void)state;
    /* "Nguyễn Văn Đức" in Windows-1258: ê = EA, combining tilde = DE, ă = E3, Đ = D0, ư = FD,
     * combining acute = EC. */
    const char *p = write_text("cp1258.csv", "Ho va ten,SDT\r\n"
                                             "Tran Van Binh,0912345678\r\n"
                                             "Nguy\xEA\xDEn V\xE3n \xD0\xFD\xEC"
                                             "c,0987654321\r\n");
    pd_table *t = open_ok(p, NULL);
    expect_row(t, 1, "Ho va ten", "SDT", NULL);
    expect_row(t, 2, "Tran Van Binh", "0912345678", NULL);
    pd_table_close(t);
    pd_err e = expect_refused(p, NULL, 3, "Tệp không phải UTF-8", "Windows-1258", "dòng 3",
                              "CSV UTF-8", "Nguyễn Văn Đức", NULL);
    assert_int_equal(e.code, PD_EINVAL);
    /* A quoted cell spanning lines: the line of the bad byte is named. */
    expect_refused(write_text("cp1258b.csv", "a,b\n\"x\ny\",\"z\nNguy\xEA\xDEn\"\n"), NULL, 4,
                   "Windows-1258", "dòng 4", NULL);
    /* 0x81 is not a character of Windows-1258 either. */
    expect_refused(write_text("bad.csv", "a,b\n\x81\x81,c\n"), NULL, 2, "không phải UTF-8",
                   "không nhận ra được bảng mã", NULL);
    /* Overlong encodings and surrogates are not UTF-8. */
    expect_refused(write_text("overlong.csv", "a\n\xC0\xAF\n"), NULL, 2, "không phải UTF-8", NULL);
    expect_refused(write_text("surrogate.csv", "a\n\xED\xA0\x80\n"), NULL, 2, "không phải UTF-8",
                   NULL);
}

static void test_csv_binary_and_broken_quotes(void **state)
{
    (void)state;
    const char bin[] = "a,b\n1,2\nx\0y\n";
    expect_refused(write_bytes("bin.csv", bin, sizeof bin - 1), NULL, 3, "byte NUL", "dòng 3",
                   NULL);
    expect_refused(write_text("open.csv", "a,b\n1,2\n3,\"never closed\n4,5\n"), NULL, 3,
                   "ngoặc kép", "dòng 3", NULL);
    expect_refused(write_text("pdf.csv", "%PDF-1.4\n\x81\x01\x02\xFF\n"), NULL, 2,
                   "không nhận ra được bảng mã", NULL);
    expect_refused(write_bytes("xls.csv", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10), NULL, 0,
                   ".xls", NULL);
    expect_refused(write_text("hint.csv", "a,b\n"), "xlsx", 0, "không phải bảng tính .xlsx", NULL);
    expect_refused(write_text("hint2.csv", "a,b\n"), "ods", 0, "không được hỗ trợ", NULL);
    char missing[512];
    path_of("no-such-file.csv", missing, sizeof missing);
    pd_err e = expect_refused(missing, NULL, 0, "Không mở được", NULL);
    assert_int_equal(e.code, PD_EIO);
}

/* ---- XLSX ---- */

static void write_people_xlsx(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Danh sách");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    lxw_format *builtin = workbook_add_format(wb);
    format_set_num_format_index(builtin, 14);
    lxw_format *dt = workbook_add_format(wb);
    format_set_num_format(dt, "[$-42A]dd/mm/yyyy hh:mm");
    lxw_format *money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0 \"đ\";[Red]-#,##0");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    worksheet_write_string(ws, 0, 0, "Họ và tên", bold);
    worksheet_write_string(ws, 0, 1, "Số điện thoại", NULL);
    worksheet_write_string(ws, 0, 2, "Ngày sinh", NULL);
    worksheet_write_string(ws, 0, 4, "Ghi chú", NULL); /* D1 left empty: a gap */
    worksheet_write_string(ws, 1, 0, "Nguyễn Văn An", NULL);
    worksheet_write_number(ws, 1, 1, 912345678, NULL);
    lxw_datetime d1 = {1985, 3, 15, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 2, &d1, date);
    worksheet_write_number(ws, 1, 3, 1.5, NULL);
    worksheet_write_boolean(ws, 1, 4, 1, NULL);
    worksheet_write_string(ws, 2, 0, "Đặng Thị Ánh", NULL);
    worksheet_write_number(ws, 2, 1, 123456789012.0, NULL);
    lxw_datetime d2 = {2001, 12, 31, 0, 0, 0};
    worksheet_write_datetime(ws, 2, 2, &d2, builtin);
    worksheet_write_number(ws, 2, 3, 0.1 + 0.2, NULL);
    lxw_rich_string_tuple f1 = {.format = bold, .string = "Chủ "};
    lxw_rich_string_tuple f2 = {.format = NULL, .string = "hộ"};
    lxw_rich_string_tuple *rich[] = {&f1, &f2, NULL};
    worksheet_write_rich_string(ws, 2, 4, rich, NULL);
    /* Row 4 empty; row 5 has only a far column and odd numbers. */
    worksheet_write_number(ws, 4, 1, 1e20, NULL);
    worksheet_write_number(ws, 4, 2, 1.5e-7, NULL);
    worksheet_write_number(ws, 4, 3, -42, money);
    lxw_datetime d3 = {2021, 11, 15, 8, 30, 0};
    worksheet_write_datetime(ws, 4, 4, &d3, dt);
    worksheet_write_string(ws, 5, 27, "AB6", NULL);
    worksheet_write_string(ws, 6, 0, "tab_x0009_escaped", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_xlsx_values(void **state)
{
    (void)state;
    char path[512];
    path_of("people.xlsx", path, sizeof path);
    write_people_xlsx(path);
    pd_table *t = open_ok(path, NULL);
    assert_string_equal(pd_table_format(t), "xlsx");
    assert_string_equal(pd_table_encoding(t), "xlsx");
    expect_row(t, 1, "Họ và tên", "Số điện thoại", "Ngày sinh", "", "Ghi chú", NULL);
    expect_row(t, 2, "Nguyễn Văn An", "912345678", "1985-03-15", "1.5", "TRUE", NULL);
    expect_row(t, 3, "Đặng Thị Ánh", "123456789012", "2001-12-31", "0.3", "Chủ hộ", NULL);
    expect_row(t, 5, "", "100000000000000000000", "0.00000015", "-42", "2021-11-15 08:30", NULL);
    char **cells;
    int n;
    int64_t line;
    pd_err err;
    assert_int_equal(pd_table_next(t, &cells, &n, &line, &err), 1);
    assert_int_equal(line, 6);
    assert_int_equal(n, 28);
    assert_string_equal(cells[27], "AB6");
    assert_string_equal(cells[26], "");
    /* "_x0009_" is how OOXML escapes a tab (libxlsxwriter writes the text as given). */
    expect_row(t, 7, "tab\tescaped", NULL);
    expect_end(t);
    pd_table_close(t);
}

/* Constant-memory mode writes inline strings; a hidden first sheet is passed over. */
static void test_xlsx_inline_strings_hidden_sheet(void **state)
{
    (void)state;
    char path[512];
    path_of("inline.xlsx", path, sizeof path);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *hidden = workbook_add_worksheet(wb, "Mã");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Dữ liệu");
    worksheet_write_string(hidden, 0, 0, "lookup", NULL);
    worksheet_write_string(ws, 0, 0, "Họ và tên", NULL);
    worksheet_write_string(ws, 0, 1, "SĐT", NULL);
    worksheet_write_string(ws, 1, 0, "Lê Thị Hồng", NULL);
    worksheet_write_string(ws, 1, 1, "0912345678", NULL);
    worksheet_activate(ws);
    worksheet_hide(hidden);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    pd_table *t = open_ok(path, "xlsx");
    expect_row(t, 1, "Họ và tên", "SĐT", NULL);
    expect_row(t, 2, "Lê Thị Hồng", "0912345678", NULL);
    expect_end(t);
    pd_table_close(t);
}

static void zip_add_text(zip_t *z, const char *name, const char *text)
{
    zip_source_t *s = zip_source_buffer(z, text, strlen(text), 0);
    assert_non_null(s);
    assert_true(zip_file_add(z, name, s, ZIP_FL_OVERWRITE) >= 0);
}

static const char wb_xml[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels_xml[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* A hand-made package with the given sheet XML (and shared strings if sst is not NULL). */
static void write_package(const char *path, const char *sheet, const char *sst)
{
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    zip_add_text(z, "xl/workbook.xml", wb_xml);
    zip_add_text(z, "xl/_rels/workbook.xml.rels", rels_xml);
    zip_add_text(z, "xl/worksheets/sheet1.xml", sheet);
    if (sst)
        zip_add_text(z, "xl/sharedStrings.xml", sst);
    assert_int_equal(zip_close(z), 0);
}

static void test_xlsx_hand_made(void **state)
{
    (void)state;
    char path[512];
    path_of("hand.xlsx", path, sizeof path);
    /* Prefixed namespace, cells out of order and without r, shared strings with a phonetic run,
     * a formula string and an error. */
    write_package(path,
                  "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
                  "main\"><x:sheetData><x:row r=\"3\"><x:c r=\"B3\" t=\"s\"><x:v>1</x:v></x:c>"
                  "<x:c t=\"s\"><x:v>0</x:v></x:c><x:c r=\"E3\" t=\"str\"><x:f>A1</x:f>"
                  "<x:v>kết quả</x:v></x:c><x:c r=\"F3\" t=\"e\"><x:v>#N/A</x:v></x:c></x:row>"
                  "<x:row><x:c><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>",
                  "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                  "<si><t>Hà Nội</t></si><si><r><t>Bắc </t></r><r><t xml:space=\"preserve\">"
                  "Kạn</t></r><rPh><t>phonetic</t></rPh></si></sst>");
    pd_table *t = open_ok(path, NULL);
    expect_row(t, 3, "", "Bắc Kạn", "Hà Nội", "", "kết quả", "#N/A", NULL);
    expect_row(t, 4, "7", NULL);
    expect_end(t);
    pd_table_close(t);
}

static void test_xlsx_malformed(void **state)
{
    (void)state;
    char path[512];
    path_of("broken.xlsx", path, sizeof path);
    write_package(path, "<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row><row><c>", NULL);
    pd_table *t = open_ok(path, NULL);
    expect_row(t, 1, "1", NULL);
    pd_table_close(t);
    expect_refused(path, NULL, 0, "XLSX bị hỏng", "XML", NULL);
    write_package(path,
                  "<worksheet><sheetData><row><c t=\"s\"><v>5</v></c></row></sheetData>"
                  "</worksheet>",
                  NULL);
    expect_refused(path, NULL, 1, "chuỗi dùng chung", NULL);
    write_package(path, "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>", NULL);
    expect_refused(path, NULL, 0, "DOCTYPE", NULL);
    /* Not a workbook at all, a truncated ZIP, and garbage with a ZIP signature. */
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    zip_add_text(z, "hello.txt", "hi");
    zip_close(z);
    expect_refused(path, NULL, 0, "không phải bảng tính XLSX", NULL);
    char good[512];
    path_of("people.xlsx", good, sizeof good);
    write_people_xlsx(good);
    FILE *f = fopen(good, "rb");
    char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    expect_refused(write_bytes("cut.xlsx", buf, n / 2), NULL, 0, "XLSX bị hỏng", NULL);
    expect_refused(write_bytes("sig.xlsx", "PK\3\4garbage", 11), NULL, 0, "XLSX bị hỏng", NULL);
    expect_refused(write_bytes("zip.csv", "PK\3\4garbage", 11), "csv", 0, "không phải CSV", NULL);
}

/* A zip source yielding `size` zero bytes without holding them. */
typedef struct zeros {
    zip_uint64_t size, at;
} zeros;

static zip_int64_t zeros_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    zeros *z = ud;
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        z->at = 0;
        return 0;
    case ZIP_SOURCE_READ: {
        zip_uint64_t n = z->size - z->at < len ? z->size - z->at : len;
        memset(data, 0, n);
        z->at += n;
        return (zip_int64_t)n;
    }
    case ZIP_SOURCE_STAT: {
        zip_stat_t *st = data;
        zip_stat_init(st);
        st->size = z->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
    }
    case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
    case ZIP_SOURCE_ERROR:
        return 2 * sizeof(int);
    default:
        return 0;
    }
}

/* A sheet that inflates to more than 1 GiB is refused before any of it is parsed. */
static void test_xlsx_zip_bomb(void **state)
{
    (void)state;
    char path[512];
    path_of("bomb.xlsx", path, sizeof path);
    int zerr;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    zip_add_text(z, "xl/workbook.xml", wb_xml);
    zip_add_text(z, "xl/_rels/workbook.xml.rels", rels_xml);
    zeros zs = {.size = ((zip_uint64_t)1 << 30) + 1};
    zip_source_t *s = zip_source_function(z, zeros_cb, &zs);
    zip_int64_t idx = zip_file_add(z, "xl/worksheets/sheet1.xml", s, 0);
    assert_true(idx >= 0);
    zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 1);
    assert_int_equal(zip_close(z), 0);
    pd_err e = expect_refused(path, NULL, 0, "quá lớn", NULL);
    assert_int_equal(e.code, PD_ELIMIT);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/pd-table-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The first ill-formed offset per Unicode Table 3-7, written out byte by byte. */
static size_t ref_invalid_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], lo = 0x80, hi = 0xBF;
        size_t extra;
        if (c <= 0x7F) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c == 0xE0) {
            extra = 2, lo = 0xA0;
        } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
            extra = 2;
        } else if (c == 0xED) {
            extra = 2, hi = 0x9F;
        } else if (c == 0xF0) {
            extra = 3, lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            extra = 3;
        } else if (c == 0xF4) {
            extra = 3, hi = 0x8F;
        } else {
            return i;
        }
        if (i + extra >= n)
            return i;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= extra; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return i;
        i += extra + 1;
    }
    return n;
}

/* The record check of the CSV reader (with its inline paths for 2-byte and E1-EC sequences) against
 * the table: every 2- and 3-byte sequence after an ASCII byte, cut short or not, then random
 * mixes. */
static void test_utf8_invalid_at(void **state)
{
    (void)state;
    unsigned char s[64];
    for (unsigned a = 0x80; a <= 0xFF; a++)
        for (unsigned b = 0; b <= 0xFF; b++)
            for (unsigned c = 0; c <= 0xFF; c += (a >= 0xE0 && a <= 0xEF) ? 1 : 0x100) {
                unsigned char t[4] = {'x', (unsigned char)a, (unsigned char)b, (unsigned char)c};
                for (size_t n = 1; n <= 4; n++)
                    if (pd_utf8_invalid_at(t, n) != ref_invalid_at(t, n))
                        fail_msg("%02X %02X %02X, %zu bytes: %zu, want %zu", a, b, c, n,
                                 pd_utf8_invalid_at(t, n), ref_invalid_at(t, n));
            }
    static const char *const parts[] = {"a",     "Nguyễn", " ", "ệ",      "\xC3", "\xE1\xBB",
                                        "\xED\xA0\x80", "日本", "😀", "\xF4\x90\x80\x80", "abcdefgh",
                                        "\xC0\xAF", "\x80",  "ư"};
    unsigned seed = 7;
    for (int round = 0; round < 20000; round++) {
        size_t n = 0;
        for (int k = 0; k < 6; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % (sizeof parts / sizeof parts[0])];
            if (n + strlen(p) > sizeof s)
                break;
            memcpy(s + n, p, strlen(p));
            n += strlen(p);
        }
        if (pd_utf8_invalid_at(s, n) != ref_invalid_at(s, n))
            fail_msg("round %d: %zu, want %zu", round, pd_utf8_invalid_at(s, n),
                     ref_invalid_at(s, n));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_quoting_and_lines),
        cmocka_unit_test(test_csv_bom_semicolon_crlf),
        cmocka_unit_test(test_csv_tab_cr_and_sep_line),
        cmocka_unit_test(test_csv_many_rows_line_numbers),
        cmocka_unit_test(test_csv_empty_files),
        cmocka_unit_test(test_csv_utf16),
        cmocka_unit_test(test_csv_windows_1258),
        cmocka_unit_test(test_csv_binary_and_broken_quotes),
        cmocka_unit_test(test_xlsx_values),
        cmocka_unit_test(test_xlsx_inline_strings_hidden_sheet),
        cmocka_unit_test(test_xlsx_hand_made),
        cmocka_unit_test(test_xlsx_malformed),
        cmocka_unit_test(test_xlsx_zip_bomb),
        cmocka_unit_test(test_utf8_invalid_at),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
