/* Internals shared by the files of src/vaccination/: day arithmetic, a person's dose history and
 * the next-dose rules over it, scope clauses. Not a public API. */
#ifndef PD_VACCINATION_INTERNAL_H
#define PD_VACCINATION_INTERNAL_H

#include <stddef.h>

#include "vaccination/vaccination.h"

#define VAX_MAX_HISTORY 12
#define VAX_FIRST_DAY "2021-01-01" /* no COVID-19 dose in Viet Nam before this */

typedef struct vax_hist_dose {
    char product[8];
    int number;
    char kind[12];
    char given_on[12];
    int completes;
} vax_hist_dose;

typedef struct vax_history {
    int n;
    vax_hist_dose d[VAX_MAX_HISTORY];
} vax_history;

/* Days since 1970-01-01 of YYYY-MM-DD or DD/MM/YYYY (full dates only); -1 when not a day. */
long vax_day(const char *s);
/* YYYY-MM-DD of a day number (out: 11 bytes at least). */
void vax_day_format(long day, char *out, size_t cap);
/* DD/MM/YYYY of YYYY-MM-DD, for messages. */
void vax_day_vn(const char *iso, char *out, size_t cap);
/* Today (local) as YYYY-MM-DD. */
void vax_today(char out[12]);

int vax_history_load(sqlite3 *db, int64_t person_id, vax_history *h, pd_err *err);
int vax_product_get(sqlite3 *db, const char *code, pd_vaccine_product *out, pd_err *err);

/* The next dose from a history (no date: earliest is computed). */
int vax_next(sqlite3 *db, const vax_history *h, pd_next_dose *out, pd_err *err);

/* Checks a new dose of product on day against the history: mixing and interval. On success
 * fills kind (requested "additional" honoured) and completes. PD_EINVAL with the field named. */
int vax_check(sqlite3 *db, const vax_history *h, const pd_vaccine_product *product,
              const char *given_on, const char *requested_kind, char kind[12], int *completes,
              pd_err *err);

/* "p.district_code = ?N" for the actor's scope, or "1"; bind pd_scope_param() at N if any. */
const char *vax_scope_clause(const pd_actor *actor, const char *alias, int n, char *out,
                             size_t cap);
/* A unit in the actor's scope: its level (1-4) and filter "p.<column> = ?N" (out). Empty unit:
 * the scope's own unit (country: level 0, "1"). PD_ENOTFOUND field unit when not visible. */
int vax_unit_clause(sqlite3 *db, const pd_actor *actor, const char *unit, const char *alias, int n,
                    char *out, size_t cap, int *level, char code[16], pd_err *err);

/* The SQL age of people p on the day bound at ?N (NULL without a birth date). */
#define VAX_AGE_SQL(n)                                                                             \
    "(CASE WHEN coalesce(p.birth_date,'') = '' THEN NULL ELSE"                                     \
    " CAST(substr(?" #n ",1,4) AS INTEGER) - CAST(substr(p.birth_date,1,4) AS INTEGER)"            \
    " - (length(p.birth_date) = 10 AND substr(?" #n ",6,5) < substr(p.birth_date,6,5)) END)"

#endif
