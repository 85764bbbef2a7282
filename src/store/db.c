/* SQLite connection set-up, transactions, migrations runner, online backup and the per-connection
 * statement cache. */
#include "store/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/migrations.h"

int pd_db_error(sqlite3 *db, pd_err *err)
{
    return pd_fail(err, PD_EDB, "", "Lỗi cơ sở dữ liệu: %s",
                   db ? sqlite3_errmsg(db) : "không mở được");
}

int pd_db_exec(sqlite3 *db, const char *sql, pd_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        pd_fail(err, PD_EDB, "", "Lỗi cơ sở dữ liệu: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return PD_EDB;
    }
    return PD_OK;
}

sqlite3_stmt *pd_db_prepare(sqlite3 *db, const char *sql, pd_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        pd_db_error(db, err);
        return NULL;
    }
    return st;
}

/* The statement cache: one small table of prepared statements per connection that used
 * pd_db_cached(), found through a process-wide list (the lock guards only the list; a connection
 * and its table are used by one thread at a time). Entries are matched by SQL text (length, then
 * bytes). */
#define STMT_CACHE_SLOTS 48

typedef struct stmt_slot {
    size_t len;
    char *sql;
    sqlite3_stmt *st;
    bool lent;
} stmt_slot;

typedef struct stmt_cache {
    sqlite3 *db;
    struct stmt_cache *next;
    int used;
    unsigned victim; /* round-robin eviction when every slot is taken */
    stmt_slot slots[STMT_CACHE_SLOTS];
} stmt_cache;

static pthread_mutex_t caches_lock = PTHREAD_MUTEX_INITIALIZER;
static stmt_cache *caches;

/* The connection's cache; created when create is set (NULL if out of memory or not found). */
static stmt_cache *cache_of(sqlite3 *db, bool create)
{
    pthread_mutex_lock(&caches_lock);
    stmt_cache *c = caches;
    while (c && c->db != db)
        c = c->next;
    if (!c && create && (c = calloc(1, sizeof *c)) != NULL) {
        c->db = db;
        c->next = caches;
        caches = c;
    }
    pthread_mutex_unlock(&caches_lock);
    return c;
}

/* Unlinks and frees the connection's cache, finalizing its statements. */
static void cache_drop(sqlite3 *db)
{
    pthread_mutex_lock(&caches_lock);
    stmt_cache **at = &caches;
    while (*at && (*at)->db != db)
        at = &(*at)->next;
    stmt_cache *c = *at;
    if (c)
        *at = c->next;
    pthread_mutex_unlock(&caches_lock);
    if (!c)
        return;
    for (int i = 0; i < c->used; i++) {
        sqlite3_finalize(c->slots[i].st);
        free(c->slots[i].sql);
    }
    free(c);
}

/* Keeps a freshly prepared, lent statement in the cache, evicting an idle one if the cache is full.
 * Leaves it uncached (pd_db_release finalizes it) if there is no room. */
static void cache_keep(stmt_cache *c, const char *sql, size_t len, sqlite3_stmt *st)
{
    stmt_slot *s = NULL;
    if (c->used < STMT_CACHE_SLOTS) {
        s = &c->slots[c->used];
    } else {
        for (int tries = 0; tries < STMT_CACHE_SLOTS && !s; tries++) {
            stmt_slot *v = &c->slots[c->victim++ % STMT_CACHE_SLOTS];
            if (!v->lent)
                s = v;
        }
        if (!s)
            return;
        sqlite3_finalize(s->st);
        free(s->sql);
        s->sql = NULL;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return;
    memcpy(copy, sql, len + 1);
    if (s == &c->slots[c->used])
        c->used++;
    *s = (stmt_slot){.len = len, .sql = copy, .st = st, .lent = true};
}

sqlite3_stmt *pd_db_cached(sqlite3 *db, const char *sql, pd_err *err)
{
    size_t len = strlen(sql);
    stmt_cache *c = cache_of(db, true);
    bool busy = false;
    for (int i = 0; c && i < c->used; i++) {
        stmt_slot *s = &c->slots[i];
        if (s->len != len || memcmp(s->sql, sql, len) != 0)
            continue;
        if (!s->lent) {
            s->lent = true;
            return s->st;
        }
        busy = true; /* re-entrant use: lend a fresh statement instead */
        break;
    }
    sqlite3_stmt *st = NULL;
    unsigned flags = busy ? 0 : SQLITE_PREPARE_PERSISTENT;
    if (sqlite3_prepare_v3(db, sql, (int)len + 1, flags, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        pd_db_error(db, err);
        return NULL;
    }
    if (c && !busy)
        cache_keep(c, sql, len, st);
    return st;
}

void pd_db_release(sqlite3_stmt *st)
{
    if (!st)
        return;
    stmt_cache *c = cache_of(sqlite3_db_handle(st), false);
    for (int i = 0; c && i < c->used; i++) {
        if (c->slots[i].st == st) {
            /* reset ends its read transaction: an idle cached statement holds no snapshot */
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            c->slots[i].lent = false;
            return;
        }
    }
    sqlite3_finalize(st);
}

static sqlite3 *open_with(const char *path, int flags, pd_err *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        pd_fail(err, PD_EIO, "db", "Không mở được cơ sở dữ liệu %s: %s", path,
                db ? sqlite3_errmsg(db) : "hết bộ nhớ");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    sqlite3_extended_result_codes(db, 1);
    /* WAL lets readers run beside the writer; FULL makes every COMMIT durable before it returns. */
    if (pd_db_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                   "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
                   err) != PD_OK) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *pd_db_open(const char *path, pd_err *err)
{
    sqlite3 *db = open_with(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err);
    if (db && pd_db_migrate(db, err) != PD_OK) {
        pd_db_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *pd_db_open_existing(const char *path, pd_err *err)
{
    sqlite3 *db = open_with(path, SQLITE_OPEN_READWRITE, err);
    if (!db)
        return NULL;
    int v = pd_db_schema_version(db);
    if (v < pd_db_latest_version()) {
        if (pd_db_migrate(db, err) != PD_OK) {
            pd_db_close(db);
            return NULL;
        }
    } else if (v > pd_db_latest_version()) {
        pd_fail(err, PD_EDB, "db",
                "Cơ sở dữ liệu được tạo bởi phiên bản mới hơn (lược đồ %d, bản này biết đến %d)", v,
                pd_db_latest_version());
        pd_db_close(db);
        return NULL;
    }
    return db;
}

void pd_db_close(sqlite3 *db)
{
    if (!db)
        return;
    cache_drop(db);
    sqlite3_close_v2(db);
}

int pd_db_schema_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int pd_db_latest_version(void)
{
    return pd_migration_count;
}

int pd_db_migrate(sqlite3 *db, pd_err *err)
{
    int v = pd_db_schema_version(db);
    if (v < 0)
        return pd_db_error(db, err);
    for (int i = v; i < pd_migration_count; i++) {
        if (pd_db_begin(db, err) != PD_OK)
            return PD_EDB;
        char pragma[48];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", i + 1);
        if (pd_db_exec(db, pd_migrations[i], err) != PD_OK ||
            pd_db_exec(db, pragma, err) != PD_OK) {
            pd_db_rollback(db);
            return PD_EDB;
        }
        if (pd_db_commit(db, err) != PD_OK)
            return PD_EDB;
    }
    return PD_OK;
}

/* Runs one statement without result rows through the statement cache (BEGIN and COMMIT are run for
 * every write; parsing them each time cost more than the audit insert between them). */
static int exec_cached(sqlite3 *db, const char *sql, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    int s = sqlite3_step(st);
    int rc = s == SQLITE_DONE || s == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

int pd_db_begin(sqlite3 *db, pd_err *err)
{
    return exec_cached(db, "BEGIN IMMEDIATE", err);
}

int pd_db_commit(sqlite3 *db, pd_err *err)
{
    if (exec_cached(db, "COMMIT", err) != PD_OK) {
        pd_db_rollback(db);
        return PD_EDB;
    }
    return PD_OK;
}

void pd_db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int pd_db_backup(sqlite3 *db, const char *out, pd_err *err)
{
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(out, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        pd_fail(err, PD_EIO, "out", "Không tạo được tệp sao lưu %s", out);
        sqlite3_close(dst);
        return PD_EIO;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", db, "main");
    if (!b) {
        pd_db_error(dst, err);
        sqlite3_close(dst);
        return PD_EDB;
    }
    int rc;
    /* Copy in steps so writers on the live database are not blocked for the whole copy. */
    while ((rc = sqlite3_backup_step(b, 1024)) == SQLITE_OK || rc == SQLITE_BUSY ||
           rc == SQLITE_LOCKED)
        sqlite3_sleep(5);
    sqlite3_backup_finish(b);
    int status = PD_OK;
    if (rc != SQLITE_DONE)
        status = pd_db_error(dst, err);
    sqlite3_close(dst);
    return status;
}

int pd_bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
    if (!s || !*s)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

const char *pd_col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

int pd_db_end(sqlite3 *db, int rc, pd_err *err)
{
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    return pd_db_commit(db, err);
}
