/* Unit tests of the demo data builder: reproducibility, census proportions, valid and unique
 * identity numbers and phones, the age pyramid, household structure, names, the role accounts, and
 * the activity of the last 14 days (venues, declarations and the alerts they call for, check-ins,
 * foreign guests' stays, the outbreak area). Residents are the people of nationality VN; the
 * foreign guests are people too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "demo/demo.h"
#include "people/people.h"
#include "store/db.h"

#define SCALE 0.2
#define SEED 7
#define NOW 1636939800 /* 2021-11-15 08:30 in Hanoi: the activity's days end here */

/* 2019 census, percent per five-year band (docs/demo-data.md). */
static const double pyramid[17] = {8.2, 8.6, 7.5, 6.6, 7.1, 8.4, 8.3, 7.7, 7.2,
                                   6.6, 6.0, 5.6, 4.5, 3.2, 1.9, 1.2, 1.4};

typedef struct fixture {
    char dir[256];
    sqlite3 *db;
    pd_demo_summary summary;
} fixture;

static fixture fx;

static void temp_path(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", fx.dir, name);
}

static sqlite3 *build(const char *name, uint64_t seed, double scale, pd_demo_summary *s)
{
    char path[512];
    temp_path(name, path, sizeof path);
    pd_err err;
    pd_err_clear(&err);
    sqlite3 *db = pd_db_open(path, &err);
    assert_non_null(db);
    pd_demo_options opt = {.seed = seed, .scale = scale};
    int rc = pd_demo_build(db, &opt, s, &err);
    if (rc != PD_OK)
        fail_msg("pd_demo_build: %s", err.message);
    return db;
}

static void remove_db(const char *name)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s%s", fx.dir, name, suffix[i]);
        unlink(path);
    }
}

static int setup(void **state)
{
    (void)state;
    char now[32];
    snprintf(now, sizeof now, "%d", NOW);
    setenv("PHONGDICH_NOW", now, 1);
    const char *tmp = getenv("TMPDIR");
    snprintf(fx.dir, sizeof fx.dir, "%s/pd_demo_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(fx.dir))
        return -1;
    fx.db = build("a.db", SEED, SCALE, &fx.summary);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pd_db_close(fx.db);
    remove_db("a.db");
    rmdir(fx.dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

/* ---- helpers ---- */

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* FNV-1a over every column of every row of a query. */
static uint64_t hash_query(sqlite3 *db, const char *sql, uint64_t h)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            for (const unsigned char *p = t ? t : (const unsigned char *)"\1NULL"; *p; p++)
                h = (h ^ *p) * 0x100000001B3u;
            h = (h ^ 0x1F) * 0x100000001B3u;
        }
        h = (h ^ 0x1E) * 0x100000001B3u;
    }
    sqlite3_finalize(st);
    return h;
}

static uint64_t hash_db(sqlite3 *db)
{
    uint64_t h = 0xCBF29CE484222325u;
    h = hash_query(db, "SELECT * FROM people ORDER BY id", h);
    h = hash_query(db, "SELECT * FROM households ORDER BY id", h);
    h = hash_query(db,
                   "SELECT code, name, type, parent_code, level, name_folded, province_code,"
                   " district_code, commune_code FROM units WHERE level = 4 ORDER BY code",
                   h);
    h = hash_query(db, "SELECT * FROM venues ORDER BY id", h);
    h = hash_query(db, "SELECT * FROM declarations ORDER BY id", h);
    h = hash_query(db, "SELECT * FROM alerts ORDER BY id", h);
    h = hash_query(db, "SELECT * FROM checkins ORDER BY id", h);
    h = hash_query(db, "SELECT * FROM stays ORDER BY id", h);
    h = hash_query(db, "SELECT id, unit_code, from_date, to_date, note FROM outbreak_areas", h);
    return h;
}

static const pd_date ref_day = {2021, 11, 1};

static int age_of(const char *birth)
{
    pd_date d;
    assert_true(pd_date_parse(birth, &d));
    assert_int_not_equal(d.month, 0); /* full dates only */
    return pd_age_on(&d, &ref_day);
}

/* ---- tests ---- */

static void test_same_seed_same_data(void **state)
{
    (void)state;
    pd_demo_summary s;
    sqlite3 *b = build("b.db", SEED, SCALE, &s);
    sqlite3 *c = build("c.db", SEED + 1, SCALE, &s);
    uint64_t ha = hash_db(fx.db), hb = hash_db(b), hc = hash_db(c);
    assert_true(ha == hb);
    assert_true(ha != hc);
    pd_db_close(b);
    pd_db_close(c);
    remove_db("b.db");
    remove_db("c.db");
}

static void test_counts_follow_census(void **state)
{
    (void)state;
    const pd_demo_summary *s = &fx.summary;
    assert_string_equal(s->district_code, "058");
    assert_int_equal(s->commune_count, 8);
    int64_t census = 0, people = 0;
    for (int i = 0; i < s->commune_count; i++) {
        const pd_demo_commune *c = &s->communes[i];
        census += c->census;
        people += c->people;
        assert_int_equal(c->people, llround((double)c->census * SCALE));
        char sql[160];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM people WHERE unit_code = '%s' AND nationality = 'VN'",
                 c->code);
        assert_int_equal(scalar(fx.db, sql), c->people);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM households WHERE unit_code = '%s'",
                 c->code);
        assert_int_equal(scalar(fx.db, sql), c->households);
        /* Average household size between 3 and 4.2 persons. */
        assert_true(c->people >= 3 * c->households && c->people * 10 <= 42 * c->households);
    }
    assert_int_equal(census, 45036);
    assert_int_equal(people, s->people);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people WHERE nationality = 'VN'"),
                     s->people);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people WHERE district_code <> '058'"
                                   " OR province_code <> '06'"),
                     0);
}

static void test_areas(void **state)
{
    (void)state;
    const pd_demo_summary *s = &fx.summary;
    int total = 0;
    for (int i = 0; i < s->commune_count; i++) {
        const pd_demo_commune *c = &s->communes[i];
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM units WHERE level = 4 AND parent_code = '%s'"
                 " AND code LIKE '%s-___' AND commune_code = '%s' AND district_code = '058'",
                 c->code, c->code, c->code);
        assert_int_equal(scalar(fx.db, sql), c->areas);
        bool ward = strncmp(c->name, "Phường", strlen("Phường")) == 0;
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM units WHERE parent_code = '%s' AND name LIKE '%s %%'",
                 c->code, ward ? "Tổ" : "Thôn");
        assert_int_equal(scalar(fx.db, sql), c->areas);
        assert_true(c->areas >= 3 && c->areas <= 40);
        total += c->areas;
    }
    assert_int_equal(total, s->areas);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people p LEFT JOIN units u ON"
                                   " u.code = p.area_code AND u.parent_code = p.unit_code"
                                   " WHERE u.code IS NULL"),
                     0);
}

static void check_identity(const char *id_type, const char *id, const char *birth, const char *sex)
{
    pd_err err;
    int age = age_of(birth);
    if (age < 14) {
        assert_string_equal(id_type, "");
        return;
    }
    if (strcmp(id_type, "cccd") == 0) {
        int rc = pd_check_cccd(id, atoi(birth), sex[0], &err);
        if (rc != PD_OK)
            fail_msg("CCCD %s (%s, %s): %s", id, birth, sex, err.message);
    } else {
        assert_string_equal(id_type, "cmnd");
        assert_int_equal(pd_check_cmnd(id, &err), PD_OK);
        assert_true(age >= 25);
    }
}

static void test_identity_and_phones(void **state)
{
    (void)state;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(fx.db,
                                        "SELECT id_type, coalesce(id_number, ''), birth_date, sex,"
                                        " phone FROM people WHERE nationality = 'VN'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int64_t phones = 0, adults = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *birth = (const char *)sqlite3_column_text(st, 2);
        check_identity((const char *)sqlite3_column_text(st, 0),
                       (const char *)sqlite3_column_text(st, 1), birth,
                       (const char *)sqlite3_column_text(st, 3));
        adults += age_of(birth) >= 18;
        const char *phone = (const char *)sqlite3_column_text(st, 4);
        if (!phone)
            continue;
        char norm[16];
        pd_err err;
        assert_int_equal(pd_normalize_phone(phone, norm, sizeof norm, &err), PD_OK);
        assert_string_equal(norm, phone);
        assert_int_equal(strlen(phone), 10);
        phones++;
    }
    sqlite3_finalize(st);
    assert_true(phones > adults * 7 / 10); /* most adults */
    assert_int_equal(
        scalar(fx.db, "SELECT count(id_number) - count(DISTINCT id_number) FROM people"), 0);
    assert_int_equal(scalar(fx.db, "SELECT count(phone) - count(DISTINCT phone) FROM people"), 0);
    assert_true(scalar(fx.db, "SELECT count(*) FROM people WHERE id_type = 'cmnd'") > 0);
    assert_true(scalar(fx.db, "SELECT count(*) FROM people WHERE id_number LIKE '006%'") >
                scalar(fx.db, "SELECT count(*) FROM people WHERE id_type = 'cccd'") * 3 / 4);
}

static void test_ages_follow_pyramid(void **state)
{
    (void)state;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(fx.db,
                                        "SELECT birth_date, sex FROM people WHERE nationality = 'VN'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int64_t bands[17] = {0}, total = 0, men = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int age = age_of((const char *)sqlite3_column_text(st, 0));
        assert_true(age >= 0 && age <= 100);
        bands[age / 5 < 16 ? age / 5 : 16]++;
        men += sqlite3_column_text(st, 1)[0] == 'M';
        total++;
    }
    sqlite3_finalize(st);
    for (int b = 0; b < 17; b++) {
        double share = 100.0 * (double)bands[b] / (double)total;
        if (fabs(share - pyramid[b]) > 1.0)
            fail_msg("band %d-%d: %.2f %% instead of %.1f %%", b * 5, b * 5 + 4, share, pyramid[b]);
    }
    double ratio = 100.0 * (double)men / (double)(total - men); /* census: 99.1 men per 100 women */
    if (ratio < 94 || ratio > 104)
        fail_msg("sex ratio %.1f", ratio);
}

static void test_households(void **state)
{
    (void)state;
    /* Every member lives where the household is. */
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people p JOIN households h ON h.id ="
                                   " p.household_id WHERE p.unit_code <> h.unit_code OR p.area_code"
                                   " <> h.area_code OR p.address <> h.address"),
                     0);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people WHERE household_id IS NULL AND"
                                   " nationality = 'VN'"),
                     0);
    /* One head each, the one head_person_id names, aged 25 or more. */
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM households h LEFT JOIN people p ON p.id ="
                                   " h.head_person_id AND p.household_id = h.id AND p.relation ="
                                   " 'Chủ hộ' WHERE p.id IS NULL"),
                     0);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people WHERE relation = 'Chủ hộ'"),
                     fx.summary.households);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people p JOIN households h ON"
                                   " h.head_person_id = p.id WHERE p.birth_date > '1996-11-01'"),
                     0);
    /* Wives are women, husbands men; children younger than the head. */
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people WHERE (relation = 'Vợ' AND sex"
                                   " <> 'F') OR (relation = 'Chồng' AND sex <> 'M')"),
                     0);
    assert_int_equal(scalar(fx.db,
                            "SELECT count(*) FROM people c JOIN households h ON h.id ="
                            " c.household_id JOIN people p ON p.id = h.head_person_id WHERE"
                            " c.relation IN ('Con', 'Cháu') AND c.birth_date <= p.birth_date"),
                     0);
    int64_t sizes = scalar(fx.db, "SELECT count(DISTINCT n) FROM (SELECT count(*) n FROM people"
                                  " GROUP BY household_id)");
    assert_true(sizes >= 8);
}

static void test_names(void **state)
{
    (void)state;
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(fx.db,
                           "SELECT full_name, occupation FROM people WHERE nationality = 'VN'", -1,
                           &st, NULL),
        SQLITE_OK);
    int64_t total = 0, nguyen = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        char nfc[256];
        assert_true(pd_nfc_clean(name, nfc, sizeof nfc));
        assert_string_equal(nfc, name);
        assert_non_null(strchr(strchr(name, ' ') + 1, ' ')); /* at least three words */
        assert_true(strlen((const char *)sqlite3_column_text(st, 1)) > 0);
        nguyen += strncmp(name, "Nguyễn ", strlen("Nguyễn ")) == 0;
        total++;
    }
    sqlite3_finalize(st);
    assert_true(nguyen * 100 >= total * 8);
    /* Children take the father's surname. */
    assert_int_equal(
        scalar(fx.db, "SELECT count(*) FROM people c JOIN people f ON f.household_id ="
                      " c.household_id AND f.relation = 'Chủ hộ' AND f.sex = 'M' WHERE"
                      " c.relation = 'Con' AND substr(c.full_name, 1, instr(c.full_name, ' '))"
                      " <> substr(f.full_name, 1, instr(f.full_name, ' '))"),
        0);
    pd_actor cli = pd_actor_cli();
    pd_people_query q;
    memset(&q, 0, sizeof q);
    pd_strlcpy(q.q, "nguyen", sizeof q.q);
    int64_t found = 0;
    pd_err err;
    assert_int_equal(pd_people_count(fx.db, &cli, &q, &found, &err), PD_OK);
    assert_true(found >= nguyen);
}

typedef struct expected_account {
    const char *username;
    pd_role role;
    pd_scope_level level;
    const char *scope;
} expected_account;

static void test_accounts(void **state)
{
    (void)state;
    static const expected_account want[PD_DEMO_ACCOUNTS] = {
        {"admin", PD_ROLE_ADMIN, PD_SCOPE_COUNTRY, ""},
        {"tinh", PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06"},
        {"huyen", PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058"},
        {"xa", PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834"},
        {"todoi", PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834"},
        {"xem", PD_ROLE_VIEWER, PD_SCOPE_DISTRICT, "058"},
        {"congan", PD_ROLE_POLICE, PD_SCOPE_DISTRICT, "058"},
        {"cho", PD_ROLE_VENUE, PD_SCOPE_COMMUNE, "01834"},
    };
    assert_int_equal(fx.summary.account_count, PD_DEMO_ACCOUNTS);
    for (int i = 0; i < PD_DEMO_ACCOUNTS; i++) {
        const pd_demo_account *a = &fx.summary.accounts[i];
        assert_string_equal(a->username, want[i].username);
        pd_actor actor;
        pd_err err;
        int rc = pd_user_authenticate(fx.db, a->username, a->password, &actor, &err);
        if (rc != PD_OK)
            fail_msg("%s: %s", a->username, err.message);
        assert_int_equal(actor.role, want[i].role);
        assert_int_equal(actor.scope_level, want[i].level);
        assert_string_equal(actor.scope_code, want[i].scope);
        assert_int_equal(actor.venue_id, want[i].role == PD_ROLE_VENUE
                                             ? fx.summary.activity.main_market_id
                                             : 0);
        assert_int_not_equal(pd_user_authenticate(fx.db, a->username, "sai-mat-khau", &actor, &err),
                             PD_OK);
    }
}

/* ---- activity ---- */

static void test_venues(void **state)
{
    (void)state;
    const pd_demo_activity *a = &fx.summary.activity;
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM venues"), a->venues);
    assert_true(a->venues >= 30);
    static const char *const kinds[] = {"market",  "bus_station", "school",     "hospital",
                                        "office",  "factory",     "restaurant", "accommodation",
                                        "supermarket"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM venues WHERE kind = '%s'", kinds[i]);
        if (scalar(fx.db, sql) < 1)
            fail_msg("no venue of kind %s", kinds[i]);
    }
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM venues v JOIN units u ON u.code ="
                                   " v.area_code AND u.parent_code = v.unit_code WHERE"
                                   " v.district_code = '058' AND v.province_code = '06'"),
                     a->venues);
    assert_int_equal(scalar(fx.db, "SELECT count(DISTINCT public_code) FROM venues WHERE"
                                   " length(public_code) = 12"),
                     a->venues);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM venues WHERE id = %lld AND name = 'Chợ Bắc Kạn'"
             " AND unit_code = '01834' AND kind = 'market'", (long long)a->main_market_id);
    assert_int_equal(scalar(fx.db, sql), 1);
}

static void test_declarations_and_alerts(void **state)
{
    (void)state;
    const pd_demo_activity *a = &fx.summary.activity;
    assert_string_equal(a->first_day, "2021-11-02");
    assert_string_equal(a->last_day, "2021-11-15");
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM declarations"), a->declarations);
    assert_true(a->declarations > 500);
    assert_true(a->declarations_with_symptoms > 0);
    /* Dated within the 14 days, never after now, filed at the person's residence. */
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM declarations WHERE declared_at < 1635786000"
                                   " OR declared_at > 1636939800"),
                     0);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM declarations d JOIN people p ON p.id ="
                                   " d.person_id WHERE d.unit_code <> p.unit_code OR d.address <>"
                                   " p.address OR p.nationality <> 'VN'"),
                     0);
    assert_true(scalar(fx.db, "SELECT count(*) FROM declarations WHERE kind = 'daily'") > 0);
    assert_true(scalar(fx.db, "SELECT count(*) FROM declarations WHERE via = 'staff' AND"
                              " created_by IS NOT NULL") > 0);
    /* Every declaration with a symptom is covered by an alert of that person at their commune. */
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM declarations d WHERE d.symptoms <> 0 AND"
                                   " NOT EXISTS (SELECT 1 FROM alerts a WHERE a.person_id ="
                                   " d.person_id AND a.unit_code = d.unit_code AND a.created_at <="
                                   " d.declared_at AND ',' || a.reason || ',' LIKE '%,symptoms,%')"),
                     0);
    /* And an alert exists only for what the rules call for. */
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM alerts a JOIN declarations d ON d.id ="
                                   " a.declaration_id WHERE d.person_id <> a.person_id"),
                     0);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM alerts WHERE status = 'open'"),
                     a->alerts_open);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM alerts WHERE status = 'done' AND action"
                                   " IS NOT NULL AND acted_by IS NOT NULL AND acted_at <= 1636939800"
                                   " AND acted_at > created_at"),
                     a->alerts_done);
    assert_true(a->alerts_open > 0);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM alerts WHERE detail NOT LIKE '__/__/2021: %'"),
                     0);
    /* The outbreak area: a thôn of the city, and its residents' declarations since raise alerts. */
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbreak_areas o JOIN units u ON u.code ="
             " o.unit_code WHERE u.level = 4 AND u.district_code = '058' AND o.from_date = '%s' AND"
             " o.to_date IS NULL", a->outbreak_from);
    assert_int_equal(scalar(fx.db, sql), 1);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM declarations d WHERE d.area_code = '%s' AND"
             " d.declared_at >= 1636390800 AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.person_id ="
             " d.person_id AND ',' || a.reason || ',' LIKE '%%,outbreak_area,%%')", a->outbreak_unit);
    assert_int_equal(scalar(fx.db, sql), 0);
}

static void test_checkins(void **state)
{
    (void)state;
    const pd_demo_activity *a = &fx.summary.activity;
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM checkins"), a->checkins);
    assert_true(a->checkins > 1000);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM checkins c LEFT JOIN venues v ON v.id ="
                                   " c.venue_id LEFT JOIN people p ON p.id = c.person_id WHERE"
                                   " v.id IS NULL OR p.id IS NULL"),
                     0);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM checkins WHERE in_at > 1636939800 OR"
                                   " in_at < 1635786000 OR out_at < in_at OR out_at > 1636939800"),
                     0);
    assert_true(scalar(fx.db, "SELECT count(*) FROM checkins WHERE out_at IS NULL") > 0);
    assert_true(scalar(fx.db, "SELECT count(*) FROM checkins WHERE flags = 1") > 0);
    assert_true(scalar(fx.db, "SELECT count(DISTINCT venue_id) FROM checkins") >= 25);
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM checkins WHERE venue_id = %lld",
             (long long)a->main_market_id);
    assert_true(scalar(fx.db, sql) > 100);
}

static void test_stays(void **state)
{
    (void)state;
    const pd_demo_activity *a = &fx.summary.activity;
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM stays"), a->stays);
    assert_true(a->stays >= 4);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM stays s JOIN venues v ON v.id = s.venue_id"
                                   " JOIN people p ON p.id = s.person_id WHERE v.kind ="
                                   " 'accommodation' AND p.id_type = 'passport' AND p.id_number ="
                                   " s.passport AND p.nationality = s.nationality AND"
                                   " s.nationality <> 'VN' AND s.unit_code = v.unit_code AND"
                                   " (s.leave_date IS NULL OR s.leave_date >= s.arrive_date)"),
                     a->stays);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM stays WHERE arrive_date <= '2021-11-15' AND"
                                   " (leave_date IS NULL OR leave_date >= '2021-11-15')"),
                     a->stays_present);
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people WHERE nationality <> 'VN'"),
                     a->stays);
}

static void test_refuses_populated_db(void **state)
{
    (void)state;
    int64_t before = scalar(fx.db, "SELECT count(*) FROM people");
    pd_demo_options opt = {.seed = 1, .scale = 0.01};
    pd_demo_summary s;
    pd_err err;
    assert_int_equal(pd_demo_build(fx.db, &opt, &s, &err), PD_ECONFLICT);
    assert_non_null(strstr(err.message, "đã có"));
    assert_int_equal(scalar(fx.db, "SELECT count(*) FROM people"), before);
}

static void test_bad_scale(void **state)
{
    (void)state;
    static const double bad[] = {-1.0, 1000.0, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pd_demo_options opt = {.seed = 1, .scale = bad[i]};
        pd_demo_summary s;
        pd_err err;
        assert_int_equal(pd_demo_build(fx.db, &opt, &s, &err), PD_EINVAL);
    }
}

static void test_cli(void **state)
{
    (void)state;
    char path[512];
    temp_path("cli.db", path, sizeof path);
    char *ok[] = {"--db", path, "--seed", "3", "--scale", "0,01", "--json"};
    assert_int_equal(pd_cmd_demo(7, ok), 0);
    char *again[] = {"--db", path, "--scale", "0.01"};
    assert_int_equal(pd_cmd_demo(4, again), 1); /* already populated */
    char *unknown[] = {"--db", path, "--size", "3"};
    assert_int_not_equal(pd_cmd_demo(4, unknown), 0);
    char *no_db[] = {"--scale", "1"};
    assert_int_not_equal(pd_cmd_demo(2, no_db), 0);
    char *bad_scale[] = {"--db", path, "--scale", "abc"};
    assert_int_not_equal(pd_cmd_demo(4, bad_scale), 0);
    remove_db("cli.db");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_data),
        cmocka_unit_test(test_counts_follow_census),
        cmocka_unit_test(test_areas),
        cmocka_unit_test(test_identity_and_phones),
        cmocka_unit_test(test_ages_follow_pyramid),
        cmocka_unit_test(test_households),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_accounts),
        cmocka_unit_test(test_venues),
        cmocka_unit_test(test_declarations_and_alerts),
        cmocka_unit_test(test_checkins),
        cmocka_unit_test(test_stays),
        cmocka_unit_test(test_refuses_populated_db),
        cmocka_unit_test(test_bad_scale),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
