/* Direct-mapped, thread-local cache of unit facts keyed by code (and connection). */
#include "people/unit_cache.h"

#include <stdint.h>
#include <string.h>

#include "base/text.h"
#include "store/db.h"

#define CACHE_SLOTS 1024

typedef struct slot {
    sqlite3 *db;
    pd_unit_info info;
} slot;

static _Thread_local slot cache[CACHE_SLOTS];

static uint32_t hash_code(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % CACHE_SLOTS;
}

static bool lookup(sqlite3 *db, const char *code, pd_unit_info *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT level, coalesce(commune_code,''), coalesce(district_code,''),"
                           " province_code, name FROM units WHERE code = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        memset(out, 0, sizeof *out);
        pd_strlcpy(out->code, code, sizeof out->code);
        out->level = sqlite3_column_int(st, 0);
        pd_strlcpy(out->commune_code, pd_col_text(st, 1), sizeof out->commune_code);
        pd_strlcpy(out->district_code, pd_col_text(st, 2), sizeof out->district_code);
        pd_strlcpy(out->province_code, pd_col_text(st, 3), sizeof out->province_code);
        pd_strlcpy(out->name, pd_col_text(st, 4), sizeof out->name);
    }
    sqlite3_finalize(st);
    return found;
}

bool pd_unit_cache_get(sqlite3 *db, const char *code, pd_unit_info *out)
{
    if (strlen(code) >= sizeof out->code)
        return false;
    slot *s = &cache[hash_code(code)];
    if (s->db == db && strcmp(s->info.code, code) == 0) {
        *out = s->info;
        return true;
    }
    if (!lookup(db, code, out))
        return false;
    s->db = db;
    s->info = *out;
    return true;
}

const char *pd_place_resolve(sqlite3 *db, pd_place place, const char *missing, const char **message)
{
    pd_unit_info u, a;
    if (!place.unit_code[0]) {
        *message = missing;
        return "unit_code";
    }
    if (!pd_unit_cache_get(db, place.unit_code, &u) || u.level < 3) {
        *message = "Mã xã, phường không tồn tại (cần mã cấp xã, vd. 01834)";
        return "unit_code";
    }
    if (u.level == 4) {
        pd_strlcpy(place.area_code, place.unit_code, 16);
        pd_strlcpy(place.unit_code, u.commune_code, 16);
    }
    pd_strlcpy(place.district_code, u.district_code, 16);
    pd_strlcpy(place.province_code, u.province_code, 16);
    if (place.area_code[0] && (!pd_unit_cache_get(db, place.area_code, &a) || a.level != 4 ||
                               strcmp(a.commune_code, place.unit_code) != 0)) {
        *message = "Thôn, tổ dân phố không thuộc xã, phường đã chọn";
        return "area_code";
    }
    return NULL;
}
