/* Unit tests of quarantine as data and orders (src/quarantine/): the rule rows of migration 7
 * against rules.c's table and the worked examples of domain rules §2; immunity from recorded
 * doses; an order's life (start with a full facility refused, health checks raising alerts,
 * release blocked until the days are served and the tests negative, hand-over confirmed only by
 * the receiving commune); the worklists against a per-order computation in C from the rules; and
 * capacity with its projection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int64_t scalar(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static int64_t next_person = 1000;

static int64_t new_person(const char *commune)
{
    int64_t id = ++next_person;
    exec_ok("INSERT INTO people(id, full_name, name_folded, birth_date, unit_code, district_code,"
            " province_code, created_at, updated_at) VALUES (%lld, 'Người %lld', 'nguoi',"
            " '1990-01-01', '%s', '970', '97', 0, 0)",
            (long long)id, (long long)id, commune);
    return id;
}

/* An order as tracing writes it: pending, the rule of `rule_day` for immunity none. */
static int64_t new_order(const char *commune, const char *start, int days, const char *tests,
                         int monitoring)
{
    int64_t p = new_person(commune);
    exec_ok("INSERT INTO quarantine_orders(person_id, reason, status, rule, start_date,"
            " quarantine_days, place, monitoring_days, test_days, unit_code, district_code,"
            " province_code, created_at) VALUES (%lld, 'f1', 'pending', 'test', '%s', %d,"
            " 'centralised', %d, '%s', '%s', '970', '97', 0)",
            (long long)p, start, days, monitoring, tests, commune);
    return sqlite3_last_insert_rowid(db);
}

static int64_t new_facility(const char *kind, int beds)
{
    pd_facility f;
    memset(&f, 0, sizeof f);
    snprintf(f.kind, sizeof f.kind, "%s", kind);
    snprintf(f.name, sizeof f.name, "Cơ sở %s", kind);
    snprintf(f.unit_code, sizeof f.unit_code, "97001");
    f.beds = beds;
    pd_err err;
    assert_int_equal(pd_facility_add(db, &admin, &f, &err), PD_OK);
    return f.id;
}

static void sample(int64_t order, int day, const char *on, const char *result)
{
    exec_ok("INSERT INTO samples(person_id, kind, reason, sampled_on, quarantine_order_id,"
            " test_day, result, unit_code, district_code, province_code, created_at)"
            " SELECT person_id, 'pcr', 'f1_schedule', '%s', id, %d, '%s', unit_code,"
            " district_code, province_code, 0 FROM quarantine_orders WHERE id = %lld",
            on, day, result, (long long)order);
}

/* ---- rules as data ---- */

static void test_rule_rows_match_rules_c(void **state)
{
    (void)state;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT effective_from, immunity, basis, quarantine, place,"
                                        " quarantine_days, test_days, monitoring_days,"
                                        " monitoring_test_days FROM quarantine_rules WHERE"
                                        " category = 'f1'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        rows++;
        const char *from = (const char *)sqlite3_column_text(st, 0);
        const pd_quarantine_rule *r =
            pd_quarantine_rule_for(from, (pd_immunity)sqlite3_column_int(st, 1));
        assert_non_null(r);
        assert_string_equal(r->basis, (const char *)sqlite3_column_text(st, 2));
        assert_int_equal(r->quarantine, sqlite3_column_int(st, 3));
        assert_string_equal(r->place, (const char *)sqlite3_column_text(st, 4));
        assert_int_equal(r->quarantine_days, sqlite3_column_int(st, 5));
        assert_int_equal(r->monitoring_days, sqlite3_column_int(st, 7));
        char tests[64] = "[", mtests[32] = "[";
        for (int i = 0; i < r->test_count; i++)
            snprintf(tests + strlen(tests), sizeof tests - strlen(tests), "%s%d", i ? "," : "",
                     r->test_days[i]);
        for (int i = 0; i < r->monitoring_test_count; i++)
            snprintf(mtests + strlen(mtests), sizeof mtests - strlen(mtests), "%s%d", i ? "," : "",
                     r->monitoring_test_days[i]);
        strcat(tests, "]");
        strcat(mtests, "]");
        assert_string_equal(tests, (const char *)sqlite3_column_text(st, 6));
        assert_string_equal(mtests, (const char *)sqlite3_column_text(st, 8));
    }
    sqlite3_finalize(st);
    assert_int_equal(rows, 6 * 4); /* six changes of the timeline, four immunities each */
}

static json_t *rule(const char *date, const char *category, pd_immunity im)
{
    json_t *r = NULL;
    pd_err err;
    assert_int_equal(pd_quarantine_rule_row(db, date, category, im, &r, &err), PD_OK);
    return r;
}

static void expect_rule(json_t *r, const char *basis, const char *place, int days,
                        const char *tests, int monitoring)
{
    assert_string_equal(json_string_value(json_object_get(r, "basis")), basis);
    assert_string_equal(json_string_value(json_object_get(r, "place")), place);
    assert_int_equal(json_integer_value(json_object_get(r, "quarantine_days")), days);
    assert_int_equal(json_integer_value(json_object_get(r, "monitoring_days")), monitoring);
    char *t = json_dumps(json_object_get(r, "test_days"), JSON_COMPACT);
    assert_string_equal(t, tests);
    free(t);
    json_decref(r);
}

static void test_worked_examples(void **state)
{
    (void)state;
    /* 20 July 2021 (5599/BYT-MT): 14 d centralised + 14 d monitoring, tests days 1, 7, 14. */
    expect_rule(rule("2021-07-20", "f1", PD_IMMUNITY_NONE), "5599/BYT-MT", "centralised", 14,
                "[1,7,14]", 14);
    expect_rule(rule("2021-07-20", "f1", PD_IMMUNITY_FULL), "5599/BYT-MT", "centralised", 14,
                "[1,7,14]", 14);
    /* 20 December 2021 (10696/BYT-MT), fully vaccinated: 7 d at home, tests days 1 and 7. */
    expect_rule(rule("2021-12-20", "f1", PD_IMMUNITY_FULL), "10696/BYT-MT", "home", 7, "[1,7]", 7);
    expect_rule(rule("2021-12-20", "f1", PD_IMMUNITY_NONE), "10696/BYT-MT", "home", 14, "[7,14]",
                14);
    /* Arrivals from outbreak areas in August 2021: vaccinated 7 d at home, tests 1 and 7;
     * others 14 + 14, tests 1, 7, 14. "other" follows the F1 rows. */
    expect_rule(rule("2021-08-20", "arrival", PD_IMMUNITY_FULL),
                "Hướng dẫn của Bộ Y tế tháng 8/2021 (không rõ số)", "home", 7, "[1,7]", 0);
    expect_rule(rule("2021-08-20", "arrival", PD_IMMUNITY_PARTIAL),
                "Hướng dẫn của Bộ Y tế tháng 8/2021 (không rõ số)", "home", 14, "[1,7,14]", 14);
    expect_rule(rule("2021-08-20", "f1", PD_IMMUNITY_FULL), "5599/BYT-MT", "centralised", 14,
                "[1,7,14]", 14);
    expect_rule(rule("2022-03-01", "other", PD_IMMUNITY_FULL), "762/BYT-DP", "home", 5, "[5]", 5);
    /* Before the first row: the first row. */
    expect_rule(rule("2021-01-01", "f1", PD_IMMUNITY_NONE), "600/CĐ-BCĐ", "centralised", 21,
                "[1,14,20]", 7);
    json_t *r = NULL;
    pd_err err;
    assert_int_equal(pd_quarantine_rule_row(db, "2021-02-30", "f1", 0, &r, &err), PD_EINVAL);
    assert_string_equal(err.field, "date");
    assert_int_equal(pd_quarantine_rule_row(db, "2021-12-20", "f2", 0, &r, &err), PD_EINVAL);
    assert_string_equal(err.field, "category");
}

static void test_immunity_from_recorded_doses(void **state)
{
    (void)state;
    int64_t p = new_person("97001");
    /* A declaration says two doses; the recorded doses say one until the second is given. */
    exec_ok("INSERT INTO declarations(person_id, kind, via, declared_at, unit_code, district_code,"
            " province_code, vaccine_doses) VALUES (%lld, 'full', 'self', 1600000000, '97001',"
            " '970', '97', 2)",
            (long long)p);
    exec_ok("INSERT INTO doses(person_id, product_code, dose_number, kind, given_on,"
            " completes_primary, unit_code, district_code, province_code, created_at) VALUES"
            " (%lld, 'AZ', 1, 'primary', '2021-08-01', 0, '97001', '970', '97', 0),"
            " (%lld, 'AZ', 2, 'primary', '2021-10-20', 1, '97001', '970', '97', 0)",
            (long long)p, (long long)p);
    pd_immunity im;
    assert_int_equal(pd_quarantine_immunity(db, p, "2021-07-31", &im), PD_OK);
    assert_int_equal(im, PD_IMMUNITY_FULL); /* no dose by then: the declaration */
    assert_int_equal(pd_quarantine_immunity(db, p, "2021-10-19", &im), PD_OK);
    assert_int_equal(im, PD_IMMUNITY_PARTIAL);
    /* Full 14 days after the dose that completes the series. */
    assert_int_equal(pd_quarantine_immunity(db, p, "2021-11-02", &im), PD_OK);
    assert_int_equal(im, PD_IMMUNITY_PARTIAL);
    assert_int_equal(pd_quarantine_immunity(db, p, "2021-11-03", &im), PD_OK);
    assert_int_equal(im, PD_IMMUNITY_FULL);
}

/* ---- an order's life ---- */

static const char *first_code(json_t *blockers)
{
    return json_string_value(json_object_get(json_array_get(blockers, 0), "code"));
}

static bool has_code(json_t *blockers, const char *code, int day)
{
    size_t i;
    json_t *b;
    json_array_foreach(blockers, i, b)
    {
        if (strcmp(json_string_value(json_object_get(b, "code")), code) == 0 &&
            (day == 0 || json_integer_value(json_object_get(b, "day")) == day))
            return true;
    }
    return false;
}

static json_int_t list_total(json_t *w, const char *name)
{
    return json_integer_value(json_object_get(json_object_get(w, name), "total"));
}

static bool list_has(json_t *w, const char *name, int64_t order)
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(json_object_get(w, name), "items"), i, row)
    {
        if (json_integer_value(json_object_get(row, "order_id")) == order)
            return true;
    }
    return false;
}

static json_t *worklists(const pd_actor *a, const char *day)
{
    json_t *w = NULL;
    pd_err err;
    assert_int_equal(pd_quarantine_worklists(db, a, "", day, &w, &err), PD_OK);
    return w;
}

static void test_order_life(void **state)
{
    (void)state;
    pd_err err;
    int64_t site = new_facility("quarantine", 1);
    int64_t o = new_order("97001", "2021-07-20", 14, "[1,7,14]", 14);
    int64_t other = new_order("97001", "2021-07-20", 14, "[1,7,14]", 14);
    /* Place and facility checked; a full site refuses the second person. */
    assert_int_equal(pd_quarantine_start(db, &admin, o, "tent", 0, "2021-07-21", &err), PD_EINVAL);
    assert_string_equal(err.field, "place");
    assert_int_equal(pd_quarantine_start(db, &admin, o, "centralised", 0, "2021-07-21", &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "facility_id");
    assert_int_equal(pd_quarantine_start(db, &admin, o, "home", 0, "2099-01-01", &err), PD_EINVAL);
    assert_string_equal(err.field, "started_on");
    assert_int_equal(pd_quarantine_start(db, &admin, o, "centralised", site, "2021-07-21", &err),
                     PD_OK);
    assert_int_equal(pd_quarantine_start(db, &admin, o, "centralised", site, "2021-07-21", &err),
                     PD_ECONFLICT);
    assert_int_equal(
        pd_quarantine_start(db, &admin, other, "centralised", site, "2021-07-21", &err),
        PD_ECONFLICT);
    assert_string_equal(err.field, "facility_id");
    assert_int_equal(pd_quarantine_start(db, &admin, other, "home", 0, "2021-07-21", &err), PD_OK);

    /* Day 1 (21 July): both due a test; a sample for o's day 1 takes it off the list. */
    json_t *w = worklists(&admin, "2021-07-21");
    assert_true(list_has(w, "tests_due", o) && list_has(w, "tests_due", other));
    json_decref(w);
    sample(o, 1, "2021-07-21", "negative");
    w = worklists(&admin, "2021-07-21");
    assert_false(list_has(w, "tests_due", o));
    assert_true(list_has(w, "tests_due", other));
    json_decref(w);
    /* Day 9: other's days 1 and 7 overdue, o's day 7 only. */
    w = worklists(&admin, "2021-07-29");
    assert_true(list_has(w, "tests_overdue", o) && list_has(w, "tests_overdue", other));
    json_decref(w);

    /* A health check with fever raises an alert until the person is sampled. */
    const char *sym[] = {"cough"};
    bool alert = false;
    int64_t check = 0;
    assert_int_equal(
        pd_quarantine_check(db, &admin, o, "2021-07-25", 36.8, NULL, 0, "", &check, &alert, &err),
        PD_OK);
    assert_false(alert);
    assert_int_equal(
        pd_quarantine_check(db, &admin, o, "2021-07-26", 38.2, sym, 1, "", &check, &alert, &err),
        PD_OK);
    assert_true(alert);
    const char *bad[] = {"headache"};
    assert_int_equal(
        pd_quarantine_check(db, &admin, o, "2021-07-26", -1, bad, 1, "", &check, &alert, &err),
        PD_EINVAL);
    assert_string_equal(err.field, "symptoms");
    w = worklists(&admin, "2021-07-26");
    assert_true(list_has(w, "alerts", o));
    json_decref(w);
    sample(o, 7, "2021-07-27", "negative");
    w = worklists(&admin, "2021-07-27");
    assert_false(list_has(w, "alerts", o));
    json_decref(w);

    /* Release: not before 3 August (start + 14), and not without day 14's negative test. */
    json_t *blockers = NULL;
    assert_int_equal(pd_quarantine_release(db, &admin, o, "2021-08-02", false, "", &blockers, &err),
                     PD_ECONFLICT);
    assert_string_equal(first_code(blockers), "days");
    assert_true(has_code(blockers, "missing_test", 14));
    assert_false(has_code(blockers, "missing_test", 7));
    json_decref(blockers);
    w = worklists(&admin, "2021-08-03");
    assert_true(list_has(w, "releases_due", o));
    json_decref(w);
    sample(o, 14, "2021-08-03", "pending");
    assert_int_equal(pd_quarantine_release(db, &admin, o, "2021-08-03", false, "", &blockers, &err),
                     PD_ECONFLICT);
    assert_true(has_code(blockers, "pending_result", 14));
    json_decref(blockers);
    exec_ok("UPDATE samples SET result = 'negative' WHERE quarantine_order_id = %lld AND"
            " test_day = 14",
            (long long)o);
    assert_int_equal(pd_quarantine_release(db, &admin, o, "2021-08-03", false, "", &blockers, &err),
                     PD_OK);
    assert_null(blockers);
    /* The bed is free again; monitoring ends 14 days after release. */
    assert_int_equal(scalar("SELECT count(*) FROM quarantine_orders WHERE status = 'active' AND"
                            " facility_id IS NOT NULL"),
                     0);
    w = worklists(&admin, "2021-08-03");
    assert_true(list_has(w, "handovers", o));
    json_decref(w);

    /* Forced release of the other: needs a note, never before the days are served. */
    assert_int_equal(
        pd_quarantine_release(db, &admin, other, "2021-08-03", true, "", &blockers, &err),
        PD_EINVAL);
    assert_string_equal(err.field, "note");
    assert_int_equal(pd_quarantine_release(db, &admin, other, "2021-08-02", true, "giấy xét nghiệm",
                                           &blockers, &err),
                     PD_ECONFLICT);
    json_decref(blockers);
    assert_int_equal(pd_quarantine_release(db, &admin, other, "2021-08-03", true, "giấy xét nghiệm",
                                           &blockers, &err),
                     PD_OK);

    /* Hand-over: only the receiving commune's account (or admin) confirms. */
    pd_actor district = {.user_id = 7, .role = PD_ROLE_DISTRICT, .scope_level = PD_SCOPE_DISTRICT};
    snprintf(district.scope_code, sizeof district.scope_code, "970");
    pd_actor far = {.user_id = 8, .role = PD_ROLE_COMMUNE, .scope_level = PD_SCOPE_COMMUNE};
    snprintf(far.scope_code, sizeof far.scope_code, "97002");
    pd_actor station = far;
    snprintf(station.scope_code, sizeof station.scope_code, "97001");
    assert_int_equal(pd_quarantine_handover_confirm(db, &far, o, &err), PD_ENOTFOUND);
    assert_int_equal(pd_quarantine_handover_confirm(db, &district, o, &err), PD_EDENIED);
    assert_int_equal(pd_quarantine_handover_confirm(db, &station, o, &err), PD_OK);
    assert_int_equal(pd_quarantine_handover_confirm(db, &station, o, &err), PD_ECONFLICT);
    w = worklists(&station, "2021-08-17");
    assert_false(list_has(w, "handovers", o));
    assert_true(list_has(w, "handovers", other));
    assert_true(list_has(w, "monitoring_ends", o));
    json_decref(w);
    w = worklists(&far, "2021-08-17");
    assert_int_equal(list_total(w, "monitoring_ends"), 0);
    json_decref(w);
}

/* ---- worklists against a per-order computation ---- */

typedef struct plan {
    int64_t id;
    char start[11];
    int days, tests[3], ntests;
    bool sampled[3];
} plan;

static void test_worklists_oracle(void **state)
{
    (void)state;
    exec_ok("UPDATE quarantine_orders SET status = 'cancelled' WHERE status <> 'done'");
    exec_ok("UPDATE quarantine_orders SET status = 'cancelled' WHERE status = 'done'");
    enum { N = 40 };
    plan plans[N];
    srand(7);
    const char *day = "2021-12-20";
    for (int i = 0; i < N; i++) {
        plan *p = &plans[i];
        memset(p, 0, sizeof *p);
        pdq_add_days(day, -(rand() % 16), p->start);
        bool full = rand() % 2;
        p->days = full ? 7 : 14;
        p->ntests = 2;
        p->tests[0] = full ? 1 : 7;
        p->tests[1] = full ? 7 : 14;
        p->id = new_order(i % 3 ? "97001" : "97002", p->start, p->days, full ? "[1,7]" : "[7,14]",
                          p->days);
        exec_ok("UPDATE quarantine_orders SET status = 'active' WHERE id = %lld", (long long)p->id);
        for (int t = 0; t < p->ntests; t++) {
            char on[11];
            pdq_add_days(p->start, p->tests[t], on);
            if (strcmp(on, day) <= 0 && rand() % 2) {
                p->sampled[t] = true;
                sample(p->id, p->tests[t], on, "negative");
            }
        }
    }
    int due = 0, overdue = 0, release = 0;
    for (int i = 0; i < N; i++) {
        char end[11];
        pdq_add_days(plans[i].start, plans[i].days, end);
        release += strcmp(end, day) <= 0;
        for (int t = 0; t < plans[i].ntests; t++) {
            char on[11];
            pdq_add_days(plans[i].start, plans[i].tests[t], on);
            due += strcmp(on, day) == 0 && !plans[i].sampled[t];
            overdue += strcmp(on, day) < 0 && !plans[i].sampled[t];
        }
    }
    json_t *w = worklists(&admin, day);
    assert_int_equal(list_total(w, "tests_due"), due);
    assert_int_equal(list_total(w, "tests_overdue"), overdue);
    assert_int_equal(list_total(w, "releases_due"), release);
    assert_true(due + overdue > 0);
    json_decref(w);
}

static void test_capacity_projection(void **state)
{
    (void)state;
    pd_err err;
    json_t *c = NULL;
    /* 40 people on the site over the last 7 days, 5 of them released: 35 more a week. */
    int64_t site = new_facility("quarantine", 100);
    for (int i = 0; i < 40; i++) {
        char on[11];
        pdq_add_days("2021-12-20", -(i % 7), on);
        int64_t o = new_order("97001", on, 14, "[7,14]", 14);
        exec_ok("UPDATE quarantine_orders SET status = '%s', facility_id = %lld, started_on = '%s',"
                " released_on = CASE WHEN %d < 5 THEN '2021-12-20' END WHERE id = %lld",
                i < 5 ? "done" : "active", (long long)site, on, i, (long long)o);
    }
    assert_int_equal(pd_capacity(db, &admin, "", "2021-12-20", &c, &err), PD_OK);
    json_t *q = json_object_get(json_object_get(c, "groups"), "quarantine");
    json_int_t used = json_integer_value(json_object_get(q, "used"));
    assert_int_equal(used, scalar("SELECT count(*) FROM quarantine_orders o JOIN facilities f ON"
                                  " f.id = o.facility_id WHERE o.status = 'active'"));
    assert_int_equal(json_integer_value(json_object_get(q, "admitted_7d")), 40);
    assert_int_equal(json_integer_value(json_object_get(q, "released_7d")), 5);
    assert_int_equal(json_integer_value(json_object_get(q, "projected_7")), used + 35);
    assert_int_equal(json_integer_value(json_object_get(q, "projected_14")), used + 70);
    json_decref(c);
}

static int group_setup(void **state)
{
    (void)state;
    admin = pd_actor_cli();
    if (pd_test_make_dir(dir, sizeof dir, "pd_quarantine_orders") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/q.db", dir);
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
                        " '970', 3, 'c', '97', '970', '97001'), ('97002', 'E', 'Xã', '970', 3, 'e',"
                        " '97', '970', '97002');",
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
        cmocka_unit_test(test_rule_rows_match_rules_c),
        cmocka_unit_test(test_worked_examples),
        cmocka_unit_test(test_immunity_from_recorded_doses),
        cmocka_unit_test(test_order_life),
        cmocka_unit_test(test_worklists_oracle),
        cmocka_unit_test(test_capacity_projection),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
