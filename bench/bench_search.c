/* bench/bench_search.c: latency of the diacritic-insensitive name search on a large registry.
 * Samples a few hundred queries from the names stored in the database (a surname "nguyen", surname
 * and middle name "nguyen van", a given name "hung", a full name with its diacritics "Nguyễn Văn
 * Hùng"), then times what GET /api/people?q= does for a first page, pd_people_search (a page of 50
 * and the count up to pd_people_count_cap()), for a country-wide admin and for a commune account
 * (the list alone, pd_people_list, is timed too, for the breakdown); and, on the same connection,
 * the plain baseline `SELECT ... FROM people WHERE name_folded LIKE '%q%' LIMIT 51` plus its
 * count(*). Prints p50/p99 per pass and, as `RESULT key value` lines, the medians over the passes.
 * For information (not in the figures), it also times digit queries, prefixes of stored id numbers
 * and phones, the same way.
 * Usage: bench_search --db DB [--queries 300] [--passes 3] [--baseline-passes P] [--seed 1]
 *                     [--commune 01837] [--explain]
 *        bench_search --db DB --check-rows N   (exit 0 if the people table holds exactly N rows) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "base/text.h"
#include "people/people.h"
#include "people/row.h"
#include "store/db.h"

enum { KIND_SURNAME, KIND_SURNAME_MIDDLE, KIND_GIVEN, KIND_FULL, KIND_COUNT };
static const char *const kind_names[] = {"surname", "surname+middle", "given", "full name"};

typedef struct query {
    char q[128];      /* as typed: folded, or with diacritics */
    char folded[128]; /* for the LIKE baseline */
    int kind;
} query;

typedef struct sample {
    double ms;      /* list + count */
    double list_ms; /* list only */
    int64_t total;
    bool capped; /* more than total match */
    int query;
} sample;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t rng = 1;
static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
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

/* Copies the first `from..to` words (0-based, inclusive) of s, space-separated. */
static void words(const char *s, int from, int to, char *out, size_t cap)
{
    char tmp[256];
    pd_strlcpy(tmp, s, sizeof tmp);
    out[0] = '\0';
    size_t at = 0;
    int i = 0;
    char *save = NULL;
    for (char *w = strtok_r(tmp, " ", &save); w; w = strtok_r(NULL, " ", &save), i++) {
        if (i < from || (to >= 0 && i > to))
            continue;
        int n = snprintf(out + at, cap - at, "%s%s", at ? " " : "", w);
        if (n < 0 || (size_t)n >= cap - at)
            break;
        at += (size_t)n;
    }
}

static int count_words(const char *s)
{
    int n = 0;
    for (const char *p = s; *p; p++)
        if (*p != ' ' && (p == s || p[-1] == ' '))
            n++;
    return n;
}

static int sample_queries(sqlite3 *db, query *qs, int n)
{
    int64_t max_id = scalar(db, "SELECT max(id) FROM people");
    if (max_id <= 0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            db, "SELECT full_name, name_folded FROM people WHERE id >= ? ORDER BY id LIMIT 1", -1,
            &st, NULL) != SQLITE_OK)
        return -1;
    for (int i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, 1 + (int64_t)(rng_next() % (uint64_t)max_id));
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_finalize(st);
            return -1;
        }
        const char *full = (const char *)sqlite3_column_text(st, 0);
        const char *folded = (const char *)sqlite3_column_text(st, 1);
        query *q = &qs[i];
        q->kind = i % KIND_COUNT;
        int nw = count_words(folded);
        bool diacritics = (i / KIND_COUNT) % 2 == 1 || q->kind == KIND_FULL;
        int from = 0, to = -1;
        switch (q->kind) {
        case KIND_SURNAME:
            to = 0;
            break;
        case KIND_SURNAME_MIDDLE:
            to = 1;
            break;
        case KIND_GIVEN:
            from = nw - 1;
            break;
        default:
            break;
        }
        words(folded, from, to, q->folded, sizeof q->folded);
        words(diacritics ? full : folded, from, to, q->q, sizeof q->q);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return 0;
}

/* Digit queries: prefixes of 3 to 8 digits of stored id numbers and phones, in turn. */
static int sample_digit_queries(sqlite3 *db, query *qs, int n)
{
    int64_t max_id = scalar(db, "SELECT max(id) FROM people");
    sqlite3_stmt *st = NULL;
    if (max_id <= 0 ||
        sqlite3_prepare_v2(db,
                           "SELECT coalesce(id_number, ''), coalesce(phone, '') FROM people"
                           " WHERE id >= ? AND (id_number IS NOT NULL OR phone IS NOT NULL)"
                           " ORDER BY id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    for (int i = 0, tries = 0; i < n && tries < 100 * n; tries++) {
        sqlite3_bind_int64(st, 1, 1 + (int64_t)(rng_next() % (uint64_t)max_id));
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *field = (const char *)sqlite3_column_text(st, i % 2);
            size_t want = 3 + (size_t)(i / 2 % 6);
            if (field && strlen(field) >= want && field[0] >= '0' && field[0] <= '9') {
                memset(&qs[i], 0, sizeof qs[i]);
                memcpy(qs[i].q, field, want);
                i++;
            }
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return 0;
}

static int count_row(const pd_person *p, void *ctx)
{
    (void)p;
    ++*(int *)ctx;
    return 0;
}

/* What the API does for a first page: pd_people_search, the page and the capped count. The list
 * alone (pd_people_list) is timed separately, for the breakdown. */
static int run_api(sqlite3 *db, const pd_actor *actor, const query *q, sample *s)
{
    pd_people_query pq;
    memset(&pq, 0, sizeof pq);
    pd_strlcpy(pq.q, q->q, sizeof pq.q);
    pq.limit = 50;
    pd_err err;
    bool more;
    int rows = 0;
    double t0 = now_ms();
    if (pd_people_search(db, actor, &pq, pd_people_count_cap(&pq), count_row, &rows, &more,
                         &s->total, &s->capped, &err) != PD_OK) {
        fprintf(stderr, "pd_people_search(%s): %s\n", q->q, err.message);
        return -1;
    }
    double t1 = now_ms();
    if (pd_people_list(db, actor, &pq, count_row, &rows, &more, &err) != PD_OK) {
        fprintf(stderr, "pd_people_list(%s): %s\n", q->q, err.message);
        return -1;
    }
    s->ms = t1 - t0;
    s->list_ms = now_ms() - t1;
    return 0;
}

/* The plain baseline: LIKE over name_folded (scan), in the commune's rows when scoped. */
typedef struct baseline {
    sqlite3_stmt *list, *count;
    const char *commune; /* NULL: the whole table */
} baseline;

static int baseline_prepare(sqlite3 *db, baseline *b, const char *commune)
{
    char sql[1024];
    b->commune = commune;
    snprintf(sql, sizeof sql,
             "SELECT " PD_PERSON_COLUMNS " FROM people p WHERE %s p.name_folded LIKE ?1 LIMIT 51",
             commune ? "p.unit_code = ?2 AND" : "");
    if (sqlite3_prepare_v2(db, sql, -1, &b->list, NULL) != SQLITE_OK)
        return -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM people p WHERE %s p.name_folded LIKE ?1",
             commune ? "p.unit_code = ?2 AND" : "");
    return sqlite3_prepare_v2(db, sql, -1, &b->count, NULL) == SQLITE_OK ? 0 : -1;
}

static int run_baseline(baseline *b, const query *q, sample *s)
{
    char pattern[160];
    snprintf(pattern, sizeof pattern, "%%%s%%", q->folded);
    double t0 = now_ms();
    sqlite3_bind_text(b->list, 1, pattern, -1, SQLITE_STATIC);
    if (b->commune)
        sqlite3_bind_text(b->list, 2, b->commune, -1, SQLITE_STATIC);
    pd_person p;
    int rc;
    while ((rc = sqlite3_step(b->list)) == SQLITE_ROW)
        pd_person_from_row(b->list, 0, &p);
    sqlite3_reset(b->list);
    if (rc != SQLITE_DONE)
        return -1;
    double t1 = now_ms();
    sqlite3_bind_text(b->count, 1, pattern, -1, SQLITE_STATIC);
    if (b->commune)
        sqlite3_bind_text(b->count, 2, b->commune, -1, SQLITE_STATIC);
    if (sqlite3_step(b->count) != SQLITE_ROW)
        return -1;
    s->total = sqlite3_column_int64(b->count, 0);
    sqlite3_reset(b->count);
    s->ms = now_ms() - t0;
    s->list_ms = t1 - t0;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n values (sorted in place). */
static double percentile(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int rank = (int)ceil(p / 100.0 * n);
    return v[rank < 1 ? 0 : rank - 1];
}

static double median_of(double *v, int n)
{
    return percentile(v, n, 50);
}

typedef struct stats {
    double p50, p99, list_p99, max;
} stats;

static stats summarize(const sample *s, int n)
{
    double *v = malloc(sizeof *v * (size_t)n), *l = malloc(sizeof *l * (size_t)n);
    for (int i = 0; i < n; i++) {
        v[i] = s[i].ms;
        l[i] = s[i].list_ms;
    }
    stats st = {percentile(v, n, 50), percentile(v, n, 99), percentile(l, n, 99), v[n - 1]};
    free(v);
    free(l);
    return st;
}

static void print_breakdown(const char *label, const sample *s, int n, const query *qs)
{
    for (int k = 0; k < KIND_COUNT; k++) {
        double v[4096];
        int m = 0;
        for (int i = 0; i < n && m < 4096; i++)
            if (qs[s[i].query].kind == k)
                v[m++] = s[i].ms;
        if (m)
            printf("  %s  %-15s n=%-4d p50 %8.2f ms  p99 %8.2f ms\n", label, kind_names[k], m,
                   percentile(v, m, 50), percentile(v, m, 99));
    }
    /* The slowest queries of the pass. */
    int idx[5] = {-1, -1, -1, -1, -1};
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 5; j++)
            if (idx[j] < 0 || s[i].ms > s[idx[j]].ms) {
                memmove(&idx[j + 1], &idx[j], sizeof idx[0] * (size_t)(4 - j));
                idx[j] = i;
                break;
            }
    for (int j = 0; j < 5 && idx[j] >= 0; j++)
        printf("  %s  slowest: %8.2f ms (list %7.2f ms) total %-7lld%s q=\"%s\"\n", label,
               s[idx[j]].ms, s[idx[j]].list_ms, (long long)s[idx[j]].total,
               s[idx[j]].capped ? "+" : " ", qs[s[idx[j]].query].q);
}

static void explain(sqlite3 *db, const char *sql, const char *arg1, const char *arg2,
                    const char *arg3)
{
    char full[1200];
    snprintf(full, sizeof full, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, full, -1, &st, NULL) != SQLITE_OK) {
        printf("  (cannot explain: %s)\n", sqlite3_errmsg(db));
        return;
    }
    if (arg1)
        sqlite3_bind_text(st, 1, arg1, -1, SQLITE_STATIC);
    if (arg2)
        sqlite3_bind_text(st, 2, arg2, -1, SQLITE_STATIC);
    if (arg3)
        sqlite3_bind_text(st, 3, arg3, -1, SQLITE_STATIC);
    printf("  %s\n", sql);
    while (sqlite3_step(st) == SQLITE_ROW)
        printf("    %s\n", (const char *)sqlite3_column_text(st, 3));
    sqlite3_finalize(st);
}

int main(int argc, char **argv)
{
    const char *dbpath = NULL, *commune = "01837";
    int nq = 300, passes = 3, baseline_passes = -1, do_explain = 0;
    long long check_rows = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            dbpath = argv[++i];
        else if (!strcmp(argv[i], "--queries") && i + 1 < argc)
            nq = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--passes") && i + 1 < argc)
            passes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--baseline-passes") && i + 1 < argc)
            baseline_passes = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            rng = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--commune") && i + 1 < argc)
            commune = argv[++i];
        else if (!strcmp(argv[i], "--check-rows") && i + 1 < argc)
            check_rows = atoll(argv[++i]);
        else if (!strcmp(argv[i], "--explain"))
            do_explain = 1;
        else {
            fprintf(stderr,
                    "unknown argument %s (see the comment at the top of bench/bench_search.c)\n",
                    argv[i]);
            return 2;
        }
    }
    if (!dbpath || nq < 1 || nq > 4096 || passes < 1) {
        fprintf(stderr, "usage: bench_search --db DB [--queries N<=4096] [--passes P] [--seed S]"
                        " [--commune CODE] [--explain] | --check-rows N\n");
        return 2;
    }
    if (baseline_passes < 0)
        baseline_passes = passes;
    pd_err err;
    sqlite3 *db = pd_db_open_existing(dbpath, &err);
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (check_rows >= 0) {
        int64_t n = scalar(db, "SELECT count(*) FROM people");
        printf("%lld\n", (long long)n);
        pd_db_close(db);
        return n == check_rows ? 0 : 1;
    }

    query *qs = calloc((size_t)nq, sizeof *qs);
    if (sample_queries(db, qs, nq) != 0) {
        fprintf(stderr, "could not sample names from %s (empty people table?)\n", dbpath);
        return 1;
    }
    printf(
        "%lld people; %d queries sampled from stored names, e.g. \"%s\", \"%s\", \"%s\", \"%s\"\n",
        (long long)scalar(db, "SELECT count(*) FROM people"), nq, qs[0].q, qs[1].q, qs[2 % nq].q,
        qs[3 % nq].q);

    pd_actor admin = pd_actor_cli();
    pd_actor xa;
    memset(&xa, 0, sizeof xa);
    xa.user_id = 0;
    pd_strlcpy(xa.username, "bench-xa", sizeof xa.username);
    xa.role = PD_ROLE_COMMUNE;
    xa.scope_level = PD_SCOPE_COMMUNE;
    pd_strlcpy(xa.scope_code, commune, sizeof xa.scope_code);

    struct {
        const char *name;
        const pd_actor *actor;
        const char *commune;
    } actors[] = {{"admin", &admin, NULL}, {"commune", &xa, commune}};

    sample *s = calloc((size_t)nq, sizeof *s);
    for (int a = 0; a < 2; a++) {
        baseline b;
        if (baseline_prepare(db, &b, actors[a].commune) != 0) {
            fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        /* Warm the caches with a few queries of each kind, untimed. */
        for (int i = 0; i < nq && i < 40; i++) {
            sample w;
            if (run_api(db, actors[a].actor, &qs[i], &w) != 0)
                return 1;
        }
        if (baseline_passes > 0)
            for (int i = 0; i < nq && i < 8; i++) {
                sample w;
                run_baseline(&b, &qs[i], &w);
            }
        double fts_p50[16], fts_p99[16], like_p50[16], like_p99[16];
        int np = passes < 16 ? passes : 16, nbp = baseline_passes < 16 ? baseline_passes : 16;
        for (int p = 0; p < np || p < nbp; p++) {
            if (p < np) {
                for (int i = 0; i < nq; i++) {
                    s[i].query = i;
                    if (run_api(db, actors[a].actor, &qs[i], &s[i]) != 0)
                        return 1;
                }
                stats st = summarize(s, nq);
                fts_p50[p] = st.p50;
                fts_p99[p] = st.p99;
                printf(
                    "%-7s page+count (search) pass %d: p50 %7.2f ms  p99 %7.2f ms (list alone p99 "
                    "%7.2f ms)  max %7.2f ms\n",
                    actors[a].name, p + 1, st.p50, st.p99, st.list_p99, st.max);
                if (p == np - 1)
                    print_breakdown(actors[a].name, s, nq, qs);
            }
            if (p < nbp) {
                for (int i = 0; i < nq; i++) {
                    s[i].query = i;
                    if (run_baseline(&b, &qs[i], &s[i]) != 0) {
                        fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(db));
                        return 1;
                    }
                }
                stats st = summarize(s, nq);
                like_p50[p] = st.p50;
                like_p99[p] = st.p99;
                printf(
                    "%-7s LIKE baseline            pass %d: p50 %7.2f ms  p99 %7.2f ms (list alone "
                    "p99 "
                    "%7.2f ms)  max %7.2f ms\n",
                    actors[a].name, p + 1, st.p50, st.p99, st.list_p99, st.max);
            }
            fflush(stdout);
        }
        sqlite3_finalize(b.list);
        sqlite3_finalize(b.count);
        printf("RESULT search.%s.fts.p50 %.3f\n", actors[a].name, median_of(fts_p50, np));
        printf("RESULT search.%s.fts.p99 %.3f\n", actors[a].name, median_of(fts_p99, np));
        if (nbp > 0) {
            printf("RESULT search.%s.like.p50 %.3f\n", actors[a].name, median_of(like_p50, nbp));
            printf("RESULT search.%s.like.p99 %.3f\n", actors[a].name, median_of(like_p99, nbp));
        }
    }
    printf("RESULT search.passes %d\nRESULT search.baseline_passes %d\nRESULT search.queries %d\n",
           passes, baseline_passes, nq);

    /* Digit queries, for information: one pass per actor, not part of the figures. */
    int nd = nq < 120 ? nq : 120;
    if (sample_digit_queries(db, qs, nd) == 0) {
        for (int a = 0; a < 2; a++) {
            for (int i = 0; i < nd && i < 20; i++) {
                sample w;
                if (run_api(db, actors[a].actor, &qs[i], &w) != 0)
                    return 1;
            }
            for (int i = 0; i < nd; i++) {
                s[i].query = i;
                if (run_api(db, actors[a].actor, &qs[i], &s[i]) != 0)
                    return 1;
            }
            stats st = summarize(s, nd);
            printf("%-7s digit queries (id number/phone prefix, 3-8 digits, n=%d): p50 %7.2f ms"
                   "  p99 %7.2f ms  max %7.2f ms\n",
                   actors[a].name, nd, st.p50, st.p99, st.max);
            for (int k = 0; k < 3; k++) {
                int worst = -1;
                for (int i = 0; i < nd; i++)
                    if (s[i].query >= 0 && (worst < 0 || s[i].ms > s[worst].ms))
                        worst = i;
                if (worst < 0)
                    break;
                printf("  %s  slowest digits: %8.2f ms (list %7.2f ms) total %-7lld%s q=\"%s\"\n",
                       actors[a].name, s[worst].ms, s[worst].list_ms, (long long)s[worst].total,
                       s[worst].capped ? "+" : " ", qs[s[worst].query].q);
                s[worst].query = -1;
            }
        }
    }

    if (do_explain) {
        /* The statements pd_people_list/pd_people_count_capped run (see src/people/search.c): a
         * name, then a digit prefix (the probe, then the page through the indexes or in id
         * order). */
        printf("EXPLAIN QUERY PLAN of the search statements (src/people/search.c):\n");
        char scope_token[96];
        snprintf(scope_token, sizeof scope_token, "name : \"nguyen\"* AND scope : \"c%s\"",
                 commune);
        explain(db,
                "SELECT count(*) FROM (SELECT 1 FROM people_fts f WHERE people_fts MATCH ?1"
                " LIMIT 10001)",
                scope_token, NULL, NULL);
        explain(db,
                "SELECT p.id FROM people_fts f JOIN people p ON p.id = f.rowid"
                " WHERE people_fts MATCH ?1 AND f.rowid > 0 ORDER BY f.rowid LIMIT 51",
                "name : \"nguyen\"* AND name : \"van\"*", NULL, NULL);
        explain(db,
                "SELECT (SELECT count(*) FROM (SELECT 1 FROM people WHERE id_number >= ?1"
                " AND id_number < ?2 LIMIT 5000)) + (SELECT count(*) FROM (SELECT 1 FROM people"
                " WHERE phone >= ?1 AND phone < ?2 LIMIT 5000))",
                "0912", "0912:", NULL);
        explain(db,
                "SELECT p.id FROM people p WHERE 1 AND ((p.id_number >= ?1 AND p.id_number < ?2)"
                " OR (p.phone >= ?1 AND p.phone < ?2)) AND +p.unit_code = ?3 AND +p.id > 0"
                " ORDER BY p.id LIMIT 51",
                "09123", "09123:", commune);
        explain(db,
                "SELECT p.id FROM people p WHERE 1 AND ((+p.id_number >= ?1 AND +p.id_number < ?2)"
                " OR (+p.phone >= ?1 AND +p.phone < ?2)) AND p.unit_code = ?3 AND p.id > 0"
                " ORDER BY p.id LIMIT 51",
                "006", "006:", commune);
        explain(db,
                "SELECT p.id FROM people p WHERE 1 AND ((+p.id_number >= ?1 AND +p.id_number < ?2)"
                " OR (+p.phone >= ?1 AND +p.phone < ?2)) AND p.id > 0 ORDER BY p.id LIMIT 51",
                "006", "006:", NULL);
        explain(db,
                "SELECT count(*) FROM people p WHERE p.unit_code = ?2 AND p.name_folded LIKE ?1",
                "%nguyen van%", commune, NULL);
    }
    free(s);
    free(qs);
    pd_db_close(db);
    return 0;
}
