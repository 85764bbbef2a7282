/* HTTP handlers for tracing (docs/api.md, "Cases and tracing"): run a trace, read a case's saved
 * contacts and possible sources, the chains of transmission for the graph. The hand-off lists
 * are in handoff_api.c. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "cases/cases.h"
#include "http/handlers.h"
#include "store/db.h"
#include "trace/trace_json.h"

#define SOURCES_MAX 20

static bool may(pd_req *req, pd_resp *resp, pd_perm perm)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "", "Tài khoản không được dùng chức năng truy vết");
    return false;
}

/* The case of the path, checked to lie in the caller's scope; false with resp filled if not. */
static bool case_in_scope(pd_req *req, pd_resp *resp, pd_case *c)
{
    pd_err err;
    long long id = pd_req_param_id(req, 0);
    if (id <= 0) {
        pd_resp_error(resp, 404, "not_found", "", "Không tìm thấy ca bệnh");
        return false;
    }
    if (pd_case_get(req->db, &req->actor, id, c, &err) != PD_OK) {
        pd_resp_err(resp, &err);
        return false;
    }
    return true;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Keeps the contacts of a trace's answer that live in the caller's scope. */
static void keep_in_scope(sqlite3 *db, const pd_actor *actor, json_t *list)
{
    for (size_t i = json_array_size(list); i-- > 0;) {
        pd_trace_person p;
        json_int_t id = json_integer_value(json_object_get(json_array_get(list, i), "person_id"));
        if (pd_trace_person_read(db, id, &p) != 1 ||
            !pd_scope_covers(actor, p.province_code, p.district_code, p.unit_code))
            json_array_remove(list, i);
    }
}

int pd_api_case_trace(pd_req *req, pd_resp *resp)
{
    pd_case c;
    if (!may(req, resp, PD_PERM_TRACE) || !case_in_scope(req, resp, &c))
        return 0;
    json_t *body = pd_req_json(req, resp);
    if (!body)
        return 0;
    json_int_t minutes = json_integer_value(json_object_get(body, "min_overlap_minutes"));
    json_t *save_j = json_object_get(body, "save");
    bool save = !json_is_false(save_j); /* the body belongs to the request */
    if (minutes < 0 || minutes > 240)
        return pd_resp_error(resp, 400, "invalid", "min_overlap_minutes",
                             "Thời gian tiếp xúc tối thiểu phải từ 0 đến 240 phút");
    pd_trace_opts opts = {.min_overlap_s = (int)minutes * 60};
    pd_trace_result r;
    int64_t added = 0;
    pd_err err;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pd_trace_case_now(req->db, &req->actor, c.id, &opts, save, &r, &added, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    double elapsed = ms_since(&t0);
    json_t *out = pd_trace_result_json(req->db, &r);
    keep_in_scope(req->db, &req->actor, json_object_get(out, "f1"));
    keep_in_scope(req->db, &req->actor, json_object_get(out, "f2"));
    json_object_set_new(out, "f1_total", json_integer((json_int_t)r.f1_count));
    json_object_set_new(out, "f2_total", json_integer((json_int_t)r.f2_count));
    json_object_set_new(out, "added", json_integer(added));
    json_object_set_new(out, "elapsed_ms", json_real(elapsed));
    pd_trace_result_free(&r);
    return pd_resp_json(resp, 200, out);
}

/* The saved contacts of case_id at level (0 both) in the caller's scope, into f1 and f2. */
static int saved_contacts(pd_req *req, int64_t case_id, int level, json_t *f1, json_t *f2,
                          pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_prepare(req->db,
                      "SELECT person_id, level, coalesce(via_person_id, 0), exposure_at, evidence,"
                      " province_code, district_code, unit_code FROM contacts WHERE case_id = ?1"
                      " AND (?2 = 0 OR level = ?2) ORDER BY level, exposure_at, person_id",
                      err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int(st, 2, level);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!pd_scope_covers(&req->actor, (const char *)sqlite3_column_text(st, 5),
                             (const char *)sqlite3_column_text(st, 6),
                             (const char *)sqlite3_column_text(st, 7)))
            continue;
        json_t *ev = json_loads((const char *)sqlite3_column_text(st, 4), 0, NULL);
        pd_trace_contact_in in = {case_id,
                                  sqlite3_column_int64(st, 0),
                                  sqlite3_column_int(st, 1),
                                  sqlite3_column_int64(st, 2),
                                  sqlite3_column_int64(st, 3),
                                  ev,
                                  (int64_t)json_array_size(ev)};
        json_t *cj = pd_trace_contact_json(req->db, &in);
        json_decref(ev);
        if (cj)
            json_array_append_new(in.level == 1 ? f1 : f2, cj);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(req->db));
}

int pd_api_case_contacts(pd_req *req, pd_resp *resp)
{
    pd_case c;
    if (!may(req, resp, PD_PERM_CASES_READ) || !case_in_scope(req, resp, &c))
        return 0;
    int level = (int)pd_req_query_int(req, "level", 0);
    if (level < 0 || level > 2)
        return pd_resp_error(resp, 400, "invalid", "level", "Mức tiếp xúc phải là 1 hoặc 2");
    json_t *f1 = json_array(), *f2 = json_array();
    pd_err err;
    if (saved_contacts(req, c.id, level, f1, f2, &err) != 0) {
        json_decref(f1);
        json_decref(f2);
        return pd_resp_err(resp, &err);
    }
    pd_audit_read(req->db, &req->actor, "case_contacts", c.id, c.unit_code, "");
    return pd_resp_json(resp, 200,
                        json_pack("{s:I, s:o, s:o}", "case", (json_int_t)c.id, "f1", f1, "f2", f2));
}

static json_t *source_json(pd_req *req, const pd_source *s)
{
    pd_case src;
    pd_err err;
    bool visible = pd_case_get(req->db, &req->actor, s->case_id, &src, &err) == PD_OK;
    char at[40] = "";
    if (visible)
        pd_format_local(src.confirmed_at, at, sizeof at);
    return json_pack("{s:I, s:I, s:s, s:o, s:b, s:b, s:i, s:I, s:f}", "case_id",
                     (json_int_t)s->case_id, "person_id", (json_int_t)s->person_id, "full_name",
                     visible ? src.full_name : "", "confirmed_at",
                     visible ? json_string(at) : json_null(), "household", s->household,
                     "listed_contact", s->listed_contact, "episodes", s->episodes, "shared_minutes",
                     (json_int_t)(s->shared_seconds / 60), "score", s->score);
}

int pd_api_case_sources(pd_req *req, pd_resp *resp)
{
    pd_case c;
    if (!may(req, resp, PD_PERM_CASES_READ) || !case_in_scope(req, resp, &c))
        return 0;
    pd_source sources[SOURCES_MAX];
    size_t n = 0;
    pd_err err;
    if (pd_trace_sources_now(req->db, c.id, sources, SOURCES_MAX, &n, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, source_json(req, &sources[i]));
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}
