/* HTTP handlers for people imports (background jobs, http/jobs.h, whose progress the UI polls) and
 * exports. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "http/handlers.h"
#include "http/jobs.h"
#include "people/transfer.h"
#include "store/db.h"

/* A people import as a background job (http/jobs.h): its options and report. */
typedef struct import_arg {
    char format[8];
    char unit[16];
    pd_import_report report;
} import_arg;

static int run_import(sqlite3 *db, const pd_actor *actor, const char *file, const char *file_name,
                      void *arg, pd_job *job, pd_err *err)
{
    import_arg *a = arg;
    pd_import_options opt = {.format = a->format[0] ? a->format : NULL,
                             .default_unit = a->unit,
                             .progress = pd_job_progress,
                             .progress_ctx = job,
                             .file_name = file_name};
    return pd_people_import(db, actor, file, &opt, &a->report, err);
}

static void conclude_import(const void *arg, int rc, const pd_err *err, pd_job_outcome *out)
{
    const pd_import_report *r = &((const import_arg *)arg)->report;
    char done[96];
    snprintf(done, sizeof done, "Đã nhập %lld người.", (long long)r->rows_imported);
    pd_job_conclude_all_or_nothing(rc, r->error_count, err, done, "không nhập dòng nào", out);
}

static json_t *import_fields(const void *arg, bool finished)
{
    const pd_import_report *r = &((const import_arg *)arg)->report;
    json_t *errors = json_array();
    for (int i = 0; finished && i < r->errors_kept; i++)
        json_array_append_new(
            errors, pd_job_row_error(r->errors[i].line, r->errors[i].field, r->errors[i].message));
    return json_pack("{s:I, s:I, s:I, s:o}", "rows_total",
                     (json_int_t)(finished ? r->rows_total : 0), "rows_imported",
                     (json_int_t)(finished ? r->rows_imported : 0), "error_count",
                     (json_int_t)(finished ? r->error_count : 0), "errors", errors);
}

static const pd_job_spec import_spec = {.first_phase = "validate",
                                        .run = run_import,
                                        .conclude = conclude_import,
                                        .fields = import_fields,
                                        .free_arg = free};

int pd_api_import_start(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_PEOPLE_IMPORT))
        return pd_resp_error(resp, 403, "denied", "", "Tài khoản không được nhập dữ liệu");
    import_arg *a = calloc(1, sizeof *a);
    if (!a)
        return pd_resp_error(resp, 500, "io", "", "Hết bộ nhớ");
    const char *v;
    if ((v = pd_req_query(req, "format")))
        pd_strlcpy(a->format, v, sizeof a->format);
    if ((v = pd_req_query(req, "unit")))
        pd_strlcpy(a->unit, v, sizeof a->unit);
    return pd_job_start(req, resp, &import_spec, a);
}

int pd_api_import_get(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_PEOPLE_IMPORT))
        return pd_resp_error(resp, 403, "denied", "", "Tài khoản không được nhập dữ liệu");
    return pd_job_get(req, resp, &import_spec, "Không có lượt nhập này");
}

typedef struct people_export {
    sqlite3 *db;
    const pd_actor *actor;
    const pd_people_query *q;
    const char *format;
} people_export;

static int write_people(const char *path, void *ctx, pd_err *err)
{
    people_export *e = ctx;
    int64_t rows;
    return pd_people_export(e->db, e->actor, e->q, path, e->format, &rows, err);
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
    people_export e = {req->db, &req->actor, &q, format};
    char name[48];
    snprintf(name, sizeof name, "danh-sach-dan-cu.%s", format);
    return pd_resp_export(resp, write_people, &e, type, name);
}

int pd_api_export_xlsx(pd_req *req, pd_resp *resp)
{
    return export_people(req, resp, "xlsx", PD_XLSX_TYPE);
}

int pd_api_export_csv(pd_req *req, pd_resp *resp)
{
    return export_people(req, resp, "csv", "text/csv; charset=utf-8");
}
