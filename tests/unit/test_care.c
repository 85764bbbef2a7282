/* Unit tests of F0 care (src/care/): the risk colours of Decision 5525 for each row of its table,
 * home care or a facility by the criteria in force (4038 then 261, the thresholds at their edges),
 * triage from the registry, a monitoring entry raising the SpO₂ alert, beds with capacity
 * enforced (ICU apart), and release by the rule in force marking the case recovered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "care/care.h"
#include "quarantine/internal.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

static char dir[256];
static sqlite3 *db;
static pd_actor admin;

static void exec_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void exec_ok(const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

static pd_care_input input(int age, const char *vacc, const char *comorb, bool pregnant)
{
    pd_care_input in;
    memset(&in, 0, sizeof in);
    in.age = age;
    in.age_months = age * 12 + 6;
    snprintf(in.vaccination, sizeof in.vaccination, "%s", vacc);
    snprintf(in.comorbidity, sizeof in.comorbidity, "%s", comorb);
    in.pregnant = pregnant;
    snprintf(in.symptoms, sizeof in.symptoms, "none");
    in.resp_rate = 16;
    in.spo2 = 98;
    in.self_care = true;
    snprintf(in.day, sizeof in.day, "2021-12-20");
    return in;
}

static const char *colour_of(pd_care_input in)
{
    static pd_care_class k;
    pd_care_colour(&in, &k);
    return k.colour;
}

static void test_colours_of_5525(void **state)
{
    (void)state;
    /* Green: under 50, fully vaccinated, no chronic disease. */
    assert_string_equal(colour_of(input(30, "full", "none", false)), "green");
    assert_string_equal(colour_of(input(49, "full", "none", false)), "green");
    /* Yellow: 50-64 fully vaccinated healthy; 3 months-49 not fully vaccinated. */
    assert_string_equal(colour_of(input(50, "full", "none", false)), "yellow");
    assert_string_equal(colour_of(input(64, "full", "none", false)), "yellow");
    assert_string_equal(colour_of(input(20, "partial", "none", false)), "yellow");
    assert_string_equal(colour_of(input(1, "none", "none", false)), "yellow");
    /* Orange: 65+ fully vaccinated; chronic and fully vaccinated; 50-64 not fully vaccinated
     * healthy; pregnant or post-partum; infants under 3 months. */
    assert_string_equal(colour_of(input(65, "full", "none", false)), "orange");
    assert_string_equal(colour_of(input(40, "full", "stable", false)), "orange");
    assert_string_equal(colour_of(input(55, "none", "none", false)), "orange");
    assert_string_equal(colour_of(input(28, "full", "none", true)), "orange");
    pd_care_input infant = input(0, "none", "none", false);
    infant.age_months = 2;
    assert_string_equal(colour_of(infant), "orange");
    infant.age_months = 3;
    assert_string_equal(colour_of(infant), "yellow");
    /* Red: 65+ with chronic disease, or 65+ not fully vaccinated. */
    assert_string_equal(colour_of(input(70, "full", "stable", false)), "red");
    assert_string_equal(colour_of(input(65, "partial", "none", false)), "red");
    /* Clinical signs raise the colour (project default). */
    pd_care_input sick = input(30, "full", "none", false);
    snprintf(sick.symptoms, sizeof sick.symptoms, "moderate");
    assert_string_equal(colour_of(sick), "orange");
    snprintf(sick.symptoms, sizeof sick.symptoms, "severe");
    assert_string_equal(colour_of(sick), "red");
}

static pd_care_class classify(pd_care_input in)
{
    pd_care_class k;
    pd_err err;
    assert_int_equal(pd_care_classify(db, &in, &k, &err), PD_OK);
    return k;
}

static void test_home_care_criteria(void **state)
{
    (void)state;
    pd_care_input in = input(30, "full", "none", false);
    /* 4038 (from 21 Aug 2021): SpO2 >= 96 and RR <= 20 at home. */
    in.spo2 = 96;
    in.resp_rate = 20;
    pd_care_class k = classify(in);
    assert_string_equal(k.place, "home");
    assert_string_equal(k.place_basis, "4038/QĐ-BYT");
    in.spo2 = 95;
    assert_string_equal(classify(in).place, "facility");
    in.spo2 = 96;
    in.resp_rate = 21;
    assert_string_equal(classify(in).place, "facility");
    /* 261 (from 31 Jan 2022): SpO2 > 96 and RR < 20. */
    snprintf(in.day, sizeof in.day, "2022-02-01");
    in.resp_rate = 19;
    in.spo2 = 96;
    k = classify(in);
    assert_string_equal(k.place, "facility");
    assert_string_equal(k.place_basis, "261/QĐ-BYT");
    assert_non_null(strstr(k.place_reason, "SpO₂ 96"));
    in.spo2 = 97;
    assert_string_equal(classify(in).place, "home");
    /* 4038 needs vaccination or 1-49 healthy; 261 takes a stable comorbidity. */
    pd_care_input old = input(60, "none", "none", false);
    assert_string_equal(classify(old).place, "facility");
    pd_care_input young = input(30, "none", "none", false);
    pd_care_class ky = classify(young);
    assert_string_equal(ky.colour, "yellow");
    assert_string_equal(ky.place, "home");
    /* Orange and red go to hospital whatever the criteria; yellow with symptoms to tier 1. */
    pd_care_class ko = classify(input(30, "full", "none", true));
    assert_string_equal(ko.place, "facility");
    assert_int_equal(ko.tier, 2);
    snprintf(young.symptoms, sizeof young.symptoms, "mild");
    assert_string_equal(classify(young).place, "facility");
    /* Before any home-care rule: a facility. */
    pd_care_input early = input(30, "full", "none", false);
    snprintf(early.day, sizeof early.day, "2021-07-01");
    assert_string_equal(classify(early).place, "facility");
}

/* A person with an active case confirmed `days_ago` days before today. */
static int64_t new_case(int age, int days_ago)
{
    static int64_t next = 500;
    int64_t p = ++next;
    pd_date today = pd_local_date(pd_now());
    char birth[11], sample[11], t[11];
    pd_date_format(&today, t, sizeof t);
    pdq_add_days(t, -(age * 365 + age / 4 + 30), birth);
    pdq_add_days(t, -days_ago, sample);
    exec_ok("INSERT INTO people(id, full_name, name_folded, birth_date, unit_code, district_code,"
            " province_code, created_at, updated_at) VALUES (%lld, 'F0 %lld', 'f0', '%s',"
            " '97001', '970', '97', 0, 0)",
            (long long)p, (long long)p, birth);
    exec_ok("INSERT INTO cases(person_id, confirmed_at, sample_date, found_in, basis, status,"
            " status_at, infectious_until, unit_code, district_code, province_code, created_at)"
            " VALUES (%lld, %lld, '%s', 'community', 'pcr', 'active', 0, 0, '97001', '970', '97',"
            " 0)",
            (long long)p, (long long)(pd_now() - days_ago * 86400), sample);
    return sqlite3_last_insert_rowid(db);
}

static int64_t triage(int64_t case_id, const char *vacc, pd_care_class *k)
{
    pd_care_input in;
    memset(&in, 0, sizeof in);
    in.case_id = case_id;
    in.age = -1;
    in.age_months = -1;
    snprintf(in.vaccination, sizeof in.vaccination, "%s", vacc);
    snprintf(in.symptoms, sizeof in.symptoms, "none");
    in.spo2 = 98;
    in.resp_rate = 16;
    in.self_care = true;
    int64_t id = 0;
    pd_err err;
    assert_int_equal(pd_care_triage(db, &admin, &in, &id, k, &err), PD_OK);
    return id;
}

static void test_triage_monitor_alert(void **state)
{
    (void)state;
    pd_care_class k;
    int64_t c = new_case(70, 2);
    int64_t e = triage(c, "", &k);
    /* 70 years old from the registry, no dose recorded: red, tier 3. */
    assert_string_equal(k.colour, "red");
    assert_int_equal(k.tier, 3);
    char alert[160];
    pd_err err;
    int64_t entry;
    /* Today's rule (261): SpO2 > 96. 97 is fine, 95 alerts. */
    assert_int_equal(
        pd_care_monitor(db, &admin, e, "morning", 97, 18, 37.0, 80, "", &entry, alert, &err),
        PD_OK);
    assert_string_equal(alert, "");
    assert_int_equal(
        pd_care_monitor(db, &admin, e, "evening", 95, 18, -1, -1, "", &entry, alert, &err), PD_OK);
    assert_non_null(strstr(alert, "SpO₂ 95"));
    assert_int_equal(
        pd_care_monitor(db, &admin, e, "noon", 95, 18, -1, -1, "", &entry, alert, &err), PD_EINVAL);
    assert_string_equal(err.field, "slot");
    json_t *a = NULL;
    assert_int_equal(pd_care_alerts(db, &admin, "", &a, &err), PD_OK);
    json_t *items = json_object_get(a, "items");
    bool found = false;
    for (size_t i = 0; i < json_array_size(items); i++)
        found |= json_integer_value(json_object_get(json_array_get(items, i), "id")) == entry;
    assert_true(found);
    json_decref(a);
    assert_int_equal(pd_care_alert_done(db, &admin, entry, &err), PD_OK);
    assert_int_equal(pd_care_alert_done(db, &admin, entry, &err), PD_ECONFLICT);
}

static void test_beds_and_release(void **state)
{
    (void)state;
    pd_facility f;
    memset(&f, 0, sizeof f);
    snprintf(f.kind, sizeof f.kind, "treatment");
    snprintf(f.name, sizeof f.name, "Tầng 2");
    snprintf(f.unit_code, sizeof f.unit_code, "97001");
    f.tier = 2;
    f.beds = 2;
    f.icu_beds = 1; /* one ordinary bed, one ICU bed */
    pd_err err;
    assert_int_equal(pd_facility_add(db, &admin, &f, &err), PD_OK);
    pd_care_class k;
    int64_t e1 = triage(new_case(30, 8), "none", &k);
    int64_t e2 = triage(new_case(31, 12), "full", &k);
    assert_int_equal(pd_care_assign(db, &admin, e1, f.id, "bed", &err), PD_OK);
    assert_int_equal(pd_care_assign(db, &admin, e2, f.id, "bed", &err), PD_ECONFLICT);
    assert_string_equal(err.field, "facility_id");
    assert_int_equal(pd_care_assign(db, &admin, e2, f.id, "icu", &err), PD_OK);
    /* A tier-1 facility does not take a patient triage sent to tier 2 or above. */
    pd_facility low = f;
    low.id = 0;
    snprintf(low.name, sizeof low.name, "Tầng 1");
    low.tier = 1;
    low.icu_beds = 0;
    assert_int_equal(pd_facility_add(db, &admin, &low, &err), PD_OK);
    pd_care_class k70;
    int64_t e3 = triage(new_case(70, 1), "none", &k70);
    assert_true(k70.tier >= 2);
    assert_int_equal(pd_care_assign(db, &admin, e3, low.id, "bed", &err), PD_EINVAL);
    assert_string_equal(err.field, "facility_id");
    /* Release (250/QĐ-BYT today): 7 days with a negative antigen test, else 10 (full) or 14. */
    assert_int_equal(pd_care_release(db, &admin, e1, "", "", &err), PD_ECONFLICT);
    assert_non_null(strstr(err.message, "250/QĐ-BYT"));
    char today[11], old[11];
    pdq_day("", "day", today, &err);
    pdq_add_days(today, -3, old);
    assert_int_equal(pd_care_release(db, &admin, e1, "", old, &err), PD_ECONFLICT);
    assert_int_equal(pd_care_release(db, &admin, e1, "", today, &err), PD_OK);
    assert_int_equal(pd_care_release(db, &admin, e2, "", "", &err), PD_OK); /* 12 d, full */
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT count(*) FROM cases c JOIN care_episodes e ON e.case_id = c.id"
                       " WHERE e.id IN (?, ?) AND c.status = 'recovered'",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, e1);
    sqlite3_bind_int64(st, 2, e2);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    sqlite3_finalize(st);
    /* The beds are free again. */
    json_t *list = NULL;
    assert_int_equal(pd_facilities_list(db, &admin, "treatment", "", &list, &err), PD_OK);
    json_t *row = json_array_get(json_object_get(list, "items"), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "used")), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "icu_used")), 0);
    json_decref(list);
}

static int group_setup(void **state)
{
    (void)state;
    admin = pd_actor_cli();
    if (pd_test_make_dir(dir, sizeof dir, "pd_care") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/c.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    if (!db) {
        fprintf(stderr, "open: %s\n", err.message);
        return -1;
    }
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
        cmocka_unit_test(test_colours_of_5525),
        cmocka_unit_test(test_home_care_criteria),
        cmocka_unit_test(test_triage_monitor_alert),
        cmocka_unit_test(test_beds_and_release),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
