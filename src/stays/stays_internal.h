/* Internals shared by the files of src/stays/: the columns of a stay as selected with its guest and
 * venue, who may see or change which stay, and day arithmetic. Not a public API. */
#ifndef PD_STAYS_INTERNAL_H
#define PD_STAYS_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/validate.h"
#include "stays/stays.h"

#define PD_STAY_COLUMNS                                                                            \
    "s.id, s.venue_id, s.person_id, p.full_name, coalesce(p.birth_date,''), p.sex, s.passport,"    \
    " s.nationality, s.arrive_date, coalesce(s.leave_date,''), s.room, v.name, v.address,"         \
    " s.unit_code, s.district_code, s.province_code, s.created_at"
#define PD_STAY_FROM                                                                               \
    "stays s JOIN people p ON p.id = s.person_id JOIN venues v ON v.id = s.venue_id"

/* Decodes PD_STAY_COLUMNS from column 0. */
void pd_stay_from_row(sqlite3_stmt *st, pd_stay *s);
/* Loads a stay by id regardless of who asks. */
int pd_stay_load(sqlite3 *db, int64_t id, pd_stay *out, pd_err *err);

/* Venue staff: their own venue; officials: a venue in scope (needs PD_PERM_STAYS_WRITE). */
bool pd_stays_may_write_at(const pd_actor *actor, int64_t venue_id, const char *province,
                           const char *district, const char *commune);
/* Whether the actor may see this stay. */
bool pd_stays_may_read(const pd_actor *actor, const pd_stay *s);

/* A full date (day and month given). */
bool pd_stays_parse_day(const char *s, pd_date *d);
/* Days since 1970-01-01. */
int64_t pd_stays_day_number(const pd_date *d);

#endif
