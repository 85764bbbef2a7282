/* The independent oracle for the tracing engine (src/trace/): a random city written with SQL
 * (people in households, venues, 60,000 check-ins over 14 days, 2,000 cases, declared and manual
 * contacts, quarantine orders) and, for every case, the F1 and F2 sets, exposures and F2 via
 * computed with plain SQL straight from the rules in trace.h, compared exactly with pd_trace_run
 * (minimum overlap 0 and 900 s); then small explicit cases: no check-out, a stay across midnight,
 * the window's edges, an F0 who is another case's F1, a person without a phone, 10,000 visitors in
 * one day, quarantine before exposure and the F2 tie rule, re-running and refreshing. */
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

#include "store/db.h"
#include "trace/trace.h"
#include "venues/venues.h"

static char dir[256];
static sqlite3 *rdb; /* the random city */
static sqlite3 *edb; /* the explicit cases */

/* ---- Helpers -------------------------------------------------------------------------------- */

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Unix time of a local (UTC+7) moment. */
static int64_t L(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return (int64_t)timegm(&tm) - 7 * 3600;
}

/* The local date of 2021-11-01 + day (day may be negative), as YYYY-MM-DD. */
static void day_text(int day, char out[16])
{
    time_t t = (time_t)((int64_t)timegm(&(struct tm){.tm_year = 121, .tm_mon = 10, .tm_mday = 1}) +
                        (int64_t)day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

static void exec_ok(sqlite3 *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void exec_ok(sqlite3 *db, const char *fmt, ...)
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

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("step: %s", sqlite3_errmsg(db));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_or_null(sqlite3_stmt *st, int i, int64_t v, bool null)
{
    if (null)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

static void add_units(sqlite3 *db)
{
    exec_ok(db, "INSERT INTO units(code, name, type, level, name_folded, province_code)"
                " VALUES ('97', 'P', 'Tỉnh', 1, 'p', '97');"
                "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                " province_code, district_code) VALUES ('970', 'D', 'Huyện', '97', 2, 'd', '97',"
                " '970');"
                "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                " province_code, district_code, commune_code) VALUES ('97001', 'C', 'Xã', '970',"
                " 3, 'c', '97', '970', '97001');");
}

/* A deterministic generator (splitmix64). */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static int64_t rn(int64_t n) /* [0, n) */
{
    return (int64_t)(rnd() % (uint64_t)n);
}
static bool chance(int percent)
{
    return rn(100) < percent;
}

/* ---- The random city ------------------------------------------------------------------------ */

#define NPEOPLE 3000
#define NHOUSEHOLDS 700
#define NVENUES 150
#define NCHECKINS 45000
#define NCASES 800
#define NEXTRA_CASES 100 /* second cases of people with a recovered one */
#define DAYS 14

static int64_t day0;   /* 2021-11-01 00:00 local */
static int64_t rnow;   /* opts.now for the random city */
static int64_t ncases; /* cases written */

static void insert_person(sqlite3 *db, sqlite3_stmt *st, int64_t id, int64_t household, bool phone)
{
    char name[32], ph[16];
    snprintf(name, sizeof name, "Người %lld", (long long)id);
    snprintf(ph, sizeof ph, "09%08lld", (long long)(id % 100000000));
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    bind_or_null(st, 3, household, household == 0);
    if (phone)
        sqlite3_bind_text(st, 4, ph, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 4);
    step_done(db, st);
}

#define PERSON_SQL                                                                                 \
    "INSERT INTO people(id, full_name, name_folded, household_id, phone, unit_code, "              \
    "district_code,"                                                                               \
    " province_code, created_at, updated_at) VALUES (?, ?, 'nguoi', ?, ?, '97001', '970', '97', "  \
    "0,"                                                                                           \
    " 0)"
#define HOUSEHOLD_SQL                                                                              \
    "INSERT INTO households(id, unit_code, district_code, province_code, address, created_at,"     \
    " updated_at) VALUES (?, '97001', '970', '97', 'Tổ 1', 0, 0)"
#define VENUE_SQL                                                                                  \
    "INSERT INTO venues(id, name, name_folded, kind, unit_code, district_code, province_code,"     \
    " default_stay_minutes, public_code, created_at, updated_at) VALUES (?, ?, 'dia diem', ?,"     \
    " '97001', '970', '97', ?, ?, 0, 0)"
#define CHECKIN_SQL "INSERT INTO checkins(venue_id, person_id, in_at, out_at) VALUES (?, ?, ?, ?)"
#define CASE_SQL                                                                                   \
    "INSERT INTO cases(person_id, confirmed_at, onset_date, sample_date, found_in, basis, status," \
    " status_at, infectious_until, unit_code, district_code, province_code, created_at) VALUES"    \
    " (?, ?, ?, ?, 'community', 'pcr', ?, ?, ?, '97001', '970', '97', ?)"
#define ORDER_SQL                                                                                  \
    "INSERT OR IGNORE INTO quarantine_orders(person_id, case_id, reason, status, rule, "           \
    "start_date,"                                                                                  \
    " quarantine_days, place, monitoring_days, test_days, started_at, ended_at, unit_code,"        \
    " district_code, province_code, created_at) VALUES (?, ?, 'f1', ?, 'x', '2021-11-01', 14,"     \
    " 'home', 14, '[]', ?, ?, '97001', '970', '97', 0)"

static void insert_venue(sqlite3 *db, sqlite3_stmt *st, int64_t id, const char *kind, int stay)
{
    char name[32], code[32];
    snprintf(name, sizeof name, "Địa điểm %lld", (long long)id);
    snprintf(code, sizeof code, "pc%lld", (long long)id);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    bind_or_null(st, 4, stay, stay < 0);
    sqlite3_bind_text(st, 5, code, -1, SQLITE_TRANSIENT);
    step_done(db, st);
}

/* One check-in of the random city: mostly ordinary visits, some long, some without check-out,
 * some across midnight, some very short, some near the 15-minute threshold. */
static void random_checkin(sqlite3 *db, sqlite3_stmt *st)
{
    int64_t person = 1 + rn(NPEOPLE);
    int64_t venue = 1 + rn(NVENUES);
    int64_t day = day0 + rn(DAYS) * 86400;
    int64_t in = day + 6 * 3600 + rn(16 * 3600), len = 0;
    bool open = false;
    int kind = (int)rn(100);
    if (kind < 70) {
        len = 300 + rn(3300); /* 5 to 60 minutes */
    } else if (kind < 74) {
        len = 3 * 3600 + rn(6 * 3600);
    } else if (kind < 82) {
        open = true;
    } else if (kind < 87) {
        in = day + 22 * 3600 + rn(2 * 3600);
        len = 3600 + rn(2 * 3600);
    } else if (kind < 94) {
        len = rn(121); /* 0 to 2 minutes: some of zero length */
    } else {
        len = 897 + rn(7); /* 897 to 903 s */
    }
    sqlite3_bind_int64(st, 1, venue);
    sqlite3_bind_int64(st, 2, person);
    sqlite3_bind_int64(st, 3, in);
    bind_or_null(st, 4, in + len, open);
    step_done(db, st);
}

static void random_case(sqlite3 *db, sqlite3_stmt *st, int64_t person, const char *status)
{
    char onset[16], sample[16];
    int base;
    bool has_onset = chance(70);
    if (has_onset) {
        base = (int)rn(DAYS + 2) - 2;
        day_text(base, onset);
        day_text(base + (int)rn(4), sample);
    } else {
        base = (int)rn(DAYS + 3) - 2;
        day_text(base, sample);
    }
    int64_t ws = day0 + (int64_t)(base - 2) * 86400;
    int64_t until = chance(10) ? ws + 1 + rn(6 * 3600) : ws + 3600 + rn(12 * 86400);
    int64_t confirmed = day0 + (int64_t)base * 86400 + 12 * 3600;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, confirmed);
    if (has_onset)
        sqlite3_bind_text(st, 3, onset, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, sample, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, confirmed);
    sqlite3_bind_int64(st, 7, until);
    sqlite3_bind_int64(st, 8, confirmed);
    step_done(db, st);
    ncases++;
}

static void make_city(sqlite3 *db)
{
    static const char *const kinds[] = {"market",        "supermarket", "bus_station", "school",
                                        "hospital",      "office",      "factory",     "restaurant",
                                        "accommodation", "religious",   "sports",      "other"};
    rng_state = 20211101;
    exec_ok(db, "BEGIN");
    sqlite3_stmt *st = prep(db, HOUSEHOLD_SQL);
    for (int64_t h = 1; h <= NHOUSEHOLDS; h++) {
        sqlite3_bind_int64(st, 1, h);
        step_done(db, st);
    }
    sqlite3_finalize(st);
    st = prep(db, PERSON_SQL);
    for (int64_t p = 1; p <= NPEOPLE; p++)
        insert_person(db, st, p, chance(88) ? 1 + rn(NHOUSEHOLDS) : 0, !chance(10));
    sqlite3_finalize(st);

    st = prep(db, VENUE_SQL);
    for (int64_t v = 1; v <= NVENUES; v++) {
        /* NULL and 0: the kind's default; else a stay of its own. */
        int stay = v % 3 == 0 ? -1 : v % 3 == 1 ? 0 : (int)(15 + rn(286));
        insert_venue(db, st, v, kinds[(v - 1) % 12], stay);
    }
    sqlite3_finalize(st);

    st = prep(db, CHECKIN_SQL);
    for (int i = 0; i < NCHECKINS; i++)
        random_checkin(db, st);
    sqlite3_finalize(st);

    /* Cases: distinct people, then a second (active) case for some who recovered. */
    int64_t perm[NPEOPLE];
    for (int i = 0; i < NPEOPLE; i++)
        perm[i] = i + 1;
    for (int i = NPEOPLE - 1; i > 0; i--) {
        int j = (int)rn(i + 1);
        int64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    st = prep(db, CASE_SQL);
    for (int i = 0; i < NCASES; i++)
        random_case(db, st, perm[i],
                    i < NEXTRA_CASES ? "recovered"
                    : chance(90)     ? "active"
                                     : "died");
    for (int i = 0; i < NEXTRA_CASES; i++)
        random_case(db, st, perm[i], "active");
    sqlite3_finalize(st);

    /* Declared and manual contacts, some without a time, a few naming the case's own person. */
    st = prep(db, "INSERT OR IGNORE INTO case_contacts(case_id, person_id, kind, contact_at,"
                  " created_at) VALUES (?, ?, ?, ?, 0)");
    for (int i = 0; i < 1500; i++) {
        int64_t c = 1 + rn(ncases);
        sqlite3_bind_int64(st, 1, c);
        sqlite3_bind_int64(st, 2, 1 + rn(NPEOPLE));
        sqlite3_bind_text(st, 3, chance(50) ? "declared" : "manual", -1, SQLITE_STATIC);
        bind_or_null(st, 4, day0 - 2 * 86400 + rn(16 * 86400), chance(30));
        step_done(db, st);
    }
    sqlite3_finalize(st);
    exec_ok(db,
            "INSERT OR IGNORE INTO case_contacts(case_id, person_id, kind, contact_at,"
            " created_at) SELECT id, person_id, 'manual', NULL, 0 FROM cases WHERE id %% 97 = 0");

    /* Quarantine orders: active and done ones starting before or after exposures, some done long
     * ago, pending ones (no start) and cancelled ones (a start that does not count). */
    st = prep(db, ORDER_SQL);
    for (int i = 0; i < 900; i++) {
        int64_t person = 1 + rn(NPEOPLE);
        int r = (int)rn(100);
        const char *status = r < 35 ? "active" : r < 70 ? "done" : r < 85 ? "pending" : "cancelled";
        int64_t started = day0 - 5 * 86400 + rn(20 * 86400), ended = 0;
        bool no_start = r >= 70 && r < 85;
        if (r >= 35 && r < 70) {
            if (chance(25)) {
                started = day0 - 30 * 86400 + rn(5 * 86400);
                ended = started + 7 * 86400;
            } else {
                ended = started + 86400 + rn(13 * 86400);
            }
        }
        sqlite3_bind_int64(st, 1, person);
        bind_or_null(st, 2, 1 + rn(ncases), chance(40));
        sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
        bind_or_null(st, 4, started, no_start);
        bind_or_null(st, 5, ended, ended == 0);
        step_done(db, st);
    }
    sqlite3_finalize(st);
    exec_ok(db, "COMMIT");
}

/* ---- The SQL oracle ------------------------------------------------------------------------- */

/* Each venue's stay for check-ins without check-out, by pd_venue_stay_minutes; every presence
 * [in, out) of positive length; and each venue's longest presence (a bound for the range scan). */
static void oracle_tables(sqlite3 *db)
{
    exec_ok(db, "DROP TABLE IF EXISTS temp.oracle_stay; DROP TABLE IF EXISTS temp.oracle_pres;"
                "DROP TABLE IF EXISTS temp.oracle_vmax;"
                "CREATE TEMP TABLE oracle_stay(venue_id INTEGER PRIMARY KEY, stay_s INTEGER);");
    sqlite3_stmt *st = prep(db, "SELECT id, kind, coalesce(default_stay_minutes, 0) FROM venues");
    sqlite3_stmt *ins = prep(db, "INSERT INTO oracle_stay VALUES (?, ?)");
    while (sqlite3_step(st) == SQLITE_ROW) {
        pd_venue v;
        memset(&v, 0, sizeof v);
        snprintf(v.kind, sizeof v.kind, "%s", (const char *)sqlite3_column_text(st, 1));
        v.default_stay_minutes = sqlite3_column_int(st, 2);
        sqlite3_bind_int64(ins, 1, sqlite3_column_int64(st, 0));
        sqlite3_bind_int64(ins, 2, (int64_t)pd_venue_stay_minutes(&v) * 60);
        step_done(db, ins);
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    exec_ok(db, "CREATE TEMP TABLE oracle_pres AS SELECT c.person_id AS person_id, c.venue_id AS"
                " venue_id, c.in_at AS s, coalesce(c.out_at, c.in_at + v.stay_s) AS e FROM checkins"
                " c JOIN oracle_stay v ON v.venue_id = c.venue_id"
                " WHERE coalesce(c.out_at, c.in_at + v.stay_s) > c.in_at;"
                "CREATE INDEX temp.oracle_pres_person ON oracle_pres(person_id, s);"
                "CREATE INDEX temp.oracle_pres_venue ON oracle_pres(venue_id, s);"
                "CREATE TEMP TABLE oracle_vmax(venue_id INTEGER PRIMARY KEY, len INTEGER);"
                "INSERT INTO oracle_vmax SELECT venue_id, max(e - s) FROM oracle_pres"
                " GROUP BY venue_id;");
}

/* ?1 case id, ?2 the least overlap that counts (max(1, min_overlap)), ?3 now.
 * Rows: level, person, exposure, via; then one row of level 0 with the window. */
static const char *const ORACLE_SQL =
    "WITH c AS ("
    "  SELECT k.id, k.person_id AS p, k.infectious_until AS we,"
    "    CAST(strftime('%s', coalesce(k.onset_date, k.sample_date), '-2 days') AS INTEGER) - 25200"
    "      AS ws,"
    "    (SELECT household_id FROM people WHERE id = k.person_id) AS hh"
    "  FROM cases k WHERE k.id = ?1),"
    /* P's presences clipped to the window; lo bounds the starts of presences that can overlap. */
    " pp AS MATERIALIZED ("
    "  SELECT r.venue_id, max(r.s, c.ws) AS s, min(r.e, c.we) AS e,"
    "    max(r.s, c.ws) - (SELECT len FROM oracle_vmax v WHERE v.venue_id = r.venue_id) AS lo"
    "  FROM c JOIN oracle_pres r ON r.person_id = c.p WHERE r.s < c.we AND r.e > c.ws),"
    " ev1(q, t) AS ("
    "  SELECT m.id, c.ws FROM c JOIN people m ON m.household_id = c.hh WHERE m.id <> c.p"
    "  UNION ALL"
    "  SELECT r.person_id, max(r.s, pp.s) FROM pp JOIN oracle_pres r ON r.venue_id = pp.venue_id"
    "    AND r.s > pp.lo AND r.s < pp.e"
    "  WHERE r.e > pp.s AND r.person_id <> (SELECT p FROM c)"
    "    AND min(r.e, pp.e) - max(r.s, pp.s) >= ?2"
    "  UNION ALL"
    "  SELECT k.person_id, coalesce(k.contact_at, c.ws) FROM c JOIN case_contacts k"
    "    ON k.case_id = c.id WHERE k.person_id <> c.p),"
    " f1 AS MATERIALIZED (SELECT q AS x, min(t) AS e FROM ev1 GROUP BY q),"
    /* Each F1's window [e, q): q the earliest start of an active or done order that had not
     * ended by e (ended_at NULL or > e), else now; only non-empty windows. */
    " xw AS MATERIALIZED (SELECT x, e, q FROM (SELECT f1.x, f1.e, coalesce((SELECT"
    "    min(o.started_at) FROM quarantine_orders o WHERE o.person_id = f1.x AND o.status IN"
    "    ('active', 'done') AND o.started_at IS NOT NULL AND (o.ended_at IS NULL OR o.ended_at >"
    "    f1.e)), ?3) AS q FROM f1) WHERE q > e),"
    /* The F1s' presences clipped to their windows. */
    " xp AS MATERIALIZED ("
    "  SELECT xw.x, r.venue_id, max(r.s, xw.e) AS s, min(r.e, xw.q) AS e,"
    "    max(r.s, xw.e) - (SELECT len FROM oracle_vmax v WHERE v.venue_id = r.venue_id) AS lo"
    "  FROM xw JOIN oracle_pres r ON r.person_id = xw.x WHERE r.s < xw.q AND r.e > xw.e),"
    " ev2(y, x, t) AS ("
    "  SELECT m.id, xw.x, xw.e FROM xw JOIN people px ON px.id = xw.x JOIN people m"
    "    ON m.household_id = px.household_id WHERE m.id <> xw.x"
    "  UNION ALL"
    "  SELECT r.person_id, xp.x, max(r.s, xp.s) FROM xp JOIN oracle_pres r"
    "    ON r.venue_id = xp.venue_id AND r.s > xp.lo AND r.s < xp.e"
    "  WHERE r.e > xp.s AND r.person_id <> xp.x AND min(r.e, xp.e) - max(r.s, xp.s) >= ?2),"
    " f2 AS (SELECT y, x, t, row_number() OVER (PARTITION BY y ORDER BY t, x) AS n FROM ev2"
    "  WHERE y <> (SELECT p FROM c) AND y NOT IN (SELECT x FROM f1))"
    " SELECT 1, f1.x, f1.e, c.p FROM f1, c"
    " UNION ALL SELECT 2, y, t, x FROM f2 WHERE n = 1"
    " UNION ALL SELECT 0, c.p, c.ws, c.we FROM c";

typedef struct row {
    int level;
    int64_t person, exposure, via;
} row;

typedef struct rows {
    row *v;
    size_t n, cap;
    int64_t person, ws, we; /* the case's person and window (oracle) */
} rows;

static void rows_push(rows *r, row x)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
        assert_non_null(r->v);
    }
    r->v[r->n++] = x;
}

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? -1 : 1;
    return x->person < y->person ? -1 : x->person > y->person;
}

static void oracle_run(sqlite3 *db, sqlite3_stmt *st, int64_t case_id, int min_overlap, int64_t now,
                       rows *out)
{
    out->n = 0;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, min_overlap > 1 ? min_overlap : 1);
    sqlite3_bind_int64(st, 3, now);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row x = {sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1),
                 sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
        if (x.level == 0) {
            out->person = x.person;
            out->ws = x.exposure;
            out->we = x.via;
        } else {
            rows_push(out, x);
        }
    }
    if (rc != SQLITE_DONE)
        fail_msg("oracle: %s", sqlite3_errmsg(db));
    sqlite3_reset(st);
    qsort(out->v, out->n, sizeof *out->v, row_cmp);
}

/* The engine's answer as rows; also checks its own promises: F1s first, each level by exposure
 * then person id; F1 via the case's person. */
static void engine_rows(const pd_trace_result *r, rows *out)
{
    out->n = 0;
    out->person = r->case_person_id;
    out->ws = r->window_start;
    out->we = r->window_end;
    size_t n = r->f1_count + r->f2_count;
    for (size_t i = 0; i < n; i++) {
        const pd_contact *c = &r->contacts[i];
        int want = i < r->f1_count ? 1 : 2;
        if (c->level != want)
            fail_msg("case %lld: contact %zu has level %d, expected %d", (long long)r->case_id, i,
                     c->level, want);
        if (i > 0 && (i != r->f1_count)) {
            const pd_contact *p = &r->contacts[i - 1];
            if (p->exposure_at > c->exposure_at ||
                (p->exposure_at == c->exposure_at && p->person_id >= c->person_id))
                fail_msg("case %lld: contacts %zu and %zu out of order", (long long)r->case_id,
                         i - 1, i);
        }
        if (want == 1 && c->via_person_id != r->case_person_id)
            fail_msg("case %lld: F1 %lld via %lld", (long long)r->case_id, (long long)c->person_id,
                     (long long)c->via_person_id);
        rows_push(out, (row){c->level, c->person_id, c->exposure_at, c->via_person_id});
    }
    qsort(out->v, out->n, sizeof *out->v, row_cmp);
}

/* Prints the differences; returns their number. */
static int compare(int64_t case_id, const rows *want, const rows *got, int *printed)
{
    int diffs = 0;
    if (want->person != got->person || want->ws != got->ws || want->we != got->we) {
        diffs++;
        if ((*printed)++ < 30)
            fprintf(stderr,
                    "case %lld: person/window engine %lld [%lld, %lld), oracle %lld [%lld, %lld)\n",
                    (long long)case_id, (long long)got->person, (long long)got->ws,
                    (long long)got->we, (long long)want->person, (long long)want->ws,
                    (long long)want->we);
    }
    size_t i = 0, j = 0;
    while (i < want->n || j < got->n) {
        int c = i == want->n ? 1 : j == got->n ? -1 : row_cmp(&want->v[i], &got->v[j]);
        const row *w = c <= 0 ? &want->v[i] : NULL, *g = c >= 0 ? &got->v[j] : NULL;
        bool same = w && g && w->exposure == g->exposure && w->via == g->via;
        if (!same) {
            diffs++;
            if ((*printed)++ < 30) {
                const row *x = w ? w : g;
                fprintf(stderr,
                        "case %lld: F%d person %lld: oracle %s exposure %lld via %lld; engine %s"
                        " exposure %lld via %lld\n",
                        (long long)case_id, x->level, (long long)x->person, w ? "has" : "lacks",
                        w ? (long long)w->exposure : 0LL, w ? (long long)w->via : 0LL,
                        g ? "has" : "lacks", g ? (long long)g->exposure : 0LL,
                        g ? (long long)g->via : 0LL);
            }
        }
        if (c <= 0)
            i++;
        if (c >= 0)
            j++;
    }
    return diffs;
}

static void check_every_case(int min_overlap)
{
    pd_err err;
    pd_tracer *t = NULL;
    if (pd_tracer_open(rdb, 0, &t, &err) != PD_OK)
        fail_msg("pd_tracer_open: %s", err.message);
    sqlite3_stmt *st = prep(rdb, ORACLE_SQL);
    rows want = {0}, got = {0};
    int diffs = 0, printed = 0, bad_cases = 0;
    int64_t f1_total = 0, f2_total = 0, cases_with_f2 = 0;
    pd_trace_opts opts = {.min_overlap_s = min_overlap, .now = rnow};
    double oracle_s = 0, engine_s = 0;
    for (int64_t id = 1; id <= ncases; id++) {
        double t0 = seconds();
        oracle_run(rdb, st, id, min_overlap, rnow, &want);
        double t1 = seconds();
        pd_trace_result r;
        memset(&r, 0, sizeof r);
        int rc = pd_trace_run(t, rdb, id, &opts, &r, &err);
        engine_s += seconds() - t1;
        oracle_s += t1 - t0;
        if (rc != PD_OK)
            fail_msg("pd_trace_run(%lld): %s", (long long)id, err.message);
        assert_int_equal(r.case_id, id);
        engine_rows(&r, &got);
        pd_trace_result_free(&r);
        int d = compare(id, &want, &got, &printed);
        diffs += d;
        bad_cases += d > 0;
        for (size_t i = 0; i < want.n; i++)
            want.v[i].level == 1 ? f1_total++ : f2_total++;
        cases_with_f2 += want.n > 0 && want.v[want.n - 1].level == 2;
    }
    fprintf(stderr,
            "min_overlap %d: %lld cases, %lld F1 and %lld F2 in all, %lld cases with F2;"
            " %d differences in %d cases; oracle %.1f s, engine %.1f s\n",
            min_overlap, (long long)ncases, (long long)f1_total, (long long)f2_total,
            (long long)cases_with_f2, diffs, bad_cases, oracle_s, engine_s);
    /* The data must exercise the rules: many F1 and F2. */
    assert_true(f1_total > 10 * ncases);
    assert_true(f2_total > 10 * ncases);
    free(want.v);
    free(got.v);
    sqlite3_finalize(st);
    pd_tracer_close(t);
    assert_int_equal(diffs, 0);
}

static void test_random_city_any_overlap(void **state)
{
    (void)state;
    check_every_case(0);
}

static void test_random_city_15_minutes(void **state)
{
    (void)state;
    check_every_case(900);
}

/* The random data holds what the rules have to deal with. */
static void test_random_city_has_the_edges(void **state)
{
    (void)state;
    sqlite3_stmt *st = prep(
        rdb, "SELECT (SELECT count(*) FROM checkins WHERE out_at IS NULL),"
             " (SELECT count(*) FROM checkins WHERE out_at = in_at),"
             " (SELECT count(*) FROM checkins WHERE out_at IS NOT NULL AND"
             "   (in_at + 25200) / 86400 <> (out_at + 25200) / 86400),"
             " (SELECT count(*) FROM people WHERE household_id IS NULL),"
             " (SELECT count(*) FROM people WHERE phone IS NULL),"
             " (SELECT count(*) FROM cases WHERE onset_date IS NULL),"
             " (SELECT count(*) FROM case_contacts WHERE contact_at IS NULL),"
             " (SELECT count(*) FROM case_contacts k JOIN cases c ON c.id = k.case_id"
             "   WHERE k.person_id = c.person_id),"
             " (SELECT count(*) FROM quarantine_orders WHERE status = 'cancelled' AND started_at"
             "   IS NOT NULL),"
             " (SELECT count(*) FROM quarantine_orders WHERE status = 'done' AND ended_at < ?1),"
             " (SELECT count(*) FROM venues WHERE default_stay_minutes IS NULL),"
             " (SELECT count(*) FROM venues WHERE default_stay_minutes = 0),"
             " (SELECT count(*) FROM venues WHERE default_stay_minutes > 0),"
             " (SELECT count(*) FROM checkins), (SELECT count(*) FROM cases)");
    sqlite3_bind_int64(st, 1, day0);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    for (int i = 0; i < 13; i++)
        if (sqlite3_column_int64(st, i) <= 0)
            fail_msg("column %d of the edge counts is 0", i);
    assert_int_equal(sqlite3_column_int64(st, 13), NCHECKINS);
    assert_int_equal(sqlite3_column_int64(st, 14), NCASES + NEXTRA_CASES);
    sqlite3_finalize(st);
}

/* ---- Explicit cases ------------------------------------------------------------------------- */

static int64_t enow; /* opts.now for the explicit cases */

static int64_t e_household(void)
{
    exec_ok(edb, "INSERT INTO households(unit_code, district_code, province_code, created_at,"
                 " updated_at) VALUES ('97001', '970', '97', 0, 0)");
    return sqlite3_last_insert_rowid(edb);
}

static int64_t e_person_with(int64_t household, bool phone)
{
    sqlite3_stmt *st = prep(edb, "INSERT INTO people(full_name, name_folded, household_id, phone,"
                                 " unit_code, district_code, province_code, created_at,"
                                 " updated_at) VALUES ('Người', 'nguoi', ?, ?, '97001', '970',"
                                 " '97', 0, 0)");
    bind_or_null(st, 1, household, household == 0);
    if (phone)
        sqlite3_bind_text(st, 2, "0912345678", -1, SQLITE_STATIC);
    step_done(edb, st);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(edb);
}

static int64_t e_person(void)
{
    return e_person_with(0, true);
}

/* stay < 0: default_stay_minutes NULL. */
static int64_t e_venue(const char *kind, int stay)
{
    static int n;
    sqlite3_stmt *st = prep(edb, VENUE_SQL);
    char code[32];
    snprintf(code, sizeof code, "e%d", ++n);
    sqlite3_bind_null(st, 1);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    bind_or_null(st, 4, stay, stay < 0);
    sqlite3_bind_text(st, 5, code, -1, SQLITE_TRANSIENT);
    step_done(edb, st);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(edb);
}

/* out 0: no check-out. */
static int64_t e_checkin(int64_t person, int64_t venue, int64_t in, int64_t out)
{
    sqlite3_stmt *st = prep(edb, CHECKIN_SQL);
    sqlite3_bind_int64(st, 1, venue);
    sqlite3_bind_int64(st, 2, person);
    sqlite3_bind_int64(st, 3, in);
    bind_or_null(st, 4, out, out == 0);
    step_done(edb, st);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(edb);
}

/* onset NULL: no symptoms, the window starts two days before the sample date. */
static int64_t e_case(int64_t person, const char *onset, const char *sample, int64_t until)
{
    sqlite3_stmt *st = prep(edb, CASE_SQL);
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, until - 86400);
    if (onset)
        sqlite3_bind_text(st, 3, onset, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, sample, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, "active", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, until - 86400);
    sqlite3_bind_int64(st, 7, until);
    sqlite3_bind_int64(st, 8, until - 86400);
    step_done(edb, st);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(edb);
}

/* started / ended 0: NULL. */
static void e_order(int64_t person, const char *status, int64_t started, int64_t ended)
{
    sqlite3_stmt *st = prep(edb, ORDER_SQL);
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    bind_or_null(st, 4, started, started == 0);
    bind_or_null(st, 5, ended, ended == 0);
    step_done(edb, st);
    sqlite3_finalize(st);
}

static pd_tracer *e_tracer(void)
{
    pd_err err;
    pd_tracer *t = NULL;
    if (pd_tracer_open(edb, 0, &t, &err) != PD_OK)
        fail_msg("pd_tracer_open: %s", err.message);
    return t;
}

static void e_run(pd_tracer *t, int64_t case_id, int min_overlap, pd_trace_result *r)
{
    pd_err err;
    pd_trace_opts opts = {.min_overlap_s = min_overlap, .now = enow};
    memset(r, 0, sizeof *r);
    if (pd_trace_run(t, edb, case_id, &opts, r, &err) != PD_OK)
        fail_msg("pd_trace_run(%lld): %s", (long long)case_id, err.message);
}

static const pd_contact *find(const pd_trace_result *r, int64_t person)
{
    for (size_t i = 0; i < r->f1_count + r->f2_count; i++)
        if (r->contacts[i].person_id == person)
            return &r->contacts[i];
    return NULL;
}

/* person is a contact of this level with this exposure (and, for F2, via). */
static void expect_contact(const pd_trace_result *r, int64_t person, int level, int64_t exposure,
                           int64_t via)
{
    const pd_contact *c = find(r, person);
    if (!c)
        fail_msg("person %lld is not a contact of case %lld", (long long)person,
                 (long long)r->case_id);
    if (c->level != level || c->exposure_at != exposure)
        fail_msg("person %lld: F%d at %lld, expected F%d at %lld", (long long)person, c->level,
                 (long long)c->exposure_at, level, (long long)exposure);
    if (via && c->via_person_id != via)
        fail_msg("person %lld: via %lld, expected %lld", (long long)person,
                 (long long)c->via_person_id, (long long)via);
}

static void expect_none(const pd_trace_result *r, int64_t person)
{
    const pd_contact *c = find(r, person);
    if (c)
        fail_msg("person %lld should not be a contact of case %lld (F%d at %lld)",
                 (long long)person, (long long)r->case_id, c->level, (long long)c->exposure_at);
}

static void test_checkin_without_checkout(void **state)
{
    (void)state;
    int64_t p = e_person();
    int64_t c = e_case(p, "2021-11-10", "2021-11-11", L(2021, 11, 20, 0, 0, 0));
    /* A restaurant without a stay of its own: 90 minutes. */
    int64_t r = e_venue("restaurant", -1);
    e_checkin(p, r, L(2021, 11, 10, 10, 0, 0), 0); /* [10:00, 11:30) */
    int64_t q1 = e_person(), q2 = e_person(), q3 = e_person();
    e_checkin(q1, r, L(2021, 11, 10, 11, 20, 0), L(2021, 11, 10, 11, 40, 0));
    e_checkin(q2, r, L(2021, 11, 10, 11, 30, 0), L(2021, 11, 10, 12, 0, 0)); /* touches only */
    e_checkin(q3, r, L(2021, 11, 10, 9, 0, 0), 0);                           /* [09:00, 10:30) */
    /* A market with 30 minutes of its own. */
    int64_t m = e_venue("market", 30);
    e_checkin(p, m, L(2021, 11, 10, 14, 0, 0), 0); /* [14:00, 14:30) */
    int64_t q4 = e_person(), q5 = e_person();
    e_checkin(q4, m, L(2021, 11, 10, 14, 29, 59), L(2021, 11, 10, 15, 0, 0));
    e_checkin(q5, m, L(2021, 11, 10, 14, 30, 0), 0);
    /* An office with 0 (the kind's 540 minutes). */
    int64_t o = e_venue("office", 0);
    e_checkin(p, o, L(2021, 11, 11, 8, 0, 0), 0); /* [08:00, 17:00) */
    int64_t q6 = e_person(), q7 = e_person();
    e_checkin(q6, o, L(2021, 11, 11, 16, 50, 0), L(2021, 11, 11, 17, 30, 0));
    e_checkin(q7, o, L(2021, 11, 11, 17, 0, 0), L(2021, 11, 11, 17, 30, 0));

    pd_tracer *t = e_tracer();
    pd_trace_result res;
    e_run(t, c, 0, &res);
    assert_int_equal(res.f1_count, 4);
    expect_contact(&res, q1, 1, L(2021, 11, 10, 11, 20, 0), p);
    expect_contact(&res, q3, 1, L(2021, 11, 10, 10, 0, 0), p);
    expect_contact(&res, q4, 1, L(2021, 11, 10, 14, 29, 59), p);
    expect_contact(&res, q6, 1, L(2021, 11, 11, 16, 50, 0), p);
    /* Those who only touched p's presence are no F1; they met an F1 after its exposure. */
    expect_contact(&res, q2, 2, L(2021, 11, 10, 11, 30, 0), q1);
    expect_contact(&res, q5, 2, L(2021, 11, 10, 14, 30, 0), q4);
    expect_contact(&res, q7, 2, L(2021, 11, 11, 17, 0, 0), q6);
    assert_int_equal(res.f2_count, 3);
    /* The F1s are in order of exposure. */
    assert_int_equal(res.contacts[0].person_id, q3);
    assert_int_equal(res.contacts[3].person_id, q6);
    pd_trace_result_free(&res);

    /* 15 minutes: only q3 (30 minutes with p). */
    e_run(t, c, 900, &res);
    assert_int_equal(res.f1_count, 1);
    expect_contact(&res, q3, 1, L(2021, 11, 10, 10, 0, 0), p);
    assert_int_equal(res.f2_count, 0);
    pd_trace_result_free(&res);
    pd_tracer_close(t);
}

static void test_stay_across_midnight_and_window_edges(void **state)
{
    (void)state;
    /* Across midnight inside the window. */
    int64_t p = e_person(), v = e_venue("restaurant", 0);
    int64_t c = e_case(p, "2021-11-10", "2021-11-10", L(2021, 11, 20, 0, 0, 0));
    e_checkin(p, v, L(2021, 11, 10, 22, 30, 0), L(2021, 11, 11, 1, 30, 0));
    int64_t q1 = e_person(), q2 = e_person();
    e_checkin(q1, v, L(2021, 11, 11, 0, 45, 0), L(2021, 11, 11, 2, 0, 0));
    e_checkin(q2, v, L(2021, 11, 10, 21, 0, 0), L(2021, 11, 10, 22, 0, 0));

    /* The window ends at midnight: the part after it does not count. */
    int64_t p2 = e_person(), w = e_venue("sports", 0);
    int64_t c2 = e_case(p2, "2021-11-09", "2021-11-09", L(2021, 11, 11, 0, 0, 0));
    e_checkin(p2, w, L(2021, 11, 10, 22, 30, 0), L(2021, 11, 11, 1, 30, 0));
    int64_t q3 = e_person(), q4 = e_person();
    e_checkin(q3, w, L(2021, 11, 10, 23, 50, 0), L(2021, 11, 11, 0, 30, 0));
    e_checkin(q4, w, L(2021, 11, 11, 0, 10, 0), L(2021, 11, 11, 1, 0, 0));

    /* The window starts at 00:00 local two days before the sample date (no onset): 10 Nov 00:00
     * local, which is 9 Nov 17:00 UTC. */
    int64_t p3 = e_person(), x = e_venue("other", 0);
    int64_t c3 = e_case(p3, NULL, "2021-11-12", L(2021, 11, 20, 0, 0, 0));
    e_checkin(p3, x, L(2021, 11, 9, 23, 0, 0), L(2021, 11, 10, 0, 20, 0));
    int64_t q5 = e_person(), q6 = e_person();
    e_checkin(q5, x, L(2021, 11, 9, 23, 10, 0), L(2021, 11, 9, 23, 59, 59));
    e_checkin(q6, x, L(2021, 11, 9, 23, 30, 0), L(2021, 11, 10, 0, 10, 0));

    pd_tracer *t = e_tracer();
    pd_trace_result res;
    e_run(t, c, 0, &res);
    assert_int_equal(res.window_start, L(2021, 11, 8, 0, 0, 0));
    assert_int_equal(res.window_end, L(2021, 11, 20, 0, 0, 0));
    assert_int_equal(res.f1_count, 1);
    expect_contact(&res, q1, 1, L(2021, 11, 11, 0, 45, 0), p);
    expect_none(&res, q2);
    pd_trace_result_free(&res);

    e_run(t, c2, 0, &res);
    assert_int_equal(res.f1_count, 1);
    expect_contact(&res, q3, 1, L(2021, 11, 10, 23, 50, 0), p2);
    /* q4 came after the window's end: no F1, but it met q3 after q3's exposure. */
    expect_contact(&res, q4, 2, L(2021, 11, 11, 0, 10, 0), q3);
    pd_trace_result_free(&res);

    e_run(t, c3, 0, &res);
    assert_int_equal(res.window_start, L(2021, 11, 10, 0, 0, 0));
    assert_int_equal(res.window_start, 1636477200);
    assert_int_equal(res.f1_count, 1);
    expect_contact(&res, q6, 1, L(2021, 11, 10, 0, 0, 0), p3);
    /* q5 left before the window: not an F1, nor an F2 (it met q6 only before q6's exposure). */
    expect_none(&res, q5);
    pd_trace_result_free(&res);
    pd_tracer_close(t);
}

static void test_f0_is_f1_of_another_case(void **state)
{
    (void)state;
    int64_t pa = e_person(), pb = e_person(), v = e_venue("market", 0);
    int64_t a = e_case(pa, "2021-11-10", "2021-11-10", L(2021, 11, 20, 0, 0, 0));
    int64_t b = e_case(pb, "2021-11-12", "2021-11-13", L(2021, 11, 20, 0, 0, 0));
    e_checkin(pa, v, L(2021, 11, 10, 10, 0, 0), L(2021, 11, 10, 11, 0, 0));
    e_checkin(pb, v, L(2021, 11, 10, 10, 15, 0), L(2021, 11, 10, 11, 30, 0));
    /* B also declared A's person, without a time: the exposure is B's window start (10 Nov,
     * 00:00), earlier than the meeting at the market. */
    exec_ok(edb,
            "INSERT INTO case_contacts(case_id, person_id, kind, contact_at, created_at)"
            " VALUES (%lld, %lld, 'declared', NULL, 0)",
            (long long)b, (long long)pa);
    pd_tracer *t = e_tracer();
    pd_trace_result res;
    e_run(t, a, 0, &res);
    expect_contact(&res, pb, 1, L(2021, 11, 10, 10, 15, 0), pa);
    expect_none(&res, pa);
    pd_trace_result_free(&res);
    e_run(t, b, 0, &res);
    expect_contact(&res, pa, 1, L(2021, 11, 10, 0, 0, 0), pb);
    expect_none(&res, pb);
    assert_int_equal(res.f1_count, 1);
    pd_trace_result_free(&res);
    pd_tracer_close(t);
}

static void test_person_without_phone(void **state)
{
    (void)state;
    int64_t p = e_person(), v = e_venue("bus_station", 0), v2 = e_venue("hospital", 0);
    int64_t c = e_case(p, "2021-11-10", "2021-11-10", L(2021, 11, 20, 0, 0, 0));
    int64_t n = e_person_with(0, false), n2 = e_person_with(0, false);
    e_checkin(p, v, L(2021, 11, 10, 7, 0, 0), L(2021, 11, 10, 7, 20, 0));
    e_checkin(n, v, L(2021, 11, 10, 7, 5, 0), L(2021, 11, 10, 7, 30, 0));
    e_checkin(n, v2, L(2021, 11, 10, 9, 0, 0), L(2021, 11, 10, 10, 0, 0));
    e_checkin(n2, v2, L(2021, 11, 10, 9, 30, 0), L(2021, 11, 10, 10, 30, 0));
    pd_tracer *t = e_tracer();
    pd_trace_result res;
    e_run(t, c, 0, &res);
    assert_int_equal(res.f1_count, 1);
    assert_int_equal(res.f2_count, 1);
    expect_contact(&res, n, 1, L(2021, 11, 10, 7, 5, 0), p);
    expect_contact(&res, n2, 2, L(2021, 11, 10, 9, 30, 0), n);
    pd_trace_result_free(&res);
    pd_tracer_close(t);
}

#define CROWD 10000

static void test_ten_thousand_visitors(void **state)
{
    (void)state;
    int64_t p = e_person(), v = e_venue("market", 0);
    int64_t c = e_case(p, "2021-11-10", "2021-11-10", L(2021, 11, 20, 0, 0, 0));
    int64_t day = L(2021, 11, 15, 0, 0, 0);
    int64_t ps = day + 9 * 3600, pe = day + 12 * 3600; /* the case's person 09:00 to 12:00 */
    e_checkin(p, v, ps, pe);
    /* Visitor i from 06:00 + 6 i seconds, for 30 minutes. */
    int64_t *who = malloc(CROWD * sizeof *who);
    assert_non_null(who);
    exec_ok(edb, "BEGIN");
    sqlite3_stmt *st = prep(edb, PERSON_SQL);
    sqlite3_stmt *mx = prep(edb, "SELECT coalesce(max(id), 0) + 1 FROM people");
    assert_int_equal(sqlite3_step(mx), SQLITE_ROW);
    int64_t first = sqlite3_column_int64(mx, 0);
    sqlite3_finalize(mx);
    for (int i = 0; i < CROWD; i++) {
        who[i] = first + i;
        insert_person(edb, st, who[i], 0, true);
    }
    sqlite3_finalize(st);
    st = prep(edb, CHECKIN_SQL);
    for (int i = 0; i < CROWD; i++) {
        sqlite3_bind_int64(st, 1, v);
        sqlite3_bind_int64(st, 2, who[i]);
        sqlite3_bind_int64(st, 3, day + 6 * 3600 + 6 * i);
        sqlite3_bind_int64(st, 4, day + 6 * 3600 + 6 * i + 1800);
        step_done(edb, st);
    }
    sqlite3_finalize(st);
    exec_ok(edb, "COMMIT");

    /* Expected, by the rules: F1 when the overlap with [ps, pe) is long enough; F2 when not F1
     * and overlapping an F1's presence from its exposure on. */
    for (int pass = 0; pass < 2; pass++) {
        int min = pass ? 900 : 0, need = pass ? 900 : 1;
        bool *f1 = calloc(CROWD, sizeof *f1);
        assert_non_null(f1);
        int n1 = 0, n2 = 0;
        for (int i = 0; i < CROWD; i++) {
            int64_t s = day + 6 * 3600 + 6 * i, e = s + 1800;
            int64_t os = s > ps ? s : ps, oe = e < pe ? e : pe;
            if (oe - os >= need) {
                f1[i] = true;
                n1++;
            }
        }
        for (int j = 0; j < CROWD; j++) {
            if (f1[j])
                continue;
            int64_t s = day + 6 * 3600 + 6 * j, e = s + 1800;
            for (int i = 0; i < CROWD; i++) {
                if (!f1[i])
                    continue;
                int64_t xs = day + 6 * 3600 + 6 * i, xe = xs + 1800;
                xs = xs > ps ? xs : ps; /* the F1's window starts at its exposure */
                int64_t os = s > xs ? s : xs, oe = e < xe ? e : xe;
                if (oe - os >= need) {
                    n2++;
                    break;
                }
            }
        }
        /* The design: visitors 1501 to 3599 (any overlap), 1650 to 3450 (15 minutes). */
        assert_int_equal(n1, pass ? 1801 : 2099);
        pd_tracer *t = e_tracer();
        pd_trace_result res;
        e_run(t, c, min, &res);
        assert_int_equal(res.f1_count, n1);
        assert_int_equal(res.f2_count, n2);
        for (int i = 0; i < CROWD; i += 7) {
            const pd_contact *k = find(&res, who[i]);
            if (f1[i]) {
                int64_t s = day + 6 * 3600 + 6 * i;
                assert_non_null(k);
                assert_int_equal(k->level, 1);
                assert_int_equal(k->exposure_at, s > ps ? s : ps);
            } else if (k) {
                assert_int_equal(k->level, 2);
            }
        }
        pd_trace_result_free(&res);
        pd_tracer_close(t);
        free(f1);
    }
    free(who);
}

static void test_quarantine_before_exposure_and_f2_ties(void **state)
{
    (void)state;
    int64_t p = e_person(), a = e_venue("office", 0), b = e_venue("restaurant", 0);
    int64_t c = e_case(p, "2021-11-10", "2021-11-10", L(2021, 11, 20, 0, 0, 0));
    int64_t h1 = e_household(), h2 = e_household();
    int64_t x1 = e_person_with(h1, true), x2 = e_person_with(h2, true), x3 = e_person(),
            x4 = e_person(), x5 = e_person(), x6 = e_person();
    int64_t z1 = e_person_with(h1, true), z2 = e_person_with(h2, true);
    int64_t y1 = e_person(), y2 = e_person(), y3 = e_person(), y4 = e_person(), y5 = e_person(),
            y6 = e_person(), y7 = e_person(), y8 = e_person();
    int64_t x[] = {x1, x2, x3, x4, x5, x6};
    e_checkin(p, a, L(2021, 11, 10, 10, 0, 0), L(2021, 11, 10, 11, 0, 0));
    for (int i = 0; i < 6; i++)
        e_checkin(x[i], a, L(2021, 11, 10, 10, 0, 0), L(2021, 11, 10, 11, 0, 0));
    /* x1: in quarantine since before the exposure: nobody through them. */
    e_order(x1, "active", L(2021, 11, 8, 9, 0, 0), 0);
    /* x2: quarantined after the meetings. */
    e_order(x2, "active", L(2021, 11, 12, 9, 0, 0), 0);
    /* x3: quarantined between the exposure and the meeting. */
    e_order(x3, "done", L(2021, 11, 11, 12, 0, 0), L(2021, 11, 25, 0, 0, 0));
    /* x4: a pending order and a cancelled one do not count. */
    e_order(x4, "pending", 0, 0);
    e_order(x4, "cancelled", L(2021, 11, 9, 0, 0, 0), 0);
    /* x5: a quarantine that ended before the exposure does not count. */
    e_order(x5, "done", L(2021, 10, 20, 0, 0, 0), L(2021, 10, 30, 0, 0, 0));
    /* x6: one that ended at the very moment of the exposure does not count either (ended_at > e
     * is needed). */
    e_order(x6, "done", L(2021, 11, 1, 0, 0, 0), L(2021, 11, 10, 10, 0, 0));
    int64_t y[] = {y1, y2, y3, y4, y5, y8};
    for (int i = 0; i < 6; i++) {
        int64_t v = e_venue("market", 0);
        e_checkin(x[i], v, L(2021, 11, 11, 14, 0, 0), L(2021, 11, 11, 15, 0, 0));
        e_checkin(y[i], v, L(2021, 11, 11, 14, 0, 0), L(2021, 11, 11, 15, 0, 0));
    }
    /* y6 meets x4 and x2 at the same moment: via the lower id (x2). y7 meets x4 first, then x2:
     * via x4 although its id is higher. */
    e_checkin(x2, b, L(2021, 11, 11, 16, 0, 0), L(2021, 11, 11, 17, 0, 0));
    e_checkin(x4, b, L(2021, 11, 11, 16, 0, 0), L(2021, 11, 11, 17, 0, 0));
    e_checkin(y6, b, L(2021, 11, 11, 16, 0, 0), L(2021, 11, 11, 16, 30, 0));
    int64_t b2 = e_venue("sports", 0);
    e_checkin(x4, b2, L(2021, 11, 11, 15, 30, 0), L(2021, 11, 11, 15, 50, 0));
    e_checkin(y7, b2, L(2021, 11, 11, 15, 40, 0), L(2021, 11, 11, 15, 45, 0));
    e_checkin(y7, b, L(2021, 11, 11, 16, 10, 0), L(2021, 11, 11, 16, 20, 0));

    pd_tracer *t = e_tracer();
    pd_trace_result res;
    e_run(t, c, 0, &res);
    assert_int_equal(res.f1_count, 6);
    for (int i = 0; i < 6; i++)
        expect_contact(&res, x[i], 1, L(2021, 11, 10, 10, 0, 0), p);
    expect_none(&res, y1);
    expect_none(&res, z1);
    expect_none(&res, y3);
    expect_contact(&res, y2, 2, L(2021, 11, 11, 14, 0, 0), x2);
    expect_contact(&res, z2, 2, L(2021, 11, 10, 10, 0, 0), x2);
    expect_contact(&res, y4, 2, L(2021, 11, 11, 14, 0, 0), x4);
    expect_contact(&res, y5, 2, L(2021, 11, 11, 14, 0, 0), x5);
    expect_contact(&res, y8, 2, L(2021, 11, 11, 14, 0, 0), x6);
    assert_true(x2 < x4);
    expect_contact(&res, y6, 2, L(2021, 11, 11, 16, 0, 0), x2);
    expect_contact(&res, y7, 2, L(2021, 11, 11, 15, 40, 0), x4);
    assert_int_equal(res.f2_count, 7);
    pd_trace_result_free(&res);

    /* With F2 turned off only the F1s. */
    pd_err err;
    pd_trace_opts opts = {.now = enow, .no_f2 = true};
    assert_int_equal(pd_trace_run(t, edb, c, &opts, &res, &err), PD_OK);
    assert_int_equal(res.f1_count, 6);
    assert_int_equal(res.f2_count, 0);
    pd_trace_result_free(&res);
    pd_tracer_close(t);
}

static bool same_result(const pd_trace_result *a, const pd_trace_result *b)
{
    if (a->f1_count != b->f1_count || a->f2_count != b->f2_count)
        return false;
    for (size_t i = 0; i < a->f1_count + a->f2_count; i++) {
        const pd_contact *x = &a->contacts[i], *y = &b->contacts[i];
        if (x->person_id != y->person_id || x->level != y->level ||
            x->exposure_at != y->exposure_at || x->via_person_id != y->via_person_id)
            return false;
    }
    return true;
}

static void test_rerun_and_refresh(void **state)
{
    (void)state;
    int64_t p = e_person(), v = e_venue("school", 0);
    int64_t c = e_case(p, "2021-11-10", "2021-11-10", L(2021, 11, 20, 0, 0, 0));
    int64_t q1 = e_person(), q2 = e_person(), q3 = e_person();
    e_checkin(p, v, L(2021, 11, 10, 7, 0, 0), L(2021, 11, 10, 11, 0, 0));
    e_checkin(p, v, L(2021, 11, 12, 7, 0, 0), L(2021, 11, 12, 11, 0, 0));
    e_checkin(q1, v, L(2021, 11, 12, 8, 0, 0), L(2021, 11, 12, 9, 0, 0));
    e_checkin(q3, v, L(2021, 11, 13, 8, 0, 0), L(2021, 11, 13, 9, 0, 0));
    pd_tracer *t = e_tracer();
    pd_trace_result r1, r2, r3;
    e_run(t, c, 0, &r1);
    e_run(t, c, 0, &r2);
    assert_true(same_result(&r1, &r2));
    assert_int_equal(r1.f1_count, 1);
    expect_contact(&r1, q1, 1, L(2021, 11, 12, 8, 0, 0), p);

    /* Later check-ins: q1 was there earlier too, q2 is new, q3 meets q1 (an F2). */
    e_checkin(q1, v, L(2021, 11, 10, 10, 30, 0), L(2021, 11, 10, 12, 0, 0));
    e_checkin(q2, v, L(2021, 11, 12, 10, 59, 0), L(2021, 11, 12, 12, 0, 0));
    e_checkin(q1, v, L(2021, 11, 13, 8, 30, 0), L(2021, 11, 13, 10, 0, 0));
    pd_err err;
    assert_int_equal(pd_tracer_refresh(t, edb, &err), PD_OK);
    e_run(t, c, 0, &r3);
    assert_int_equal(r3.f1_count, 2);
    expect_contact(&r3, q1, 1, L(2021, 11, 10, 10, 30, 0), p);
    expect_contact(&r3, q2, 1, L(2021, 11, 12, 10, 59, 0), p);
    expect_contact(&r3, q3, 2, L(2021, 11, 13, 8, 30, 0), q1);
    /* Nobody found before is lost, and no exposure moved later. */
    for (size_t i = 0; i < r1.f1_count + r1.f2_count; i++) {
        const pd_contact *k = find(&r3, r1.contacts[i].person_id);
        assert_non_null(k);
        assert_true(k->level <= r1.contacts[i].level);
        assert_true(k->exposure_at <= r1.contacts[i].exposure_at);
    }
    pd_trace_result_free(&r1);
    pd_trace_result_free(&r2);
    /* Refreshing again with nothing new changes nothing. */
    assert_int_equal(pd_tracer_refresh(t, edb, &err), PD_OK);
    e_run(t, c, 0, &r1);
    assert_true(same_result(&r1, &r3));
    pd_trace_result_free(&r1);
    pd_trace_result_free(&r3);
    pd_tracer_close(t);
}

static void test_checkout_after_build(void **state)
{
    (void)state;
    int64_t p = e_person(), v = e_venue("market", 0); /* 60 minutes */
    int64_t c = e_case(p, "2021-11-10", "2021-11-10", L(2021, 11, 20, 0, 0, 0));
    int64_t k = e_checkin(p, v, L(2021, 11, 10, 10, 0, 0), 0);
    int64_t q = e_person();
    e_checkin(q, v, L(2021, 11, 10, 11, 30, 0), L(2021, 11, 10, 12, 0, 0));
    /* The clock at 12:10 that day: p's visit is still open (as the server sees it). */
    char clock[32];
    snprintf(clock, sizeof clock, "%lld", (long long)L(2021, 11, 10, 12, 10, 0));
    setenv("PHONGDICH_NOW", clock, 1);
    pd_tracer *t = e_tracer();
    pd_trace_result res;
    e_run(t, c, 0, &res);
    expect_none(&res, q);
    assert_int_equal(res.f1_count, 0);
    pd_trace_result_free(&res);
    /* The check-out is written at 13:00: p stayed until then. */
    snprintf(clock, sizeof clock, "%lld", (long long)L(2021, 11, 10, 13, 0, 5));
    setenv("PHONGDICH_NOW", clock, 1);
    exec_ok(edb, "UPDATE checkins SET out_at = %lld WHERE id = %lld",
            (long long)L(2021, 11, 10, 13, 0, 0), (long long)k);
    pd_err err;
    assert_int_equal(pd_tracer_refresh(t, edb, &err), PD_OK);
    e_run(t, c, 0, &res);
    assert_int_equal(res.f1_count, 1);
    expect_contact(&res, q, 1, L(2021, 11, 10, 11, 30, 0), p);
    pd_trace_result_free(&res);
    pd_tracer_close(t);
    unsetenv("PHONGDICH_NOW");
}

static void test_missing_case(void **state)
{
    (void)state;
    pd_tracer *t = e_tracer();
    pd_trace_result res;
    memset(&res, 0, sizeof res);
    pd_err err;
    pd_trace_opts opts = {.now = enow};
    assert_int_equal(pd_trace_run(t, edb, 987654, &opts, &res, &err), PD_ENOTFOUND);
    pd_tracer_close(t);
}

/* ---- Setup ---------------------------------------------------------------------------------- */

static sqlite3 *open_db(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    pd_err err;
    sqlite3 *db = pd_db_open(path, &err);
    if (!db)
        return NULL;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    add_units(db);
    return db;
}

static int group_setup(void **state)
{
    (void)state;
    day0 = L(2021, 11, 1, 0, 0, 0);
    rnow = day0 + (DAYS + 2) * 86400;
    enow = L(2021, 11, 30, 0, 0, 0);
    if (pd_test_make_dir(dir, sizeof dir, "pd_trace") != 0)
        return -1;
    rdb = open_db("city.db");
    edb = open_db("edges.db");
    if (!rdb || !edb)
        return -1;
    double t0 = seconds();
    make_city(rdb);
    oracle_tables(rdb);
    fprintf(stderr, "random city written in %.1f s\n", seconds() - t0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_trace_shared_close();
    pd_db_close(rdb);
    pd_db_close(edb);
    pd_test_remove_dir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_city_has_the_edges),
        cmocka_unit_test(test_random_city_any_overlap),
        cmocka_unit_test(test_random_city_15_minutes),
        cmocka_unit_test(test_checkin_without_checkout),
        cmocka_unit_test(test_stay_across_midnight_and_window_edges),
        cmocka_unit_test(test_f0_is_f1_of_another_case),
        cmocka_unit_test(test_person_without_phone),
        cmocka_unit_test(test_ten_thousand_visitors),
        cmocka_unit_test(test_quarantine_before_exposure_and_f2_ties),
        cmocka_unit_test(test_rerun_and_refresh),
        cmocka_unit_test(test_checkout_after_build),
        cmocka_unit_test(test_missing_case),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
