/* Vaccination sessions (buổi tiêm: site, day, product, lot, team at a commune) and the scope
 * clauses the lists and coverage queries of vaccination share. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "people/unit_cache.h"
#include "store/db.h"
#include "vaccination/internal.h"

/* ---- scope clauses ---- */

static const char *const scope_columns[] = {NULL, "province_code", "district_code", "unit_code",
                                            "area_code"};

const char *vax_scope_clause(const pd_actor *actor, const char *alias, int n, char *out, size_t cap)
{
    if (actor->scope_level == PD_SCOPE_COUNTRY)
        snprintf(out, cap, "1");
    else
        snprintf(out, cap, "%s.%s = ?%d", alias, scope_columns[actor->scope_level], n);
    return out;
}

int vax_unit_clause(sqlite3 *db, const pd_actor *actor, const char *unit, const char *alias, int n,
                    char *out, size_t cap, int *level, char code[16], pd_err *err)
{
    if (!unit || !unit[0]) {
        *level = (int)actor->scope_level;
        pd_strlcpy(code, actor->scope_code, 16);
        if (*level == 0) {
            snprintf(out, cap, "1");
            return PD_OK;
        }
        unit = actor->scope_code;
    }
    pd_unit_info u;
    if (!pd_unit_cache_get(db, unit, &u))
        return pd_fail(err, PD_ENOTFOUND, "unit", "Không có đơn vị hành chính mã %s", unit);
    bool visible =
        actor->scope_level == PD_SCOPE_COUNTRY ||
        (actor->scope_level == PD_SCOPE_PROVINCE &&
         strcmp(u.province_code, actor->scope_code) == 0) ||
        (actor->scope_level == PD_SCOPE_DISTRICT &&
         strcmp(u.district_code, actor->scope_code) == 0) ||
        (actor->scope_level == PD_SCOPE_COMMUNE && strcmp(u.commune_code, actor->scope_code) == 0);
    if (!visible || u.level < 1 || u.level > 4)
        return pd_fail(err, PD_ENOTFOUND, "unit", "Không có đơn vị hành chính mã %s", unit);
    *level = u.level;
    pd_strlcpy(code, u.code, 16);
    snprintf(out, cap, "%s.%s = ?%d", alias, scope_columns[u.level], n);
    return PD_OK;
}

/* ---- sessions ---- */

#define SESSION_COLS                                                                               \
    "s.id, s.site, s.session_date, s.product_code, s.lot, s.team, s.unit_code, s.district_code,"   \
    " s.province_code, s.created_at, (SELECT count(*) FROM doses d WHERE d.session_id = s.id)"

static void session_from_row(sqlite3_stmt *st, pd_vsession *s)
{
    memset(s, 0, sizeof *s);
    s->id = sqlite3_column_int64(st, 0);
    pd_strlcpy(s->site, pd_col_text(st, 1), sizeof s->site);
    pd_strlcpy(s->session_date, pd_col_text(st, 2), sizeof s->session_date);
    pd_strlcpy(s->product_code, pd_col_text(st, 3), sizeof s->product_code);
    pd_strlcpy(s->lot, pd_col_text(st, 4), sizeof s->lot);
    pd_strlcpy(s->team, pd_col_text(st, 5), sizeof s->team);
    pd_strlcpy(s->unit_code, pd_col_text(st, 6), sizeof s->unit_code);
    pd_strlcpy(s->district_code, pd_col_text(st, 7), sizeof s->district_code);
    pd_strlcpy(s->province_code, pd_col_text(st, 8), sizeof s->province_code);
    s->created_at = sqlite3_column_int64(st, 9);
    s->doses = sqlite3_column_int64(st, 10);
}

static int check_session(sqlite3 *db, const pd_actor *actor, pd_vsession *s, pd_err *err)
{
    char site[128], team[128], lot[32];
    if (!pd_nfc_clean(s->site, site, sizeof site) || !site[0])
        return pd_fail(err, PD_EINVAL, "site", "Chưa ghi địa điểm tiêm");
    pd_nfc_clean(s->team, team, sizeof team);
    pd_nfc_clean(s->lot, lot, sizeof lot);
    pd_strlcpy(s->site, site, sizeof s->site);
    pd_strlcpy(s->team, team, sizeof s->team);
    pd_strlcpy(s->lot, lot, sizeof s->lot);
    long d = vax_day(s->session_date);
    char today[12];
    vax_today(today);
    if (d < 0)
        return pd_fail(err, PD_EINVAL, "session_date", "Ngày tiêm không hợp lệ");
    vax_day_format(d, s->session_date, sizeof s->session_date);
    if (d > vax_day(today) || d < vax_day(VAX_FIRST_DAY))
        return pd_fail(err, PD_EINVAL, "session_date",
                       "Ngày của buổi tiêm phải từ 01/01/2021 đến hôm nay");
    pd_vaccine_product p;
    if (vax_product_get(db, s->product_code, &p, err) != PD_OK)
        return PD_EINVAL;
    pd_unit_info u;
    if (!pd_unit_cache_get(db, s->unit_code, &u) || u.level < 3 ||
        !pd_scope_covers(actor, u.province_code, u.district_code, u.commune_code))
        return pd_fail(err, PD_EINVAL, "unit_code", "Chọn một xã/phường trong phạm vi của bạn");
    pd_strlcpy(s->unit_code, u.commune_code, sizeof s->unit_code);
    pd_strlcpy(s->district_code, u.district_code, sizeof s->district_code);
    pd_strlcpy(s->province_code, u.province_code, sizeof s->province_code);
    return PD_OK;
}

int pd_vsession_create(sqlite3 *db, const pd_actor *actor, pd_vsession *s, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được tạo buổi tiêm");
    int rc = check_session(db, actor, s, err);
    if (rc != PD_OK || (rc = pd_db_begin(db, err)) != PD_OK)
        return rc;
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "INSERT INTO vaccination_sessions(site, session_date, product_code, lot, team,"
                     " unit_code, district_code, province_code, created_at, created_by)"
                     " VALUES (?,?,?,?,?,?,?,?,?,?)",
                     err);
    rc = st ? PD_OK : PD_EDB;
    if (st) {
        s->created_at = pd_now();
        const char *texts[] = {s->site, s->session_date, s->product_code,  s->lot,
                               s->team, s->unit_code,    s->district_code, s->province_code};
        for (int i = 0; i < 8; i++)
            sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 9, s->created_at);
        if (actor->user_id)
            sqlite3_bind_int64(st, 10, actor->user_id);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
        s->id = sqlite3_last_insert_rowid(db);
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "vaccination_session", s->id, s->unit_code,
                            s->site, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}

int pd_vsession_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_vsession *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem buổi tiêm");
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT " SESSION_COLS " FROM vaccination_sessions s WHERE s.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found)
        session_from_row(st, out);
    pd_db_release(st);
    if (!found || !pd_scope_covers(actor, out->province_code, out->district_code, out->unit_code))
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy buổi tiêm này");
    return PD_OK;
}

int pd_vsessions_list(sqlite3 *db, const pd_actor *actor, const char *unit, int limit,
                      pd_vsession_cb cb, void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem buổi tiêm");
    char scope[64], filter[64], code[16];
    int level;
    int rc = vax_unit_clause(db, actor, unit, "s", 2, filter, sizeof filter, &level, code, err);
    if (rc != PD_OK)
        return rc;
    if (level == 4)
        snprintf(filter, sizeof filter, "s.unit_code = ?2");
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT " SESSION_COLS " FROM vaccination_sessions s WHERE %s AND %s"
             " ORDER BY s.session_date DESC, s.id DESC LIMIT ?3",
             vax_scope_clause(actor, "s", 1, scope, sizeof scope), filter);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 1, pd_scope_param(actor), -1, SQLITE_STATIC);
    if (level == 4) {
        pd_unit_info u;
        pd_unit_cache_get(db, code, &u);
        pd_strlcpy(code, u.commune_code, sizeof code);
    }
    if (level > 0)
        sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, limit > 0 && limit <= 1000 ? limit : 100);
    while (sqlite3_step(st) == SQLITE_ROW) {
        pd_vsession s;
        session_from_row(st, &s);
        if (cb(&s, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    return PD_OK;
}
