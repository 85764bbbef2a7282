/* HTTP handlers for bulk ingest: the uploaded file is ingested by a background job on its own
 * connection (http/jobs.h), whose progress and report the UI polls (docs/api.md, "Bulk ingest"). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "http/handlers.h"
#include "http/jobs.h"
#include "ingest/ingest.h"
#include "store/db.h"

/* An ingest as a background job (http/jobs.h): its kind, options and report. */
typedef struct ingest_arg {
    pd_ingest_kind kind;
    char format[8];
    pd_ingest_report report;
} ingest_arg;

static int run_ingest(sqlite3 *db, const pd_actor *actor, const char *file, const char *file_name,
                      void *arg, pd_job *job, pd_err *err)
{
    ingest_arg *a = arg;
    pd_ingest_options opt = {.kind = a->kind,
                             .format = a->format[0] ? a->format : NULL,
                             .progress = pd_job_progress,
                             .progress_ctx = job,
                             .file_name = file_name};
    return pd_ingest_file(db, actor, file, &opt, &a->report, err);
}

static void conclude_ingest(const void *arg, int rc, const pd_err *err, pd_job_outcome *out)
{
    const pd_ingest_report *r = &((const ingest_arg *)arg)->report;
    char done[128];
    snprintf(done, sizeof done, "Đã nhận %lld dòng mới; bỏ qua %lld dòng đã có.",
             (long long)r->rows_inserted, (long long)r->rows_skipped);
    pd_job_conclude_all_or_nothing(rc, r->error_count, err, done, "không nhận dòng nào", out);
    out->done = out->total = r->rows_total;
}

static json_t *ingest_fields(const void *arg, bool finished)
{
    const ingest_arg *a = arg;
    const pd_ingest_report *r = &a->report;
    json_t *errors = json_array();
    for (int i = 0; finished && i < r->errors_kept; i++)
        json_array_append_new(
            errors, pd_job_row_error(r->errors[i].line, r->errors[i].field, r->errors[i].message));
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:o}", "kind", pd_ingest_kind_name(a->kind),
                     "rows_total", (json_int_t)(finished ? r->rows_total : 0), "rows_inserted",
                     (json_int_t)(finished ? r->rows_inserted : 0), "rows_skipped",
                     (json_int_t)(finished ? r->rows_skipped : 0), "people_created",
                     (json_int_t)(finished ? r->people_created : 0), "error_count",
                     (json_int_t)(finished ? r->error_count : 0), "errors", errors);
}

static const pd_job_spec ingest_spec = {.first_phase = "read",
                                        .run = run_ingest,
                                        .conclude = conclude_ingest,
                                        .fields = ingest_fields,
                                        .free_arg = free};

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
    ingest_arg *a = calloc(1, sizeof *a);
    if (!a)
        return pd_resp_error(resp, 500, "io", "", "Hết bộ nhớ");
    a->kind = (pd_ingest_kind)kind;
    if (format)
        pd_strlcpy(a->format, format, sizeof a->format);
    return pd_job_start(req, resp, &ingest_spec, a);
}

int pd_api_ingest_get(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_INGEST))
        return pd_resp_error(resp, 403, "denied", "",
                             "Tài khoản không được nhận dữ liệu từ hệ thống khác");
    return pd_job_get(req, resp, &ingest_spec, "Không có lượt nhận dữ liệu này");
}
