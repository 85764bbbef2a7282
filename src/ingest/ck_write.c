/* Writing ingested check-ins: the read loop that fills batches of validated rows, the writer that
 * inserts a batch with one prepared statement, and the two-thread pipeline between them for large
 * files (parsing and validating on one core, SQLite on the other).
 * Rows go in with INSERT OR IGNORE: the unique index on external_id refuses a re-sent row (exactly,
 * whatever the file, with no set of ids in memory). When a load grows the table by half or more,
 * the writer drops the two other checkins indexes (venue, person; inside the transaction) once the
 * new rows written reach half the table, and builds them again once, sorted, before COMMIT:
 * SQLite's sorter builds an index several times faster than row-by-row inserts in random key order,
 * but its cost grows with the whole table, so it pays only for a large share of new rows (a file
 * sent again writes nothing and rebuilds nothing). The unique index stays: kept up to date row by
 * row it costs the writer little when ids come in about the order the sender issued them, and the
 * writer is not the slower of the two threads. Everything runs inside the caller's transaction: a
 * ROLLBACK (or a crash) restores the indexes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/validate.h"
#include "ingest/internal.h"
#include "people/people.h"
#include "store/db.h"
#include "venues/venues.h"

#define PIPE_BATCHES 4
#define THREAD_MIN_ROWS 50000 /* below this, one thread does everything */
#define BULK_MIN_ROWS 100000  /* below this, indexes are kept and updated row by row */

/* ---- the writer ---- */

typedef struct ck_writer {
    sqlite3 *db;
    sqlite3_stmt *insert;
    pd_inserter people;
    char **deferred; /* CREATE INDEX statements of the indexes taken off */
    int ndeferred;
    int64_t inserted, skipped;
    int64_t *created; /* person id of each person created by this load, by its number - 1 */
    int64_t ncreated, created_cap;
    int64_t drop_at; /* rows written when the indexes are taken off; 0 never */
} ck_writer;

static int defer_indexes(ck_writer *w, pd_err *err);

static int writer_open(ck_writer *w, sqlite3 *db, pd_err *err)
{
    memset(w, 0, sizeof *w);
    w->db = db;
    if (pd_inserter_open(db, &w->people, err) != PD_OK)
        return PD_EDB;
    w->insert = pd_db_prepare(db,
                              "INSERT OR IGNORE INTO checkins(venue_id, person_id, in_at, out_at,"
                              " flags, external_id) VALUES (?,?,?,?,?,?)",
                              err);
    return w->insert ? PD_OK : PD_EDB;
}

/* A visitor nobody in the registry has the number of: a minimal person at the venue's commune,
 * named and noted as a phone check-in names them, until a declaration tells more. */
static int create_person(ck_writer *w, const ck_batch *b, const ck_new_person *np, pd_err *err)
{
    pd_person p;
    memset(&p, 0, sizeof p);
    pd_strlcpy(p.full_name, PD_CHECKIN_PERSON_NAME, sizeof p.full_name);
    char key[CK_KEY_MAX + 1];
    memcpy(key, b->ext + np->key_off, np->key_len);
    key[np->key_len] = '\0';
    if (np->phone) {
        pd_strlcpy(p.phone, key, sizeof p.phone);
    } else {
        pd_strlcpy(p.id_number, key, sizeof p.id_number);
        size_t n = strlen(key);
        bool digits = pd_all_digits(key);
        pd_strlcpy(p.id_type,
                   digits && n == 12  ? "cccd"
                   : digits && n == 9 ? "cmnd"
                                      : "passport",
                   sizeof p.id_type);
    }
    pd_strlcpy(p.nationality, "VN", sizeof p.nationality);
    pd_strlcpy(p.unit_code, np->venue->unit_code, sizeof p.unit_code);
    pd_strlcpy(p.district_code, np->venue->district_code, sizeof p.district_code);
    pd_strlcpy(p.province_code, np->venue->province_code, sizeof p.province_code);
    pd_strlcpy(p.note, "Tạo khi nhận lượt check-in từ hệ thống khác; chưa khai báo y tế",
               sizeof p.note);
    int rc = pd_inserter_person(&w->people, &p, err);
    if (rc != PD_OK)
        return rc;
    if (np->number > w->created_cap) {
        w->created_cap = w->created_cap ? w->created_cap * 2 : 1024;
        while (w->created_cap < np->number)
            w->created_cap *= 2;
        int64_t *c = realloc(w->created, (size_t)w->created_cap * sizeof *c);
        if (!c)
            abort();
        w->created = c;
    }
    w->created[np->number - 1] = p.id;
    w->ncreated++;
    return PD_OK;
}

static int write_batch(ck_writer *w, const ck_batch *b, pd_err *err)
{
    if (w->drop_at && !w->ndeferred && w->inserted + b->n >= w->drop_at &&
        defer_indexes(w, err) != PD_OK)
        return PD_EDB;
    for (int i = 0; i < b->nnew; i++)
        if (create_person(w, b, &b->newp[i], err) != PD_OK)
            return PD_EDB;
    sqlite3_stmt *st = w->insert;
    for (int i = 0; i < b->n; i++) {
        const ck_row *r = &b->rows[i];
        sqlite3_bind_int64(st, 1, r->venue_id);
        sqlite3_bind_int64(st, 2, r->person_id > 0 ? r->person_id : w->created[-r->person_id - 1]);
        sqlite3_bind_int64(st, 3, r->in_at);
        if (r->out_at)
            sqlite3_bind_int64(st, 4, r->out_at);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int(st, 5, r->flags);
        sqlite3_bind_text(st, 6, b->ext + r->ext_off, r->ext_len, SQLITE_STATIC);
        int s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE)
            return pd_db_error(w->db, err);
        if (sqlite3_changes(w->db) > 0)
            w->inserted++;
        else
            w->skipped++; /* the unique index already holds this external id */
    }
    return PD_OK;
}

/* Takes the non-unique indexes of checkins off (inside the transaction), remembering their SQL. */
static int defer_indexes(ck_writer *w, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND"
                                     " tbl_name = 'checkins' AND sql IS NOT NULL AND sql NOT LIKE"
                                     " 'CREATE UNIQUE%' ORDER BY name",
                                     err);
    if (!st)
        return PD_EDB;
    pd_buf drop;
    pd_buf_init(&drop);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char **d = realloc(w->deferred, (size_t)(w->ndeferred + 1) * sizeof *d);
        if (!d)
            abort();
        w->deferred = d;
        w->deferred[w->ndeferred++] = strdup(pd_col_text(st, 1));
        pd_buf_printf(&drop, "DROP INDEX \"%s\";", pd_col_text(st, 0));
    }
    sqlite3_finalize(st);
    int rc = drop.len ? pd_db_exec(w->db, drop.data, err) : PD_OK;
    pd_buf_free(&drop);
    return rc;
}

/* Builds the indexes taken off. SQLite's sorter is fastest here with small sorted runs spilled to
 * temporary files and merged (measured on 10 million rows: about 9 s an index, against 30 s or more
 * with one big in-memory run or with runs kept in memory): a 4 MiB page cache, a helper thread, and
 * temporary files on disk (set before the transaction by ingest.c, which also puts the
 * connection's settings back). */
static int restore_indexes(ck_writer *w, pd_err *err)
{
    if (pd_db_exec(w->db, "PRAGMA cache_size = -4096; PRAGMA threads = 2", err) != PD_OK)
        return PD_EDB;
    for (int i = 0; i < w->ndeferred; i++)
        if (pd_db_exec(w->db, w->deferred[i], err) != PD_OK)
            return PD_EDB;
    return PD_OK;
}

static void writer_close(ck_writer *w)
{
    sqlite3_finalize(w->insert);
    pd_inserter_close(&w->people);
    free(w->created);
    for (int i = 0; i < w->ndeferred; i++)
        free(w->deferred[i]);
    free(w->deferred);
    memset(w, 0, sizeof *w);
}

/* ---- the pipeline between the reading thread and the writer ---- */

typedef struct pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ck_batch *free_list[PIPE_BATCHES];
    int nfree;
    ck_batch *ready[PIPE_BATCHES]; /* FIFO */
    int head, nready;
    bool done;  /* the reader has finished */
    bool abort; /* the writer failed: the reader stops */
} pipe_t;

typedef struct run {
    ingest_ctx *c;
    ck_writer w;
    pipe_t *pipe; /* NULL: one thread */
    ck_batch *batch;
    int rc;     /* the reader's result */
    pd_err err; /* the reader's error */
    int wrc;    /* the writer's result */
    pd_err werr;
} run_t;

static ck_batch *take_free(pipe_t *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->nfree == 0 && !p->abort)
        pthread_cond_wait(&p->cv, &p->mu);
    ck_batch *b = p->abort ? NULL : p->free_list[--p->nfree];
    pthread_mutex_unlock(&p->mu);
    return b;
}

static void push_ready(pipe_t *p, ck_batch *b)
{
    pthread_mutex_lock(&p->mu);
    p->ready[(p->head + p->nready++) % PIPE_BATCHES] = b;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Hands a full batch on: to the writer thread, or writes it at once. False to stop reading. */
static bool emit(run_t *r)
{
    ck_batch *b = r->batch;
    if (!r->pipe) {
        if ((b->n || b->nnew) && r->c->writing)
            r->wrc = write_batch(&r->w, b, &r->werr);
        b->n = b->nnew = 0;
        b->ext_used = 0;
        return r->wrc == PD_OK;
    }
    push_ready(r->pipe, b);
    r->batch = take_free(r->pipe);
    if (!r->batch)
        return false;
    r->batch->n = r->batch->nnew = 0;
    r->batch->ext_used = 0;
    return true;
}

/* ---- reading ---- */

static void read_row(run_t *r, const char **vals, int64_t line, const char *pf, const char *problem)
{
    ingest_ctx *c = r->c;
    c->rep->rows_total++;
    if (problem) {
        ingest_row_error(c, line, pf, "%s", problem);
        return;
    }
    ck_batch *b = r->batch;
    if (ck_parse_row(c, vals, line, b, &b->rows[b->n]) && c->writing)
        b->n++;
}

static int read_all(run_t *r, pd_err *err)
{
    ingest_ctx *c = r->c;
    const char *vals[INGEST_MAX_FIELDS], *pf, *problem;
    int64_t line;
    for (;;) {
        int s = ingest_source_next(c->src, vals, &line, &pf, &problem, err);
        if (s < 0)
            return err->code ? err->code : PD_EINVAL;
        if (s == 0)
            return PD_OK;
        read_row(r, vals, line, pf, problem);
        if (r->batch->n == CK_BATCH_ROWS && !emit(r))
            return PD_OK; /* the writer failed; it reports why */
        if ((c->rep->rows_total & 1023) == 0 && ingest_progress(c, "read", false) != 0)
            return pd_fail(err, PD_ELIMIT, "cancelled",
                           "Đã hủy việc nhận dữ liệu; không có dòng nào được ghi");
    }
}

static void *reader_thread(void *arg)
{
    run_t *r = arg;
    pd_err_clear(&r->err);
    r->rc = read_all(r, &r->err);
    pipe_t *p = r->pipe;
    if (r->batch)
        push_ready(p, r->batch); /* the last, partial batch */
    r->batch = NULL;
    pthread_mutex_lock(&p->mu);
    p->done = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* The writer's side of the pipeline: writes batches until the reader is done. */
static void write_all(run_t *r)
{
    pipe_t *p = r->pipe;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->nready == 0 && !p->done)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->nready == 0) {
            pthread_mutex_unlock(&p->mu);
            return;
        }
        ck_batch *b = p->ready[p->head];
        p->head = (p->head + 1) % PIPE_BATCHES;
        p->nready--;
        pthread_mutex_unlock(&p->mu);
        if (r->wrc == PD_OK && (b->n || b->nnew))
            r->wrc = write_batch(&r->w, b, &r->werr);
        pthread_mutex_lock(&p->mu);
        p->free_list[p->nfree++] = b;
        if (r->wrc != PD_OK)
            p->abort = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

static int run_threaded(run_t *r)
{
    pipe_t p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    int rc = PD_OK;
    for (int i = 0; i < PIPE_BATCHES; i++)
        if (!(p.free_list[p.nfree++] = malloc(sizeof(ck_batch))))
            abort();
    r->pipe = &p;
    r->batch = p.free_list[--p.nfree];
    r->batch->n = r->batch->nnew = 0;
    r->batch->ext_used = 0;
    pthread_t t;
    if (pthread_create(&t, NULL, reader_thread, r) != 0) {
        p.free_list[p.nfree++] = r->batch;
        rc = pd_fail(&r->err, PD_ELIMIT, "", "Không tạo được luồng đọc tệp");
    } else {
        write_all(r);
        pthread_join(t, NULL);
        rc = r->rc;
    }
    for (int i = 0; i < p.nfree; i++)
        free(p.free_list[i]);
    for (int i = 0; i < p.nready; i++)
        free(p.ready[(p.head + i) % PIPE_BATCHES]);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    r->pipe = NULL;
    return rc;
}

static int run_single(run_t *r)
{
    r->batch = malloc(sizeof(ck_batch));
    if (!r->batch)
        abort();
    r->batch->n = r->batch->nnew = 0;
    r->batch->ext_used = 0;
    pd_err_clear(&r->err);
    int rc = read_all(r, &r->err);
    if (rc == PD_OK && r->wrc == PD_OK)
        emit(r);
    free(r->batch);
    r->batch = NULL;
    return rc;
}

/* ---- the whole load ---- */

static int64_t table_rows(sqlite3 *db)
{
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT coalesce(max(id), 0) FROM checkins", NULL);
    int64_t n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return n;
}

int ck_run(ingest_ctx *c, pd_err *err)
{
    run_t *r = calloc(1, sizeof *r);
    if (!r)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    r->c = c;
    ik_init(&c->unknown);
    int rc = writer_open(&r->w, c->db, err);
    int64_t stored = table_rows(c->db);
    if (c->rows_hint >= BULK_MIN_ROWS && c->rows_hint >= stored / 2)
        r->w.drop_at = stored / 2 > CK_BATCH_ROWS ? stored / 2 : 1;
    bool threaded = c->rows_hint >= THREAD_MIN_ROWS && (!c->opt || c->opt->threads != 1);
    double t0 = ingest_clock();
    if (rc == PD_OK) {
        rc = threaded ? run_threaded(r) : run_single(r);
        if (rc != PD_OK)
            *err = r->err;
        else if (r->wrc != PD_OK)
            *err = r->werr, rc = r->wrc;
    }
    double t1 = ingest_clock();
    c->rep->read_seconds = t1 - t0;
    if (rc == PD_OK && c->writing && r->w.ndeferred) {
        if (ingest_progress(c, "index", true) != 0)
            rc = pd_fail(err, PD_ELIMIT, "cancelled",
                         "Đã hủy việc nhận dữ liệu; không có dòng nào được ghi");
        else
            rc = restore_indexes(&r->w, err);
    }
    c->rep->index_seconds = ingest_clock() - t1;
    c->rep->bulk = r->w.ndeferred > 0;
    c->rep->rows_inserted = r->w.inserted;
    c->rep->rows_skipped = r->w.skipped;
    c->rep->people_created = r->w.ncreated;
    writer_close(&r->w);
    ik_free(&c->unknown);
    free(r);
    return rc;
}
