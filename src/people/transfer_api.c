/* HTTP handlers for imports (run as background jobs with progress the UI polls) and exports. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/file.h"
#include "base/text.h"
#include "http/handlers.h"
#include "people/transfer.h"
#include "store/db.h"

#define MAX_JOBS 64

typedef struct import_job {
    long long id;
    pd_actor actor;
    char db_path[512];
    char file[96];
    char file_name[128]; /* as the user named it, for the audit log */
    char format[8];
    char unit[16];
    char state[12]; /* running, done, rejected, failed */
    char phase[12];
    long long done, total;
    char message[512];
    pd_import_report *report;
} import_job;

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static import_job *jobs[MAX_JOBS];
static long long next_job_id = 1;

static int on_progress(const char *phase, int64_t done, int64_t total, void *ctx)
{
    import_job *j = ctx;
    pthread_mutex_lock(&jobs_lock);
    pd_strlcpy(j->phase, phase, sizeof j->phase);
    j->done = done;
    j->total = total;
    pthread_mutex_unlock(&jobs_lock);
    return 0;
}

static void finish_job(import_job *j, int rc, const pd_err *err)
{
    pthread_mutex_lock(&jobs_lock);
    if (rc == PD_OK) {
        pd_strlcpy(j->state, "done", sizeof j->state);
        snprintf(j->message, sizeof j->message, "Đã nhập %lld người.",
                 (long long)j->report->rows_imported);
    } else if (rc == PD_EINVAL && j->report->error_count > 0) {
        pd_strlcpy(j->state, "rejected", sizeof j->state);
        snprintf(j->message, sizeof j->message,
                 "Tệp có %lld lỗi; không nhập dòng nào. Hãy sửa các dòng dưới đây rồi nhập lại.",
                 (long long)j->report->error_count);
    } else {
        pd_strlcpy(j->state, "failed", sizeof j->state);
        snprintf(j->message, sizeof j->message, "%.400s; không nhập dòng nào.", err->message);
    }
    pthread_mutex_unlock(&jobs_lock);
}

static void *run_job(void *arg)
{
    import_job *j = arg;
    pd_err err;
    pd_err_clear(&err);
    int rc;
    sqlite3 *db = pd_db_open_existing(j->db_path, &err);
    if (db) {
        pd_import_options opt = {.format = j->format[0] ? j->format : NULL,
                                 .default_unit = j->unit,
                                 .progress = on_progress,
                                 .progress_ctx = j,
                                 .file_name = j->file_name};
        rc = pd_people_import(db, &j->actor, j->file, &opt, j->report, &err);
        pd_db_close(db);
    } else {
        rc = err.code ? err.code : PD_EDB;
    }
    unlink(j->file);
    finish_job(j, rc, &err);
    return NULL;
}

/* Stores the job in a free slot, evicting the oldest finished one if needed. */
static bool register_job(import_job *j)
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

static json_t *job_json(const import_job *j)
{
    json_t *errors = json_array();
    bool finished = strcmp(j->state, "running") != 0;
    for (int i = 0; finished && i < j->report->errors_kept; i++) {
        const pd_row_error *e = &j->report->errors[i];
        json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)e->line,
                                                "field", e->field, "message", e->message));
    }
    return json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:o, s:s}", "id",
                     (json_int_t)j->id, "state", j->state, "phase", j->phase, "done",
                     (json_int_t)j->done, "total", (json_int_t)j->total, "rows_total",
                     (json_int_t)(finished ? j->report->rows_total : 0), "rows_imported",
                     (json_int_t)(finished ? j->report->rows_imported : 0), "error_count",
                     (json_int_t)(finished ? j->report->error_count : 0), "errors", errors,
                     "message", j->message);
}

static import_job *job_new(pd_req *req)
{
    import_job *j = calloc(1, sizeof *j);
    if (!j || !(j->report = calloc(1, sizeof *j->report))) {
        free(j);
        return NULL;
    }
    j->actor = req->actor;
    pd_strlcpy(j->db_path, req->db_path, sizeof j->db_path);
    const char *v;
    if ((v = pd_req_query(req, "format")))
        pd_strlcpy(j->format, v, sizeof j->format);
    if ((v = pd_req_query(req, "unit")))
        pd_strlcpy(j->unit, v, sizeof j->unit);
    pd_strlcpy(j->file_name, (v = pd_req_query(req, "name")) ? v : "tệp tải lên", sizeof j->file_name);
    pd_strlcpy(j->state, "running", sizeof j->state);
    pd_strlcpy(j->phase, "validate", sizeof j->phase);
    snprintf(j->file, sizeof j->file, "%s.import", req->upload_path);
    return j;
}

int pd_api_import_start(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_PEOPLE_IMPORT))
        return pd_resp_error(resp, 403, "denied", "", "Tài khoản không được nhập dữ liệu");
    if (!req->upload_path)
        return pd_resp_error(resp, 400, "invalid", "file", "Tệp rỗng: không có dữ liệu để nhập");
    import_job *j = job_new(req);
    if (!j)
        return pd_resp_error(resp, 500, "io", "", "Hết bộ nhớ");
    /* The upload is removed when the request ends; the job keeps its own name for it. */
    if (rename(req->upload_path, j->file) != 0 || !register_job(j)) {
        free(j->report);
        free(j);
        return pd_resp_error(resp, 503, "busy", "", "Máy chủ đang bận nhập dữ liệu; hãy thử lại sau");
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

int pd_api_import_get(pd_req *req, pd_resp *resp)
{
    long long id = pd_req_param_id(req, 0);
    if (!pd_actor_can(&req->actor, PD_PERM_PEOPLE_IMPORT))
        return pd_resp_error(resp, 403, "denied", "", "Tài khoản không được nhập dữ liệu");
    json_t *body = NULL;
    pthread_mutex_lock(&jobs_lock);
    for (int i = 0; i < MAX_JOBS; i++)
        if (jobs[i] && jobs[i]->id == id &&
            (jobs[i]->actor.user_id == req->actor.user_id || req->actor.role == PD_ROLE_ADMIN))
            body = json_pack("{s:o}", "job", job_json(jobs[i]));
    pthread_mutex_unlock(&jobs_lock);
    if (!body)
        return pd_resp_error(resp, 404, "not_found", "", "Không có lượt nhập này");
    return pd_resp_json(resp, 200, body);
}

static int export_people(pd_req *req, pd_resp *resp, const char *format, const char *type)
{
    pd_people_query q;
    memset(&q, 0, sizeof q);
    const char *v;
    if ((v = pd_req_query(req, "q")))
        pd_strlcpy(q.q, v, sizeof q.q);
    if ((v = pd_req_query(req, "unit")))
        pd_strlcpy(q.unit_code, v, sizeof q.unit_code);
    char path[64] = "/tmp/phongdich-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return pd_resp_error(resp, 500, "io", "", "Không tạo được tệp xuất");
    close(fd);
    pd_err err;
    int64_t rows;
    int rc = pd_people_export(req->db, &req->actor, &q, path, format, &rows, &err);
    size_t len = 0;
    char *data = rc == PD_OK ? pd_file_read(path, &len) : NULL;
    unlink(path);
    if (rc != PD_OK)
        return pd_resp_err(resp, &err);
    if (!data)
        return pd_resp_error(resp, 500, "io", "", "Không đọc được tệp xuất");
    char name[48];
    snprintf(name, sizeof name, "danh-sach-dan-cu.%s", format);
    return pd_resp_file(resp, data, len, type, name);
}

int pd_api_export_xlsx(pd_req *req, pd_resp *resp)
{
    return export_people(req, resp, "xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

int pd_api_export_csv(pd_req *req, pd_resp *resp)
{
    return export_people(req, resp, "csv", "text/csv; charset=utf-8");
}
