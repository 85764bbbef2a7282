/* Unit tests of stays of foreigners (src/stays/): registering a guest (validation, matching or
 * creating the person without ever attaching a stay to somebody else's record, double registration,
 * venue kind and state), who may register where, who sees which stays (venue staff their venue;
 * police and officials their scope; police of another district nothing), the filters, recording the
 * departure, the XLSX export and the nationality codes. */
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
#include "stays/stays.h"
#include "store/db.h"
#include "units/units.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */

static char dir[256];
static sqlite3 *db;
static char far_commune[16]; /* a commune of district 060 (Bắc Kạn province, not the city) */
static int64_t hotel_a, hotel_b, hotel_far, market, closed_hotel;
static pd_actor admin, staff_a, staff_b, staff_market, commune, district, police, police_060,
    police_06, team, viewer;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code, int64_t venue)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    a.user_id = 100 + role;
    a.venue_id = venue;
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

static int64_t add_venue(const char *name, const char *kind, const char *commune_code, bool closed)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO venues(name, name_folded, kind, unit_code, district_code, province_code,"
             " address, public_code, closed_at, created_at, updated_at) SELECT '%s', '%s', '%s',"
             " code, district_code, province_code, 'Số 1, ' || name, 'code' || (SELECT count(*) "
             "FROM venues), %s, 1, 1"
             " FROM units WHERE code = '%s'",
             name, name, kind, closed ? "1" : "NULL", commune_code);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s", msg);
    return sqlite3_last_insert_rowid(db);
}

static int group_setup(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_stays") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/stays.db", dir);
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
    hotel_a = add_venue("Khach san A", "accommodation", "01834", false);
    hotel_b = add_venue("Khach san B", "accommodation", "01837", false);
    hotel_far = add_venue("Nha nghi Xa", "accommodation", far_commune, false);
    market = add_venue("Cho", "market", "01834", false);
    closed_hotel = add_venue("Khach san Dong", "accommodation", "01834", true);
    admin = pd_actor_cli();
    staff_a = actor_at(PD_ROLE_VENUE, PD_SCOPE_COMMUNE, "01834", hotel_a);
    staff_b = actor_at(PD_ROLE_VENUE, PD_SCOPE_COMMUNE, "01837", hotel_b);
    staff_market = actor_at(PD_ROLE_VENUE, PD_SCOPE_COMMUNE, "01834", market);
    commune = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834", 0);
    district = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058", 0);
    police = actor_at(PD_ROLE_POLICE, PD_SCOPE_DISTRICT, "058", 0);
    police_060 = actor_at(PD_ROLE_POLICE, PD_SCOPE_DISTRICT, "060", 0);
    police_06 = actor_at(PD_ROLE_POLICE, PD_SCOPE_PROVINCE, "06", 0);
    team = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834", 0);
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_DISTRICT, "058", 0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

static pd_stay guest(int64_t venue, const char *name, const char *passport, const char *nat,
                     const char *arrive)
{
    pd_stay s;
    memset(&s, 0, sizeof s);
    s.venue_id = venue;
    snprintf(s.full_name, sizeof s.full_name, "%s", name);
    snprintf(s.birth_date, sizeof s.birth_date, "1985-03-04");
    snprintf(s.sex, sizeof s.sex, "M");
    snprintf(s.passport, sizeof s.passport, "%s", passport);
    snprintf(s.nationality, sizeof s.nationality, "%s", nat);
    snprintf(s.arrive_date, sizeof s.arrive_date, "%s", arrive);
    snprintf(s.room, sizeof s.room, "101");
    return s;
}

static int64_t must_register(const pd_actor *a, pd_stay *s)
{
    pd_field_errors errs;
    pd_err err;
    int rc = pd_stay_register(db, a, s, &errs, &err);
    if (rc != PD_OK)
        fail_msg("register %s: %s (%s)", s->full_name, err.message, err.field);
    return s->id;
}

static bool has_error(const pd_field_errors *e, const char *field)
{
    for (int i = 0; i < e->count; i++)
        if (strcmp(e->items[i].field, field) == 0)
            return true;
    return false;
}

/* ---- registering ---- */

static void test_register_creates_person_and_audit(void **state)
{
    (void)state;
    int64_t people = sql_int("SELECT count(*) FROM people");
    pd_stay s = guest(hotel_a, "John  Smith", "x1234567", "us", "14/11/2021");
    int64_t id = must_register(&staff_a, &s);
    assert_true(id > 0);
    assert_string_equal(s.passport, "X1234567");
    assert_string_equal(s.nationality, "US");
    assert_string_equal(s.full_name, "John Smith");
    assert_string_equal(s.arrive_date, "2021-11-14");
    assert_string_equal(s.unit_code, "01834");
    assert_string_equal(s.venue_name, "Khach san A");
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people + 1);
    assert_int_equal(sql_int("SELECT count(*) FROM people WHERE id = %lld AND id_type = 'passport'"
                             " AND id_number = 'X1234567' AND nationality = 'US' AND unit_code ="
                             " '01834' AND district_code = '058'",
                             (long long)s.person_id),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM stays WHERE id = %lld AND unit_code = '01834'"
                             " AND district_code = '058' AND province_code = '06' AND leave_date"
                             " IS NULL AND room = '101'",
                             (long long)id),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'stay' AND action ="
                             " 'create' AND entity_id = %lld",
                             (long long)id),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'person' AND action ="
                             " 'create' AND entity_id = %lld",
                             (long long)s.person_id),
                     1);
}

static void test_same_guest_matches_other_name_does_not(void **state)
{
    (void)state;
    pd_stay a = guest(hotel_b, "Kim Min-jun", "M12345678", "KR", "2021-11-10");
    snprintf(a.leave_date, sizeof a.leave_date, "2021-11-12");
    must_register(&staff_b, &a);
    int64_t people = sql_int("SELECT count(*) FROM people");
    /* The same guest comes back: same person. */
    pd_stay b = guest(hotel_b, "KIM MIN-JUN", "m12345678", "kr", "2021-11-14");
    must_register(&staff_b, &b);
    assert_int_equal(b.person_id, a.person_id);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people);
    /* Same passport typed with another name: a new person, never the first guest's record. */
    pd_stay c = guest(hotel_a, "Lee Ji-ho", "M12345678", "KR", "2021-11-14");
    must_register(&staff_a, &c);
    assert_int_not_equal(c.person_id, a.person_id);
    assert_string_equal(c.full_name, "Lee Ji-ho");
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people + 1);
}

static void test_double_registration_refused(void **state)
{
    (void)state;
    pd_stay a = guest(hotel_a, "Wang Wei", "E11112222", "CN", "2021-11-13");
    must_register(&staff_a, &a);
    pd_stay b = guest(hotel_a, "Wang Wei", "E11112222", "CN", "2021-11-15");
    pd_field_errors errs;
    pd_err err;
    int64_t before = sql_int("SELECT count(*) FROM stays");
    assert_int_equal(pd_stay_register(db, &staff_a, &b, &errs, &err), PD_ECONFLICT);
    assert_non_null(strstr(err.message, "13/11/2021"));
    assert_int_equal(sql_int("SELECT count(*) FROM stays"), before);
    /* Once the departure is recorded before the new arrival, the guest may be registered again. */
    pd_stay out;
    assert_int_equal(pd_stay_set_leave(db, &staff_a, a.id, "14/11/2021", &out, &err), PD_OK);
    assert_string_equal(out.leave_date, "2021-11-14");
    assert_int_equal(pd_stay_register(db, &staff_a, &b, &errs, &err), PD_OK);
    assert_int_equal(b.person_id, a.person_id);
}

static void test_validation(void **state)
{
    (void)state;
    pd_field_errors errs;
    pd_err err;
    pd_stay s;
    memset(&s, 0, sizeof s);
    s.venue_id = hotel_a;
    assert_int_equal(pd_stay_register(db, &staff_a, &s, &errs, &err), PD_EINVAL);
    const char *required[] = {"full_name", "birth_date", "sex", "passport", "arrive_date"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!has_error(&errs, required[i]))
            fail_msg("no error for missing %s", required[i]);
    s = guest(hotel_a, "Nguyễn Văn An", "B1234567", "VN", "2021-11-16");
    snprintf(s.leave_date, sizeof s.leave_date, "2021-11-01");
    assert_int_equal(pd_stay_register(db, &staff_a, &s, &errs, &err), PD_EINVAL);
    assert_true(has_error(&errs, "nationality")); /* Vietnamese citizens are not declared here */
    assert_true(has_error(&errs, "arrive_date")); /* tomorrow */
    s = guest(hotel_a, "Anna M. 7", "12", "XX", "2020-10-01");
    snprintf(s.leave_date, sizeof s.leave_date, "31/02/2021");
    snprintf(s.sex, sizeof s.sex, "X");
    assert_int_equal(pd_stay_register(db, &staff_a, &s, &errs, &err), PD_EINVAL);
    const char *bad[] = {"nationality", "passport",   "full_name",
                         "arrive_date", "leave_date", "sex"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (!has_error(&errs, bad[i]))
            fail_msg("no error for %s (%s)", bad[i], errs.count ? errs.items[0].message : "");
    s = guest(hotel_a, "Anna Weber", "C0123456", "DE", "2021-11-10");
    snprintf(s.leave_date, sizeof s.leave_date, "2021-11-09");
    assert_int_equal(pd_stay_register(db, &staff_a, &s, &errs, &err), PD_EINVAL);
    assert_true(has_error(&errs, "leave_date"));
    assert_int_equal(sql_int("SELECT count(*) FROM stays WHERE passport = 'C0123456'"), 0);
}

static void test_where_one_may_register(void **state)
{
    (void)state;
    pd_field_errors errs;
    pd_err err;
    pd_stay s = guest(hotel_b, "Sato Kenji", "TR1234567", "JP", "2021-11-14");
    assert_int_equal(pd_stay_register(db, &staff_a, &s, &errs, &err), PD_ENOTFOUND); /* not hers */
    s = guest(hotel_b, "Sato Kenji", "TR1234567", "JP", "2021-11-14");
    assert_int_equal(pd_stay_register(db, &commune, &s, &errs, &err), PD_ENOTFOUND); /* 01837 */
    s = guest(market, "Sato Kenji", "TR1234567", "JP", "2021-11-14");
    assert_int_equal(pd_stay_register(db, &staff_market, &s, &errs, &err), PD_EINVAL);
    assert_true(has_error(&errs, "venue_id"));
    s = guest(closed_hotel, "Sato Kenji", "TR1234567", "JP", "2021-11-14");
    assert_int_equal(pd_stay_register(db, &commune, &s, &errs, &err), PD_EINVAL);
    s = guest(987654, "Sato Kenji", "TR1234567", "JP", "2021-11-14");
    assert_int_equal(pd_stay_register(db, &admin, &s, &errs, &err), PD_ENOTFOUND);
    const pd_actor *denied[] = {&police, &team, &viewer};
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        s = guest(hotel_a, "Sato Kenji", "TR1234567", "JP", "2021-11-14");
        assert_int_equal(pd_stay_register(db, denied[i], &s, &errs, &err), PD_EDENIED);
    }
    assert_int_equal(sql_int("SELECT count(*) FROM stays WHERE passport = 'TR1234567'"), 0);
    s = guest(hotel_b, "Sato Kenji", "TR1234567", "JP", "2021-11-14");
    must_register(&district, &s);
    s = guest(hotel_far, "Sato Yuko", "TR7654321", "JP", "2021-11-14");
    must_register(&admin, &s);
}

/* ---- reading ---- */

typedef struct seen {
    int n;
    int64_t ids[64];
    bool outside; /* a stay not at `only` (when set) */
    int64_t only;
} seen;

static int collect(const pd_stay *s, void *ctx)
{
    seen *x = ctx;
    if (x->n < 64)
        x->ids[x->n++] = s->id;
    if (x->only && s->venue_id != x->only)
        x->outside = true;
    return 0;
}

static seen list(const pd_actor *a, const pd_stays_query *q, int rc_want)
{
    seen x = {0};
    bool more;
    pd_err err;
    pd_stays_query def = {.limit = 500};
    int rc = pd_stays_list(db, a, q ? q : &def, collect, &x, &more, &err);
    if (rc != rc_want)
        fail_msg("list as %s: %d (%s)", a->username, rc, err.message);
    return x;
}

static void test_who_sees_what(void **state)
{
    (void)state;
    int64_t in_058 = sql_int("SELECT count(*) FROM stays WHERE district_code = '058'");
    int64_t in_06 = sql_int("SELECT count(*) FROM stays WHERE province_code = '06'");
    int64_t at_a = sql_int("SELECT count(*) FROM stays WHERE venue_id = %lld", (long long)hotel_a);
    assert_true(in_058 > at_a && in_06 > in_058);
    assert_int_equal(list(&police, NULL, PD_OK).n, in_058);
    assert_int_equal(list(&police_06, NULL, PD_OK).n, in_06);
    assert_int_equal(list(&police_060, NULL, PD_OK).n, 1); /* only the guest at hotel_far */
    assert_int_equal(list(&district, NULL, PD_OK).n, in_058);
    assert_int_equal(list(&commune, NULL, PD_OK).n, at_a); /* 01834: hotel A only */
    seen mine = {.only = hotel_a};
    bool more;
    pd_err err;
    pd_stays_query q = {.limit = 500};
    assert_int_equal(pd_stays_list(db, &staff_a, &q, collect, &mine, &more, &err), PD_OK);
    assert_int_equal(mine.n, at_a);
    assert_false(mine.outside);
    assert_int_equal(list(&staff_market, NULL, PD_OK).n, 0);
    list(&team, NULL, PD_EDENIED);
    list(&viewer, NULL, PD_EDENIED);
    /* One stay: police of another district get "not found", as for a missing id. */
    int64_t id = sql_int("SELECT max(id) FROM stays WHERE venue_id = %lld", (long long)hotel_b);
    pd_stay s;
    assert_int_equal(pd_stay_get(db, &police, id, &s, &err), PD_OK);
    assert_int_equal(s.venue_id, hotel_b);
    assert_int_equal(pd_stay_get(db, &police_060, id, &s, &err), PD_ENOTFOUND);
    assert_int_equal(s.id, 0);
    assert_int_equal(pd_stay_get(db, &staff_a, id, &s, &err), PD_ENOTFOUND);
    assert_int_equal(pd_stay_get(db, &police, 987654, &s, &err), PD_ENOTFOUND);
    assert_int_equal(pd_stay_get(db, &team, id, &s, &err), PD_EDENIED);
    int64_t count;
    assert_int_equal(pd_stays_count(db, &police_060, &q, &count, &err), PD_OK);
    assert_int_equal(count, 1);
}

static void test_filters_and_paging(void **state)
{
    (void)state;
    pd_stays_query q = {.limit = 500, .present = true};
    int64_t want = sql_int("SELECT count(*) FROM stays WHERE district_code = '058' AND"
                           " arrive_date <= '2021-11-15' AND (leave_date IS NULL OR leave_date >="
                           " '2021-11-15')");
    assert_int_equal(list(&police, &q, PD_OK).n, want);
    snprintf(q.on, sizeof q.on, "11/11/2021");
    want = sql_int("SELECT count(*) FROM stays WHERE district_code = '058' AND arrive_date <="
                   " '2021-11-11' AND (leave_date IS NULL OR leave_date >= '2021-11-11')");
    assert_true(want >= 1);
    assert_int_equal(list(&police, &q, PD_OK).n, want);
    pd_stays_query r = {.limit = 500};
    snprintf(r.from, sizeof r.from, "2021-11-14");
    snprintf(r.to, sizeof r.to, "2021-11-14");
    want = sql_int("SELECT count(*) FROM stays WHERE district_code = '058' AND arrive_date ="
                   " '2021-11-14'");
    assert_int_equal(list(&police, &r, PD_OK).n, want);
    pd_stays_query n = {.limit = 500};
    snprintf(n.nationality, sizeof n.nationality, "kr");
    assert_int_equal(list(&police, &n, PD_OK).n,
                     sql_int("SELECT count(*) FROM stays WHERE nationality = 'KR' AND"
                             " district_code = '058'"));
    pd_stays_query u = {.limit = 500};
    snprintf(u.unit_code, sizeof u.unit_code, "01837");
    assert_int_equal(list(&police, &u, PD_OK).n,
                     sql_int("SELECT count(*) FROM stays WHERE unit_code = '01837'"));
    assert_int_equal(list(&police_060, &u, PD_OK).n, 0); /* a unit outside scope: nothing */
    snprintf(u.unit_code, sizeof u.unit_code, "99999");
    list(&police, &u, PD_EINVAL);
    pd_stays_query bad = {.limit = 500};
    snprintf(bad.from, sizeof bad.from, "hôm qua");
    list(&police, &bad, PD_EINVAL);
    /* Keyset paging: two at a time, newest first, every stay once. */
    pd_stays_query p = {.limit = 2};
    int total = 0;
    int64_t last = INT64_MAX;
    bool more = true;
    while (more) {
        seen x = {0};
        pd_err err;
        assert_int_equal(pd_stays_list(db, &police, &p, collect, &x, &more, &err), PD_OK);
        for (int i = 0; i < x.n; i++) {
            assert_true(x.ids[i] < last);
            last = x.ids[i];
        }
        total += x.n;
        p.before_id = last;
    }
    assert_int_equal(total, sql_int("SELECT count(*) FROM stays WHERE district_code = '058'"));
}

static void test_departure(void **state)
{
    (void)state;
    pd_stay s = guest(hotel_b, "Pierre Martin", "123456789", "FR", "2021-11-12");
    must_register(&staff_b, &s);
    pd_stay out;
    pd_err err;
    assert_int_equal(pd_stay_set_leave(db, &staff_a, s.id, "2021-11-14", &out, &err), PD_ENOTFOUND);
    assert_int_equal(pd_stay_set_leave(db, &police, s.id, "2021-11-14", &out, &err), PD_EDENIED);
    assert_int_equal(pd_stay_set_leave(db, &staff_b, s.id, "2021-11-11", &out, &err), PD_EINVAL);
    assert_int_equal(pd_stay_set_leave(db, &staff_b, s.id, "ngày mai", &out, &err), PD_EINVAL);
    assert_int_equal(sql_int("SELECT count(*) FROM stays WHERE id = %lld AND leave_date IS NULL",
                             (long long)s.id),
                     1);
    assert_int_equal(pd_stay_set_leave(db, &district, s.id, "2021-11-14", &out, &err), PD_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM stays WHERE id = %lld AND leave_date ="
                             " '2021-11-14'",
                             (long long)s.id),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'stay' AND action ="
                             " 'update' AND entity_id = %lld",
                             (long long)s.id),
                     1);
}

static void test_export(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/stays.xlsx", dir);
    pd_stays_query q = {.limit = 1};
    int64_t rows = -1;
    pd_err err;
    assert_int_equal(pd_stays_export(db, &police, &q, path, &rows, &err), PD_OK);
    assert_int_equal(rows, sql_int("SELECT count(*) FROM stays WHERE district_code = '058'"));
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char magic[2] = {0};
    assert_int_equal(fread(magic, 1, 2, f), 2);
    fclose(f);
    assert_memory_equal(magic, "PK", 2);
    assert_int_equal(pd_stays_export(db, &police_060, &q, path, &rows, &err), PD_OK);
    assert_int_equal(rows, 1);
    assert_int_equal(pd_stays_export(db, &team, &q, path, &rows, &err), PD_EDENIED);
    assert_true(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'stay' AND action ="
                        " 'export'") >= 2);
}

static int add_venue_id(const pd_stay_venue *v, void *ctx)
{
    seen *x = ctx;
    if (x->n < 64)
        x->ids[x->n++] = v->id;
    return 0;
}

static seen venues_for(const pd_actor *a, int rc_want)
{
    seen x = {0};
    pd_err err;
    assert_int_equal(pd_stays_venues(db, a, add_venue_id, &x, &err), rc_want);
    return x;
}

static void test_venues_to_register_at(void **state)
{
    (void)state;
    seen x = venues_for(&staff_a, PD_OK);
    assert_int_equal(x.n, 1);
    assert_int_equal(x.ids[0], hotel_a);
    x = venues_for(&commune, PD_OK); /* not the market, not the closed hotel */
    assert_int_equal(x.n, 1);
    assert_int_equal(x.ids[0], hotel_a);
    x = venues_for(&district, PD_OK);
    assert_int_equal(x.n, 2);
    assert_int_equal(venues_for(&staff_market, PD_OK).n, 0);
    venues_for(&police, PD_EDENIED);
    venues_for(&team, PD_EDENIED);
}

static void test_countries(void **state)
{
    (void)state;
    const char *ok[] = {"AD", "US", "VN", "KR", "ZW", "GB", "HK", "TW"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_true(pd_country_valid(ok[i]));
    const char *bad[] = {"XX", "us", "U", "USA", "", "ZZ", "AA"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(pd_country_valid(bad[i]));
    assert_string_equal(pd_country_name("KR"), "Hàn Quốc");
    assert_string_equal(pd_country_name("BR"), "BR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_creates_person_and_audit),
        cmocka_unit_test(test_same_guest_matches_other_name_does_not),
        cmocka_unit_test(test_double_registration_refused),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_where_one_may_register),
        cmocka_unit_test(test_who_sees_what),
        cmocka_unit_test(test_filters_and_paging),
        cmocka_unit_test(test_departure),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_venues_to_register_at),
        cmocka_unit_test(test_countries),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
