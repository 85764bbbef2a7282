/* Background jobs over an uploaded file (jobs.h): a fixed table of slots under one lock, one
 * detached thread per job. */
#include "http/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"
#include "store/db.h"

#define MAX_JOBS 64

struct pd_job {
    long long id;
    const pd_job_spec *spec;
    void *arg;
    pd_actor actor;
    char db_path[512];
    char file[96];
    char file_name[128];
    const char *state; /* "running" until concluded */
    char phase[12];
    long long done, total;
    char message[512];
};

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pd_job *jobs[MAX_JOBS];
static long long next_job_id = 1;

static void job_free(pd_job *j)
{
    if (j->spec->free_arg)
        j->spec->free_arg(j->arg);
    free(j);
}

int pd_job_progress(const char *phase, int64_t done, int64_t total, void *ctx)
{
    pd_job *j = ctx;
    pthread_mutex_lock(&jobs_lock);
    pd_strlcpy(j->phase, phase, sizeof j->phase);
    j->done = done;
    j->total = total;
    pthread_mutex_unlock(&jobs_lock);
    return 0;
}

static void conclude(pd_job *j, int rc, const pd_err *err)
{
    pthread_mutex_lock(&jobs_lock);
    pd_job_outcome out = {.state = "failed", .done = j->done, .total = j->total};
    j->spec->conclude(j->arg, rc, err, &out);
    j->state = out.state;
    pd_strlcpy(j->message, out.message, sizeof j->message);
    j->done = out.done;
    j->total = out.total;
    pthread_mutex_unlock(&jobs_lock);
}

static void *run_job(void *arg)
{
    pd_job *j = arg;
    pd_err err;
    pd_err_clear(&err);
    int rc;
    sqlite3 *db = pd_db_open_existing(j->db_path, &err);
    if (db) {
        rc = j->spec->run(db, &j->actor, j->file, j->file_name, j->arg, j, &err);
        pd_db_close(db);
    } else {
        rc = err.code ? err.code : PD_EDB;
    }
    unlink(j->file);
    conclude(j, rc, &err);
    return NULL;
}

/* Stores the job in a free slot, evicting a finished one if needed. */
static bool register_job(pd_job *j)
{
    pthread_mutex_lock(&jobs_lock);
    int slot = -1;
    for (int i = 0; i < MAX_JOBS && slot < 0; i++)
        if (!jobs[i])
            slot = i;
    for (int i = 0; i < MAX_JOBS && slot < 0; i++)
        if (strcmp(jobs[i]->state, "running") != 0) {
            job_free(jobs[i]);
            jobs[i] = NULL;
            slot = i;
        }
    if (slot >= 0) {
        j->id = next_job_id++;
        jobs[slot] = j;
    }
    pthread_mutex_unlock(&jobs_lock);
    return slot >= 0;
}

/* Called with jobs_lock held. */
static json_t *job_json(const pd_job *j)
{
    bool finished = strcmp(j->state, "running") != 0;
    json_t *o = j->spec->fields ? j->spec->fields(j->arg, finished) : json_object();
    json_object_set_new(o, "id", json_integer(j->id));
    json_object_set_new(o, "state", json_string(j->state));
    json_object_set_new(o, "phase", json_string(j->phase));
    json_object_set_new(o, "done", json_integer(j->done));
    json_object_set_new(o, "total", json_integer(j->total));
    json_object_set_new(o, "message", json_string(j->message));
    return o;
}

static pd_job *job_new(pd_req *req, const pd_job_spec *spec, void *arg)
{
    pd_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->spec = spec;
    j->arg = arg;
    j->actor = req->actor;
    pd_strlcpy(j->db_path, req->db_path, sizeof j->db_path);
    const char *name = pd_req_query(req, "name");
    pd_strlcpy(j->file_name, name ? name : "tệp tải lên", sizeof j->file_name);
    j->state = "running";
    pd_strlcpy(j->phase, spec->first_phase, sizeof j->phase);
    snprintf(j->file, sizeof j->file, "%s.job", req->upload_path);
    return j;
}

int pd_job_start(pd_req *req, pd_resp *resp, const pd_job_spec *spec, void *arg)
{
    if (!req->upload_path) {
        spec->free_arg(arg);
        return pd_resp_error(resp, 400, "invalid", "file", "Tệp rỗng: không có dữ liệu");
    }
    pd_job *j = job_new(req, spec, arg);
    if (!j) {
        spec->free_arg(arg);
        return pd_resp_error(resp, 500, "io", "", "Hết bộ nhớ");
    }
    /* The upload is removed when the request ends; the job keeps its own name for it. */
    if (rename(req->upload_path, j->file) != 0 || !register_job(j)) {
        job_free(j);
        return pd_resp_error(resp, 503, "busy", "", "Máy chủ đang bận xử lý tệp; hãy thử lại sau");
    }
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_mutex_lock(&jobs_lock); /* the thread may not conclude before the first answer */
    json_t *body = json_pack("{s:o}", "job", job_json(j));
    pthread_create(&t, &attr, run_job, j);
    pthread_mutex_unlock(&jobs_lock);
    pthread_attr_destroy(&attr);
    return pd_resp_json(resp, 202, body);
}

int pd_job_get(pd_req *req, pd_resp *resp, const pd_job_spec *spec, const char *missing_message)
{
    long long id = pd_req_param_id(req, 0);
    json_t *body = NULL;
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < MAX_JOBS && !body; i++)
        if (jobs[i] && jobs[i]->id == id && jobs[i]->spec == spec &&
            (jobs[i]->actor.user_id == req->actor.user_id || req->actor.role == PD_ROLE_ADMIN))
            body = json_pack("{s:o}", "job", job_json(jobs[i]));
    pthread_mutex_unlock(&jobs_lock);
    if (!body)
        return pd_resp_error(resp, 404, "not_found", "", missing_message);
    return pd_resp_json(resp, 200, body);
}

void pd_job_conclude_all_or_nothing(int rc, int64_t error_count, const pd_err *err,
                                    const char *done_message, const char *none, pd_job_outcome *out)
{
    if (rc == PD_OK) {
        out->state = "done";
        pd_strlcpy(out->message, done_message, sizeof out->message);
    } else if (rc == PD_EINVAL && error_count > 0) {
        out->state = "rejected";
        snprintf(out->message, sizeof out->message,
                 "Tệp có %lld lỗi; %s. Hãy sửa các dòng dưới đây rồi gửi lại.",
                 (long long)error_count, none);
    } else {
        out->state = "failed";
        snprintf(out->message, sizeof out->message, "%.400s; %s.", err->message, none);
    }
}

json_t *pd_job_row_error(int64_t line, const char *field, const char *message)
{
    return json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line, "field", field, "message",
                     message);
}
