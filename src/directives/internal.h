/* Internals shared by the files of src/directives/: the caller's chain of units for visibility, and
 * small JSON and SQL helpers. Not a public API. */
#ifndef PD_DIRECTIVES_INTERNAL_H
#define PD_DIRECTIVES_INTERNAL_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "auth/auth.h"
#include "base/err.h"

/* The caller's own unit and those above it: codes of its province, district and commune ("" when
 * the scope is higher). */
typedef struct dv_chain {
    pd_scope_level level;
    char p[16], d[16], c[16];
} dv_chain;

int dv_chain_of(sqlite3 *db, const pd_actor *actor, dv_chain *out, pd_err *err);

/* The SQL condition making document alias `d` visible to the chain, using the named parameters
 * :ap, :ad, :ac; bind them with dv_bind_chain(). */
const char *dv_visible_sql(const dv_chain *ch, const char *alias, char *out, size_t cap);
void dv_bind_chain(sqlite3_stmt *st, const dv_chain *ch);
/* Binds :name to text (NULL for a NULL pointer); ignored if the statement has no such parameter.
 * dv_bind_opt binds an empty string as NULL too. */
void dv_bind(sqlite3_stmt *st, const char *name, const char *value);
void dv_bind_opt(sqlite3_stmt *st, const char *name, const char *value);
void dv_bind_int(sqlite3_stmt *st, const char *name, long long value);

/* True if the document is visible (exists and in view). */
bool dv_doc_visible(sqlite3 *db, const dv_chain *ch, int64_t doc_id);

/* A string member, or "" (also for null and non-strings). */
const char *dv_str(const json_t *o, const char *key);
/* A JSON string from a column, or null for NULL. */
json_t *dv_col_json(sqlite3_stmt *st, int col);

/* Folded text with abbreviations expanded (UBND, TTYT, TP, VH-TT...), punctuation and "và"
 * dropped: the form issuer and agency names are compared in. */
void dv_norm(const char *in, char *out, size_t cap);

/* Today's local date as YYYY-MM-DD. */
void dv_today(char out[11]);

/* Resolves an issuer's text ("UBND tỉnh Bắc Kạn", "ỦY BAN NHÂN DÂN THÀNH PHỐ BẮC KẠN", with its
 * parent) to a unit: 1 found (level and code set), 0 a central body, -1 not found (level 0, ""). */
int dv_issuer_unit(sqlite3 *db, const dv_chain *ch, const char *issuer, const char *parent,
                   int *level, char code[16]);

/* Creates the tasks of one mention's agencies for an item (one per agency; an existing task of the
 * item and agency is kept). Returns how many were added, -1 on a store error. */
int dv_tasks_for(sqlite3 *db, int64_t doc_id, int64_t item_id, const char *role,
                 const char *due_date, const int64_t *agency_ids, int n, pd_err *err);

/* Learns alias as another name of the agency (inside the caller's transaction). */
int dv_agency_learn(sqlite3 *db, int64_t agency, const char *alias, pd_err *err);

/* The tasks matching a condition on alias t (tasks) and d (their document), with the named
 * parameters :id and :scope bound to id and scope, as a JSON array (tasks.c); NULL on a store
 * error. */
json_t *dv_tasks_where(sqlite3 *db, const char *where, int64_t id, const char *scope, int limit,
                       pd_err *err);

#endif
