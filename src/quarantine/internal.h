/* Helpers shared by quarantine and care (src/quarantine/, src/care/): days, the caller's scope
 * narrowed to a unit, and query rows as JSON objects. Not a public API. */
#ifndef PD_QUARANTINE_INTERNAL_H
#define PD_QUARANTINE_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "auth/auth.h"
#include "base/err.h"

/* A day as YYYY-MM-DD into out (11 bytes): "" or NULL is today (local); DD/MM/YYYY accepted.
 * PD_EINVAL naming field otherwise. */
int pdq_day(const char *in, const char *field, char out[11], pd_err *err);
/* pdq_day, and not after today (PD_EINVAL naming field). */
int pdq_day_not_future(const char *in, const char *field, char out[11], pd_err *err);
/* day + n days (day valid YYYY-MM-DD). */
void pdq_add_days(const char *day, int n, char out[11]);
/* Days from a to b (b - a), both valid. */
int pdq_days_between(const char *a, const char *b);

/* The actor's scope narrowed to unit ("" or NULL: unchanged). A unit outside the scope or
 * unknown: PD_ENOTFOUND (field unit). */
int pdq_narrow(sqlite3 *db, const pd_actor *actor, const char *unit, pd_actor *out, pd_err *err);

/* The scope condition on a table alias with the numbered parameter ?9 ("1" for the country), so
 * that it mixes with other numbered parameters; pdq_bind_scope binds ?9. */
const char *pdq_scope_sql(const pd_actor *actor, const char *alias, char *out, size_t cap);
void pdq_bind_scope(sqlite3_stmt *st, const pd_actor *actor);

/* Every remaining row of st as an object keyed by column name; a column named "x_json" holding
 * JSON text becomes "x" with the parsed value. Returns NULL (err filled) on a step error. */
json_t *pdq_rows(sqlite3 *db, sqlite3_stmt *st, pd_err *err);
/* The current row of st as an object. */
json_t *pdq_row(sqlite3_stmt *st);
/* Steps st once: the row as an object, or NULL when there is none (or on an error). */
json_t *pdq_row_or_null(sqlite3_stmt *st);

bool pdq_in_list(const char *v, const char *const *list);

/* Copies text cleaned to NFC into out; PD_EINVAL naming field if longer than max characters. */
int pdq_text(const char *in, size_t max, const char *field, char *out, size_t cap, pd_err *err);

/* The facility's kind and codes; PD_ENOTFOUND (field) if absent or out of the actor's scope. */
typedef struct pdq_facility_row {
    char kind[16];
    int tier, beds, icu_beds;
    char unit[16], district[16], province[16];
} pdq_facility_row;
int pdq_facility_load(sqlite3 *db, const pd_actor *actor, int64_t id, const char *field,
                      pdq_facility_row *out, pd_err *err);

#endif
