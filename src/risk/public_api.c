/* The public map of published risk levels (no account): GET /api/public/risk?unit=CODE&week=. Only
 * what an official published is shown (never a "dự kiến" result), with the district outlines of the
 * unit's province for the offline map. Rate limited per client address (600 a minute). */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/assets.h"
#include "base/ratelimit.h"
#include "base/text.h"
#include "http/http.h"
#include "people/unit_cache.h"
#include "risk/risk.h"
#include "risk/risk_api.h"

#define PUBLIC_RATE_PER_MINUTE 600.0

static pd_ratelimit *limiter;
static pthread_once_t limiter_once = PTHREAD_ONCE_INIT;

static void make_limiter(void)
{
    limiter = pd_ratelimit_new(PUBLIC_RATE_PER_MINUTE / 60.0, PUBLIC_RATE_PER_MINUTE, 4096);
}

static bool allowed(pd_req *req, pd_resp *resp)
{
    pthread_once(&limiter_once, make_limiter);
    char ip[64], key[80];
    pd_http_client_ip(req->conn, ip, sizeof ip);
    snprintf(key, sizeof key, "risk:%s", ip);
    if (!limiter || pd_ratelimit_take(limiter, key, pd_monotonic_seconds()))
        return true;
    pd_resp_header(resp, "Retry-After", "10");
    pd_resp_error(resp, 429, "rate_limited", "", "Quá nhiều yêu cầu, vui lòng thử lại sau");
    return false;
}

/* The shipped district outlines of the unit's province, narrowed to its district. */
static json_t *outlines(sqlite3 *db, const char *unit)
{
    json_t *out = json_array();
    pd_unit_info u;
    if (!pd_unit_cache_get(db, unit, &u))
        return out;
    static const char *const files[] = {"/risk/districts_06_bac_kan.geojson",
                                        "/risk/districts_12_lai_chau.geojson"};
    for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
        const pd_asset *a = pd_asset_find(pd_data_assets, files[k]);
        json_error_t jerr;
        json_t *doc = a ? json_loadb((const char *)a->data, a->size, 0, &jerr) : NULL;
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(doc, "features"), i, f)
        {
            json_t *p = json_object_get(f, "properties");
            bool in_province = strcmp(pd_json_str(p, "parent_code"), u.province_code) == 0;
            bool in_district = strcmp(pd_json_str(p, "code"), u.district_code) == 0;
            if (u.level == 1 ? in_province : in_district)
                json_array_append(out, f);
        }
        json_decref(doc);
    }
    return out;
}

int pd_api_public_risk(pd_req *req, pd_resp *resp)
{
    if (!allowed(req, resp))
        return 0;
    const char *unit = pd_req_query(req, "unit");
    char week[12] = "";
    pd_risk_week w;
    pd_err err;
    if (pd_risk_published_list(req->db, unit, pd_req_query(req, "week"), week, &w, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *items = json_array();
    for (int i = 0; i < w.count; i++) {
        const pd_risk_row *r = &w.rows[i];
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s, s:s, s:i, s:f, s:s, s:s}", "unit_code", r->unit_code,
                             "unit_name", r->unit_name, "district_code", r->district_code,
                             "district_name", r->district_name, "level", r->res.level, "rate",
                             r->res.rate, "reason", r->res.reason, "status", "published"));
    }
    pd_risk_week_free(&w);
    pd_unit_info u;
    pd_unit_cache_get(req->db, unit, &u); /* exists: checked by pd_risk_published_list */
    json_t *doc = json_pack("{s:s, s:{s:s, s:s, s:i, s:s, s:s}, s:o, s:{s:s, s:o}}", "week", week,
                            "unit", "code", u.code, "name", u.name, "level", u.level,
                            "province_code", u.province_code, "district_code",
                            u.level >= 2 ? u.district_code : "", "items", items, "districts",
                            "type", "FeatureCollection", "features", outlines(req->db, unit));
    return pd_resp_json(resp, 200, doc);
}
