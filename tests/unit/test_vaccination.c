/* Unit tests of vaccination (src/vaccination/): the interval edge of every product (the day before
 * the earliest refused with the date in the message, the earliest accepted, and the due-this-week
 * list turning on across the ISO week boundary), completes_primary per product, the mixing rules
 * (AstraZeneca then Pfizer allowed, then Moderna refused, Sinopharm only with itself), boosters
 * and additional doses, the checks naming their fields, scope and permissions, the import (all or
 * nothing, bad rows by line and field, re-sent rows skipped), ISO weeks, and coverage checked
 * against an independent per-person computation in C over a random population. */
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
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "store/db.h"
#include "units/units.h"
#include "vaccination/vaccination.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi: "now" */

static char dir[256];
static sqlite3 *db;
static pd_actor admin, commune_a, viewer, team;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "%s.%s", pd_role_name(role), code);
    return a;
}

static void sql_exec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sql_exec(const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
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

static int64_t add_person(const char *name, const char *birth, const char *unit, const char *id,
                          const char *phone)
{
    char folded[128];
    pd_fold(name, folded, sizeof folded);
    sql_exec("INSERT INTO people(full_name, name_folded, birth_date, id_type, id_number, phone,"
             " unit_code, district_code, province_code, created_at, updated_at) SELECT '%s',"
             " '%s', '%s', %s, %s%s%s, %s%s%s, code, district_code, province_code, 1, 1"
             " FROM units WHERE code = '%s'",
             name, folded, birth, id ? "'cccd'" : "''", id ? "'" : "", id ? id : "NULL",
             id ? "'" : "", phone ? "'" : "", phone ? phone : "NULL", phone ? "'" : "", unit);
    return sqlite3_last_insert_rowid(db);
}

static int setup(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_vacc") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/vacc.db", dir);
    pd_err err;
    int loaded;
    db = pd_db_open(path, &err);
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    admin = pd_actor_cli();
    commune_a = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834");
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_DISTRICT, "058");
    team = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

static int record(const pd_actor *a, int64_t person, const char *product, const char *day,
                  pd_dose *out, pd_err *err)
{
    pd_dose_in in;
    memset(&in, 0, sizeof in);
    in.person_id = person;
    snprintf(in.product_code, sizeof in.product_code, "%s", product);
    snprintf(in.given_on, sizeof in.given_on, "%s", day);
    pd_dose d;
    return pd_dose_record(db, a, &in, out ? out : &d, err);
}

static void must_record(int64_t person, const char *product, const char *day, pd_dose *out)
{
    pd_err err;
    if (record(&admin, person, product, day, out, &err) != PD_OK)
        fail_msg("dose %s %s for %lld: %s (%s)", product, day, (long long)person, err.message,
                 err.field);
}

static void shift(const char *day, long n, char out[12])
{
    pd_date d;
    pd_date_parse(day, &d);
    pd_date r = pd_local_date((pd_date_days(&d) + n) * 86400);
    pd_date_format(&r, out, 12);
}

/* Whether person appears in the due list for the week of day. */
typedef struct find_ctx {
    int64_t person;
    bool found;
    pd_vlist_item item;
} find_ctx;

static int find_cb(const pd_vlist_item *it, void *vctx)
{
    find_ctx *f = vctx;
    if (it->person_id == f->person) {
        f->found = true;
        f->item = *it;
    }
    return 0;
}

static bool in_list(const char *list, int64_t person, const char *day, pd_vlist_item *item)
{
    pd_vlist_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.list, sizeof q.list, "%s", list);
    snprintf(q.date, sizeof q.date, "%s", day);
    q.limit = 10000;
    find_ctx f = {person, false, {0}};
    pd_err err;
    bool more;
    if (pd_vlist(db, &admin, &q, find_cb, &f, &more, &err) != PD_OK)
        fail_msg("list %s: %s", list, err.message);
    if (item)
        *item = f.item;
    return f.found;
}

/* ---- intervals per product ---- */

#define MONDAY "2021-08-02" /* a Monday: each product's earliest second dose falls on it */

static void test_interval_edges_per_product(void **state)
{
    (void)state;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT code, doses_in_primary, min_interval_days FROM vaccine_products"
                       " WHERE doses_in_primary > 1 ORDER BY code",
                       -1, &st, NULL);
    int products = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char code[8];
        snprintf(code, sizeof code, "%s", (const char *)sqlite3_column_text(st, 0));
        int doses = sqlite3_column_int(st, 1), min = sqlite3_column_int(st, 2);
        char first[12], before[12], name[64];
        shift(MONDAY, -min, first);
        shift(MONDAY, -1, before);
        snprintf(name, sizeof name, "Nguoi %s", code);
        int64_t p = add_person(name, "1970-05-05", "01834", NULL, NULL);
        pd_dose d1, d2;
        must_record(p, code, first, &d1);
        assert_int_equal(d1.dose_number, 1);
        assert_string_equal(d1.kind, "primary");
        assert_int_equal(d1.completes_primary, 0);
        /* The Sunday before: refused, naming the field and the earliest day. */
        pd_err err;
        assert_int_equal(record(&admin, p, code, before, NULL, &err), PD_EINVAL);
        assert_string_equal(err.field, "given_on");
        assert_non_null(strstr(err.message, "02/08/2021"));
        /* Due lists: not in the week ending that Sunday, in the week of the Monday. */
        assert_false(in_list("due", p, before, NULL));
        pd_vlist_item it;
        assert_true(in_list("due", p, MONDAY, &it));
        assert_string_equal(it.next.earliest, MONDAY);
        assert_int_equal(it.next.dose_number, 2);
        must_record(p, code, MONDAY, &d2);
        assert_int_equal(d2.dose_number, 2);
        assert_int_equal(d2.completes_primary, doses == 2);
        products++;
    }
    sqlite3_finalize(st);
    assert_int_equal(products, 7); /* AZ, PF, MD, VC, SV, AB, HV */
}

static void test_single_and_three_dose_products(void **state)
{
    (void)state;
    int64_t j = add_person("Nguoi Janssen", "1960-01-01", "01834", NULL, NULL);
    pd_dose d;
    must_record(j, "JJ", "2021-08-10", &d);
    assert_int_equal(d.completes_primary, 1);
    int64_t a = add_person("Nguoi Abdala", "1960-01-01", "01834", NULL, NULL);
    must_record(a, "AB", "2021-07-01", &d);
    must_record(a, "AB", "2021-07-15", &d);
    assert_int_equal(d.completes_primary, 0);
    pd_err err;
    assert_int_equal(record(&admin, a, "AB", "2021-07-28", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "given_on");
    must_record(a, "AB", "2021-07-29", &d);
    assert_int_equal(d.dose_number, 3);
    assert_int_equal(d.completes_primary, 1);
    assert_int_equal(
        sql_int("SELECT sum(completes_primary) FROM doses WHERE person_id = %lld", (long long)a),
        1);
}

/* ---- mixing ---- */

static void test_mixing_rules(void **state)
{
    (void)state;
    pd_err err;
    pd_dose d;
    /* AstraZeneca then Pfizer: allowed after 8 weeks, completes the course. */
    int64_t p = add_person("Nguoi Tron", "1980-01-01", "01834", NULL, NULL);
    must_record(p, "AZ", "2021-06-01", &d);
    pd_next_dose next;
    assert_int_equal(pd_dose_next(db, p, &next, &err), PD_OK);
    assert_string_equal(next.products, "AZ,PF");
    assert_string_equal(next.earliest, "2021-07-27");
    assert_int_equal(record(&admin, p, "PF", "2021-07-26", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "given_on");
    assert_non_null(strstr(err.message, "27/07/2021"));
    assert_int_equal(record(&admin, p, "MD", "2021-08-01", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "product_code");
    assert_true(in_list("due", p, "2021-07-27", NULL));
    must_record(p, "PF", "2021-07-27", &d);
    assert_int_equal(d.completes_primary, 1);
    assert_string_equal(d.kind, "primary");
    /* Sinopharm: the second dose must be Sinopharm. */
    int64_t s = add_person("Nguoi Sinopharm", "1980-01-01", "01834", NULL, NULL);
    must_record(s, "VC", "2021-06-01", &d);
    assert_int_equal(record(&admin, s, "PF", "2021-07-01", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "product_code");
    /* Pfizer then AstraZeneca: no row allows it. */
    int64_t q = add_person("Nguoi Pfizer", "1980-01-01", "01834", NULL, NULL);
    must_record(q, "PF", "2021-06-01", &d);
    assert_int_equal(record(&admin, q, "AZ", "2021-07-01", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "product_code");
    must_record(q, "PF", "2021-06-22", &d);
}

static void test_booster_and_additional(void **state)
{
    (void)state;
    pd_err err;
    pd_dose d;
    int64_t p = add_person("Nguoi Nhac", "1950-01-01", "01834", NULL, NULL);
    must_record(p, "PF", "2021-03-01", &d);
    must_record(p, "PF", "2021-03-22", &d);
    pd_next_dose next;
    pd_dose_next(db, p, &next, &err);
    assert_string_equal(next.kind, "booster");
    assert_string_equal(next.earliest, "2021-09-18"); /* 180 days */
    assert_int_equal(record(&admin, p, "PF", "2021-09-17", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "given_on");
    assert_non_null(strstr(err.message, "18/09/2021"));
    /* Sinopharm may not boost a Pfizer course. */
    assert_int_equal(record(&admin, p, "VC", "2021-10-01", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "product_code");
    must_record(p, "MD", "2021-09-18", &d);
    assert_string_equal(d.kind, "booster");
    assert_int_equal(d.dose_number, 3);
    assert_int_equal(d.completes_primary, 0);
    /* An additional dose 28 days after the course. */
    int64_t q = add_person("Nguoi Bo Sung", "1950-01-01", "01834", NULL, NULL);
    must_record(q, "AZ", "2021-07-01", &d);
    must_record(q, "AZ", "2021-08-26", &d);
    pd_dose_in in;
    memset(&in, 0, sizeof in);
    in.person_id = q;
    snprintf(in.product_code, sizeof in.product_code, "PF");
    snprintf(in.given_on, sizeof in.given_on, "2021-09-22");
    snprintf(in.kind, sizeof in.kind, "additional");
    assert_int_equal(pd_dose_record(db, &admin, &in, &d, &err), PD_EINVAL);
    assert_string_equal(err.field, "given_on");
    snprintf(in.given_on, sizeof in.given_on, "2021-09-23");
    assert_int_equal(pd_dose_record(db, &admin, &in, &d, &err), PD_OK);
    assert_string_equal(d.kind, "additional");
}

static void test_checks_name_fields(void **state)
{
    (void)state;
    pd_err err;
    int64_t p = add_person("Nguoi Kiem Tra", "1990-01-01", "01834", NULL, NULL);
    assert_int_equal(record(&admin, p, "XX", "2021-08-01", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "product_code");
    assert_int_equal(record(&admin, p, "PF", "2021-11-16", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "given_on");
    assert_int_equal(record(&admin, p, "PF", "31/02/2021", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "given_on");
    pd_dose_in in;
    memset(&in, 0, sizeof in);
    in.person_id = p;
    in.dose_number = 2;
    snprintf(in.product_code, sizeof in.product_code, "PF");
    snprintf(in.given_on, sizeof in.given_on, "2021-08-01");
    pd_dose d;
    assert_int_equal(pd_dose_record(db, &admin, &in, &d, &err), PD_EINVAL);
    assert_string_equal(err.field, "dose_number");
    int64_t child = add_person("Tre Em", "2015-01-01", "01834", NULL, NULL);
    assert_int_equal(record(&admin, child, "PF", "2021-08-01", NULL, &err), PD_EINVAL);
    assert_string_equal(err.field, "person_id");
    /* Scope and permissions. */
    int64_t far = add_person("Nguoi Xa", "1990-01-01", "01837", NULL, NULL);
    assert_int_equal(record(&commune_a, far, "PF", "2021-08-01", NULL, &err), PD_ENOTFOUND);
    assert_int_equal(record(&commune_a, 987654321, "PF", "2021-08-01", NULL, &err), PD_ENOTFOUND);
    assert_int_equal(record(&viewer, p, "PF", "2021-08-01", NULL, &err), PD_EDENIED);
    assert_int_equal(record(&team, p, "PF", "2021-08-01", NULL, &err), PD_EDENIED);
    assert_int_equal(record(&commune_a, p, "PF", "2021-08-01", NULL, &err), PD_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'dose'"
                             " AND entity_id = (SELECT max(id) FROM doses)"),
                     1);
}

static void test_iso_weeks(void **state)
{
    (void)state;
    char wk[10], mon[12], sun[12];
    assert_true(pd_iso_week("2021-11-15", wk, mon, sun));
    assert_string_equal(wk, "2021-W46");
    assert_string_equal(mon, "2021-11-15");
    assert_string_equal(sun, "2021-11-21");
    assert_true(pd_iso_week("2021-01-03", wk, mon, sun));
    assert_string_equal(wk, "2020-W53");
    assert_true(pd_iso_week("2021-01-04", wk, mon, sun));
    assert_string_equal(wk, "2021-W01");
    assert_true(pd_iso_week("2021-12-31", wk, mon, sun));
    assert_string_equal(wk, "2021-W52");
}

/* ---- import ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_import_all_or_nothing(void **state)
{
    (void)state;
    int64_t a = add_person("Lò Văn Nhập", "1985-03-04", "01834", "006085000101", "0912000101");
    int64_t b = add_person("Hà Thị Số", "1990-06-07", "01834", NULL, "0912000102");
    char path[600];
    snprintf(path, sizeof path, "%s/doses.csv", dir);
    write_file(path,
               "Họ và tên,Ngày sinh,Giới tính,CCCD/CMND,SĐT,Mũi tiêm,Tên vắc xin,Số lô,"
               "Ngày tiêm,Nơi tiêm\n"
               "Lò Văn Nhập,04/03/1985,Nam,006085000101,,1,AstraZeneca,A1,01/07/2021,TYT\n"
               "Lò Văn Nhập,04/03/1985,Nam,006085000101,,2,Vaxzevria,A2,25/08/2021,TYT\n"
               "Hà Thị Số,07/06/1990,Nữ,,0912000102,1,Vắc xin Sputnik,S1,01/08/2021,TYT\n"
               "Hà Thị Số,07/06/1990,Nữ,,0912000102,2,Comirnaty (Pfizer),P1,02/09/2021,TYT\n");
    static pd_vimport_report rep;
    pd_err err;
    int64_t before = sql_int("SELECT count(*) FROM doses");
    assert_int_equal(pd_vaccination_import(db, &admin, path, NULL, &rep, &err), PD_EINVAL);
    assert_int_equal(rep.error_count, 2);
    assert_int_equal(rep.errors[0].line, 3); /* AZ dose 2 one day early */
    assert_string_equal(rep.errors[0].field, "given_on");
    assert_int_equal(rep.errors[1].line, 5); /* Pfizer after Sputnik */
    assert_string_equal(rep.errors[1].field, "product");
    assert_int_equal(sql_int("SELECT count(*) FROM doses"), before);
    write_file(path, "Họ và tên,Ngày sinh,Giới tính,CCCD/CMND,SĐT,Mũi tiêm,Tên vắc xin,Số lô,"
                     "Ngày tiêm,Nơi tiêm\n"
                     "Lò Văn Nhập,04/03/1985,Nam,006085000101,,1,AstraZeneca,A1,01/07/2021,TYT\n"
                     "Lò Văn Nhập,04/03/1985,Nam,006085000101,,2,Vaxzevria,A2,27/08/2021,TYT\n"
                     "Hà Thị Số,07/06/1990,Nữ,,0912000102,1,Vắc xin Sputnik,S1,01/08/2021,TYT\n"
                     "Người Lạ,07/06/1990,Nữ,,0912999999,1,Moderna,M1,01/08/2021,TYT\n");
    assert_int_equal(pd_vaccination_import(db, &admin, path, "csv", &rep, &err), PD_EINVAL);
    assert_int_equal(rep.error_count, 1);
    assert_int_equal(rep.errors[0].line, 5);
    assert_string_equal(rep.errors[0].field, "phone");
    /* Without the stranger: all three in, and sent again: skipped. */
    write_file(path, "Họ và tên,CCCD/CMND,SĐT,Mũi tiêm,Tên vắc xin,Ngày tiêm\n"
                     "Lò Văn Nhập,006085000101,,1,AstraZeneca,01/07/2021\n"
                     "Lò Văn Nhập,006085000101,,2,Vaxzevria,27/08/2021\n"
                     "Hà Thị Số,,0912000102,1,Sputnik V,2021-08-01\n");
    assert_int_equal(pd_vaccination_import(db, &admin, path, "csv", &rep, &err), PD_OK);
    assert_int_equal(rep.imported, 3);
    assert_int_equal(sql_int("SELECT completes_primary FROM doses WHERE person_id = %lld AND"
                             " dose_number = 2",
                             (long long)a),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM doses WHERE person_id = %lld AND"
                             " product_code = 'SV' AND source = 'import'",
                             (long long)b),
                     1);
    assert_int_equal(pd_vaccination_import(db, &admin, path, "csv", &rep, &err), PD_OK);
    assert_int_equal(rep.imported, 0);
    assert_int_equal(rep.skipped, 3);
    /* Outside the commune's scope: the person is not found. */
    int64_t far = add_person("Ngoai Pham Vi", "1990-01-01", "01837", "006090000777", NULL);
    (void)far;
    write_file(path, "Họ và tên,CCCD/CMND,Mũi tiêm,Tên vắc xin,Ngày tiêm\n"
                     "Ngoai Pham Vi,006090000777,1,Pfizer,2021-08-01\n");
    assert_int_equal(pd_vaccination_import(db, &commune_a, path, "csv", &rep, &err), PD_EINVAL);
    assert_string_equal(rep.errors[0].field, "id_number");
    write_file(path, "Họ và tên,Mũi tiêm,Ngày tiêm\nA,1,2021-08-01\n");
    assert_int_equal(pd_vaccination_import(db, &admin, path, "csv", &rep, &err), PD_EINVAL);
    assert_string_equal(err.field, "product");
}

/* The platform's export as XLSX: dates as date cells, the dose as a number, the CCCD as text. */
static void test_import_xlsx(void **state)
{
    (void)state;
    int64_t p = add_person("Đinh Thị Bảng", "1975-01-02", "01834", "006175000303", NULL);
    char path[600];
    snprintf(path, sizeof path, "%s/doses.xlsx", dir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Danh sách");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    const char *headers[] = {"Họ và tên", "CCCD/CMND", "Mũi tiêm", "Tên vắc xin", "Ngày tiêm"};
    for (int c = 0; c < 5; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, headers[c], NULL);
    for (int r = 1; r <= 2; r++) {
        lxw_datetime dt = {2021, r == 1 ? 9 : 10, r == 1 ? 1 : 20, 0, 0, 0};
        worksheet_write_string(ws, (lxw_row_t)r, 0, "Đinh Thị Bảng", NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 1, "006175000303", NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 2, r, NULL);
        worksheet_write_string(ws, (lxw_row_t)r, 3, "Spikevax (Moderna)", NULL);
        worksheet_write_datetime(ws, (lxw_row_t)r, 4, &dt, date);
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    static pd_vimport_report rep;
    pd_err err;
    assert_int_equal(pd_vaccination_import(db, &commune_a, path, NULL, &rep, &err), PD_OK);
    assert_int_equal(rep.imported, 2);
    assert_int_equal(sql_int("SELECT count(*) FROM doses WHERE person_id = %lld AND product_code ="
                             " 'MD' AND given_on IN ('2021-09-01','2021-10-20')",
                             (long long)p),
                     2);
}

/* ---- coverage against a per-person computation ---- */

#define WORLD 400
static const char *const world_units[] = {"01840", "01843"};
static const char *const products2[] = {"AZ", "PF", "VC", "MD", "JJ"};

typedef struct oracle_person {
    int64_t id;
    char birth[16];
    int unit;
} oracle_person;
static oracle_person world[WORLD];

/* Builds a random population with valid schedules, written through pd_dose_record_tx. */
static void build_world(void)
{
    srand(7);
    pd_err err;
    assert_int_equal(pd_db_begin(db, &err), PD_OK);
    for (int i = 0; i < WORLD; i++) {
        oracle_person *o = &world[i];
        o->unit = i % 2;
        int year = 1925 + rand() % 95;
        if (rand() % 10 == 0)
            snprintf(o->birth, sizeof o->birth, "%d", year);
        else
            snprintf(o->birth, sizeof o->birth, "%d-%02d-%02d", year, 1 + rand() % 12,
                     1 + rand() % 28);
        char name[32];
        snprintf(name, sizeof name, "The Gioi %d", i);
        o->id = add_person(name, o->birth, world_units[o->unit], NULL, NULL);
        if (rand() % 3 == 0)
            sql_exec("INSERT INTO person_priority_groups(person_id, group_code, created_at)"
                     " VALUES (%lld, 'g%d', 1)",
                     (long long)o->id, 1 + rand() % 9);
        int doses = year > 2009 ? 0 : rand() % 4;
        const char *prod = products2[rand() % 5];
        char day[12];
        bool jj = strcmp(prod, "JJ") == 0;
        shift("2021-01-04", rand() % 120, day);
        for (int k = 0; k < doses; k++) {
            pd_dose_in in;
            memset(&in, 0, sizeof in);
            in.person_id = o->id;
            bool primary = k == 0 || (k == 1 && !jj);
            snprintf(in.product_code, sizeof in.product_code, "%s", primary ? prod : "PF");
            snprintf(in.given_on, sizeof in.given_on, "%s", day);
            if (pd_dose_record_tx(db, &admin, &in, "demo", NULL, &err) != PD_OK)
                break;
            shift(day, k == 0 && !jj ? 60 + rand() % 20 : 180 + rand() % 10, day);
        }
    }
    assert_int_equal(pd_db_commit(db, &err), PD_OK);
}

typedef struct oracle_flags {
    bool one, full, boosted;
    char first_product[8];
} oracle_flags;

static oracle_flags flags_of(int64_t id, const char *day)
{
    oracle_flags f;
    memset(&f, 0, sizeof f);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT dose_number, product_code, kind, given_on, completes_primary"
                       " FROM doses WHERE person_id = ?",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (strcmp((const char *)sqlite3_column_text(st, 3), day) > 0)
            continue;
        f.one = true;
        f.full |= sqlite3_column_int(st, 4) != 0;
        f.boosted |= strcmp((const char *)sqlite3_column_text(st, 2), "primary") != 0;
        if (sqlite3_column_int(st, 0) == 1)
            snprintf(f.first_product, sizeof f.first_product, "%s",
                     (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return f;
}

static bool in_band(int age, int band)
{
    switch (band) {
    case PD_BAND_ALL:
        return true;
    case PD_BAND_18:
        return age >= 18;
    case PD_BAND_50:
        return age >= 50;
    case PD_BAND_65:
        return age >= 65;
    default:
        return age >= 12 && age <= 17;
    }
}

static void oracle_add(pd_cov_cell *cells, const oracle_person *o, const oracle_flags *f,
                       const char *day)
{
    pd_date b, d;
    pd_date_parse(o->birth, &b);
    pd_date_parse(day, &d);
    int age = pd_age_on(&b, &d);
    for (int band = 0; band < PD_BANDS; band++) {
        if (!in_band(age, band))
            continue;
        cells[band].people++;
        cells[band].one_dose += f->one;
        cells[band].full += f->full;
        cells[band].boosted += f->boosted;
    }
}

typedef struct rows_ctx {
    int n;
    pd_cov_row rows[16];
} rows_ctx;

static int collect(const pd_cov_row *r, void *vctx)
{
    rows_ctx *c = vctx;
    if (c->n < 16)
        c->rows[c->n++] = *r;
    return 0;
}

static void assert_cells(const pd_cov_cell *got, const pd_cov_cell *want, const char *what)
{
    for (int b = 0; b < PD_BANDS; b++) {
        if (got[b].people != want[b].people || got[b].one_dose != want[b].one_dose ||
            got[b].full != want[b].full || got[b].boosted != want[b].boosted)
            fail_msg("%s band %s: got %lld/%lld/%lld/%lld want %lld/%lld/%lld/%lld", what,
                     pd_band_names[b], (long long)got[b].people, (long long)got[b].one_dose,
                     (long long)got[b].full, (long long)got[b].boosted, (long long)want[b].people,
                     (long long)want[b].one_dose, (long long)want[b].full,
                     (long long)want[b].boosted);
    }
}

static void check_coverage_on(const char *day)
{
    pd_cov_cell by_unit[2][PD_BANDS], by_group[10][PD_BANDS], by_product[5][PD_BANDS];
    memset(by_unit, 0, sizeof by_unit);
    memset(by_group, 0, sizeof by_group);
    memset(by_product, 0, sizeof by_product);
    for (int i = 0; i < WORLD; i++) {
        oracle_flags f = flags_of(world[i].id, day);
        oracle_add(by_unit[world[i].unit], &world[i], &f, day);
        int g = (int)sql_int("SELECT coalesce(substr(max(group_code),2),0) FROM"
                             " person_priority_groups WHERE person_id = %lld",
                             (long long)world[i].id);
        if (g > 0)
            oracle_add(by_group[g], &world[i], &f, day);
        for (int p = 0; p < 5; p++)
            if (strcmp(f.first_product, products2[p]) == 0)
                oracle_add(by_product[p], &world[i], &f, day);
    }
    /* By unit: the district's communes 01840 and 01843 only hold the world's people. */
    pd_err err;
    for (int u = 0; u < 2; u++) {
        rows_ctx c = {0};
        assert_int_equal(pd_coverage(db, &viewer, world_units[u], day, "unit", collect, &c, &err),
                         PD_OK);
        assert_true(c.rows[c.n - 1].total);
        assert_cells(c.rows[c.n - 1].band, by_unit[u], world_units[u]);
    }
    rows_ctx g = {0};
    assert_int_equal(pd_coverage(db, &admin, "01840", day, "group", collect, &g, &err), PD_OK);
    rows_ctx g2 = {0};
    assert_int_equal(pd_coverage(db, &admin, "01843", day, "group", collect, &g2, &err), PD_OK);
    for (int k = 1; k <= 9; k++) {
        pd_cov_cell sum[PD_BANDS];
        memset(sum, 0, sizeof sum);
        rows_ctx *both[] = {&g, &g2};
        for (int s = 0; s < 2; s++)
            for (int r = 0; r < both[s]->n; r++)
                if (atoi(both[s]->rows[r].key + 1) == k)
                    for (int b = 0; b < PD_BANDS; b++) {
                        sum[b].people += both[s]->rows[r].band[b].people;
                        sum[b].one_dose += both[s]->rows[r].band[b].one_dose;
                        sum[b].full += both[s]->rows[r].band[b].full;
                        sum[b].boosted += both[s]->rows[r].band[b].boosted;
                    }
        assert_cells(sum, by_group[k], "group");
    }
    for (int p = 0; p < 5; p++) {
        pd_cov_cell sum[PD_BANDS];
        memset(sum, 0, sizeof sum);
        for (int u = 0; u < 2; u++) {
            rows_ctx c = {0};
            pd_coverage(db, &admin, world_units[u], day, "product", collect, &c, &err);
            for (int r = 0; r < c.n; r++)
                if (strcmp(c.rows[r].key, products2[p]) == 0)
                    for (int b = 0; b < PD_BANDS; b++) {
                        sum[b].people += c.rows[r].band[b].people;
                        sum[b].one_dose += c.rows[r].band[b].one_dose;
                        sum[b].full += c.rows[r].band[b].full;
                        sum[b].boosted += c.rows[r].band[b].boosted;
                    }
        }
        assert_cells(sum, by_product[p], products2[p]);
    }
}

typedef struct weeks_ctx {
    int n;
    pd_cov_week w[64];
} weeks_ctx;

static int collect_week(const pd_cov_week *w, void *vctx)
{
    weeks_ctx *c = vctx;
    if (c->n < 64)
        c->w[c->n++] = *w;
    return 0;
}

static void test_coverage_matches_per_person_loop(void **state)
{
    (void)state;
    build_world();
    assert_true(sql_int("SELECT count(*) FROM doses d JOIN people p ON p.id = d.person_id WHERE"
                        " p.unit_code IN ('01840','01843')") > 300);
    check_coverage_on("2021-05-01");
    check_coverage_on("2021-08-15");
    check_coverage_on("2021-11-15");
    /* Week by week (ages on the last day): each week equals the loop over doses by its Sunday. */
    weeks_ctx wk = {0};
    pd_err err;
    assert_int_equal(pd_coverage_weekly(db, &admin, "01840", "2021-03-01", "2021-11-14",
                                        collect_week, &wk, &err),
                     PD_OK);
    assert_int_equal(wk.n, 37); /* 2021-W09 .. 2021-W45 */
    assert_string_equal(wk.w[0].week, "2021-W09");
    assert_string_equal(wk.w[wk.n - 1].week, "2021-W45");
    for (int i = 0; i < wk.n; i += 6) {
        pd_cov_cell want[PD_BANDS];
        memset(want, 0, sizeof want);
        for (int p = 0; p < WORLD; p++) {
            if (world[p].unit != 0)
                continue;
            oracle_flags f = flags_of(world[p].id, wk.w[i].sunday);
            pd_date b, d;
            pd_date_parse(world[p].birth, &b);
            pd_date_parse("2021-11-14", &d);
            int age = pd_age_on(&b, &d);
            for (int band = 0; band < PD_BANDS; band++)
                if (in_band(age, band)) {
                    want[band].people++;
                    want[band].one_dose += f.one;
                    want[band].full += f.full;
                    want[band].boosted += f.boosted;
                }
        }
        assert_cells(wk.w[i].band, want, wk.w[i].week);
    }
    /* Permissions: a police or viewer account reads figures; a venue account does not. */
    pd_actor venue = actor_at(PD_ROLE_VENUE, PD_SCOPE_COMMUNE, "01834");
    rows_ctx c = {0};
    assert_int_equal(pd_coverage(db, &venue, "", "", "unit", collect, &c, &err), PD_EDENIED);
    assert_int_equal(pd_coverage(db, &commune_a, "01840", "", "unit", collect, &c, &err),
                     PD_ENOTFOUND);
}

static void test_unvaccinated_list(void **state)
{
    (void)state;
    int64_t p = add_person("Chua Tiem", "1950-02-02", "01846", NULL, NULL);
    int64_t young = add_person("Con Tre", "2010-02-02", "01846", NULL, NULL);
    sql_exec("INSERT INTO person_priority_groups(person_id, group_code, created_at) VALUES"
             " (%lld, 'g5', 1)",
             (long long)p);
    assert_true(in_list("unvaccinated", p, "", NULL));
    assert_false(in_list("unvaccinated", young, "", NULL));
    pd_vlist_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.list, sizeof q.list, "unvaccinated");
    snprintf(q.unit_code, sizeof q.unit_code, "01846");
    snprintf(q.group, sizeof q.group, "g5");
    find_ctx f = {p, false, {0}};
    bool more;
    pd_err err;
    assert_int_equal(pd_vlist(db, &admin, &q, find_cb, &f, &more, &err), PD_OK);
    assert_true(f.found);
    assert_string_equal(f.item.groups, "g5");
    /* A contraindication takes them off the list. */
    pd_deferral d;
    memset(&d, 0, sizeof d);
    d.person_id = p;
    snprintf(d.kind, sizeof d.kind, "contraindication");
    snprintf(d.reason, sizeof d.reason, "Phản vệ độ 3 với thành phần vắc xin");
    assert_int_equal(pd_deferral_add(db, &admin, &d, &err), PD_OK);
    assert_false(in_list("unvaccinated", p, "", NULL));
    assert_int_equal(pd_vlist(db, &team, &q, find_cb, &f, &more, &err), PD_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interval_edges_per_product),
        cmocka_unit_test(test_single_and_three_dose_products),
        cmocka_unit_test(test_mixing_rules),
        cmocka_unit_test(test_booster_and_additional),
        cmocka_unit_test(test_checks_name_fields),
        cmocka_unit_test(test_iso_weeks),
        cmocka_unit_test(test_import_all_or_nothing),
        cmocka_unit_test(test_import_xlsx),
        cmocka_unit_test(test_coverage_matches_per_person_loop),
        cmocka_unit_test(test_unvaccinated_list),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
