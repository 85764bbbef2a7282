/* JSON of testing's records for the API and the CLI (docs/lab.md: SAMPLE, POOL, CAMPAIGN,
 * PROPOSAL, the import report). Times ISO 8601 +07:00 as elsewhere. */
#include <jansson.h>

#include "lab/api.h"

static json_t *id_or_null(int64_t id)
{
    return id ? json_integer(id) : json_null();
}

static json_t *text_or_null(const char *s)
{
    return s && s[0] ? json_string(s) : json_null();
}

json_t *pd_lab_sample_json(const pd_sample *s)
{
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(s->id));
    json_object_set_new(j, "person_id", json_integer(s->person_id));
    json_object_set_new(j, "full_name", json_string(s->full_name));
    json_object_set_new(j, "birth_date", json_string(s->birth_date));
    json_object_set_new(j, "phone", json_string(s->phone));
    json_object_set_new(j, "kind", json_string(s->kind));
    json_object_set_new(j, "reason", json_string(s->reason));
    json_object_set_new(j, "sampled_on", json_string(s->sampled_on));
    json_object_set_new(j, "sampled_at", pd_json_time(s->sampled_at));
    json_object_set_new(j, "quarantine_order_id", id_or_null(s->quarantine_order_id));
    json_object_set_new(j, "test_day", s->test_day ? json_integer(s->test_day) : json_null());
    json_object_set_new(j, "campaign_id", id_or_null(s->campaign_id));
    json_object_set_new(j, "pool_id", id_or_null(s->pool_id));
    json_object_set_new(j, "pool_blocked", json_boolean(s->pool_blocked));
    json_object_set_new(j, "site", json_string(s->site));
    json_object_set_new(j, "team", json_string(s->team));
    json_object_set_new(j, "label", json_string(s->label));
    json_object_set_new(j, "result", json_string(s->result));
    json_object_set_new(j, "result_at", pd_json_time(s->result_at));
    json_object_set_new(j, "case_id", id_or_null(s->case_id));
    json_object_set_new(j, "proposal", text_or_null(s->proposal));
    json_object_set_new(j, "unit_code", json_string(s->unit_code));
    json_object_set_new(j, "created_at", pd_json_time(s->created_at));
    return j;
}

json_t *pd_lab_pool_json(const pd_pool *p)
{
    return json_pack("{s:I, s:s, s:i, s:s, s:o, s:s, s:o, s:I}", "id", (json_int_t)p->id, "label",
                     p->label, "size", p->size, "result", p->result, "result_at",
                     pd_json_time(p->result_at), "unit_code", p->unit_code, "created_at",
                     pd_json_time(p->created_at), "retests_open", (json_int_t)p->retests_open);
}

json_t *pd_lab_campaign_json(const pd_campaign *c)
{
    json_t *j = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:i}", "id",
                          (json_int_t)c->id, "name", c->name, "target", c->target, "venue_id",
                          id_or_null(c->venue_id), "venue_kind", text_or_null(c->venue_kind),
                          "target_unit", c->target_unit, "target_unit_name", c->target_unit_name,
                          "kind", c->kind, "from_date", c->from_date, "to_date", c->to_date,
                          "lookback_days", c->lookback_days);
    json_object_set_new(j, "venue_name", text_or_null(c->venue_name));
    json_object_set_new(j, "unit_code", json_string(c->unit_code));
    json_object_set_new(j, "district_code", json_string(c->district_code));
    json_object_set_new(j, "due", json_integer(c->due));
    json_object_set_new(j, "sampled", json_integer(c->sampled));
    json_object_set_new(j, "positive", json_integer(c->positive));
    json_object_set_new(j, "created_at", pd_json_time(c->created_at));
    return j;
}

json_t *pd_lab_proposal_json(const pd_lab_proposal *p)
{
    json_t *j = json_object();
    json_object_set_new(j, "sample", pd_lab_sample_json(&p->sample));
    json_object_set_new(j, "basis", text_or_null(p->basis));
    json_object_set_new(j, "needs", text_or_null(p->needs));
    json_object_set_new(j, "rule", json_string(p->definition ? p->definition->basis : ""));
    json_object_set_new(j, "rule_from", json_string(p->definition ? p->definition->from : ""));
    json_object_set_new(j, "rule_configurable",
                        json_boolean(p->definition && p->definition->configurable));
    json_object_set_new(j, "is_f1", json_boolean(p->is_f1));
    json_object_set_new(j, "has_link", json_boolean(p->has_link));
    json_object_set_new(j, "explain", json_string(p->explain));
    return j;
}

json_t *pd_lab_import_json(const pd_lab_import_report *r)
{
    json_t *errors = json_array();
    int listed =
        r->error_count < PD_LAB_IMPORT_MAX_ERRORS ? r->error_count : PD_LAB_IMPORT_MAX_ERRORS;
    for (int i = 0; r->errors && i < listed; i++)
        json_array_append_new(
            errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)r->errors[i].line, "field",
                              r->errors[i].field, "message", r->errors[i].message));
    return json_pack("{s:I, s:I, s:I, s:I, s:i, s:o}", "rows", (json_int_t)r->rows, "samples",
                     (json_int_t)r->samples, "pools", (json_int_t)r->pools, "unchanged",
                     (json_int_t)r->unchanged, "error_count", r->error_count, "errors", errors);
}
