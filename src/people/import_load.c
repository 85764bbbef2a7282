/* Loading validated import rows (import_load.h): the writer, which sets the connection up for one bulk
 * transaction, the queues that carry batches of rows from the parsing thread to the writer and on to
 * the name index builder, and that builder.
 *
 * What the bulk set-up changes, and why the guarantees hold:
 * - Foreign keys (people/households -> units, people -> households) are not checked by SQLite row
 *   by row (PRAGMA foreign_keys=OFF for the import; the pragma only takes effect outside a
 *   transaction, so it is set before BEGIN and restored after COMMIT/ROLLBACK). The rows already
 *   passed pd_person_normalize, which found their unit and thôn/tổ; households are the ones this
 *   writer inserted. Before COMMIT the writer checks again, in the transaction, that every unit and
 *   area code it wrote exists in units: what the foreign keys would have checked.
 * - CHECK constraints (sex, id_type) are compiled out of the insert (PRAGMA
 *   ignore_check_constraints; in SQLite 3.40 each IN list costs two temporary b-trees per row); the
 *   writer checks the same values itself.
 * - The page cache grows for the import so that a large load is not spilled to the WAL before
 *   COMMIT, and sorting (CREATE INDEX) uses temp_store=FILE, which packs the keys in large buffers
 *   instead of one allocation per key (nothing reaches a file while the keys fit the cache). The
 *   previous settings are restored afterwards.
 * - Into an empty people table, its secondary indexes are dropped and created again after the last
 *   row (one sorted build each), all inside the transaction, so a failure or a kill leaves the
 *   database as it was. Into a table that already has people, rows go in with every index maintained.
 * - People go in GROUP at a time with one multi-row INSERT (SQLite's per-statement work is paid once
 *   per group); their ids are the next ones in order, which the writer checks.
 * - The name index: into an empty people table with a parsing thread, a builder thread makes the
 *   same FTS5 table (same definition, same settings, same rows in the same rowid order) in a private
 *   temporary database while the rows are written (at a lower priority, taking the CPU the parser
 *   and the writer leave), and a second builder thread of normal priority finishes it while the
 *   writer builds the indexes. At the end, inside the transaction, people_fts is dropped, created
 *   again and its shadow tables are filled with the builder's: the index an INSERT ... SELECT would
 *   have produced, built on the other core (the previous content can only index people that no
 *   longer exist, as the table was empty). Otherwise, or if the builder failed, one INSERT ...
 *   SELECT fills it at the end (pd_inserter_open_bulk). The builder's file lives in $TMPDIR (or
 *   /tmp) and is removed at the end; files left by a killed import are removed by the next one. */
#include "people/import_load.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/text.h"
#include "people/inserter.h"
#include "store/db.h"

/* ---- a queue of batches (blocking pop, never-blocking push) ---- */

#define BATCHES 8

typedef struct fifo {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pd_import_batch *items[BATCHES];
    int head, n;
    bool closed;  /* no more pushes: pop drains, then returns NULL */
    bool stopped; /* pop returns NULL at once */
} fifo;

static void fifo_init(fifo *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->changed, NULL);
}

static void fifo_destroy(fifo *f)
{
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->lock);
}

static void fifo_push(fifo *f, pd_import_batch *b)
{
    pthread_mutex_lock(&f->lock);
    f->items[(f->head + f->n) % BATCHES] = b; /* never full: there are BATCHES batches in all */
    f->n++;
    pthread_cond_signal(&f->changed);
    pthread_mutex_unlock(&f->lock);
}

static pd_import_batch *fifo_pop(fifo *f)
{
    pthread_mutex_lock(&f->lock);
    while (f->n == 0 && !f->closed && !f->stopped)
        pthread_cond_wait(&f->changed, &f->lock);
    pd_import_batch *b = NULL;
    if (!f->stopped && f->n > 0) {
        b = f->items[f->head];
        f->head = (f->head + 1) % BATCHES;
        f->n--;
    }
    pthread_mutex_unlock(&f->lock);
    return b;
}

static void fifo_close(fifo *f, bool stop)
{
    pthread_mutex_lock(&f->lock);
    f->closed = true;
    f->stopped = f->stopped || stop;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
}

/* ---- rows for the name index builder: an unbounded queue of packed chunks ----
 *
 * While rows are written the builder runs at a lower priority, on whatever CPU the parser and the
 * writer leave; when the last row is written it hands over to a builder thread of normal priority
 * that finishes beside the writer's index builds. Rows wait here (about 60 bytes each) so that the
 * batches go back to the parser at once. */

#define CHUNK_ROWS 4096

typedef struct fts_chunk {
    struct fts_chunk *next;
    int n;
    size_t used;
    int64_t id[CHUNK_ROWS];
    uint32_t name[CHUNK_ROWS], scope[CHUNK_ROWS]; /* offsets of NUL-terminated texts */
    char text[CHUNK_ROWS * 96];
} fts_chunk;

typedef struct chunk_queue {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    fts_chunk *head, *tail;
    bool closed;  /* no more chunks: pop drains, then returns NULL */
    bool handoff; /* pop returns NULL at once (the low-priority builder is to stop) */
} chunk_queue;

static void chunk_push(chunk_queue *q, fts_chunk *c)
{
    c->next = NULL;
    pthread_mutex_lock(&q->lock);
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    pthread_cond_signal(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

static fts_chunk *chunk_pop(chunk_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (!q->head && !q->closed && !q->handoff)
        pthread_cond_wait(&q->changed, &q->lock);
    fts_chunk *c = q->handoff ? NULL : q->head;
    if (c) {
        q->head = c->next;
        if (!q->head)
            q->tail = NULL;
    }
    pthread_mutex_unlock(&q->lock);
    return c;
}

static void chunk_close(chunk_queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

static void chunk_handoff(chunk_queue *q, bool on)
{
    pthread_mutex_lock(&q->lock);
    q->handoff = on;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}

/* ---- a set of unit codes, to check the references before COMMIT ---- */

typedef struct code_set {
    char (*slots)[16]; /* "" marks a free slot */
    size_t cap, count;
    char last[16]; /* the code added last: most rows repeat the previous row's unit */
} code_set;

static uint32_t hash_code(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void code_set_add(code_set *s, const char *code)
{
    if (!code[0] || strcmp(code, s->last) == 0)
        return;
    pd_strlcpy(s->last, code, sizeof s->last);
    if ((s->count + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char(*slots)[16] = calloc(cap, sizeof *slots);
        if (!slots)
            abort(); /* out of memory, as pd_buf does */
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slots[i][0])
                continue;
            size_t j = hash_code(s->slots[i]) & (cap - 1);
            while (slots[j][0])
                j = (j + 1) & (cap - 1);
            memcpy(slots[j], s->slots[i], sizeof slots[j]);
        }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    size_t j = hash_code(code) & (s->cap - 1);
    for (; s->slots[j][0]; j = (j + 1) & (s->cap - 1))
        if (strcmp(s->slots[j], code) == 0)
            return;
    pd_strlcpy(s->slots[j], code, sizeof s->slots[j]);
    s->count++;
}

/* ---- the writer ---- */

#define GROUP 16 /* people per INSERT statement: SQLite's per-statement work is paid once per group */

struct pd_import_writer {
    sqlite3 *db;
    pd_inserter ins;
    sqlite3_stmt *set_head;
    sqlite3_stmt *group; /* inserts GROUP people at once */
    int64_t last_id;     /* id of the person inserted last (max(id) before the first) */
    pd_deferred_indexes deferred;
    bool in_transaction;
    int64_t *hh_ids; /* per household index of the file: its id once created */
    size_t hh_cap;
    int64_t people, households;
    code_set codes;
    /* the connection's settings before the import */
    int foreign_keys, ignore_check, temp_store;
    int64_t cache_size;
    bool tuned, cache_changed;
    /* pipelined: empty -> (parser) -> to_write -> (writer) -> empty; rows -> (builder) */
    bool pipelined;
    pd_import_batch *batches[BATCHES];
    fifo empty, to_write;
    chunk_queue rows;  /* to the builder */
    bool rows_ready;   /* rows' mutex and condition initialised */
    fts_chunk *filling; /* being filled by the writer */
    /* the name index builder */
    bool side;           /* a builder thread runs */
    bool side_joined;
    bool side_handed;    /* the second builder thread runs */
    bool side_ok;        /* set by the builder when its database is complete */
    bool side_failed;    /* the builder gave up: its rows are only drained */
    sqlite3 *side_db;    /* the builder's connection, handed from one builder thread to the next */
    sqlite3_stmt *side_insert;
    bool side_attached;  /* its database is attached to db as pd_fts_side */
    pthread_t side_thread;
    char side_path[512];
    char *fts_sql;       /* CREATE VIRTUAL TABLE people_fts ... */
    int nconfig;
    char *config_key[16];
    sqlite3_value *config_value[16];
    int64_t side_cache_kib;
};

static int64_t pragma_value(sqlite3 *db, const char *name)
{
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void set_pragma(sqlite3 *db, const char *name, int64_t value)
{
    char sql[80];
    snprintf(sql, sizeof sql, "PRAGMA %s=%lld", name, (long long)value);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* The page cache for a file of size_hint bytes: the database grows by about 3 bytes per byte of
 * CSV (table, indexes, name index); at least 64 MiB, at most 1 GiB. In KiB. */
static int64_t cache_kib_for(int64_t size_hint)
{
    int64_t kib = size_hint / 1024 * 3;
    if (kib < 64 * 1024)
        kib = 64 * 1024;
    if (kib > 1024 * 1024)
        kib = 1024 * 1024;
    return kib;
}

/* Before BEGIN: foreign_keys and temp_store cannot change inside a transaction. */
static void tune(pd_import_writer *w, int64_t size_hint)
{
    sqlite3 *db = w->db;
    w->foreign_keys = (int)pragma_value(db, "foreign_keys");
    w->ignore_check = (int)pragma_value(db, "ignore_check_constraints");
    w->temp_store = (int)pragma_value(db, "temp_store");
    w->cache_size = pragma_value(db, "cache_size");
    int64_t page = pragma_value(db, "page_size");
    int64_t old_kib = w->cache_size < 0 ? -w->cache_size : w->cache_size * page / 1024;
    int64_t kib = cache_kib_for(size_hint);
    if (kib > old_kib) {
        set_pragma(db, "cache_size", -kib);
        w->cache_changed = true;
    }
    if (w->foreign_keys)
        set_pragma(db, "foreign_keys", 0);
    set_pragma(db, "ignore_check_constraints", 1);
    set_pragma(db, "temp_store", 1); /* FILE */
    w->side_cache_kib = kib / 3;
    w->tuned = true;
}

/* After COMMIT or ROLLBACK. */
static void restore(pd_import_writer *w)
{
    sqlite3 *db = w->db;
    if (!w->tuned)
        return;
    set_pragma(db, "ignore_check_constraints", w->ignore_check);
    set_pragma(db, "temp_store", w->temp_store);
    if (w->cache_changed)
        set_pragma(db, "cache_size", w->cache_size);
    if (w->foreign_keys)
        set_pragma(db, "foreign_keys", 1);
}

/* ---- the name index builder ---- */

static bool side_exec(sqlite3 *s, const char *sql)
{
    return sqlite3_exec(s, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static bool side_index_chunk(sqlite3_stmt *ins, const fts_chunk *c)
{
    for (int i = 0; i < c->n; i++) {
        sqlite3_bind_int64(ins, 1, c->id[i]);
        sqlite3_bind_text(ins, 2, c->text + c->name[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, c->text + c->scope[i], -1, SQLITE_STATIC);
        int s = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (s != SQLITE_DONE)
            return false;
    }
    return true;
}

static bool side_setup(pd_import_writer *w, sqlite3 *s)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
             " PRAGMA cache_size=-%lld;",
             (long long)w->side_cache_kib);
    if (!side_exec(s, sql) || !side_exec(s, w->fts_sql))
        return false;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s, "INSERT INTO people_fts(people_fts, rank) VALUES (?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    bool ok = true;
    for (int i = 0; i < w->nconfig && ok; i++) {
        sqlite3_bind_text(st, 1, w->config_key[i], -1, SQLITE_STATIC);
        sqlite3_bind_value(st, 2, w->config_value[i]);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return ok && side_exec(s, "BEGIN");
}

/* Indexes the chunks until the queue says stop (handoff) or ends. */
static void side_drain(pd_import_writer *w)
{
    fts_chunk *c;
    while ((c = chunk_pop(&w->rows)) != NULL) {
        if (!w->side_failed && !side_index_chunk(w->side_insert, c))
            w->side_failed = true;
        free(c);
    }
}

/* The first builder thread, while rows are written: opens the builder's database and indexes at a
 * lower priority (Linux sets a thread's nice value with setpriority on its thread id) until the
 * writer asks for the handoff. */
static void *side_first(void *arg)
{
    pd_import_writer *w = arg;
#ifdef __linux__
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
#endif
    w->side_failed =
        sqlite3_open_v2(w->side_path, &w->side_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK ||
        !side_setup(w, w->side_db) ||
        sqlite3_prepare_v2(w->side_db,
                           "INSERT INTO people_fts(rowid, name, scope) VALUES (?, ?, ?)", -1,
                           &w->side_insert, NULL) != SQLITE_OK;
    side_drain(w);
    return NULL;
}

/* The second builder thread, of normal priority: indexes what is left, then completes the
 * builder's database. */
static void *side_second(void *arg)
{
    pd_import_writer *w = arg;
    side_drain(w);
    sqlite3_finalize(w->side_insert);
    w->side_insert = NULL;
    bool ok = !w->side_failed && side_exec(w->side_db, "COMMIT");
    sqlite3_close(w->side_db);
    w->side_db = NULL;
    w->side_ok = ok; /* read by the writer after pthread_join */
    return NULL;
}

/* When the last row is written: the low-priority builder stops, a normal one takes over. Without a
 * thread, the writer finishes the builder's work itself. */
static void side_handoff(pd_import_writer *w)
{
    if (!w->side || w->side_handed)
        return;
    w->side_handed = true;
    chunk_handoff(&w->rows, true);
    pthread_join(w->side_thread, NULL);
    chunk_handoff(&w->rows, false);
    chunk_close(&w->rows);
    if (pthread_create(&w->side_thread, NULL, side_second, w) != 0)
        side_second(w);
}

/* Whether the name index can be built beside: people was empty (indexes deferred), a parsing thread
 * feeds the writer, people_fts is an FTS5 table whose shadow tables may be written (not
 * SQLITE_DBCONFIG_DEFENSIVE). Reads its definition and settings for the builder. */
static bool side_possible(pd_import_writer *w)
{
    int defensive = 0;
    sqlite3_db_config(w->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
    if (!w->pipelined || w->deferred.count == 0 || defensive || !w->ins.deferred_trigger_sql ||
        w->ins.deferred_after_id != 0)
        return false;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people_fts'"
                           " AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5(%'",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    if (sqlite3_step(st) == SQLITE_ROW)
        w->fts_sql = strdup(pd_col_text(st, 0));
    sqlite3_finalize(st);
    if (!w->fts_sql)
        return false;
    if (sqlite3_prepare_v2(w->db, "SELECT k, v FROM people_fts_config WHERE k <> 'version'", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        if (w->nconfig == (int)(sizeof w->config_key / sizeof w->config_key[0])) {
            ok = false;
            break;
        }
        w->config_key[w->nconfig] = strdup(pd_col_text(st, 0));
        w->config_value[w->nconfig] = sqlite3_value_dup(sqlite3_column_value(st, 1));
        ok = w->config_key[w->nconfig] && w->config_value[w->nconfig];
        w->nconfig++;
    }
    sqlite3_finalize(st);
    return ok;
}

#define SIDE_PREFIX "phongdich-import-fts-"

/* Removes the builder files of imports that were killed before cleaning up (their process is gone):
 * the name is SIDE_PREFIX<pid>-XXXXXX. */
static void side_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, SIDE_PREFIX, strlen(SIDE_PREFIX)) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + strlen(SIDE_PREFIX), &end, 10);
        if (pid > 0 && *end == '-' && kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
            char path[600];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

/* Creates the builder's private database file and starts the builder. */
static void side_start(pd_import_writer *w)
{
    if (!side_possible(w))
        return;
    const char *dir = getenv("TMPDIR");
    dir = dir && dir[0] ? dir : "/tmp";
    side_sweep(dir);
    snprintf(w->side_path, sizeof w->side_path, "%s/" SIDE_PREFIX "%ld-XXXXXX", dir,
             (long)getpid());
    int fd = mkstemp(w->side_path);
    if (fd < 0) {
        w->side_path[0] = '\0';
        return;
    }
    close(fd);
    pthread_mutex_init(&w->rows.lock, NULL);
    pthread_cond_init(&w->rows.changed, NULL);
    w->rows_ready = true;
    if (pthread_create(&w->side_thread, NULL, side_first, w) == 0)
        w->side = true;
}

/* Waits for the builder to finish. Returns whether its index is complete. */
static bool side_join(pd_import_writer *w)
{
    if (!w->side)
        return false;
    if (!w->side_joined) {
        side_handoff(w); /* if the rows were not all written, it has not happened yet */
        pthread_join(w->side_thread, NULL);
        w->side_joined = true;
    }
    return w->side_ok;
}

static int exec_fmt(sqlite3 *db, pd_err *err, const char *fmt, const char *a)
{
    char *sql = sqlite3_mprintf(fmt, a, a, a);
    if (!sql)
        return pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    int rc = pd_db_exec(db, sql, err);
    sqlite3_free(sql);
    return rc;
}

/* Replaces people_fts (empty of live rows: people was empty) with the builder's index: the table is
 * dropped and created again (a fresh FTS5 object, nothing cached), then each shadow table is filled
 * from the builder's database. */
static int side_transplant(pd_import_writer *w, pd_err *err)
{
    int rc = pd_db_exec(w->db, "DROP TABLE people_fts", err);
    if (rc == PD_OK)
        rc = pd_db_exec(w->db, w->fts_sql, err);
    if (rc == PD_OK)
        rc = exec_fmt(w->db, err, "ATTACH %Q AS pd_fts_side", w->side_path);
    if (rc != PD_OK)
        return rc;
    w->side_attached = true;
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "SELECT name FROM main.sqlite_master WHERE type = 'table'"
                                     " AND name GLOB 'people_fts_*' ORDER BY name",
                                     err);
    if (!st)
        return PD_EDB;
    char names[8][64];
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < 8)
        pd_strlcpy(names[n++], pd_col_text(st, 0), sizeof names[0]);
    sqlite3_finalize(st);
    for (int i = 0; i < n && rc == PD_OK; i++)
        rc = exec_fmt(w->db, err,
                      "DELETE FROM main.\"%w\"; INSERT INTO main.\"%w\" SELECT * FROM"
                      " pd_fts_side.\"%w\"",
                      names[i]);
    return rc;
}

static void side_cleanup(pd_import_writer *w)
{
    side_join(w);
    free(w->filling);
    if (w->rows_ready) {
        for (fts_chunk *c = w->rows.head, *next; c; c = next) {
            next = c->next;
            free(c);
        }
        pthread_cond_destroy(&w->rows.changed);
        pthread_mutex_destroy(&w->rows.lock);
    }
    if (w->side_attached)
        sqlite3_exec(w->db, "DETACH pd_fts_side", NULL, NULL, NULL);
    if (w->side_path[0])
        unlink(w->side_path);
    free(w->fts_sql);
    for (int i = 0; i < w->nconfig; i++) {
        free(w->config_key[i]);
        sqlite3_value_free(w->config_value[i]);
    }
}

/* ---- opening ---- */

static int alloc_pipeline(pd_import_writer *w)
{
    fifo_init(&w->empty);
    fifo_init(&w->to_write);
    for (int i = 0; i < BATCHES; i++) {
        w->batches[i] = malloc(sizeof *w->batches[i]);
        if (!w->batches[i])
            return -1;
        w->batches[i]->n = 0;
        fifo_push(&w->empty, w->batches[i]);
    }
    return 0;
}

int pd_import_writer_open(sqlite3 *db, int64_t size_hint, bool pipelined, pd_import_writer **out,
                          pd_err *err)
{
    *out = NULL;
    pd_import_writer *w = calloc(1, sizeof *w);
    if (!w)
        return pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    w->db = db;
    w->pipelined = pipelined;
    if (pipelined && alloc_pipeline(w) != 0) {
        pd_import_writer_close(w, false, NULL);
        return pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    }
    tune(w, size_hint);
    int rc = pd_db_begin(db, err);
    w->in_transaction = rc == PD_OK;
    if (rc == PD_OK)
        rc = pd_inserter_open_bulk(db, &w->ins, err);
    if (rc == PD_OK)
        rc = pd_people_defer_indexes(db, &w->deferred, err);
    if (rc == PD_OK) {
        w->set_head = pd_db_prepare(db, "UPDATE households SET head_person_id = ? WHERE id = ?", err);
        rc = w->set_head ? PD_OK : PD_EDB;
    }
    if (rc == PD_OK)
        rc = pd_inserter_prepare_group(db, GROUP, &w->group, err);
    if (rc == PD_OK) {
        sqlite3_stmt *st = pd_db_prepare(db, "SELECT coalesce(max(id), 0) FROM people", err);
        rc = st && sqlite3_step(st) == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
        if (rc == PD_OK)
            w->last_id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (rc != PD_OK) {
        pd_import_writer_close(w, false, NULL);
        return rc;
    }
    side_start(w);
    *out = w;
    return PD_OK;
}

/* ---- writing rows ---- */

/* The values the CHECK constraints of people allow (migration 1). */
static bool checks_pass(const pd_person *p)
{
    static const char *const types[] = {"", "cccd", "cmnd", "passport"};
    if (strcmp(p->sex, "") != 0 && strcmp(p->sex, "M") != 0 && strcmp(p->sex, "F") != 0)
        return false;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(p->id_type, types[i]) == 0)
            return true;
    return false;
}

static int create_household(pd_import_writer *w, const pd_person *p, int64_t *id, pd_err *err)
{
    pd_household h;
    memset(&h, 0, sizeof h);
    pd_strlcpy(h.unit_code, p->unit_code, sizeof h.unit_code);
    pd_strlcpy(h.area_code, p->area_code, sizeof h.area_code);
    pd_strlcpy(h.district_code, p->district_code, sizeof h.district_code);
    pd_strlcpy(h.province_code, p->province_code, sizeof h.province_code);
    pd_strlcpy(h.address, p->address, sizeof h.address);
    h.created_at = p->created_at;
    int rc = pd_inserter_household(&w->ins, &h, err);
    if (rc == PD_OK) {
        *id = h.id;
        w->households++;
    }
    return rc;
}

/* Before its person is inserted: the checks SQLite does not make here, the codes to check at the
 * end, and the household (created by its first row). */
static int prepare_row(pd_import_writer *w, pd_import_row *r, pd_err *err)
{
    pd_person *p = &r->p;
    if (!checks_pass(p))
        return pd_fail(err, PD_EDB, "",
                       "Lỗi cơ sở dữ liệu: CHECK constraint failed: people (dòng %lld)",
                       (long long)r->line);
    code_set_add(&w->codes, p->unit_code);
    code_set_add(&w->codes, p->area_code);
    p->household_id = 0;
    if (r->hh < 0)
        return PD_OK;
    if ((size_t)r->hh >= w->hh_cap) {
        size_t cap = w->hh_cap ? w->hh_cap : 256;
        while (cap <= (size_t)r->hh)
            cap *= 2;
        int64_t *ids = realloc(w->hh_ids, cap * sizeof *ids);
        if (!ids)
            abort(); /* out of memory */
        memset(ids + w->hh_cap, 0, (cap - w->hh_cap) * sizeof *ids);
        w->hh_ids = ids;
        w->hh_cap = cap;
    }
    if (r->hh_first) {
        int rc = create_household(w, p, &w->hh_ids[r->hh], err);
        if (rc != PD_OK)
            return rc;
    }
    p->household_id = w->hh_ids[r->hh];
    return PD_OK;
}

/* After its person is inserted: the household's head. */
static int finish_row(pd_import_writer *w, const pd_import_row *r, pd_err *err)
{
    const pd_person *p = &r->p;
    if (!r->hh_head || !p->household_id)
        return PD_OK;
    sqlite3_bind_int64(w->set_head, 1, p->id);
    sqlite3_bind_int64(w->set_head, 2, p->household_id);
    int s = sqlite3_step(w->set_head);
    sqlite3_reset(w->set_head);
    return s == SQLITE_DONE ? PD_OK : pd_db_error(w->db, err);
}

/* Up to GROUP consecutive rows: GROUP of them with one statement, fewer one by one. */
static int write_group(pd_import_writer *w, pd_import_row *rows, int n, pd_err *err)
{
    for (int i = 0; i < n; i++) {
        int rc = prepare_row(w, &rows[i], err);
        if (rc != PD_OK)
            return rc;
    }
    if (n == GROUP) {
        pd_person *p[GROUP];
        const char *folded[GROUP];
        for (int i = 0; i < n; i++) {
            p[i] = &rows[i].p;
            folded[i] = rows[i].folded;
        }
        int rc = pd_inserter_people_group(&w->ins, w->group, p, folded, n, &w->last_id, err);
        if (rc != PD_OK)
            return rc;
    } else {
        for (int i = 0; i < n; i++) {
            int rc = pd_inserter_person_folded(&w->ins, &rows[i].p, rows[i].folded, err);
            if (rc != PD_OK)
                return rc;
            w->last_id = rows[i].p.id;
        }
    }
    w->people += n;
    for (int i = 0; i < n; i++) {
        int rc = finish_row(w, &rows[i], err);
        if (rc != PD_OK)
            return rc;
    }
    return PD_OK;
}

int pd_import_writer_rows(pd_import_writer *w, pd_import_batch *b, pd_err *err)
{
    for (int i = 0; i < b->n; i += GROUP) {
        int rc = write_group(w, &b->rows[i], b->n - i < GROUP ? b->n - i : GROUP, err);
        if (rc != PD_OK)
            return rc;
    }
    return PD_OK;
}

/* ---- pipelined ---- */

pd_import_batch *pd_import_writer_take(pd_import_writer *w)
{
    pd_import_batch *b = fifo_pop(&w->empty);
    if (b)
        b->n = 0;
    return b;
}

void pd_import_writer_give(pd_import_writer *w, pd_import_batch *b)
{
    fifo_push(&w->to_write, b);
}

void pd_import_writer_end(pd_import_writer *w, pd_import_batch *b)
{
    if (b)
        fifo_push(&w->empty, b);
    fifo_close(&w->to_write, false);
}

/* Appends a written row to the builder's queue: its id, folded name and the scope text the
 * people_fts triggers write ("p06 d058 c01834"). false if the row cannot be indexed beside. */
static bool pass_on(pd_import_writer *w, const pd_import_row *r)
{
    const pd_person *p = &r->p;
    size_t name = strlen(r->folded), lp = strlen(p->province_code), ld = strlen(p->district_code),
           lu = strlen(p->unit_code), scope = 6 + lp + ld + lu;
    fts_chunk *c = w->filling;
    if (c && (c->n == CHUNK_ROWS || c->used + name + scope + 2 > sizeof c->text)) {
        chunk_push(&w->rows, c);
        c = w->filling = NULL;
    }
    if (!c) {
        c = w->filling = malloc(sizeof *c);
        if (!c)
            return false;
        c->n = 0;
        c->used = 0;
    }
    c->id[c->n] = p->id;
    c->name[c->n] = (uint32_t)c->used;
    memcpy(c->text + c->used, r->folded, name + 1);
    c->used += name + 1;
    c->scope[c->n] = (uint32_t)c->used;
    char *t = c->text + c->used; /* "p06 d058 c01834", without printf: once per row */
    *t++ = 'p';
    memcpy(t, p->province_code, lp);
    t += lp;
    memcpy(t, " d", 2);
    memcpy(t + 2, p->district_code, ld);
    t += 2 + ld;
    memcpy(t, " c", 2);
    memcpy(t + 2, p->unit_code, lu);
    t[2 + lu] = '\0';
    c->used += scope + 1;
    c->n++;
    return true;
}

int pd_import_writer_run(pd_import_writer *w, pd_err *err)
{
    int rc = PD_OK;
    pd_import_batch *b;
    while ((b = fifo_pop(&w->to_write)) != NULL) {
        if (rc == PD_OK) {
            rc = pd_import_writer_rows(w, b, err);
            if (rc != PD_OK)
                fifo_close(&w->empty, true); /* the parser stops at its next batch */
        }
        for (int i = 0; rc == PD_OK && w->side && i < b->n; i++)
            if (!pass_on(w, &b->rows[i]))
                rc = pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
        fifo_push(&w->empty, b);
    }
    if (w->side && w->filling) {
        chunk_push(&w->rows, w->filling);
        w->filling = NULL;
    }
    side_handoff(w);
    return rc;
}

/* ---- the end ---- */

/* Every unit and area code written must exist: the check the foreign keys would have made. */
static int check_references(pd_import_writer *w, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(w->db, "SELECT 1 FROM units WHERE code = ?", err);
    if (!st)
        return PD_EDB;
    int rc = PD_OK;
    for (size_t i = 0; i < w->codes.cap && rc == PD_OK; i++) {
        if (!w->codes.slots[i][0])
            continue;
        sqlite3_bind_text(st, 1, w->codes.slots[i], -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s == SQLITE_DONE)
            rc = pd_fail(err, PD_EDB, "", "Lỗi cơ sở dữ liệu: FOREIGN KEY constraint failed (%s)",
                         w->codes.slots[i]);
        else if (s != SQLITE_ROW)
            rc = pd_db_error(w->db, err);
    }
    sqlite3_finalize(st);
    return rc;
}

int pd_import_writer_finish(pd_import_writer *w, pd_err *err)
{
    /* The indexes first: the builder may still be working on the other core meanwhile. */
    int rc = pd_people_restore_indexes(w->db, &w->deferred, err);
    if (rc == PD_OK && side_join(w)) {
        rc = side_transplant(w, err);
        if (rc == PD_OK)
            rc = pd_inserter_finish_filled(&w->ins, err);
    }
    if (rc == PD_OK)
        rc = pd_inserter_finish(&w->ins, err); /* no-op once finished above */
    if (rc == PD_OK)
        rc = check_references(w, err);
    return rc;
}

int pd_import_writer_close(pd_import_writer *w, bool commit, pd_err *err)
{
    if (w->pipelined) { /* unblock and wind down whatever still runs */
        fifo_close(&w->empty, true);
        fifo_close(&w->to_write, false);
    }
    side_join(w);
    sqlite3_finalize(w->set_head);
    sqlite3_finalize(w->group);
    pd_inserter_close(&w->ins);
    pd_deferred_indexes_free(&w->deferred);
    int rc = PD_OK;
    if (w->in_transaction) {
        if (commit)
            rc = pd_db_commit(w->db, err);
        else
            pd_db_rollback(w->db);
    }
    side_cleanup(w);
    restore(w);
    if (w->pipelined) {
        for (int i = 0; i < BATCHES; i++)
            free(w->batches[i]);
        fifo_destroy(&w->empty);
        fifo_destroy(&w->to_write);
    }
    free(w->hh_ids);
    free(w->codes.slots);
    free(w);
    return rc;
}

int64_t pd_import_writer_people(const pd_import_writer *w)
{
    return w->people;
}

int64_t pd_import_writer_households(const pd_import_writer *w)
{
    return w->households;
}
