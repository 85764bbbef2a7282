/* Households: creation, editing, membership, listing, all inside the caller's scope and audited. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "people/people.h"
#include "people/unit_cache.h"
#include "store/db.h"

#define HOUSEHOLD_COLUMNS                                                                          \
    "h.id, h.unit_code, coalesce(h.area_code,''), h.district_code, h.province_code, h.address,"    \
    " coalesce(h.head_person_id,0), (SELECT count(*) FROM people m WHERE m.household_id = h.id),"  \
    " h.created_at, h.updated_at,"                                                                 \
    " coalesce((SELECT hp.full_name FROM people hp WHERE hp.id = h.head_person_id), '')"

static void household_from_row(sqlite3_stmt *st, pd_household *h)
{
    memset(h, 0, sizeof *h);
    h->id = sqlite3_column_int64(st, 0);
    pd_strlcpy(h->unit_code, pd_col_text(st, 1), sizeof h->unit_code);
    pd_strlcpy(h->area_code, pd_col_text(st, 2), sizeof h->area_code);
    pd_strlcpy(h->district_code, pd_col_text(st, 3), sizeof h->district_code);
    pd_strlcpy(h->province_code, pd_col_text(st, 4), sizeof h->province_code);
    pd_strlcpy(h->address, pd_col_text(st, 5), sizeof h->address);
    h->head_person_id = sqlite3_column_int64(st, 6);
    h->member_count = sqlite3_column_int(st, 7);
    h->created_at = sqlite3_column_int64(st, 8);
    h->updated_at = sqlite3_column_int64(st, 9);
    pd_strlcpy(h->head_name, pd_col_text(st, 10), sizeof h->head_name);
}

static bool household_in_scope(const pd_actor *actor, const pd_household *h)
{
    return pd_scope_covers(actor, h->province_code, h->district_code, h->unit_code);
}

int pd_household_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_household *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    sqlite3_stmt *st =
        pd_db_prepare(db, "SELECT " HOUSEHOLD_COLUMNS " FROM households h WHERE h.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = PD_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        household_from_row(st, out);
    else
        out->id = 0;
    sqlite3_finalize(st);
    if (out->id == 0 || !household_in_scope(actor, out)) {
        memset(out, 0, sizeof *out);
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy hộ gia đình này");
    }
    return rc;
}

/* Resolves the household's unit/area into its codes and checks scope. */
static int check_household(sqlite3 *db, const pd_actor *actor, pd_household *h, pd_err *err)
{
    pd_unit_info u, a;
    if (!pd_unit_cache_get(db, h->unit_code, &u) || u.level < 3)
        return pd_fail(err, PD_EINVAL, "unit_code", "Mã xã, phường không tồn tại");
    if (u.level == 4) {
        pd_strlcpy(h->area_code, h->unit_code, sizeof h->area_code);
        pd_strlcpy(h->unit_code, u.commune_code, sizeof h->unit_code);
    }
    if (h->area_code[0] && (!pd_unit_cache_get(db, h->area_code, &a) || a.level != 4 ||
                            strcmp(a.commune_code, h->unit_code) != 0))
        return pd_fail(err, PD_EINVAL, "area_code",
                       "Thôn, tổ dân phố không thuộc xã, phường đã chọn");
    pd_strlcpy(h->district_code, u.district_code, sizeof h->district_code);
    pd_strlcpy(h->province_code, u.province_code, sizeof h->province_code);
    if (!household_in_scope(actor, h))
        return pd_fail(err, PD_EINVAL, "unit_code",
                       "Đơn vị này nằm ngoài phạm vi quản lý của tài khoản");
    char clean[256];
    if (!pd_nfc_clean(h->address, clean, sizeof clean) || pd_utf8_length(clean) > 250)
        return pd_fail(err, PD_EINVAL, "address", "Địa chỉ quá dài (tối đa 250 ký tự)");
    pd_strlcpy(h->address, clean, sizeof h->address);
    return PD_OK;
}

/* The head must be a person of the household's commune within scope. */
static int check_head(sqlite3 *db, const pd_actor *actor, const pd_household *h, pd_err *err)
{
    if (!h->head_person_id)
        return PD_OK;
    pd_person p;
    if (pd_person_get(db, actor, h->head_person_id, &p, err) != PD_OK)
        return pd_fail(err, PD_EINVAL, "head_person_id", "Không tìm thấy chủ hộ");
    if (strcmp(p.unit_code, h->unit_code) != 0)
        return pd_fail(err, PD_EINVAL, "head_person_id", "Chủ hộ cư trú ở xã, phường khác");
    return PD_OK;
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, pd_err *err)
{
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

int pd_household_create(sqlite3 *db, const pd_actor *actor, pd_household *h, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được thêm hộ gia đình");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = check_household(db, actor, h, err);
    if (rc == PD_OK)
        rc = check_head(db, actor, h, err);
    if (rc == PD_OK) {
        pd_inserter ins;
        rc = pd_inserter_open(db, &ins, err);
        if (rc == PD_OK) {
            rc = pd_inserter_household(&ins, h, err);
            pd_inserter_close(&ins);
        }
    }
    if (rc == PD_OK && h->head_person_id) {
        sqlite3_stmt *st = pd_db_prepare(db,
                                         "UPDATE people SET household_id = ?, relation = 'Chủ hộ',"
                                         " version = version + 1 WHERE id = ?",
                                         err);
        if (!st)
            rc = PD_EDB;
        else {
            sqlite3_bind_int64(st, 1, h->id);
            sqlite3_bind_int64(st, 2, h->head_person_id);
            rc = step_done(db, st, err);
        }
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "household", h->id, h->unit_code, h->address, err);
    return pd_db_end(db, rc, err);
}

/* A household changes commune only once its members have moved: moving it alone would leave them
 * members of a household in a commune that is not theirs. */
static int check_members_move(sqlite3 *db, const pd_household *h, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT count(*) FROM people WHERE household_id = ? AND unit_code <> ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, h->id);
    sqlite3_bind_text(st, 2, h->unit_code, -1, SQLITE_STATIC);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (n > 0)
        return pd_fail(err, PD_ECONFLICT, "unit_code",
                       "Hộ còn %d nhân khẩu thuộc xã cũ: chuyển nơi ở của từng nhân khẩu trước khi"
                       " chuyển hộ sang xã khác",
                       n);
    return PD_OK;
}

int pd_household_update(sqlite3 *db, const pd_actor *actor, pd_household *h, pd_err *err)
{
    pd_household old;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = pd_household_get(db, actor, h->id, &old, err);
    if (rc == PD_OK && !pd_actor_can(actor, PD_PERM_PEOPLE_WRITE))
        rc = pd_fail(err, PD_EDENIED, "", "Tài khoản không được sửa hộ gia đình");
    if (rc == PD_OK)
        rc = check_household(db, actor, h, err);
    if (rc == PD_OK)
        rc = check_head(db, actor, h, err);
    if (rc == PD_OK && strcmp(old.unit_code, h->unit_code) != 0)
        rc = check_members_move(db, h, err);
    if (rc == PD_OK) {
        sqlite3_stmt *st = pd_db_prepare(db,
                                         "UPDATE households SET unit_code=?, area_code=?,"
                                         " district_code=?, province_code=?, address=?,"
                                         " head_person_id=?, updated_at=? WHERE id=?",
                                         err);
        if (!st)
            rc = PD_EDB;
        else {
            sqlite3_bind_text(st, 1, h->unit_code, -1, SQLITE_STATIC);
            pd_bind_text_or_null(st, 2, h->area_code);
            sqlite3_bind_text(st, 3, h->district_code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, h->province_code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, h->address, -1, SQLITE_STATIC);
            if (h->head_person_id)
                sqlite3_bind_int64(st, 6, h->head_person_id);
            sqlite3_bind_int64(st, 7, pd_now());
            sqlite3_bind_int64(st, 8, h->id);
            rc = step_done(db, st, err);
        }
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "household", h->id, h->unit_code, h->address, err);
    return pd_db_end(db, rc, err);
}

static int write_membership(sqlite3 *db, int64_t household_id, int64_t person_id,
                            const char *relation, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "UPDATE people SET household_id = ?, relation = ?,"
                                     " updated_at = ?, version = version + 1 WHERE id = ?",
                                     err);
    if (!st)
        return PD_EDB;
    if (household_id)
        sqlite3_bind_int64(st, 1, household_id);
    else
        sqlite3_bind_null(st, 1);
    sqlite3_bind_text(st, 2, relation, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, pd_now());
    sqlite3_bind_int64(st, 4, person_id);
    return step_done(db, st, err);
}

int pd_household_set_member(sqlite3 *db, const pd_actor *actor, int64_t household_id,
                            int64_t person_id, const char *relation, pd_err *err)
{
    char rel[64];
    if (!pd_nfc_clean(relation ? relation : "", rel, sizeof rel) || pd_utf8_length(rel) > 30)
        return pd_fail(err, PD_EINVAL, "relation", "Quan hệ với chủ hộ quá dài (tối đa 30 ký tự)");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_person p;
    pd_household h;
    int rc = pd_person_get(db, actor, person_id, &p, err);
    if (rc == PD_OK && household_id)
        rc = pd_household_get(db, actor, household_id, &h, err);
    if (rc == PD_OK && !pd_actor_can(actor, PD_PERM_PEOPLE_WRITE))
        rc = pd_fail(err, PD_EDENIED, "", "Tài khoản không được sửa hộ gia đình");
    if (rc == PD_OK && household_id && strcmp(h.unit_code, p.unit_code) != 0)
        rc = pd_fail(err, PD_EINVAL, "person_id", "Người này cư trú ở xã, phường khác với hộ");
    if (rc == PD_OK)
        rc = write_membership(db, household_id, person_id, household_id ? rel : "", err);
    if (rc == PD_OK) {
        char detail[96];
        snprintf(detail, sizeof detail, "household_id=%lld", (long long)household_id);
        rc = pd_audit_write(db, actor, "update", "person", person_id, p.unit_code, detail, err);
    }
    return pd_db_end(db, rc, err);
}

int pd_households_list(sqlite3 *db, const pd_actor *actor, const char *unit_code, int64_t after_id,
                       int limit, pd_household_cb cb, void *ctx, bool *more, pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    static const char *const cols[] = {"1", "h.province_code", "h.district_code", "h.unit_code",
                                       "h.area_code"};
    pd_unit_info u = {.level = 0};
    if (unit_code && *unit_code && !pd_unit_cache_get(db, unit_code, &u))
        return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s", unit_code);
    char scope[64], unit_cond[48], sql[768];
    snprintf(unit_cond, sizeof unit_cond, "%s%s", u.level ? cols[u.level] : "1",
             u.level ? " = ?" : "");
    snprintf(sql, sizeof sql,
             "SELECT " HOUSEHOLD_COLUMNS " FROM households h WHERE %s AND %s AND h.id > ?"
             " ORDER BY h.id LIMIT ?",
             pd_scope_sql(actor, "h", scope, sizeof scope), unit_cond);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    int i = 1;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, i++, pd_scope_param(actor), -1, SQLITE_STATIC);
    if (u.level)
        sqlite3_bind_text(st, i++, unit_code, -1, SQLITE_STATIC);
    limit = limit > 0 && limit <= 500 ? limit : 50;
    sqlite3_bind_int64(st, i++, after_id);
    sqlite3_bind_int(st, i, limit + 1);
    int s, n = 0, rc = PD_OK;
    pd_household h;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (++n > limit) {
            *more = true;
            break;
        }
        household_from_row(st, &h);
        if (cb(&h, ctx) != 0)
            break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
