/* HTTP handlers for stays of foreigners: JSON in -> stays.h -> JSON out (docs/api.md, "Stays"). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "http/handlers.h"
#include "people/unit_cache.h"
#include "stays/stays.h"

static json_t *stay_json(sqlite3 *db, const pd_stay *s)
{
    pd_unit_info u;
    const char *unit_name = pd_unit_cache_get(db, s->unit_code, &u) ? u.name : "";
    json_t *j = json_pack(
        "{s:I, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id",
        (json_int_t)s->id, "venue_id", (json_int_t)s->venue_id, "venue_name", s->venue_name,
        "venue_address", s->venue_address, "person_id", (json_int_t)s->person_id, "full_name",
        s->full_name, "birth_date", s->birth_date, "sex", s->sex, "passport", s->passport,
        "nationality", s->nationality, "nationality_name", pd_country_name(s->nationality),
        "arrive_date", s->arrive_date, "room", s->room, "unit_code", s->unit_code, "created_at",
        pd_json_time(s->created_at));
    json_object_set_new(j, "unit_name", json_string(unit_name));
    json_object_set_new(j, "leave_date",
                        s->leave_date[0] ? json_string(s->leave_date) : json_null());
    return j;
}

static bool may_read(pd_req *req, pd_resp *resp)
{
    if (pd_actor_can(&req->actor, PD_PERM_STAYS_READ) ||
        pd_actor_can(&req->actor, PD_PERM_STAYS_WRITE))
        return true;
    pd_resp_error(resp, 403, "denied", "", "Tài khoản không được xem khai báo lưu trú");
    return false;
}

static bool may_write(pd_req *req, pd_resp *resp)
{
    if (pd_actor_can(&req->actor, PD_PERM_STAYS_WRITE))
        return true;
    pd_resp_error(resp, 403, "denied", "", "Tài khoản không được đăng ký lưu trú");
    return false;
}

static void read_query(pd_req *req, pd_stays_query *q)
{
    memset(q, 0, sizeof *q);
    pd_req_query_copy(req, "unit", q->unit_code, sizeof q->unit_code);
    pd_req_query_copy(req, "on", q->on, sizeof q->on);
    pd_req_query_copy(req, "from", q->from, sizeof q->from);
    pd_req_query_copy(req, "to", q->to, sizeof q->to);
    pd_req_query_copy(req, "nationality", q->nationality, sizeof q->nationality);
    const char *p = pd_req_query(req, "present");
    q->present = p && (strcmp(p, "1") == 0 || strcmp(p, "true") == 0);
    q->venue_id = pd_req_query_int(req, "venue", 0);
    q->before_id = pd_req_query_int(req, "before", 0);
    q->limit = (int)pd_req_query_int(req, "limit", 50);
}

typedef struct list_ctx {
    sqlite3 *db;
    json_t *items;
    int64_t last_id;
} list_ctx;

static int add_stay(const pd_stay *s, void *vctx)
{
    list_ctx *c = vctx;
    json_array_append_new(c->items, stay_json(c->db, s));
    c->last_id = s->id;
    return 0;
}

int pd_api_stays_list(pd_req *req, pd_resp *resp)
{
    if (!may_read(req, resp))
        return 0;
    pd_stays_query q;
    read_query(req, &q);
    list_ctx c = {req->db, json_array(), 0};
    pd_err err;
    bool more = false;
    int64_t total = -1;
    int rc = pd_stays_list(req->db, &req->actor, &q, add_stay, &c, &more, &err);
    if (rc == PD_OK && q.before_id == 0)
        rc = pd_stays_count(req->db, &req->actor, &q, &total, &err);
    if (rc != PD_OK) {
        json_decref(c.items);
        return pd_resp_err(resp, &err);
    }
    json_t *j = json_pack("{s:o}", "items", c.items);
    json_object_set_new(j, "next", more ? json_integer(c.last_id) : json_null());
    json_object_set_new(j, "total", total >= 0 ? json_integer(total) : json_null());
    return pd_resp_json(resp, 200, j);
}

int pd_api_stay_get(pd_req *req, pd_resp *resp)
{
    if (!may_read(req, resp))
        return 0;
    pd_stay s;
    pd_err err;
    if (pd_stay_get(req->db, &req->actor, pd_req_param_id(req, 0), &s, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "stay", stay_json(req->db, &s)));
}

static bool stay_from_json(pd_req *req, pd_resp *resp, pd_stay *s)
{
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return false;
    memset(s, 0, sizeof *s);
    const pd_json_field f[] = {{"full_name", s->full_name, sizeof s->full_name},
                               {"birth_date", s->birth_date, sizeof s->birth_date},
                               {"sex", s->sex, sizeof s->sex},
                               {"passport", s->passport, sizeof s->passport},
                               {"nationality", s->nationality, sizeof s->nationality},
                               {"arrive_date", s->arrive_date, sizeof s->arrive_date},
                               {"leave_date", s->leave_date, sizeof s->leave_date},
                               {"room", s->room, sizeof s->room}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return false;
    json_t *v = json_object_get(b, "venue_id");
    if (v && !json_is_null(v) && !json_is_integer(v))
        return pd_resp_error(resp, 400, "invalid", "venue_id", "venue_id phải là số"), false;
    s->venue_id = v && json_is_integer(v) ? json_integer_value(v) : 0;
    if (!s->venue_id && req->actor.role == PD_ROLE_VENUE)
        s->venue_id = req->actor.venue_id; /* staff register at their own venue */
    return true;
}

static int answer_invalid(pd_resp *resp, const pd_err *err, const pd_field_errors *errs)
{
    if (err->code != PD_EINVAL || errs->count == 0)
        return pd_resp_err(resp, err);
    json_t *list = json_array();
    for (int i = 0; i < errs->count; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->items[i].field,
                                              "message", errs->items[i].message));
    pd_resp_error(resp, 400, "invalid", errs->items[0].field, errs->items[0].message);
    json_object_set_new(resp->json, "errors", list);
    return 0;
}

int pd_api_stay_create(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    pd_stay s;
    if (!stay_from_json(req, resp, &s))
        return 0;
    pd_field_errors errs = {0};
    pd_err err;
    if (pd_stay_register(req->db, &req->actor, &s, &errs, &err) != PD_OK)
        return answer_invalid(resp, &err, &errs);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "stay", stay_json(req->db, &s)));
}

int pd_api_stay_leave(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    json_t *b = pd_req_json(req, resp);
    char day[16];
    if (!b || !pd_json_copy(b, "leave_date", day, sizeof day, resp))
        return 0;
    pd_stay s;
    pd_err err;
    if (pd_stay_set_leave(req->db, &req->actor, pd_req_param_id(req, 0), day, &s, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "stay", stay_json(req->db, &s)));
}

static int add_venue(const pd_stay_venue *v, void *ctx)
{
    json_array_append_new(ctx,
                          json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)v->id, "name",
                                    v->name, "address", v->address, "unit_code", v->unit_code));
    return 0;
}

int pd_api_stay_venues(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    json_t *items = json_array();
    pd_err err;
    if (pd_stays_venues(req->db, &req->actor, add_venue, items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

typedef struct stays_export {
    sqlite3 *db;
    const pd_actor *actor;
    const pd_stays_query *q;
} stays_export;

static int write_stays(const char *path, void *ctx, pd_err *err)
{
    stays_export *e = ctx;
    int64_t rows;
    return pd_stays_export(e->db, e->actor, e->q, path, &rows, err);
}

int pd_api_stays_xlsx(pd_req *req, pd_resp *resp)
{
    if (!may_read(req, resp))
        return 0;
    pd_stays_query q;
    read_query(req, &q);
    stays_export e = {req->db, &req->actor, &q};
    return pd_resp_export(resp, write_stays, &e, PD_XLSX_TYPE, "khach-luu-tru.xlsx");
}
