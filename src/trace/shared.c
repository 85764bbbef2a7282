/* The process's shared tracer: built on first use over the last PD_TRACE_HORIZON_DAYS days of
 * check-ins of the database being served, refreshed before each trace, rebuilt when another
 * database file is asked for. One trace at a time runs through it (traces take milliseconds). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "trace/internal.h"

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static pd_tracer *shared;
static int64_t shared_since;
static char shared_path[4096];

/* The earliest check-in a trace of case_id needs: a day before its window (0 if unknown). */
static int64_t needed_since(sqlite3 *db, int64_t case_id)
{
    sqlite3_stmt *st = NULL;
    int64_t since = 0;
    if (sqlite3_prepare_v2(db, "SELECT onset_date, sample_date FROM cases WHERE id = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, case_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        since = pd_trace_window_start((const char *)sqlite3_column_text(st, 0),
                                      (const char *)sqlite3_column_text(st, 1)) -
                86400;
    sqlite3_finalize(st);
    return since > 0 ? since : 0;
}

/* The shared tracer for db, up to date and reaching back to case_id's window; called with
 * shared_lock held. */
static int shared_for(sqlite3 *db, int64_t case_id, pd_err *err)
{
    const char *path = sqlite3_db_filename(db, "main");
    if (!path)
        path = "";
    int64_t since = pd_now() - (int64_t)PD_TRACE_HORIZON_DAYS * 86400;
    int64_t need = needed_since(db, case_id);
    if (need < since)
        since = need;
    if (shared && strcmp(path, shared_path) == 0 && shared_since <= since)
        return pd_tracer_refresh(shared, db, err);
    pd_tracer_close(shared);
    shared = NULL;
    if (pd_tracer_open(db, since, &shared, err) != 0)
        return err->code;
    shared_since = since;
    snprintf(shared_path, sizeof shared_path, "%s", path);
    return 0;
}

int pd_trace_case_now(sqlite3 *db, const pd_actor *actor, int64_t case_id,
                      const pd_trace_opts *opts, bool save, pd_trace_result *out, int64_t *added,
                      pd_err *err)
{
    pthread_mutex_lock(&shared_lock);
    int rc = shared_for(db, case_id, err);
    if (rc == 0)
        rc = pd_trace_run(shared, db, case_id, opts, out, err);
    pthread_mutex_unlock(&shared_lock);
    if (added)
        *added = 0;
    if (rc == 0 && save && (rc = pd_trace_save(db, actor, out, added, err)) != 0)
        pd_trace_result_free(out);
    return rc;
}

int pd_trace_sources_now(sqlite3 *db, int64_t case_id, pd_source *out, size_t cap, size_t *n,
                         pd_err *err)
{
    pthread_mutex_lock(&shared_lock);
    int rc = shared_for(db, case_id, err);
    if (rc == 0)
        rc = pd_trace_sources(shared, db, case_id, out, cap, n, err);
    pthread_mutex_unlock(&shared_lock);
    return rc;
}

void pd_trace_shared_close(void)
{
    pthread_mutex_lock(&shared_lock);
    pd_tracer_close(shared);
    shared = NULL;
    shared_path[0] = '\0';
    pthread_mutex_unlock(&shared_lock);
}
