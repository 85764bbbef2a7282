/* Stays of foreigners (lưu trú): an accommodation venue (venues.kind = 'accommodation') registers a
 * foreign guest with their passport, and the police of the area list the guests, filter them and
 * export them to XLSX. A stay carries its venue's unit codes, so a scope filter is one indexed
 * equality. Who may do what:
 *   - register / record departure (PD_PERM_STAYS_WRITE): venue staff (role venue) at their own
 * venue only; officials at any accommodation venue in their scope;
 *   - read / list / export: PD_PERM_STAYS_READ (police, officials) over their scope, and venue
 * staff over their own venue's guests. A stay or venue outside what the caller may see answers
 * PD_ENOTFOUND, like a missing one. */
#ifndef PD_STAYS_H
#define PD_STAYS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "people/people.h"

typedef struct pd_stay {
    int64_t id;
    int64_t venue_id;
    int64_t person_id; /* set by pd_stay_register: the guest's person record */
    char full_name[128];
    char birth_date[12]; /* YYYY-MM-DD */
    char sex[2];         /* "M" or "F" */
    char passport[16];
    char nationality[4];  /* ISO 3166-1 alpha-2, never "VN" */
    char arrive_date[12]; /* YYYY-MM-DD, local */
    char leave_date[12];  /* YYYY-MM-DD, "" while not known */
    char room[32];
    /* Read back with the stay: */
    char venue_name[128];
    char venue_address[256];
    char unit_code[16], district_code[16], province_code[16]; /* the venue's */
    int64_t created_at;
} pd_stay;

/* Registers a guest at s->venue_id. Validates the guest (name, birth date, sex, passport, foreign
 * nationality) and the dates (arrival not after today nor more than a year ago; departure not
 * before arrival), then matches the guest to an existing person with the same passport,
 * nationality, name (folded), birth date and sex, or creates one (id_type passport, living at the
 * venue's commune). A guest already staying at that venue (same passport and nationality, departure
 * not before the new arrival) is refused with PD_ECONFLICT. One transaction with its audit entries.
 * PD_EINVAL lists every problem in errs. Sets s->id, s->person_id and the venue fields. */
int pd_stay_register(sqlite3 *db, const pd_actor *actor, pd_stay *s, pd_field_errors *errs,
                     pd_err *err);

/* Records the day a guest left (YYYY-MM-DD or DD/MM/YYYY; not before arrival). Same rights as
 * registering. Fills out with the updated stay. */
int pd_stay_set_leave(sqlite3 *db, const pd_actor *actor, int64_t id, const char *leave_date,
                      pd_stay *out, pd_err *err);

/* Reads one stay (audited as a read). */
int pd_stay_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_stay *out, pd_err *err);

typedef struct pd_stays_query {
    char unit_code[16];  /* narrow to a unit inside the caller's scope; "" all */
    int64_t venue_id;    /* 0 all */
    bool present;        /* only guests present on `on`: arrived on or before, not left before */
    char on[12];         /* the day for `present`; "" today (local) */
    char from[12];       /* arrived on or after (YYYY-MM-DD or DD/MM/YYYY); "" open */
    char to[12];         /* arrived on or before; "" open */
    char nationality[4]; /* "" all */
    int64_t before_id;   /* keyset paging, newest first: ids below this; 0 from the newest */
    int limit;           /* default 50, at most 500 */
} pd_stays_query;

typedef int (*pd_stay_cb)(const pd_stay *s, void *ctx);

/* Lists the stays the caller may see matching q, newest registration first. *more is set when
 * another page exists. PD_EINVAL for a bad filter (field names it). */
int pd_stays_list(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, pd_stay_cb cb,
                  void *ctx, bool *more, pd_err *err);
/* Number of stays matching q (no paging). */
int pd_stays_count(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, int64_t *count,
                   pd_err *err);

/* Writes every stay matching q (paging ignored) to path as XLSX, one row per stay, with the
 * nationality's Vietnamese name. Audited once. */
int pd_stays_export(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, const char *path,
                    int64_t *rows_out, pd_err *err);

typedef struct pd_stay_venue {
    int64_t id;
    char name[128];
    char address[256];
    char unit_code[16];
} pd_stay_venue;

typedef int (*pd_stay_venue_cb)(const pd_stay_venue *v, void *ctx);
/* The open accommodation venues where the caller may register guests (venue staff: their own;
 * officials: those in scope), by name; at most 1,000. Needs PD_PERM_STAYS_WRITE. */
int pd_stays_venues(sqlite3 *db, const pd_actor *actor, pd_stay_venue_cb cb, void *ctx,
                    pd_err *err);

/* ISO 3166-1 alpha-2 codes: true for an assigned code (upper case). */
bool pd_country_valid(const char *code);
/* The country's Vietnamese name for the common nationalities of visitors, else the code itself. */
const char *pd_country_name(const char *code);

#endif
