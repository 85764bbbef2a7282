/* HTTP handlers for cases (F0) and the lockdown suggestion: JSON in -> cases.h -> JSON out
 * (docs/api.md, "Cases and tracing"). Confirming a case traces it at once (trace.h); tracing,
 * contacts, sources, chains and hand-off lists have their own handlers in src/trace/. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/text.h"
#include "cases/cases.h"
#include "cases/cases_json.h"
#include "http/body.h"
#include "http/handlers.h"
#include "ingest/ingest.h"
#include "people/unit_cache.h"
#include "trace/trace.h"

static json_t *string_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

json_t *pd_case_json(sqlite3 *db, const pd_case *c)
{
    pd_unit_info u;
    const char *unit_name = pd_unit_cache_get(db, c->unit_code, &u) ? u.name : "";
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(c->id));
    json_object_set_new(j, "person_id", json_integer(c->person_id));
    json_object_set_new(j, "full_name", json_string(c->full_name));
    json_object_set_new(j, "phone", json_string(c->phone));
    json_object_set_new(j, "address", json_string(c->address));
    json_object_set_new(j, "confirmed_at", pd_json_time(c->confirmed_at));
    json_object_set_new(j, "onset_date", string_or_null(c->onset_date));
    json_object_set_new(j, "sample_date", json_string(c->sample_date));
    json_object_set_new(j, "found_in", json_string(c->found_in));
    json_object_set_new(j, "basis", json_string(c->basis));
    json_object_set_new(j, "status", json_string(c->status));
    json_object_set_new(j, "status_at", pd_json_time(c->status_at));
    json_object_set_new(j, "infectious_until", pd_json_time(c->infectious_until));
    json_object_set_new(j, "window_start", pd_json_time(pd_case_window_start(c)));
    json_object_set_new(j, "source_case_id", id_or_null(c->source_case_id));
    json_object_set_new(j, "unit_code", json_string(c->unit_code));
    json_object_set_new(j, "unit_name", json_string(unit_name));
    json_object_set_new(j, "area_code", string_or_null(c->area_code));
    json_object_set_new(j, "note", json_string(c->note));
    json_object_set_new(j, "traced_at", pd_json_time(c->traced_at));
    json_object_set_new(j, "f1_count", json_integer(c->f1_count));
    json_object_set_new(j, "f2_count", json_integer(c->f2_count));
    return j;
}

static bool allowed(pd_req *req, pd_resp *resp, pd_perm perm, const char *message)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "", message);
    return false;
}

#define MAY_READ(req, resp)                                                                        \
    allowed(req, resp, PD_PERM_CASES_READ, "Tài khoản không được xem ca bệnh")
#define MAY_WRITE(req, resp)                                                                       \
    allowed(req, resp, PD_PERM_CASES_WRITE, "Tài khoản không được cập nhật ca bệnh")

typedef struct list_ctx {
    sqlite3 *db;
    json_t *items;
    int64_t last_id;
} list_ctx;

static int add_case(const pd_case *c, void *vctx)
{
    list_ctx *l = vctx;
    json_array_append_new(l->items, pd_case_json(l->db, c));
    l->last_id = c->id;
    return 0;
}

int pd_api_cases_list(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ(req, resp))
        return 0;
    pd_cases_query q;
    memset(&q, 0, sizeof q);
    pd_req_query_copy(req, "status", q.status, sizeof q.status);
    pd_req_query_copy(req, "found_in", q.found_in, sizeof q.found_in);
    pd_req_query_copy(req, "unit", q.unit_code, sizeof q.unit_code);
    pd_req_query_copy(req, "from", q.from, sizeof q.from);
    pd_req_query_copy(req, "to", q.to, sizeof q.to);
    q.before_id = pd_req_query_int(req, "before", 0);
    q.limit = (int)pd_req_query_int(req, "limit", 50);
    list_ctx l = {req->db, json_array(), 0};
    bool more = false;
    pd_err err;
    if (pd_cases_list(req->db, &req->actor, &q, add_case, &l, &more, &err) != PD_OK) {
        json_decref(l.items);
        return pd_resp_err(resp, &err);
    }
    json_t *j = json_pack("{s:o}", "items", l.items);
    json_object_set_new(j, "next", more ? json_integer(l.last_id) : json_null());
    return pd_resp_json(resp, 200, j);
}

/* ---- create ---- */

static bool case_from_json(pd_req *req, pd_resp *resp, pd_case *c, pd_field_errors *errs)
{
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return false;
    memset(c, 0, sizeof *c);
    const pd_json_field f[] = {{"sample_date", c->sample_date, sizeof c->sample_date},
                               {"onset_date", c->onset_date, sizeof c->onset_date},
                               {"found_in", c->found_in, sizeof c->found_in},
                               {"basis", c->basis, sizeof c->basis},
                               {"note", c->note, sizeof c->note}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return false;
    pd_body_id(b, "person_id", &c->person_id, errs);
    pd_body_time(b, "confirmed_at", &c->confirmed_at, errs);
    pd_body_time(b, "infectious_until", &c->infectious_until, errs);
    if (errs->count > 0)
        return pd_resp_field_errors(resp, errs), false;
    return true;
}

/* Traces the new case (trace.h) and answers 201 {"case","trace"}; a failed trace leaves the case
 * confirmed and answers "trace": null with "trace_error". */
static int answer_created(pd_req *req, pd_resp *resp, pd_case *c)
{
    pd_trace_opts opts;
    memset(&opts, 0, sizeof opts);
    pd_trace_result result;
    memset(&result, 0, sizeof result);
    int64_t added = 0;
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_trace_case_now(req->db, &req->actor, c->id, &opts, true, &result, &added, &err);
    json_t *trace = json_null();
    if (rc == PD_OK)
        trace = json_pack("{s:I, s:I, s:I}", "f1", (json_int_t)result.f1_count, "f2",
                          (json_int_t)result.f2_count, "added", (json_int_t)added);
    else
        pd_warn("tracing case %lld after confirmation failed: %s (%s)", (long long)c->id,
                err.message, pd_status_name(rc));
    pd_trace_result_free(&result);
    pd_err rerr;
    if (pd_case_reload(req->db, c, &rerr) != PD_OK) /* traced_at and the counts changed */
        pd_warn("re-reading case %lld: %s", (long long)c->id, rerr.message);
    json_t *j = json_pack("{s:o, s:o}", "case", pd_case_json(req->db, c), "trace", trace);
    if (rc != PD_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "Đã xác định ca bệnh nhưng chưa truy vết được: %s",
                 err.message[0] ? err.message : "lỗi không rõ");
        json_object_set_new(j, "trace_error", json_string(msg));
    }
    return pd_resp_json(resp, 201, j);
}

int pd_api_case_create(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE(req, resp))
        return 0;
    pd_case c;
    pd_field_errors errs = {0};
    if (!case_from_json(req, resp, &c, &errs))
        return 0;
    pd_err err;
    if (pd_case_confirm(req->db, &req->actor, &c, &errs, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, &errs);
    return answer_created(req, resp, &c);
}

/* ---- one case ---- */

static int add_history(const pd_case_status_entry *e, void *ctx)
{
    json_t *h =
        json_pack("{s:s, s:o, s:o, s:s}", "status", e->status, "at", pd_json_time(e->at), "by",
                  e->by_username[0] ? json_string(e->by_username) : json_null(), "note", e->note);
    json_array_append_new(ctx, h);
    return 0;
}

static int add_contact(const pd_case_contact *k, void *ctx)
{
    json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:o, s:s}", "person_id",
                                         (json_int_t)k->person_id, "full_name", k->full_name,
                                         "kind", k->kind, "contact_at", pd_json_time(k->contact_at),
                                         "note", k->note));
    return 0;
}

int pd_api_case_get(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ(req, resp))
        return 0;
    int64_t id = pd_req_param_id(req, 0);
    pd_case c;
    pd_err err;
    if (pd_case_get(req->db, &req->actor, id, &c, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *history = json_array(), *contacts = json_array();
    if (pd_case_history(req->db, &req->actor, id, add_history, history, &err) != PD_OK ||
        pd_case_contacts_added(req->db, &req->actor, id, add_contact, contacts, &err) != PD_OK) {
        json_decref(history);
        json_decref(contacts);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200,
                        json_pack("{s:o, s:o, s:o}", "case", pd_case_json(req->db, &c), "history",
                                  history, "added_contacts", contacts));
}

/* {"case"} after a change: read again without a second audit entry (the change has its own). */
static int answer_case(pd_req *req, pd_resp *resp, int64_t id, int status)
{
    pd_case c;
    memset(&c, 0, sizeof c);
    c.id = id;
    pd_err err;
    if (pd_case_reload(req->db, &c, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, status, json_pack("{s:o}", "case", pd_case_json(req->db, &c)));
}

int pd_api_case_status(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE(req, resp))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    char status[16], note[256];
    const pd_json_field f[] = {{"status", status, sizeof status}, {"note", note, sizeof note}};
    if (!pd_json_copy_fields(b, f, 2, resp))
        return 0;
    pd_field_errors errs = {0};
    int64_t at = 0;
    if (!pd_body_time(b, "at", &at, &errs))
        return pd_resp_field_errors(resp, &errs);
    int64_t id = pd_req_param_id(req, 0);
    pd_err err;
    if (pd_case_set_status(req->db, &req->actor, id, status, at, note, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return answer_case(req, resp, id, 200);
}

int pd_api_case_source(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE(req, resp))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_field_errors errs = {0};
    if (!json_object_get(b, "source_case_id")) {
        pd_field_errors_add(&errs, "source_case_id",
                            "Thiếu source_case_id (mã ca nguồn, hoặc null để bỏ)");
        return pd_resp_field_errors(resp, &errs);
    }
    int64_t source = 0;
    if (!pd_body_id(b, "source_case_id", &source, &errs))
        return pd_resp_field_errors(resp, &errs);
    int64_t id = pd_req_param_id(req, 0);
    pd_err err;
    if (pd_case_set_source(req->db, &req->actor, id, source, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return answer_case(req, resp, id, 200);
}

int pd_api_case_contact_add(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE(req, resp))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    char kind[16], note[256];
    const pd_json_field f[] = {{"kind", kind, sizeof kind}, {"note", note, sizeof note}};
    if (!pd_json_copy_fields(b, f, 2, resp))
        return 0;
    pd_field_errors errs = {0};
    int64_t person = 0, at = 0;
    pd_body_id(b, "person_id", &person, &errs);
    pd_body_time(b, "contact_at", &at, &errs);
    if (errs.count > 0)
        return pd_resp_field_errors(resp, &errs);
    pd_err err;
    if (pd_case_contact_add(req->db, &req->actor, pd_req_param_id(req, 0), person, kind, at, note,
                            &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return pd_resp_json(resp, 201, json_pack("{s:b}", "ok", 1));
}

/* ---- lockdown ---- */

static const char *level_name(int level)
{
    return level == PD_LOCKDOWN_COMMUNE ? "commune"
           : level == PD_LOCKDOWN_AREA  ? "area"
                                        : "household";
}

static int add_area(const pd_lockdown_area *a, void *ctx)
{
    json_t *j = json_pack(
        "{s:s, s:o, s:s, s:s, s:I, s:I, s:I, s:I, s:s}", "level", level_name(a->level),
        "household_id", id_or_null(a->household_id), "unit_code", a->unit_code, "name", a->name,
        "people", (json_int_t)a->people, "cases", (json_int_t)a->cases, "f1", (json_int_t)a->f1,
        "households_with_cases", (json_int_t)a->households_with_cases, "reason", a->reason);
    json_array_append_new(ctx, j);
    return 0;
}

/* A threshold in the query: absent is 0 (the default); else 1..1000. */
static bool threshold(pd_req *req, const char *name, int *out, pd_field_errors *errs)
{
    *out = 0;
    const char *v = pd_req_query(req, name);
    if (!v || !v[0])
        return true;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 1 || n > 1000) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s phải là số nguyên từ 1 đến 1000", name);
        pd_field_errors_add(errs, name, msg);
        return false;
    }
    *out = (int)n;
    return true;
}

int pd_api_lockdown(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_TRACE, "Tài khoản không được xem đề xuất phong tỏa"))
        return 0;
    pd_lockdown_opts o;
    pd_field_errors errs = {0};
    threshold(req, "area_households", &o.area_households, &errs);
    threshold(req, "commune_areas", &o.commune_areas, &errs);
    if (errs.count > 0)
        return pd_resp_field_errors(resp, &errs);
    char unit[16];
    pd_req_query_copy(req, "unit", unit, sizeof unit);
    json_t *items = json_array();
    pd_err err;
    if (pd_lockdown_suggest(req->db, &req->actor, unit, &o, add_area, items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err_fields(resp, &err, NULL);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}
