/* bench/bench_quarantine_worklist.c: today's quarantine worklists for a province with --people
 * people in quarantine (default 50,000), computed set-wise (pd_quarantine_worklists: one SQL
 * statement per list) against a plain per-row approach (read every active order, then one sample
 * query per test day in C), in the same run on the same database; prints a table and checks that
 * both find the same numbers. Usage: bench_quarantine_worklist [--db PATH] [--people N] [--runs N]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "quarantine/internal.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

/* CPU time of the process: the machine is shared, and both approaches run on this thread. */
static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static uint64_t rng = 88172645463325252ull;
static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s\n", msg);
        return -1;
    }
    return 0;
}

/* A province 97 of 10 districts of 10 communes; people, active orders (half 7 days with tests on
 * days 1 and 7, half 14 days with tests on 7 and 14) started over the last 16 days, and a negative
 * sample for two thirds of the test days already passed. */
static int fill(sqlite3 *db, int people, const char *today)
{
    exec(db, "BEGIN");
    exec(db, "INSERT INTO units(code, name, type, level, name_folded, province_code) VALUES"
             " ('97', 'Tỉnh', 'Tỉnh', 1, 'tinh', '97')");
    char sql[512];
    for (int d = 0; d < 10; d++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                 " province_code, district_code) VALUES ('9%02d', 'H', 'Huyện', '97', 2, 'h', '97',"
                 " '9%02d')",
                 d, d);
        exec(db, sql);
        for (int c = 0; c < 10; c++) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                     " province_code, district_code, commune_code) VALUES ('9%02d%02d', 'X', 'Xã',"
                     " '9%02d', 3, 'x', '97', '9%02d', '9%02d%02d')",
                     d, c, d, d, d, c);
            exec(db, sql);
        }
    }
    sqlite3_stmt *p = NULL, *o = NULL, *s = NULL;
    sqlite3_prepare_v2(db,
                       "INSERT INTO people(id, full_name, name_folded, unit_code, district_code,"
                       " province_code, created_at, updated_at) VALUES (?1, 'Người', 'nguoi', ?2,"
                       " ?3, '97', 0, 0)",
                       -1, &p, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO quarantine_orders(id, person_id, reason, status, rule,"
                       " start_date, quarantine_days, place, monitoring_days, test_days, unit_code,"
                       " district_code, province_code, created_at) VALUES (?1, ?1, 'f1', 'active',"
                       " 'bench', ?2, ?3, 'home', ?3, ?4, ?5, ?6, '97', 0)",
                       -1, &o, NULL);
    sqlite3_prepare_v2(db,
                       "INSERT INTO samples(person_id, kind, reason, sampled_on,"
                       " quarantine_order_id, test_day, result, unit_code, district_code,"
                       " province_code, created_at) VALUES (?1, 'pcr', 'f1_schedule', ?2, ?1, ?3,"
                       " 'negative', ?4, ?5, '97', 0)",
                       -1, &s, NULL);
    for (int i = 1; i <= people; i++) {
        char unit[8], district[8], start[11], on[11];
        int d = (int)next(10), c = (int)next(10);
        snprintf(unit, sizeof unit, "9%02d%02d", d, c);
        snprintf(district, sizeof district, "9%02d", d);
        pdq_add_days(today, -(int)next(17), start);
        bool full = next(2);
        int tests[2] = {full ? 1 : 7, full ? 7 : 14};
        sqlite3_bind_int(p, 1, i);
        sqlite3_bind_text(p, 2, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(p, 3, district, -1, SQLITE_STATIC);
        sqlite3_step(p);
        sqlite3_reset(p);
        sqlite3_bind_int(o, 1, i);
        sqlite3_bind_text(o, 2, start, -1, SQLITE_STATIC);
        sqlite3_bind_int(o, 3, full ? 7 : 14);
        sqlite3_bind_text(o, 4, full ? "[1,7]" : "[7,14]", -1, SQLITE_STATIC);
        sqlite3_bind_text(o, 5, unit, -1, SQLITE_STATIC);
        sqlite3_bind_text(o, 6, district, -1, SQLITE_STATIC);
        sqlite3_step(o);
        sqlite3_reset(o);
        for (int t = 0; t < 2; t++) {
            pdq_add_days(start, tests[t], on);
            if (strcmp(on, today) > 0 || next(3) == 0)
                continue;
            sqlite3_bind_int(s, 1, i);
            sqlite3_bind_text(s, 2, on, -1, SQLITE_STATIC);
            sqlite3_bind_int(s, 3, tests[t]);
            sqlite3_bind_text(s, 4, unit, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 5, district, -1, SQLITE_STATIC);
            if (sqlite3_step(s) != SQLITE_DONE)
                fprintf(stderr, "sample: %s\n", sqlite3_errmsg(db));
            sqlite3_reset(s);
        }
    }
    sqlite3_finalize(p);
    sqlite3_finalize(o);
    sqlite3_finalize(s);
    exec(db, "COMMIT");
    return exec(db, "ANALYZE");
}

typedef struct counts {
    long due, overdue, release;
} counts;

/* The plain approach: every active order of the province, then one query per test day. */
static counts per_row(sqlite3 *db, const char *today)
{
    counts c = {0, 0, 0};
    sqlite3_stmt *orders = NULL, *sample = NULL;
    sqlite3_prepare_v2(db,
                       "SELECT id, start_date, quarantine_days, test_days FROM quarantine_orders"
                       " WHERE province_code = '97' AND status = 'active'",
                       -1, &orders, NULL);
    sqlite3_prepare_v2(db,
                       "SELECT 1 FROM samples WHERE quarantine_order_id = ? AND (test_day = ? OR"
                       " (test_day IS NULL AND sampled_on = ?)) LIMIT 1",
                       -1, &sample, NULL);
    while (sqlite3_step(orders) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(orders, 0);
        const char *start = (const char *)sqlite3_column_text(orders, 1);
        char end[11], on[11];
        pdq_add_days(start, sqlite3_column_int(orders, 2), end);
        c.release += strcmp(end, today) <= 0;
        const char *t = (const char *)sqlite3_column_text(orders, 3);
        for (const char *q = t; *q; q++) {
            if (*q < '0' || *q > '9')
                continue;
            int day = (int)strtol(q, (char **)&q, 10);
            q--;
            pdq_add_days(start, day, on);
            int cmp = strcmp(on, today);
            if (cmp > 0)
                continue;
            sqlite3_bind_int64(sample, 1, id);
            sqlite3_bind_int(sample, 2, day);
            sqlite3_bind_text(sample, 3, on, -1, SQLITE_TRANSIENT);
            bool have = sqlite3_step(sample) == SQLITE_ROW;
            sqlite3_reset(sample);
            if (!have)
                *(cmp == 0 ? &c.due : &c.overdue) += 1;
        }
    }
    sqlite3_finalize(orders);
    sqlite3_finalize(sample);
    return c;
}

int main(int argc, char **argv)
{
    const char *path = "/tmp/bench_quarantine.db";
    int people = 50000, runs = 5;
    bool reuse = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--people") == 0)
            people = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--reuse") == 0)
            reuse = strcmp(argv[i + 1], "1") == 0;
    }
    if (!reuse)
        remove(path);
    pd_err err;
    sqlite3 *db = pd_db_open(path, &err);
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    char today[11];
    pdq_day("", "day", today, &err);
    exec(db, "PRAGMA synchronous=OFF");
    double t0 = now_ms();
    if (!reuse && fill(db, people, today) != 0)
        return 1;
    if (!reuse)
        printf("Filled %d people in quarantine in %.0f CPU ms\n", people, now_ms() - t0);
    pd_actor province = {.role = PD_ROLE_PROVINCE, .scope_level = PD_SCOPE_PROVINCE};
    snprintf(province.scope_code, sizeof province.scope_code, "97");
    double best_set = 1e18, best_row = 1e18;
    json_t *w = NULL;
    counts c = {0, 0, 0};
    for (int r = 0; r < runs; r++) {
        json_decref(w);
        double a = now_ms();
        if (pd_quarantine_worklists(db, &province, "", today, &w, &err) != PD_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        double b = now_ms();
        c = per_row(db, today);
        double e = now_ms();
        best_set = b - a < best_set ? b - a : best_set;
        best_row = e - b < best_row ? e - b : best_row;
    }
    long set_due =
        (long)json_integer_value(json_object_get(json_object_get(w, "tests_due"), "total"));
    long set_over =
        (long)json_integer_value(json_object_get(json_object_get(w, "tests_overdue"), "total"));
    long set_rel =
        (long)json_integer_value(json_object_get(json_object_get(w, "releases_due"), "total"));
    printf("\n| approach | best of %d (CPU ms) | tests due | overdue | releases due |\n", runs);
    printf("| --- | ---: | ---: | ---: | ---: |\n");
    printf("| set-wise SQL, all six lists (pd_quarantine_worklists) | %.1f | %ld | %ld | %ld |\n",
           best_set, set_due, set_over, set_rel);
    printf("| per row in C, three lists only | %.1f | %ld | %ld | %ld |\n", best_row, c.due,
           c.overdue, c.release);
    json_decref(w);
    pd_db_close(db);
    if (!getenv("BENCH_KEEP_DB"))
        remove(path);
    bool same = set_due == c.due && set_over == c.overdue && set_rel == c.release;
    printf("\n%s\n", same ? "Both approaches agree." : "MISMATCH between the approaches");
    return same ? 0 : 1;
}
