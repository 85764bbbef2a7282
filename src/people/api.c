/* HTTP handlers for people and households: JSON in -> people.h -> JSON out. People are written as
 * JSON text directly (http/jsonw.h); households and errors go through jansson. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "http/handlers.h"
#include "people/people.h"
#include "people/unit_cache.h"
#include "units/units.h"

static const char *unit_name(sqlite3 *db, const char *code, pd_unit_info *u)
{
    return code[0] && pd_unit_cache_get(db, code, u) ? u->name : "";
}

/* Writes a person as the API shows it (docs/api.md), with the names of its unit and area. Written
 * as text (http/jsonw.h): lists of people are the hottest answers of the API. */
static void person_write(pd_jw *w, sqlite3 *db, const pd_person *p)
{
    pd_unit_info u;
    pd_jw_object(w);
    pd_jw_kint(w, "id", p->id);
    pd_jw_kstr(w, "full_name", p->full_name);
    pd_jw_kstr(w, "birth_date", p->birth_date);
    pd_jw_kstr(w, "sex", p->sex);
    pd_jw_kstr(w, "id_type", p->id_type);
    pd_jw_kstr(w, "id_number", p->id_number);
    pd_jw_kstr(w, "phone", p->phone);
    pd_jw_kstr(w, "nationality", p->nationality);
    pd_jw_kstr(w, "unit_code", p->unit_code);
    pd_jw_kstr(w, "area_code", p->area_code);
    pd_jw_kstr(w, "address", p->address);
    pd_jw_kstr(w, "relation", p->relation);
    pd_jw_kstr(w, "occupation", p->occupation);
    pd_jw_kstr(w, "note", p->note);
    pd_jw_key(w, "created_at");
    pd_jw_time(w, p->created_at);
    pd_jw_key(w, "updated_at");
    pd_jw_time(w, p->updated_at);
    pd_jw_kint(w, "version", p->version);
    pd_jw_kid(w, "household_id", p->household_id);
    pd_jw_kstr(w, "unit_name", unit_name(db, p->unit_code, &u));
    pd_jw_kstr(w, "area_name", unit_name(db, p->area_code, &u));
    pd_jw_object_end(w);
}

/* {"person": PERSON} */
static int answer_person(pd_resp *resp, int status, sqlite3 *db, const pd_person *p)
{
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "person");
    person_write(&w, db, p);
    pd_jw_object_end(&w);
    return pd_resp_jw(resp, status, &w);
}

typedef struct list_ctx {
    sqlite3 *db;
    pd_jw *items; /* an open JSON array */
    int64_t last_id;
} list_ctx;

static int add_person(const pd_person *p, void *vctx)
{
    list_ctx *c = vctx;
    person_write(c->items, c->db, p);
    c->last_id = p->id;
    return 0;
}

static void read_query(pd_req *req, pd_people_query *q)
{
    memset(q, 0, sizeof *q);
    const char *v;
    if ((v = pd_req_query(req, "q")))
        pd_strlcpy(q->q, v, sizeof q->q);
    if ((v = pd_req_query(req, "unit")))
        pd_strlcpy(q->unit_code, v, sizeof q->unit_code);
    q->household_id = pd_req_query_int(req, "household", 0);
    q->after_id = pd_req_query_int(req, "after", 0);
    q->limit = (int)pd_req_query_int(req, "limit", 50);
}

int pd_api_people_list(pd_req *req, pd_resp *resp)
{
    pd_people_query q;
    read_query(req, &q);
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "items");
    pd_jw_array(&w);
    list_ctx c = {req->db, &w, 0};
    pd_err err;
    bool more = false;
    int64_t total = -1;
    bool capped = false;
    /* The total is counted for the first page only; later pages keep the first answer. A search is
     * counted up to a cap ("nguyen" matches a third of the registry), a plain list exactly. */
    int rc = q.after_id == 0
                 ? pd_people_search(req->db, &req->actor, &q, pd_people_count_cap(&q), add_person,
                                    &c, &more, &total, &capped, &err)
                 : pd_people_list(req->db, &req->actor, &q, add_person, &c, &more, &err);
    if (rc != PD_OK) {
        pd_jw_free(&w);
        return pd_resp_err(resp, &err);
    }
    pd_jw_array_end(&w);
    pd_jw_kid(&w, "next", more ? c.last_id : 0);
    pd_jw_key(&w, "total");
    if (total >= 0)
        pd_jw_int(&w, total);
    else
        pd_jw_null(&w);
    pd_jw_key(&w, "total_capped");
    pd_jw_bool(&w, capped);
    pd_jw_object_end(&w);
    return pd_resp_jw(resp, 200, &w);
}

int pd_api_person_get(pd_req *req, pd_resp *resp)
{
    pd_person p;
    pd_err err;
    if (pd_person_get(req->db, &req->actor, pd_req_param_id(req, 0), &p, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return answer_person(resp, 200, req->db, &p);
}

/* Copies the PERSON fields of a JSON body into p. */
static bool person_from_json(const json_t *b, pd_person *p, pd_resp *resp)
{
    const pd_json_field f[] = {{"full_name", p->full_name, sizeof p->full_name},
                               {"birth_date", p->birth_date, sizeof p->birth_date},
                               {"sex", p->sex, sizeof p->sex},
                               {"id_type", p->id_type, sizeof p->id_type},
                               {"id_number", p->id_number, sizeof p->id_number},
                               {"phone", p->phone, sizeof p->phone},
                               {"nationality", p->nationality, sizeof p->nationality},
                               {"unit_code", p->unit_code, sizeof p->unit_code},
                               {"area_code", p->area_code, sizeof p->area_code},
                               {"address", p->address, sizeof p->address},
                               {"relation", p->relation, sizeof p->relation},
                               {"occupation", p->occupation, sizeof p->occupation},
                               {"note", p->note, sizeof p->note}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return false;
    json_t *hh = json_object_get(b, "household_id");
    if (hh && !json_is_null(hh) && !json_is_integer(hh))
        return pd_resp_error(resp, 400, "invalid", "household_id", "household_id phải là số"),
               false;
    p->household_id = hh ? json_integer_value(hh) : 0;
    json_t *v = json_object_get(b, "version");
    p->version = json_is_integer(v) ? (int)json_integer_value(v) : 0;
    return true;
}

static int answer_write_error(pd_resp *resp, const pd_err *err, const pd_field_errors *errs,
                              const pd_duplicates *dups)
{
    if (err->code == PD_EINVAL && errs->count > 0) {
        json_t *list = json_array();
        for (int i = 0; i < errs->count; i++)
            json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->items[i].field,
                                                  "message", errs->items[i].message));
        pd_resp_error(resp, 400, "invalid", errs->items[0].field, errs->items[0].message);
        json_object_set_new(resp->json, "errors", list);
        return 0;
    }
    if (err->code == PD_ECONFLICT && dups->count > 0) {
        json_t *list = json_array();
        for (int i = 0; i < dups->count; i++)
            json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "person_id",
                                                  (json_int_t)dups->items[i].person_id, "field",
                                                  dups->items[i].field, "full_name",
                                                  dups->items[i].full_name, "unit_code",
                                                  dups->items[i].unit_code));
        pd_resp_error(resp, 409, "duplicate", dups->items[0].field, err->message);
        json_object_set_new(resp->json, "duplicates", list);
        return 0;
    }
    return pd_resp_err(resp, err);
}

static int write_person(pd_req *req, pd_resp *resp, bool create)
{
    json_t *body = pd_req_json(req, resp);
    if (!body)
        return 0;
    pd_person p;
    memset(&p, 0, sizeof p);
    if (!person_from_json(body, &p, resp))
        return 0;
    bool allow = json_is_true(json_object_get(body, "allow_duplicates"));
    pd_field_errors errs = {0};
    pd_duplicates dups = {0};
    pd_err err;
    int rc;
    if (create) {
        rc = pd_person_create(req->db, &req->actor, &p, allow, &errs, &dups, &err);
    } else {
        p.id = pd_req_param_id(req, 0);
        rc = pd_person_update(req->db, &req->actor, &p, allow, &errs, &dups, &err);
    }
    if (rc != PD_OK)
        return answer_write_error(resp, &err, &errs, &dups);
    return answer_person(resp, create ? 201 : 200, req->db, &p);
}

/* A role that may not change people gets 403 whatever the id (docs/api.md: "a role that may not use
 * an endpoint at all gets 403"), before any lookup could answer 404 or the body could answer 400.
 */
static bool may_write(pd_req *req, pd_resp *resp)
{
    if (pd_actor_can(&req->actor, PD_PERM_PEOPLE_WRITE))
        return true;
    if (!pd_actor_can(&req->actor, PD_PERM_PEOPLE_READ))
        pd_resp_error(resp, 403, "denied", "", "Tài khoản không được xem dân cư");
    else
        pd_resp_error(resp, 403, "denied", "", "Tài khoản không được sửa dân cư");
    return false;
}

int pd_api_person_create(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    return write_person(req, resp, true);
}

int pd_api_person_update(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    if (!pd_req_param_id(req, 0))
        return pd_resp_error(resp, 404, "not_found", "id", "Không tìm thấy người này");
    return write_person(req, resp, false);
}

static json_t *household_json(pd_req *req, const pd_household *h)
{
    pd_unit_info u;
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:i}", "id", (json_int_t)h->id, "unit_code", h->unit_code,
        "unit_name", unit_name(req->db, h->unit_code, &u), "area_code", h->area_code, "address",
        h->address, "head_name", h->head_name, "member_count", h->member_count);
    json_object_set_new(j, "head_person_id",
                        h->head_person_id ? json_integer(h->head_person_id) : json_null());
    return j;
}

typedef struct hh_ctx {
    pd_req *req;
    json_t *items;
    int64_t last_id;
} hh_ctx;

static int add_household(const pd_household *h, void *vctx)
{
    hh_ctx *c = vctx;
    json_array_append_new(c->items, household_json(c->req, h));
    c->last_id = h->id;
    return 0;
}

int pd_api_households_list(pd_req *req, pd_resp *resp)
{
    hh_ctx c = {req, json_array(), 0};
    pd_err err;
    bool more;
    if (pd_households_list(
            req->db, &req->actor, pd_req_query(req, "unit"), pd_req_query_int(req, "after", 0),
            (int)pd_req_query_int(req, "limit", 50), add_household, &c, &more, &err) != PD_OK) {
        json_decref(c.items);
        return pd_resp_err(resp, &err);
    }
    json_t *j = json_pack("{s:o}", "items", c.items);
    json_object_set_new(j, "next", more ? json_integer(c.last_id) : json_null());
    return pd_resp_json(resp, 200, j);
}

int pd_api_household_get(pd_req *req, pd_resp *resp)
{
    pd_household h;
    pd_err err;
    if (pd_household_get(req->db, &req->actor, pd_req_param_id(req, 0), &h, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_people_query q = {.household_id = h.id, .limit = 100};
    pd_jw members;
    pd_jw_init(&members);
    pd_jw_array(&members);
    list_ctx c = {req->db, &members, 0};
    bool more;
    if (pd_people_list(req->db, &req->actor, &q, add_person, &c, &more, &err) != PD_OK) {
        pd_jw_free(&members);
        return pd_resp_err(resp, &err);
    }
    pd_jw_array_end(&members);
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "household");
    json_t *hj = household_json(req, &h);
    pd_jw_json(&w, hj);
    json_decref(hj);
    pd_jw_key(&w, "members");
    pd_jw_raw(&w, members.data, members.len);
    pd_jw_free(&members);
    pd_jw_object_end(&w);
    return pd_resp_jw(resp, 200, &w);
}

static bool household_from_json(pd_req *req, pd_resp *resp, pd_household *h)
{
    json_t *body = pd_req_json(req, resp);
    memset(h, 0, sizeof *h);
    if (!body || !pd_json_copy(body, "unit_code", h->unit_code, sizeof h->unit_code, resp) ||
        !pd_json_copy(body, "area_code", h->area_code, sizeof h->area_code, resp) ||
        !pd_json_copy(body, "address", h->address, sizeof h->address, resp))
        return false;
    json_t *head = json_object_get(body, "head_person_id");
    h->head_person_id = json_is_integer(head) ? json_integer_value(head) : 0;
    return true;
}

int pd_api_household_create(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    pd_household h;
    pd_err err;
    if (!household_from_json(req, resp, &h))
        return 0;
    if (pd_household_create(req->db, &req->actor, &h, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_household_get(req->db, &req->actor, h.id, &h, &err);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "household", household_json(req, &h)));
}

int pd_api_household_update(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    pd_household h;
    pd_err err;
    if (!household_from_json(req, resp, &h))
        return 0;
    h.id = pd_req_param_id(req, 0);
    if (pd_household_update(req->db, &req->actor, &h, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_household_get(req->db, &req->actor, h.id, &h, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "household", household_json(req, &h)));
}

int pd_api_household_add_member(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    json_t *body = pd_req_json(req, resp);
    char relation[64];
    if (!body || !pd_json_copy(body, "relation", relation, sizeof relation, resp))
        return 0;
    json_t *pid = json_object_get(body, "person_id");
    if (!json_is_integer(pid))
        return pd_resp_error(resp, 400, "invalid", "person_id", "Thiếu person_id");
    pd_err err;
    if (pd_household_set_member(req->db, &req->actor, pd_req_param_id(req, 0),
                                json_integer_value(pid), relation, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_object());
}

int pd_api_household_remove_member(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    pd_household h;
    pd_person p;
    pd_err err;
    int64_t hid = pd_req_param_id(req, 0), pid = pd_req_param_id(req, 1);
    if (pd_household_get(req->db, &req->actor, hid, &h, &err) != PD_OK ||
        pd_person_get(req->db, &req->actor, pid, &p, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    if (p.household_id != hid)
        return pd_resp_error(resp, 404, "not_found", "person_id", "Người này không thuộc hộ");
    if (pd_household_set_member(req->db, &req->actor, 0, pid, "", &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_object());
}
