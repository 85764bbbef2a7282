/* bench/bench_trace.c: the tracing benchmark's measuring tool (bench/run.sh, BENCH_ONLY=trace),
 * over a database made by bench_trace_gen. Three modes:
 *
 *   bench_trace --db DB --now T --out ENGINE.tsv [--since S] [--min-overlap S] [--limit N]
 *               [--budget SECONDS]
 *     Times pd_tracer_open (what bringing the engine up after a restart costs: opening the database
 *     and building the index of check-ins since S, default T minus PD_TRACE_HORIZON_DAYS), reads
 *     the tracer's memory and the process's, then runs pd_trace_run (default options, now = T) on
 *     every case in id order (at most --limit; none started once --budget seconds have passed),
 *     timing each call. Writes one line per case to ENGINE.tsv (see below) and prints RESULT
 *     lines.
 *
 *   bench_trace --export people|venues|checkins|cases|case_contacts --db DB
 *     Writes the table as tab-separated text for PostgreSQL's COPY (NULL as \N). Check-ins carry
 *     the end of their presence (out_at, else in_at + the venue's stay, pd_venue_stay_minutes)
 *     instead of out_at, so that PostgreSQL applies the engine's rule without a join.
 *
 *   bench_trace --compare ENGINE.tsv PG.tsv
 *     Compares, case by case, what the engine and PostgreSQL found, and the times of the cases
 *     PostgreSQL ran (the same cases for both); prints RESULT lines and the first mismatches.
 *
 * A result line: case_id ms f1 f2 f1_ids f2_ids f1_exposures f2_exposures f2_vias, where the last
 * five are sums over the contacts (person ids, exposure times minus the case's window start, the
 * F2s' F1) -- a check that both found the same people with the same exposures and paths. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "trace/trace.h"
#include "venues/venues.h"

typedef struct line {
    int64_t case_id;
    double ms;
    int64_t f1, f2, f1_ids, f2_ids, f1_exp, f2_exp, f2_via;
} line;

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return def;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of n sorted values. */
static double pct(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return NAN;
    size_t r = (size_t)ceil(p * (double)n);
    return sorted[r ? r - 1 : 0];
}

static double mean(const double *v, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return n ? s / (double)n : NAN;
}

/* kB of a /proc/self/status field (VmRSS, VmHWM). */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char buf[256];
    long kb = -1;
    size_t len = strlen(field);
    while (f && fgets(buf, sizeof buf, f))
        if (strncmp(buf, field, len) == 0 && buf[len] == ':')
            kb = atol(buf + len + 1);
    if (f)
        fclose(f);
    return kb;
}

/* ---- Engine ------------------------------------------------------------------------------ */

static void print_dist(const char *name, double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    printf("RESULT %s.p50 %.3f\nRESULT %s.p99 %.3f\nRESULT %s.mean %.3f\nRESULT %s.max %.3f\n",
           name, pct(v, n, 0.5), name, pct(v, n, 0.99), name, mean(v, n), name, n ? v[n - 1] : NAN);
}

static int run_engine(const char *path, int64_t now, int64_t since, int min_overlap, long limit,
                      double budget_s, const char *out_path)
{
    FILE *out = fopen(out_path, "w");
    if (!out) {
        perror(out_path);
        return 1;
    }
    long rss0 = status_kb("VmRSS");
    pd_err err;
    double t0 = now_ms();
    sqlite3 *db = pd_db_open_existing(path, &err);
    if (!db) {
        fprintf(stderr, "bench_trace: %s\n", err.message);
        return 1;
    }
    double t1 = now_ms();
    pd_tracer *t = NULL;
    if (pd_tracer_open(db, since, &t, &err) != PD_OK) {
        fprintf(stderr, "bench_trace: pd_tracer_open: %s\n", err.message);
        return 1;
    }
    double t2 = now_ms();
    pd_tracer_stats stats;
    pd_tracer_stats_get(t, &stats);
    long rss_open = status_kb("VmRSS"), hwm_open = status_kb("VmHWM");
    printf("RESULT trace.db_open_ms %.1f\nRESULT trace.open_ms %.1f\nRESULT trace.restart_ms "
           "%.1f\n",
           t1 - t0, t2 - t1, t2 - t0);
    printf("RESULT trace.presences %lld\nRESULT trace.venues %lld\nRESULT trace.people %lld\n"
           "RESULT trace.bytes %zu\nRESULT trace.build_ms %.1f\nRESULT trace.rss_before_kb %ld\n"
           "RESULT trace.rss_open_kb %ld\nRESULT trace.hwm_open_kb %ld\n",
           (long long)stats.presences, (long long)stats.venues, (long long)stats.people,
           stats.bytes, stats.build_ms, rss0, rss_open, hwm_open);
    fflush(stdout);

    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id FROM cases ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_trace: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    size_t cap = 1024, n = 0;
    int64_t *ids = malloc(cap * sizeof *ids);
    while (ids && sqlite3_step(st) == SQLITE_ROW && (limit <= 0 || (long)n < limit)) {
        if (n == cap) {
            cap *= 2;
            int64_t *grown = realloc(ids, cap * sizeof *ids);
            if (!grown)
                break;
            ids = grown;
        }
        ids[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    double *ms = calloc(n ? n : 1, sizeof *ms), *f1 = calloc(n ? n : 1, sizeof *f1),
           *f2 = calloc(n ? n : 1, sizeof *f2);
    if (!ids || !ms || !f1 || !f2) {
        fprintf(stderr, "bench_trace: out of memory\n");
        return 1;
    }
    pd_trace_opts opts = {.min_overlap_s = min_overlap, .now = now, .no_f2 = false};
    int rc = 0;
    double started = now_ms();
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        if (budget_s > 0 && now_ms() - started > budget_s * 1e3)
            break;
        pd_trace_result r;
        memset(&r, 0, sizeof r);
        double a = now_ms();
        if (pd_trace_run(t, db, ids[i], &opts, &r, &err) != PD_OK) {
            fprintf(stderr, "bench_trace: case %lld: %s\n", (long long)ids[i], err.message);
            rc = 1;
            break;
        }
        double b = now_ms();
        line l = {.case_id = ids[i], .ms = b - a};
        for (size_t c = 0; c < r.f1_count + r.f2_count; c++) {
            const pd_contact *k = &r.contacts[c];
            if (k->level == 1) {
                l.f1++;
                l.f1_ids += k->person_id;
                l.f1_exp += k->exposure_at - r.window_start;
            } else {
                l.f2++;
                l.f2_ids += k->person_id;
                l.f2_exp += k->exposure_at - r.window_start;
                l.f2_via += k->via_person_id;
            }
        }
        if (l.f1 != (int64_t)r.f1_count || l.f2 != (int64_t)r.f2_count)
            fprintf(stderr, "bench_trace: case %lld: f1_count/f2_count disagree with the levels\n",
                    (long long)ids[i]);
        pd_trace_result_free(&r);
        fprintf(out, "%lld\t%.4f\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\n", (long long)l.case_id,
                l.ms, (long long)l.f1, (long long)l.f2, (long long)l.f1_ids, (long long)l.f2_ids,
                (long long)l.f1_exp, (long long)l.f2_exp, (long long)l.f2_via);
        fflush(out);
        done = i + 1;
        ms[i] = l.ms;
        f1[i] = (double)l.f1;
        f2[i] = (double)l.f2;
        if ((i + 1) % 10 == 0)
            fprintf(stderr, "bench_trace: %zu/%zu cases, %.1f s\n", i + 1, n,
                    (now_ms() - started) / 1e3);
    }
    fclose(out);
    if (rc)
        done = 0;
    printf("RESULT trace.cases %zu\nRESULT trace.total_s %.2f\n", done, (now_ms() - started) / 1e3);
    print_dist("trace.ms", ms, done);
    print_dist("trace.f1", f1, done);
    print_dist("trace.f2", f2, done);
    printf("RESULT trace.rss_end_kb %ld\nRESULT trace.hwm_kb %ld\n", status_kb("VmRSS"),
           status_kb("VmHWM"));
    free(ids);
    free(ms);
    free(f1);
    free(f2);
    pd_tracer_close(t);
    pd_db_close(db);
    return rc;
}

/* ---- Export ------------------------------------------------------------------------------- */

typedef struct outbuf {
    char data[1 << 16];
    size_t n;
} outbuf;

static void flush(outbuf *b)
{
    if (b->n && fwrite(b->data, 1, b->n, stdout) != b->n) {
        perror("bench_trace: write");
        exit(1);
    }
    b->n = 0;
}

static void put_int(outbuf *b, int64_t v, char end)
{
    if (b->n > sizeof b->data - 32)
        flush(b);
    char tmp[24];
    int k = 0;
    bool neg = v < 0;
    uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do
        tmp[k++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (neg)
        b->data[b->n++] = '-';
    while (k)
        b->data[b->n++] = tmp[--k];
    b->data[b->n++] = end;
}

static void put_col(outbuf *b, sqlite3_stmt *st, int col, char end)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        if (b->n > sizeof b->data - 32)
            flush(b);
        b->data[b->n++] = '\\';
        b->data[b->n++] = 'N';
        b->data[b->n++] = end;
    } else if (sqlite3_column_type(st, col) == SQLITE_INTEGER) {
        put_int(b, sqlite3_column_int64(st, col), end);
    } else {
        const char *s = (const char *)sqlite3_column_text(st, col);
        size_t len = strlen(s);
        if (b->n + len + 2 > sizeof b->data)
            flush(b);
        memcpy(b->data + b->n, s, len); /* dates only: no tab, newline or backslash */
        b->n += len;
        b->data[b->n++] = end;
    }
}

static int export_table(const char *path, const char *what)
{
    pd_err err;
    sqlite3 *db = pd_db_open_existing(path, &err);
    if (!db) {
        fprintf(stderr, "bench_trace: %s\n", err.message);
        return 1;
    }
    static outbuf b;
    /* Every venue's stay in seconds, by id. */
    int64_t max_venue = 0;
    int *stay = NULL;
    sqlite3_stmt *st = NULL;
    if (strcmp(what, "venues") == 0 || strcmp(what, "checkins") == 0) {
        if (sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) FROM venues", -1, &st, NULL) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            max_venue = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        stay = calloc((size_t)max_venue + 1, sizeof *stay);
        if (!stay ||
            sqlite3_prepare_v2(db, "SELECT id, kind, coalesce(default_stay_minutes, 0) FROM venues",
                               -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "bench_trace: venues: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            pd_venue v;
            memset(&v, 0, sizeof v);
            snprintf(v.kind, sizeof v.kind, "%s", (const char *)sqlite3_column_text(st, 1));
            v.default_stay_minutes = sqlite3_column_int(st, 2);
            stay[sqlite3_column_int64(st, 0)] = pd_venue_stay_minutes(&v) * 60;
        }
        sqlite3_finalize(st);
    }
    const char *sql =
        strcmp(what, "people") == 0     ? "SELECT id, household_id FROM people"
        : strcmp(what, "venues") == 0   ? "SELECT id FROM venues"
        : strcmp(what, "checkins") == 0 ? "SELECT person_id, venue_id, in_at, out_at "
                                          "FROM checkins"
        : strcmp(what, "cases") == 0
            ? "SELECT id, person_id, onset_date, sample_date, infectious_until FROM cases"
        : strcmp(what, "case_contacts") == 0
            ? "SELECT case_id, person_id, contact_at FROM case_contacts"
            : NULL;
    if (!sql) {
        fprintf(stderr, "bench_trace: nothing to export called %s\n", what);
        return 2;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_trace: %s: %s\n", sql, sqlite3_errmsg(db));
        return 1;
    }
    int cols = sqlite3_column_count(st), rc;
    bool checkins = strcmp(what, "checkins") == 0, venues = strcmp(what, "venues") == 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (checkins) {
            int64_t venue = sqlite3_column_int64(st, 1), in_at = sqlite3_column_int64(st, 2);
            int64_t out =
                sqlite3_column_type(st, 3) != SQLITE_NULL
                    ? sqlite3_column_int64(st, 3)
                    : in_at + (venue >= 0 && venue <= max_venue && stay[venue] ? stay[venue]
                                                                               : 120 * 60);
            put_int(&b, sqlite3_column_int64(st, 0), '\t');
            put_int(&b, venue, '\t');
            put_int(&b, in_at, '\t');
            put_int(&b, out, '\n');
        } else if (venues) {
            int64_t id = sqlite3_column_int64(st, 0);
            put_int(&b, id, '\t');
            put_int(&b, stay[id], '\n');
        } else {
            for (int c = 0; c < cols; c++)
                put_col(&b, st, c, c + 1 < cols ? '\t' : '\n');
        }
    }
    flush(&b);
    sqlite3_finalize(st);
    free(stay);
    pd_db_close(db);
    if (rc != SQLITE_DONE || fflush(stdout) != 0) {
        fprintf(stderr, "bench_trace: export of %s failed\n", what);
        return 1;
    }
    return 0;
}

/* ---- Compare ------------------------------------------------------------------------------ */

static line *read_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return NULL;
    }
    size_t cap = 1024;
    line *v = malloc(cap * sizeof *v);
    *n = 0;
    long long a[8];
    double ms;
    while (v && fscanf(f, "%lld %lf %lld %lld %lld %lld %lld %lld %lld", &a[0], &ms, &a[1], &a[2],
                       &a[3], &a[4], &a[5], &a[6], &a[7]) == 9) {
        if (*n == cap) {
            cap *= 2;
            line *grown = realloc(v, cap * sizeof *v);
            if (!grown) {
                free(v);
                v = NULL;
                break;
            }
            v = grown;
        }
        v[(*n)++] = (line){a[0], ms, a[1], a[2], a[3], a[4], a[5], a[6], a[7]};
    }
    fclose(f);
    return v;
}

static int compare(const char *engine_path, const char *pg_path)
{
    size_t ne = 0, np = 0;
    line *e = read_lines(engine_path, &ne), *p = read_lines(pg_path, &np);
    if (!e || !p)
        return 1;
    double *pg_ms = calloc(np ? np : 1, sizeof *pg_ms), *en_ms = calloc(np ? np : 1, sizeof *en_ms);
    double *ratio = calloc(np ? np : 1, sizeof *ratio);
    size_t matched = 0, count_bad = 0, ids_bad = 0, exp_bad = 0, via_bad = 0, shown = 0;
    for (size_t i = 0; i < np; i++) {
        const line *x = NULL;
        for (size_t j = 0; j < ne && !x; j++) /* small: a thousand lines */
            if (e[j].case_id == p[i].case_id)
                x = &e[j];
        if (!x) {
            fprintf(stderr, "case %lld: not run by the engine\n", (long long)p[i].case_id);
            count_bad++;
            continue;
        }
        const line *y = &p[i];
        pg_ms[matched] = y->ms;
        en_ms[matched] = x->ms;
        ratio[matched] = x->ms > 0 ? y->ms / x->ms : NAN;
        matched++;
        bool counts = x->f1 == y->f1 && x->f2 == y->f2;
        bool ids = x->f1_ids == y->f1_ids && x->f2_ids == y->f2_ids;
        bool exp = x->f1_exp == y->f1_exp && x->f2_exp == y->f2_exp;
        bool via = x->f2_via == y->f2_via;
        count_bad += !counts;
        ids_bad += counts && !ids;
        exp_bad += counts && ids && !exp;
        via_bad += counts && ids && exp && !via;
        if ((!counts || !ids || !exp || !via) && shown++ < 10)
            printf("mismatch case %lld: engine F1 %lld F2 %lld (ids %lld/%lld, exposures "
                   "%lld/%lld, via %lld), postgres F1 %lld F2 %lld (ids %lld/%lld, exposures "
                   "%lld/%lld, via %lld)\n",
                   (long long)y->case_id, (long long)x->f1, (long long)x->f2, (long long)x->f1_ids,
                   (long long)x->f2_ids, (long long)x->f1_exp, (long long)x->f2_exp,
                   (long long)x->f2_via, (long long)y->f1, (long long)y->f2, (long long)y->f1_ids,
                   (long long)y->f2_ids, (long long)y->f1_exp, (long long)y->f2_exp,
                   (long long)y->f2_via);
    }
    printf("RESULT compare.cases %zu\nRESULT compare.count_mismatches %zu\n"
           "RESULT compare.id_mismatches %zu\nRESULT compare.exposure_mismatches %zu\n"
           "RESULT compare.via_mismatches %zu\n",
           matched, count_bad, ids_bad, exp_bad, via_bad);
    print_dist("compare.pg_ms", pg_ms, matched);
    print_dist("compare.engine_ms", en_ms, matched);
    print_dist("compare.ratio", ratio, matched);
    free(e);
    free(p);
    free(pg_ms);
    free(en_ms);
    free(ratio);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--compare") == 0)
        return compare(argv[2], argv[3]);
    const char *db = arg(argc, argv, "--db", NULL), *what = arg(argc, argv, "--export", NULL);
    if (db && what)
        return export_table(db, what);
    const char *out = arg(argc, argv, "--out", NULL);
    int64_t now = atoll(arg(argc, argv, "--now", "0"));
    int64_t since = atoll(arg(argc, argv, "--since", "-1"));
    if (!db || !out || now <= 0) {
        fprintf(stderr,
                "usage: bench_trace --db DB --now T --out ENGINE.tsv [--since S] [--min-overlap S]"
                " [--limit N] [--budget SECONDS]\n       bench_trace --export "
                "people|venues|checkins|cases|"
                "case_contacts --db DB\n       bench_trace --compare ENGINE.tsv PG.tsv\n");
        return 2;
    }
    if (since < 0)
        since = now - (int64_t)PD_TRACE_HORIZON_DAYS * 86400;
    return run_engine(db, now, since, atoi(arg(argc, argv, "--min-overlap", "0")),
                      atol(arg(argc, argv, "--limit", "0")), atof(arg(argc, argv, "--budget", "0")),
                      out);
}
