/* HTTP handlers of F0 care: the list by colour, triage, an episode, home monitoring and its
 * alerts, beds, release, and the care rules. JSON in -> care.h -> JSON out (docs/quarantine.md). */
#include <string.h>

#include "base/text.h"
#include "care/care.h"
#include "quarantine/api.h"

static const char *query(pd_req *req, const char *name)
{
    const char *v = pd_req_query(req, name);
    return v ? v : "";
}

static int answer(pd_resp *resp, int rc, const pd_err *err, json_t *body)
{
    return rc == PD_OK ? pd_resp_json(resp, 200, body) : pdq_api_err(resp, err);
}

int pd_api_care_list(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc =
        pd_care_list(req->db, &req->actor, query(req, "unit"), query(req, "colour"), &out, &err);
    return answer(resp, rc, &err, out);
}

static int answer_episode(pd_req *req, pd_resp *resp, int64_t id, int status, json_t *extra)
{
    pd_err err;
    json_t *out = NULL;
    if (pd_care_episode_get(req->db, &req->actor, id, &out, &err) != PD_OK) {
        json_decref(extra);
        return pdq_api_err(resp, &err);
    }
    json_t *j = extra ? extra : json_object();
    json_object_set_new(j, "episode", out);
    return pd_resp_json(resp, status, j);
}

static bool flag(const json_t *b, const char *key, bool def)
{
    json_t *v = json_object_get(b, key);
    return v && json_is_boolean(v) ? json_is_true(v) : def;
}

int pd_api_care_triage(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    pd_care_input in;
    memset(&in, 0, sizeof in);
    long long age, spo2, rr;
    const pd_json_field fields[] = {
        {"vaccination", in.vaccination, sizeof in.vaccination},
        {"comorbidity", in.comorbidity, sizeof in.comorbidity},
        {"symptoms", in.symptoms, sizeof in.symptoms},
        {"day", in.day, sizeof in.day},
    };
    if (!b || !pd_json_copy_fields(b, fields, 4, resp) || !pdq_api_int(b, "age", -1, &age, resp) ||
        !pdq_api_int(b, "spo2", 0, &spo2, resp) || !pdq_api_int(b, "resp_rate", 0, &rr, resp))
        return 0;
    in.case_id = pd_req_param_id(req, 0);
    in.age = age > 200 ? 999 : (int)age;
    in.age_months = -1;
    in.spo2 = spo2 > 1000 ? 999 : (int)spo2;
    in.resp_rate = rr > 1000 ? 999 : (int)rr;
    in.pregnant = flag(b, "pregnant", false);
    in.self_care = flag(b, "self_care", true);
    pd_care_class k;
    int64_t id = 0;
    pd_err err;
    if (pd_care_triage(req->db, &req->actor, &in, &id, &k, &err) != PD_OK)
        return pdq_api_err(resp, &err);
    return answer_episode(req, resp, id, 200, NULL);
}

int pd_api_care_episode(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_READ))
        return 0;
    return answer_episode(req, resp, pd_req_param_id(req, 0), 200, NULL);
}

int pd_api_care_monitor(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    long long spo2, rr, pulse;
    double temp;
    if (!b || !pdq_api_int(b, "spo2", 0, &spo2, resp) ||
        !pdq_api_int(b, "resp_rate", 0, &rr, resp) || !pdq_api_int(b, "pulse", -1, &pulse, resp) ||
        !pdq_api_num(b, "temperature", -1, &temp, resp))
        return 0;
    char alert[160];
    int64_t entry = 0, id = pd_req_param_id(req, 0);
    pd_err err;
    if (pd_care_monitor(req->db, &req->actor, id, pd_json_str(b, "slot"),
                        spo2 > 1000 ? 999 : (int)spo2, rr > 1000 ? 999 : (int)rr, temp,
                        pulse > 1000 ? 999 : (int)pulse, pd_json_str(b, "note"), &entry, alert,
                        &err) != PD_OK)
        return pdq_api_err(resp, &err);
    return answer_episode(req, resp, id, 201,
                          json_pack("{s:I, s:s}", "entry_id", (json_int_t)entry, "alert", alert));
}

int pd_api_care_assign(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    long long facility;
    if (!b || !pdq_api_int(b, "facility_id", 0, &facility, resp))
        return 0;
    int64_t id = pd_req_param_id(req, 0);
    pd_err err;
    if (pd_care_assign(req->db, &req->actor, id, facility, pd_json_str(b, "bed_kind"), &err))
        return pdq_api_err(resp, &err);
    return answer_episode(req, resp, id, 200, NULL);
}

int pd_api_care_release(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    int64_t id = pd_req_param_id(req, 0);
    pd_err err;
    if (pd_care_release(req->db, &req->actor, id, pd_json_str(b, "day"),
                        pd_json_str(b, "negative_test_on"), &err) != PD_OK)
        return pdq_api_err(resp, &err);
    return answer_episode(req, resp, id, 200, NULL);
}

int pd_api_care_alerts(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc = pd_care_alerts(req->db, &req->actor, query(req, "unit"), &out, &err);
    return answer(resp, rc, &err, out);
}

int pd_api_care_alert_done(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_WRITE))
        return 0;
    pd_err err;
    if (pd_care_alert_done(req->db, &req->actor, pd_req_param_id(req, 0), &err) != PD_OK)
        return pdq_api_err(resp, &err);
    return pd_resp_json(resp, 200, json_object());
}

int pd_api_care_rules(pd_req *req, pd_resp *resp)
{
    if (!pdq_api_may(req, resp, PD_PERM_CARE_READ))
        return 0;
    pd_err err;
    json_t *out = NULL;
    int rc = pd_care_rules(req->db, &out, &err);
    return answer(resp, rc, &err, out);
}
