/* HTTP handlers for bulk ingest: the uploaded file is ingested by a background job on its own
 * connection, whose progress and report the UI polls (docs/api.md, "Bulk ingest"). */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"
#include "http/handlers.h"
#include "ingest/ingest.h"
#include "store/db.h"

#define MAX_JOBS 32

typedef struct ingest_job {
    long long id;
    pd_actor actor;
    pd_ingest_kind kind;
    char db_path[512];
    char file[96];
    char file_name[128];
    char format[8];
    char state[12]; /* running, done, rejected, failed */
    char phase[12];
    long long done, total;
    char message[512];
    pd_ingest_report *report;
} ingest_job;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static ingest_job *jobs[MAX_JOBS];
static long long next_job_id = 1;

static int on_progress(const char *phase, int64_t done, int64_t total, void *ctx)
{
    ingest_job *j = ctx;
    pthread_mutex_lock(&jobs_lock);
    pd_strlcpy(j->phase, phase, sizeof j->phase);
    j->done = done;
    j->total = total;
    pthread_mutex_unlock(&jobs_lock);
    return 0;
}

static void finish_job(ingest_job *j, int rc, const pd_err *err)
{
    const pd_ingest_report *r = j->report;
    pthread_mutex_lock(&jobs_lock);
    if (rc == PD_OK) {
        pd_strlcpy(j->state, "done", sizeof j->state);
        snprintf(j->message, sizeof j->message, "Đã nhận %lld dòng mới; bỏ qua %lld dòng đã có.",
                 (long long)r->rows_inserted, (long long)r->rows_skipped);
    } else if (rc == PD_EINVAL && r->error_count > 0) {
        pd_strlcpy(j->state, "rejected", sizeof j->state);
        snprintf(j->message, sizeof j->message,
                 "Tệp có %lld lỗi; không nhận dòng nào. Hãy sửa các dòng dưới đây rồi gửi lại.",
                 (long long)r->error_count);
    } else {
        pd_strlcpy(j->state, "failed", sizeof j->state);
        snprintf(j->message, sizeof j->message, "%.400s; không nhận dòng nào.", err->message);
    }
    j->done = j->total = r->rows_total;
    pthread_mutex_unlock(&jobs_lock);
}

static void *run_job(void *arg)
{
    ingest_job *j = arg;
    pd_err err;
    pd_err_clear(&err);
    int rc;
    sqlite3 *db = pd_db_open_existing(j->db_path, &err);
    if (db) {
        pd_ingest_options opt = {.kind = j->kind,
                                 .format = j->format[0] ? j->format : NULL,
                                 .progress = on_progress,
                                 .progress_ctx = j,
                                 .file_name = j->file_name};
        rc = pd_ingest_file(db, &j->actor, j->file, &opt, j->report, &err);
        pd_db_close(db);
    } else {
        rc = err.code ? err.code : PD_EDB;
    }
    unlink(j->file);
    finish_job(j, rc, &err);
    return NULL;
}

/* Stores the job in a free slot, evicting the oldest finished one if needed. */
static bool register_job(ingest_job *j)
{
    pthread_mutex_lock(&jobs_lock);
    int slot = -1;
    for (int i = 0; i < MAX_JOBS && slot < 0; i++)
        if (!jobs[i])
            slot = i;
    for (int i = 0; i < MAX_JOBS && slot < 0; i++)
        if (strcmp(jobs[i]->state, "running") != 0) {
            free(jobs[i]->report);
            free(jobs[i]);
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
static json_t *job_json(const ingest_job *j)
{
    const pd_ingest_report *r = j->report;
    bool finished = strcmp(j->state, "running") != 0;
    json_t *errors = json_array();
    for (int i = 0; finished && i < r->errors_kept; i++)
        json_array_append_new(
            errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)r->errors[i].line, "field",
                              r->errors[i].field, "message", r->errors[i].message));
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:s}", "id",
                     (json_int_t)j->id, "kind", pd_ingest_kind_name(j->kind), "state", j->state,
                     "phase", j->phase, "done", (json_int_t)j->done, "total", (json_int_t)j->total,
                     "rows_total", (json_int_t)(finished ? r->rows_total : 0), "rows_inserted",
                     (json_int_t)(finished ? r->rows_inserted : 0), "rows_skipped",
                     (json_int_t)(finished ? r->rows_skipped : 0), "people_created",
                     (json_int_t)(finished ? r->people_created : 0), "error_count",
                     (json_int_t)(finished ? r->error_count : 0), "errors", errors, "message",
                     j->message);
}

static ingest_job *job_new(pd_req *req, pd_ingest_kind kind)
{
    ingest_job *j = calloc(1, sizeof *j);
    if (!j || !(j->report = calloc(1, sizeof *j->report))) {
        free(j);
        return NULL;
    }
    j->actor = req->actor;
    j->kind = kind;
    pd_strlcpy(j->db_path, req->db_path, sizeof j->db_path);
    const char *v;
    if ((v = pd_req_query(req, "format")))
        pd_strlcpy(j->format, v, sizeof j->format);
    pd_strlcpy(j->file_name, (v = pd_req_query(req, "name")) ? v : "tệp tải lên",
               sizeof j->file_name);
    pd_strlcpy(j->state, "running", sizeof j->state);
    pd_strlcpy(j->phase, "read", sizeof j->phase);
    snprintf(j->file, sizeof j->file, "%s.ingest", req->upload_path);
    return j;
}

int pd_api_ingest_start(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_INGEST))
        return pd_resp_error(resp, 403, "denied", "",
                             "Tài khoản không được nhận dữ liệu từ hệ thống khác");
    int kind = pd_ingest_kind_parse(pd_req_query(req, "kind"));
    if (kind < 0)
        return pd_resp_error(resp, 400, "invalid", "kind",
                             "Loại dữ liệu (kind) phải là checkins hoặc declarations");
    const char *format = pd_req_query(req, "format");
    if (format && *format && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 &&
        strcmp(format, "jsonl") != 0)
        return pd_resp_error(resp, 400, "invalid", "format",
                             "Định dạng phải là csv, xlsx hoặc jsonl");
    if (!req->upload_path)
        return pd_resp_error(resp, 400, "invalid", "file", "Tệp rỗng: không có dữ liệu để nhận");
    ingest_job *j = job_new(req, (pd_ingest_kind)kind);
    if (!j)
        return pd_resp_error(resp, 500, "io", "", "Hết bộ nhớ");
    /* The upload is removed when the request ends; the job keeps its own name for it. */
    if (rename(req->upload_path, j->file) != 0 || !register_job(j)) {
        free(j->report);
        free(j);
        return pd_resp_error(resp, 503, "busy", "",
                             "Máy chủ đang bận nhận dữ liệu; hãy thử lại sau");
    }
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, run_job, j);
    pthread_attr_destroy(&attr);
    pthread_mutex_lock(&jobs_lock);
    json_t *body = json_pack("{s:o}", "job", job_json(j));
    pthread_mutex_unlock(&jobs_lock);
    return pd_resp_json(resp, 202, body);
}

int pd_api_ingest_get(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_INGEST))
        return pd_resp_error(resp, 403, "denied", "",
                             "Tài khoản không được nhận dữ liệu từ hệ thống khác");
    long long id = pd_req_param_id(req, 0);
    json_t *body = NULL;
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i] && jobs[i]->id == id &&
            (jobs[i]->actor.user_id == req->actor.user_id || req->actor.role == PD_ROLE_ADMIN))
            body = json_pack("{s:o}", "job", job_json(jobs[i]));
    pthread_mutex_unlock(&jobs_lock);
    if (!body)
        return pd_resp_error(resp, 404, "not_found", "", "Không có lượt nhận dữ liệu này");
    return pd_resp_json(resp, 200, body);
}
