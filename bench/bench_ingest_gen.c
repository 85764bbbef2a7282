/* bench/bench_ingest_gen.c: writes a deterministic file of check-ins for the ingest benchmark, as
 * another system (a QR check-in app) would export them, naming venues and people that exist in a
 * phongdich database: external_id (sequential, "chk-<seed>-<n>"), venue (its id, or the poster's
 * public code for one row in three), person (the CCCD/CMND, else the phone), in_at (ISO 8601 with
 * +07:00, over the 14 days before the database's clock, between 06:00 and 21:00, rows in time order
 * as a system exports its records) and out_at (10 to 120 minutes later, empty for one row in four).
 * Usage: bench_ingest_gen --db DB --rows N [--seed S] [--format csv|jsonl] --out FILE */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct strings {
    char (*items)[24];
    size_t n, cap;
} strings;

static void push(strings *s, const char *v)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4096;
        s->items = realloc(s->items, s->cap * sizeof *s->items);
        if (!s->items) {
            perror("realloc");
            exit(1);
        }
    }
    snprintf(s->items[s->n++], sizeof s->items[0], "%s", v);
}

static uint64_t rng_state;
static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t below(size_t n)
{
    return (size_t)(next() % n);
}

static void load(sqlite3 *db, const char *sql, strings *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        push(out, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* "2021-11-15T08:30:00+07:00" of a Unix time. */
static void iso(int64_t t, char out[32])
{
    time_t local = (time_t)(t + 7 * 3600);
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+07:00", &tm);
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
    const char *dbp = arg(argc, argv, "--db", NULL), *outp = arg(argc, argv, "--out", NULL);
    long long rows = atoll(arg(argc, argv, "--rows", "0"));
    unsigned long long seed = strtoull(arg(argc, argv, "--seed", "2021"), NULL, 10);
    bool jsonl = strcmp(arg(argc, argv, "--format", "csv"), "jsonl") == 0;
    if (!dbp || !outp || rows <= 0) {
        fprintf(stderr, "usage: bench_ingest_gen --db DB --rows N [--seed S] [--format csv|jsonl] "
                        "--out FILE\n");
        return 2;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(dbp, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", dbp, sqlite3_errmsg(db));
        return 1;
    }
    strings ids = {0}, codes = {0}, people = {0};
    load(db, "SELECT id FROM venues WHERE closed_at IS NULL ORDER BY id", &ids);
    load(db, "SELECT public_code FROM venues WHERE closed_at IS NULL ORDER BY id", &codes);
    /* A person by a number nobody else has: the id number, else the phone. */
    load(db,
         "SELECT coalesce(id_number, phone) FROM people p WHERE (id_number IS NOT NULL AND"
         " (SELECT count(*) FROM people q WHERE q.id_number = p.id_number) = 1) OR (id_number IS"
         " NULL AND phone IS NOT NULL AND (SELECT count(*) FROM people q WHERE q.phone = p.phone) "
         "= 1)"
         " ORDER BY id",
         &people);
    sqlite3_close(db);
    if (!ids.n || !people.n) {
        fprintf(stderr, "%s has no venues or people: build it with `phongdich demo` first\n", dbp);
        return 1;
    }
    FILE *f = fopen(outp, "wb");
    if (!f) {
        perror(outp);
        return 1;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 22);
    rng_state = seed;
    const char *fixed = getenv("PHONGDICH_NOW");
    int64_t now = fixed && *fixed ? strtoll(fixed, NULL, 10) : (int64_t)time(NULL);
    int64_t day0 = (now + 7 * 3600) / 86400 * 86400 - 7 * 3600 - 14 * 86400; /* local midnight */
    if (!jsonl)
        fputs("external_id,venue,person,in_at,out_at\n", f);
    char in[32], out[32];
    for (long long i = 0; i < rows; i++) {
        size_t v = below(ids.n);
        const char *venue = below(3) == 0 ? codes.items[v] : ids.items[v];
        const char *person = people.items[below(people.n)];
        /* In time order, as a system exports its records: row i at its share of the 14 days,
         * between 06:00 and 21:00, a few seconds of jitter. */
        int64_t slot = (int64_t)((double)i / (double)rows * 14.0 * 15 * 3600);
        int64_t t =
            day0 + slot / (15 * 3600) * 86400 + 6 * 3600 + slot % (15 * 3600) + (int64_t)below(30);
        iso(t, in);
        bool has_out = below(4) != 0;
        if (has_out)
            iso(t + 600 + (int64_t)below(6600), out);
        if (jsonl)
            fprintf(f,
                    "{\"external_id\":\"chk-%llu-%lld\",\"venue\":\"%s\",\"person\":\"%s\",\"in_"
                    "at\":\"%s\"%s%s%s}\n",
                    seed, i, venue, person, in, has_out ? ",\"out_at\":\"" : "", has_out ? out : "",
                    has_out ? "\"" : "");
        else
            fprintf(f, "chk-%llu-%lld,%s,%s,%s,%s\n", seed, i, venue, person, in,
                    has_out ? out : "");
    }
    if (fclose(f) != 0) {
        perror(outp);
        return 1;
    }
    free(ids.items);
    free(codes.items);
    free(people.items);
    return 0;
}
