/* Unit tests of the F1 quarantine timeline (src/quarantine/): the rule in force on the day before
 * and the day of every change in domain rules §2 "Quarantine timeline", for each immunity, with the
 * expected schedules written out from the rules text; invalid dates; and a person's immunity from
 * their declared doses and recovered cases (precedence, the 6- and 3-month windows, the end of the
 * day). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "quarantine/quarantine.h"
#include "store/db.h"

static char dir[256];
static sqlite3 *db;

/* ---- Expected schedules, from the rules text ------------------------------------------------ */

typedef struct expect {
    const char *basis;
    bool quarantine;
    const char *place;
    int days;
    int tests[PD_QUARANTINE_MAX_TESTS];
    int ntests;
    int monitoring;
    int mtests[2];
    int nmtests;
} expect;

/* 5 May 2021, Telegram 600/CĐ-BCĐ: centralised 21 d, tests days 1, 14, 20; 7 d monitoring with a
 * test on day 7. */
static const expect E600 = {"600/CĐ-BCĐ", true, "centralised", 21, {1, 14, 20}, 3, 7, {7}, 1};
/* 14 Jul 2021, Dispatch 5599/BYT-MT: 14 d, tests days 1, 7, 14; then 14 d monitoring. */
static const expect E5599 = {"5599/BYT-MT", true, "centralised", 14, {1, 7, 14}, 3, 14, {0}, 0};
/* Oct 2021 (after Resolution 128): vaccinated or recovered: monitoring 7 d only; one dose 7 d home
 * + 7 d (test on day 7: the project's default); none 14 d home + 14 d, tests days 7, 14. */
#define NQ128 "Hướng dẫn sau Nghị quyết 128/NQ-CP"
static const expect EOCT_FULL = {NQ128, true, "home", 0, {0}, 0, 7, {0}, 0};
static const expect EOCT_PARTIAL = {NQ128, true, "home", 7, {7}, 1, 7, {0}, 0};
static const expect EOCT_NONE = {NQ128, true, "home", 14, {7, 14}, 2, 14, {0}, 0};
/* 16 Dec 2021, Dispatch 10696/BYT-MT: vaccinated or recovered 7 d home, tests days 1, 7, then 7 d
 * monitoring; others as in October. */
static const expect EDEC_FULL = {"10696/BYT-MT", true, "home", 7, {1, 7}, 2, 7, {0}, 0};
static const expect EDEC_PARTIAL = {"10696/BYT-MT", true, "home", 7, {7}, 1, 7, {0}, 0};
static const expect EDEC_NONE = {"10696/BYT-MT", true, "home", 14, {7, 14}, 2, 14, {0}, 0};
/* 21 Feb 2022, Dispatch 762/BYT-DP: two doses or recovered ≤ 3 months 5 d, test day 5, then 5 d
 * monitoring; others 7 d, test day 7, then 3 d monitoring. */
static const expect EFEB_FULL = {"762/BYT-DP", true, "home", 5, {5}, 1, 5, {0}, 0};
static const expect EFEB_OTHER = {"762/BYT-DP", true, "home", 7, {7}, 1, 3, {0}, 0};

static void check_rule(const char *date, pd_immunity im, const expect *e)
{
    const pd_quarantine_rule *r = pd_quarantine_rule_for(date, im);
    if (!r)
        fail_msg("no rule for %s", date);
    if (strcmp(r->basis, e->basis) != 0)
        fail_msg("%s immunity %d: basis %s, expected %s", date, im, r->basis, e->basis);
    assert_true(r->quarantine == e->quarantine);
    assert_string_equal(r->place, e->place);
    if (r->quarantine_days != e->days || r->monitoring_days != e->monitoring)
        fail_msg("%s immunity %d: %d + %d days, expected %d + %d", date, im, r->quarantine_days,
                 r->monitoring_days, e->days, e->monitoring);
    assert_int_equal(r->test_count, e->ntests);
    for (int i = 0; i < e->ntests; i++)
        assert_int_equal(r->test_days[i], e->tests[i]);
    assert_int_equal(r->monitoring_test_count, e->nmtests);
    for (int i = 0; i < e->nmtests; i++)
        assert_int_equal(r->monitoring_test_days[i], e->mtests[i]);
}

static void check_all(const char *date, const expect *e)
{
    for (int im = PD_IMMUNITY_NONE; im <= PD_IMMUNITY_RECOVERED; im++)
        check_rule(date, (pd_immunity)im, e);
}

/* The Oct 2021 and 16 Dec 2021 rows: vaccinated and recovered alike, one dose, none. */
static void check_by_immunity(const char *date, const expect *full, const expect *partial,
                              const expect *none)
{
    check_rule(date, PD_IMMUNITY_FULL, full);
    check_rule(date, PD_IMMUNITY_RECOVERED, full);
    check_rule(date, PD_IMMUNITY_PARTIAL, partial);
    check_rule(date, PD_IMMUNITY_NONE, none);
}

static void test_before_first_row(void **state)
{
    (void)state;
    check_all("2020-01-23", &E600);
    check_all("2021-05-04", &E600);
    check_all("2021-05-05", &E600);
}

static void test_14_jul_2021(void **state)
{
    (void)state;
    check_all("2021-07-13", &E600);
    check_all("2021-07-14", &E5599);
}

static void test_aug_2021_row_not_for_f1(void **state)
{
    (void)state;
    /* The August 2021 row (7 d for the vaccinated) is for arrivals from outbreak areas: an F1
     * exposed in August still follows 5599. */
    check_all("2021-08-15", &E5599);
    check_all("2021-09-30", &E5599);
}

static void test_oct_2021(void **state)
{
    (void)state;
    check_all("2021-10-10", &E5599);
    check_by_immunity("2021-10-11", &EOCT_FULL, &EOCT_PARTIAL, &EOCT_NONE);
    const pd_quarantine_rule *r = pd_quarantine_rule_for("2021-10-11", PD_IMMUNITY_FULL);
    assert_int_equal(r->quarantine_days, 0);
    assert_int_equal(r->monitoring_days, 7);
}

static void test_16_dec_2021(void **state)
{
    (void)state;
    check_by_immunity("2021-12-15", &EOCT_FULL, &EOCT_PARTIAL, &EOCT_NONE);
    check_by_immunity("2021-12-16", &EDEC_FULL, &EDEC_PARTIAL, &EDEC_NONE);
}

static void test_21_feb_2022(void **state)
{
    (void)state;
    check_by_immunity("2022-02-20", &EDEC_FULL, &EDEC_PARTIAL, &EDEC_NONE);
    check_rule("2022-02-21", PD_IMMUNITY_FULL, &EFEB_FULL);
    check_rule("2022-02-21", PD_IMMUNITY_RECOVERED, &EFEB_FULL);
    check_rule("2022-02-21", PD_IMMUNITY_PARTIAL, &EFEB_OTHER);
    check_rule("2022-02-21", PD_IMMUNITY_NONE, &EFEB_OTHER);
}

static void test_1_apr_2022(void **state)
{
    (void)state;
    check_rule("2022-03-31", PD_IMMUNITY_FULL, &EFEB_FULL);
    check_rule("2022-03-31", PD_IMMUNITY_NONE, &EFEB_OTHER);
    for (int im = PD_IMMUNITY_NONE; im <= PD_IMMUNITY_RECOVERED; im++) {
        const char *days[] = {"2022-04-01", "2022-09-08", "2023-01-01"};
        for (int i = 0; i < 3; i++) {
            const pd_quarantine_rule *r = pd_quarantine_rule_for(days[i], (pd_immunity)im);
            assert_non_null(r);
            assert_false(r->quarantine);
            assert_int_equal(r->quarantine_days, 0);
            assert_int_equal(r->test_count, 0);
            assert_non_null(r->basis);
        }
    }
}

static void test_invalid_dates(void **state)
{
    (void)state;
    const char *bad[] = {NULL,         "",         "2021",        "2021-02-30", "2021-13-01",
                         "11/10/2021", "2021-1-5", "2021-10-11x", "abcd-ef-gh"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(pd_quarantine_rule_for(bad[i], PD_IMMUNITY_NONE));
    assert_null(pd_quarantine_rule_for("2021-10-11", (pd_immunity)4));
    assert_null(pd_quarantine_rule_for("2021-10-11", (pd_immunity)-1));
    pd_immunity im = PD_IMMUNITY_FULL;
    assert_int_equal(pd_quarantine_immunity(db, 1, "2021-02-30", &im), PD_EINVAL);
}

/* ---- Immunity ------------------------------------------------------------------------------- */

/* Unix time of a local (UTC+7) moment. */
static int64_t local(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return (int64_t)timegm(&tm) - 7 * 3600;
}

static void exec_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void exec_ok(const char *fmt, ...)
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

static int64_t next_person = 100;

static int64_t new_person(void)
{
    int64_t id = ++next_person;
    exec_ok("INSERT INTO people(id, full_name, name_folded, unit_code, district_code,"
            " province_code, created_at, updated_at) VALUES (%lld, 'Người %lld', 'nguoi',"
            " '97001', '970', '97', 0, 0)",
            (long long)id, (long long)id);
    return id;
}

/* doses < 0: not said (NULL), as daily declarations are. */
static void declare(int64_t person, int64_t at, int doses)
{
    char d[16];
    if (doses < 0)
        snprintf(d, sizeof d, "NULL");
    else
        snprintf(d, sizeof d, "%d", doses);
    exec_ok("INSERT INTO declarations(person_id, kind, via, declared_at, unit_code, district_code,"
            " province_code, vaccine_doses) VALUES (%lld, '%s', 'self', %lld, '97001', '970',"
            " '97', %s)",
            (long long)person, doses < 0 ? "daily" : "full", (long long)at, d);
}

static void add_case(int64_t person, const char *status, int64_t status_at)
{
    exec_ok("INSERT INTO cases(person_id, confirmed_at, sample_date, found_in, basis, status,"
            " status_at, infectious_until, unit_code, district_code, province_code, created_at)"
            " VALUES (%lld, %lld, '2021-01-01', 'community', 'pcr', '%s', %lld, %lld, '97001',"
            " '970', '97', 0)",
            (long long)person, (long long)(status_at - 864000), status, (long long)status_at,
            (long long)status_at);
}

static pd_immunity immunity(int64_t person, const char *date)
{
    pd_immunity im = (pd_immunity)-1;
    assert_int_equal(pd_quarantine_immunity(db, person, date, &im), PD_OK);
    return im;
}

static void test_immunity_from_doses(void **state)
{
    (void)state;
    int64_t nobody = new_person();
    assert_int_equal(immunity(nobody, "2021-11-15"), PD_IMMUNITY_NONE);
    assert_int_equal(immunity(999999, "2021-11-15"), PD_IMMUNITY_NONE); /* no such person */

    int64_t zero = new_person(), one = new_person(), two = new_person(), three = new_person();
    declare(zero, local(2021, 11, 1, 9, 0, 0), 0);
    declare(one, local(2021, 11, 1, 9, 0, 0), 1);
    declare(two, local(2021, 11, 1, 9, 0, 0), 2);
    declare(three, local(2021, 11, 1, 9, 0, 0), 3);
    assert_int_equal(immunity(zero, "2021-11-15"), PD_IMMUNITY_NONE);
    assert_int_equal(immunity(one, "2021-11-15"), PD_IMMUNITY_PARTIAL);
    assert_int_equal(immunity(two, "2021-11-15"), PD_IMMUNITY_FULL);
    assert_int_equal(immunity(three, "2021-11-15"), PD_IMMUNITY_FULL);
    /* Before the declaration nothing is known. */
    assert_int_equal(immunity(two, "2021-10-31"), PD_IMMUNITY_NONE);
}

static void test_immunity_latest_declaration_by_end_of_day(void **state)
{
    (void)state;
    int64_t p = new_person();
    declare(p, local(2021, 10, 1, 8, 0, 0), 1);
    declare(p, local(2021, 11, 10, 23, 59, 59), 2); /* the last second of 10 Nov, local */
    declare(p, local(2021, 11, 12, 0, 0, 0), 0);    /* the first second of 12 Nov */
    declare(p, local(2021, 11, 20, 7, 0, 0), 1);
    assert_int_equal(immunity(p, "2021-11-09"), PD_IMMUNITY_PARTIAL);
    assert_int_equal(immunity(p, "2021-11-10"), PD_IMMUNITY_FULL);
    assert_int_equal(immunity(p, "2021-11-11"), PD_IMMUNITY_FULL);
    /* The latest declaration wins, even with fewer doses. */
    assert_int_equal(immunity(p, "2021-11-12"), PD_IMMUNITY_NONE);
    assert_int_equal(immunity(p, "2021-11-19"), PD_IMMUNITY_NONE);
    assert_int_equal(immunity(p, "2021-11-20"), PD_IMMUNITY_PARTIAL);

    /* 23:30 local on 10 Nov is 16:30 UTC the same day; 00:30 local on 11 Nov is 17:30 UTC on 10
     * Nov: the day is the local one. */
    int64_t q = new_person();
    declare(q, local(2021, 11, 11, 0, 30, 0), 2);
    assert_int_equal(immunity(q, "2021-11-10"), PD_IMMUNITY_NONE);
    assert_int_equal(immunity(q, "2021-11-11"), PD_IMMUNITY_FULL);

    /* A daily declaration does not say the doses and does not erase them. */
    int64_t r = new_person();
    declare(r, local(2021, 11, 1, 8, 0, 0), 2);
    declare(r, local(2021, 11, 5, 8, 0, 0), -1);
    assert_int_equal(immunity(r, "2021-11-06"), PD_IMMUNITY_FULL);
}

static void test_immunity_recovered_first(void **state)
{
    (void)state;
    /* Recovered takes precedence over doses. */
    int64_t p = new_person();
    declare(p, local(2021, 9, 1, 8, 0, 0), 2);
    add_case(p, "recovered", local(2021, 9, 20, 10, 0, 0));
    assert_int_equal(immunity(p, "2021-11-15"), PD_IMMUNITY_RECOVERED);
    /* Not yet recovered on the day before: their doses. */
    assert_int_equal(immunity(p, "2021-09-19"), PD_IMMUNITY_FULL);
    assert_int_equal(immunity(p, "2021-09-20"), PD_IMMUNITY_RECOVERED);
    /* Recovered at the first second of a day: not yet on the day before. */
    int64_t midnight = new_person();
    add_case(midnight, "recovered", local(2021, 9, 20, 0, 0, 0));
    assert_int_equal(immunity(midnight, "2021-09-19"), PD_IMMUNITY_NONE);
    assert_int_equal(immunity(midnight, "2021-09-20"), PD_IMMUNITY_RECOVERED);

    /* An active or died case is no recovery. */
    int64_t a = new_person();
    add_case(a, "active", local(2021, 11, 1, 8, 0, 0));
    assert_int_equal(immunity(a, "2021-11-15"), PD_IMMUNITY_NONE);
    int64_t t = new_person();
    add_case(t, "transferred", local(2021, 11, 1, 8, 0, 0));
    assert_int_equal(immunity(t, "2021-11-15"), PD_IMMUNITY_NONE);
}

static void test_immunity_six_months(void **state)
{
    (void)state;
    /* Before 21 Feb 2022: within 6 months before the date. On 15 Nov 2021 that is from 15 May
     * 2021, 00:00 local. */
    int64_t in = new_person(), out = new_person();
    add_case(in, "recovered", local(2021, 5, 15, 0, 0, 0));
    add_case(out, "recovered", local(2021, 5, 14, 23, 59, 59));
    assert_int_equal(immunity(in, "2021-11-15"), PD_IMMUNITY_RECOVERED);
    assert_int_equal(immunity(out, "2021-11-15"), PD_IMMUNITY_NONE);
    assert_int_equal(immunity(out, "2021-11-14"), PD_IMMUNITY_RECOVERED);
    assert_int_equal(immunity(in, "2021-11-16"), PD_IMMUNITY_NONE);
}

static void test_immunity_three_months_from_21_feb_2022(void **state)
{
    (void)state;
    /* Recovered on 1 Nov 2021: within 6 months of 20 Feb 2022, not within 3 of 21 Feb. */
    int64_t p = new_person();
    declare(p, local(2021, 8, 1, 8, 0, 0), 1);
    add_case(p, "recovered", local(2021, 11, 1, 12, 0, 0));
    assert_int_equal(immunity(p, "2022-02-20"), PD_IMMUNITY_RECOVERED);
    assert_int_equal(immunity(p, "2022-02-21"), PD_IMMUNITY_PARTIAL);

    /* On 1 Mar 2022 the window starts 1 Dec 2021, 00:00 local. */
    int64_t in = new_person(), out = new_person();
    add_case(in, "recovered", local(2021, 12, 1, 0, 0, 0));
    add_case(out, "recovered", local(2021, 11, 30, 23, 59, 59));
    assert_int_equal(immunity(in, "2022-03-01"), PD_IMMUNITY_RECOVERED);
    assert_int_equal(immunity(out, "2022-03-01"), PD_IMMUNITY_NONE);

    /* A month shorter than the day: 31 May 2022 - 3 months is 28 Feb 2022 (clamped). */
    int64_t feb = new_person();
    add_case(feb, "recovered", local(2022, 2, 28, 0, 0, 0));
    assert_int_equal(immunity(feb, "2022-05-31"), PD_IMMUNITY_RECOVERED);
    int64_t feb27 = new_person();
    add_case(feb27, "recovered", local(2022, 2, 27, 23, 0, 0));
    assert_int_equal(immunity(feb27, "2022-05-31"), PD_IMMUNITY_NONE);
}

static void test_immunity_picks_the_rule(void **state)
{
    (void)state;
    /* The two together: an F1 with two doses exposed on 16 Dec 2021 gets 7 d at home. */
    int64_t p = new_person();
    declare(p, local(2021, 10, 1, 8, 0, 0), 2);
    check_rule("2021-12-16", immunity(p, "2021-12-16"), &EDEC_FULL);
    int64_t q = new_person();
    check_rule("2021-12-16", immunity(q, "2021-12-16"), &EDEC_NONE);
}

static int group_setup(void **state)
{
    (void)state;
    if (pd_test_make_dir(dir, sizeof dir, "pd_quarantine") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/quarantine.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    if (!db)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    return sqlite3_exec(db,
                        "INSERT INTO units(code, name, type, level, name_folded, province_code)"
                        " VALUES ('97', 'P', 'Tỉnh', 1, 'p', '97');"
                        "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                        " province_code, district_code) VALUES ('970', 'D', 'Huyện', '97', 2, 'd',"
                        " '97', '970');"
                        "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                        " province_code, district_code, commune_code) VALUES ('97001', 'C', 'Xã',"
                        " '970', 3, 'c', '97', '970', '97001');",
                        NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_before_first_row),
        cmocka_unit_test(test_14_jul_2021),
        cmocka_unit_test(test_aug_2021_row_not_for_f1),
        cmocka_unit_test(test_oct_2021),
        cmocka_unit_test(test_16_dec_2021),
        cmocka_unit_test(test_21_feb_2022),
        cmocka_unit_test(test_1_apr_2022),
        cmocka_unit_test(test_invalid_dates),
        cmocka_unit_test(test_immunity_from_doses),
        cmocka_unit_test(test_immunity_latest_declaration_by_end_of_day),
        cmocka_unit_test(test_immunity_recovered_first),
        cmocka_unit_test(test_immunity_six_months),
        cmocka_unit_test(test_immunity_three_months_from_21_feb_2022),
        cmocka_unit_test(test_immunity_picks_the_rule),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
