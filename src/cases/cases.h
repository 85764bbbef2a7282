/* Cases (F0): confirming a case for a registry person, its status over time (active, recovered,
 * died, transferred), naming its likely source, contacts it declared or that officials add by
 * hand, lists in scope; and the narrowest-lockdown suggestion over active cases and their F1s.
 * Scope: a case carries its person's unit codes from when it was confirmed; a case outside the
 * caller's scope answers PD_ENOTFOUND, like a missing one. Reading needs PD_PERM_CASES_READ,
 * changing PD_PERM_CASES_WRITE. Every change is audited in its transaction. */
#ifndef PD_CASES_H
#define PD_CASES_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "people/people.h"

typedef struct pd_case {
    int64_t id;
    int64_t person_id;
    int64_t confirmed_at; /* 0 on confirm: now */
    char onset_date[12];  /* YYYY-MM-DD or DD/MM/YYYY on input; "" without symptoms */
    char sample_date[12]; /* the positive sample; required */
    char found_in[16];    /* community | quarantine | imported */
    char basis[16];       /* pcr | antigen_f1 | antigen_link | antigen_twice | entered */
    char status[16];      /* active | recovered | died | transferred */
    int64_t status_at;
    int64_t infectious_until; /* 0 on confirm: confirmed_at (isolated on confirmation) */
    int64_t source_case_id;   /* 0: none named */
    char unit_code[16], area_code[16], district_code[16], province_code[16];
    char note[256];
    int64_t confirmed_by;
    int64_t created_at;
    int64_t traced_at; /* 0: never traced */
    /* Read back: */
    char full_name[128];
    char phone[16];
    char address[256];
    int64_t f1_count, f2_count; /* saved contacts */
} pd_case;

/* Confirms a case. Validates (fields named in errs, messages in Vietnamese): the person exists
 * and lies in the caller's scope (else PD_ENOTFOUND); sample date a real day, not in the future,
 * not more than 60 days ago; onset, when given, not in the future and not more than 14 days
 * before the sample; found_in and basis from their lists; infectious_until, when given, not
 * before the window start. A person with an active case already: PD_ECONFLICT (field person_id).
 * Copies the person's unit codes; writes the status log's first row. Fills c->id and the rest. */
int pd_case_confirm(sqlite3 *db, const pd_actor *actor, pd_case *c, pd_field_errors *errs,
                    pd_err *err);

int pd_case_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_case *out, pd_err *err);

/* Reads c->id again into c after a change the caller itself made (tracing, a status change): no
 * permission check and no audit entry, for callers that confirmed or read the case already. */
int pd_case_reload(sqlite3 *db, pd_case *c, pd_err *err);

/* The start of the case's transmission window: 00:00 local (UTC+7) two days before the onset
 * date, or before the sample date without one (domain rules §2). 0 if neither date is valid. */
int64_t pd_case_window_start(const pd_case *c);

/* Moves an active case to recovered, died or transferred (PD_EINVAL otherwise, or when the case
 * is no longer active), at `at` (0: now), with a note; logged in case_status_log. */
int pd_case_set_status(sqlite3 *db, const pd_actor *actor, int64_t id, const char *status,
                       int64_t at, const char *note, pd_err *err);

/* Names (or with 0 clears) the case's likely source: another case, confirmed no later than this
 * one, that the caller may read; never a cycle (PD_EINVAL). */
int pd_case_set_source(sqlite3 *db, const pd_actor *actor, int64_t id, int64_t source_case_id,
                       pd_err *err);

typedef struct pd_case_status_entry {
    char status[16];
    int64_t at;
    int64_t by_user;
    char by_username[64];
    char note[256];
} pd_case_status_entry;
typedef int (*pd_case_status_cb)(const pd_case_status_entry *e, void *ctx);
int pd_case_history(sqlite3 *db, const pd_actor *actor, int64_t id, pd_case_status_cb cb, void *ctx,
                    pd_err *err);

typedef struct pd_cases_query {
    char unit_code[16]; /* narrow to a unit inside the scope (province, district, commune, area) */
    char status[16];    /* "" all */
    char found_in[16];  /* "" all */
    char from[12];      /* confirmed on or after this day; "" open */
    char to[12];        /* confirmed on or before this day; "" open */
    int64_t before_id;  /* keyset paging, newest first */
    int limit;          /* default 50, at most 10,000 */
} pd_cases_query;

typedef int (*pd_case_cb)(const pd_case *c, void *ctx);
int pd_cases_list(sqlite3 *db, const pd_actor *actor, const pd_cases_query *q, pd_case_cb cb,
                  void *ctx, bool *more, pd_err *err);

/* A contact the case declared, or one an official adds (kind "declared" or "manual"), met at
 * contact_at (0: some time in the window). The person must exist (any scope: contacts cross
 * communes) and not be the case's own person. Adding the same (person, kind) twice: PD_ECONFLICT.
 */
int pd_case_contact_add(sqlite3 *db, const pd_actor *actor, int64_t case_id, int64_t person_id,
                        const char *kind, int64_t contact_at, const char *note, pd_err *err);

/* The contacts added to a case (case_contacts), oldest first. Needs PD_PERM_CASES_READ and the
 * case in scope; not audited (read with the case, whose read is). */
typedef struct pd_case_contact {
    int64_t person_id;
    char full_name[128];
    char kind[12];      /* declared | manual */
    int64_t contact_at; /* 0: some time in the window */
    char note[256];
    int64_t created_at;
} pd_case_contact;
typedef int (*pd_case_contact_cb)(const pd_case_contact *k, void *ctx);
int pd_case_contacts_added(sqlite3 *db, const pd_actor *actor, int64_t case_id,
                           pd_case_contact_cb cb, void *ctx, pd_err *err);

/* ---- Narrowest lockdown ------------------------------------------------------------------- */

typedef enum pd_lockdown_level {
    PD_LOCKDOWN_HOUSEHOLD = 1,
    PD_LOCKDOWN_AREA = 2, /* thôn, bản, tổ dân phố */
    PD_LOCKDOWN_COMMUNE = 3,
} pd_lockdown_level;

typedef struct pd_lockdown_area {
    int level;            /* pd_lockdown_level */
    int64_t household_id; /* level household */
    char unit_code[16]; /* the commune (level commune), area (level area) or household's commune */
    char name[160];     /* the household's address, the area's or commune's name */
    int64_t people;     /* people living inside */
    int64_t cases;      /* active cases living inside */
    int64_t f1;         /* F1 of active cases living inside */
    int64_t households_with_cases;
    char reason[256]; /* in Vietnamese: why this level */
} pd_lockdown_area;

typedef struct pd_lockdown_opts {
    int area_households; /* households with cases in one area to lock the area; default 3 */
    int commune_areas;   /* areas to lock in one commune to lock the commune; default 3 */
} pd_lockdown_opts;

typedef int (*pd_lockdown_cb)(const pd_lockdown_area *a, void *ctx);
/* Suggests the smallest areas to lock down in the caller's scope (or unit_code inside it) from
 * the active cases and their saved F1s living there: households with a case or an F1; an area
 * (thôn/tổ) once area_households of its households have a case, replacing those households; a
 * commune once commune_areas of its areas are suggested (or, for a commune without areas, once
 * area_households households have a case), replacing them. Largest level first, then by cases. */
int pd_lockdown_suggest(sqlite3 *db, const pd_actor *actor, const char *unit_code,
                        const pd_lockdown_opts *opts, pd_lockdown_cb cb, void *ctx, pd_err *err);

#endif
