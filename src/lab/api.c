/* HTTP handlers of testing: samples, results, the lab import, proposals (docs/lab.md). JSON in ->
 * lab.h -> JSON out; pools, campaigns and the pool-size advisor are in api_pools.c. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/text.h"
#include "cases/cases_json.h"
#include "ingest/ingest.h"
#include "lab/api.h"
#include "lab/api_common.h"
#include "trace/trace.h"

bool lab_may(pd_req *req, pd_resp *resp, pd_perm perm)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "",
                  perm == PD_PERM_LAB_READ ? "Tài khoản không được xem xét nghiệm"
                                           : "Tài khoản không được cập nhật xét nghiệm");
    return false;
}

/* ---- samples ---- */

typedef struct list_ctx {
    json_t *items;
    int64_t last_id;
} list_ctx;

static int add_sample(const pd_sample *s, void *vctx)
{
    list_ctx *l = vctx;
    json_array_append_new(l->items, pd_lab_sample_json(s));
    l->last_id = s->id;
    return 0;
}

int pd_api_lab_samples_list(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    pd_samples_query q;
    memset(&q, 0, sizeof q);
    q.person_id = pd_req_query_int(req, "person", 0);
    q.campaign_id = pd_req_query_int(req, "campaign", 0);
    q.pool_id = pd_req_query_int(req, "pool", 0);
    pd_req_query_copy(req, "result", q.result, sizeof q.result);
    pd_req_query_copy(req, "reason", q.reason, sizeof q.reason);
    pd_req_query_copy(req, "from", q.from, sizeof q.from);
    pd_req_query_copy(req, "to", q.to, sizeof q.to);
    pd_req_query_copy(req, "unit", q.unit_code, sizeof q.unit_code);
    q.before_id = pd_req_query_int(req, "before", 0);
    q.limit = (int)pd_req_query_int(req, "limit", 50);
    list_ctx l = {json_array(), 0};
    bool more = false;
    pd_err err;
    if (pd_samples_list(req->db, &req->actor, &q, add_sample, &l, &more, &err) != PD_OK) {
        json_decref(l.items);
        return pd_resp_err_fields(resp, &err, NULL);
    }
    json_t *j = json_pack("{s:o}", "items", l.items);
    json_object_set_new(j, "next", more ? json_integer(l.last_id) : json_null());
    return pd_resp_json(resp, 200, j);
}

int pd_api_lab_sample_get(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    pd_sample s;
    pd_err err;
    if (pd_sample_get(req->db, &req->actor, pd_req_param_id(req, 0), &s, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_audit_read(req->db, &req->actor, "sample", s.id, s.unit_code, "");
    return pd_resp_json(resp, 200, json_pack("{s:o}", "sample", pd_lab_sample_json(&s)));
}

static bool sample_from_json(pd_req *req, pd_resp *resp, pd_sample *s, pd_field_errors *errs)
{
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return false;
    memset(s, 0, sizeof *s);
    const pd_json_field f[] = {{"kind", s->kind, sizeof s->kind},
                               {"reason", s->reason, sizeof s->reason},
                               {"sampled_on", s->sampled_on, sizeof s->sampled_on},
                               {"site", s->site, sizeof s->site},
                               {"team", s->team, sizeof s->team},
                               {"label", s->label, sizeof s->label}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return false;
    int64_t day = 0;
    pd_body_id(b, "person_id", &s->person_id, errs);
    pd_body_id(b, "quarantine_order_id", &s->quarantine_order_id, errs);
    pd_body_id(b, "test_day", &day, errs);
    pd_body_id(b, "campaign_id", &s->campaign_id, errs);
    pd_body_id(b, "retest_id", &s->retest_id, errs);
    pd_body_time(b, "sampled_at", &s->sampled_at, errs);
    s->test_day = day > 0 && day < 1000 ? (int)day : day ? 1000 : 0;
    if (!s->person_id && errs->count == 0)
        pd_field_errors_add(errs, "person_id", "Chưa chọn người được lấy mẫu");
    if (errs->count > 0)
        return pd_resp_field_errors(resp, errs), false;
    return true;
}

int pd_api_lab_sample_take(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    pd_sample s;
    pd_field_errors errs = {0};
    if (!sample_from_json(req, resp, &s, &errs))
        return 0;
    pd_err err;
    if (pd_sample_take(req->db, &req->actor, &s, &errs, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, &errs);
    pd_sample_get(req->db, &req->actor, s.id, &s, &err);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "sample", pd_lab_sample_json(&s)));
}

int pd_api_lab_sample_result(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    char result[16] = "";
    if (!pd_json_copy(b, "result", result, sizeof result, resp))
        return 0;
    pd_field_errors errs = {0};
    int64_t at = 0;
    if (!pd_body_time(b, "result_at", &at, &errs))
        return pd_resp_field_errors(resp, &errs);
    int64_t id = pd_req_param_id(req, 0);
    pd_err err;
    pd_sample s;
    if (pd_sample_result(req->db, &req->actor, id, result, at, &err) != PD_OK ||
        pd_sample_get(req->db, &req->actor, id, &s, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "sample", pd_lab_sample_json(&s)));
}

/* ---- the lab's file ---- */

int pd_api_lab_import(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    const char *format = pd_req_query(req, "format");
    if (format && format[0] && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
        return pd_resp_error(resp, 400, "invalid", "format", "Định dạng phải là csv hoặc xlsx");
    if (!req->upload_path)
        return pd_resp_error(resp, 400, "invalid", "file", "Chưa chọn tệp kết quả");
    pd_lab_import_report r;
    pd_err err;
    int rc = pd_lab_import(req->db, &req->actor, req->upload_path, format, &r, &err);
    json_t *report = pd_lab_import_json(&r);
    pd_lab_import_report_free(&r);
    if (rc == PD_OK)
        return pd_resp_json(resp, 200, json_pack("{s:o}", "report", report));
    pd_resp_err(resp, &err);
    json_object_set(resp->json, "errors", json_object_get(report, "errors"));
    json_object_set_new(resp->json, "report", report);
    return 0;
}

/* ---- F0 proposals ---- */

static int add_proposal(const pd_lab_proposal *p, void *ctx)
{
    json_array_append_new(ctx, pd_lab_proposal_json(p));
    return 0;
}

int pd_api_lab_proposals(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    json_t *items = json_array();
    pd_err err;
    if (pd_lab_proposals(req->db, &req->actor, pd_req_query(req, "unit"),
                         (int)pd_req_query_int(req, "limit", 200), add_proposal, items,
                         &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* Traces the new case like POST /api/cases does; a failed trace leaves the case confirmed. */
static json_t *trace_new_case(pd_req *req, pd_case *c, char *trace_error, size_t cap)
{
    pd_trace_opts opts;
    memset(&opts, 0, sizeof opts);
    pd_trace_result result;
    memset(&result, 0, sizeof result);
    int64_t added = 0;
    pd_err err;
    pd_err_clear(&err);
    json_t *trace = json_null();
    if (pd_trace_case_now(req->db, &req->actor, c->id, &opts, true, &result, &added, &err) == PD_OK)
        trace = json_pack("{s:I, s:I, s:I}", "f1", (json_int_t)result.f1_count, "f2",
                          (json_int_t)result.f2_count, "added", (json_int_t)added);
    else
        snprintf(trace_error, cap, "Đã xác định ca bệnh nhưng chưa truy vết được: %s", err.message);
    pd_trace_result_free(&result);
    pd_err rerr;
    if (pd_case_reload(req->db, c, &rerr) != PD_OK)
        pd_warn("re-reading case %lld: %s", (long long)c->id, rerr.message);
    return trace;
}

int pd_api_lab_proposal_confirm(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    char found_in[16] = "", onset[16] = "", note[256] = "";
    const pd_json_field f[] = {{"found_in", found_in, sizeof found_in},
                               {"onset_date", onset, sizeof onset},
                               {"note", note, sizeof note}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return 0;
    pd_case c;
    pd_field_errors errs = {0};
    pd_err err;
    if (pd_lab_proposal_confirm(req->db, &req->actor, pd_req_param_id(req, 0), found_in, onset,
                                note, &c, &errs, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, &errs);
    char trace_error[600] = "";
    json_t *trace = trace_new_case(req, &c, trace_error, sizeof trace_error);
    json_t *j = json_pack("{s:o, s:o}", "case", pd_case_json(req->db, &c), "trace", trace);
    if (trace_error[0])
        json_object_set_new(j, "trace_error", json_string(trace_error));
    return pd_resp_json(resp, 201, j);
}

int pd_api_lab_proposal_dismiss(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    char note[600] = "";
    if (!pd_json_copy(b, "note", note, sizeof note, resp))
        return 0;
    int64_t id = pd_req_param_id(req, 0);
    pd_err err;
    pd_sample s;
    if (pd_lab_proposal_dismiss(req->db, &req->actor, id, note, &err) != PD_OK ||
        pd_sample_get(req->db, &req->actor, id, &s, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "sample", pd_lab_sample_json(&s)));
}
