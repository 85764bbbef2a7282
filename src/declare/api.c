/* HTTP handlers of the declarations module for signed-in staff: declarations (list, one, declaring
 * for someone), personal QR tokens, the alert worklist, outbreak areas and the dashboard figures.
 * JSON in -> declare.h -> JSON out. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "declare/api_json.h"
#include "declare/declare.h"
#include "http/handlers.h"

/* A role that may not use an endpoint at all gets 403 before any lookup (docs/api.md). */
static bool allowed(pd_req *req, pd_resp *resp, pd_perm a, pd_perm b, const char *message)
{
    if (pd_actor_can(&req->actor, a) || pd_actor_can(&req->actor, b))
        return true;
    pd_resp_error(resp, 403, "denied", "", message);
    return false;
}

/* ---- Declarations -------------------------------------------------------------------------- */

typedef struct list_ctx {
    sqlite3 *db;
    pd_jw *w;
    int64_t last_id;
} list_ctx;

static int add_declaration(const pd_declaration *d, void *vctx)
{
    list_ctx *c = vctx;
    pd_declare_write_declaration(c->w, c->db, d);
    c->last_id = d->id;
    return 0;
}

int pd_api_declarations_list(pd_req *req, pd_resp *resp)
{
    pd_declaration_query q;
    memset(&q, 0, sizeof q);
    pd_req_query_copy(req, "from", q.from, sizeof q.from);
    pd_req_query_copy(req, "to", q.to, sizeof q.to);
    pd_req_query_copy(req, "unit", q.unit_code, sizeof q.unit_code);
    q.symptoms_only = pd_req_query_int(req, "symptoms", 0) != 0;
    q.person_id = pd_req_query_int(req, "person", 0);
    q.before_id = pd_req_query_int(req, "before", 0);
    q.limit = (int)pd_req_query_int(req, "limit", 50);
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "items");
    pd_jw_array(&w);
    list_ctx c = {req->db, &w, 0};
    bool more = false;
    pd_err err;
    if (pd_declarations_list(req->db, &req->actor, &q, add_declaration, &c, &more, &err) != PD_OK) {
        pd_jw_free(&w);
        return pd_resp_err(resp, &err);
    }
    pd_jw_array_end(&w);
    pd_jw_kid(&w, "next", more ? c.last_id : 0);
    pd_jw_object_end(&w);
    return pd_resp_jw(resp, 200, &w);
}

int pd_api_declaration_get(pd_req *req, pd_resp *resp)
{
    pd_declaration *d = malloc(sizeof *d);
    pd_err err;
    if (!d)
        return pd_resp_error(resp, 500, "internal", "", "Hết bộ nhớ");
    int rc = pd_declaration_get(req->db, &req->actor, pd_req_param_id(req, 0), d, &err);
    if (rc != PD_OK) {
        free(d);
        return pd_resp_err(resp, &err);
    }
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "declaration");
    pd_declare_write_declaration(&w, req->db, d);
    pd_jw_object_end(&w);
    free(d);
    return pd_resp_jw(resp, 200, &w);
}

/* POST /api/declarations: staff declaring for someone; "issue_token": true also gives a new QR. */
int pd_api_declaration_create(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_DECLARE_ASSIST, PD_PERM_DECLARE_ASSIST,
                 "Tài khoản không được khai báo hộ"))
        return 0;
    json_t *body = pd_req_json(req, resp);
    pd_declaration_in in;
    if (!body || !pd_declare_from_json(body, false, &in, resp))
        return 0;
    pd_declaration_out out;
    pd_field_errors errs = {0};
    pd_err err;
    if (pd_declare_assist(req->db, &req->actor, &in, &out, &errs, &err) != PD_OK)
        return pd_declare_answer_error(resp, &err, &errs);
    json_t *j = json_pack("{s:I, s:I, s:b, s:b}", "declaration_id", (json_int_t)out.declaration_id,
                          "person_id", (json_int_t)out.person_id, "person_created",
                          out.person_created, "needs_review", out.needs_review);
    json_object_set_new(j, "alert_id", out.alert_id ? json_integer(out.alert_id) : json_null());
    char token[PD_TOKEN_CHARS + 1];
    if (json_is_true(json_object_get(body, "issue_token")) &&
        pd_token_issue(req->db, &req->actor, out.person_id, token, &err) == PD_OK)
        pd_declare_add_token(j, token);
    return pd_resp_json(resp, 201, j);
}

int pd_api_declare_stats(pd_req *req, pd_resp *resp)
{
    pd_declare_stats s;
    pd_err err;
    if (pd_declare_stats_get(req->db, &req->actor, &s, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200,
                        json_pack("{s:I, s:I, s:I}", "open_alerts", (json_int_t)s.open_alerts,
                                  "declarations_today", (json_int_t)s.declarations_today,
                                  "symptoms_today", (json_int_t)s.symptoms_today));
}

/* ---- Personal QR tokens -------------------------------------------------------------------- */

int pd_api_person_token_get(pd_req *req, pd_resp *resp)
{
    int live;
    int64_t last;
    pd_err err;
    if (pd_token_status(req->db, &req->actor, pd_req_param_id(req, 0), &live, &last, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(
        resp, 200, json_pack("{s:i, s:o}", "live", live, "last_issued_at", pd_json_time(last)));
}

int pd_api_person_token_issue(pd_req *req, pd_resp *resp)
{
    char token[PD_TOKEN_CHARS + 1];
    pd_err err;
    if (pd_token_issue(req->db, &req->actor, pd_req_param_id(req, 0), token, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *j = json_object();
    pd_declare_add_token(j, token);
    return pd_resp_json(resp, 201, j);
}

int pd_api_person_token_revoke(pd_req *req, pd_resp *resp)
{
    int revoked;
    pd_err err;
    if (pd_token_revoke_all(req->db, &req->actor, pd_req_param_id(req, 0), &revoked, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:i}", "revoked", revoked));
}

/* ---- Alerts -------------------------------------------------------------------------------- */

static int add_alert(const pd_alert *a, void *vctx)
{
    list_ctx *c = vctx;
    pd_declare_write_alert(c->w, c->db, a);
    c->last_id = a->id;
    return 0;
}

int pd_api_alerts_list(pd_req *req, pd_resp *resp)
{
    pd_alert_query q;
    memset(&q, 0, sizeof q);
    pd_req_query_copy(req, "status", q.status, sizeof q.status);
    pd_req_query_copy(req, "reason", q.reason, sizeof q.reason);
    pd_req_query_copy(req, "unit", q.unit_code, sizeof q.unit_code);
    q.before_id = pd_req_query_int(req, "before", 0);
    q.limit = (int)pd_req_query_int(req, "limit", 50);
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "items");
    pd_jw_array(&w);
    list_ctx c = {req->db, &w, 0};
    bool more = false;
    pd_err err;
    if (pd_alerts_list(req->db, &req->actor, &q, add_alert, &c, &more, &err) != PD_OK) {
        pd_jw_free(&w);
        return pd_resp_err(resp, &err);
    }
    pd_jw_array_end(&w);
    pd_jw_kid(&w, "next", more ? c.last_id : 0);
    pd_jw_object_end(&w);
    return pd_resp_jw(resp, 200, &w);
}

int pd_api_alert_act(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_ALERTS_ACT, PD_PERM_ALERTS_ACT,
                 "Tài khoản không được xử lý cảnh báo"))
        return 0;
    json_t *body = pd_req_json(req, resp);
    char action[32], note[1024];
    if (!body || !pd_json_copy(body, "action", action, sizeof action, resp) ||
        !pd_json_copy(body, "note", note, sizeof note, resp))
        return 0;
    pd_alert *a = malloc(sizeof *a);
    pd_err err;
    if (!a)
        return pd_resp_error(resp, 500, "internal", "", "Hết bộ nhớ");
    if (pd_alert_act(req->db, &req->actor, pd_req_param_id(req, 0), action, note, a, &err) !=
        PD_OK) {
        free(a);
        return pd_resp_err(resp, &err);
    }
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "alert");
    pd_declare_write_alert(&w, req->db, a);
    pd_jw_object_end(&w);
    free(a);
    return pd_resp_jw(resp, 200, &w);
}

/* ---- Outbreak areas ------------------------------------------------------------------------ */

typedef struct outbreak_ctx {
    sqlite3 *db;
    json_t *items;
} outbreak_ctx;

static int add_outbreak(const pd_outbreak_area *a, void *vctx)
{
    outbreak_ctx *c = vctx;
    json_array_append_new(c->items, pd_declare_outbreak_json(c->db, a));
    return 0;
}

int pd_api_outbreak_list(pd_req *req, pd_resp *resp)
{
    outbreak_ctx c = {req->db, json_array()};
    pd_err err;
    bool active = pd_req_query_int(req, "active", 0) != 0;
    if (pd_outbreak_list(req->db, &req->actor, active, add_outbreak, &c, &err) != PD_OK) {
        json_decref(c.items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", c.items));
}

int pd_api_outbreak_add(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_OUTBREAK_WRITE, PD_PERM_OUTBREAK_WRITE,
                 "Tài khoản không được công bố vùng dịch"))
        return 0;
    json_t *body = pd_req_json(req, resp);
    pd_outbreak_area a;
    memset(&a, 0, sizeof a);
    if (!body || !pd_json_copy(body, "unit_code", a.unit_code, sizeof a.unit_code, resp) ||
        !pd_json_copy(body, "from_date", a.from_date, sizeof a.from_date, resp) ||
        !pd_json_copy(body, "to_date", a.to_date, sizeof a.to_date, resp) ||
        !pd_json_copy(body, "note", a.note, sizeof a.note, resp))
        return 0;
    pd_err err;
    if (pd_outbreak_add(req->db, &req->actor, &a, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 201,
                        json_pack("{s:o}", "outbreak_area", pd_declare_outbreak_json(req->db, &a)));
}

int pd_api_outbreak_end(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_OUTBREAK_WRITE, PD_PERM_OUTBREAK_WRITE,
                 "Tài khoản không được công bố vùng dịch"))
        return 0;
    char to[16] = "";
    json_t *body = req->body_len ? pd_req_json(req, resp) : NULL;
    if (req->body_len && (!body || !pd_json_copy(body, "to_date", to, sizeof to, resp)))
        return 0;
    pd_outbreak_area a;
    pd_err err;
    if (pd_outbreak_end(req->db, &req->actor, pd_req_param_id(req, 0), to, &a, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200,
                        json_pack("{s:o}", "outbreak_area", pd_declare_outbreak_json(req->db, &a)));
}
