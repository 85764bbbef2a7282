/* bench/bench_checkin_setup.c: the data of the check-in benchmark (bench/run.sh,
 * BENCH_ONLY=checkin). Creates a database with the administrative units, --venues venues in the
 * communes of Thành phố Bắc Kạn, and --people people each with a personal QR token (stored as
 * declare.h does: the SHA-256 of the canonical token), then writes the wrk request bodies: one JSON
 * check-in per line,
 * {"code": VENUE, "token": TOKEN}, every person once, venues in turn. Deterministic for a --seed.
 * Usage: bench_checkin_setup --db NEW.db --out BODIES.txt [--people N] [--venues N] [--seed N]
 *        bench_checkin_setup --count DB   (prints the number of check-ins and of distinct visitors)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "declare/declare.h"
#include "store/db.h"
#include "units/units.h"
#include "venues/venues.h"

static const char *const communes[] = {"01834", "01837", "01840", "01843", "01846", "01849"};

static uint64_t rng_state;
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13; /* xorshift64 */
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void make_token(char out[PD_TOKEN_CHARS + 1])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for (int i = 0; i < PD_TOKEN_CHARS; i++)
        out[i] = alphabet[next_random() & 31];
    out[PD_TOKEN_CHARS] = '\0';
}

static int add_venues(sqlite3 *db, int n, char (*codes)[24])
{
    pd_actor cli = pd_actor_cli();
    for (int i = 0; i < n; i++) {
        pd_venue v;
        memset(&v, 0, sizeof v);
        snprintf(v.name, sizeof v.name, "Địa điểm thử %d", i + 1);
        snprintf(v.kind, sizeof v.kind, "%s", pd_venue_kinds[i % pd_venue_kind_count].code);
        snprintf(v.unit_code, sizeof v.unit_code, "%s", communes[i % 6]);
        pd_field_errors errs = {0};
        pd_err err;
        if (pd_venue_create(db, &cli, &v, &errs, &err) != PD_OK) {
            fprintf(stderr, "venue: %s\n", err.message);
            return 1;
        }
        snprintf(codes[i], sizeof codes[i], "%s", v.public_code);
    }
    return 0;
}

/* People and tokens in one transaction; one body line per person. */
static int add_people(sqlite3 *db, int n, int nvenues, char (*codes)[24], FILE *out)
{
    sqlite3_stmt *person = NULL, *token = NULL;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(
        db,
        "INSERT INTO people(full_name, name_folded, unit_code, district_code,"
        " province_code, created_at, updated_at) VALUES ('Khách Thử', 'khach thu', ?,"
        " '058', '06', 1, 1)",
        -1, &person, NULL);
    sqlite3_prepare_v2(
        db, "INSERT INTO person_tokens(token_hash, person_id, created_at) VALUES (?,?,1)", -1,
        &token, NULL);
    for (int i = 0; i < n; i++) {
        char t[PD_TOKEN_CHARS + 1], hash[65];
        make_token(t);
        pd_token_hash(t, hash);
        sqlite3_bind_text(person, 1, communes[i % 6], -1, SQLITE_STATIC);
        if (sqlite3_step(person) != SQLITE_DONE)
            break;
        sqlite3_reset(person);
        sqlite3_bind_text(token, 1, hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(token, 2, sqlite3_last_insert_rowid(db));
        if (sqlite3_step(token) != SQLITE_DONE)
            break;
        sqlite3_reset(token);
        fprintf(out, "{\"code\":\"%s\",\"token\":\"%s\"}\n", codes[i % nvenues], t);
    }
    sqlite3_finalize(person);
    sqlite3_finalize(token);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "people: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    return 0;
}

/* After a run: how many check-ins the file holds, and for how many distinct people. */
static int count(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT person_id) FROM checkins", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        fprintf(stderr, "count: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return 1;
    }
    printf("%lld %lld\n", (long long)sqlite3_column_int64(st, 0),
           (long long)sqlite3_column_int64(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--count"))
        return count(argv[2]);
    const char *path = NULL, *out_path = NULL;
    int people = 600000, venues = 1000;
    rng_state = 2021;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            path = argv[i + 1];
        else if (!strcmp(argv[i], "--out"))
            out_path = argv[i + 1];
        else if (!strcmp(argv[i], "--people"))
            people = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--venues"))
            venues = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed"))
            rng_state = strtoull(argv[i + 1], NULL, 10) | 1;
    }
    if (!path || !out_path || people <= 0 || venues <= 0) {
        fprintf(stderr, "usage: bench_checkin_setup --db NEW.db --out BODIES.txt [--people N] "
                        "[--venues N] [--seed N]\n");
        return 2;
    }
    pd_err err;
    sqlite3 *db = pd_db_open(path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    FILE *out = fopen(out_path, "w");
    char(*codes)[24] = calloc((size_t)venues, sizeof *codes);
    int rc = !out || !codes || add_venues(db, venues, codes) ||
             add_people(db, people, venues, codes, out);
    if (out)
        fclose(out);
    free(codes);
    pd_db_close(db);
    return rc;
}
