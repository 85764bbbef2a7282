/* Unit tests of the bulk ingest (src/ingest/): times as other systems write them; check-ins from
 * CSV, JSON Lines and XLSX; idempotency by external id (a re-sent row is skipped and counted, never
 * stored twice, also within one file); all or nothing (every rejected row named by line and field,
 * the database unchanged); venue scope; how a person is named (CCCD, CMND, passport, phone; unknown
 * and ambiguous ones rejected); the large-file path (parsing thread, indexes rebuilt) and
 * cancelling it; and declarations recorded through the declarations module, with their alerts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "auth/auth.h"
#include "ingest/ingest.h"
#include "people/people.h"
#include "store/db.h"
#include "units/units.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */

static char dir[256];
static sqlite3 *db;
static int64_t market, school, far_venue, closed_venue;
static int64_t p_cccd, p_cmnd, p_passport, p_phone, p_far;
static pd_actor admin, district, district_060, province, commune, team, police;
static pd_ingest_report *rep;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    a.user_id = 200 + role;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "%s.%s", pd_role_name(role), code);
    return a;
}

static int64_t sql_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t sql_int(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static int64_t add_venue(const char *kind, const char *commune_code, const char *code, bool closed)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO venues(name, name_folded, kind, unit_code, district_code, province_code,"
             " public_code, closed_at, created_at, updated_at) SELECT 'V', 'v', '%s', code,"
             " district_code, province_code, '%s', %s, 1, 1 FROM units WHERE code = '%s'",
             kind, code, closed ? "1636000000" : "NULL", commune_code);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    return sqlite3_last_insert_rowid(db);
}

static int64_t add_person(const char *name, const char *id_number, const char *phone,
                          const char *commune_code)
{
    pd_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.full_name, sizeof p.full_name, "%s", name);
    snprintf(p.id_number, sizeof p.id_number, "%s", id_number);
    snprintf(p.phone, sizeof p.phone, "%s", phone);
    snprintf(p.unit_code, sizeof p.unit_code, "%s", commune_code);
    snprintf(p.birth_date, sizeof p.birth_date, "1990-05-17");
    snprintf(p.sex, sizeof p.sex, "M");
    pd_field_errors errs = {0};
    pd_duplicates dups = {0};
    pd_err err;
    pd_actor cli = pd_actor_cli();
    if (pd_person_create(db, &cli, &p, true, &errs, &dups, &err) != PD_OK)
        return -1;
    return p.id;
}

static int group_setup(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_ingest") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/ingest.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    market = add_venue("market", "01834", "chobackan001", false);
    school = add_venue("school", "01837", "truong00002", false);
    far_venue = add_venue("market", "00001", "hanoi000003", false);
    closed_venue = add_venue("restaurant", "01834", "dong0000004", true);
    p_cccd = add_person("Nguyễn Văn An", "006090000001", "0912000001", "01834");
    p_cmnd = add_person("Trần Thị Bình", "095000001", "", "01837");
    p_passport = add_person("John Smith", "X1234567", "", "01834");
    p_phone = add_person("Lê Văn Cường", "", "0912000002", "01840");
    add_person("Lê Thị Dung", "", "0912000003", "01840");
    add_person("Lê Văn Em", "", "0912000003", "01840"); /* a shared family phone */
    p_far = add_person("Phạm Văn Giang", "001090000009", "", "00001");
    admin = pd_actor_cli();
    district = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058");
    district_060 = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "060");
    province = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06");
    commune = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834");
    team = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834");
    police = actor_at(PD_ROLE_POLICE, PD_SCOPE_DISTRICT, "058");
    rep = calloc(1, sizeof *rep);
    return rep && market > 0 && p_far > 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    free(rep);
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

static const char *write_file(const char *name, const char *text)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int ingest(const pd_actor *a, pd_ingest_kind kind, const char *path, pd_err *err)
{
    pd_ingest_options opt = {.kind = kind};
    return pd_ingest_file(db, a, path, &opt, rep, err);
}

static void expect_ok(const pd_actor *a, const char *path, int64_t inserted, int64_t skipped)
{
    pd_err err;
    int rc = ingest(a, PD_INGEST_CHECKINS, path, &err);
    if (rc != PD_OK)
        fail_msg("ingest %s: %s; first row error: line %lld %s: %s", path, err.message,
                 rep->errors_kept ? (long long)rep->errors[0].line : 0LL,
                 rep->errors_kept ? rep->errors[0].field : "",
                 rep->errors_kept ? rep->errors[0].message : "");
    assert_int_equal(rep->rows_inserted, inserted);
    assert_int_equal(rep->rows_skipped, skipped);
    assert_int_equal(rep->error_count, 0);
}

static bool has_error(int64_t line, const char *field)
{
    for (int i = 0; i < rep->errors_kept; i++)
        if (rep->errors[i].line == line && strcmp(rep->errors[i].field, field) == 0)
            return true;
    return false;
}

/* ---- times ---- */

static void test_parse_time(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t want;
    } ok[] = {
        {"2021-11-15T08:30:00+07:00", T0},
        {"2021-11-15T01:30:00Z", T0},
        {"2021-11-15T08:30+07:00", T0},
        {"2021-11-15 08:30", T0},
        {"2021-11-15T08:30:00.123", T0},
        {"2021-11-15T09:30:00+0800", T0},
        {"15/11/2021 08:30", T0},
        {"15/11/2021 08:30:00", T0},
        {"5/1/2022 00:00", 1641315600},
        {" 2021-11-14T20:30:00-05:00 ", T0},
        {"2024-02-29T00:00:00Z", 1709164800},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t t = 0;
        if (!pd_ingest_parse_time(ok[i].text, &t))
            fail_msg("refused %s", ok[i].text);
        if (t != ok[i].want)
            fail_msg("%s: %lld, want %lld", ok[i].text, (long long)t, (long long)ok[i].want);
    }
    static const char *const bad[] = {
        "",
        "2021-11-15",
        "2021-11-15T25:00",
        "2021-02-29T08:00",
        "15/13/2021 08:00",
        "2021-11-15T08:30:00+7",
        "2021-11-15T08:30 +07:00",
        "yesterday",
        "2021-11-15T08:60",
        "2021-11-15T08:30:00+15:00",
        "1636939800",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t;
        if (pd_ingest_parse_time(bad[i], &t))
            fail_msg("accepted \"%s\"", bad[i]);
    }
}

/* ---- check-ins ---- */

static void test_csv_then_resend(void **state)
{
    (void)state;
    const char *path =
        write_file("a.csv", "external_id,venue,person,in_at,out_at\r\n"
                            "A-1,chobackan001,006090000001,2021-11-15T07:00:00+07:00,"
                            "2021-11-15T07:20:00+07:00\r\n"
                            "A-2,2,095 000 001,15/11/2021 06:00,\r\n"
                            "A-3,1,x1234567,2021-11-15 08:20,\r\n"
                            "A-4,1,+84 912 000 002,2021-11-15T08:00:00+07:00,\r\n");
    int64_t before = sql_int("SELECT count(*) FROM checkins");
    expect_ok(&district, path, 4, 0);
    assert_string_equal(rep->format, "csv");
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before + 4);
    /* Who, where, and the check-out: given, the venue's stay when it has passed, else open. */
    assert_int_equal(
        sql_int("SELECT count(*) FROM checkins WHERE external_id = 'A-1' AND venue_id ="
                " %lld AND person_id = %lld AND in_at = %d AND out_at = %d AND flags = 4",
                (long long)market, (long long)p_cccd, T0 - 5400, T0 - 4200),
        1);
    assert_int_equal(
        sql_int("SELECT count(*) FROM checkins WHERE external_id = 'A-2' AND venue_id ="
                " %lld AND person_id = %lld AND out_at IS NULL AND flags = 4",
                (long long)school, (long long)p_cmnd),
        1); /* school: 480 minutes, not over yet */
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'A-3' AND person_id"
                             " = %lld AND out_at IS NULL",
                             (long long)p_passport),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'A-4' AND person_id"
                             " = %lld",
                             (long long)p_phone),
                     1);
    /* The same file again: everything skipped, nothing stored twice. */
    expect_ok(&district, path, 0, 4);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before + 4);
    /* Old and new rows mixed, and a row repeated inside the file. */
    path = write_file("b.csv", "Mã bản ghi;Địa điểm;Số CCCD;Giờ vào;Giờ ra\n"
                               "A-1;1;006090000001;2021-11-15 07:00;\n"
                               "B-1;1;006090000001;2021-11-14 07:00;2021-11-14 07:30\n"
                               "B-1;1;006090000001;2021-11-14 07:00;2021-11-14 07:30\n"
                               "B-2;1;006090000001;2021-11-14 09:00;\n");
    expect_ok(&province, path, 2, 2);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before + 6);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'B-2' AND out_at ="
                             " in_at + 3600 AND flags = 5"),
                     1); /* market: out after 60 minutes, automatically */
    assert_true(sql_int("SELECT count(*) FROM audit_log WHERE action = 'ingest' AND entity ="
                        " 'checkin'") >= 3);
}

static void test_rejected_rows_change_nothing(void **state)
{
    (void)state;
    const char *path =
        write_file("bad.csv", "external_id,venue,person,in_at,out_at\n"
                              "C-1,1,006090000001,2021-11-15T07:00:00+07:00,\n"
                              "C-2,999,006090000001,2021-11-15T07:00:00+07:00,\n"
                              ",1,123,2021-11-16T09:00:00+07:00,\n"
                              "C-4,1,0912000003,2019-12-31T23:00:00+07:00,\n"
                              "C-5,1,999090000001,2021-11-15T07:00,2021-11-15T06:00\n"
                              "C-6,dong0000004,006090000001,2021-11-15T07:00,\n"
                              "C 7,1,006090000001,bây giờ,\n");
    int64_t before = sql_int("SELECT count(*) FROM checkins");
    int64_t audit = sql_int("SELECT count(*) FROM audit_log");
    pd_err err;
    assert_int_equal(ingest(&district, PD_INGEST_CHECKINS, path, &err), PD_EINVAL);
    assert_int_equal(rep->rows_total, 7);
    assert_int_equal(rep->rows_inserted, 0);
    assert_true(has_error(3, "venue"));
    assert_true(has_error(4, "external_id"));
    assert_true(has_error(4, "person"));
    assert_true(has_error(4, "in_at"));   /* tomorrow */
    assert_false(has_error(5, "person")); /* a phone two people share: the earliest of them */
    assert_true(has_error(5, "in_at"));   /* before 2020 */
    assert_true(has_error(6, "person"));  /* not a CCCD: no province 999 */
    assert_true(has_error(6, "out_at"));  /* before in_at */
    assert_true(has_error(7, "venue"));   /* closed before */
    assert_true(has_error(8, "external_id"));
    assert_true(has_error(8, "in_at"));
    assert_false(has_error(2, "venue"));
    assert_int_equal(rep->error_count, rep->errors_kept);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log"), audit);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'C-1'"), 0);
}

static void test_unknown_people(void **state)
{
    (void)state;
    int64_t people = sql_int("SELECT count(*) FROM people");
    int64_t dung = sql_int("SELECT min(id) FROM people WHERE phone = '0912000003'");
    const char *path = write_file("unknown.csv", "external_id,venue,person,in_at\n"
                                                 "E-1,1,0912 999 001,2021-11-15T07:00:00+07:00\n"
                                                 "E-2,2,+84912999001,2021-11-15T07:30:00+07:00\n"
                                                 "E-3,2,006090000077,2021-11-15T07:40:00+07:00\n"
                                                 "E-4,1,0912000003,2021-11-15T07:50:00+07:00\n");
    expect_ok(&district, path, 4, 0);
    /* One new person per number nobody had, at the commune of the venue where first seen. */
    assert_int_equal(rep->people_created, 2);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people + 2);
    assert_int_equal(
        sql_int("SELECT count(*) FROM people WHERE phone = '0912999001' AND full_name ="
                " 'Khách check-in' AND unit_code = '01834' AND district_code = '058'"),
        1);
    assert_int_equal(sql_int("SELECT count(*) FROM people WHERE id_number = '006090000077' AND"
                             " id_type = 'cccd' AND unit_code = '01837'"),
                     1);
    assert_int_equal(sql_int("SELECT count(DISTINCT person_id) FROM checkins WHERE external_id IN"
                             " ('E-1', 'E-2')"),
                     1);
    assert_int_equal(sql_int("SELECT person_id FROM checkins WHERE external_id = 'E-4'"), dung);
    /* Found by name search like anyone else (the name index was kept up to date). */
    assert_true(sql_int("SELECT count(*) FROM people_fts WHERE people_fts MATCH 'khach'") >= 2);
    expect_ok(&district, path, 0, 4);
    assert_int_equal(rep->people_created, 0);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people + 2);
}

static void test_file_refusals(void **state)
{
    (void)state;
    pd_err err;
    const char *path =
        write_file("cols.csv", "external_id,venue,person,in_at,colour\nX,1,1,1,red\n");
    assert_int_equal(ingest(&district, PD_INGEST_CHECKINS, path, &err), PD_EINVAL);
    assert_int_equal(rep->error_count, 0);
    assert_non_null(strstr(err.message, "colour"));
    path = write_file("missing.csv", "external_id,venue,in_at\nX,1,2021-11-15 07:00\n");
    assert_int_equal(ingest(&district, PD_INGEST_CHECKINS, path, &err), PD_EINVAL);
    assert_non_null(strstr(err.message, "person"));
    path = write_file("empty.csv", "external_id,venue,person,in_at\n");
    assert_int_equal(ingest(&district, PD_INGEST_CHECKINS, path, &err), PD_EINVAL);
    assert_int_equal(rep->error_count, 0);
    path = write_file("ok.csv",
                      "external_id,venue,person,in_at\nR-1,1,006090000001,2021-11-15 07:00\n");
    assert_int_equal(ingest(&commune, PD_INGEST_CHECKINS, path, &err), PD_EDENIED);
    assert_int_equal(ingest(&team, PD_INGEST_CHECKINS, path, &err), PD_EDENIED);
    assert_int_equal(ingest(&police, PD_INGEST_CHECKINS, path, &err), PD_EDENIED);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'R-1'"), 0);
}

static void test_scope(void **state)
{
    (void)state;
    pd_err err;
    /* A district may ingest at its venues only; the visitor may live anywhere. */
    const char *path = write_file("far.csv", "external_id,venue,person,in_at\n"
                                             "S-1,3,006090000001,2021-11-15 07:00\n");
    assert_int_equal(ingest(&district, PD_INGEST_CHECKINS, path, &err), PD_EINVAL);
    assert_true(has_error(2, "venue"));
    assert_non_null(strstr(rep->errors[0].message, "phạm vi"));
    assert_int_equal(ingest(&district_060, PD_INGEST_CHECKINS,
                            write_file("d060.csv", "external_id,venue,person,in_at\n"
                                                   "S-2,1,006090000001,2021-11-15 07:00\n"),
                            &err),
                     PD_EINVAL);
    path = write_file("visitor.csv", "external_id,venue,person,in_at\n"
                                     "S-3,1,001090000009,2021-11-15 07:00\n");
    expect_ok(&district, path, 1, 0);
    assert_int_equal(sql_int("SELECT person_id FROM checkins WHERE external_id = 'S-3'"), p_far);
    path = write_file("admin.csv", "external_id,venue,person,in_at\n"
                                   "S-1,3,006090000001,2021-11-15 07:00\n");
    expect_ok(&admin, path, 1, 0);
}

static void test_jsonl(void **state)
{
    (void)state;
    const char *path = write_file(
        "a.jsonl", "{\"external_id\":\"J-1\",\"venue\":1,\"person\":\"006090000001\","
                   "\"in_at\":\"2021-11-15T00:00:00Z\",\"out_at\":null}\n"
                   "\n"
                   "{\"external_id\":\"J-2\",\"venue\":\"chobackan001\",\"person\":\"0912000002\","
                   "\"in_at\":\"2021-11-15T07:10:00+07:00\"}\r\n");
    expect_ok(&district, path, 2, 0);
    assert_string_equal(rep->format, "jsonl");
    assert_int_equal(sql_int("SELECT in_at FROM checkins WHERE external_id = 'J-1'"), T0 - 5400);
    pd_err err;
    path =
        write_file("bad.jsonl", "{\"external_id\":\"J-3\",\"venue\":1,\"person\":\"006090000001\","
                                "\"in_at\":\"2021-11-15T07:00:00+07:00\"}\n"
                                "{\"external_id\":\"J-4\",\"venue\":1,\"person\":\"006090000001\","
                                "\"in_at\":\"2021-11-15T07:00:00+07:00\",\"colour\":\"red\"}\n"
                                "{\"external_id\":\"J-5\", oops}\n"
                                "[1,2]\n"
                                "{\"external_id\":true,\"venue\":1,\"person\":\"006090000001\","
                                "\"in_at\":\"2021-11-15T07:00:00+07:00\"}\n");
    assert_int_equal(ingest(&district, PD_INGEST_CHECKINS, path, &err), PD_EINVAL);
    assert_int_equal(rep->rows_total, 5);
    assert_int_equal(rep->error_count >= 4, true);
    assert_false(has_error(1, ""));
    for (int64_t line = 2; line <= 5; line++) {
        bool any = false;
        for (int i = 0; i < rep->errors_kept; i++)
            any |= rep->errors[i].line == line;
        if (!any)
            fail_msg("no error for line %lld", (long long)line);
    }
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'J-3'"), 0);
}

static void test_xlsx(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/a.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, NULL);
    lxw_format *when = workbook_add_format(wb);
    format_set_num_format(when, "dd/mm/yyyy hh:mm");
    const char *head[] = {"Mã bản ghi", "Địa điểm", "Số CCCD/CMND", "Giờ vào"};
    for (int c = 0; c < 4; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
    worksheet_write_string(ws, 1, 0, "X-1", NULL);
    worksheet_write_number(ws, 1, 1, 1, NULL);
    worksheet_write_string(ws, 1, 2, "006090000001", NULL);
    lxw_datetime dt = {2021, 11, 15, 7, 45, 0};
    worksheet_write_datetime(ws, 1, 3, &dt, when);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    expect_ok(&district, path, 1, 0);
    assert_string_equal(rep->format, "xlsx");
    assert_int_equal(sql_int("SELECT in_at FROM checkins WHERE external_id = 'X-1'"), T0 - 2700);
}

/* ---- large files ---- */

static const char *big_file(const char *name, int rows, const char *prefix)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("external_id,venue,person,in_at,out_at\n", f);
    for (int i = 0; i < rows; i++)
        fprintf(f, "%s-%07d,%d,%s,2021-11-%02dT%02d:%02d:00+07:00,\n", prefix, i, 1 + i % 2,
                i % 3 ? "006090000001" : "0912000002", 1 + i % 14, 6 + i % 12, i % 60);
    fclose(f);
    return path;
}

static int cancel_midway(const char *phase, int64_t done, int64_t total, void *ctx)
{
    (void)phase;
    (void)total;
    (void)ctx;
    return done >= 60000;
}

static void test_large_file(void **state)
{
    (void)state;
    const int rows = 120000;
    const char *path = big_file("big.csv", rows, "BIG");
    int64_t before = sql_int("SELECT count(*) FROM checkins");
    pd_err err;
    /* Cancelled half-way: nothing written, indexes intact. */
    pd_ingest_options cancel = {.kind = PD_INGEST_CHECKINS, .progress = cancel_midway};
    assert_int_equal(pd_ingest_file(db, &district, path, &cancel, rep, &err), PD_ELIMIT);
    assert_string_equal(err.field, "cancelled");
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before);
    assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'checkins' AND"
                             " type = 'index'"),
                     3);
    expect_ok(&district, path, rows, 0);
    assert_true(rep->bulk);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before + rows);
    assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'checkins' AND"
                             " type = 'index'"),
                     3);
    assert_int_equal(sql_int("SELECT count(*) FROM pragma_integrity_check WHERE"
                             " integrity_check <> 'ok'"),
                     0);
    /* The indexes are used again. */
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE venue_id = 2 AND external_id LIKE"
                             " 'BIG-%%'"),
                     rows / 2);
    /* Sent again: all skipped; a row spoiled at the end still rejects the whole file. */
    expect_ok(&district, path, 0, rows);
    FILE *f = fopen(path, "ab");
    fputs("BIG-X,1,006090000001,soon,\n", f);
    fclose(f);
    assert_int_equal(ingest(&district, PD_INGEST_CHECKINS, path, &err), PD_EINVAL);
    assert_true(has_error(rows + 2, "in_at"));
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before + rows);
    /* One thread, same result. */
    path = big_file("big2.csv", 60000, "ONE");
    pd_ingest_options single = {.kind = PD_INGEST_CHECKINS, .threads = 1};
    assert_int_equal(pd_ingest_file(db, &district, path, &single, rep, &err), PD_OK);
    assert_int_equal(rep->rows_inserted, 60000);
    /* A bulk load (larger than the table) mixing 1,000 stored rows, 250,000 new ones and one of the
     * new ones twice: the stored and the repeated are skipped by the reading thread's set. */
    int64_t stored = sql_int("SELECT count(*) FROM checkins");
    path = big_file("big3.csv", 250000, "NEW");
    f = fopen(path, "ab");
    for (int i = 0; i < 1000; i++)
        fprintf(f, "BIG-%07d,1,006090000001,2021-11-02T07:00:00+07:00,\n", i);
    fputs("NEW-0000007,2,006090000001,2021-11-03T07:00:00+07:00,\n", f);
    fclose(f);
    expect_ok(&district, path, 250000, 1001);
    assert_true(rep->bulk);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), stored + 250000);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'NEW-0000007'"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE external_id = 'BIG-0000001'"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'checkins' AND"
                             " type = 'index'"),
                     3);
}

/* ---- declarations ---- */

static void test_declarations(void **state)
{
    (void)state;
    const char *path = write_file(
        "d.csv",
        "external_id,declared_at,full_name,birth_date,sex,id_number,phone,unit_code,address,"
        "symptoms,exposures,vaccine_doses,travel,places\n"
        "D-1,2021-11-15T07:00:00+07:00,Hoàng Văn Khải,1988,Nam,006088000123,0912000010,01834,"
        "Tổ 3,\"sốt, ho\",,2,Xe máy,\"[{\"\"unit_code\"\":\"\"01\"\",\"\"place\"\":\"\"Hà Nội\"\","
        "\"\"date\"\":\"\"2021-11-10\"\"}]\"\n"
        "D-2,2021-11-15T07:05:00+07:00,Nông Thị Lụa,1995-02-03,F,,0912000011,01837,Tổ 1,,,1,,\n"
        "D-3,2021-11-15T08:00:00+07:00,,,,006090000001,,,,cough,contact,,,\n");
    int64_t before = sql_int("SELECT count(*) FROM declarations");
    pd_err err;
    /* The third row is daily: only its kind column says so; without it, identity is missing. */
    assert_int_equal(ingest(&district, PD_INGEST_DECLARATIONS, path, &err), PD_EINVAL);
    assert_int_equal(sql_int("SELECT count(*) FROM declarations"), before);
    path = write_file(
        "d2.csv",
        "external_id,declared_at,kind,full_name,birth_date,sex,id_number,phone,unit_code,address,"
        "symptoms,exposures,vaccine_doses\n"
        "D-1,2021-11-15T07:00:00+07:00,full,Hoàng Văn Khải,1988,Nam,006088000123,0912000010,"
        "01834,Tổ 3,\"sốt, ho\",,2\n"
        "D-2,2021-11-15T07:05:00+07:00,,Nông Thị Lụa,1995-02-03,F,,0912000011,01837,Tổ 1,,,1\n"
        "D-3,2021-11-15T08:00:00+07:00,daily,,,,006090000001,,,,cough,contact,\n");
    assert_int_equal(ingest(&district, PD_INGEST_DECLARATIONS, path, &err), PD_OK);
    assert_int_equal(rep->rows_inserted, 3);
    assert_int_equal(sql_int("SELECT count(*) FROM declarations"), before + 3);
    assert_int_equal(sql_int("SELECT count(*) FROM declarations WHERE external_id = 'D-1' AND via ="
                             " 'ingest' AND symptoms = 3 AND vaccine_doses = 2 AND unit_code ="
                             " '01834'"),
                     1);
    assert_int_equal(
        sql_int("SELECT count(*) FROM declarations WHERE external_id = 'D-3' AND kind ="
                " 'daily' AND person_id = %lld",
                (long long)p_cccd),
        1);
    assert_int_equal(sql_int("SELECT count(*) FROM alerts a JOIN declarations d ON d.id ="
                             " a.declaration_id WHERE d.external_id IN ('D-1', 'D-3') AND"
                             " a.status = 'open'"),
                     2);
    /* Sent again: skipped, no second alert. */
    int64_t alerts = sql_int("SELECT count(*) FROM alerts");
    assert_int_equal(ingest(&district, PD_INGEST_DECLARATIONS, path, &err), PD_OK);
    assert_int_equal(rep->rows_inserted, 0);
    assert_int_equal(rep->rows_skipped, 3);
    assert_int_equal(sql_int("SELECT count(*) FROM declarations"), before + 3);
    assert_int_equal(sql_int("SELECT count(*) FROM alerts"), alerts);
    /* Outside scope, unknown symptom, bad time: rejected by line and field. */
    path =
        write_file("d3.csv", "external_id,declared_at,full_name,birth_date,sex,phone,unit_code,"
                             "symptoms\n"
                             "D-9,2021-11-15T07:00:00+07:00,Bế Văn Long,1970,M,0912000012,00001,\n"
                             "D-10,2021-11-15T07:00:00+07:00,Bế Văn Long,1970,M,0912000012,01834,"
                             "đau bụng\n"
                             "D-11,ngày 15,Bế Văn Long,1970,M,0912000012,01834,\n");
    assert_int_equal(ingest(&district, PD_INGEST_DECLARATIONS, path, &err), PD_EINVAL);
    assert_true(has_error(2, "unit_code"));
    assert_true(has_error(3, "symptoms"));
    assert_true(has_error(4, "declared_at"));
    assert_int_equal(sql_int("SELECT count(*) FROM declarations"), before + 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_csv_then_resend),
        cmocka_unit_test(test_rejected_rows_change_nothing),
        cmocka_unit_test(test_unknown_people),
        cmocka_unit_test(test_file_refusals),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_xlsx),
        cmocka_unit_test(test_large_file),
        cmocka_unit_test(test_declarations),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
