/* bench/bench_coverage.c: the vaccination coverage report of a province (default 1,000,000 people
 * in the communes of Bắc Kạn, 06) computed set-wise by pd_coverage() (one SQL pass with GROUP BY),
 * versus a plain per-row approach in the same run: walk the people, fetch each one's doses with a
 * prepared statement, compute age and flags in C and add them up per district. Both must agree;
 * prints a table and `RESULT key value` lines. Usage: bench_coverage [--db FILE] [--people N]
 * [--date 2021-11-15] [--passes 3] (a missing or empty --db is generated first; default
 * /tmp/phongdich-bench-coverage.db). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/validate.h"
#include "store/db.h"
#include "units/units.h"
#include "vaccination/vaccination.h"

#define MAX_COMMUNES 512
#define MAX_DISTRICTS 32

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of the process: the machine is shared, so wall time alone misleads. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t rng = 7;
static uint32_t rnd(uint32_t n) /* splitmix64, [0, n) */
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) % n);
}

static int64_t scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

typedef struct commune {
    char code[16], district[16];
} commune;

static int load_communes(sqlite3 *db, commune *out)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT code, district_code FROM units WHERE province_code = '06' AND"
                       " level = 3 ORDER BY code",
                       -1, &st, NULL);
    int n = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW && n < MAX_COMMUNES) {
        snprintf(out[n].code, sizeof out[n].code, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(out[n].district, sizeof out[n].district, "%s",
                 (const char *)sqlite3_column_text(st, 1));
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

static void day_text(long day, char out[12])
{
    pd_date d = pd_local_date((int64_t)day * 86400);
    pd_date_format(&d, out, 12);
}

/* A valid course: 0-3 doses, first from March to October 2021. */
static void gen_doses(sqlite3_stmt *ins, int64_t person, const commune *c)
{
    static const char *const products[] = {"VC", "AZ", "PF", "MD"};
    static const int gaps[] = {21, 56, 21, 28};
    int k = rnd(100) < 20 ? 0 : rnd(100) < 15 ? 1 : rnd(100) < 80 ? 2 : 3;
    int p = (int)rnd(4);
    long day = pd_days_from_civil(2021, 3, 1) + rnd(240);
    for (int i = 0; i < k; i++) {
        char given[12];
        day_text(day, given);
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, person);
        sqlite3_bind_text(ins, 2, i == 2 ? "PF" : products[p], -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 3, i + 1);
        sqlite3_bind_text(ins, 4, i == 2 ? "booster" : "primary", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, given, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 6, i == 1);
        sqlite3_bind_text(ins, 7, c->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 8, c->district, -1, SQLITE_STATIC);
        sqlite3_step(ins);
        day += i == 0 ? gaps[p] + rnd(14) : 180 + rnd(30);
    }
}

static int generate(sqlite3 *db, int64_t people)
{
    commune communes[MAX_COMMUNES];
    int n = load_communes(db, communes);
    if (n == 0)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF; BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *person = NULL, *dose = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO people(full_name, name_folded, birth_date, unit_code,"
                       " district_code, province_code, created_at, updated_at)"
                       " VALUES ('Nguoi Thu', 'nguoi thu', ?1, ?2, ?3, '06', 1, 1)",
                       -1, &person, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO doses(person_id, product_code, dose_number, kind, given_on,"
                       " completes_primary, unit_code, district_code, province_code, created_at)"
                       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,'06',1)",
                       -1, &dose, NULL);
    for (int64_t i = 0; i < people; i++) {
        const commune *c = &communes[rnd((uint32_t)n)];
        char birth[16];
        snprintf(birth, sizeof birth, "%u-%02u-%02u", 1925 + rnd(96), 1 + rnd(12), 1 + rnd(28));
        sqlite3_reset(person);
        sqlite3_bind_text(person, 1, birth, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(person, 2, c->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(person, 3, c->district, -1, SQLITE_STATIC);
        sqlite3_step(person);
        int64_t id = sqlite3_last_insert_rowid(db);
        if (strcmp(birth, "2010") < 0)
            gen_doses(dose, id, c);
    }
    sqlite3_finalize(person);
    sqlite3_finalize(dose);
    sqlite3_exec(db, "COMMIT; ANALYZE", NULL, NULL, NULL);
    return 0;
}

/* ---- the two approaches ---- */

typedef struct totals {
    int64_t people, adults, adults_one, adults_full, p50, p50_full, rows;
} totals;

static int add_row(const pd_cov_row *r, void *ctx)
{
    totals *t = ctx;
    if (r->total)
        return 0;
    t->rows++;
    t->people += r->band[PD_BAND_ALL].people;
    t->adults += r->band[PD_BAND_18].people;
    t->adults_one += r->band[PD_BAND_18].one_dose;
    t->adults_full += r->band[PD_BAND_18].full;
    t->p50 += r->band[PD_BAND_50].people;
    t->p50_full += r->band[PD_BAND_50].full;
    return 0;
}

static totals setwise(sqlite3 *db, const char *date)
{
    totals t = {0};
    pd_actor a = pd_actor_cli();
    pd_err err;
    if (pd_coverage(db, &a, "06", date, "unit", add_row, &t, &err) != PD_OK)
        fprintf(stderr, "coverage: %s\n", err.message);
    return t;
}

static totals per_row(sqlite3 *db, const char *date)
{
    typedef struct acc {
        char district[16];
        totals t;
    } acc;
    acc by[MAX_DISTRICTS];
    int nd = 0;
    pd_date day;
    pd_date_parse(date, &day);
    sqlite3_stmt *people = NULL, *doses = NULL;
    sqlite3_prepare_v2(
        db, "SELECT id, birth_date, district_code FROM people WHERE province_code = '06'", -1,
        &people, NULL);
    sqlite3_prepare_v2(db, "SELECT given_on, completes_primary FROM doses WHERE person_id = ?", -1,
                       &doses, NULL);
    while (sqlite3_step(people) == SQLITE_ROW) {
        const char *district = (const char *)sqlite3_column_text(people, 2);
        int k = 0;
        while (k < nd && strcmp(by[k].district, district) != 0)
            k++;
        if (k == nd && nd < MAX_DISTRICTS) {
            memset(&by[nd], 0, sizeof by[nd]);
            snprintf(by[nd++].district, sizeof by[0].district, "%s", district);
        }
        pd_date b;
        pd_date_parse((const char *)sqlite3_column_text(people, 1), &b);
        int age = pd_age_on(&b, &day);
        bool one = false, full = false;
        sqlite3_reset(doses);
        sqlite3_bind_int64(doses, 1, sqlite3_column_int64(people, 0));
        while (sqlite3_step(doses) == SQLITE_ROW) {
            if (strcmp((const char *)sqlite3_column_text(doses, 0), date) > 0)
                continue;
            one = true;
            full |= sqlite3_column_int(doses, 1) != 0;
        }
        totals *t = &by[k].t;
        t->people++;
        t->adults += age >= 18;
        t->adults_one += age >= 18 && one;
        t->adults_full += age >= 18 && full;
        t->p50 += age >= 50;
        t->p50_full += age >= 50 && full;
    }
    sqlite3_finalize(people);
    sqlite3_finalize(doses);
    totals sum = {0};
    for (int k = 0; k < nd; k++) {
        sum.rows++;
        sum.people += by[k].t.people;
        sum.adults += by[k].t.adults;
        sum.adults_one += by[k].t.adults_one;
        sum.adults_full += by[k].t.adults_full;
        sum.p50 += by[k].t.p50;
        sum.p50_full += by[k].t.p50_full;
    }
    return sum;
}

static bool same(const totals *a, const totals *b)
{
    return a->people == b->people && a->adults == b->adults && a->adults_one == b->adults_one &&
           a->adults_full == b->adults_full && a->p50 == b->p50 && a->p50_full == b->p50_full &&
           a->rows == b->rows;
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return def;
}

int main(int argc, char **argv)
{
    const char *path = arg(argc, argv, "--db", "/tmp/phongdich-bench-coverage.db");
    int64_t want = atoll(arg(argc, argv, "--people", "1000000"));
    const char *date = arg(argc, argv, "--date", "2021-11-15");
    int passes = atoi(arg(argc, argv, "--passes", "3"));
    pd_err err;
    sqlite3 *db = pd_db_open(path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (scalar(db, "SELECT count(*) FROM people") == 0) {
        double t0 = now_ms();
        if (generate(db, want) != 0)
            return 1;
        fprintf(stderr, "generated %lld people, %lld doses in %.0f ms\n",
                (long long)scalar(db, "SELECT count(*) FROM people"),
                (long long)scalar(db, "SELECT count(*) FROM doses"), now_ms() - t0);
    }
    double best_set = 1e18, best_row = 1e18, cpu_set = 1e18, cpu_row = 1e18;
    totals s = {0}, r = {0};
    for (int p = 0; p < passes; p++) {
        double t0 = now_ms(), c0 = cpu_ms();
        s = setwise(db, date);
        double t1 = now_ms(), c1 = cpu_ms();
        r = per_row(db, date);
        double t2 = now_ms(), c2 = cpu_ms();
        best_set = t1 - t0 < best_set ? t1 - t0 : best_set;
        best_row = t2 - t1 < best_row ? t2 - t1 : best_row;
        cpu_set = c1 - c0 < cpu_set ? c1 - c0 : cpu_set;
        cpu_row = c2 - c1 < cpu_row ? c2 - c1 : cpu_row;
    }
    bool agree = same(&s, &r);
    printf("Coverage of province 06 as of %s: %lld people, %lld districts\n", date,
           (long long)s.people, (long long)s.rows);
    printf("%-32s %10s %10s %10s %10s %10s\n", "approach", "wall ms", "cpu ms", "18+", "18+ >=1",
           "50+ full");
    printf("%-32s %10.1f %10.1f %10lld %10lld %10lld\n", "set-wise SQL (pd_coverage)", best_set,
           cpu_set, (long long)s.adults, (long long)s.adults_one, (long long)s.p50_full);
    printf("%-32s %10.1f %10.1f %10lld %10lld %10lld\n", "per row (doses of each person)", best_row,
           cpu_row, (long long)r.adults, (long long)r.adults_one, (long long)r.p50_full);
    printf("results agree: %s; speed-up %.1fx\n", agree ? "yes" : "NO", best_row / best_set);
    printf("RESULT coverage_setwise_ms %.1f\nRESULT coverage_per_row_ms %.1f\n", best_set,
           best_row);
    pd_db_close(db);
    return agree ? 0 : 1;
}
