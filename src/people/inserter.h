/* The import's bulk-load helpers on top of the inserter of people.h: inserting a row whose folded
 * name is already computed (the import folds on its parsing thread), and deferring the secondary
 * indexes of an empty people table until the rows are in, so that each index is built once, sorted,
 * instead of row by row. Everything runs inside the caller's transaction: a ROLLBACK restores the
 * dropped indexes by itself. */
#ifndef PD_PEOPLE_INSERTER_H
#define PD_PEOPLE_INSERTER_H

#include <sqlite3.h>

#include "base/err.h"
#include "people/people.h"

/* pd_inserter_person with p->created_at already set and folded == pd_fold(p->full_name). Every
 * text is bound without a copy: they must stay put until the call returns. Sets p->id. */
int pd_inserter_person_folded(pd_inserter *ins, pd_person *p, const char *folded, pd_err *err);

/* A statement inserting n people at once (one VALUES row each), for pd_inserter_people_group.
 * Finalize it before closing the connection. */
int pd_inserter_prepare_group(sqlite3 *db, int n, sqlite3_stmt **out, pd_err *err);
/* Inserts n people with group (prepared for n) in one step: the per-statement work of SQLite is
 * paid once per group. Their ids follow *last_id, the id of the row inserted last (or max(id)):
 * checked, set in each p[k]->id, and *last_id advances. folded[k] == pd_fold(p[k]->full_name). */
int pd_inserter_people_group(pd_inserter *ins, sqlite3_stmt *group, pd_person *const *p,
                             const char *const *folded, int n, int64_t *last_id, pd_err *err);

/* Bulk mode (pd_inserter_open_bulk) when the caller filled the name index itself: restores the
 * trigger without indexing anything (pd_inserter_finish is a no-op afterwards). */
int pd_inserter_finish_filled(pd_inserter *ins, pd_err *err);

typedef struct pd_deferred_indexes {
    int count;
    char **sql; /* CREATE INDEX statements of the dropped indexes */
} pd_deferred_indexes;

/* If the people table is empty, drops its secondary indexes, remembering their SQL; otherwise
 * leaves them (d->count == 0). Call before inserting; pd_people_restore_indexes before COMMIT. */
int pd_people_defer_indexes(sqlite3 *db, pd_deferred_indexes *d, pd_err *err);
/* Creates the deferred indexes again (no-op when none were dropped) and frees d's contents. */
int pd_people_restore_indexes(sqlite3 *db, pd_deferred_indexes *d, pd_err *err);
/* Frees d's contents without creating anything (the caller rolls back). */
void pd_deferred_indexes_free(pd_deferred_indexes *d);

#endif
