/* Unit tests of cases (src/cases/): confirming a case (a message per invalid field, dates
 * normalised, the person's unit codes copied, the window start, the status log and the audit
 * entry), one active case per person, status transitions, naming a source without cycles, contacts
 * added by hand, lists and their filters, who may read or change which case (a commune never sees
 * another commune's case), and the narrowest-lockdown suggestion over a small world whose answer
 * is worked out by hand below. */
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
#include "cases/cases.h"
#include "store/db.h"
#include "units/units.h"

#define T0 1636939800          /* 2021-11-15 08:30 in Hanoi: "now" */
#define NOV10_LOCAL 1636477200 /* 2021-11-10 00:00 +07:00 */
#define NOV12_LOCAL 1636650000 /* 2021-11-12 00:00 +07:00 */
#define NOV14_LOCAL 1636822800 /* 2021-11-14 00:00 +07:00 */

static char dir[256];
static sqlite3 *db;
static char far_commune[16]; /* a commune of district 060, outside district 058 */
static pd_actor admin, commune_a, commune_b, district, team, viewer, police;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    a.user_id = 0; /* no users rows: the log's by_user stays NULL */
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

static int64_t add_household(const char *unit, const char *area, const char *address)
{
    sql_exec(
        "INSERT INTO households(unit_code, area_code, district_code, province_code, address,"
        " created_at, updated_at) SELECT code, %s%s%s, district_code, province_code, '%s', 1, 1"
        " FROM units WHERE code = '%s'",
        area ? "'" : "", area ? area : "NULL", area ? "'" : "", address, unit);
    return sqlite3_last_insert_rowid(db);
}

static int64_t add_person(const char *name, const char *unit, const char *area, int64_t household)
{
    char hh[32] = "NULL";
    if (household)
        snprintf(hh, sizeof hh, "%lld", (long long)household);
    sql_exec("INSERT INTO people(full_name, name_folded, unit_code, area_code, district_code,"
             " province_code, address, household_id, created_at, updated_at) SELECT '%s', '%s',"
             " code, %s%s%s, district_code, province_code, 'Số 1', %s, 1, 1 FROM units"
             " WHERE code = '%s'",
             name, name, area ? "'" : "", area ? area : "NULL", area ? "'" : "", hh, unit);
    return sqlite3_last_insert_rowid(db);
}

static int open_world(const char *prefix)
{
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, prefix) != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/cases.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT code FROM units WHERE parent_code = '060' ORDER BY code", -1,
                       &st, NULL);
    if (!st || sqlite3_step(st) != SQLITE_ROW)
        return -1;
    snprintf(far_commune, sizeof far_commune, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    admin = pd_actor_cli();
    commune_a = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834");
    commune_b = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837");
    district = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058");
    team = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834");
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_DISTRICT, "058");
    police = actor_at(PD_ROLE_POLICE, PD_SCOPE_DISTRICT, "058");
    return 0;
}

static int close_world(void **state)
{
    (void)state;
    pd_db_close(db);
    db = NULL;
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

static int cases_setup(void **state)
{
    (void)state;
    return open_world("pd_cases");
}

static pd_case new_case(int64_t person, const char *sample, const char *onset)
{
    pd_case c;
    memset(&c, 0, sizeof c);
    c.person_id = person;
    snprintf(c.sample_date, sizeof c.sample_date, "%s", sample);
    snprintf(c.onset_date, sizeof c.onset_date, "%s", onset ? onset : "");
    snprintf(c.found_in, sizeof c.found_in, "community");
    snprintf(c.basis, sizeof c.basis, "pcr");
    return c;
}

static int64_t must_confirm(const pd_actor *a, pd_case *c)
{
    pd_field_errors errs;
    pd_err err;
    int rc = pd_case_confirm(db, a, c, &errs, &err);
    if (rc != PD_OK)
        fail_msg("confirm person %lld: %s (%s)", (long long)c->person_id, err.message, err.field);
    return c->id;
}

static const char *error_for(const pd_field_errors *e, const char *field)
{
    for (int i = 0; i < e->count; i++)
        if (strcmp(e->items[i].field, field) == 0)
            return e->items[i].message;
    return NULL;
}

/* ---- confirming ---- */

static void test_confirm_fills_the_case(void **state)
{
    (void)state;
    int64_t hh = add_household("01834", NULL, "Số 5 ngõ 2");
    int64_t p = add_person("Nguyen Van Mot", "01834", NULL, hh);
    pd_case c = new_case(p, "14/11/2021", "12/11/2021");
    snprintf(c.note, sizeof c.note, "  Phát  hiện qua sàng lọc ");
    int64_t id = must_confirm(&admin, &c);
    assert_true(id > 0);
    assert_string_equal(c.sample_date, "2021-11-14");
    assert_string_equal(c.onset_date, "2021-11-12");
    assert_string_equal(c.status, "active");
    assert_string_equal(c.unit_code, "01834");
    assert_string_equal(c.district_code, "058");
    assert_string_equal(c.province_code, "06");
    assert_string_equal(c.full_name, "Nguyen Van Mot");
    assert_string_equal(c.note, "Phát hiện qua sàng lọc");
    assert_int_equal(c.confirmed_at, T0);
    assert_int_equal(c.status_at, T0);
    assert_int_equal(c.infectious_until, T0); /* isolated on confirmation */
    assert_int_equal(pd_case_window_start(&c), NOV10_LOCAL);
    /* Stored as read back. */
    pd_case got;
    pd_err err;
    assert_int_equal(pd_case_get(db, &admin, id, &got, &err), PD_OK);
    assert_int_equal(got.person_id, p);
    assert_string_equal(got.sample_date, "2021-11-14");
    assert_string_equal(got.onset_date, "2021-11-12");
    assert_string_equal(got.found_in, "community");
    assert_string_equal(got.basis, "pcr");
    assert_int_equal(got.f1_count, 0);
    assert_int_equal(got.traced_at, 0);
    assert_int_equal(pd_case_window_start(&got), NOV10_LOCAL);
    assert_int_equal(sql_int("SELECT count(*) FROM case_status_log WHERE case_id = %lld AND"
                             " status = 'active' AND at = %d",
                             (long long)id, T0),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'case' AND action ="
                             " 'create' AND entity_id = %lld AND unit_code = '01834'",
                             (long long)id),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'case' AND action ="
                             " 'read' AND entity_id = %lld",
                             (long long)id),
                     1);
    /* Without onset the window starts two days before the sample. */
    pd_case s = new_case(add_person("Tran Thi Hai", "01834", NULL, 0), "2021-11-14", NULL);
    must_confirm(&admin, &s);
    assert_string_equal(s.onset_date, "");
    assert_int_equal(pd_case_window_start(&s), NOV12_LOCAL);
    /* A contact count comes from the contacts table. */
    int64_t q = add_person("Le Van Ba", "01837", NULL, 0);
    sql_exec("INSERT INTO contacts(case_id, person_id, level, exposure_at, evidence, unit_code,"
             " district_code, province_code, found_at, updated_at) VALUES (%lld, %lld, 1, 1, '[]',"
             " '01837', '058', '06', 1, 1), (%lld, %lld, 2, 1, '[]', '01834', '058', '06', 1, 1)",
             (long long)id, (long long)q, (long long)id, (long long)s.person_id);
    got.id = id;
    assert_int_equal(pd_case_reload(db, &got, &err), PD_OK);
    assert_int_equal(got.f1_count, 1);
    assert_int_equal(got.f2_count, 1);
}

/* Confirms c expecting PD_EINVAL and a message for field containing `words`. */
static void expect_invalid(pd_case c, const char *field, const char *words)
{
    int64_t before = sql_int("SELECT count(*) FROM cases");
    pd_field_errors errs;
    pd_err err;
    int rc = pd_case_confirm(db, &admin, &c, &errs, &err);
    if (rc != PD_EINVAL)
        fail_msg("field %s: expected PD_EINVAL, got %d (%s)", field, rc, err.message);
    const char *msg = error_for(&errs, field);
    if (!msg)
        fail_msg("no error for field %s (first: %s %s)", field,
                 errs.count ? errs.items[0].field : "", errs.count ? errs.items[0].message : "");
    if (!strstr(msg, words))
        fail_msg("field %s: message \"%s\" lacks \"%s\"", field, msg, words);
    assert_int_equal(sql_int("SELECT count(*) FROM cases"), before);
}

static void test_validation_names_each_field(void **state)
{
    (void)state;
    int64_t p = add_person("Pham Van Bon", "01834", NULL, 0);
    pd_case c;
    expect_invalid(new_case(0, "2021-11-14", NULL), "person_id", "Chưa chọn người");
    expect_invalid(new_case(p, "", NULL), "sample_date", "Thiếu ngày lấy mẫu");
    expect_invalid(new_case(p, "31/02/2021", NULL), "sample_date", "không hợp lệ");
    expect_invalid(new_case(p, "16/11/2021", NULL), "sample_date", "không được sau hôm nay");
    expect_invalid(new_case(p, "2021-09-01", NULL), "sample_date", "hơn 60 ngày");
    expect_invalid(new_case(p, "2021-11-14", "hôm qua"), "onset_date", "không hợp lệ");
    expect_invalid(new_case(p, "2021-11-14", "2021-11-16"), "onset_date", "không được sau hôm nay");
    expect_invalid(new_case(p, "2021-11-14", "2021-10-30"), "onset_date", "quá 14 ngày");
    c = new_case(p, "2021-11-14", NULL);
    c.found_in[0] = '\0';
    expect_invalid(c, "found_in", "Thiếu nơi phát hiện");
    snprintf(c.found_in, sizeof c.found_in, "street");
    expect_invalid(c, "found_in", "không hợp lệ");
    c = new_case(p, "2021-11-14", NULL);
    c.basis[0] = '\0';
    expect_invalid(c, "basis", "Thiếu căn cứ");
    snprintf(c.basis, sizeof c.basis, "rumour");
    expect_invalid(c, "basis", "Căn cứ không hợp lệ");
    c = new_case(p, "2021-11-14", NULL);
    c.confirmed_at = T0 + 3600;
    expect_invalid(c, "confirmed_at", "tương lai");
    c.confirmed_at = NOV14_LOCAL - 60; /* the evening before the sample */
    expect_invalid(c, "confirmed_at", "trước ngày lấy mẫu");
    c = new_case(p, "2021-11-14", NULL);
    c.infectious_until = NOV12_LOCAL - 1; /* a second before the window */
    expect_invalid(c, "infectious_until", "không được trước");
    /* Domain rules: an antigen-positive "F1" must be a known F1. */
    c = new_case(p, "2021-11-14", NULL);
    snprintf(c.basis, sizeof c.basis, "antigen_f1");
    expect_invalid(c, "basis", "không có trong danh sách F1");
    /* Several problems at once: every field named. */
    c = new_case(p, "", "x");
    c.found_in[0] = c.basis[0] = '\0';
    pd_field_errors errs;
    pd_err err;
    assert_int_equal(pd_case_confirm(db, &admin, &c, &errs, &err), PD_EINVAL);
    assert_non_null(error_for(&errs, "sample_date"));
    assert_non_null(error_for(&errs, "onset_date"));
    assert_non_null(error_for(&errs, "found_in"));
    assert_non_null(error_for(&errs, "basis"));
    /* A missing person is not found, not invalid. */
    c = new_case(987654, "2021-11-14", NULL);
    assert_int_equal(pd_case_confirm(db, &admin, &c, &errs, &err), PD_ENOTFOUND);
    assert_string_equal(err.field, "person_id");
    /* The edge values are accepted: 60 days ago, onset 14 days before the sample. */
    c = new_case(p, "2021-09-16", "2021-09-02");
    c.confirmed_at = T0 - 86400;
    must_confirm(&admin, &c);
}

static void test_quarantined_person_is_not_a_community_case(void **state)
{
    (void)state;
    int64_t p = add_person("Do Thi Nam", "01834", NULL, 0);
    sql_exec("INSERT INTO quarantine_orders(person_id, reason, status, rule, start_date,"
             " quarantine_days, place, monitoring_days, test_days, started_at, unit_code,"
             " district_code, province_code, created_at) VALUES (%lld, 'f1', 'active', 'x',"
             " '2021-11-10', 14, 'centralised', 14, '[1,7,14]', %d, '01834', '058', '06', 1)",
             (long long)p, NOV10_LOCAL);
    expect_invalid(new_case(p, "2021-11-14", NULL), "found_in", "không phải ca cộng đồng");
    pd_case c = new_case(p, "2021-11-14", NULL);
    snprintf(c.found_in, sizeof c.found_in, "quarantine");
    must_confirm(&admin, &c);
    assert_string_equal(c.found_in, "quarantine");
}

static void test_second_active_case_conflicts(void **state)
{
    (void)state;
    int64_t p = add_person("Vu Van Sau", "01834", NULL, 0);
    pd_case first = new_case(p, "2021-11-01", NULL);
    first.confirmed_at = T0 - 10 * 86400;
    int64_t id = must_confirm(&admin, &first);
    pd_case again = new_case(p, "2021-11-14", NULL);
    pd_field_errors errs;
    pd_err err;
    assert_int_equal(pd_case_confirm(db, &admin, &again, &errs, &err), PD_ECONFLICT);
    assert_string_equal(err.field, "person_id");
    assert_non_null(strstr(err.message, "đang là ca bệnh"));
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE person_id = %lld", (long long)p), 1);
    /* Once recovered, a new infection is a new case. */
    assert_int_equal(pd_case_set_status(db, &admin, id, "recovered", 0, "", &err), PD_OK);
    must_confirm(&admin, &again);
    assert_true(again.id > id);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE person_id = %lld", (long long)p), 2);
}

/* ---- status ---- */

static void test_status_transitions(void **state)
{
    (void)state;
    pd_case c = new_case(add_person("Hoang Van Bay", "01834", NULL, 0), "2021-11-14", NULL);
    int64_t id = must_confirm(&admin, &c);
    pd_err err;
    assert_int_equal(pd_case_set_status(db, &admin, id, "active", 0, "", &err), PD_EINVAL);
    assert_string_equal(err.field, "status");
    assert_int_equal(pd_case_set_status(db, &admin, id, "healed", 0, "", &err), PD_EINVAL);
    assert_int_equal(pd_case_set_status(db, &admin, id, "recovered", T0 - 86400 * 2, "", &err),
                     PD_EINVAL); /* before the confirmation */
    assert_string_equal(err.field, "at");
    assert_int_equal(pd_case_set_status(db, &admin, id, "recovered", T0 + 86400, "", &err),
                     PD_EINVAL); /* in the future */
    assert_int_equal(pd_case_set_status(db, &team, id, "recovered", 0, "", &err), PD_EDENIED);
    assert_int_equal(pd_case_set_status(db, &commune_b, id, "recovered", 0, "", &err),
                     PD_ENOTFOUND);
    assert_int_equal(
        pd_case_set_status(db, &commune_a, id, "transferred", T0, "Chuyển BV tỉnh", &err), PD_OK);
    /* Ended: no further change. */
    assert_int_equal(pd_case_set_status(db, &admin, id, "died", 0, "", &err), PD_EINVAL);
    assert_non_null(strstr(err.message, "đã kết thúc"));
    pd_case got;
    assert_int_equal(pd_case_get(db, &admin, id, &got, &err), PD_OK);
    assert_string_equal(got.status, "transferred");
    assert_int_equal(got.status_at, T0);
    assert_int_equal(
        sql_int("SELECT count(*) FROM case_status_log WHERE case_id = %lld", (long long)id), 2);
    assert_int_equal(sql_int("SELECT count(*) FROM case_status_log WHERE case_id = %lld AND"
                             " status = 'transferred' AND note = 'Chuyển BV tỉnh'",
                             (long long)id),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'case' AND action ="
                             " 'update' AND entity_id = %lld",
                             (long long)id),
                     1);
}

typedef struct history {
    int n;
    char status[4][16];
} history;

static int collect_history(const pd_case_status_entry *e, void *ctx)
{
    history *h = ctx;
    if (h->n < 4)
        snprintf(h->status[h->n], sizeof h->status[0], "%s", e->status);
    h->n++;
    return 0;
}

static void test_history_in_order(void **state)
{
    (void)state;
    pd_case c = new_case(add_person("Ngo Thi Tam", "01834", NULL, 0), "2021-11-14", NULL);
    c.confirmed_at = T0 - 3600;
    int64_t id = must_confirm(&admin, &c);
    pd_err err;
    assert_int_equal(pd_case_set_status(db, &admin, id, "died", T0 - 60, "", &err), PD_OK);
    history h = {0};
    assert_int_equal(pd_case_history(db, &commune_a, id, collect_history, &h, &err), PD_OK);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.status[0], "active");
    assert_string_equal(h.status[1], "died");
    h.n = 0;
    assert_int_equal(pd_case_history(db, &commune_b, id, collect_history, &h, &err), PD_ENOTFOUND);
    assert_int_equal(h.n, 0);
}

/* ---- source ---- */

static int64_t case_at(const char *name, const char *unit, int64_t confirmed_at)
{
    pd_case c = new_case(add_person(name, unit, NULL, 0), "2021-11-08", NULL);
    c.confirmed_at = confirmed_at;
    return must_confirm(&admin, &c);
}

static int64_t source_of(int64_t id)
{
    return sql_int("SELECT coalesce(source_case_id, 0) FROM cases WHERE id = %lld", (long long)id);
}

static void test_source_and_cycles(void **state)
{
    (void)state;
    int64_t early = case_at("Nguon Som", "01834", T0 - 7200);
    int64_t late = case_at("Ca Muon", "01834", T0 - 3600);
    int64_t e = case_at("Ca E", "01834", T0 - 1800), f = case_at("Ca F", "01834", T0 - 1800),
            g = case_at("Ca G", "01834", T0 - 1800);
    int64_t other = case_at("Ca Xa Khac", "01837", T0 - 7200);
    pd_err err;
    assert_int_equal(pd_case_set_source(db, &admin, late, early, &err), PD_OK);
    assert_int_equal(source_of(late), early);
    /* The source must not be confirmed after the case. */
    assert_int_equal(pd_case_set_source(db, &admin, early, late, &err), PD_EINVAL);
    assert_string_equal(err.field, "source_case_id");
    assert_int_equal(source_of(early), 0);
    /* Itself. */
    assert_int_equal(pd_case_set_source(db, &admin, early, early, &err), PD_EINVAL);
    /* A loop among cases confirmed at the same time: e <- f <- g, then g <- e refused. */
    assert_int_equal(pd_case_set_source(db, &admin, e, f, &err), PD_OK);
    assert_int_equal(pd_case_set_source(db, &admin, f, g, &err), PD_OK);
    assert_int_equal(pd_case_set_source(db, &admin, g, e, &err), PD_EINVAL);
    assert_non_null(strstr(err.message, "vòng lặp"));
    assert_int_equal(source_of(g), 0);
    assert_int_equal(pd_case_set_source(db, &admin, f, e, &err), PD_EINVAL);
    assert_int_equal(source_of(f), g);
    /* A source the caller may not read is not found; a missing one too. */
    assert_int_equal(pd_case_set_source(db, &commune_a, late, other, &err), PD_ENOTFOUND);
    assert_string_equal(err.field, "source_case_id");
    assert_int_equal(pd_case_set_source(db, &admin, late, 99999, &err), PD_ENOTFOUND);
    assert_int_equal(source_of(late), early);
    /* The district sees both communes. */
    assert_int_equal(pd_case_set_source(db, &district, late, other, &err), PD_OK);
    assert_int_equal(source_of(late), other);
    /* Cleared with 0. */
    assert_int_equal(pd_case_set_source(db, &commune_a, late, 0, &err), PD_OK);
    assert_int_equal(source_of(late), 0);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'case' AND action ="
                             " 'update' AND entity_id = %lld",
                             (long long)late),
                     3);
}

/* ---- scope and roles ---- */

static void test_scope_and_roles(void **state)
{
    (void)state;
    int64_t pa = add_person("Dan Xa A", "01834", NULL, 0);
    int64_t pb = add_person("Dan Xa B", "01837", NULL, 0);
    pd_case ca = new_case(pa, "2021-11-14", NULL), cb = new_case(pb, "2021-11-14", NULL);
    int64_t a = must_confirm(&commune_a, &ca);
    pd_field_errors errs;
    pd_err err, missing;
    /* A commune cannot confirm a case for another commune's resident: not found. */
    assert_int_equal(pd_case_confirm(db, &commune_a, &cb, &errs, &err), PD_ENOTFOUND);
    assert_string_equal(err.field, "person_id");
    int64_t b = must_confirm(&commune_b, &cb);
    pd_case got;
    /* Reading another commune's case answers exactly like a missing one. */
    assert_int_equal(pd_case_get(db, &commune_a, b, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_case_get(db, &commune_a, 99999999, &got, &missing), PD_ENOTFOUND);
    assert_string_equal(err.message, missing.message);
    assert_string_equal(err.field, missing.field);
    assert_int_equal(got.id, 0);
    assert_int_equal(pd_case_get(db, &commune_b, b, &got, &err), PD_OK);
    assert_int_equal(pd_case_get(db, &district, a, &got, &err), PD_OK);
    assert_int_equal(pd_case_get(db, &team, a, &got, &err), PD_OK);
    assert_int_equal(pd_case_get(db, &team, b, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_case_get(db, &viewer, a, &got, &err), PD_EDENIED);
    assert_int_equal(pd_case_get(db, &police, a, &got, &err), PD_EDENIED);
    /* Writes: team, viewer and police may not confirm. */
    pd_case t = new_case(add_person("Dan Xa A Hai", "01834", NULL, 0), "2021-11-14", NULL);
    assert_int_equal(pd_case_confirm(db, &team, &t, &errs, &err), PD_EDENIED);
    assert_int_equal(pd_case_confirm(db, &viewer, &t, &errs, &err), PD_EDENIED);
    assert_int_equal(pd_case_confirm(db, &police, &t, &errs, &err), PD_EDENIED);
    assert_int_equal(pd_case_contact_add(db, &commune_b, a, pb, "manual", 0, "", &err),
                     PD_ENOTFOUND);
}

typedef struct ids {
    int n;
    int64_t v[64];
} ids;

static int collect_case(const pd_case *c, void *ctx)
{
    ids *l = ctx;
    if (l->n < 64)
        l->v[l->n] = c->id;
    l->n++;
    return 0;
}

static bool has_id(const ids *l, int64_t id)
{
    for (int i = 0; i < l->n && i < 64; i++)
        if (l->v[i] == id)
            return true;
    return false;
}

static void test_lists_and_filters(void **state)
{
    (void)state;
    /* A separate commune of district 060 keeps these counts apart from the other tests. */
    int64_t x = case_at("Loc Mot", far_commune, T0 - 5 * 86400);
    int64_t y = case_at("Loc Hai", far_commune, T0 - 2 * 86400);
    pd_case zc = new_case(add_person("Loc Ba", far_commune, NULL, 0), "2021-11-14", NULL);
    snprintf(zc.found_in, sizeof zc.found_in, "imported");
    int64_t z = must_confirm(&admin, &zc);
    pd_err err;
    assert_int_equal(pd_case_set_status(db, &admin, y, "recovered", 0, "", &err), PD_OK);
    pd_cases_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.unit_code, sizeof q.unit_code, "%s", far_commune);
    ids got = {0};
    bool more = true;
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_OK);
    assert_int_equal(got.n, 3);
    assert_false(more);
    assert_int_equal(got.v[0], z); /* newest first */
    assert_int_equal(got.v[2], x);
    /* status */
    snprintf(q.status, sizeof q.status, "active");
    got.n = 0;
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_OK);
    assert_int_equal(got.n, 2);
    assert_false(has_id(&got, y));
    /* found_in */
    q.status[0] = '\0';
    snprintf(q.found_in, sizeof q.found_in, "imported");
    got.n = 0;
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_OK);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.v[0], z);
    /* confirmed between two local days */
    q.found_in[0] = '\0';
    snprintf(q.from, sizeof q.from, "10/11/2021");
    snprintf(q.to, sizeof q.to, "2021-11-13");
    got.n = 0;
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_OK);
    assert_int_equal(got.n, 2); /* x on 10/11 08:30, y on 13/11 08:30 */
    assert_true(has_id(&got, x) && has_id(&got, y));
    /* paging */
    q.from[0] = q.to[0] = '\0';
    q.limit = 2;
    got.n = 0;
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_OK);
    assert_int_equal(got.n, 2);
    assert_true(more);
    q.before_id = got.v[1];
    got.n = 0;
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_OK);
    assert_int_equal(got.n, 1);
    assert_int_equal(got.v[0], x);
    assert_false(more);
    /* bad filters name their field */
    memset(&q, 0, sizeof q);
    snprintf(q.status, sizeof q.status, "sleeping");
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_EINVAL);
    assert_string_equal(err.field, "status");
    memset(&q, 0, sizeof q);
    snprintf(q.unit_code, sizeof q.unit_code, "99999");
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_EINVAL);
    assert_string_equal(err.field, "unit");
    memset(&q, 0, sizeof q);
    snprintf(q.from, sizeof q.from, "31/02/2021");
    assert_int_equal(pd_cases_list(db, &admin, &q, collect_case, &got, &more, &err), PD_EINVAL);
    assert_string_equal(err.field, "from");
    /* scope: a commune of district 058 sees none of them, even asking for that commune */
    memset(&q, 0, sizeof q);
    q.limit = 10000;
    got.n = 0;
    assert_int_equal(pd_cases_list(db, &commune_b, &q, collect_case, &got, &more, &err), PD_OK);
    assert_true(got.n > 0);
    assert_false(has_id(&got, x) || has_id(&got, y) || has_id(&got, z));
    assert_int_equal(got.n, sql_int("SELECT count(*) FROM cases WHERE unit_code = '01837'"));
    snprintf(q.unit_code, sizeof q.unit_code, "%s", far_commune);
    got.n = 0;
    assert_int_equal(pd_cases_list(db, &commune_b, &q, collect_case, &got, &more, &err), PD_OK);
    assert_int_equal(got.n, 0);
    assert_int_equal(pd_cases_list(db, &viewer, &q, collect_case, &got, &more, &err), PD_EDENIED);
}

/* ---- contacts added by hand ---- */

typedef struct added {
    int n;
    int64_t person[8];
    char kind[8][12];
} added;

static int collect_added(const pd_case_contact *k, void *ctx)
{
    added *a = ctx;
    if (a->n < 8) {
        a->person[a->n] = k->person_id;
        snprintf(a->kind[a->n], sizeof a->kind[0], "%s", k->kind);
    }
    a->n++;
    return 0;
}

static void test_contacts_added_by_hand(void **state)
{
    (void)state;
    pd_case c = new_case(add_person("Ca Khai Bao", "01834", NULL, 0), "2021-11-14", NULL);
    int64_t id = must_confirm(&admin, &c);
    int64_t near = add_person("Ban Cung Xa", "01834", NULL, 0);
    int64_t far = add_person("Ban Xa Khac", far_commune, NULL, 0);
    pd_err err;
    assert_int_equal(
        pd_case_contact_add(db, &commune_a, id, near, "declared", NOV14_LOCAL, "Ăn cơm cùng", &err),
        PD_OK);
    /* Contacts cross communes: the commune may add someone living elsewhere. */
    assert_int_equal(pd_case_contact_add(db, &commune_a, id, far, "manual", 0, "", &err), PD_OK);
    assert_int_equal(pd_case_contact_add(db, &commune_a, id, near, "declared", 0, "", &err),
                     PD_ECONFLICT);
    assert_string_equal(err.field, "person_id");
    assert_int_equal(pd_case_contact_add(db, &commune_a, id, near, "manual", 0, "", &err), PD_OK);
    assert_int_equal(pd_case_contact_add(db, &commune_a, id, c.person_id, "manual", 0, "", &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "person_id");
    assert_int_equal(pd_case_contact_add(db, &commune_a, id, 99999999, "manual", 0, "", &err),
                     PD_ENOTFOUND);
    assert_string_equal(err.field, "person_id");
    assert_int_equal(pd_case_contact_add(db, &commune_a, id, far, "gossip", 0, "", &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "kind");
    assert_int_equal(pd_case_contact_add(db, &commune_a, id, far, "declared", T0 + 86400, "", &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "contact_at");
    assert_int_equal(pd_case_contact_add(db, &team, id, far, "declared", 0, "", &err), PD_EDENIED);
    added a = {0};
    assert_int_equal(pd_case_contacts_added(db, &team, id, collect_added, &a, &err), PD_OK);
    assert_int_equal(a.n, 3);
    assert_int_equal(a.person[0], near);
    assert_string_equal(a.kind[0], "declared");
    assert_int_equal(a.person[1], far);
    assert_int_equal(a.person[2], near);
    assert_string_equal(a.kind[2], "manual");
    assert_int_equal(sql_int("SELECT contact_at FROM case_contacts WHERE case_id = %lld AND"
                             " person_id = %lld AND kind = 'declared'",
                             (long long)id, (long long)near),
                     NOV14_LOCAL);
    assert_int_equal(sql_int("SELECT count(*) FROM case_contacts WHERE case_id = %lld AND"
                             " contact_at IS NULL",
                             (long long)id),
                     2);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'case' AND"
                             " entity_id = %lld AND action = 'add_contact'",
                             (long long)id),
                     3);
    /* A known F1 may now be confirmed on an antigen test. */
    pd_case f1 = new_case(near, "2021-11-15", NULL);
    snprintf(f1.basis, sizeof f1.basis, "antigen_f1");
    must_confirm(&commune_a, &f1);
}

/* ---- narrowest lockdown ----
 *
 * The world (its own database). Commune X = 01834 with thôn/tổ A1..A4; commune Y = 01837 without
 * any; Z = a commune of district 060. "case" = a person with an active case, "F1" = a level-1
 * contact of an active case; extra members are neither.
 *
 *   X/A1: h1 (case + 2 others), h2 (case), h3 (case + 1 other), h4 (F1 + 1 other)
 *         + p_a1 living in A1 without a household (no one hot)
 *   X/A2: h5 (case, F1), h6 (case + 1 other), h7 (F1)
 *   X/A3: h9 (a recovered case and its F1: neither counts), h10 (an F2 only: does not count)
 *   X, no area: h8 (case + 1 other)
 *   Y: y1 (case + 1 other), y2 (case), y3 (case), y4 (F1); + 2 people without a household
 *   Z: z1 (case)
 * A person both a case and an F1 (the case in h6, also an F1 of h5's case) counts once, as a case.
 *
 * Defaults (3 households with a case lock a thôn/tổ; 3 thôn/tổ lock a commune):
 *   X: A1 has 3 households with a case -> area A1; A2 has 2 -> its households h5, h6, h7;
 *      h8 outside any area -> household; 1 area < 3 -> X is not locked.
 *   Y: no thôn/tổ, 3 households with a case >= 3 -> commune Y.
 *   Z: z1.
 *   Order: commune Y (3 cases); area A1 (3 cases); households by cases then F1: h5 (1, 1),
 *   then (1, 0): h6, h8 (commune 01834, by id) and z1 (its commune sorts after 01834); h7 (0, 1).
 * With thresholds (2, 2): A1 and A2 are areas, 2 >= 2 -> commune X (6 cases: A1 3, A2 2, h8 1; F1:
 *   h4, h5's, h7 = 3; 6 households with a case); Y commune; z1 household. */

static int64_t h[12], y_hh[5], z1;
static char area_code[5][16];
static int64_t people_a1, people_x, people_y;

static int lockdown_setup(void **state)
{
    (void)state;
    if (open_world("pd_lockdown") != 0)
        return -1;
    pd_err err;
    pd_unit u;
    for (int i = 1; i <= 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "Tổ %d", i);
        if (pd_area_add(db, &admin, "01834", name, "Tổ", &u, &err) != PD_OK)
            return -1;
        snprintf(area_code[i], sizeof area_code[i], "%s", u.code);
    }
    return 0;
}

static int64_t confirm_at(int64_t person)
{
    pd_case c = new_case(person, "2021-11-14", NULL);
    return must_confirm(&admin, &c);
}

static void add_contact_row(int64_t case_id, int64_t person, int level)
{
    sql_exec("INSERT INTO contacts(case_id, person_id, level, exposure_at, evidence, unit_code,"
             " district_code, province_code, found_at, updated_at) SELECT %lld, id, %d, 1, '[]',"
             " unit_code, district_code, province_code, 1, 1 FROM people WHERE id = %lld",
             (long long)case_id, level, (long long)person);
}

/* A new member of household hh living in (unit, area). */
static int64_t member(int64_t hh, const char *unit, const char *area)
{
    return add_person("Thanh Vien", unit, area, hh);
}

static void build_lockdown_world(void)
{
    const char *A1 = area_code[1], *A2 = area_code[2], *A3 = area_code[3];
    char addr[32];
    for (int i = 1; i <= 10; i++) {
        const char *area = i <= 4 ? A1 : i <= 7 ? A2 : i == 8 ? NULL : A3;
        snprintf(addr, sizeof addr, "Nhà số %d", i);
        h[i] = add_household("01834", area, addr);
    }
    /* A1 */
    int64_t c1 = confirm_at(member(h[1], "01834", A1));
    member(h[1], "01834", A1);
    member(h[1], "01834", A1);
    confirm_at(member(h[2], "01834", A1));
    confirm_at(member(h[3], "01834", A1));
    member(h[3], "01834", A1);
    add_contact_row(c1, member(h[4], "01834", A1), 1);
    member(h[4], "01834", A1);
    add_person("Khong Ho", "01834", A1, 0);
    /* A2 */
    int64_t c5 = confirm_at(member(h[5], "01834", A2));
    add_contact_row(c5, member(h[5], "01834", A2), 1);
    int64_t p6 = member(h[6], "01834", A2);
    confirm_at(p6);
    add_contact_row(c5, p6, 1); /* a case and an F1: counted as a case */
    member(h[6], "01834", A2);
    add_contact_row(c5, member(h[7], "01834", A2), 1);
    /* A3: a recovered case and its F1, an F2 */
    int64_t c9 = confirm_at(member(h[9], "01834", A3));
    add_contact_row(c9, member(h[9], "01834", A3), 1);
    pd_err err;
    assert_int_equal(pd_case_set_status(db, &admin, c9, "recovered", 0, "", &err), PD_OK);
    add_contact_row(c1, member(h[10], "01834", A3), 2);
    /* X without an area */
    confirm_at(member(h[8], "01834", NULL));
    member(h[8], "01834", NULL);
    /* Y */
    for (int i = 1; i <= 4; i++) {
        snprintf(addr, sizeof addr, "Nhà Y%d", i);
        y_hh[i] = add_household("01837", NULL, addr);
    }
    int64_t cy = confirm_at(member(y_hh[1], "01837", NULL));
    member(y_hh[1], "01837", NULL);
    confirm_at(member(y_hh[2], "01837", NULL));
    confirm_at(member(y_hh[3], "01837", NULL));
    add_contact_row(cy, member(y_hh[4], "01837", NULL), 1);
    add_person("Khong Ho Y", "01837", NULL, 0);
    add_person("Khong Ho Y2", "01837", NULL, 0);
    /* Z */
    z1 = add_household(far_commune, NULL, "Nhà Z1");
    confirm_at(member(z1, far_commune, NULL));
    people_a1 = sql_int("SELECT count(*) FROM people WHERE area_code = '%s'", A1);
    people_x = sql_int("SELECT count(*) FROM people WHERE unit_code = '01834'");
    people_y = sql_int("SELECT count(*) FROM people WHERE unit_code = '01837'");
}

typedef struct suggestion {
    int n;
    pd_lockdown_area v[32];
} suggestion;

static int collect_area(const pd_lockdown_area *a, void *ctx)
{
    suggestion *s = ctx;
    if (s->n < 32)
        s->v[s->n] = *a;
    s->n++;
    return 0;
}

static suggestion suggest(const pd_actor *a, const char *unit, int area_households,
                          int commune_areas)
{
    suggestion s;
    memset(&s, 0, sizeof s);
    pd_lockdown_opts o = {area_households, commune_areas};
    pd_err err;
    int rc = pd_lockdown_suggest(db, a, unit, &o, collect_area, &s, &err);
    if (rc != PD_OK)
        fail_msg("lockdown: %s", err.message);
    return s;
}

/* One expected item: level, household (0 for an area or commune), unit code, people, cases, f1,
 * households with cases. */
static void expect_item(const pd_lockdown_area *a, int level, int64_t household, const char *unit,
                        int64_t people, int64_t cases, int64_t f1, int64_t hwc)
{
    assert_int_equal(a->level, level);
    assert_int_equal(a->household_id, household);
    assert_string_equal(a->unit_code, unit);
    assert_int_equal(a->people, people);
    assert_int_equal(a->cases, cases);
    assert_int_equal(a->f1, f1);
    assert_int_equal(a->households_with_cases, hwc);
    assert_true(a->name[0] != '\0');
    assert_true(a->reason[0] != '\0');
}

static void test_lockdown_defaults(void **state)
{
    (void)state;
    build_lockdown_world();
    /* people in the world as built: A1 = 3 + 1 + 2 + 2 + 1 (no household) = 9 */
    assert_int_equal(people_a1, 9);
    assert_int_equal(people_y, 7); /* Y = 2 + 1 + 1 + 1 + 2 without a household */
    suggestion s = suggest(&admin, "", 0, 0);
    assert_int_equal(s.n, 7);
    expect_item(&s.v[0], PD_LOCKDOWN_COMMUNE, 0, "01837", people_y, 3, 1, 3);
    assert_non_null(strstr(s.v[0].reason, "chưa chia thôn/tổ"));
    expect_item(&s.v[1], PD_LOCKDOWN_AREA, 0, area_code[1], 9, 3, 1, 3);
    assert_string_equal(s.v[1].name, "Tổ 1");
    expect_item(&s.v[2], PD_LOCKDOWN_HOUSEHOLD, h[5], "01834", 2, 1, 1, 1);
    assert_string_equal(s.v[2].name, "Nhà số 5");
    expect_item(&s.v[3], PD_LOCKDOWN_HOUSEHOLD, h[6], "01834", 2, 1, 0, 1);
    expect_item(&s.v[4], PD_LOCKDOWN_HOUSEHOLD, h[8], "01834", 2, 1, 0, 1);
    expect_item(&s.v[5], PD_LOCKDOWN_HOUSEHOLD, z1, far_commune, 1, 1, 0, 1);
    expect_item(&s.v[6], PD_LOCKDOWN_HOUSEHOLD, h[7], "01834", 1, 0, 1, 0);
    assert_non_null(strstr(s.v[6].reason, "F1"));
    /* h1..h4 are inside A1; y1..y4 inside Y; h9 and h10 hold nobody who counts */
    for (int i = 0; i < s.n; i++) {
        for (int k = 1; k <= 4; k++)
            assert_true(s.v[i].household_id != h[k] && s.v[i].household_id != y_hh[k]);
        assert_true(s.v[i].household_id != h[9] && s.v[i].household_id != h[10]);
    }
}

static void test_lockdown_thresholds(void **state)
{
    (void)state;
    suggestion s = suggest(&admin, "", 2, 2);
    assert_int_equal(s.n, 3);
    expect_item(&s.v[0], PD_LOCKDOWN_COMMUNE, 0, "01834", people_x, 6, 3, 6);
    assert_non_null(strstr(s.v[0].reason, "2 thôn/tổ"));
    expect_item(&s.v[1], PD_LOCKDOWN_COMMUNE, 0, "01837", people_y, 3, 1, 3);
    expect_item(&s.v[2], PD_LOCKDOWN_HOUSEHOLD, z1, far_commune, 1, 1, 0, 1);
    /* 2 households lock a thôn/tổ, 3 thôn/tổ lock a commune: A1 and A2 areas, X stays open */
    s = suggest(&admin, "", 2, 3);
    assert_int_equal(s.n, 5);
    expect_item(&s.v[0], PD_LOCKDOWN_COMMUNE, 0, "01837", people_y, 3, 1, 3);
    expect_item(&s.v[1], PD_LOCKDOWN_AREA, 0, area_code[1], 9, 3, 1, 3);
    expect_item(&s.v[2], PD_LOCKDOWN_AREA, 0, area_code[2], 5, 2, 2, 2);
    expect_item(&s.v[3], PD_LOCKDOWN_HOUSEHOLD, h[8], "01834", 2, 1, 0, 1);
    expect_item(&s.v[4], PD_LOCKDOWN_HOUSEHOLD, z1, far_commune, 1, 1, 0, 1);
    /* 4 households needed: Y (3) falls back to its households, A1 too */
    s = suggest(&admin, "01837", 4, 3);
    assert_int_equal(s.n, 4);
    expect_item(&s.v[0], PD_LOCKDOWN_HOUSEHOLD, y_hh[1], "01837", 2, 1, 0, 1);
    expect_item(&s.v[1], PD_LOCKDOWN_HOUSEHOLD, y_hh[2], "01837", 1, 1, 0, 1);
    expect_item(&s.v[2], PD_LOCKDOWN_HOUSEHOLD, y_hh[3], "01837", 1, 1, 0, 1);
    expect_item(&s.v[3], PD_LOCKDOWN_HOUSEHOLD, y_hh[4], "01837", 1, 0, 1, 0);
}

static void test_lockdown_scope_and_filters(void **state)
{
    (void)state;
    /* A commune sees its own suggestions only. */
    suggestion s = suggest(&commune_a, "", 0, 0);
    assert_int_equal(s.n, 5);
    for (int i = 0; i < s.n; i++)
        assert_true(strcmp(s.v[i].unit_code, "01837") != 0 &&
                    strcmp(s.v[i].unit_code, far_commune) != 0);
    s = suggest(&commune_b, "", 0, 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.v[0].unit_code, "01837");
    /* Asking for another commune inside a commune's scope finds nothing of it. */
    s = suggest(&commune_b, "01834", 0, 0);
    assert_int_equal(s.n, 0);
    /* One thôn/tổ: its households; and the commune when the commune is locked. */
    s = suggest(&admin, area_code[2], 0, 0);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.v[0].household_id, h[5]);
    assert_int_equal(s.v[1].household_id, h[6]);
    assert_int_equal(s.v[2].household_id, h[7]);
    s = suggest(&admin, area_code[2], 2, 2);
    assert_int_equal(s.n, 1);
    expect_item(&s.v[0], PD_LOCKDOWN_COMMUNE, 0, "01834", people_x, 6, 3, 6);
    s = suggest(&district, "", 0, 0);
    assert_int_equal(s.n, 6); /* all but z1 */
    /* Who may ask, and a bad unit. */
    suggestion none = {0};
    pd_lockdown_opts o = {0, 0};
    pd_err err;
    assert_int_equal(pd_lockdown_suggest(db, &team, "", &o, collect_area, &none, &err), PD_EDENIED);
    assert_int_equal(pd_lockdown_suggest(db, &viewer, "", &o, collect_area, &none, &err),
                     PD_EDENIED);
    assert_int_equal(pd_lockdown_suggest(db, &admin, "77777", &o, collect_area, &none, &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "unit");
    assert_int_equal(none.n, 0);
    /* Recovery takes a household out. */
    int64_t c8 = sql_int("SELECT c.id FROM cases c JOIN people p ON p.id = c.person_id WHERE"
                         " p.household_id = %lld AND c.status = 'active'",
                         (long long)h[8]);
    assert_int_equal(pd_case_set_status(db, &admin, c8, "recovered", 0, "", &err), PD_OK);
    s = suggest(&commune_a, "", 0, 0);
    assert_int_equal(s.n, 4);
    for (int i = 0; i < s.n; i++)
        assert_true(s.v[i].household_id != h[8]);
}

int main(void)
{
    const struct CMUnitTest cases[] = {
        cmocka_unit_test(test_confirm_fills_the_case),
        cmocka_unit_test(test_validation_names_each_field),
        cmocka_unit_test(test_quarantined_person_is_not_a_community_case),
        cmocka_unit_test(test_second_active_case_conflicts),
        cmocka_unit_test(test_status_transitions),
        cmocka_unit_test(test_history_in_order),
        cmocka_unit_test(test_source_and_cycles),
        cmocka_unit_test(test_scope_and_roles),
        cmocka_unit_test(test_lists_and_filters),
        cmocka_unit_test(test_contacts_added_by_hand),
    };
    const struct CMUnitTest lockdown[] = {
        cmocka_unit_test(test_lockdown_defaults),
        cmocka_unit_test(test_lockdown_thresholds),
        cmocka_unit_test(test_lockdown_scope_and_filters),
    };
    int failed = cmocka_run_group_tests_name("cases", cases, cases_setup, close_world);
    failed += cmocka_run_group_tests_name("lockdown", lockdown, lockdown_setup, close_world);
    return failed;
}
