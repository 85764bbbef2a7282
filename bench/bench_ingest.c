/* bench/bench_ingest.c: the helpers of the ingest benchmark (bench/run.sh, section "ingest").
 *   bench_ingest --baseline --db NEW.db --rows N
 *       the ceiling plain SQLite sets on this machine: N check-in rows made in memory (no file, no
 *       parsing, no validation, no look-ups) inserted with one prepared statement in one
 * transaction into a table shaped like checkins but without any index, on a connection set up like
 *       pd_db_open (WAL, synchronous=FULL). Prints "RESULT ingest.baseline.rows_per_s X".
 *   bench_ingest --storage --db DB
 *       what the check-ins take on disk: bytes of the checkins table and of each of its indexes
 *       (dbstat, after a checkpoint), and their sum per stored check-in. Prints RESULT lines. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *arg(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s (%s)\n", msg ? msg : "?", sql);
        sqlite3_free(msg);
        return 1;
    }
    return 0;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int baseline(const char *path, long long rows)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 1;
    if (exec(db,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-524288;"
             "CREATE TABLE t(id INTEGER PRIMARY KEY, venue_id INTEGER NOT NULL, person_id INTEGER"
             " NOT NULL, in_at INTEGER NOT NULL, out_at INTEGER, flags INTEGER NOT NULL DEFAULT 0,"
             " external_id TEXT)"))
        return 1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO t(venue_id, person_id, in_at, out_at, flags, external_id)"
                           " VALUES (?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return 1;
    double t0 = seconds();
    exec(db, "BEGIN IMMEDIATE");
    char ext[32];
    for (long long i = 0; i < rows; i++) {
        int n = snprintf(ext, sizeof ext, "chk-2021-%lld", i);
        sqlite3_bind_int64(st, 1, 1 + i % 36);
        sqlite3_bind_int64(st, 2, 1 + (i * 7919) % 45036);
        sqlite3_bind_int64(st, 3, 1636000000 + i % 1209600);
        if (i % 4)
            sqlite3_bind_int64(st, 4, 1636003600 + i % 1209600);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int(st, 5, 4);
        sqlite3_bind_text(st, 6, ext, n, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(st);
    }
    if (exec(db, "COMMIT"))
        return 1;
    double s = seconds() - t0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    printf("RESULT ingest.baseline.seconds %.3f\n", s);
    printf("RESULT ingest.baseline.rows_per_s %.0f\n", (double)rows / s);
    return 0;
}

static long long count_rows(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    long long n = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM checkins", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int storage(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 1;
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    long long rows = count_rows(db);
    printf("RESULT ingest.storage.rows %lld\n", rows);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, sum(pgsize) FROM dbstat WHERE name = 'checkins' OR name"
                           " IN (SELECT name FROM sqlite_master WHERE tbl_name = 'checkins' AND"
                           " type = 'index') GROUP BY name ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "dbstat: %s (SQLite built without SQLITE_ENABLE_DBSTAT_VTAB?)\n",
                sqlite3_errmsg(db));
        return 1;
    }
    long long total = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        long long bytes = sqlite3_column_int64(st, 1);
        total += bytes;
        printf("RESULT ingest.storage.%s.bytes %lld\n", sqlite3_column_text(st, 0), bytes);
        printf("RESULT ingest.storage.%s.bytes_per_row %.1f\n", sqlite3_column_text(st, 0),
               rows > 0 ? (double)bytes / (double)rows : 0.0);
    }
    sqlite3_finalize(st);
    printf("RESULT ingest.storage.total.bytes %lld\n", total);
    printf("RESULT ingest.storage.total.bytes_per_row %.1f\n",
           rows > 0 ? (double)total / (double)rows : 0.0);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = arg(argc, argv, "--db");
    const char *n = arg(argc, argv, "--rows");
    long long rows = n ? atoll(n) : 0;
    if (db && rows > 0 && flag(argc, argv, "--baseline"))
        return baseline(db, rows);
    if (db && flag(argc, argv, "--storage"))
        return storage(db);
    fprintf(stderr, "usage: bench_ingest --baseline --db NEW.db --rows N\n"
                    "       bench_ingest --storage --db DB\n");
    return 2;
}
