/* bench/bench_insert_baseline.c: the baseline of the import benchmark. Reads the same CSV as
 * `phongdich import` and inserts its rows as they are (no validation, normalisation, folding or
 * unit look-up) into a bare table without indexes, FTS or triggers, with one prepared statement in
 * one transaction, on a connection set up like pd_db_open (WAL, synchronous=FULL, 64 MiB cache):
 * the floor that plain SQLite sets on this machine. Usage: bench_insert_baseline --db NEW.db
 * FILE.csv */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 16

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s\n", msg ? msg : "?");
        sqlite3_free(msg);
        return 1;
    }
    return 0;
}

/* Splits one CSV record (RFC 4180 quoting, no newlines inside quotes) in place. */
static int split(char *line, char **cells)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == MAX_COLS)
            return n;
        if (*p == '"') {
            char *w = ++p;
            cells[n++] = w;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"' || *p == '\0') {
                    if (*p)
                        p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            *w = '\0';
            while (*p && *p != ',')
                p++;
        } else {
            cells[n++] = p;
            while (*p && *p != ',')
                p++;
        }
        if (*p != ',') {
            *p = '\0';
            return n;
        }
        *p++ = '\0';
    }
}

int main(int argc, char **argv)
{
    const char *dbpath = NULL, *csv = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            dbpath = argv[++i];
        else
            csv = argv[i];
    }
    if (!dbpath || !csv) {
        fprintf(stderr, "usage: bench_insert_baseline --db NEW.db FILE.csv\n");
        return 2;
    }
    FILE *f = fopen(csv, "r");
    if (!f) {
        perror(csv);
        return 1;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open(dbpath, &db) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", dbpath, sqlite3_errmsg(db));
        return 1;
    }
    if (exec(
            db,
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"
            "PRAGMA cache_size=-65536;"
            "CREATE TABLE IF NOT EXISTS people (id INTEGER PRIMARY KEY, full_name TEXT,"
            " birth_date TEXT, sex TEXT, id_number TEXT, phone TEXT, unit_code TEXT, address TEXT);"
            "BEGIN IMMEDIATE;"))
        return 1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(
            db,
            "INSERT INTO people(full_name, birth_date, sex, id_number, phone, unit_code,"
            " address) VALUES (?,?,?,?,?,?,?)",
            -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long long rows = 0, lineno = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno++ == 0 || len == 0)
            continue; /* header */
        char *cells[MAX_COLS];
        int n = split(line, cells);
        for (int c = 0; c < 7; c++)
            sqlite3_bind_text(st, c + 1, c < n ? cells[c] : "", -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "line %lld: %s\n", lineno, sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(st);
        rows++;
    }
    sqlite3_finalize(st);
    if (exec(db, "COMMIT;"))
        return 1;
    sqlite3_close(db);
    fclose(f);
    free(line);
    printf("%lld\n", rows);
    return 0;
}
