/* The check-in writer: one thread with its own connection takes every queued check-in, applies them
 * in one transaction and commits once (synchronous=FULL: one fsync of the WAL per batch), then
 * reports each job done. A job is only reported after the COMMIT that holds it returned, so a
 * success answer means the check-in is on disk. If a batch fails, its jobs are retried one
 * transaction each, so one bad job cannot fail the others. When idle the thread also sweeps
 * automatic check-outs. Checkpoints (copying the WAL into the database file, with fsyncs of their
 * own) would otherwise run inside the writer's COMMIT every thousand pages and stall every waiting
 * check-in; the writer's connection has them turned off and a second thread runs them beside it
 * (PASSIVE: never blocking the writer). */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "store/db.h"
#include "venues/venues.h"

#define SWEEP_EVERY 60 /* seconds */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pd_checkin_job *head, *tail; /* FIFO */
    bool running, stopping;
    pthread_t thread;
    sqlite3 *db;
    int64_t swept_until; /* visits that began before this were swept already */
    unsigned long long batches, jobs, largest; /* statistics, PHONGDICH_CHECKIN_STATS=1 */
    double commit_seconds, apply_seconds;
    /* the checkpointer */
    pthread_t ck_thread;
    pthread_cond_t ck_wake;
    sqlite3 *ck_db;
    unsigned long long checkpoints;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .ck_wake = PTHREAD_COND_INITIALIZER};

#define CHECKPOINT_EVERY_MS 250

/* Applies every job of the batch in one transaction; false if the transaction failed. */
static double seconds(void);

static bool commit_batch(pd_checkin_job *batch)
{
    double t0 = seconds();
    pd_err err;
    if (pd_db_begin(w.db, &err) != PD_OK)
        return false;
    for (pd_checkin_job *j = batch; j; j = j->next) {
        pd_checkin_apply(w.db, j);
        if (j->rc == PD_EDB) {
            pd_db_rollback(w.db);
            return false;
        }
    }
    w.apply_seconds += seconds() - t0;
    return pd_db_commit(w.db, &err) == PD_OK;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void count_batch(pd_checkin_job *batch, double took)
{
    unsigned long long n = 0;
    for (pd_checkin_job *j = batch; j; j = j->next)
        n++;
    w.batches++;
    w.jobs += n;
    w.largest = n > w.largest ? n : w.largest;
    w.commit_seconds += took;
}

static void run_batch(pd_checkin_job *batch)
{
    double t0 = seconds();
    bool ok = commit_batch(batch);
    count_batch(batch, seconds() - t0);
    if (!ok)
        pd_error("check-in batch failed; retrying its jobs one by one");
    for (pd_checkin_job *j = batch, *next; j; j = next) {
        next = j->next;
        if (!ok) /* alone: a failure belongs to one job only */
            pd_checkin_run(w.db, j);
        j->next = NULL;
        j->done(j, j->done_ctx); /* after this the job belongs to its owner again */
    }
}

static void sweep(void)
{
    int64_t now = pd_now();
    int64_t from = w.swept_until ? w.swept_until - PD_VENUE_STAY_MAX * 60 : now - 7 * 86400;
    int closed = 0;
    pd_err err;
    if (pd_checkins_sweep(w.db, from, now, &closed, &err) != PD_OK)
        pd_error("check-in sweep: %s", err.message);
    else
        w.swept_until = now;
}

static void *writer_main(void *arg)
{
    (void)arg;
    time_t last_sweep = 0;
    pthread_mutex_lock(&w.lock);
    for (;;) {
        while (!w.head && !w.stopping && time(NULL) - last_sweep < SWEEP_EVERY) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += SWEEP_EVERY;
            pthread_cond_timedwait(&w.wake, &w.lock, &until);
        }
        if (!w.head && w.stopping)
            break;
        pd_checkin_job *batch = w.head;
        w.head = w.tail = NULL;
        pthread_mutex_unlock(&w.lock);
        if (batch) {
            run_batch(batch);
        } else {
            sweep();
            last_sweep = time(NULL);
        }
        pthread_mutex_lock(&w.lock);
    }
    pthread_mutex_unlock(&w.lock);
    return NULL;
}

/* Runs a PASSIVE checkpoint every CHECKPOINT_EVERY_MS while the writer runs, and a last one at
 * stop. */
static void *checkpointer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&w.lock);
    while (!w.stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += CHECKPOINT_EVERY_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&w.ck_wake, &w.lock, &until);
        pthread_mutex_unlock(&w.lock);
        int frames = 0, done = 0;
        if (sqlite3_wal_checkpoint_v2(w.ck_db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &done) ==
                SQLITE_OK &&
            done > 0)
            w.checkpoints++;
        pthread_mutex_lock(&w.lock);
    }
    pthread_mutex_unlock(&w.lock);
    return NULL;
}

static void close_connections(void)
{
    pd_db_close(w.db);
    pd_db_close(w.ck_db);
    w.db = w.ck_db = NULL;
}

int pd_checkin_writer_start(const char *db_path, pd_err *err)
{
    w.db = pd_db_open_existing(db_path, err);
    w.ck_db = w.db ? pd_db_open_existing(db_path, err) : NULL;
    if (!w.db || !w.ck_db) {
        close_connections();
        return err ? err->code : PD_EDB;
    }
    sqlite3_wal_autocheckpoint(w.db, 0); /* the checkpointer thread does it */
    w.stopping = false;
    w.swept_until = 0;
    if (pthread_create(&w.thread, NULL, writer_main, NULL) != 0) {
        close_connections();
        return pd_fail(err, PD_ELIMIT, "", "Không khởi động được luồng ghi check-in");
    }
    if (pthread_create(&w.ck_thread, NULL, checkpointer_main, NULL) != 0) {
        pthread_mutex_lock(&w.lock);
        w.stopping = true;
        pthread_cond_signal(&w.wake);
        pthread_mutex_unlock(&w.lock);
        pthread_join(w.thread, NULL);
        close_connections();
        return pd_fail(err, PD_ELIMIT, "", "Không khởi động được luồng ghi check-in");
    }
    pthread_mutex_lock(&w.lock);
    w.running = true;
    pthread_mutex_unlock(&w.lock);
    return PD_OK;
}

void pd_checkin_writer_stop(void)
{
    pthread_mutex_lock(&w.lock);
    if (!w.running) {
        pthread_mutex_unlock(&w.lock);
        return;
    }
    w.running = false; /* no new jobs from now on */
    w.stopping = true;
    pthread_cond_signal(&w.wake);
    pthread_cond_signal(&w.ck_wake);
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL); /* the queue is drained before the thread ends */
    pthread_join(w.ck_thread, NULL);
    sqlite3_wal_checkpoint_v2(w.ck_db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    const char *stats = getenv("PHONGDICH_CHECKIN_STATS");
    if (stats && *stats == '1' && w.batches)
        pd_info("check-in writer: %llu check-ins in %llu batches (mean %.1f, largest %llu);"
                " a batch took %.2f ms on average (%.2f ms applying, the rest in COMMIT);"
                " %llu checkpoints beside it",
                w.jobs, w.batches, (double)w.jobs / (double)w.batches, w.largest,
                1000.0 * w.commit_seconds / (double)w.batches,
                1000.0 * w.apply_seconds / (double)w.batches, w.checkpoints);
    close_connections();
}

bool pd_checkin_writer_running(void)
{
    pthread_mutex_lock(&w.lock);
    bool r = w.running;
    pthread_mutex_unlock(&w.lock);
    return r;
}

bool pd_checkin_submit(pd_checkin_job *job, pd_checkin_done done, void *ctx)
{
    job->done = done;
    job->done_ctx = ctx;
    job->next = NULL;
    pthread_mutex_lock(&w.lock);
    bool ok = w.running;
    if (ok) {
        if (w.tail)
            w.tail->next = job;
        else
            w.head = job;
        w.tail = job;
        pthread_cond_signal(&w.wake);
    }
    pthread_mutex_unlock(&w.lock);
    return ok;
}
