/* The SQLite store: opening a connection (WAL, foreign keys, busy timeout, synchronous=FULL),
 * numbered migrations tracked in PRAGMA user_version, transactions, online backup, and a
 * per-connection cache of prepared statements for the hot paths. */
#ifndef PD_DB_H
#define PD_DB_H

#include <sqlite3.h>
#include <stdbool.h>

#include "base/err.h"

/* Opens (creating if needed) and migrates the database at path. NULL on failure (err says why). */
sqlite3 *pd_db_open(const char *path, pd_err *err);
/* Opens without creating or migrating: for a database that must already exist. */
sqlite3 *pd_db_open_existing(const char *path, pd_err *err);
void pd_db_close(sqlite3 *db);

/* Runs every migration above the database's user_version, each in its own transaction. */
int pd_db_migrate(sqlite3 *db, pd_err *err);
int pd_db_schema_version(sqlite3 *db);
/* The number of migrations this build knows. */
int pd_db_latest_version(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. begin and commit return PD_OK or PD_EDB (err filled). */
int pd_db_begin(sqlite3 *db, pd_err *err);
int pd_db_commit(sqlite3 *db, pd_err *err);
/* Ends the transaction of one change: COMMIT when rc is PD_OK, else ROLLBACK; returns rc or the
 * COMMIT's failure. */
int pd_db_end(sqlite3 *db, int rc, pd_err *err);
void pd_db_rollback(sqlite3 *db);

/* Runs SQL with no result rows. */
int pd_db_exec(sqlite3 *db, const char *sql, pd_err *err);
/* Prepares a statement, filling err on failure. */
sqlite3_stmt *pd_db_prepare(sqlite3 *db, const char *sql, pd_err *err);
/* A prepared statement from the connection's statement cache, keyed by SQL text: prepared once
 * (with SQLITE_PREPARE_PERSISTENT) and reused, so a hot path does not parse its SQL on every call.
 * Bind, step, then hand it back with pd_db_release() -- never sqlite3_finalize() it; pd_db_close()
 * finalizes the cache. A statement is lent to one user at a time: asking again for the same SQL
 * before the release (re-entrant use) gets a fresh statement, which pd_db_release() finalizes. Like
 * the connection itself, the cache is used by one thread at a time. */
sqlite3_stmt *pd_db_cached(sqlite3 *db, const char *sql, pd_err *err);
/* Returns a statement from pd_db_cached() (reset, bindings cleared); NULL is ignored. */
void pd_db_release(sqlite3_stmt *st);

/* Fills err with the connection's last error. Returns PD_EDB. */
int pd_db_error(sqlite3 *db, pd_err *err);

/* Copies the live database into out with SQLite's online backup API. */
int pd_db_backup(sqlite3 *db, const char *out, pd_err *err);

/* Binds text or NULL when s is NULL or empty. */
int pd_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s);
/* Column text as a C string, "" for NULL. */
const char *pd_col_text(sqlite3_stmt *st, int col);

#endif
