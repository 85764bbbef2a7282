/* bench/bench_lab_import.c: importing a laboratory's result file (src/lab/import.c: every row
 * checked, all rows written in one transaction) against a plain per-row approach (look the label
 * up, enter the result through pd_sample_result: one transaction, one fsync, per row), in the same
 * run on the same database. Sets up --rows samples (default 100,000) of people in Thành phố Bắc Kạn
 * with SQL, writes their results as a CSV ("Mã mẫu,Kết quả"), imports it, resets the results and
 * enters the first --baseline-rows (default 2,000; the per-row rate is extrapolated to all rows)
 * one by one. Prints a table.
 * Usage: bench_lab_import [--dir DIR] [--rows N] [--baseline-rows N] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "lab/lab.h"
#include "store/db.h"
#include "units/units.h"

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
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

/* rows people and one pending RT-PCR sample each (label S + 7 digits), sampled yesterday. */
static int setup(sqlite3 *db, int rows)
{
    char sql[1200];
    snprintf(sql, sizeof sql,
             "BEGIN;"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
             " INSERT INTO people(full_name, name_folded, unit_code, district_code, province_code,"
             " created_at, updated_at) SELECT 'Người Thử ' || i, 'nguoi thu ' || i, '01834', '058',"
             " '06', 1, 1 FROM n;"
             "INSERT INTO samples(person_id, kind, reason, sampled_on, label, unit_code,"
             " district_code, province_code, created_at) SELECT id, 'pcr', 'screening',"
             " date('now', '+7 hours', '-1 day'), printf('S%%07d', id), unit_code, district_code,"
             " province_code, 1 FROM people;"
             "COMMIT;",
             rows);
    return exec(db, sql);
}

static int write_csv(const char *path, int rows)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 1;
    fputs("Mã mẫu,Kết quả\n", f);
    for (int i = 1; i <= rows; i++)
        fprintf(f, "S%07d,%s\n", i, i % 50 == 0 ? "Dương tính" : "Âm tính");
    return fclose(f) != 0;
}

/* The plain approach: per row, find the sample and enter its result in its own transaction. */
static int per_row(sqlite3 *db, int rows, double *elapsed)
{
    pd_actor cli = pd_actor_cli();
    sqlite3_stmt *find = NULL;
    sqlite3_prepare_v2(db, "SELECT id FROM samples WHERE label = ?", -1, &find, NULL);
    double t0 = seconds();
    for (int i = 1; i <= rows; i++) {
        char label[16];
        snprintf(label, sizeof label, "S%07d", i);
        sqlite3_bind_text(find, 1, label, -1, SQLITE_STATIC);
        int64_t id = sqlite3_step(find) == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
        sqlite3_reset(find);
        pd_err err;
        if (pd_sample_result(db, &cli, id, i % 50 == 0 ? "positive" : "negative", 0, &err) !=
            PD_OK) {
            fprintf(stderr, "row %d: %s\n", i, err.message);
            sqlite3_finalize(find);
            return 1;
        }
    }
    *elapsed = seconds() - t0;
    sqlite3_finalize(find);
    return 0;
}

static void row_out(const char *name, int rows, double s, int measured)
{
    printf("| %-44s | %9d | %9.2f | %10.0f |%s\n", name, rows, s, rows / s,
           measured ? "" : " (extrapolated)");
}

int main(int argc, char **argv)
{
    const char *dir = "/tmp";
    int rows = 100000, base_rows = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--dir") == 0)
            dir = argv[i + 1];
        else if (strcmp(argv[i], "--rows") == 0)
            rows = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--baseline-rows") == 0)
            base_rows = atoi(argv[i + 1]);
    }
    if (rows < 1 || base_rows < 1 || base_rows > rows) {
        fprintf(stderr, "bench_lab_import [--dir DIR] [--rows N] [--baseline-rows N<=rows]\n");
        return 2;
    }
    char db_path[512], csv[512];
    snprintf(db_path, sizeof db_path, "%s/bench-lab-%d.db", dir, (int)getpid());
    snprintf(csv, sizeof csv, "%s/bench-lab-%d.csv", dir, (int)getpid());
    pd_err err;
    sqlite3 *db = pd_db_open(db_path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK || setup(db, rows) ||
        write_csv(csv, rows)) {
        fprintf(stderr, "setup: %s\n", err.message);
        return 1;
    }
    pd_actor cli = pd_actor_cli();
    pd_lab_import_report r;
    double t0 = seconds();
    int rc = pd_lab_import(db, &cli, csv, "csv", &r, &err);
    double import_s = seconds() - t0;
    pd_lab_import_report_free(&r);
    if (rc != PD_OK || r.samples != rows) {
        fprintf(stderr, "import: %s\n", err.message);
        return 1;
    }
    double base_s = 0;
    if (exec(db, "UPDATE samples SET result = 'pending', result_at = NULL") ||
        per_row(db, base_rows, &base_s))
        return 1;
    printf("| %-44s | %9s | %9s | %10s |\n", "approach", "rows", "seconds", "rows/s");
    printf("|%s|%s|%s|%s|\n", "----------------------------------------------", "-----------",
           "-----------", "------------");
    row_out("lab import: one transaction, all or nothing", rows, import_s, 1);
    row_out("per row: one transaction each", base_rows, base_s, 1);
    if (base_rows < rows)
        row_out("per row: one transaction each", rows, base_s * rows / base_rows, 0);
    pd_db_close(db);
    unlink(csv);
    char side[600];
    unlink(db_path);
    snprintf(side, sizeof side, "%s-wal", db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", db_path);
    unlink(side);
    return 0;
}
