/* HTTP handlers of quarantine: rules, orders (start, health checks, release, hand-over),
 * worklists, facilities and capacity. JSON in -> quarantine.h -> JSON out (docs/quarantine.md). */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "quarantine/api.h"
#include "quarantine/quarantine.h"

bool pdq_api_may(pd_req *req, pd_resp *resp, pd_perm perm)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "",
                  perm == PD_PERM_QUARANTINE_READ ? "Tài khoản không được xem cách ly"
                  : perm == PD_PERM_QUARANTINE_WRITE ? "Tài khoản không được cập nhật cách ly"
                  : perm == PD_PERM_CARE_READ ? "Tài khoản không được xem điều trị F0"
                                              : "Tài khoản không được cập nhật điều trị F0");
    return false;
}

int pdq_api_err(pd_resp *resp, const pd_err *err)
{
    pd_resp_err(resp, err);
    if (err->code == PD_EINVAL)
        json_object_set_new(
            resp->json, "errors",
            json_pack("[{s:s, s:s}]", "field", err->field, "message", err->message));
    return 0;
}

bool pdq_api_int(const json_t *b, const char *key, long long def, long long *out, pd_resp *resp)
{
    json_t *v = json_object_get(b, key);
    *out = def;
    if (!v || json_is_null(v))
        return true;
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return true;
    }
    char msg[128];
    snprintf(msg, sizeof msg, "Trường %s phải là số nguyên", key);
    pd_resp_error(resp, 400, "invalid", key, msg);
    return false;
}

bool pdq_api_num(const json_t *b, const char *key, double def, double *out, pd_resp *resp)
{
    json_t *v = json_object_get(b, key);
    *out = def;
    if (!v || json_is_null(v))
        return true;
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    char msg[128];
    snprintf(msg, sizeof msg, "Trường %s phải là số", key);
    pd_resp_error(resp, 400, "invalid", key, msg);
    return false;
}

static const char *query(pd_req *req, const char *name)
{
    const char *v = pd_req_query(req, name);
    return v ? v : "";
}

static int answer(pd_resp *resp, int rc, const pd_err *err, json_t *body)
{
    return rc == PD_OK ? pd_resp_json(resp, 200, body) : pdq_api_err(resp, err);
}

int pd_api_quarantine_rules(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    const char *date = query(req, "date");
    int rc;
    if (*date) {
        long long im = pd_req_query_int(req, "immunity", 0);
        const char *cat = *query(req, "category") ? query(req, "category") : "f1";
        rc = pd_quarantine_rule_row(req->db, date, cat, (pd_immunity)im, &out, &err);
        if (rc == PD_OK)
            out = json_pack("{s:o}", "rule", out);
    } else {
        rc = pd_quarantine_rules_list(req->db, &out, &err);
    }
    return answer(resp, rc, &err, out);
}

int pd_api_quarantine_orders(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc =
        pd_quarantine_orders_list(req->db, &req->actor, query(req, "unit"), query(req, "phase"),
                                  (int)pd_req_query_int(req, "limit", 200), &out, &err);
    return answer(resp, rc, &err, out);
}

int pd_api_quarantine_order(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc = pd_quarantine_order_get(req->db, &req->actor, pd_req_param_id(req, 0), &out, &err);
    return answer(resp, rc, &err, rc == PD_OK ? json_pack("{s:o}", "order", out) : NULL);
}

/* After a change: the order as it now is. */
static int answer_order(pd_req *req, pd_resp *resp, int status, json_t *extra)
{
    pd_err err;
    json_t *out = NULL;
    if (pd_quarantine_order_get(req->db, &req->actor, pd_req_param_id(req, 0), &out, &err)) {
        json_decref(extra);
        return pdq_api_err(resp, &err);
    }
    json_t *j = extra ? extra : json_object();
    json_object_set_new(j, "order", out);
    return pd_resp_json(resp, status, j);
}

int pd_api_quarantine_start(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    long long facility;
    if (!b || !pdq_api_int(b, "facility_id", 0, &facility, resp))
        return 0;
    pd_err err;
    if (pd_quarantine_start(req->db, &req->actor, pd_req_param_id(req, 0), pd_json_str(b, "place"),
                            facility, pd_json_str(b, "started_on"), &err) != PD_OK)
        return pdq_api_err(resp, &err);
    return answer_order(req, resp, 200, NULL);
}

int pd_api_quarantine_check(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    double temp;
    if (!b || !pdq_api_num(b, "temperature", -1, &temp, resp))
        return 0;
    const char *symptoms[PD_QUARANTINE_SYMPTOMS_MAX];
    int n = 0;
    json_t *list = json_object_get(b, "symptoms");
    if (list && !json_is_null(list) &&
        (!json_is_array(list) || json_array_size(list) > PD_QUARANTINE_SYMPTOMS_MAX))
        return pd_resp_error(resp, 400, "invalid", "symptoms", "Triệu chứng phải là một danh sách");
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        symptoms[n++] = json_is_string(v) ? json_string_value(v) : "";
    }
    pd_err err;
    int64_t id = 0;
    bool alert = false;
    if (pd_quarantine_check(req->db, &req->actor, pd_req_param_id(req, 0),
                            pd_json_str(b, "checked_on"), temp, symptoms, n, pd_json_str(b, "note"),
                            &id, &alert, &err) != PD_OK)
        return pdq_api_err(resp, &err);
    return answer_order(req, resp, 201,
                        json_pack("{s:I, s:b}", "check_id", (json_int_t)id, "alert", alert));
}

int pd_api_quarantine_release(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_err err;
    json_t *blockers = NULL;
    int rc = pd_quarantine_release(
        req->db, &req->actor, pd_req_param_id(req, 0), pd_json_str(b, "released_on"),
        json_is_true(json_object_get(b, "force")), pd_json_str(b, "note"), &blockers, &err);
    if (rc != PD_OK) {
        pdq_api_err(resp, &err);
        if (blockers)
            json_object_set_new(resp->json, "blockers", blockers);
        return 0;
    }
    return answer_order(req, resp, 200, NULL);
}

int pd_api_quarantine_handover(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_WRITE))
        return 0;
    pd_err err;
    if (pd_quarantine_handover_confirm(req->db, &req->actor, pd_req_param_id(req, 0), &err))
        return pdq_api_err(resp, &err);
    return answer_order(req, resp, 200, NULL);
}

int pd_api_quarantine_worklists(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_QUARANTINE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc = pd_quarantine_worklists(req->db, &req->actor, query(req, "unit"), query(req, "date"),
                                     &out, &err);
    return answer(resp, rc, &err, out);
}

int pd_api_facilities_list(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_CARE_READ) &&
        !pdq_api_may(req, resp, PD_PERM_QUARANTINE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc = pd_facilities_list(req->db, &req->actor, query(req, "kind"), query(req, "unit"), &out,
                                &err);
    return answer(resp, rc, &err, out);
}

int pd_api_facilities_add(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_CARE_WRITE) &&
        !pdq_api_may(req, resp, PD_PERM_QUARANTINE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    pd_facility f;
    memset(&f, 0, sizeof f);
    long long tier, beds, icu;
    const pd_json_field fields[] = {
        {"kind", f.kind, sizeof f.kind},          {"name", f.name, sizeof f.name},
        {"address", f.address, sizeof f.address}, {"phone", f.phone, sizeof f.phone},
        {"team", f.team, sizeof f.team},          {"unit_code", f.unit_code, sizeof f.unit_code},
    };
    if (!b || !pd_json_copy_fields(b, fields, sizeof fields / sizeof fields[0], resp) ||
        !pdq_api_int(b, "tier", 0, &tier, resp) || !pdq_api_int(b, "beds", 0, &beds, resp) ||
        !pdq_api_int(b, "icu_beds", 0, &icu, resp))
        return 0;
    f.tier = (int)tier;
    f.beds = beds > 1000000 ? -1 : (int)beds;
    f.icu_beds = icu > 1000000 ? -1 : (int)icu;
    pd_err err;
    if (pd_facility_add(req->db, &req->actor, &f, &err) != PD_OK)
        return pdq_api_err(resp, &err);
    return pd_resp_json(resp, 201, json_pack("{s:{s:I}}", "facility", "id", (json_int_t)f.id));
}

int pd_api_capacity(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_CARE_READ) &&
        !pdq_api_may(req, resp, PD_PERM_QUARANTINE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc = pd_capacity(req->db, &req->actor, query(req, "unit"), query(req, "date"), &out, &err);
    return answer(resp, rc, &err, out);
}
