/* JSON of the weekly risk level: one commune's row, a rule set with its matrix, a what-if result,
 * a whole week. Used by api.c and cli.c alike. */
#include <string.h>

#include "http/http.h"
#include "risk/risk_json.h"

static const char *const LEVEL_LABELS[] = {"", "Nguy cơ thấp", "Nguy cơ trung bình", "Nguy cơ cao",
                                           "Nguy cơ rất cao"};

json_t *pd_risk_row_json(const pd_risk_row *r, int elderly_age)
{
    json_t *j = json_object();
    int lv = r->res.level >= 1 && r->res.level <= 4 ? r->res.level : 0;
    json_object_set_new(j, "week", json_string(r->week));
    json_object_set_new(j, "unit_code", json_string(r->unit_code));
    json_object_set_new(j, "unit_name", json_string(r->unit_name));
    json_object_set_new(j, "district_code", json_string(r->district_code));
    json_object_set_new(j, "district_name", json_string(r->district_name));
    json_object_set_new(j, "province_code", json_string(r->province_code));
    json_object_set_new(j, "level", lv ? json_integer(lv) : json_null());
    json_object_set_new(j, "level_label", json_string(LEVEL_LABELS[lv]));
    json_object_set_new(j, "status", json_string(r->published ? "published" : "draft"));
    json_object_set_new(j, "population", json_integer(r->in.population));
    json_object_set_new(j, "cases", json_integer(r->in.cases));
    json_object_set_new(j, "cases_14d", json_integer(r->in.cases_14d));
    json_object_set_new(j, "rate", json_real(r->res.rate));
    json_object_set_new(j, "band", json_integer(r->res.band));
    json_object_set_new(j, "dose1_18plus", json_real(r->in.dose1_18plus));
    json_object_set_new(j, "full_elderly", json_real(r->in.full_elderly));
    json_object_set_new(j, "elderly_age", json_integer(elderly_age));
    json_object_set_new(j, "full_all", json_real(r->in.full_all));
    json_object_set_new(j, "coverage_met", json_boolean(r->res.coverage_met));
    json_object_set_new(j, "capacity_met",
                        json_boolean(r->in.capacity_met && r->in.capacity_known));
    json_object_set_new(j, "capacity_known", json_boolean(r->in.capacity_known));
    json_object_set_new(j, "previous_level",
                        r->in.previous ? json_integer(r->in.previous) : json_null());
    json_object_set_new(j, "change",
                        r->in.previous && lv ? json_integer(lv - r->in.previous) : json_null());
    json_object_set_new(j, "reason", json_string(r->res.reason));
    json_object_set_new(j, "rule_code", json_string(r->rule_code));
    json_object_set_new(j, "published_at", pd_json_time(r->published_at));
    return j;
}

json_t *pd_risk_rule_json(const pd_risk_rule *r)
{
    json_t *m = json_array();
    for (int b = 0; b < 4; b++)
        for (int c = 0; c < 2; c++)
            for (int k = 0; k < 2; k++)
                json_array_append_new(m,
                                      json_pack("{s:i, s:b, s:b, s:i}", "c1_band", b + 1, "c2_met",
                                                c, "c3_met", k, "level", r->matrix[b][c][k]));
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(r->id));
    json_object_set_new(j, "code", json_string(r->code));
    json_object_set_new(j, "name", json_string(r->name));
    json_object_set_new(j, "legal_basis", json_string(r->legal_basis));
    json_object_set_new(j, "effective_from", json_string(r->effective_from));
    json_object_set_new(j, "effective_to",
                        r->effective_to[0] ? json_string(r->effective_to) : json_null());
    json_object_set_new(j, "province_code",
                        r->province_code[0] ? json_string(r->province_code) : json_null());
    json_object_set_new(j, "method", json_string(r->method));
    json_object_set_new(j, "band2_min", json_real(r->band2_min));
    json_object_set_new(j, "band3_min", json_real(r->band3_min));
    json_object_set_new(j, "band4_min", json_real(r->band4_min));
    json_object_set_new(j, "coverage_measure", json_string(r->coverage_measure));
    json_object_set_new(j, "coverage_min", json_real(r->coverage_min));
    json_object_set_new(j, "elderly_age", json_integer(r->elderly_age));
    json_object_set_new(j, "elderly_min", json_real(r->elderly_min));
    json_object_set_new(j, "quiet_days", json_integer(r->quiet_days));
    json_object_set_new(j, "c3_no_lower", json_boolean(r->c3_no_lower));
    json_object_set_new(j, "is_default", json_boolean(r->is_default));
    json_object_set_new(j, "note", json_string(r->note));
    json_object_set_new(j, "matrix", m);
    return j;
}

json_t *pd_risk_result_json(const pd_risk_rule *rule, const pd_risk_result *res)
{
    return json_pack("{s:i, s:s, s:f, s:i, s:b, s:s, s:s}", "level", res->level, "reason",
                     res->reason, "rate", res->rate, "band", res->band, "coverage_met",
                     res->coverage_met, "rule_code", rule->code, "rule_name", rule->name);
}

json_t *pd_risk_week_json(sqlite3 *db, const pd_risk_week *w)
{
    json_t *items = json_array();
    pd_risk_rule rule;
    char prov[8] = "";
    int age = 0;
    for (int i = 0; i < w->count; i++) {
        const pd_risk_row *r = &w->rows[i];
        if (strcmp(prov, r->province_code) != 0 || !age) {
            pd_err err;
            age = pd_risk_rule_get(db, r->rule_id, &rule, &err) == PD_OK ? rule.elderly_age : 0;
            memcpy(prov, r->province_code, sizeof prov);
            prov[sizeof prov - 1] = '\0';
        }
        json_array_append_new(items, pd_risk_row_json(r, age));
    }
    return json_pack("{s:s, s:s, s:s, s:o}", "week", w->week, "monday", w->monday, "sunday",
                     w->sunday, "items", items);
}
