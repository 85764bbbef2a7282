/* Helpers shared by the files of src/declare/ only: local dates as text, the residence a
 * declaration is filed under, token and alert steps that run inside a caller's transaction. */
#ifndef PD_DECLARE_INTERNAL_H
#define PD_DECLARE_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "declare/declare.h"

/* The residence a declaration is filed under (its scope). */
typedef struct pd_residence {
    char unit_code[16], area_code[16], district_code[16], province_code[16];
    char address[256];
} pd_residence;

/* Days since 1970-01-01 of a valid YYYY-MM-DD (or other pd_date_parse form); false if invalid or
 * year-only. */
bool pd_declare_date_days(const char *s, int64_t *days);
/* YYYY-MM-DD of a day number. */
void pd_declare_days_date(int64_t days, char out[12]);
/* The local date of a Unix time as YYYY-MM-DD. */
void pd_declare_local_date(int64_t unix_seconds, char out[12]);
/* DD/MM/YYYY of a YYYY-MM-DD (copied as is if not one). */
void pd_declare_date_vn(const char *iso, char *out, size_t cap);
/* Unix time of local midnight starting a day number. */
int64_t pd_declare_day_start(int64_t days);

/* True if a unit (any level) lies in the actor's scope; false if unknown. */
bool pd_declare_unit_in_scope(sqlite3 *db, const pd_actor *actor, const char *code);
/* The SQL condition (alias.column = ?) narrowing a table with province/district/unit_code columns
 * to a unit; PD_EINVAL for an unknown unit. A level-4 area narrows on alias.area_code when the
 * table has one (has_area), else to its commune. */
int pd_declare_unit_filter(sqlite3 *db, const char *alias, const char *code, bool has_area,
                           char *cond, size_t cap, char *param, size_t pcap, pd_err *err);
/* Cuts s to at most max bytes on a UTF-8 character boundary. */
void pd_declare_cut_utf8(char *s, size_t max);

/* The audit actor of the public pages: nobody, from ip. */
pd_actor pd_declare_public_actor(const char *ip);

/* Inside a transaction: a new token for person_id (revoking older ones when asked). */
int pd_token_create_tx(sqlite3 *db, int64_t person_id, bool revoke_others,
                       char token[PD_TOKEN_CHARS + 1], pd_err *err);

/* Inside the declaration's transaction: evaluates the alert rules for a stored declaration and
 * opens or extends the alert. mismatch: the typed identity differed from the matched person's.
 * *alert_id is 0 when nothing called for one. */
int pd_alert_raise_tx(sqlite3 *db, const pd_declaration_in *in, int64_t declaration_id,
                      int64_t person_id, const pd_residence *res, bool mismatch, int64_t *alert_id,
                      pd_err *err);

/* The reasons an alert would be raised for, and their detail in words (no database writes).
 * reasons/detail receive comma and sentence lists; both empty when nothing calls for an alert. */
int pd_alert_evaluate(sqlite3 *db, const pd_declaration_in *in, const pd_residence *res,
                      bool mismatch, char *reasons, size_t rcap, char *detail, size_t dcap,
                      pd_err *err);

#endif
