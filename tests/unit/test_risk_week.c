/* Unit tests of the set-wise weekly computation (src/risk/week.c, ops.c, rules.c) on a small world
 * worked out by hand: two communes of Thành phố Bắc Kạn with people of known ages, community and
 * quarantine cases, doses (a `doses` table shaped as the vaccination module's, created here if that
 * migration is not there yet), capacity checklists. Checks criterion 1 from community cases only,
 * criterion 2 switching from 65+ to 50+ between 2021-W43 and 2021-W44, "not lower while criterion 3
 * is unmet" across weeks, publishing (stored, audited, replaces the computed row), scope, a
 * province's adjustment of a rule row, and coverage 0 when no dose exists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "risk/risk.h"
#include "store/db.h"
#include "units/units.h"

#define A "01834" /* Phường Nguyễn Thị Minh Khai */
#define B "01837" /* Phường Sông Cầu */

static char dir[256];
static sqlite3 *db;
static pd_actor admin, district, commune_a, province, viewer;

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

static int64_t sql_int(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* n people born on birth in unit; with a dose on dose_on (NULL: none), completing if full. */
static void add_people(const char *unit, int n, const char *birth, const char *dose_on, int full)
{
    for (int i = 0; i < n; i++) {
        sql_exec("INSERT INTO people(full_name, name_folded, birth_date, unit_code, district_code,"
                 " province_code, created_at, updated_at) SELECT 'Người Thử', 'nguoi thu', '%s',"
                 " code, district_code, province_code, 1, 1 FROM units WHERE code = '%s'",
                 birth, unit);
        if (dose_on)
            sql_exec("INSERT INTO doses(person_id, product_code, dose_number, kind, given_on,"
                     " completes_primary, unit_code, district_code, province_code, created_at)"
                     " VALUES (%lld, 'AZ', 1, 'primary', '%s', %d, '%s', '058', '06', 1)",
                     (long long)sqlite3_last_insert_rowid(db), dose_on, full, unit);
    }
}

/* A case confirmed at noon local on a day. */
static void add_case(const char *unit, const char *day, const char *found_in)
{
    sql_exec("INSERT INTO people(full_name, name_folded, birth_date, unit_code, district_code,"
             " province_code, created_at, updated_at) SELECT 'Ca Bệnh', 'ca benh', '1990-01-01',"
             " code, district_code, province_code, 1, 1 FROM units WHERE code = '%s'",
             unit);
    sql_exec("INSERT INTO cases(person_id, confirmed_at, sample_date, found_in, basis, status_at,"
             " infectious_until, unit_code, district_code, province_code, created_at) VALUES"
             " (%lld, CAST(strftime('%%s', '%s 05:00:00') AS INTEGER), '%s', '%s', 'pcr', 1, 1,"
             " '%s', '058', '06', 1)",
             (long long)sqlite3_last_insert_rowid(db), day, day, found_in, unit);
}

static int setup(void **state)
{
    (void)state;
    if (pd_test_make_dir(dir, sizeof dir, "riskweek") != 0)
        return -1;
    char path[300];
    snprintf(path, sizeof path, "%s/w.db", dir);
    pd_err err;
    int loaded;
    db = pd_db_open(path, &err);
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    /* The vaccination module's table when its migration is there (products are not needed
     * here: foreign keys off on this connection), else one of the same shape. */
    sql_exec("PRAGMA foreign_keys = OFF");
    sql_exec("CREATE TABLE IF NOT EXISTS doses (id INTEGER PRIMARY KEY, person_id INTEGER NOT"
             " NULL, product_code TEXT, dose_number INTEGER, kind TEXT, given_on TEXT,"
             " completes_primary INTEGER, unit_code TEXT, district_code TEXT, province_code TEXT,"
             " created_at INTEGER)");
    admin = actor_at(PD_ROLE_ADMIN, PD_SCOPE_COUNTRY, "");
    district = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058");
    commune_a = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, A);
    province = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06");
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_DISTRICT, "058");
    /* A: 997 people, and the 3 case people below: 1,000. */
    add_people(A, 600, "1991-06-01", "2021-09-01", 0); /* 30: one dose */
    add_people(A, 150, "1951-06-01", "2021-09-01", 1); /* 70: complete */
    add_people(A, 100, "1966-06-01", "2021-09-01", 0); /* 55: one dose */
    add_people(A, 147, "2010-06-01", NULL, 0);         /* children */
    add_case(A, "2021-10-27", "community");            /* W43 */
    add_case(A, "2021-11-03", "community");            /* W44 */
    add_case(A, "2021-11-04", "quarantine");           /* W44: not counted */
    /* B: 500 adults, no dose, no case. */
    add_people(B, 500, "1991-06-01", NULL, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    return 0;
}

static const pd_risk_row *row(const pd_risk_week *w, const char *code)
{
    for (int i = 0; i < w->count; i++)
        if (strcmp(w->rows[i].unit_code, code) == 0)
            return &w->rows[i];
    return NULL;
}

static void compute(const pd_actor *a, const char *week, bool live, pd_risk_week *w)
{
    pd_err err;
    if (pd_risk_week_compute(db, a, week, NULL, live, w, &err) != PD_OK)
        fail_msg("%s: %s", week, err.message);
}

static void test_criteria_and_elderly_switch(void **state)
{
    (void)state;
    pd_risk_week w;
    compute(&district, "2021-W43", true, &w);
    assert_int_equal(w.count, 2);
    const pd_risk_row *a = row(&w, A);
    assert_non_null(a);
    assert_int_equal(a->in.population, 1000); /* the W44 case people are born 1990: present */
    assert_int_equal(a->in.cases, 1);
    assert_int_equal(a->res.band, 3); /* 1 / 1,000 = 100 per 100,000 */
    /* Adults: 600 + 150 + 100 + the case people (3, born 1990, no dose): 853; with a dose 850. */
    assert_true(a->in.dose1_18plus > 850.0 / 853 - 1e-9 && a->in.dose1_18plus < 850.0 / 853 + 1e-9);
    assert_true(a->in.full_elderly == 1.0); /* 65+: 150 of 150 */
    assert_true(a->res.coverage_met);
    assert_int_equal(a->res.level, 3);
    assert_non_null(strstr(a->res.reason, "Cấp 3 vì 100 ca/100.000/tuần; độ bao phủ đạt"));
    assert_string_equal(a->rule_code, "4800-65");
    const pd_risk_row *b = row(&w, B);
    assert_int_equal(b->res.level, 1);
    assert_true(b->in.dose1_18plus == 0.0);
    pd_risk_week_free(&w);

    compute(&district, "2021-W44", true, &w);
    a = row(&w, A);
    assert_int_equal(a->in.cases, 1); /* the quarantine case does not count */
    assert_int_equal(a->in.cases_14d, 2);
    assert_string_equal(a->rule_code, "4800-50");
    /* 50+: 150 complete of 250 = 60 % */
    assert_true(a->in.full_elderly > 0.6 - 1e-9 && a->in.full_elderly < 0.6 + 1e-9);
    assert_false(a->res.coverage_met);
    assert_int_equal(a->res.level, 4);
    assert_non_null(strstr(a->res.reason, "người từ 50 tuổi tiêm đủ liều 60% < 80%"));
    assert_int_equal(a->in.previous, 3); /* W43 computed */
    pd_risk_week_free(&w);
}

static void test_not_lower_without_capacity(void **state)
{
    (void)state;
    pd_risk_week w;
    /* W45: no case this week, one in W44 (inside 14 days): band 1, coverage unmet -> 2; last
     * week 4 and no checklist -> stays 4. */
    compute(&district, "2021-W45", true, &w);
    const pd_risk_row *a = row(&w, A);
    assert_int_equal(a->in.cases, 0);
    assert_int_equal(a->in.previous, 4);
    assert_false(a->in.capacity_known);
    assert_int_equal(a->res.level, 4);
    assert_non_null(strstr(a->res.reason, "chưa được đánh giá"));
    pd_risk_week_free(&w);
    pd_risk_capacity c = {.unit_code = A,
                          .week = "2021-W45",
                          .oxygen = true,
                          .mobile_station = true,
                          .care_team = true};
    pd_err err;
    assert_int_equal(pd_risk_capacity_save(db, &commune_a, &c, &err), PD_EDENIED);
    assert_int_equal(pd_risk_capacity_save(db, &district, &c, &err), PD_OK);
    assert_true(c.met);
    compute(&district, "2021-W45", true, &w);
    assert_int_equal(row(&w, A)->res.level, 2);
    pd_risk_week_free(&w);
    /* The checklist carries on to later weeks until a newer one. */
    compute(&district, "2021-W46", true, &w);
    assert_true(row(&w, A)->in.capacity_known && row(&w, A)->in.capacity_met);
    pd_risk_week_free(&w);
    assert_true(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'risk_capacity'") == 1);
    /* Outside the district: not found. */
    pd_risk_capacity far = {.unit_code = "00001", .week = "2021-W45"};
    assert_int_equal(pd_risk_capacity_save(db, &district, &far, &err), PD_ENOTFOUND);
}

static void test_publish_and_scope(void **state)
{
    (void)state;
    pd_err err;
    int n = 0;
    assert_int_equal(pd_risk_publish(db, &viewer, "2021-W44", NULL, &n, &err), PD_EDENIED);
    assert_int_equal(pd_risk_publish(db, &district, "2021-W44", NULL, &n, &err), PD_OK);
    assert_int_equal(n, 2);
    assert_true(sql_int("SELECT count(*) FROM risk_published WHERE week = '2021-W44'") == 2);
    assert_true(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'risk_week'") == 1);
    add_case(A, "2021-11-05", "community"); /* after publishing */
    pd_risk_week w;
    compute(&viewer, "2021-W44", false, &w);
    const pd_risk_row *a = row(&w, A);
    assert_true(a->published);
    assert_int_equal(a->in.cases, 1); /* the published figure */
    assert_int_equal(a->res.level, 4);
    pd_risk_week_free(&w);
    compute(&viewer, "2021-W44", true, &w);
    assert_false(row(&w, A)->published);
    assert_int_equal(row(&w, A)->in.cases, 2);
    pd_risk_week_free(&w);
    /* A commune sees itself only; another unit is not found. */
    compute(&commune_a, "2021-W44", false, &w);
    assert_int_equal(w.count, 1);
    assert_string_equal(w.rows[0].unit_code, A);
    pd_risk_week_free(&w);
    assert_int_equal(pd_risk_week_compute(db, &commune_a, "2021-W44", B, false, &w, &err),
                     PD_ENOTFOUND);
    assert_int_equal(pd_risk_week_compute(db, &district, "2021-W44", "00001", false, &w, &err),
                     PD_ENOTFOUND);
    assert_int_equal(pd_risk_week_compute(db, &district, "2021-W40", NULL, false, &w, &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "week");
    /* History: four weeks ending W46, oldest first. */
    pd_risk_row hist[4];
    assert_int_equal(pd_risk_history(db, &district, A, "2021-W46", 4, hist, &err), PD_OK);
    assert_string_equal(hist[0].week, "2021-W43");
    assert_int_equal(hist[0].res.level, 3);
    assert_true(hist[1].published);
    assert_int_equal(hist[1].res.level, 4);
}

static void test_province_adjusts_rule(void **state)
{
    (void)state;
    pd_risk_rule r, out;
    pd_err err;
    assert_int_equal(pd_risk_rule_get(db, 2, &r, &err), PD_OK);
    r.band2_min = 250; /* about 200 per 100,000 becomes band 1 in this province */
    r.band3_min = 300;
    r.band4_min = 250; /* not increasing */
    assert_int_equal(pd_risk_rule_adjust(db, &district, &r, &out, &err), PD_EDENIED);
    assert_int_equal(pd_risk_rule_adjust(db, &province, &r, &out, &err), PD_EINVAL);
    assert_string_equal(err.field, "band2_min");
    r.band4_min = 400;
    r.coverage_min = 0.5;
    r.elderly_min = 0.5;
    assert_int_equal(pd_risk_rule_adjust(db, &province, &r, &out, &err), PD_OK);
    assert_true(out.id != 2);
    assert_string_equal(out.province_code, "06");
    assert_string_equal(out.code, "4800-50");
    assert_true(sql_int("SELECT band2_min FROM risk_rules WHERE id = 2") == 20); /* national */
    assert_true(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'risk_rule'") == 1);
    pd_risk_week w;
    compute(&district, "2021-W46", true, &w);
    assert_int_equal(row(&w, A)->rule_id, out.id);
    pd_risk_week_free(&w);
    compute(&district, "2021-W44", true, &w);
    assert_int_equal(row(&w, A)->res.band, 1); /* 2 of 1,001: 199.8 < 250 */
    assert_true(row(&w, A)->res.coverage_met); /* 60 % >= 50 % */
    pd_risk_week_free(&w);
    /* Adjusting again edits the province's own row. */
    pd_risk_rule again = out, out2;
    again.band4_min = 500;
    assert_int_equal(pd_risk_rule_adjust(db, &province, &again, &out2, &err), PD_OK);
    assert_int_equal(out2.id, out.id);
}

static void test_no_doses_table_rows(void **state)
{
    (void)state;
    sql_exec("DELETE FROM doses");
    pd_risk_week w;
    compute(&admin, "2021-W46", true, &w);
    assert_int_equal(w.count, 2);
    assert_true(row(&w, A)->in.dose1_18plus == 0.0 && row(&w, A)->in.full_elderly == 0.0);
    pd_risk_week_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_criteria_and_elderly_switch),
        cmocka_unit_test(test_not_lower_without_capacity),
        cmocka_unit_test(test_publish_and_scope),
        cmocka_unit_test(test_province_adjusts_rule),
        cmocka_unit_test(test_no_doses_table_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
