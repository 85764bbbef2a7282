/* The audit log. Changes are written by the caller inside its transaction (durable with the change);
 * reads are queued and written by one writer thread in batches, one COMMIT per batch (group commit), so
 * that auditing every read does not cost an fsync per request. */
#include "audit/audit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/text.h"
#include "store/db.h"

static const char insert_sql[] =
    "INSERT INTO audit_log(at, user_id, username, action, entity, entity_id, unit_code, detail, ip)"
    " VALUES (?,?,?,?,?,?,?,?,?)";

static void bind_entry(sqlite3_stmt *st, const pd_audit_entry *e)
{
    sqlite3_bind_int64(st, 1, e->at);
    if (e->user_id)
        sqlite3_bind_int64(st, 2, e->user_id);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, e->username, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->entity, -1, SQLITE_STATIC);
    if (e->entity_id)
        sqlite3_bind_int64(st, 6, e->entity_id);
    else
        sqlite3_bind_null(st, 6);
    pd_bind_text_or_null(st, 7, e->unit_code);
    sqlite3_bind_text(st, 8, e->detail, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 9, e->ip);
}

static void fill_entry(pd_audit_entry *e, const pd_actor *actor, const char *action,
                       const char *entity, int64_t entity_id, const char *unit_code,
                       const char *detail)
{
    memset(e, 0, sizeof *e);
    e->at = pd_now();
    e->user_id = actor->user_id;
    pd_strlcpy(e->username, actor->username, sizeof e->username);
    pd_strlcpy(e->action, action, sizeof e->action);
    pd_strlcpy(e->entity, entity, sizeof e->entity);
    e->entity_id = entity_id;
    pd_strlcpy(e->unit_code, unit_code ? unit_code : "", sizeof e->unit_code);
    pd_strlcpy(e->detail, detail ? detail : "", sizeof e->detail);
    pd_strlcpy(e->ip, actor->ip, sizeof e->ip);
}

static int insert_entry(sqlite3 *db, const pd_audit_entry *e, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, insert_sql, err);
    if (!st)
        return PD_EDB;
    bind_entry(st, e);
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

int pd_audit_write(sqlite3 *db, const pd_actor *actor, const char *action, const char *entity,
                   int64_t entity_id, const char *unit_code, const char *detail, pd_err *err)
{
    pd_audit_entry e;
    fill_entry(&e, actor, action, entity, entity_id, unit_code, detail);
    return insert_entry(db, &e, err);
}

/* The queue of reads waiting for the writer thread. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake, drained;
    pd_audit_entry *items;
    size_t len, cap;
    bool running, stopping;
    unsigned long long queued, written; /* sequence numbers, for flush */
    pthread_t thread;
    sqlite3 *db;
} q = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .drained = PTHREAD_COND_INITIALIZER};

static void write_batch(sqlite3 *db, pd_audit_entry *batch, size_t n)
{
    pd_err err;
    if (pd_db_begin(db, &err) != PD_OK) {
        pd_error("audit: %s", err.message);
        return;
    }
    sqlite3_stmt *st = pd_db_cached(db, insert_sql, &err);
    for (size_t i = 0; st && i < n; i++) {
        bind_entry(st, &batch[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            pd_error("audit: %s", sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    pd_db_release(st);
    if (pd_db_commit(db, &err) != PD_OK)
        pd_error("audit: %s", err.message);
}

static void *writer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&q.lock);
    for (;;) {
        while (q.len == 0 && !q.stopping)
            pthread_cond_wait(&q.wake, &q.lock);
        if (q.len == 0 && q.stopping)
            break;
        pd_audit_entry *batch = q.items;
        size_t n = q.len;
        q.items = NULL;
        q.len = q.cap = 0;
        pthread_mutex_unlock(&q.lock);
        write_batch(q.db, batch, n);
        free(batch);
        pthread_mutex_lock(&q.lock);
        q.written += n;
        pthread_cond_broadcast(&q.drained);
    }
    pthread_mutex_unlock(&q.lock);
    return NULL;
}

int pd_audit_writer_start(const char *db_path, pd_err *err)
{
    q.db = pd_db_open_existing(db_path, err);
    if (!q.db)
        return err ? err->code : PD_EDB;
    q.stopping = false;
    if (pthread_create(&q.thread, NULL, writer_main, NULL) != 0) {
        pd_db_close(q.db);
        return pd_fail(err, PD_ELIMIT, "", "Không khởi động được luồng ghi nhật ký");
    }
    q.running = true;
    return PD_OK;
}

void pd_audit_writer_stop(void)
{
    if (!q.running)
        return;
    pthread_mutex_lock(&q.lock);
    q.stopping = true;
    pthread_cond_signal(&q.wake);
    pthread_mutex_unlock(&q.lock);
    pthread_join(q.thread, NULL);
    q.running = false;
    pd_db_close(q.db);
    q.db = NULL;
}

void pd_audit_flush(void)
{
    pthread_mutex_lock(&q.lock);
    unsigned long long target = q.queued;
    while (q.running && q.written < target)
        pthread_cond_wait(&q.drained, &q.lock);
    pthread_mutex_unlock(&q.lock);
}

void pd_audit_read(sqlite3 *db, const pd_actor *actor, const char *entity, int64_t entity_id,
                   const char *unit_code, const char *detail)
{
    pd_audit_entry e;
    fill_entry(&e, actor, "read", entity, entity_id, unit_code, detail);
    pthread_mutex_lock(&q.lock);
    if (!q.running) {
        pthread_mutex_unlock(&q.lock);
        pd_err err;
        if (insert_entry(db, &e, &err) != PD_OK)
            pd_error("audit: %s", err.message);
        return;
    }
    if (q.len == q.cap) {
        size_t cap = q.cap ? q.cap * 2 : 256;
        pd_audit_entry *items = realloc(q.items, cap * sizeof *items);
        if (!items)
            abort();
        q.items = items;
        q.cap = cap;
    }
    q.items[q.len++] = e;
    q.queued++;
    pthread_cond_signal(&q.wake);
    pthread_mutex_unlock(&q.lock);
}

static void entry_from_row(sqlite3_stmt *st, pd_audit_entry *e)
{
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(st, 0);
    e->at = sqlite3_column_int64(st, 1);
    e->user_id = sqlite3_column_int64(st, 2);
    pd_strlcpy(e->username, pd_col_text(st, 3), sizeof e->username);
    pd_strlcpy(e->action, pd_col_text(st, 4), sizeof e->action);
    pd_strlcpy(e->entity, pd_col_text(st, 5), sizeof e->entity);
    e->entity_id = sqlite3_column_int64(st, 6);
    pd_strlcpy(e->unit_code, pd_col_text(st, 7), sizeof e->unit_code);
    pd_strlcpy(e->detail, pd_col_text(st, 8), sizeof e->detail);
    pd_strlcpy(e->ip, pd_col_text(st, 9), sizeof e->ip);
}

int pd_audit_list(sqlite3 *db, const pd_actor *actor, const pd_audit_query *aq, pd_audit_cb cb,
                  void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_AUDIT_READ))
        return pd_fail(err, PD_EDENIED, "", "Chỉ quản trị viên được xem nhật ký truy cập");
    pd_audit_flush();
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT id, at, user_id, username, action, entity, entity_id, unit_code, detail, ip"
        " FROM audit_log WHERE (?1 = 0 OR at >= ?1) AND (?2 = 0 OR at <= ?2)"
        " AND (?3 = '' OR username = ?3) AND (?4 = '' OR entity = ?4)"
        " AND (?5 = 0 OR entity_id = ?5) AND (?6 = '' OR action = ?6) AND (?7 = 0 OR id < ?7)"
        " ORDER BY id DESC LIMIT ?8",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, aq->from);
    sqlite3_bind_int64(st, 2, aq->to);
    sqlite3_bind_text(st, 3, aq->username, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, aq->entity, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, aq->entity_id);
    sqlite3_bind_text(st, 6, aq->action, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, aq->before_id);
    sqlite3_bind_int(st, 8, aq->limit > 0 ? aq->limit : 100);
    int rc = PD_OK, s;
    pd_audit_entry e;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        entry_from_row(st, &e);
        if (cb(&e, ctx) != 0)
            break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
