/* HTTP handlers of vaccination: JSON in -> vaccination.h -> JSON out (docs/vaccination.md).
 * Personal data need vaccination.read/write; coverage figures risk.read or vaccination.read; the
 * domain functions check scope (a person outside it answers 404 like a missing one). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "vaccination/api.h"

static bool allowed(pd_req *req, pd_resp *resp, pd_perm perm)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "",
                  perm == PD_PERM_VACCINATION_WRITE
                      ? "Tài khoản không được cập nhật thông tin tiêm chủng"
                      : "Tài khoản không được xem thông tin tiêm chủng");
    return false;
}

/* ---- reference data ---- */

static int add_product(const pd_vaccine_product *p, void *ctx)
{
    json_array_append_new(
        ctx, json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:s}", "code", p->code, "name", p->name,
                       "manufacturer", p->manufacturer, "doses_in_primary", p->doses_in_primary,
                       "min_interval_days", p->min_interval_days, "recommended_interval_days",
                       p->recommended_interval_days, "max_interval_days", p->max_interval_days,
                       "basis", p->basis));
    return 0;
}

int pd_api_vacc_products(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_RISK_READ) &&
        !allowed(req, resp, PD_PERM_VACCINATION_READ))
        return 0;
    json_t *items = json_array();
    pd_err err;
    if (pd_vaccine_products(req->db, add_product, items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

static int add_group(const pd_priority_group *g, void *ctx)
{
    json_array_append_new(ctx, json_pack("{s:s, s:i, s:s, s:s}", "code", g->code, "number",
                                         g->number, "name", g->name, "basis", g->basis));
    return 0;
}

int pd_api_vacc_groups(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_RISK_READ) &&
        !allowed(req, resp, PD_PERM_VACCINATION_READ))
        return 0;
    json_t *items = json_array();
    pd_err err;
    pd_priority_groups(req->db, add_group, items, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* ---- a person ---- */

static int add_dose(const pd_dose *d, void *ctx)
{
    json_array_append_new(ctx, pd_vacc_dose_json(d));
    return 0;
}

static int add_deferral(const pd_deferral *d, void *ctx)
{
    json_t *j =
        json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "kind", d->kind, "reason", d->reason);
    json_object_set_new(j, "until_date",
                        d->until_date[0] ? json_string(d->until_date) : json_null());
    json_array_append_new(ctx, j);
    return 0;
}

/* {"person_id","doses","next","groups","deferrals"} of a person the caller may read. */
static json_t *person_json(pd_req *req, int64_t id, pd_err *err)
{
    json_t *doses = json_array(), *deferrals = json_array(), *groups = json_array();
    char codes[PD_MAX_GROUPS][8];
    int n = 0;
    pd_next_dose next;
    int rc = pd_person_doses(req->db, &req->actor, id, add_dose, doses, err);
    if (rc == PD_OK)
        rc = pd_person_groups_get(req->db, &req->actor, id, codes, &n, err);
    if (rc == PD_OK)
        rc = pd_person_deferrals(req->db, &req->actor, id, add_deferral, deferrals, err);
    if (rc == PD_OK)
        rc = pd_dose_next(req->db, id, &next, err);
    for (int i = 0; i < n; i++)
        json_array_append_new(groups, json_string(codes[i]));
    json_t *j = json_pack("{s:I, s:o, s:o, s:o}", "person_id", (json_int_t)id, "doses", doses,
                          "groups", groups, "deferrals", deferrals);
    if (rc != PD_OK) {
        json_decref(j);
        return NULL;
    }
    json_object_set_new(j, "next", pd_vacc_next_json(&next));
    return j;
}

int pd_api_vacc_person(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_READ))
        return 0;
    pd_err err;
    json_t *j = person_json(req, pd_req_param_id(req, 0), &err);
    return j ? pd_resp_json(resp, 200, j) : pd_resp_err(resp, &err);
}

int pd_api_vacc_person_groups(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    json_t *list = json_object_get(b, "groups");
    if (!json_is_array(list) || json_array_size(list) > PD_MAX_GROUPS)
        return pd_resp_error(resp, 400, "invalid", "groups",
                             "groups phải là danh sách mã nhóm ưu tiên (tối đa 10)");
    const char *codes[PD_MAX_GROUPS];
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        if (!json_is_string(v))
            return pd_resp_error(resp, 400, "invalid", "groups", "Mã nhóm phải là chuỗi");
        codes[i] = json_string_value(v);
    }
    pd_err err;
    int64_t id = pd_req_param_id(req, 0);
    if (pd_person_groups_set(req->db, &req->actor, id, codes, (int)json_array_size(list), &err) !=
        PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    json_t *j = person_json(req, id, &err);
    return j ? pd_resp_json(resp, 200, j) : pd_resp_err(resp, &err);
}

int pd_api_vacc_deferral_add(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_deferral d;
    memset(&d, 0, sizeof d);
    d.person_id = pd_req_param_id(req, 0);
    const pd_json_field fields[] = {{"kind", d.kind, sizeof d.kind},
                                    {"reason", d.reason, sizeof d.reason},
                                    {"until_date", d.until_date, sizeof d.until_date}};
    if (!pd_json_copy_fields(b, fields, 3, resp))
        return 0;
    pd_err err;
    if (pd_deferral_add(req->db, &req->actor, &d, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return pd_resp_json(resp, 201, json_pack("{s:I}", "id", (json_int_t)d.id));
}

/* ---- doses ---- */

static bool body_int(const json_t *b, const char *key, int64_t *out, pd_resp *resp)
{
    json_t *v = json_object_get(b, key);
    *out = 0;
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = json_integer_value(v);
        return true;
    }
    const char *s = json_string_value(v);
    if (s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 18) {
        *out = strtoll(s, NULL, 10);
        return true;
    }
    char msg[128];
    snprintf(msg, sizeof msg, "Trường %s phải là số nguyên dương", key);
    pd_resp_error(resp, 400, "invalid", key, msg);
    return false;
}

int pd_api_vacc_dose_add(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_dose_in in;
    memset(&in, 0, sizeof in);
    int64_t number = 0;
    const pd_json_field fields[] = {{"product_code", in.product_code, sizeof in.product_code},
                                    {"kind", in.kind, sizeof in.kind},
                                    {"given_on", in.given_on, sizeof in.given_on},
                                    {"lot", in.lot, sizeof in.lot},
                                    {"place", in.place, sizeof in.place}};
    if (!body_int(b, "person_id", &in.person_id, resp) ||
        !body_int(b, "session_id", &in.session_id, resp) ||
        !body_int(b, "dose_number", &number, resp) || !pd_json_copy_fields(b, fields, 5, resp))
        return 0;
    in.dose_number = number > 100 ? 100 : (int)number;
    pd_dose d;
    pd_err err;
    if (pd_dose_record(req->db, &req->actor, &in, &d, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    pd_next_dose next;
    json_t *j = json_pack("{s:o}", "dose", pd_vacc_dose_json(&d));
    if (pd_dose_next(req->db, d.person_id, &next, &err) == PD_OK)
        json_object_set_new(j, "next", pd_vacc_next_json(&next));
    return pd_resp_json(resp, 201, j);
}

/* ---- sessions ---- */

static int add_session(const pd_vsession *s, void *ctx)
{
    json_array_append_new(ctx, pd_vacc_session_json(s));
    return 0;
}

int pd_api_vacc_sessions(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_READ))
        return 0;
    json_t *items = json_array();
    pd_err err;
    if (pd_vsessions_list(req->db, &req->actor, pd_req_query(req, "unit"),
                          (int)pd_req_query_int(req, "limit", 100), add_session, items,
                          &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

int pd_api_vacc_session_add(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_vsession s;
    memset(&s, 0, sizeof s);
    const pd_json_field fields[] = {{"site", s.site, sizeof s.site},
                                    {"session_date", s.session_date, sizeof s.session_date},
                                    {"product_code", s.product_code, sizeof s.product_code},
                                    {"lot", s.lot, sizeof s.lot},
                                    {"team", s.team, sizeof s.team},
                                    {"unit_code", s.unit_code, sizeof s.unit_code}};
    if (!pd_json_copy_fields(b, fields, 6, resp))
        return 0;
    pd_err err;
    if (pd_vsession_create(req->db, &req->actor, &s, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "session", pd_vacc_session_json(&s)));
}

/* ---- lists ---- */

static void read_list_query(pd_req *req, const char *list, pd_vlist_query *q)
{
    memset(q, 0, sizeof *q);
    pd_strlcpy(q->list, list, sizeof q->list);
    pd_req_query_copy(req, "unit", q->unit_code, sizeof q->unit_code);
    pd_req_query_copy(req, "group", q->group, sizeof q->group);
    pd_req_query_copy(req, "date", q->date, sizeof q->date);
    q->min_age = (int)pd_req_query_int(req, "min_age", 18);
    q->after_id = pd_req_query_int(req, "after", 0);
    q->limit = (int)pd_req_query_int(req, "limit", 100);
}

typedef struct list_ctx {
    json_t *items;
    int64_t last;
} list_ctx;

static int add_item(const pd_vlist_item *it, void *vctx)
{
    list_ctx *l = vctx;
    json_array_append_new(l->items, pd_vacc_item_json(it));
    l->last = it->person_id;
    return 0;
}

int pd_api_vacc_list(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_READ))
        return 0;
    pd_vlist_query q;
    read_list_query(req, req->params[0], &q);
    list_ctx l = {json_array(), 0};
    bool more = false;
    pd_err err;
    if (pd_vlist(req->db, &req->actor, &q, add_item, &l, &more, &err) != PD_OK) {
        json_decref(l.items);
        return pd_resp_err_fields(resp, &err, NULL);
    }
    json_t *j = json_pack("{s:o}", "items", l.items);
    json_object_set_new(j, "next", more ? json_integer(l.last) : json_null());
    return pd_resp_json(resp, 200, j);
}

typedef struct invitations_export {
    sqlite3 *db;
    const pd_actor *actor;
    const pd_vlist_query *q;
} invitations_export;

static int write_invitations(const char *path, void *ctx, pd_err *err)
{
    invitations_export *e = ctx;
    int64_t rows;
    return pd_vlist_export(e->db, e->actor, e->q, path, &rows, err);
}

int pd_api_vacc_invitations_xlsx(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_READ))
        return 0;
    pd_vlist_query q;
    const char *list = pd_req_query(req, "list");
    read_list_query(req, list ? list : "due", &q);
    invitations_export e = {req->db, &req->actor, &q};
    return pd_resp_export(resp, write_invitations, &e, PD_XLSX_TYPE, "giay-moi-tiem.xlsx");
}

/* ---- import ---- */

int pd_api_vacc_import(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_VACCINATION_WRITE))
        return 0;
    if (!req->upload_path)
        return pd_resp_error(resp, 400, "invalid", "file", "Chưa gửi tệp");
    const char *format = pd_req_query(req, "format");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
        return pd_resp_error(resp, 400, "invalid", "format", "Định dạng phải là csv hoặc xlsx");
    pd_vimport_report *rep = calloc(1, sizeof *rep);
    if (!rep)
        return pd_resp_error(resp, 500, "io", "", "Hết bộ nhớ");
    pd_err err;
    int rc = pd_vaccination_import(req->db, &req->actor, req->upload_path, format, rep, &err);
    json_t *report = pd_vacc_report_json(rep);
    free(rep);
    if (rc == PD_OK)
        return pd_resp_json(resp, 200, json_pack("{s:o}", "report", report));
    pd_resp_err(resp, &err);
    json_object_set_new(resp->json, "report", report);
    return 0;
}

/* ---- coverage ---- */

int pd_api_vacc_coverage(pd_req *req, pd_resp *resp)
{
    pd_err err;
    json_t *j = pd_vacc_coverage_json(req->db, &req->actor, pd_req_query(req, "unit"),
                                      pd_req_query(req, "date"), pd_req_query(req, "by"), &err);
    return j ? pd_resp_json(resp, 200, j) : pd_resp_err(resp, &err);
}

int pd_api_vacc_weekly(pd_req *req, pd_resp *resp)
{
    pd_err err;
    json_t *j = pd_vacc_weekly_json(req->db, &req->actor, pd_req_query(req, "unit"),
                                    pd_req_query(req, "from"), pd_req_query(req, "to"), &err);
    return j ? pd_resp_json(resp, 200, j) : pd_resp_err(resp, &err);
}
