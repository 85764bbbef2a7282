/* Unit tests of people import/export: a good file imports every row and household (with spreadsheet
 * artefacts repaired), one bad row imports nothing and is named by line and field, duplicates
 * inside the file, scope, header problems, cancellation, refused encodings, XLSX input, and export
 * to CSV and XLSX that imports back; the bulk paths (a parsing thread, indexes built after the
 * load, the name index built beside and transplanted) against the plain ones, and a rejected bulk
 * load restoring everything. Each test works on a fresh copy of a database with the units loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "auth/auth.h"
#include "base/text.h"
#include "people/transfer.h"
#include "store/db.h"
#include "units/units.h"

static char dir[256];
static char template_db[300];

typedef struct fixture {
    char db_path[300];
    sqlite3 *db;
    pd_actor actor;
    pd_import_report *report;
    pd_err err;
} fixture;

static const char header[] = "STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,SĐT,Mã xã,Địa chỉ,Mã "
                             "hộ,Quan hệ với chủ hộ,Ghi chú\r\n";

/* Five people, two households; phone and CCCD typed as numbers (zeros lost), unit code "1". */
static const char good_rows[] =
    "1,Nguyễn Văn An,15/03/1985,Nam,1085012345,912345678,1,\"Số 1, Phúc Xá\",H1,Chủ hộ,\r\n"
    "2,Trần Thị Bình,1987-06-01,Nữ,001187004321,0987654321,00001,\"Số 1, Phúc Xá\",H1,Vợ,\r\n"
    "3,Nguyễn Văn Cường,2010,Nam,,0987654321,00001,,H1,Con,=1+1\r\n"
    "4,Lê Thị Dung,1960,nữ,,+84 912 000 111,00004,Trúc Bạch,H2,Chủ hộ,\r\n"
    "5,Phạm Văn Em,1999,M,,,00004,,,,\"ghi chú, có dấu phẩy\"\r\n";

static const char *write_file(const char *name, const char *a, const char *b)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(a, f);
    if (b)
        fputs(b, f);
    fclose(f);
    return path;
}

static int64_t count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

static int fixture_setup(void **state)
{
    static int counter;
    fixture *f = calloc(1, sizeof *f);
    f->report = calloc(1, sizeof *f->report);
    snprintf(f->db_path, sizeof f->db_path, "%s/t%d.db", dir, ++counter);
    copy_file(template_db, f->db_path);
    f->db = pd_db_open_existing(f->db_path, &f->err);
    assert_non_null(f->db);
    f->actor = pd_actor_cli();
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture *f = *state;
    pd_db_close(f->db);
    free(f->report);
    free(f);
    return 0;
}

static int import(fixture *f, const char *path, const pd_import_options *opt)
{
    pd_err_clear(&f->err);
    return pd_people_import(f->db, &f->actor, path, opt, f->report, &f->err);
}

static void expect_error(const pd_import_report *r, int i, int64_t line, const char *field,
                         const char *needle)
{
    assert_true(i < r->errors_kept);
    const pd_row_error *e = &r->errors[i];
    if (e->line != line || strcmp(e->field, field) != 0 || !strstr(e->message, needle))
        fail_msg("error %d: line %lld field %s \"%s\"; wanted line %lld field %s with \"%s\"", i,
                 (long long)e->line, e->field, e->message, (long long)line, field, needle);
}

/* ---- import ---- */

typedef struct progress_log {
    int calls, cancel_after;
    bool saw_write;
} progress_log;

static int on_progress(const char *phase, int64_t done, int64_t total, void *ctx)
{
    progress_log *l = ctx;
    l->calls++;
    assert_true(done <= total);
    if (strcmp(phase, "write") == 0)
        l->saw_write = true;
    else
        assert_string_equal(phase, "validate");
    return l->cancel_after && l->calls >= l->cancel_after;
}

static void test_import_good_file(void **state)
{
    fixture *f = *state;
    progress_log log = {0};
    pd_import_options opt = {.progress = on_progress, .progress_ctx = &log};
    int rc = import(f, write_file("good.csv", header, good_rows), &opt);
    if (rc != PD_OK)
        fail_msg("import: %s (%s)", f->err.message,
                 f->report->errors_kept ? f->report->errors[0].message : "");
    pd_import_report *r = f->report;
    assert_int_equal(r->rows_total, 5);
    assert_int_equal(r->rows_imported, 5);
    assert_int_equal(r->households_imported, 2);
    assert_int_equal(r->error_count, 0);
    assert_string_equal(r->format, "csv");
    assert_true(log.saw_write);
    sqlite3 *db = f->db;
    assert_int_equal(count(db, "SELECT count(*) FROM people"), 5);
    assert_int_equal(count(db, "SELECT count(*) FROM households"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM people WHERE full_name = 'Nguyễn Văn An' AND"
                               " phone = '0912345678' AND id_number = '001085012345' AND"
                               " id_type = 'cccd' AND unit_code = '00001' AND sex = 'M' AND"
                               " birth_date = '1985-03-15'"),
                     1);
    /* The head of H1 is An; the three of H1 share one household. */
    assert_int_equal(count(db, "SELECT count(*) FROM households h JOIN people p ON"
                               " p.id = h.head_person_id WHERE p.full_name = 'Nguyễn Văn An'"),
                     1);
    assert_int_equal(count(db, "SELECT count(DISTINCT household_id) FROM people WHERE full_name IN"
                               " ('Nguyễn Văn An', 'Trần Thị Bình', 'Nguyễn Văn Cường')"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM people WHERE household_id IS NULL"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM people WHERE phone = '0912000111'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM people WHERE note = '=1+1'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'import' AND"
                               " entity = 'person' AND detail LIKE '%good.csv%'"),
                     1);
}

static void test_import_one_bad_row_imports_nothing(void **state)
{
    fixture *f = *state;
    const char *rows = "1,Nguyễn Văn An,15/03/1985,Nam,,0912345678,00001,,,,\r\n"
                       "2,Trần Thị Bình,1987,Nữ,,091234,00001,,,,\r\n"
                       "3,Lê Văn Chi,1990,Nam,,0987654321,00001,,,,\r\n";
    int rc = import(f, write_file("bad.csv", header, rows), NULL);
    assert_int_equal(rc, PD_EINVAL);
    pd_import_report *r = f->report;
    assert_int_equal(r->rows_total, 3);
    assert_int_equal(r->rows_imported, 0);
    assert_int_equal(r->error_count, 1);
    expect_error(r, 0, 3, "phone", "Số điện thoại");
    assert_int_equal(count(f->db, "SELECT count(*) FROM people"), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log WHERE action = 'import'"), 0);
    /* Rows on later lines of a quoted multi-line cell are named by the line they start on. */
    rows = "1,\"Nguyễn\nVăn An\",1985,Nam,,,00001,,,,\r\n"
           "2,Trần Thị Bình,31/02/1987,X,,,99999,,,,\r\n";
    rc = import(f, write_file("bad2.csv", header, rows), NULL);
    assert_int_equal(rc, PD_EINVAL);
    assert_int_equal(r->error_count, 3);
    expect_error(r, 0, 4, "sex", "Giới tính");
    expect_error(r, 1, 4, "birth_date", "Ngày sinh");
    expect_error(r, 2, 4, "unit_code", "Mã xã");
    assert_int_equal(count(f->db, "SELECT count(*) FROM people"), 0);
}

static void test_import_counts_every_error(void **state)
{
    fixture *f = *state;
    char path[512];
    snprintf(path, sizeof path, "%s/many.csv", dir);
    FILE *out = fopen(path, "wb");
    fputs(header, out);
    for (int i = 0; i < 1500; i++)
        fprintf(out, "%d,Người Số,1990,Nam,,12345,00001,,,,\r\n", i);
    fclose(out);
    assert_int_equal(import(f, path, NULL), PD_EINVAL);
    assert_int_equal(f->report->rows_total, 1500);
    assert_int_equal(f->report->error_count, 1500);
    assert_int_equal(f->report->errors_kept, PD_IMPORT_MAX_REPORTED_ERRORS);
    expect_error(f->report, 999, 1001, "phone", "Số điện thoại");
}

static void test_import_duplicates_in_file(void **state)
{
    fixture *f = *state;
    const char *rows = "1,Nguyễn Văn An,1985,Nam,001085012345,0912345678,00001,,H1,Chủ hộ,\r\n"
                       "2,Trần Thị Bình,1987,Nữ,,0912345678,00001,,H1,Vợ,\r\n"
                       "3,Lê Văn Chi,1985,Nam,001085012345,0987654321,00001,,,,\r\n"
                       "4,Lê Văn Dũng,1990,Nam,,0912345678,00001,,H2,Chủ hộ,\r\n"
                       "5,Lê Văn Em,1991,Nam,,,00004,,H2,Chủ hộ,\r\n";
    assert_int_equal(import(f, write_file("dup.csv", header, rows), NULL), PD_EINVAL);
    pd_import_report *r = f->report;
    assert_int_equal(r->error_count, 4); /* row 3 (wife sharing the head's phone) is fine */
    expect_error(r, 0, 4, "id_number", "trùng với dòng 2");
    expect_error(r, 1, 5, "phone", "trùng với dòng 2");
    expect_error(r, 2, 6, "household_key", "dòng 5");
    expect_error(r, 3, 6, "relation", "đã có chủ hộ ở dòng 5");
}

static void test_import_scope_and_permission(void **state)
{
    fixture *f = *state;
    f->actor = (pd_actor){.role = PD_ROLE_COMMUNE, .scope_level = PD_SCOPE_COMMUNE};
    snprintf(f->actor.username, sizeof f->actor.username, "xa-phuc-xa");
    snprintf(f->actor.scope_code, sizeof f->actor.scope_code, "00001");
    const char *rows = "1,Nguyễn Văn An,1985,Nam,,,00001,,,,\r\n"
                       "2,Trần Thị Bình,1987,Nữ,,,00004,,,,\r\n";
    assert_int_equal(import(f, write_file("scope.csv", header, rows), NULL), PD_EINVAL);
    assert_int_equal(f->report->error_count, 1);
    expect_error(f->report, 0, 3, "unit_code", "nằm ngoài phạm vi quản lý của tài khoản");
    assert_int_equal(count(f->db, "SELECT count(*) FROM people"), 0);
    f->actor.role = PD_ROLE_VIEWER;
    assert_int_equal(import(f, write_file("scope.csv", header, rows), NULL), PD_EDENIED);
}

static void test_import_header_problems(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        import(f, write_file("h1.csv", "Họ tên,Số nhà,Mã xã,Tuổi\nA,1,00001,3\n", NULL), NULL),
        PD_EINVAL);
    assert_int_equal(f->report->error_count, 0);
    assert_non_null(strstr(f->err.message, "\"Số nhà\", \"Tuổi\""));
    assert_int_equal(import(f, write_file("h2.csv", "Ngày sinh,Mã xã\n1990,00001\n", NULL), NULL),
                     PD_EINVAL);
    assert_non_null(strstr(f->err.message, "Họ và tên"));
    assert_int_equal(import(f, write_file("h3.csv", "Họ và tên\nNguyễn Văn An\n", NULL), NULL),
                     PD_EINVAL);
    assert_non_null(strstr(f->err.message, "Mã xã"));
    assert_int_equal(import(f, write_file("h4.csv", "full_name,phone,Phone\nA,,\n", NULL), NULL),
                     PD_EINVAL);
    assert_non_null(strstr(f->err.message, "Hai cột"));
    assert_int_equal(import(f, write_file("h5.csv", "Họ và tên,Mã xã\n", NULL), NULL), PD_EINVAL);
    assert_non_null(strstr(f->err.message, "không có dòng dữ liệu"));
    /* English names, a default unit, an empty-headed column that must stay empty. */
    pd_import_options opt = {.default_unit = "00001"};
    const char *p = write_file("h6.csv",
                               "full_name;sex;birth_date;;phone\n"
                               "Nguyen Van An;male;1985;;0912345678\n"
                               "Tran Thi Binh;female;1987;oops;\n",
                               NULL);
    assert_int_equal(import(f, p, &opt), PD_EINVAL);
    assert_int_equal(f->report->error_count, 1);
    expect_error(f->report, 0, 3, "", "không có tiêu đề");
    p = write_file("h7.csv",
                   "full_name;sex;birth_date;;phone\n"
                   "Nguyen Van An;male;1985;;0912345678\n",
                   NULL);
    assert_int_equal(import(f, p, &opt), PD_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM people WHERE unit_code = '00001'"), 1);
}

static void test_import_cancel(void **state)
{
    fixture *f = *state;
    char path[512];
    snprintf(path, sizeof path, "%s/cancel.csv", dir);
    FILE *out = fopen(path, "wb");
    fputs(header, out);
    for (int i = 0; i < 2000; i++)
        fprintf(out, "%d,Người Thứ,1990,Nam,,,00001,,,,\r\n", i);
    fclose(out);
    progress_log log = {.cancel_after = 1};
    pd_import_options opt = {.progress = on_progress, .progress_ctx = &log};
    assert_int_equal(import(f, path, &opt), PD_ELIMIT);
    assert_string_equal(f->err.field, "cancelled");
    assert_int_equal(f->report->rows_imported, 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM people"), 0);
}

static void test_import_refused_files(void **state)
{
    fixture *f = *state;
    const char *p =
        write_file("cp.csv", header, "1,Nguy\xEA\xDEn V\xE3n An,1985,Nam,,,00001,,,,\r\n");
    assert_int_equal(import(f, p, NULL), PD_EINVAL);
    assert_int_equal(f->report->error_count, 0);
    assert_non_null(strstr(f->err.message, "Windows-1258"));
    /* Refused part-way after a rejected row: the refusal joins the report. */
    p = write_file("cp2.csv", header,
                   "1,Nguyễn Văn An,1985,Nam,,12,00001,,,,\r\n"
                   "2,Nguy\xEA\xDEn V\xE3n An,1985,Nam,,,00001,,,,\r\n");
    assert_int_equal(import(f, p, NULL), PD_EINVAL);
    assert_int_equal(f->report->error_count, 2);
    expect_error(f->report, 1, 3, "file", "Windows-1258");
    assert_int_equal(import(f, write_file("empty.csv", "", NULL), NULL), PD_EINVAL);
    assert_non_null(strstr(f->err.message, "Tệp trống"));
    assert_int_equal(count(f->db, "SELECT count(*) FROM people"), 0);
}

static void test_import_xlsx(void **state)
{
    fixture *f = *state;
    char path[512];
    snprintf(path, sizeof path, "%s/people.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    const char *heads[] = {"Họ và tên", "Ngày sinh",     "Giới tính",
                           "Số CCCD",   "Số điện thoại", "Mã xã"};
    for (int c = 0; c < 6; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, heads[c], NULL);
    worksheet_write_string(ws, 1, 0, "Đặng Thị Ánh", NULL);
    lxw_datetime d = {1987, 6, 1, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 1, &d, date);
    worksheet_write_string(ws, 1, 2, "Nữ", NULL);
    worksheet_write_number(ws, 1, 3, 1187004321, NULL);
    worksheet_write_number(ws, 1, 4, 912345678, NULL);
    worksheet_write_number(ws, 1, 5, 1, NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    int rc = import(f, path, NULL);
    if (rc != PD_OK)
        fail_msg("%s / %s", f->err.message,
                 f->report->errors_kept ? f->report->errors[0].message : "");
    assert_string_equal(f->report->format, "xlsx");
    assert_int_equal(count(f->db, "SELECT count(*) FROM people WHERE full_name = 'Đặng Thị Ánh' AND"
                                  " birth_date = '1987-06-01' AND id_number = '001187004321' AND"
                                  " phone = '0912345678' AND unit_code = '00001'"),
                     1);
}

/* ---- export ---- */

static void test_export_and_reimport(void **state)
{
    fixture *f = *state;
    assert_int_equal(import(f, write_file("good.csv", header, good_rows), NULL), PD_OK);
    pd_people_query q;
    memset(&q, 0, sizeof q);
    char csv[512], xlsx[512];
    snprintf(csv, sizeof csv, "%s/out.csv", dir);
    snprintf(xlsx, sizeof xlsx, "%s/out.xlsx", dir);
    int64_t rows = 0;
    assert_int_equal(pd_people_export(f->db, &f->actor, &q, csv, "csv", &rows, &f->err), PD_OK);
    assert_int_equal(rows, 5);
    assert_int_equal(pd_people_export(f->db, &f->actor, &q, xlsx, "xlsx", &rows, &f->err), PD_OK);
    assert_int_equal(rows, 5);
    snprintf(q.unit_code, sizeof q.unit_code, "00004");
    assert_int_equal(pd_people_export(f->db, &f->actor, &q, xlsx, "xlsx", &rows, &f->err), PD_OK);
    assert_int_equal(rows, 2);
    memset(&q, 0, sizeof q);
    assert_int_equal(pd_people_export(f->db, &f->actor, &q, xlsx, "xlsx", &rows, &f->err), PD_OK);
    assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log WHERE action = 'export'"), 4);
    /* The CSV: BOM, the importer's column names, RFC 4180 quoting, formulas defused. */
    FILE *in = fopen(csv, "rb");
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    const char *start = "\xEF\xBB\xBFHọ và tên,Ngày sinh,Giới tính,Loại giấy tờ,Số giấy tờ,";
    assert_memory_equal(text, start, strlen(start));
    assert_non_null(strstr(text, "\"Số 1, Phúc Xá\""));
    assert_non_null(strstr(text, "\"'=1+1\""));
    assert_non_null(strstr(text, ",0912345678,"));
    /* Both files import back into an empty database as the same people and households. */
    for (int i = 0; i < 2; i++) {
        void *st = NULL;
        fixture_setup(&st);
        fixture *fresh = st;
        pd_import_report *r = fresh->report;
        int rc = pd_people_import(fresh->db, &fresh->actor, i ? xlsx : csv, NULL, r, &fresh->err);
        if (rc != PD_OK)
            fail_msg("re-import %s: %s %s", i ? "xlsx" : "csv", fresh->err.message,
                     r->errors_kept ? r->errors[0].message : "");
        assert_int_equal(r->rows_imported, 5);
        assert_int_equal(r->households_imported, 2);
        assert_int_equal(count(fresh->db, "SELECT count(*) FROM people p JOIN households h ON"
                                          " h.head_person_id = p.id"),
                         2);
        assert_int_equal(count(fresh->db, "SELECT count(*) FROM people WHERE note = '=1+1' OR"
                                          " (phone = '0912345678' AND id_number = '001085012345'"
                                          " AND birth_date = '1985-03-15')"),
                         2);
        fixture_teardown(&st);
    }
    f->actor.role = PD_ROLE_TEAM;
    assert_int_equal(pd_people_export(f->db, &f->actor, &q, csv, "csv", &rows, &f->err),
                     PD_EDENIED);
    f->actor.role = PD_ROLE_ADMIN;
    assert_int_equal(pd_people_export(f->db, &f->actor, &q, csv, "pdf", &rows, &f->err), PD_EINVAL);
}

/* ---- the bulk paths: pipelined, deferred indexes, name index built beside ---- */

/* n people over two communes in households of three, with CCCDs and phones: several batches of the
 * pipeline. bad_row >= 0 gets a phone that is refused. */
static const char *write_people(const char *name, int n, int bad_row)
{
    static const char *const family[] = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Vũ", "Bùi"};
    static const char *const middle[] = {"Văn", "Thị", "Đức", "Ngọc", "Minh"};
    static const char *const given[] = {"An",  "Bình",  "Cường",   "Dũng", "Hương",
                                        "Lan", "Tuấn", "Ánh", "Phượng", "Yến"};
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    fputs(header, out);
    for (int i = 0; i < n; i++) {
        int year = 1950 + i % 60;
        bool female = i % 2 == 1;
        char cccd[48] = "", phone[32] = "";
        if (i % 3 != 2)
            snprintf(cccd, sizeof cccd, "001%d%02d%06d", (year >= 2000 ? 2 : 0) + female, year % 100,
                     i);
        if (i == bad_row)
            snprintf(phone, sizeof phone, "12345");
        else if (i % 4 != 3)
            snprintf(phone, sizeof phone, "09%08d", i);
        fprintf(out, "%d,%s %s %s,%02d/%02d/%d,%s,%s,%s,%s,\"Số %d, Phúc Xá\",H%d,%s,\r\n", i + 1,
                family[i % 8], middle[(i / 8) % 5], given[(i / 40) % 10], 1 + i % 28, 1 + i % 12,
                year, female ? "Nữ" : "Nam", cccd, phone, (i / 3) % 2 ? "00004" : "00001", i,
                i / 3, i % 3 == 0 ? "Chủ hộ" : "Con");
    }
    fclose(out);
    return path;
}

/* Rows of a query as text, one line each; ?1 is bound to base (ids are made relative to it). */
static char *dump(sqlite3 *db, const char *sql, int64_t base, const char *match)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_bind_int64(st, 1, base);
    if (match)
        sqlite3_bind_text(st, 2, match, -1, SQLITE_STATIC);
    pd_buf b;
    pd_buf_init(&b);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            pd_buf_printf(&b, "%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
        }
        pd_buf_puts(&b, "\n");
    }
    if (s != SQLITE_DONE)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return pd_buf_steal(&b);
}

/* Everything an import writes, ids relative to the first imported person (base) and household. */
static char *dump_import(sqlite3 *db, int64_t base)
{
    static const char *const queries[] = {
        "SELECT id - ?1, full_name, name_folded, birth_date, sex, id_type, id_number, phone,"
        " nationality, unit_code, area_code, district_code, province_code, address, household_id -"
        " (SELECT min(household_id) FROM people WHERE id >= ?1), relation, occupation, note, version"
        " FROM people WHERE id >= ?1 ORDER BY id",
        "SELECT unit_code, area_code, district_code, province_code, address, head_person_id - ?1"
        " FROM households WHERE id >= (SELECT min(household_id) FROM people WHERE id >= ?1)"
        " ORDER BY id"};
    pd_buf b;
    pd_buf_init(&b);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *d = dump(db, queries[i], base, NULL);
        pd_buf_puts(&b, d);
        free(d);
    }
    /* The name index: what searches find (prefixes, words, scope tokens), relative ids. */
    static const char *const matches[] = {"name:nguyen*", "name:thi",     "scope:c00004",
                                          "name:dang AND scope:c00001",   "name:anh",
                                          "name:phuong OR name:yen",      "name:t* AND scope:p01",
                                          "scope:d001 AND name:van"};
    for (size_t i = 0; i < sizeof matches / sizeof matches[0]; i++) {
        char *d = dump(db,
                       "SELECT rowid - ?1 FROM people_fts WHERE people_fts MATCH ?2 AND rowid >= ?1"
                       " ORDER BY rowid",
                       base, matches[i]);
        if (!d[0])
            fail_msg("nothing found for %s", matches[i]);
        pd_buf_printf(&b, "%s:\n%s", matches[i], d);
        free(d);
    }
    return pd_buf_steal(&b);
}

/* The schema of people and its name index: indexes, triggers, FTS table. */
static char *dump_schema(sqlite3 *db)
{
    return dump(db,
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('people', 'people_fts')"
                " OR name GLOB 'people_fts_*' ORDER BY type, name",
                0, NULL);
}

static void expect_integrity(sqlite3 *db)
{
    assert_int_equal(count(db, "SELECT count(*) FROM pragma_integrity_check WHERE"
                               " integrity_check <> 'ok'"),
                     0);
    char *msg = NULL;
    if (sqlite3_exec(db, "INSERT INTO people_fts(people_fts, rank) VALUES ('integrity-check', 0)",
                     NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("people_fts integrity-check: %s", msg);
}

typedef struct settings {
    int64_t foreign_keys, ignore_check, temp_store, cache_size;
} settings;

static settings read_settings(sqlite3 *db)
{
    settings s = {count(db, "PRAGMA foreign_keys"), count(db, "PRAGMA ignore_check_constraints"),
                  count(db, "PRAGMA temp_store"), count(db, "PRAGMA cache_size")};
    return s;
}

static bool dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = false;
    closedir(d);
    return empty;
}

/* The same file imported three ways gives the same rows, households and name index: into an empty
 * table with a parsing thread (indexes deferred, name index built beside and transplanted), into an
 * empty table on one thread (indexes deferred, name index filled at the end), and into a table that
 * already has a person (every index maintained). The schema, the connection's settings and the
 * temporary folder are left as they were (a builder file left by a killed import is removed), and
 * searching on the importing connection itself, which had used the name index before, finds the new
 * rows. */
static void test_import_bulk_paths_agree(void **state)
{
    fixture *a = *state;
    const char *file = write_people("people.csv", 700, -1);
    char side_dir[300];
    snprintf(side_dir, sizeof side_dir, "%s/side", dir);
    mkdir(side_dir, 0700);
    char *old_tmp = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
    setenv("TMPDIR", side_dir, 1);
    /* What a killed import leaves behind (no process has that pid): the next import removes it. */
    char stale[400];
    snprintf(stale, sizeof stale, "%s/phongdich-import-fts-999999999-AbCdEf", side_dir);
    fclose(fopen(stale, "wb"));

    char *schema = dump_schema(a->db);
    settings before = read_settings(a->db);
    assert_int_equal(count(a->db, "SELECT count(*) FROM people_fts WHERE people_fts MATCH"
                                  " 'name:nguyen*'"),
                     0);
    if (import(a, file, NULL) != PD_OK)
        fail_msg("pipelined import: %s", a->err.message);
    assert_int_equal(a->report->rows_imported, 700);
    assert_int_equal(a->report->households_imported, 234);
    assert_true(count(a->db, "SELECT count(*) FROM people_fts WHERE people_fts MATCH"
                             " 'name:nguyen*'") > 0);
    settings after = read_settings(a->db);
    assert_memory_equal(&before, &after, sizeof before);
    char *schema_a = dump_schema(a->db);
    assert_string_equal(schema_a, schema);
    assert_true(dir_is_empty(side_dir));
    expect_integrity(a->db);
    char *want = dump_import(a->db, 1);

    void *st = NULL;
    fixture_setup(&st); /* one thread */
    fixture *b = st;
    pd_import_options one = {.single_thread = true};
    if (import(b, file, &one) != PD_OK)
        fail_msg("single-thread import: %s", b->err.message);
    expect_integrity(b->db);
    char *got = dump_import(b->db, 1);
    assert_string_equal(got, want);
    free(got);
    char *vocab_sql = "SELECT term, doc FROM pd_vocab ORDER BY term";
    assert_int_equal(sqlite3_exec(a->db, "CREATE VIRTUAL TABLE temp.pd_vocab USING"
                                         " fts5vocab(main, people_fts, row)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(b->db, "CREATE VIRTUAL TABLE temp.pd_vocab USING"
                                         " fts5vocab(main, people_fts, row)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    char *va = dump(a->db, vocab_sql, 0, NULL), *vb = dump(b->db, vocab_sql, 0, NULL);
    assert_string_equal(va, vb);
    free(va);
    free(vb);
    fixture_teardown(&st);

    fixture_setup(&st); /* a table that already has someone */
    fixture *c = st;
    if (import(c, write_file("one.csv", header, "1,Hà Văn Một,1970,Nam,,,00001,,,,\r\n"), NULL) !=
        PD_OK)
        fail_msg("first import: %s", c->err.message);
    char *schema_c = dump_schema(c->db);
    assert_string_equal(schema_c, schema);
    if (import(c, file, NULL) != PD_OK)
        fail_msg("import into a non-empty table: %s", c->err.message);
    expect_integrity(c->db);
    got = dump_import(c->db, 2);
    assert_string_equal(got, want);
    free(got);
    assert_int_equal(count(c->db, "SELECT count(*) FROM people_fts WHERE people_fts MATCH"
                                  " 'name:mot AND scope:c00001'"),
                     1);
    fixture_teardown(&st);

    assert_true(dir_is_empty(side_dir));
    if (old_tmp)
        setenv("TMPDIR", old_tmp, 1);
    else
        unsetenv("TMPDIR");
    free(old_tmp);
    rmdir(side_dir);
    free(want);
    free(schema);
    free(schema_a);
    free(schema_c);
}

/* A bad row after several batches were written: nothing stays, the dropped indexes and the name
 * index are back as they were, and the next import works. */
static void test_import_rejected_bulk_restores(void **state)
{
    fixture *f = *state;
    char *schema = dump_schema(f->db);
    settings before = read_settings(f->db);
    assert_int_equal(import(f, write_people("late-bad.csv", 900, 800), NULL), PD_EINVAL);
    assert_int_equal(f->report->error_count, 1);
    expect_error(f->report, 0, 802, "phone", "Số điện thoại");
    assert_int_equal(f->report->rows_imported, 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM people"), 0);
    assert_int_equal(count(f->db, "SELECT count(*) FROM households"), 0);
    char *now = dump_schema(f->db);
    assert_string_equal(now, schema);
    settings after = read_settings(f->db);
    assert_memory_equal(&before, &after, sizeof before);
    expect_integrity(f->db);
    if (import(f, write_people("fixed.csv", 300, -1), NULL) != PD_OK)
        fail_msg("import after a rejected one: %s", f->err.message);
    assert_int_equal(count(f->db, "SELECT count(*) FROM people"), 300);
    expect_integrity(f->db);
    free(now);
    free(schema);
}

static void test_field_labels(void **state)
{
    (void)state;
    assert_string_equal(pd_import_field_label("phone"), "Số điện thoại");
    assert_string_equal(pd_import_field_label("household_key"), "Mã hộ");
    assert_string_equal(pd_import_field_label("file"), "file");
}

/* ---- group ---- */

static int group_setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/pd-transfer-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(template_db, sizeof template_db, "%s/template.db", dir);
    pd_err err;
    sqlite3 *db = pd_db_open(template_db, &err);
    int loaded = 0;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK) {
        fprintf(stderr, "template database: %s\n", err.message);
        return -1;
    }
    pd_db_close(db); /* checkpoints the WAL into the file, so a byte copy is complete */
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_import_good_file),
        T(test_import_one_bad_row_imports_nothing),
        T(test_import_counts_every_error),
        T(test_import_duplicates_in_file),
        T(test_import_scope_and_permission),
        T(test_import_header_problems),
        T(test_import_cancel),
        T(test_import_refused_files),
        T(test_import_xlsx),
        T(test_export_and_reimport),
        T(test_import_bulk_paths_agree),
        T(test_import_rejected_bulk_restores),
        cmocka_unit_test(test_field_labels),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
