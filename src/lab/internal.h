/* Helpers shared inside src/lab/: field errors, small queries, dates, the person a sample is for,
 * and reading a sample row. Not for other modules. */
#ifndef PD_LAB_INTERNAL_H
#define PD_LAB_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/validate.h"
#include "lab/lab.h"

int lab_fail_invalid(const pd_field_errors *errs, pd_err *err);
/* The first column of the first row (0 without one); binds a and, when the SQL has two
 * parameters, b. */
int lab_query_int(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t *out, pd_err *err);
/* A full day (YYYY-MM-DD or DD/MM/YYYY). */
bool lab_parse_day(const char *s, pd_date *d);
bool lab_in_list(const char *s, const char *const *list);
/* Today (local) as YYYY-MM-DD. */
void lab_today(char out[12]);

typedef struct lab_person {
    int64_t id;
    char full_name[128];
    char unit_code[16], district_code[16], province_code[16];
} lab_person;
/* A person the actor may see (PD_ENOTFOUND, field person_id, otherwise). */
int lab_load_person(sqlite3 *db, const pd_actor *actor, int64_t id, lab_person *p, pd_err *err);

#define LAB_SAMPLE_COLUMNS                                                                         \
    "s.id, s.person_id, s.kind, s.reason, s.sampled_on, coalesce(s.sampled_at,0),"                 \
    " coalesce(s.quarantine_order_id,0), coalesce(s.test_day,0), coalesce(s.campaign_id,0),"       \
    " coalesce(s.pool_id,0), s.pool_blocked, coalesce(s.site,''), coalesce(s.team,''),"            \
    " coalesce(s.label,''), s.result, coalesce(s.result_at,0), coalesce(s.case_id,0), s.proposal," \
    " s.unit_code, s.district_code, s.province_code, s.created_at, coalesce(s.created_by,0),"      \
    " p.full_name, coalesce(p.birth_date,''), coalesce(p.phone,'')"
#define LAB_SAMPLE_FROM "samples s JOIN people p ON p.id = s.person_id"
void lab_sample_from_row(sqlite3_stmt *st, pd_sample *s);
/* Reads a sample with no scope check (PD_ENOTFOUND when missing). */
int lab_sample_load(sqlite3 *db, int64_t id, pd_sample *out, pd_err *err);

/* Writes a sample's result inside the caller's transaction (no audit). */
int lab_write_result(sqlite3 *db, int64_t id, const char *result, int64_t at, pd_err *err);

/* Takes a sample inside the caller's transaction: checks, writes, audits. */
int lab_sample_take_tx(sqlite3 *db, const pd_actor *actor, pd_sample *s, pd_field_errors *errs,
                       pd_err *err);
/* Enters a result inside the caller's transaction, for a sample already read and in scope;
 * *changed false when the same result was stored already. */
int lab_sample_result_tx(sqlite3 *db, const pd_actor *actor, const pd_sample *s, const char *result,
                         int64_t at, bool *changed, pd_err *err);
/* A pool's result inside the caller's transaction, for a pool already read and in scope. */
int lab_pool_result_tx(sqlite3 *db, const pd_actor *actor, const pd_pool *p, const char *result,
                       int64_t at, bool *changed, pd_err *err);
/* Pools samples inside the caller's transaction (pd_pool_create's checks). */
int lab_pool_create_tx(sqlite3 *db, const pd_actor *actor, const int64_t *ids, int n, pd_pool *out,
                       pd_err *err);
/* The pool with this label in scope (PD_ENOTFOUND otherwise). */
int lab_pool_by_label(sqlite3 *db, const pd_actor *actor, const char *label, pd_pool *out,
                      pd_err *err);

#endif
