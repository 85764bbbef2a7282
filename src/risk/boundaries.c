/* Commune boundaries a province imports for a true choropleth: a GeoJSON FeatureCollection whose
 * features carry properties.code (a commune in the caller's scope) and a Polygon or MultiPolygon
 * geometry. All or nothing, one transaction with its audit entry; a bad feature is named
 * (features[i]) with its field. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "people/unit_cache.h"
#include "risk/risk.h"
#include "store/db.h"

static int bad(pd_err *err, size_t i, const char *field, const char *message)
{
    char f[64];
    snprintf(f, sizeof f, "features[%zu].%s", i, field);
    return pd_fail(err, PD_EINVAL, f, "Đối tượng %zu: %s", i + 1, message);
}

/* A ring: an array of at least 4 [lon, lat] positions within range. */
static bool ring_ok(const json_t *ring)
{
    if (!json_is_array(ring) || json_array_size(ring) < 4)
        return false;
    size_t k;
    json_t *p;
    json_array_foreach(ring, k, p)
    {
        if (!json_is_array(p) || json_array_size(p) < 2 || !json_is_number(json_array_get(p, 0)) ||
            !json_is_number(json_array_get(p, 1)))
            return false;
        double lon = json_number_value(json_array_get(p, 0));
        double lat = json_number_value(json_array_get(p, 1));
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
            return false;
    }
    return true;
}

static bool polygon_ok(const json_t *rings)
{
    if (!json_is_array(rings) || json_array_size(rings) == 0)
        return false;
    size_t k;
    json_t *r;
    json_array_foreach(rings, k, r) if (!ring_ok(r)) return false;
    return true;
}

static bool geometry_ok(const json_t *g)
{
    const char *type = json_string_value(json_object_get(g, "type"));
    const json_t *coords = json_object_get(g, "coordinates");
    if (type && strcmp(type, "Polygon") == 0)
        return polygon_ok(coords);
    if (!type || strcmp(type, "MultiPolygon") != 0 || !json_is_array(coords) ||
        json_array_size(coords) == 0)
        return false;
    size_t k;
    json_t *p;
    json_array_foreach(coords, k, p) if (!polygon_ok(p)) return false;
    return true;
}

static int check_feature(sqlite3 *db, const pd_actor *actor, const json_t *f, size_t i,
                         pd_unit_info *u, pd_err *err)
{
    const char *code = json_string_value(json_object_get(json_object_get(f, "properties"), "code"));
    if (!code || !code[0])
        return bad(err, i, "properties.code", "thiếu mã xã (properties.code)");
    if (!pd_unit_cache_get(db, code, u) || u->level != 3 ||
        !pd_scope_covers(actor, u->province_code, u->district_code, u->commune_code))
        return bad(err, i, "properties.code", "mã xã không có hoặc ngoài địa bàn");
    if (!geometry_ok(json_object_get(f, "geometry")))
        return bad(err, i, "geometry", "hình học phải là Polygon hoặc MultiPolygon hợp lệ");
    return PD_OK;
}

static int store_all(sqlite3 *db, const pd_actor *actor, const json_t *features, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "INSERT OR REPLACE INTO risk_boundaries(unit_code, district_code, province_code,"
        " geometry, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
        err);
    if (!st)
        return PD_EDB;
    size_t i;
    json_t *f;
    int rc = PD_OK;
    json_array_foreach(features, i, f)
    {
        pd_unit_info u;
        rc = check_feature(db, actor, f, i, &u, err);
        if (rc != PD_OK)
            break;
        char *geo = json_dumps(json_object_get(f, "geometry"), JSON_COMPACT);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, u.commune_code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, u.district_code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, u.province_code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, geo ? geo : "null", -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, actor->user_id);
        sqlite3_bind_int64(st, 6, pd_now());
        free(geo);
        if (sqlite3_step(st) != SQLITE_DONE) {
            rc = pd_db_error(db, err);
            break;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int pd_risk_boundaries_import(sqlite3 *db, const pd_actor *actor, const char *geojson, int *count,
                              pd_err *err)
{
    *count = 0;
    if (!pd_actor_can(actor, PD_PERM_RISK_WRITE) ||
        (actor->role != PD_ROLE_ADMIN && actor->role != PD_ROLE_PROVINCE))
        return pd_fail(err, PD_EDENIED, "",
                       "Chỉ tài khoản cấp tỉnh hoặc quản trị được nhập ranh giới xã");
    json_error_t jerr;
    json_t *doc = json_loads(geojson, 0, &jerr);
    const json_t *features = json_object_get(doc, "features");
    const char *type = json_string_value(json_object_get(doc, "type"));
    if (!doc || !type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features) ||
        json_array_size(features) == 0) {
        json_decref(doc);
        return pd_fail(err, PD_EINVAL, "type",
                       "Tệp phải là GeoJSON FeatureCollection có ít nhất một đối tượng");
    }
    int rc = pd_db_begin(db, err);
    if (rc == PD_OK)
        rc = store_all(db, actor, features, err);
    char detail[64];
    snprintf(detail, sizeof detail, "features=%zu", json_array_size(features));
    if (rc == PD_OK)
        rc =
            pd_audit_write(db, actor, "import", "risk_boundary", 0, actor->scope_code, detail, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    else
        *count = (int)json_array_size(features);
    json_decref(doc);
    return rc;
}
