/* People and households: the registry every later capability rests on. All functions take the
 * caller (pd_actor) and refuse or hide whatever lies outside the caller's scope; reads and changes
 * of a person's record are audited. Validation messages are Vietnamese and name the field. */
#ifndef PD_PEOPLE_H
#define PD_PEOPLE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "base/fielderr.h"

typedef struct pd_person {
    int64_t id;
    char full_name[128];
    char birth_date[12]; /* YYYY-MM-DD or YYYY, "" unknown */
    char sex[2];         /* "M", "F", "" */
    char id_type[12];    /* "cccd", "cmnd", "passport", "" */
    char id_number[16];
    char phone[16];
    char nationality[4]; /* ISO 3166 alpha-2, "VN" by default */
    char unit_code[16];  /* commune */
    char area_code[16];  /* thôn/tổ, "" none */
    char district_code[16], province_code[16];
    char address[256];
    int64_t household_id; /* 0 none */
    char relation[32];    /* quan hệ với chủ hộ: "Chủ hộ", "Vợ", "Con", ... */
    char occupation[96];
    char note[512];
    int64_t created_at, updated_at;
    int version;
} pd_person;

/* A possible duplicate: another person in scope with the same id number or phone. */
typedef struct pd_duplicate {
    int64_t person_id;
    char field[16]; /* "id_number" or "phone" */
    char full_name[128];
    char unit_code[16];
} pd_duplicate;

#define PD_MAX_DUPLICATES 8
typedef struct pd_duplicates {
    int count;
    pd_duplicate items[PD_MAX_DUPLICATES];
} pd_duplicates;

/* Normalises (NFC name, phone to 0xxxxxxxxx, id upper-case) and validates a person in place,
 * filling district/province codes from the unit. Does not check scope or duplicates. Returns PD_OK
 * or PD_EINVAL with every problem in errs. Also usable on import rows. */
int pd_person_normalize(sqlite3 *db, pd_person *p, pd_field_errors *errs);

/* Finds people in the actor's scope sharing p's id number or phone (excluding p->id). */
int pd_person_find_duplicates(sqlite3 *db, const pd_actor *actor, const pd_person *p,
                              pd_duplicates *out, pd_err *err);

/* Creates a person. If duplicates exist and !allow_duplicates, returns PD_ECONFLICT with them in
 * dups. On PD_EINVAL, errs lists the fields. Sets p->id. */
int pd_person_create(sqlite3 *db, const pd_actor *actor, pd_person *p, bool allow_duplicates,
                     pd_field_errors *errs, pd_duplicates *dups, pd_err *err);

/* Replaces a person's fields. p->version must equal the stored version (else PD_ECONFLICT). The old
 * and new unit must both be in scope. */
int pd_person_update(sqlite3 *db, const pd_actor *actor, pd_person *p, bool allow_duplicates,
                     pd_field_errors *errs, pd_duplicates *dups, pd_err *err);

/* Reads one person; PD_ENOTFOUND if absent or outside scope. Audited as a read. */
int pd_person_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_person *out, pd_err *err);

typedef struct pd_people_query {
    char q[128];        /* name (folded, each word a prefix), or digits: id number / phone prefix */
    char unit_code[16]; /* narrow to a unit inside scope (province/district/commune/area); "" all */
    int64_t household_id;
    int64_t after_id; /* keyset paging: ids above this */
    int limit;        /* default 50, at most 500 */
} pd_people_query;

typedef int (*pd_person_cb)(const pd_person *p, void *ctx);
/* Lists people in scope matching q, ordered by id. *more is set when another page exists. */
int pd_people_list(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, pd_person_cb cb,
                   void *ctx, bool *more, pd_err *err);
/* Number of people in scope matching q (without paging). */
int pd_people_count(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, int64_t *count,
                    pd_err *err);
/* The same count, but it stops looking after cap matches (cap <= 0: no cap): when more than cap
 * people match, *count is cap and *capped (if not NULL) is set. A count that stops early costs
 * about the same whatever the size of the registry. */
int pd_people_count_capped(sqlite3 *db, const pd_actor *actor, const pd_people_query *q,
                           int64_t cap, int64_t *count, bool *capped, pd_err *err);
/* The cap the API counts q up to: PD_PEOPLE_COUNT_CAP for a name, PD_PEOPLE_COUNT_CAP_DIGITS for an
 * id number or phone prefix (a scope's matches are then checked one index entry or one person at a
 * time), 0 (exact, from the scope indexes) for a list without a query. */
#define PD_PEOPLE_COUNT_CAP 10000
#define PD_PEOPLE_COUNT_CAP_DIGITS 1000
int64_t pd_people_count_cap(const pd_people_query *q);
/* pd_people_list then pd_people_count_capped, as GET /api/people answers a first page: a name's
 * page and count come from one walk of the name index. */
int pd_people_search(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, int64_t cap,
                     pd_person_cb cb, void *ctx, bool *more, int64_t *total, bool *capped,
                     pd_err *err);
/* For tests: a digit query normally chooses how to find its rows (through the id number and phone
 * indexes, or by walking the scope in id order) from cheap counts; 1 forces the first, 2 the
 * second, 0 restores the choice. Process-wide, not for use while other threads search. */
void pd_people_search_force_digit_plan(int mode);

typedef struct pd_household {
    int64_t id;
    char unit_code[16], area_code[16], district_code[16], province_code[16];
    char address[256];
    int64_t head_person_id;
    char head_name[256]; /* read with the household: the name only, not an audited record read */
    int member_count;
    int64_t created_at, updated_at;
} pd_household;

int pd_household_create(sqlite3 *db, const pd_actor *actor, pd_household *h, pd_err *err);
int pd_household_update(sqlite3 *db, const pd_actor *actor, pd_household *h, pd_err *err);
int pd_household_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_household *out,
                     pd_err *err);
/* Puts a person into a household (0 removes), with their relation to the head. Both in scope. */
int pd_household_set_member(sqlite3 *db, const pd_actor *actor, int64_t household_id,
                            int64_t person_id, const char *relation, pd_err *err);

typedef int (*pd_household_cb)(const pd_household *h, void *ctx);
int pd_households_list(sqlite3 *db, const pd_actor *actor, const char *unit_code, int64_t after_id,
                       int limit, pd_household_cb cb, void *ctx, bool *more, pd_err *err);

/* The bulk path used by import and demo: inserts already-normalised records inside the caller's
 * open transaction, with prepared statements reused across rows, no audit entry and no duplicate
 * check. */
typedef struct pd_inserter {
    sqlite3 *db;
    sqlite3_stmt *person, *household;
    char *deferred_trigger_sql; /* bulk mode: the name-index trigger taken off for the load */
    int64_t deferred_after_id;  /* bulk mode: people above this id are indexed by finish */
} pd_inserter;

int pd_inserter_open(sqlite3 *db, pd_inserter *ins, pd_err *err);
/* Bulk mode for many rows: the name index (people_fts) is filled once at the end instead of row by
 * row; its trigger is dropped inside the caller's transaction. pd_inserter_finish must run before
 * COMMIT; a ROLLBACK restores the trigger by itself. */
int pd_inserter_open_bulk(sqlite3 *db, pd_inserter *ins, pd_err *err);
/* Indexes the rows written in bulk mode and restores the trigger (no-op otherwise). */
int pd_inserter_finish(pd_inserter *ins, pd_err *err);
int pd_inserter_person(pd_inserter *ins, pd_person *p, pd_err *err);       /* sets p->id */
int pd_inserter_household(pd_inserter *ins, pd_household *h, pd_err *err); /* sets h->id */
void pd_inserter_close(pd_inserter *ins);

#endif
