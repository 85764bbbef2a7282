/* The check-in writer: one thread with its own connection takes every queued check-in, applies them
 * in one transaction and commits once (synchronous=FULL: one fsync of the WAL per batch), then
 * reports each job done. A job is only reported after the COMMIT that holds it returned, so a
 * success answer means the check-in is on disk. If a batch fails, its jobs are retried one
 * transaction each, so one bad job cannot fail the others. When idle the thread also sweeps
 * automatic check-outs.
 * Checkpoints (copying the WAL into the database file, with fsyncs of their own) would otherwise
 * run inside a COMMIT every thousand pages, before that batch is answered. The writer runs them
 * itself right after answering a batch, while the next one gathers. (On a thread of their own they
 * would never catch up with a writer that keeps appending, and the WAL would never start over.) */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "store/db.h"
#include "venues/venues.h"

#define SWEEP_EVERY 60         /* seconds */
#define CHECKPOINT_FRAMES 4000 /* about 16 MiB of WAL (SQLite checkpoints at 1000 by itself) */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pd_checkin_job *head, *tail; /* FIFO */
    bool running, stopping;
    pthread_t thread;
    sqlite3 *db;
    int64_t swept_until; /* visits that began before this were swept already */
    int wal_frames;      /* frames in the WAL after the last COMMIT (the WAL hook) */
    /* statistics, printed at stop with PHONGDICH_CHECKIN_STATS=1 */
    unsigned long long batches, jobs, largest, checkpoints;
    double batch_seconds, apply_seconds;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Applies every job of the batch in one transaction; false if the transaction failed. */
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

static void count_batch(pd_checkin_job *batch, double took)
{
    unsigned long long n = 0;
    for (pd_checkin_job *j = batch; j; j = j->next)
        n++;
    w.batches++;
    w.jobs += n;
    w.largest = n > w.largest ? n : w.largest;
    w.batch_seconds += took;
}

/* Replaces SQLite's automatic checkpoint on the writer's connection: only notes the WAL's size. */
static int wal_hook(void *ctx, sqlite3 *db, const char *name, int frames)
{
    (void)ctx, (void)db, (void)name;
    w.wal_frames = frames;
    return SQLITE_OK;
}

/* Between batches: copy the WAL into the database once it is large. Nothing is written meanwhile,
 * so the checkpoint completes (unless a reader holds old frames) and the next write starts the WAL
 * over from its beginning. */
static void checkpoint_if_large(void)
{
    if (w.wal_frames < CHECKPOINT_FRAMES)
        return;
    if (sqlite3_wal_checkpoint_v2(w.db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK)
        w.checkpoints++;
    w.wal_frames = 0;
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
    checkpoint_if_large();
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
    checkpoint_if_large();
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

int pd_checkin_writer_start(const char *db_path, pd_err *err)
{
    w.db = pd_db_open_existing(db_path, err);
    if (!w.db)
        return err ? err->code : PD_EDB;
    sqlite3_wal_hook(w.db, wal_hook, NULL); /* no automatic checkpoint inside COMMIT */
    w.stopping = false;
    w.swept_until = 0;
    w.wal_frames = 0;
    if (pthread_create(&w.thread, NULL, writer_main, NULL) != 0) {
        pd_db_close(w.db);
        w.db = NULL;
        return pd_fail(err, PD_ELIMIT, "", "Không khởi động được luồng ghi check-in");
    }
    pthread_mutex_lock(&w.lock);
    w.running = true;
    pthread_mutex_unlock(&w.lock);
    return PD_OK;
}

static void print_stats(void)
{
    const char *stats = getenv("PHONGDICH_CHECKIN_STATS");
    if (!stats || *stats != '1' || !w.batches)
        return;
    double n = (double)w.batches;
    pd_info(
        "check-in writer: %llu check-ins in %llu batches (mean %.1f, largest %llu); a batch took"
        " %.2f ms on average (%.2f ms applying, the rest in COMMIT); %llu checkpoints between"
        " batches",
        w.jobs, w.batches, (double)w.jobs / n, w.largest, 1000.0 * w.batch_seconds / n,
        1000.0 * w.apply_seconds / n, w.checkpoints);
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
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL); /* the queue is drained before the thread ends */
    print_stats();
    pd_db_close(w.db);
    w.db = NULL;
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
