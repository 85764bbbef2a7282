/* HTTP handlers of pooled testing, the pool-size advisor and its setting, re-tests and screening
 * campaigns (docs/lab.md). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/qr.h"
#include "base/text.h"
#include "lab/api.h"
#include "lab/api_common.h"

/* ---- pool-size advisor and setting ---- */

static bool parse_prevalence(const char *s, double *p)
{
    if (!s || !s[0])
        return false;
    char *end;
    double v = strtod(s, &end);
    if (*end == '%') {
        v /= 100.0;
        end++;
    }
    *p = v;
    return *end == '\0' && v > 0.0 && v < 1.0;
}

int pd_api_lab_pool_size(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    double p;
    if (!parse_prevalence(pd_req_query(req, "prevalence"), &p))
        return pd_resp_error(resp, 400, "invalid", "prevalence",
                             "Tỷ lệ dương tính phải lớn hơn 0 và nhỏ hơn 1 (vd. 0.02 hoặc 2%)");
    int max = pd_lab_pool_max(req->db);
    double e = 1.0;
    int k = pd_lab_pool_advise(p, max, &e);
    json_t *table = json_array();
    for (int i = 1; i <= max; i++)
        json_array_append_new(
            table, json_pack("{s:i, s:f}", "k", i, "tests_per_person", pd_lab_dorfman(i, p)));
    return pd_resp_json(resp, 200,
                        json_pack("{s:i, s:f, s:f, s:i, s:o}", "pool_size", k, "tests_per_person",
                                  e, "prevalence", p, "max_pool_size", max, "table", table));
}

static json_t *settings_json(pd_req *req)
{
    return json_pack("{s:i, s:i, s:i}", "pool_max", pd_lab_pool_max(req->db), "pool_default_max",
                     PD_LAB_POOL_DEFAULT_MAX, "pool_hard_max", PD_LAB_POOL_HARD_MAX);
}

int pd_api_lab_settings_get(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    return pd_resp_json(resp, 200, settings_json(req));
}

int pd_api_lab_settings_put(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    json_t *v = json_object_get(b, "pool_max");
    pd_err err;
    if (!json_is_integer(v))
        return pd_resp_error(resp, 400, "invalid", "pool_max", "Cỡ gộp mẫu tối đa phải là số");
    if (pd_lab_set_pool_max(req->db, &req->actor, (int)json_integer_value(v), &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return pd_resp_json(resp, 200, settings_json(req));
}

/* ---- pools ---- */

typedef struct list_ctx {
    json_t *items;
    int64_t last_id;
} list_ctx;

static int add_pool(const pd_pool *p, void *vctx)
{
    list_ctx *l = vctx;
    json_array_append_new(l->items, pd_lab_pool_json(p));
    l->last_id = p->id;
    return 0;
}

int pd_api_lab_pools_list(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    list_ctx l = {json_array(), 0};
    bool more = false;
    pd_err err;
    if (pd_pools_list(req->db, &req->actor, pd_req_query_int(req, "before", 0),
                      (int)pd_req_query_int(req, "limit", 50), add_pool, &l, &more,
                      &err) != PD_OK) {
        json_decref(l.items);
        return pd_resp_err(resp, &err);
    }
    json_t *j = json_pack("{s:o}", "items", l.items);
    json_object_set_new(j, "next", more ? json_integer(l.last_id) : json_null());
    return pd_resp_json(resp, 200, j);
}

static json_t *qr_of(const char *text)
{
    pd_buf b;
    pd_buf_init(&b);
    pd_err err;
    json_t *j = pd_qr_svg(text, 4, &b, &err) == PD_OK ? json_string(b.data) : json_null();
    pd_buf_free(&b);
    return j;
}

static int add_member(const pd_sample *s, void *ctx)
{
    json_t *j = pd_lab_sample_json(s);
    json_object_set_new(j, "qr_svg", qr_of(s->label));
    json_array_append_new(ctx, j);
    return 0;
}

/* {"pool","qr_svg","members":[SAMPLE + qr_svg]}: what the label page prints. */
static int answer_pool(pd_req *req, pd_resp *resp, int64_t id, int status)
{
    pd_pool p;
    pd_err err;
    if (pd_pool_get(req->db, &req->actor, id, &p, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_samples_query q;
    memset(&q, 0, sizeof q);
    q.pool_id = p.id;
    q.limit = PD_LAB_POOL_HARD_MAX;
    json_t *members = json_array();
    bool more;
    if (pd_samples_list(req->db, &req->actor, &q, add_member, members, &more, &err) != PD_OK) {
        json_decref(members);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, status,
                        json_pack("{s:o, s:o, s:o}", "pool", pd_lab_pool_json(&p), "qr_svg",
                                  qr_of(p.label), "members", members));
}

int pd_api_lab_pool_get(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    return answer_pool(req, resp, pd_req_param_id(req, 0), 200);
}

/* The ids of an array member; false (and 400) when it is not an array of positive ids. */
static bool id_array(pd_resp *resp, const json_t *b, const char *field, int64_t **ids, int *n)
{
    json_t *a = json_object_get(b, field);
    *ids = NULL;
    *n = 0;
    if (!a)
        return true;
    size_t count = json_array_size(a);
    if (!json_is_array(a) || count == 0 || count > 10000) {
        pd_resp_error(resp, 400, "invalid", field, "Danh sách phải có từ 1 đến 10.000 mã số");
        return false;
    }
    *ids = calloc(count, sizeof **ids);
    for (size_t i = 0; *ids && i < count; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0) {
            free(*ids);
            *ids = NULL;
            pd_resp_error(resp, 400, "invalid", field, "Mỗi phần tử phải là mã số nguyên dương");
            return false;
        }
        (*ids)[i] = json_integer_value(v);
    }
    *n = (int)count;
    return *ids != NULL;
}

static int create_for_people(pd_req *req, pd_resp *resp, const json_t *b, int64_t *people, int n)
{
    char reason[16] = "";
    if (!pd_json_copy(b, "reason", reason, sizeof reason, resp))
        return 0;
    json_t *size = json_object_get(b, "size");
    pd_field_errors errs = {0};
    int64_t campaign = 0;
    if (!pd_body_id(b, "campaign_id", &campaign, &errs))
        return pd_resp_field_errors(resp, &errs);
    int64_t pools[1000];
    int npools = 0;
    pd_err err;
    if (pd_pool_create_for(req->db, &req->actor, people, n,
                           json_is_integer(size) ? (int)json_integer_value(size) : 0, reason,
                           campaign, pools, 1000, &npools, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    json_t *items = json_array();
    for (int i = 0; i < npools; i++) {
        pd_pool p;
        if (pd_pool_get(req->db, &req->actor, pools[i], &p, &err) == PD_OK)
            json_array_append_new(items, pd_lab_pool_json(&p));
    }
    return pd_resp_json(resp, 201, json_pack("{s:o}", "pools", items));
}

int pd_api_lab_pool_create(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    int64_t *ids = NULL, *people = NULL;
    int n = 0, np = 0;
    if (!id_array(resp, b, "sample_ids", &ids, &n) ||
        !id_array(resp, b, "person_ids", &people, &np))
        return free(ids), 0;
    int rc = 0;
    if (people) {
        rc = create_for_people(req, resp, b, people, np);
    } else if (!ids) {
        rc = pd_resp_error(resp, 400, "invalid", "sample_ids", "Chưa chọn mẫu để gộp");
    } else {
        pd_pool p;
        pd_err err;
        rc = pd_pool_create(req->db, &req->actor, ids, n, &p, &err) != PD_OK
                 ? pd_resp_err_fields(resp, &err, NULL)
                 : answer_pool(req, resp, p.id, 201);
    }
    free(ids);
    free(people);
    return rc;
}

int pd_api_lab_pool_result(pd_req *req, pd_resp *resp)
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
    if (pd_pool_result(req->db, &req->actor, id, result, at, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, NULL);
    return answer_pool(req, resp, id, 200);
}

static int add_retest(const pd_retest *r, void *ctx)
{
    json_array_append_new(
        ctx, json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:o}", "id",
                       (json_int_t)r->id, "pool_id", (json_int_t)r->pool_id, "pool_label",
                       r->pool_label, "person_id", (json_int_t)r->person_id, "full_name",
                       r->full_name, "phone", r->phone, "unit_code", r->unit_code, "due_on",
                       r->due_on, "from_sample_id", (json_int_t)r->from_sample_id, "sample_id",
                       r->sample_id ? json_integer(r->sample_id) : json_null()));
    return 0;
}

int pd_api_lab_retests(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    json_t *items = json_array();
    pd_err err;
    if (pd_lab_retests(req->db, &req->actor, pd_req_query_int(req, "all", 0) != 0, add_retest,
                       items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* ---- campaigns ---- */

static int add_campaign(const pd_campaign *c, void *ctx)
{
    json_array_append_new(ctx, pd_lab_campaign_json(c));
    return 0;
}

int pd_api_lab_campaigns_list(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    json_t *items = json_array();
    pd_err err;
    if (pd_campaigns_list(req->db, &req->actor, add_campaign, items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

static int add_due(const pd_campaign_person *p, void *ctx)
{
    json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o}", "person_id", (json_int_t)p->person_id,
                       "full_name", p->full_name, "phone", p->phone, "unit_code", p->unit_code,
                       "sample_id", p->sample_id ? json_integer(p->sample_id) : json_null(),
                       "result", p->result[0] ? json_string(p->result) : json_null()));
    return 0;
}

static int answer_campaign(pd_req *req, pd_resp *resp, int64_t id, int status)
{
    pd_campaign c;
    pd_err err;
    if (pd_campaign_get(req->db, &req->actor, id, &c, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *due = json_array();
    if (pd_campaign_due(req->db, &req->actor, id, (int)pd_req_query_int(req, "limit", 500), add_due,
                        due, &err) != PD_OK) {
        json_decref(due);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, status,
                        json_pack("{s:o, s:o}", "campaign", pd_lab_campaign_json(&c), "due", due));
}

int pd_api_lab_campaign_get(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_READ))
        return 0;
    return answer_campaign(req, resp, pd_req_param_id(req, 0), 200);
}

int pd_api_lab_campaign_create(pd_req *req, pd_resp *resp)
{
    if (!lab_may(req, resp, PD_PERM_LAB_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_campaign c;
    memset(&c, 0, sizeof c);
    const pd_json_field f[] = {{"name", c.name, sizeof c.name},
                               {"target", c.target, sizeof c.target},
                               {"venue_kind", c.venue_kind, sizeof c.venue_kind},
                               {"target_unit", c.target_unit, sizeof c.target_unit},
                               {"kind", c.kind, sizeof c.kind},
                               {"from_date", c.from_date, sizeof c.from_date},
                               {"to_date", c.to_date, sizeof c.to_date}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return 0;
    pd_field_errors errs = {0};
    int64_t days = 0;
    pd_body_id(b, "venue_id", &c.venue_id, &errs);
    pd_body_id(b, "lookback_days", &days, &errs);
    if (errs.count)
        return pd_resp_field_errors(resp, &errs);
    c.lookback_days = days > 0 && days < 1000 ? (int)days : days ? 1000 : 0;
    pd_err err;
    if (pd_campaign_create(req->db, &req->actor, &c, &errs, &err) != PD_OK)
        return pd_resp_err_fields(resp, &err, &errs);
    return answer_campaign(req, resp, c.id, 201);
}
