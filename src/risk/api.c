/* HTTP handlers of the weekly risk level (docs/risk.md): JSON in -> risk.h -> JSON out. Reading
 * (risk.read) includes viewers: every answer is an aggregate per commune. Changing (risk.write):
 * capacity checklists and publishing (district, province, admin), rule rows and boundaries
 * (province, admin). A unit outside the caller's scope answers 404 like a missing one. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/assets.h"
#include "base/clock.h"
#include "base/text.h"
#include "people/unit_cache.h"
#include "risk/risk_api.h"
#include "risk/risk_json.h"
#include "store/db.h"

static bool allowed(pd_req *req, pd_resp *resp, pd_perm perm)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "",
                  perm == PD_PERM_RISK_READ ? "Tài khoản không được xem cấp độ dịch"
                                            : "Tài khoản không được cập nhật cấp độ dịch");
    return false;
}

/* The week asked for, else the last complete week before today. */
static void week_arg(const char *w, char out[12])
{
    if (w && w[0]) {
        pd_strlcpy(out, w, 12);
        return;
    }
    char today[12], cur[12];
    pd_date d = pd_local_date(pd_now());
    pd_date_format(&d, today, sizeof today);
    pd_risk_week_of(today, cur);
    pd_risk_week_prev(cur, out);
}

static int add_rule(const pd_risk_rule *r, void *ctx)
{
    json_array_append_new(ctx, pd_risk_rule_json(r));
    return 0;
}

int pd_api_risk_rules(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_READ))
        return 0;
    json_t *items = json_array();
    pd_err err;
    if (pd_risk_rules_list(req->db, &req->actor, add_rule, items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* A number member: absent keeps *out; present and not a number (or out of range): false. */
static bool body_num(const json_t *b, const char *key, double lo, double hi, double *out,
                     pd_resp *resp)
{
    json_t *v = json_object_get(b, key);
    if (!v)
        return true;
    if (json_is_number(v) && json_number_value(v) >= lo && json_number_value(v) <= hi) {
        *out = json_number_value(v);
        return true;
    }
    char msg[128];
    snprintf(msg, sizeof msg, "Giá trị phải là số từ %g đến %g", lo, hi);
    pd_resp_error(resp, 400, "invalid", key, msg);
    return false;
}

static bool body_matrix(const json_t *b, pd_risk_rule *r, pd_resp *resp)
{
    json_t *m = json_object_get(b, "matrix");
    if (!m)
        return true;
    size_t i;
    json_t *cell;
    if (!json_is_array(m))
        return pd_resp_error(resp, 400, "invalid", "matrix", "Bảng kết hợp phải là một danh sách"),
               false;
    json_array_foreach(m, i, cell)
    {
        json_int_t bnd = json_integer_value(json_object_get(cell, "c1_band"));
        json_int_t lv = json_integer_value(json_object_get(cell, "level"));
        int c2 = json_is_true(json_object_get(cell, "c2_met")) ? 1 : 0;
        int c3 = json_is_true(json_object_get(cell, "c3_met")) ? 1 : 0;
        if (bnd < 1 || bnd > 4 || lv < 1 || lv > 4) {
            char field[32];
            snprintf(field, sizeof field, "matrix[%zu]", i);
            pd_resp_error(resp, 400, "invalid", field, "Mức và cấp độ phải từ 1 đến 4");
            return false;
        }
        r->matrix[bnd - 1][c2][c3] = (int)lv;
    }
    return true;
}

int pd_api_risk_rule_update(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_risk_rule r, out;
    pd_err err;
    if (pd_risk_rule_get(req->db, pd_req_param_id(req, 0), &r, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    double age = r.elderly_age, quiet = r.quiet_days;
    if (!body_num(b, "band2_min", 0, 100000, &r.band2_min, resp) ||
        !body_num(b, "band3_min", 0, 100000, &r.band3_min, resp) ||
        !body_num(b, "band4_min", 0, 100000, &r.band4_min, resp) ||
        !body_num(b, "coverage_min", 0, 1, &r.coverage_min, resp) ||
        !body_num(b, "elderly_min", 0, 1, &r.elderly_min, resp) ||
        !body_num(b, "elderly_age", 18, 100, &age, resp) ||
        !body_num(b, "quiet_days", 1, 60, &quiet, resp) || !body_matrix(b, &r, resp))
        return 0;
    r.elderly_age = (int)age;
    r.quiet_days = (int)quiet;
    if (json_is_boolean(json_object_get(b, "c3_no_lower")))
        r.c3_no_lower = json_is_true(json_object_get(b, "c3_no_lower"));
    if (json_is_string(json_object_get(b, "note")))
        pd_strlcpy(r.note, pd_json_str(b, "note"), sizeof r.note);
    if (pd_risk_rule_adjust(req->db, &req->actor, &r, &out, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "rule", pd_risk_rule_json(&out)));
}

static bool query_num(pd_req *req, pd_resp *resp, const char *name, double lo, double hi,
                      bool required, double *out)
{
    const char *v = pd_req_query(req, name);
    if (!v || !v[0]) {
        if (required)
            pd_resp_error(resp, 400, "invalid", name, "Thiếu giá trị");
        return !required;
    }
    char *end;
    double d = strtod(v, &end);
    if (*end || !isfinite(d) || d < lo || d > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "Giá trị phải là số từ %g đến %g", lo, hi);
        pd_resp_error(resp, 400, "invalid", name, msg);
        return false;
    }
    *out = d;
    return true;
}

int pd_api_risk_level(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_READ))
        return 0;
    double cases = 0, pop = 0, d1 = 0, fe = 0, fa = 0, prev = 0, c14 = -1;
    if (!query_num(req, resp, "cases", 0, 1e9, true, &cases) ||
        !query_num(req, resp, "population", 1, 1e10, true, &pop) ||
        !query_num(req, resp, "dose1_18plus", 0, 1, true, &d1) ||
        !query_num(req, resp, "full_elderly", 0, 1, true, &fe) ||
        !query_num(req, resp, "full_all", 0, 1, false, &fa) ||
        !query_num(req, resp, "previous", 0, 4, false, &prev) ||
        !query_num(req, resp, "cases_14d", 0, 1e9, false, &c14))
        return 0;
    const char *date = pd_req_query(req, "date");
    const char *cap = pd_req_query(req, "capacity_met");
    pd_date d;
    if (!date || strlen(date) != 10 || !pd_date_parse(date, &d))
        return pd_resp_error(resp, 400, "invalid", "date", "Ngày phải có dạng YYYY-MM-DD");
    pd_risk_rule rule;
    pd_err err;
    char prov[8] = "";
    if (req->actor.scope_level == PD_SCOPE_PROVINCE)
        pd_strlcpy(prov, req->actor.scope_code, sizeof prov);
    if (pd_risk_rule_for(req->db, date ? date : "", prov, &rule, &err) != PD_OK) {
        pd_strlcpy(err.field, "date", sizeof err.field);
        return pd_resp_err(resp, &err);
    }
    pd_risk_input in = {.cases = (int64_t)cases,
                        .cases_14d = (int64_t)c14,
                        .population = (int64_t)pop,
                        .dose1_18plus = d1,
                        .full_elderly = fe,
                        .full_all = fa,
                        .capacity_met = cap && (strcmp(cap, "yes") == 0 || strcmp(cap, "1") == 0),
                        .capacity_known = true,
                        .previous = (int)prev};
    pd_risk_result res;
    pd_risk_level(&rule, &in, &res);
    return pd_resp_json(resp, 200, pd_risk_result_json(&rule, &res));
}

static json_t *summary(const pd_risk_week *w)
{
    int per[5] = {0}, published = 0;
    for (int i = 0; i < w->count; i++) {
        per[w->rows[i].res.level]++;
        published += w->rows[i].published;
    }
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "1", per[1], "2", per[2], "3", per[3], "4",
                     per[4], "communes", w->count, "published", published);
}

int pd_api_risk_week(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_READ))
        return 0;
    char week[12];
    week_arg(pd_req_query(req, "week"), week);
    const char *live = pd_req_query(req, "live");
    pd_risk_week w;
    pd_err err;
    if (pd_risk_week_compute(req->db, &req->actor, week, pd_req_query(req, "unit"),
                             live && strcmp(live, "1") == 0, &w, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *doc = pd_risk_week_json(req->db, &w);
    json_object_set_new(doc, "summary", summary(&w));
    pd_risk_week_free(&w);
    return pd_resp_json(resp, 200, doc);
}

int pd_api_risk_history(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_READ))
        return 0;
    char week[12];
    week_arg(pd_req_query(req, "week"), week);
    long long n = pd_req_query_int(req, "weeks", 8);
    if (n < 1 || n > 26)
        return pd_resp_error(resp, 400, "invalid", "weeks", "Số tuần phải từ 1 đến 26");
    pd_risk_row *rows = calloc((size_t)n, sizeof *rows);
    if (!rows)
        return pd_resp_error(resp, 500, "io", "", "Hết bộ nhớ");
    pd_err err;
    const char *unit = pd_req_query(req, "unit");
    int rc = pd_risk_history(req->db, &req->actor, unit ? unit : "", week, (int)n, rows, &err);
    json_t *items = json_array();
    for (int i = 0; rc == PD_OK && i < n; i++) {
        pd_risk_rule rule;
        pd_err rerr;
        int age =
            rows[i].rule_id && pd_risk_rule_get(req->db, rows[i].rule_id, &rule, &rerr) == PD_OK
                ? rule.elderly_age
                : 0;
        json_array_append_new(items, pd_risk_row_json(&rows[i], age));
    }
    free(rows);
    if (rc != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

static json_t *capacity_json(const pd_risk_capacity *c)
{
    return json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:o}", "unit_code", c->unit_code, "week",
                     c->week, "oxygen", c->oxygen, "mobile_station", c->mobile_station, "care_team",
                     c->care_team, "met", c->met, "note", c->note, "filled_at",
                     pd_json_time(c->filled_at));
}

static int add_capacity(const pd_risk_capacity *c, void *ctx)
{
    json_array_append_new(ctx, capacity_json(c));
    return 0;
}

int pd_api_risk_capacity_list(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_READ))
        return 0;
    char week[12];
    week_arg(pd_req_query(req, "week"), week);
    json_t *items = json_array();
    pd_err err;
    if (pd_risk_capacity_list(req->db, &req->actor, week, pd_req_query(req, "unit"), add_capacity,
                              items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:s, s:o}", "week", week, "items", items));
}

static bool body_bool(const json_t *b, const char *key, bool *out, pd_resp *resp)
{
    json_t *v = json_object_get(b, key);
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    pd_resp_error(resp, 400, "invalid", key, "Phải chọn có hoặc không");
    return false;
}

int pd_api_risk_capacity_save(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    pd_risk_capacity c;
    memset(&c, 0, sizeof c);
    const pd_json_field fields[] = {{"unit_code", c.unit_code, sizeof c.unit_code},
                                    {"week", c.week, sizeof c.week},
                                    {"note", c.note, sizeof c.note}};
    if (!pd_json_copy_fields(b, fields, 3, resp) || !body_bool(b, "oxygen", &c.oxygen, resp) ||
        !body_bool(b, "mobile_station", &c.mobile_station, resp) ||
        !body_bool(b, "care_team", &c.care_team, resp))
        return 0;
    pd_err err;
    if (pd_risk_capacity_save(req->db, &req->actor, &c, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "capacity", capacity_json(&c)));
}

int pd_api_risk_publish(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_WRITE))
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    char week[12] = "", unit[16] = "";
    const pd_json_field fields[] = {{"week", week, sizeof week}, {"unit", unit, sizeof unit}};
    if (!pd_json_copy_fields(b, fields, 2, resp))
        return 0;
    pd_err err;
    int n = 0;
    if (pd_risk_publish(req->db, &req->actor, week, unit, &n, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:s, s:i}", "week", week, "published", n));
}

typedef struct report_export {
    sqlite3 *db;
    const pd_actor *actor;
    const char *week, *unit;
} report_export;

static int write_report(const char *path, void *ctx, pd_err *err)
{
    report_export *e = ctx;
    return pd_risk_report_xlsx(e->db, e->actor, e->week, e->unit, path, err);
}

int pd_api_risk_report(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_READ))
        return 0;
    char week[12];
    week_arg(pd_req_query(req, "week"), week);
    report_export e = {req->db, &req->actor, week, pd_req_query(req, "unit")};
    char name[48];
    snprintf(name, sizeof name, "cap-do-dich-%s.xlsx", week);
    return pd_resp_export(resp, write_report, &e, PD_XLSX_TYPE, name);
}

/* District outlines shipped in data/risk/ for the provinces that have them, filtered to scope (a
 * commune account gets its own district's outline). */
static void add_outlines(pd_req *req, json_t *out, const char *path)
{
    const pd_asset *a = pd_asset_find(pd_data_assets, path);
    if (!a)
        return;
    char own_district[16] = "";
    pd_unit_info u;
    if (req->actor.scope_level == PD_SCOPE_COMMUNE &&
        pd_unit_cache_get(req->db, req->actor.scope_code, &u))
        pd_strlcpy(own_district, u.district_code, sizeof own_district);
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)a->data, a->size, 0, &jerr);
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "features"), i, f)
    {
        json_t *p = json_object_get(f, "properties");
        const char *code = pd_json_str(p, "code"), *prov = pd_json_str(p, "parent_code");
        bool mine = req->actor.scope_level == PD_SCOPE_COMMUNE
                        ? strcmp(code, own_district) == 0
                        : pd_scope_covers(&req->actor, prov, code, "");
        if (mine)
            json_array_append(out, f);
    }
    json_decref(doc);
}

static json_t *stored_communes(pd_req *req, pd_err *err)
{
    char scope[64], sql[256];
    pd_scope_sql(&req->actor, "b", scope, sizeof scope);
    snprintf(sql, sizeof sql, "SELECT unit_code, geometry FROM risk_boundaries b WHERE %s", scope);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(req->db, sql, -1, &st, NULL) != SQLITE_OK) {
        pd_db_error(req->db, err);
        return NULL;
    }
    if (pd_scope_param(&req->actor))
        sqlite3_bind_text(st, 1, pd_scope_param(&req->actor), -1, SQLITE_TRANSIENT);
    json_t *items = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_error_t jerr;
        json_t *g = json_loads(pd_col_text(st, 1), 0, &jerr);
        json_array_append_new(items, json_pack("{s:s, s:{s:s}, s:o}", "type", "Feature",
                                               "properties", "code", pd_col_text(st, 0), "geometry",
                                               g ? g : json_null()));
    }
    sqlite3_finalize(st);
    return items;
}

int pd_api_risk_boundaries(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_READ))
        return 0;
    json_t *districts = json_array();
    add_outlines(req, districts, "/risk/districts_06_bac_kan.geojson");
    add_outlines(req, districts, "/risk/districts_12_lai_chau.geojson");
    pd_err err;
    json_t *communes = stored_communes(req, &err);
    if (!communes) {
        json_decref(districts);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200,
                        json_pack("{s:{s:s, s:o}, s:{s:s, s:o}}", "districts", "type",
                                  "FeatureCollection", "features", districts, "communes", "type",
                                  "FeatureCollection", "features", communes));
}

int pd_api_risk_boundaries_import(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp, PD_PERM_RISK_WRITE))
        return 0;
    pd_err err;
    int n = 0;
    if (pd_risk_boundaries_import(req->db, &req->actor, req->body ? req->body : "", &n, &err) !=
        PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:i}", "imported", n));
}
