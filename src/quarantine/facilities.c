/* Facilities: centralised quarantine sites and hotels (quarantine orders), treatment facilities
 * by tier with beds and ICU beds, mobile medical stations with their teams (F0 cared for at home);
 * their live occupancy, and capacity today with a 7- and 14-day projection from the trend of the
 * last 7 days (admissions minus releases, a straight line: docs/quarantine.md). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "quarantine/internal.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

static const char *const kinds[] = {"quarantine", "hotel", "treatment", "mobile_station", NULL};

static int check_facility(const pd_facility *f, pd_err *err)
{
    if (!pdq_in_list(f->kind, kinds))
        return pd_fail(err, PD_EINVAL, "kind",
                       "Loại cơ sở phải là quarantine (khu cách ly tập trung), hotel (khách sạn),"
                       " treatment (cơ sở điều trị) hoặc mobile_station (trạm y tế lưu động)");
    if (!f->name[0])
        return pd_fail(err, PD_EINVAL, "name", "Nhập tên cơ sở");
    bool treatment = strcmp(f->kind, "treatment") == 0;
    if (treatment && (f->tier < 1 || f->tier > 3))
        return pd_fail(err, PD_EINVAL, "tier", "Cơ sở điều trị phải thuộc tầng 1, 2 hoặc 3");
    if (!treatment && f->tier)
        return pd_fail(err, PD_EINVAL, "tier", "Chỉ cơ sở điều trị mới có tầng");
    if (f->beds < 0 || f->beds > 100000)
        return pd_fail(err, PD_EINVAL, "beds", "Số giường phải từ 0 đến 100.000");
    if (f->icu_beds < 0 || f->icu_beds > f->beds || (!treatment && f->icu_beds))
        return pd_fail(err, PD_EINVAL, "icu_beds",
                       "Giường hồi sức (ICU) chỉ có ở cơ sở điều trị và không quá số giường");
    return PD_OK;
}

static int unit_codes(sqlite3 *db, const pd_actor *actor, const char *unit, char *district,
                      char *province, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT province_code, coalesce(district_code,''),"
                                    " coalesce(commune_code,'') FROM units WHERE code = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
    bool ok = false;
    if (sqlite3_step(st) == SQLITE_ROW) {
        pd_strlcpy(province, pd_col_text(st, 0), 16);
        pd_strlcpy(district, pd_col_text(st, 1), 16);
        const char *c = pd_col_text(st, 2);
        ok = pd_scope_covers(actor, province, district, *c ? c : unit);
    }
    pd_db_release(st);
    return ok ? PD_OK : pd_fail(err, PD_ENOTFOUND, "unit_code", "Không tìm thấy đơn vị này");
}

int pd_facility_add(sqlite3 *db, const pd_actor *actor, pd_facility *f, pd_err *err)
{
    bool care = strcmp(f->kind, "treatment") == 0 || strcmp(f->kind, "mobile_station") == 0;
    if (!pd_actor_can(actor, care ? PD_PERM_CARE_WRITE : PD_PERM_QUARANTINE_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được thêm cơ sở này");
    char name[160], team[512];
    if (pdq_text(f->name, 150, "name", name, sizeof name, err) != PD_OK ||
        pdq_text(f->team, 500, "team", team, sizeof team, err) != PD_OK)
        return err->code;
    pd_strlcpy(f->name, name, sizeof f->name);
    if (check_facility(f, err) != PD_OK)
        return err->code;
    char district[16], province[16];
    if (unit_codes(db, actor, f->unit_code, district, province, err) != PD_OK)
        return err->code;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO facilities(kind, name, tier, beds, icu_beds, address, phone, team, unit_code,"
        " district_code, province_code, created_at) VALUES (?,?,nullif(?,0),?,?,?,?,?,?,?,?,?)",
        err);
    int rc = st ? PD_OK : PD_EDB;
    if (st) {
        sqlite3_bind_text(st, 1, f->kind, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, f->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, f->tier);
        sqlite3_bind_int(st, 4, f->beds);
        sqlite3_bind_int(st, 5, f->icu_beds);
        sqlite3_bind_text(st, 6, f->address, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, f->phone, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 8, team, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 9, f->unit_code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 10, district, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 11, province, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 12, pd_now());
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
    }
    f->id = sqlite3_last_insert_rowid(db);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "facility", f->id, f->unit_code, f->kind, err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    return pd_db_commit(db, err);
}

/* Occupancy of each facility: quarantine sites and hotels count active orders; treatment
 * facilities active care episodes on a bed or an ICU bed; mobile stations the F0 at home they
 * look after. */
#define FACILITY_SQL                                                                               \
    "SELECT f.id, f.kind, f.name, f.tier, f.beds, f.icu_beds, f.address, f.phone, f.team,"         \
    " f.unit_code, u.name AS unit_name,"                                                           \
    " CASE WHEN f.kind IN ('quarantine','hotel') THEN (SELECT count(*) FROM quarantine_orders o"   \
    " WHERE o.facility_id = f.id AND o.status = 'active') ELSE (SELECT count(*) FROM"              \
    " care_episodes e WHERE e.facility_id = f.id AND e.status = 'active' AND e.bed_kind IN"        \
    " ('bed','station')) END AS used,"                                                             \
    " (SELECT count(*) FROM care_episodes e WHERE e.facility_id = f.id AND e.status = 'active'"    \
    " AND e.bed_kind = 'icu') AS icu_used"                                                         \
    " FROM facilities f LEFT JOIN units u ON u.code = f.unit_code WHERE f.active = 1 AND %s AND"   \
    " (?1 = '' OR f.kind = ?1 OR (?1 = 'care' AND f.kind IN ('treatment','mobile_station')) OR"    \
    " (?1 = 'isolation' AND f.kind IN ('quarantine','hotel'))) ORDER BY f.kind, f.tier, f.name"

static json_t *facility_rows(sqlite3 *db, const pd_actor *a, const char *kind, pd_err *err)
{
    char scope[64], sql[2048];
    snprintf(sql, sizeof sql, FACILITY_SQL, pdq_scope_sql(a, "f", scope, sizeof scope));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, kind ? kind : "", -1, SQLITE_TRANSIENT);
    pdq_bind_scope(st, a);
    json_t *items = pdq_rows(db, st, err);
    pd_db_release(st);
    size_t i;
    json_t *f;
    json_array_foreach(items, i, f)
    {
        json_int_t beds = json_integer_value(json_object_get(f, "beds"));
        json_int_t icu = json_integer_value(json_object_get(f, "icu_beds"));
        json_int_t used = json_integer_value(json_object_get(f, "used"));
        json_int_t icu_used = json_integer_value(json_object_get(f, "icu_used"));
        /* ICU beds are counted among the beds: a normal bed is one of beds - icu_beds. */
        bool station = strcmp(json_string_value(json_object_get(f, "kind")), "mobile_station") == 0;
        json_object_set_new(f, "free", json_integer(station ? 0 : beds - icu - used));
        json_object_set_new(f, "icu_free", json_integer(icu - icu_used));
    }
    return items;
}

int pd_facilities_list(sqlite3 *db, const pd_actor *actor, const char *kind, const char *unit,
                       json_t **out, pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_QUARANTINE_READ) && !pd_actor_can(actor, PD_PERM_CARE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem cơ sở cách ly, điều trị");
    pd_actor a;
    if (pdq_narrow(db, actor, unit, &a, err) != PD_OK)
        return err->code;
    json_t *items = facility_rows(db, &a, kind, err);
    if (!items)
        return PD_EDB;
    *out = json_pack("{s:o}", "items", items);
    return PD_OK;
}

/* Admissions and releases of the 7 days up to ?1 for the facilities in scope, by group. */
#define TREND_SQL                                                                                  \
    "SELECT 'quarantine' AS grp, (SELECT count(*) FROM quarantine_orders o JOIN facilities f ON"   \
    " f.id = o.facility_id WHERE %1$s AND o.started_on BETWEEN date(?1, '-6 days') AND ?1),"       \
    " (SELECT count(*) FROM quarantine_orders o JOIN facilities f ON f.id = o.facility_id WHERE"   \
    " %1$s AND o.status = 'done' AND o.released_on BETWEEN date(?1, '-6 days') AND ?1)"            \
    " UNION ALL SELECT 'treatment', (SELECT count(*) FROM care_episodes e JOIN facilities f ON"    \
    " f.id = e.facility_id WHERE %1$s AND e.bed_kind IN ('bed','icu') AND date(e.bed_at + 25200,"  \
    " 'unixepoch') BETWEEN date(?1, '-6 days') AND ?1), (SELECT count(*) FROM care_episodes e"     \
    " JOIN facilities f ON f.id = e.facility_id WHERE %1$s AND e.bed_kind IN ('bed','icu') AND"    \
    " e.status = 'released' AND e.released_on BETWEEN date(?1, '-6 days') AND ?1)"

static void add_projection(json_t *group, json_int_t admitted, json_int_t released)
{
    json_int_t beds = json_integer_value(json_object_get(group, "beds"));
    json_int_t used = json_integer_value(json_object_get(group, "used"));
    double slope = (double)(admitted - released) / 7.0;
    json_object_set_new(group, "admitted_7d", json_integer(admitted));
    json_object_set_new(group, "released_7d", json_integer(released));
    json_object_set_new(group, "net_per_day", json_real(slope));
    for (int days = 7; days <= 14; days += 7) {
        double v = (double)used + slope * days;
        char key[24];
        snprintf(key, sizeof key, "projected_%d", days);
        json_object_set_new(group, key, json_integer(v < 0 ? 0 : (json_int_t)(v + 0.5)));
    }
    json_object_set_new(group, "days_to_full",
                        slope > 0 && used < beds ? json_integer((json_int_t)((beds - used) / slope))
                                                 : json_null());
}

static json_t *groups_of(const json_t *items)
{
    json_t *groups = json_object();
    const char *names[] = {"quarantine", "tier1", "tier2", "tier3"};
    for (int i = 0; i < 4; i++)
        json_object_set_new(groups, names[i],
                            json_pack("{s:i, s:i, s:i, s:i, s:i}", "facilities", 0, "beds", 0,
                                      "used", 0, "icu_beds", 0, "icu_used", 0));
    size_t i;
    json_t *f;
    json_array_foreach(items, i, f)
    {
        const char *kind = json_string_value(json_object_get(f, "kind"));
        char name[16] = "";
        if (strcmp(kind, "quarantine") == 0 || strcmp(kind, "hotel") == 0)
            snprintf(name, sizeof name, "quarantine");
        else if (strcmp(kind, "treatment") == 0)
            snprintf(name, sizeof name, "tier%lld",
                     (long long)json_integer_value(json_object_get(f, "tier")));
        json_t *g = name[0] ? json_object_get(groups, name) : NULL;
        if (!g)
            continue;
        const char *keys[] = {"beds", "used", "icu_beds", "icu_used"};
        for (int k = 0; k < 4; k++)
            json_object_set_new(g, keys[k],
                                json_integer(json_integer_value(json_object_get(g, keys[k])) +
                                             json_integer_value(json_object_get(f, keys[k]))));
        json_object_set_new(g, "facilities",
                            json_integer(json_integer_value(json_object_get(g, "facilities")) + 1));
    }
    return groups;
}

static int trend(sqlite3 *db, const pd_actor *a, const char *day, json_int_t counts[2][2],
                 pd_err *err)
{
    char scope[64], sql[4096];
    pdq_scope_sql(a, "f", scope, sizeof scope);
    snprintf(sql, sizeof sql, TREND_SQL, scope);
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    pdq_bind_scope(st, a);
    for (int i = 0; i < 2 && sqlite3_step(st) == SQLITE_ROW; i++) {
        counts[i][0] = sqlite3_column_int64(st, 1);
        counts[i][1] = sqlite3_column_int64(st, 2);
    }
    pd_db_release(st);
    return PD_OK;
}

int pd_capacity(sqlite3 *db, const pd_actor *actor, const char *unit, const char *day, json_t **out,
                pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_QUARANTINE_READ) && !pd_actor_can(actor, PD_PERM_CARE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem công suất");
    char on[11];
    pd_actor a;
    if (pdq_day(day, "date", on, err) != PD_OK || pdq_narrow(db, actor, unit, &a, err) != PD_OK)
        return err->code;
    json_t *items = facility_rows(db, &a, "", err);
    if (!items)
        return PD_EDB;
    json_t *groups = groups_of(items);
    json_int_t counts[2][2] = {{0, 0}, {0, 0}};
    if (trend(db, &a, on, counts, err) != PD_OK) {
        json_decref(items);
        json_decref(groups);
        return err->code;
    }
    add_projection(json_object_get(groups, "quarantine"), counts[0][0], counts[0][1]);
    /* The treatment trend is one figure for all tiers: shown on the total. */
    json_t *treat = json_pack("{s:I, s:I}", "beds", (json_int_t)0, "used", (json_int_t)0);
    for (int t = 1; t <= 3; t++) {
        char key[8];
        snprintf(key, sizeof key, "tier%d", t);
        json_t *g = json_object_get(groups, key);
        json_object_set_new(treat, "beds",
                            json_integer(json_integer_value(json_object_get(treat, "beds")) +
                                         json_integer_value(json_object_get(g, "beds"))));
        json_object_set_new(treat, "used",
                            json_integer(json_integer_value(json_object_get(treat, "used")) +
                                         json_integer_value(json_object_get(g, "used")) +
                                         json_integer_value(json_object_get(g, "icu_used"))));
    }
    add_projection(treat, counts[1][0], counts[1][1]);
    json_object_set_new(groups, "treatment", treat);
    *out = json_pack("{s:s, s:o, s:o}", "date", on, "groups", groups, "facilities", items);
    return PD_OK;
}
