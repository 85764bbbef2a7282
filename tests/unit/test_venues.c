/* Unit tests of venues and check-ins (src/venues/): validation and scope of the registry (venue
 * staff see only their venue), the public code, search, the poster (SVG text, PNG and PDF
 * rendering), check-in rules (replay while inside, check-out without check-in, one place at a time,
 * automatic check-out after the stay, phone numbers that match nobody), the sweep, the readers'
 * scope, and the group-commit writer under concurrent submitters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "declare/declare.h"
#include "people/people.h"
#include "store/db.h"
#include "units/units.h"
#include "venues/venues.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */

static char dir[256], db_path[512];
static sqlite3 *db;
static pd_actor admin, c1834, c1837, d058, team1834, viewer, police058, staff;
static int64_t market_id, school_id, far_id; /* 01834, 01834, 01837 */
static int64_t anh_id, binh_id;              /* people of 01834 and 01837 */
static char anh_token[PD_TOKEN_CHARS + 1], binh_token[PD_TOKEN_CHARS + 1];

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code, const char *name)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "%s", name);
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

static pd_venue venue_in(const char *unit, const char *name, const char *kind)
{
    pd_venue v;
    memset(&v, 0, sizeof v);
    snprintf(v.name, sizeof v.name, "%s", name);
    snprintf(v.kind, sizeof v.kind, "%s", kind);
    snprintf(v.unit_code, sizeof v.unit_code, "%s", unit);
    snprintf(v.address, sizeof v.address, "Số 1 đường Kiểm Thử");
    return v;
}

static int64_t add_venue(const pd_actor *a, const char *unit, const char *name, const char *kind)
{
    pd_venue v = venue_in(unit, name, kind);
    pd_field_errors errs = {0};
    pd_err err;
    if (pd_venue_create(db, a, &v, &errs, &err) != PD_OK)
        fail_msg("create venue %s: %s", name, err.message);
    return v.id;
}

static int64_t add_person(const char *unit, const char *name, const char *phone)
{
    pd_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.full_name, sizeof p.full_name, "%s", name);
    snprintf(p.unit_code, sizeof p.unit_code, "%s", unit);
    snprintf(p.phone, sizeof p.phone, "%s", phone);
    pd_field_errors errs = {0};
    pd_duplicates dups = {0};
    pd_err err;
    if (pd_person_create(db, &admin, &p, true, &errs, &dups, &err) != PD_OK)
        fail_msg("create person %s: %s", name, err.message);
    return p.id;
}

static int group_setup(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_venues") != 0)
        return -1;
    snprintf(db_path, sizeof db_path, "%s/venues.db", dir);
    pd_err err;
    db = pd_db_open(db_path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    admin = pd_actor_cli();
    c1834 = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834", "xa.1834");
    c1837 = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837", "xa.1837");
    d058 = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058", "huyen.058");
    team1834 = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834", "to.1834");
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_COUNTRY, "", "xem");
    police058 = actor_at(PD_ROLE_POLICE, PD_SCOPE_DISTRICT, "058", "ca.058");
    market_id = add_venue(&c1834, "01834", "Chợ Phường Nguyễn Thị Minh Khai", "market");
    school_id = add_venue(&c1834, "01834", "Trường Tiểu học Đội Cấn", "school");
    far_id = add_venue(&c1837, "01837", "Siêu thị Sông Cầu & Co", "supermarket");
    staff = actor_at(PD_ROLE_VENUE, PD_SCOPE_COMMUNE, "01834", "nv.cho");
    staff.venue_id = market_id;
    anh_id = add_person("01834", "Nguyễn Văn Anh", "0912000001");
    binh_id = add_person("01837", "Trần Thị Bình", "0912000002");
    if (pd_token_issue(db, &admin, anh_id, anh_token, &err) != PD_OK ||
        pd_token_issue(db, &admin, binh_id, binh_token, &err) != PD_OK)
        return -1;
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

static void test_kinds_and_stays(void **state)
{
    (void)state;
    assert_int_equal(pd_venue_kind_count, 12);
    assert_string_equal(pd_venue_kind_find("market")->label, "Chợ");
    assert_null(pd_venue_kind_find("casino"));
    pd_venue v = venue_in("01834", "x", "school");
    assert_int_equal(pd_venue_stay_minutes(&v), 480);
    v.default_stay_minutes = 45;
    assert_int_equal(pd_venue_stay_minutes(&v), 45);
}

static void test_validation(void **state)
{
    (void)state;
    pd_venue v = venue_in("99999", "", "casino");
    snprintf(v.responsible_phone, sizeof v.responsible_phone, "12345");
    v.default_stay_minutes = 2000;
    pd_field_errors errs = {0};
    pd_err err;
    assert_int_equal(pd_venue_create(db, &admin, &v, &errs, &err), PD_EINVAL);
    const char *want[] = {"name", "kind", "unit_code", "responsible_phone", "default_stay_minutes"};
    assert_int_equal(errs.count, 5);
    for (int i = 0; i < 5; i++)
        assert_string_equal(errs.items[i].field, want[i]);
    /* A thôn given as the unit moves to area_code; the phone is normalised. */
    pd_unit area;
    assert_int_equal(pd_area_add(db, &admin, "01834", "Tổ 7", "Tổ", &area, &err), PD_OK);
    v = venue_in(area.code, "  Quán  Phở   Ngon ", "restaurant");
    snprintf(v.responsible_phone, sizeof v.responsible_phone, "+84 912 345 678");
    assert_int_equal(pd_venue_create(db, &c1834, &v, &errs, &err), PD_OK);
    assert_string_equal(v.unit_code, "01834");
    assert_string_equal(v.area_code, area.code);
    assert_string_equal(v.name, "Quán Phở Ngon");
    assert_string_equal(v.responsible_phone, "0912345678");
    assert_string_equal(v.district_code, "058");
    assert_int_equal(
        sql_int("SELECT count(*) FROM audit_log WHERE entity = 'venue' AND entity_id = %lld"
                " AND action = 'create'",
                (long long)v.id),
        1);
}

static void test_scope_and_roles(void **state)
{
    (void)state;
    pd_field_errors errs = {0};
    pd_err err;
    pd_venue v = venue_in("01837", "Ngoài phạm vi", "office");
    assert_int_equal(pd_venue_create(db, &c1834, &v, &errs, &err), PD_EINVAL);
    assert_string_equal(err.field, "unit_code");
    v = venue_in("01834", "Tổ đội", "office");
    assert_int_equal(pd_venue_create(db, &team1834, &v, &errs, &err), PD_EDENIED);
    assert_int_equal(pd_venue_create(db, &staff, &v, &errs, &err), PD_EDENIED);
    assert_int_equal(pd_venue_create(db, &police058, &v, &errs, &err), PD_EDENIED);

    pd_venue got;
    assert_int_equal(pd_venue_get(db, &c1834, market_id, &got, &err), PD_OK);
    assert_int_equal(pd_venue_get(db, &c1834, far_id, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_venue_get(db, &c1834, 987654, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_venue_get(db, &d058, far_id, &got, &err), PD_OK);
    assert_int_equal(pd_venue_get(db, &police058, far_id, &got, &err), PD_OK);
    assert_int_equal(pd_venue_get(db, &team1834, school_id, &got, &err), PD_OK);
    assert_int_equal(pd_venue_get(db, &viewer, market_id, &got, &err), PD_EDENIED);
    /* Venue staff: their own venue only, even inside their commune. */
    assert_int_equal(pd_venue_get(db, &staff, market_id, &got, &err), PD_OK);
    assert_int_equal(pd_venue_get(db, &staff, school_id, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_venue_for_scan(db, &staff, market_id, &got, &err), PD_OK);
    assert_int_equal(pd_venue_for_scan(db, &staff, school_id, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_venue_for_scan(db, &team1834, school_id, &got, &err), PD_OK);
    assert_int_equal(pd_venue_for_scan(db, &team1834, far_id, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_venue_for_scan(db, &police058, market_id, &got, &err), PD_EDENIED);
}

static void test_public_code(void **state)
{
    (void)state;
    pd_venue a, b;
    pd_err err;
    assert_int_equal(pd_venue_get(db, &admin, market_id, &a, &err), PD_OK);
    assert_int_equal(pd_venue_get(db, &admin, school_id, &b, &err), PD_OK);
    assert_int_equal(strlen(a.public_code), 12);
    assert_string_not_equal(a.public_code, b.public_code);
    assert_int_equal(strspn(a.public_code, "abcdefghjkmnpqrstuvwxyz23456789"), 12);
    pd_venue c;
    assert_int_equal(pd_venue_by_code(db, a.public_code, &c, &err), PD_OK);
    assert_int_equal(c.id, market_id);
    assert_int_equal(pd_venue_by_code(db, "khongco", &c, &err), PD_ENOTFOUND);
    assert_int_equal(pd_venue_by_code(db, "", &c, &err), PD_ENOTFOUND);
}

static void test_update_close_version(void **state)
{
    (void)state;
    int64_t id = add_venue(&c1834, "01834", "Nhà văn hóa", "other");
    pd_venue v;
    pd_err err;
    pd_field_errors errs = {0};
    assert_int_equal(pd_venue_get(db, &c1834, id, &v, &err), PD_OK);
    char code[24];
    snprintf(code, sizeof code, "%s", v.public_code);
    v.default_stay_minutes = 30;
    assert_int_equal(pd_venue_update(db, &c1834, &v, true, &errs, &err), PD_OK);
    assert_int_equal(v.version, 2);
    assert_int_equal(pd_venue_get(db, &c1834, id, &v, &err), PD_OK);
    assert_int_equal(v.closed_at, T0);
    assert_string_equal(v.public_code, code); /* the poster stays valid */
    assert_int_equal(pd_venue_stay_minutes(&v), 30);
    v.version = 1; /* stale */
    assert_int_equal(pd_venue_update(db, &c1834, &v, false, &errs, &err), PD_ECONFLICT);
    v.version = 2;
    assert_int_equal(pd_venue_update(db, &c1837, &v, false, &errs, &err), PD_ENOTFOUND);
    assert_int_equal(pd_venue_update(db, &c1834, &v, false, &errs, &err), PD_OK);
    assert_int_equal(pd_venue_get(db, &c1834, id, &v, &err), PD_OK);
    assert_int_equal(v.closed_at, 0);
    assert_int_equal(
        sql_int("SELECT count(*) FROM audit_log WHERE entity = 'venue' AND entity_id = %lld",
                (long long)id),
        3);
}

static int count_cb(const pd_venue *v, void *ctx)
{
    (void)v;
    (*(int *)ctx)++;
    return 0;
}

static int first_id_cb(const pd_venue *v, void *ctx)
{
    if (!*(int64_t *)ctx)
        *(int64_t *)ctx = v->id;
    return 0;
}

static void test_list_search(void **state)
{
    (void)state;
    pd_err err;
    bool more;
    int n = 0;
    int64_t first = 0;
    pd_venue_query q = {.limit = 50};
    snprintf(q.q, sizeof q.q, "cho nguyen thi");
    assert_int_equal(pd_venues_list(db, &c1834, &q, first_id_cb, &first, &more, &err), PD_OK);
    assert_int_equal(first, market_id);
    snprintf(q.q, sizeof q.q, "sông cầu");
    assert_int_equal(pd_venues_list(db, &c1834, &q, count_cb, &n, &more, &err), PD_OK);
    assert_int_equal(n, 0); /* outside the commune */
    assert_int_equal(pd_venues_list(db, &d058, &q, count_cb, &n, &more, &err), PD_OK);
    assert_int_equal(n, 1);
    q.q[0] = '\0';
    snprintf(q.kind, sizeof q.kind, "school");
    n = 0;
    assert_int_equal(pd_venues_list(db, &admin, &q, count_cb, &n, &more, &err), PD_OK);
    assert_int_equal(n, 1);
    q.kind[0] = '\0';
    n = 0;
    assert_int_equal(pd_venues_list(db, &staff, &q, count_cb, &n, &more, &err), PD_OK);
    assert_int_equal(n, 1); /* staff: their venue */
    snprintf(q.kind, sizeof q.kind, "casino");
    assert_int_equal(pd_venues_list(db, &admin, &q, count_cb, &n, &more, &err), PD_EINVAL);
    q.kind[0] = '\0';
    assert_int_equal(pd_venues_list(db, &viewer, &q, count_cb, &n, &more, &err), PD_EDENIED);
    /* Paging: one at a time through the district. */
    q.limit = 1;
    q.after_id = 0;
    int pages = 0;
    do {
        int64_t id = 0;
        assert_int_equal(pd_venues_list(db, &d058, &q, first_id_cb, &id, &more, &err), PD_OK);
        assert_true(id > q.after_id);
        q.after_id = id;
        pages++;
    } while (more);
    assert_int_equal(pages, sql_int("SELECT count(*) FROM venues WHERE district_code = '058'"));
    /* Unit filter by district and by commune. */
    pd_venue_query byunit = {.limit = 50};
    snprintf(byunit.unit_code, sizeof byunit.unit_code, "01837");
    n = 0;
    assert_int_equal(pd_venues_list(db, &d058, &byunit, count_cb, &n, &more, &err), PD_OK);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(pd_venues_list(db, &c1834, &byunit, count_cb, &n, &more, &err), PD_OK);
    assert_int_equal(n, 0);
}

static void test_poster(void **state)
{
    (void)state;
    pd_venue v;
    pd_err err;
    assert_int_equal(pd_venue_get(db, &admin, far_id, &v, &err), PD_OK);
    pd_buf svg, png, pdf;
    pd_buf_init(&svg);
    pd_buf_init(&png);
    pd_buf_init(&pdf);
    assert_int_equal(pd_venue_poster_svg(db, &v, "https://phongdich.example.vn/", &svg, &err),
                     PD_OK);
    assert_non_null(strstr(svg.data, "Siêu thị Sông Cầu &amp; Co"));
    assert_non_null(strstr(svg.data, "Quét mã QR để khai báo khi vào/ra"));
    char url[256];
    snprintf(url, sizeof url, "https://phongdich.example.vn/#/c/%s", v.public_code);
    assert_non_null(strstr(svg.data, url));
    assert_non_null(strstr(svg.data, "<path fill=\"#000\""));
    assert_int_equal(pd_venue_poster_render(svg.data, svg.len, "png", &png, &err), PD_OK);
    assert_true(png.len > 10000);
    assert_memory_equal(png.data, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(pd_venue_poster_render(svg.data, svg.len, "pdf", &pdf, &err), PD_OK);
    assert_memory_equal(pdf.data, "%PDF-", 5);
    assert_int_equal(pd_venue_poster_render("<svg", 4, "png", &png, &err), PD_EIO);
    pd_buf_free(&svg);
    pd_buf_free(&png);
    pd_buf_free(&pdf);
}

static pd_checkin_job job_for(int64_t venue_id, int64_t person_id, pd_checkin_action action,
                              int64_t now)
{
    pd_checkin_job j;
    memset(&j, 0, sizeof j);
    pd_venue v;
    pd_err err;
    if (pd_venue_get(db, &admin, venue_id, &v, &err) != PD_OK)
        fail_msg("venue %lld", (long long)venue_id);
    j.action = action;
    j.venue_id = venue_id;
    j.stay_minutes = pd_venue_stay_minutes(&v);
    snprintf(j.unit_code, sizeof j.unit_code, "%s", v.unit_code);
    snprintf(j.district_code, sizeof j.district_code, "%s", v.district_code);
    snprintf(j.province_code, sizeof j.province_code, "%s", v.province_code);
    j.person_id = person_id;
    j.now = now;
    return j;
}

static void test_token_lookup(void **state)
{
    (void)state;
    int64_t pid = 0;
    pd_err err;
    assert_int_equal(pd_person_by_token(db, anh_token, &pid, &err), PD_OK);
    assert_int_equal(pid, anh_id);
    char scanned[128];
    snprintf(scanned, sizeof scanned, "https://x.vn/#/p/%s", anh_token);
    pid = 0;
    assert_int_equal(pd_person_by_token(db, scanned, &pid, &err), PD_OK);
    assert_int_equal(pid, anh_id);
    snprintf(scanned, sizeof scanned, "https://x.vn/qr?token=%s&v=1", anh_token);
    assert_int_equal(pd_person_by_token(db, scanned, &pid, &err), PD_OK);
    assert_int_equal(pd_person_by_token(db, "AAAAAAAAAAAAAAAAAAAAAAAAAA", &pid, &err),
                     PD_ENOTFOUND);
    assert_string_equal(err.field, "token");
    assert_int_equal(pd_person_by_token(db, "", &pid, &err), PD_ENOTFOUND);
}

static void test_checkin_rules(void **state)
{
    (void)state;
    int64_t t = T0 + 3600;
    pd_checkin_job j = job_for(market_id, anh_id, PD_CHECKIN_IN, t);
    pd_checkin_run(db, &j);
    assert_int_equal(j.rc, PD_OK);
    assert_int_equal(j.outcome, PD_CHECKIN_NEW);
    int64_t first = j.result.id;
    assert_int_equal(j.result.in_at, t);
    assert_int_equal(j.result.out_at, 0);
    /* Replayed while inside: the same visit, nothing written. */
    int64_t rows = sql_int("SELECT count(*) FROM checkins");
    j = job_for(market_id, anh_id, PD_CHECKIN_IN, t + 60);
    pd_checkin_run(db, &j);
    assert_int_equal(j.outcome, PD_CHECKIN_REPLAYED);
    assert_int_equal(j.result.id, first);
    assert_int_equal(j.result.in_at, t);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), rows);
    /* Check-out, then check-out again: a clear conflict. */
    j = job_for(market_id, anh_id, PD_CHECKIN_OUT, t + 600);
    pd_checkin_run(db, &j);
    assert_int_equal(j.rc, PD_OK);
    assert_int_equal(j.outcome, PD_CHECKIN_CLOSED);
    assert_int_equal(j.result.out_at, t + 600);
    assert_int_equal(sql_int("SELECT out_at FROM checkins WHERE id = %lld", (long long)first),
                     t + 600);
    j = job_for(market_id, anh_id, PD_CHECKIN_OUT, t + 700);
    pd_checkin_run(db, &j);
    assert_int_equal(j.rc, PD_ECONFLICT);
    assert_non_null(strstr(j.err.message, "Chưa check-in"));
    /* In at the market, then in at the school: the market visit ends automatically, now. */
    j = job_for(market_id, anh_id, PD_CHECKIN_IN, t + 1000);
    pd_checkin_run(db, &j);
    int64_t market_visit = j.result.id;
    j = job_for(school_id, anh_id, PD_CHECKIN_IN, t + 1300);
    pd_checkin_run(db, &j);
    assert_int_equal(j.outcome, PD_CHECKIN_NEW);
    assert_int_equal(
        sql_int("SELECT out_at FROM checkins WHERE id = %lld", (long long)market_visit), t + 1300);
    assert_int_equal(sql_int("SELECT flags FROM checkins WHERE id = %lld", (long long)market_visit),
                     PD_CHECKIN_AUTO_OUT);
    /* Back at the school after its 8 hours: a new visit; the old one ended at in + 8 h. */
    int64_t school_visit = j.result.id;
    j = job_for(school_id, anh_id, PD_CHECKIN_IN, t + 1300 + 8 * 3600 + 5);
    pd_checkin_run(db, &j);
    assert_int_equal(j.outcome, PD_CHECKIN_NEW);
    assert_int_not_equal(j.result.id, school_visit);
    assert_int_equal(
        sql_int("SELECT out_at FROM checkins WHERE id = %lld", (long long)school_visit),
        t + 1300 + 8 * 3600);
}

static void test_effective_out(void **state)
{
    (void)state;
    pd_checkin c = {.in_at = 1000};
    pd_checkin_effective(&c, 60, 1000 + 3599);
    assert_int_equal(c.out_at, 0);
    pd_checkin_effective(&c, 60, 1000 + 3600);
    assert_int_equal(c.out_at, 1000 + 3600);
    assert_int_equal(c.flags & PD_CHECKIN_AUTO_OUT, PD_CHECKIN_AUTO_OUT);
    pd_checkin d = {.in_at = 1000, .out_at = 1500};
    pd_checkin_effective(&d, 60, 99999);
    assert_int_equal(d.out_at, 1500);
    assert_int_equal(d.flags, 0);
}

static void test_phone_checkins(void **state)
{
    (void)state;
    int64_t people = sql_int("SELECT count(*) FROM people");
    /* A number nobody has: a minimal person in the venue's commune, marked as from a check-in. */
    pd_checkin_job j = job_for(far_id, 0, PD_CHECKIN_IN, T0 + 100);
    snprintf(j.phone, sizeof j.phone, "0987654321");
    pd_checkin_run(db, &j);
    assert_int_equal(j.rc, PD_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people + 1);
    int64_t pid = j.person_id;
    assert_int_equal(sql_int("SELECT count(*) FROM people WHERE id = %lld AND unit_code = '01837'"
                             " AND note = '" PD_CHECKIN_PERSON_NOTE "'",
                             (long long)pid),
                     1);
    /* The same number again, elsewhere: the same person, no new record. */
    j = job_for(market_id, 0, PD_CHECKIN_IN, T0 + 200);
    snprintf(j.phone, sizeof j.phone, "0987654321");
    pd_checkin_run(db, &j);
    assert_int_equal(j.person_id, pid);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people + 1);
    /* A registered number: that person. */
    j = job_for(market_id, 0, PD_CHECKIN_IN, T0 + 300);
    snprintf(j.phone, sizeof j.phone, "0912000002");
    pd_checkin_run(db, &j);
    assert_int_equal(j.person_id, binh_id);
    /* Check-out by receipt: the visit named, at its venue only. */
    int64_t visit = j.result.id;
    j = job_for(far_id, 0, PD_CHECKIN_OUT, T0 + 400);
    j.checkin_id = visit;
    pd_checkin_run(db, &j);
    assert_int_equal(j.rc, PD_ENOTFOUND);
    j = job_for(market_id, 0, PD_CHECKIN_OUT, T0 + 400);
    j.checkin_id = visit;
    pd_checkin_run(db, &j);
    assert_int_equal(j.rc, PD_OK);
    assert_int_equal(j.result.out_at, T0 + 400);
    /* A check-out by an unknown number creates nobody. */
    j = job_for(market_id, 0, PD_CHECKIN_OUT, T0 + 500);
    snprintf(j.phone, sizeof j.phone, "0933333333");
    pd_checkin_run(db, &j);
    assert_int_equal(j.rc, PD_ECONFLICT);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people + 1);
}

static void test_staff_toggle_audited(void **state)
{
    (void)state;
    pd_checkin_job j = job_for(market_id, binh_id, PD_CHECKIN_TOGGLE, T0 + 5000);
    j.by_staff = true;
    j.actor = staff;
    pd_checkin_run(db, &j);
    assert_int_equal(j.outcome, PD_CHECKIN_NEW);
    assert_int_equal(j.result.flags, PD_CHECKIN_BY_STAFF);
    int64_t id = j.result.id;
    j = job_for(market_id, binh_id, PD_CHECKIN_TOGGLE, T0 + 5100);
    j.by_staff = true;
    j.actor = staff;
    pd_checkin_run(db, &j);
    assert_int_equal(j.outcome, PD_CHECKIN_CLOSED);
    assert_int_equal(j.result.id, id);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'checkin' AND entity_id"
                             " = %lld AND username = 'nv.cho'",
                             (long long)id),
                     2);
}

static void test_sweep(void **state)
{
    (void)state;
    int64_t p = add_person("01834", "Lê Văn Quét", "");
    pd_checkin_job j = job_for(market_id, p, PD_CHECKIN_IN, T0 + 20000);
    pd_checkin_run(db, &j);
    int64_t id = j.result.id;
    int closed = 0;
    pd_err err;
    assert_int_equal(pd_checkins_sweep(db, T0, T0 + 20000 + 3599, &closed, &err), PD_OK);
    assert_int_equal(
        sql_int("SELECT count(*) FROM checkins WHERE id = %lld AND out_at IS NULL", (long long)id),
        1);
    assert_int_equal(pd_checkins_sweep(db, T0, T0 + 20000 + 3600, &closed, &err), PD_OK);
    assert_true(closed >= 1);
    assert_int_equal(sql_int("SELECT out_at FROM checkins WHERE id = %lld", (long long)id),
                     T0 + 20000 + 3600);
    assert_int_equal(sql_int("SELECT flags FROM checkins WHERE id = %lld", (long long)id),
                     PD_CHECKIN_AUTO_OUT);
    assert_int_equal(sql_int("SELECT count(*) FROM checkins WHERE out_at IS NULL AND in_at < %d",
                             T0 + 20000 - 8 * 3600),
                     0);
}

static int rows_cb(const pd_checkin_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

static void test_readers_scope(void **state)
{
    (void)state;
    pd_checkin_query q = {.limit = 50};
    pd_err err;
    bool more;
    int n = 0;
    assert_int_equal(pd_checkins_by_venue(db, &c1834, market_id, &q, rows_cb, &n, &more, &err),
                     PD_OK);
    assert_true(n > 0);
    assert_int_equal(pd_checkins_by_venue(db, &c1834, far_id, &q, rows_cb, &n, &more, &err),
                     PD_ENOTFOUND);
    assert_int_equal(pd_checkins_by_venue(db, &team1834, market_id, &q, rows_cb, &n, &more, &err),
                     PD_EDENIED);
    assert_int_equal(pd_checkins_by_venue(db, &staff, market_id, &q, rows_cb, &n, &more, &err),
                     PD_EDENIED);
    /* A resident's visits anywhere; another commune's resident is not found. */
    n = 0;
    assert_int_equal(pd_checkins_by_person(db, &c1834, anh_id, &q, rows_cb, &n, &more, &err),
                     PD_OK);
    assert_int_equal(
        n, sql_int("SELECT count(*) FROM checkins WHERE person_id = %lld", (long long)anh_id));
    assert_int_equal(pd_checkins_by_person(db, &c1834, binh_id, &q, rows_cb, &n, &more, &err),
                     PD_ENOTFOUND);
    assert_int_equal(pd_checkins_by_person(db, &d058, binh_id, &q, rows_cb, &n, &more, &err),
                     PD_OK);
    /* Keyset paging, newest first, covers every row once. */
    pd_checkin_query page = {.limit = 2};
    int total = 0;
    do {
        int got = 0;
        assert_int_equal(
            pd_checkins_by_venue(db, &admin, market_id, &page, rows_cb, &got, &more, &err), PD_OK);
        total += got;
        if (more) { /* the cursor of the page's last row */
            sqlite3_stmt *st;
            sqlite3_prepare_v2(db,
                               "SELECT in_at, id FROM checkins WHERE venue_id = ? ORDER BY in_at"
                               " DESC, id DESC LIMIT 1 OFFSET ?",
                               -1, &st, NULL);
            sqlite3_bind_int64(st, 1, market_id);
            sqlite3_bind_int(st, 2, total - 1);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            page.before_in_at = sqlite3_column_int64(st, 0);
            page.before_id = sqlite3_column_int64(st, 1);
            sqlite3_finalize(st);
        }
    } while (more);
    assert_int_equal(total, sql_int("SELECT count(*) FROM checkins WHERE venue_id = %lld",
                                    (long long)market_id));
}

static void test_user_venue(void **state)
{
    (void)state;
    pd_err err;
    int64_t uid = 0, other = 0;
    assert_int_equal(pd_user_add(db, "nv.truong", "venue", "01834", "mat-khau-dai", "", &uid, &err),
                     PD_OK);
    assert_int_equal(pd_user_set_venue(db, uid, far_id, &err), PD_EINVAL); /* another commune */
    assert_int_equal(pd_user_set_venue(db, uid, school_id, &err), PD_OK);
    pd_actor a;
    assert_int_equal(pd_actor_load(db, uid, &a, &err), PD_OK);
    assert_int_equal(a.venue_id, school_id);
    assert_int_equal(
        pd_user_add(db, "xa.khac", "commune", "01834", "mat-khau-dai", "", &other, &err), PD_OK);
    assert_int_equal(pd_user_set_venue(db, other, school_id, &err), PD_EINVAL);
}

/* The writer: several threads submit at once; every job is reported after its commit, exactly once.
 */
#define THREADS 4
#define PER_THREAD 150

typedef struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done, ok;
} waiter;

static waiter wt = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};
static pd_checkin_job jobs[THREADS][PER_THREAD];
static int64_t people_ids[THREADS * PER_THREAD];

static void on_done(pd_checkin_job *job, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&wt.lock);
    wt.done++;
    wt.ok += job->rc == PD_OK && job->outcome == PD_CHECKIN_NEW;
    pthread_cond_signal(&wt.cond);
    pthread_mutex_unlock(&wt.lock);
}

static void *submitter(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < PER_THREAD; i++)
        if (!pd_checkin_submit(&jobs[t][i], on_done, NULL))
            fail_msg("submit refused");
    return NULL;
}

static void test_writer_group_commit(void **state)
{
    (void)state;
    /* Distinct people so that every job is a new visit. */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < THREADS * PER_THREAD; i++) {
        char sql[256];
        snprintf(
            sql, sizeof sql,
            "INSERT INTO people(full_name, name_folded, unit_code, district_code, province_code,"
            " created_at, updated_at) VALUES ('Khách %d', 'khach', '01834', '058', '06', 1, 1)",
            i);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
        people_ids[i] = sqlite3_last_insert_rowid(db);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < PER_THREAD; i++)
            jobs[t][i] = job_for(far_id, people_ids[t * PER_THREAD + i], PD_CHECKIN_IN, T0 + 90000);
    int64_t before = sql_int("SELECT count(*) FROM checkins");
    pd_err err;
    assert_int_equal(pd_checkin_writer_start(db_path, &err), PD_OK);
    assert_true(pd_checkin_writer_running());
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        pthread_create(&th[t], NULL, submitter, (void *)(intptr_t)t);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_lock(&wt.lock);
    while (wt.done < THREADS * PER_THREAD)
        pthread_cond_wait(&wt.cond, &wt.lock);
    pthread_mutex_unlock(&wt.lock);
    assert_int_equal(wt.ok, THREADS * PER_THREAD);
    /* Reported means committed: visible to another connection right away. */
    assert_int_equal(sql_int("SELECT count(*) FROM checkins"), before + THREADS * PER_THREAD);
    assert_int_equal(
        sql_int("SELECT count(DISTINCT person_id) FROM checkins WHERE in_at = %d", T0 + 90000),
        THREADS * PER_THREAD);
    pd_checkin_writer_stop();
    assert_false(pd_checkin_writer_running());
    pd_checkin_job late = job_for(far_id, anh_id, PD_CHECKIN_IN, T0);
    assert_false(pd_checkin_submit(&late, on_done, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_and_stays),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_scope_and_roles),
        cmocka_unit_test(test_public_code),
        cmocka_unit_test(test_update_close_version),
        cmocka_unit_test(test_list_search),
        cmocka_unit_test(test_poster),
        cmocka_unit_test(test_token_lookup),
        cmocka_unit_test(test_checkin_rules),
        cmocka_unit_test(test_effective_out),
        cmocka_unit_test(test_phone_checkins),
        cmocka_unit_test(test_staff_toggle_audited),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_readers_scope),
        cmocka_unit_test(test_user_venue),
        cmocka_unit_test(test_writer_group_commit),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
