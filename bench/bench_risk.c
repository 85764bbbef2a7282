/* bench/bench_risk.c: the weekly risk level of every commune of the country for one ISO week.
 * Generates a registry at a chosen scale over all 10,599 communes (people with birth dates,
 * community cases in the week, doses with about 70 % first doses and 50 % complete), then times, in
 * the same run, the set-wise computation (pd_risk_week_compute: four GROUP BY queries) against the
 * straightforward way (the same figures asked commune by commune), and prints a table.
 * Environment: PD_BENCH_RISK_PEOPLE (default 1,000,000), PD_BENCH_RISK_DB (default a temporary
 * file; an existing file with people is reused as it is). Usage: bench_risk */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "risk/risk.h"
#include "store/db.h"
#include "units/units.h"

#define WEEK "2021-W46"
#define WEEK_START 1636909200 /* 2021-11-15 00:00 +07:00 */

static uint64_t rng = 88172645463325252ull;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, msg);
        sqlite3_free(msg);
        return 1;
    }
    return 0;
}

typedef struct commune {
    char code[8], district[8], province[4];
} commune;

static int load_communes(sqlite3 *db, commune **out, int *n)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT code, district_code, province_code FROM units WHERE level = 3"
                       " ORDER BY code",
                       -1, &st, NULL);
    int cap = 12000;
    *out = calloc((size_t)cap, sizeof **out);
    *n = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW && *n < cap) {
        commune *c = &(*out)[(*n)++];
        snprintf(c->code, sizeof c->code, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(c->district, sizeof c->district, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(c->province, sizeof c->province, "%s", (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return *n > 0 ? 0 : 1;
}

/* People (no name index: the benchmark does not search), their doses and the week's cases. */
static int generate(sqlite3 *db, long long people, const commune *cs, int nc)
{
    if (exec(db, "PRAGMA synchronous=OFF; DROP TRIGGER IF EXISTS people_fts_ai;"
                 " PRAGMA foreign_keys=OFF; BEGIN"))
        return 1;
    sqlite3_stmt *p = NULL, *d = NULL, *c = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO people(id, full_name, name_folded, birth_date, unit_code,"
                       " district_code, province_code, created_at, updated_at) VALUES"
                       " (?, 'Người Thử', 'nguoi thu', ?, ?, ?, ?, 1, 1)",
                       -1, &p, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO doses(person_id, product_code, dose_number, kind, given_on,"
                       " completes_primary, unit_code, district_code, province_code, created_at)"
                       " VALUES (?, 'AZ', ?, 'primary', ?, ?, ?, ?, ?, 1)",
                       -1, &d, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO cases(person_id, confirmed_at, sample_date, found_in, basis,"
                       " status, status_at, infectious_until, unit_code, district_code,"
                       " province_code, created_at) VALUES (?, ?, '2021-11-15', 'community', 'pcr',"
                       " 'recovered', 1, 1, ?, ?, ?, 1)",
                       -1, &c, NULL);
    if (!p || !d || !c) {
        fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    for (long long id = 1; id <= people; id++) {
        const commune *k = &cs[next_random() % (uint64_t)nc];
        char birth[12];
        snprintf(birth, sizeof birth, "%04d-%02d-%02d", 1925 + (int)(next_random() % 96),
                 1 + (int)(next_random() % 12), 1 + (int)(next_random() % 28));
        sqlite3_bind_int64(p, 1, id);
        sqlite3_bind_text(p, 2, birth, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(p, 3, k->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(p, 4, k->district, -1, SQLITE_STATIC);
        sqlite3_bind_text(p, 5, k->province, -1, SQLITE_STATIC);
        sqlite3_step(p);
        sqlite3_reset(p);
        uint64_t r = next_random() % 100;
        for (int dose = 1; r < 70 && dose <= (r < 50 ? 2 : 1); dose++) {
            sqlite3_bind_int64(d, 1, id);
            sqlite3_bind_int(d, 2, dose);
            sqlite3_bind_text(d, 3, dose == 1 ? "2021-08-01" : "2021-09-01", -1, SQLITE_STATIC);
            sqlite3_bind_int(d, 4, dose == 2);
            sqlite3_bind_text(d, 5, k->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(d, 6, k->district, -1, SQLITE_STATIC);
            sqlite3_bind_text(d, 7, k->province, -1, SQLITE_STATIC);
            sqlite3_step(d);
            sqlite3_reset(d);
        }
        if (next_random() % 2000 == 0) { /* 50 per 100,000 */
            sqlite3_bind_int64(c, 1, id);
            sqlite3_bind_int64(c, 2, WEEK_START + (int64_t)(next_random() % (7 * 86400)));
            sqlite3_bind_text(c, 3, k->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(c, 4, k->district, -1, SQLITE_STATIC);
            sqlite3_bind_text(c, 5, k->province, -1, SQLITE_STATIC);
            sqlite3_step(c);
            sqlite3_reset(c);
        }
    }
    sqlite3_finalize(p);
    sqlite3_finalize(d);
    sqlite3_finalize(c);
    return exec(db, "COMMIT; ANALYZE; PRAGMA synchronous=FULL");
}

/* The straightforward way: the same figures, commune by commune (indexed look-ups each). */
static long long per_commune(sqlite3 *db, const commune *cs, int nc)
{
    sqlite3_stmt *a = NULL, *b = NULL, *c = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT count(*), sum(birth_date <= '2003-11-21'),"
                       " sum(birth_date <= '1971-11-21') FROM people WHERE unit_code = ?",
                       -1, &a, NULL);
    sqlite3_prepare_v2(db,
                       "SELECT count(*) FROM cases WHERE unit_code = ? AND found_in = 'community'"
                       " AND confirmed_at >= ? AND confirmed_at < ?",
                       -1, &b, NULL);
    sqlite3_prepare_v2(db,
                       "SELECT count(DISTINCT d.person_id), count(DISTINCT CASE WHEN"
                       " d.completes_primary THEN d.person_id END) FROM doses d JOIN people p ON"
                       " p.id = d.person_id WHERE p.unit_code = ? AND d.given_on <= '2021-11-21'",
                       -1, &c, NULL);
    long long sum = 0;
    for (int i = 0; i < nc && a && b && c; i++) {
        sqlite3_bind_text(a, 1, cs[i].code, -1, SQLITE_STATIC);
        if (sqlite3_step(a) == SQLITE_ROW)
            sum += sqlite3_column_int64(a, 0);
        sqlite3_reset(a);
        sqlite3_bind_text(b, 1, cs[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(b, 2, WEEK_START - 7 * 86400);
        sqlite3_bind_int64(b, 3, WEEK_START + 7 * 86400);
        sqlite3_step(b);
        sqlite3_reset(b);
        sqlite3_bind_text(c, 1, cs[i].code, -1, SQLITE_STATIC);
        sqlite3_step(c);
        sqlite3_reset(c);
    }
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    sqlite3_finalize(c);
    return sum;
}

int main(void)
{
    const char *env = getenv("PD_BENCH_RISK_PEOPLE");
    long long people = env ? atoll(env) : 1000000;
    char path[256];
    const char *given = getenv("PD_BENCH_RISK_DB");
    snprintf(path, sizeof path, "%s", given ? given : "/tmp/phongdich-bench-risk.db");
    if (!given)
        unlink(path);
    pd_err err;
    int loaded = 0;
    sqlite3 *db = pd_db_open(path, &err);
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    commune *cs = NULL;
    int nc = 0;
    if (load_communes(db, &cs, &nc))
        return 1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM people", -1, &st, NULL);
    long long have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    double t0 = now_ms();
    if (have == 0 && generate(db, people, cs, nc))
        return 1;
    double gen = now_ms() - t0;
    pd_actor cli = pd_actor_cli();
    pd_risk_week w;
    t0 = now_ms();
    if (pd_risk_week_compute(db, &cli, WEEK, NULL, true, &w, &err) != PD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    double setwise = now_ms() - t0;
    int communes = w.count;
    int per[5] = {0};
    for (int i = 0; i < w.count; i++)
        per[w.rows[i].res.level]++;
    pd_risk_week_free(&w);
    t0 = now_ms();
    long long check = per_commune(db, cs, nc);
    double naive = now_ms() - t0;
    printf("| risk week %s | people | communes | ms |\n| --- | ---: | ---: | ---: |\n", WEEK);
    printf("| generate registry | %lld | %d | %.0f |\n", have ? have : people, nc, gen);
    printf("| set-wise, this week and last (pd_risk_week_compute) | %lld | %d | %.0f |\n",
           have ? have : people, communes, setwise);
    printf("| commune by commune, this week only | %lld | %d | %.0f |\n", check, nc, naive);
    printf("levels: 1=%d 2=%d 3=%d 4=%d\n", per[1], per[2], per[3], per[4]);
    free(cs);
    pd_db_close(db);
    if (!given)
        unlink(path);
    return 0;
}
