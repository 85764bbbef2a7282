/* Background jobs over an uploaded file (imports, bulk ingest): the upload is handed to a thread
 * that works on its own connection while the UI polls the job's progress and, at the end, its
 * report. Jobs live in memory: a restart forgets them (an unfinished import's transaction is rolled
 * back, so nothing of it is kept either). A job is answered only to the account that started it, or
 * an admin. */
#ifndef PD_HTTP_JOBS_H
#define PD_HTTP_JOBS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "http/http.h"

typedef struct pd_job pd_job;

/* How a job ended: "done", "rejected" (bad rows: nothing saved) or "failed", and what to tell. */
typedef struct pd_job_outcome {
    const char *state;
    char message[512];
    int64_t done, total; /* the progress to show; prefilled with the last reported */
} pd_job_outcome;

/* One kind of job. `arg` is the feature's own state (options and report), freed by free_arg. */
typedef struct pd_job_spec {
    const char *first_phase; /* the phase shown before the first progress report */
    /* The work, on its own connection; report progress with pd_job_progress(phase, done, total,
     * job). */
    int (*run)(sqlite3 *db, const pd_actor *actor, const char *file, const char *file_name,
               void *arg, pd_job *job, pd_err *err);
    void (*conclude)(const void *arg, int rc, const pd_err *err, pd_job_outcome *out);
    /* The job's JSON fields besides id, state, phase, done, total and message. */
    json_t *(*fields)(const void *arg, bool finished);
    void (*free_arg)(void *arg);
} pd_job_spec;

/* Starts a job on the request's upload (the query's `name` names the file for the audit log) and
 * answers 202 {"job": JOB}; 400 without an upload; 503 when every slot holds a running job. Takes
 * arg in every case. */
int pd_job_start(pd_req *req, pd_resp *resp, const pd_job_spec *spec, void *arg);

/* Answers {"job": JOB} for the id in the path's first parameter if it is a job of this spec, or 404
 * with missing_message. */
int pd_job_get(pd_req *req, pd_resp *resp, const pd_job_spec *spec, const char *missing_message);

/* A pd_progress_cb-shaped progress report; ctx is the job. Always returns 0 (never cancels). */
int pd_job_progress(const char *phase, int64_t done, int64_t total, void *ctx);

/* The usual ending of a file that is taken whole or not at all: done (with done_message), rejected
 * when the file had bad rows, failed otherwise. `none` ends the messages: "không nhập dòng nào". */
void pd_job_conclude_all_or_nothing(int rc, int64_t error_count, const pd_err *err,
                                    const char *done_message, const char *none,
                                    pd_job_outcome *out);

/* {"line","field","message"} for one rejected field, for a report's "errors" array. */
json_t *pd_job_row_error(int64_t line, const char *field, const char *message);

#endif
