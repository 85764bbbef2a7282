/* HTTP handlers for the hand-off lists (JSON grouped by commune or thôn/tổ, and XLSX) and the
 * chains of transmission (docs/api.md, "Cases and tracing"). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/text.h"
#include "http/handlers.h"
#include "people/unit_cache.h"
#include "trace/handoff.h"
#include "trace/trace_json.h"

static bool read_handoff_query(pd_req *req, pd_resp *resp, pd_handoff_query *q)
{
    memset(q, 0, sizeof *q);
    pd_req_query_copy(req, "unit", q->unit_code, sizeof q->unit_code);
    q->level = (int)pd_req_query_int(req, "level", 0);
    q->case_id = pd_req_query_int(req, "case", 0);
    const char *group = pd_req_query(req, "group");
    q->by_area = group && strcmp(group, "area") == 0;
    if (q->level < 0 || q->level > 2) {
        pd_resp_error(resp, 400, "invalid", "level", "Mức tiếp xúc phải là 1 hoặc 2");
        return false;
    }
    return true;
}

typedef struct groups_ctx {
    sqlite3 *db;
    bool by_area;
    json_t *groups, *items;
    char key[40];
    bool failed;
} groups_ctx;

static void open_group(groups_ctx *g, const pd_handoff_row *r)
{
    const char *code = g->by_area && *r->area_code ? r->area_code : r->unit_code;
    pd_unit_info u, commune;
    char name[300];
    const char *commune_name =
        pd_unit_cache_get(g->db, r->unit_code, &commune) ? commune.name : r->unit_code;
    if (g->by_area && *r->area_code && pd_unit_cache_get(g->db, r->area_code, &u))
        snprintf(name, sizeof name, "%s, %s", u.name, commune_name);
    else if (g->by_area)
        snprintf(name, sizeof name, "Chưa rõ thôn/tổ, %s", commune_name);
    else
        snprintf(name, sizeof name, "%s", commune_name);
    g->items = json_array();
    json_array_append_new(g->groups, json_pack("{s:s, s:s, s:o}", "unit_code", code, "name", name,
                                               "items", g->items));
}

static int add_row(const pd_handoff_row *r, void *vctx)
{
    groups_ctx *g = vctx;
    char key[40];
    snprintf(key, sizeof key, "%s/%s", r->unit_code, g->by_area ? r->area_code : "");
    if (!g->items || strcmp(key, g->key) != 0) {
        open_group(g, r);
        snprintf(g->key, sizeof g->key, "%s", key);
    }
    json_t *ev = json_loads(r->evidence ? r->evidence : "[]", 0, NULL);
    pd_trace_contact_in in = {r->case_id,
                              r->person_id,
                              r->level,
                              r->via_person_id,
                              r->exposure_at,
                              ev,
                              (int64_t)json_array_size(ev)};
    json_t *c = pd_trace_contact_json(g->db, &in);
    json_decref(ev);
    if (!c) {
        g->failed = true;
        return 1;
    }
    json_object_set_new(c, "case_id", json_integer(r->case_id));
    json_object_set_new(c, "case_name", json_string(r->case_name));
    json_array_append_new(g->items, c);
    return 0;
}

int pd_api_handoff(pd_req *req, pd_resp *resp)
{
    pd_handoff_query q;
    if (!read_handoff_query(req, resp, &q))
        return 0;
    groups_ctx g = {.db = req->db, .by_area = q.by_area, .groups = json_array()};
    pd_err err;
    if (pd_handoff_list(req->db, &req->actor, &q, add_row, &g, &err) != PD_OK) {
        json_decref(g.groups);
        return pd_resp_err(resp, &err);
    }
    if (g.failed) {
        json_decref(g.groups);
        return pd_resp_error(resp, 500, "db", "", "Lỗi đọc dữ liệu");
    }
    pd_audit_read(req->db, &req->actor, "handoff", q.case_id, q.unit_code, "list");
    return pd_resp_json(resp, 200, json_pack("{s:o}", "groups", g.groups));
}

typedef struct handoff_export {
    sqlite3 *db;
    const pd_actor *actor;
    const pd_handoff_query *q;
} handoff_export;

static int write_handoff(const char *path, void *ctx, pd_err *err)
{
    handoff_export *e = ctx;
    int64_t rows;
    return pd_handoff_export(e->db, e->actor, e->q, path, &rows, err);
}

int pd_api_handoff_xlsx(pd_req *req, pd_resp *resp)
{
    pd_handoff_query q;
    if (!read_handoff_query(req, resp, &q))
        return 0;
    handoff_export e = {req->db, &req->actor, &q};
    return pd_resp_export(resp, write_handoff, &e, PD_XLSX_TYPE, "danh-sach-f1-f2.xlsx");
}

int pd_api_chains(pd_req *req, pd_resp *resp)
{
    pd_chains_query q;
    memset(&q, 0, sizeof q);
    pd_req_query_copy(req, "unit", q.unit_code, sizeof q.unit_code);
    pd_req_query_copy(req, "from", q.from, sizeof q.from);
    pd_req_query_copy(req, "to", q.to, sizeof q.to);
    q.limit = (int)pd_req_query_int(req, "limit", 5000);
    json_t *cases = json_array(), *contacts = json_array();
    bool truncated = false;
    pd_err err;
    if (pd_chains_read(req->db, &req->actor, &q, cases, contacts, &truncated, &err) != PD_OK) {
        json_decref(cases);
        json_decref(contacts);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(
        resp, 200,
        json_pack("{s:o, s:o, s:b}", "cases", cases, "contacts", contacts, "truncated", truncated));
}
