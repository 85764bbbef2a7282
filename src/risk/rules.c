/* The rule sets of the risk level as stored rows (risk_rules + risk_matrix): the rule in force for
 * a date and province, the list an account sees, and a province's or the admin's adjustment of a
 * row (audited in its transaction). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "risk/risk.h"
#include "store/db.h"

#define RULE_COLS                                                                                  \
    "id, code, name, legal_basis, effective_from, ifnull(effective_to, ''),"                       \
    " ifnull(province_code, ''), method, band2_min, band3_min, band4_min, coverage_measure,"       \
    " coverage_min, elderly_age, elderly_min, quiet_days, c3_no_lower, is_default, note"

static int load_matrix(sqlite3 *db, pd_risk_rule *r, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT c1_band, c2_met, c3_met, level FROM risk_matrix WHERE rule_id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, r->id);
    for (int b = 0; b < 4; b++) /* a missing cell: the C1 band */
        for (int c = 0; c < 2; c++)
            r->matrix[b][c][0] = r->matrix[b][c][1] = b + 1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int b = sqlite3_column_int(st, 0), c2 = sqlite3_column_int(st, 1);
        int c3 = sqlite3_column_int(st, 2), lv = sqlite3_column_int(st, 3);
        if (b >= 1 && b <= 4 && c2 >= 0 && c2 <= 1 && c3 >= 0 && c3 <= 1)
            r->matrix[b - 1][c2][c3] = lv;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static void read_rule(sqlite3_stmt *st, pd_risk_rule *r)
{
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    pd_strlcpy(r->code, pd_col_text(st, 1), sizeof r->code);
    pd_strlcpy(r->name, pd_col_text(st, 2), sizeof r->name);
    pd_strlcpy(r->legal_basis, pd_col_text(st, 3), sizeof r->legal_basis);
    pd_strlcpy(r->effective_from, pd_col_text(st, 4), sizeof r->effective_from);
    pd_strlcpy(r->effective_to, pd_col_text(st, 5), sizeof r->effective_to);
    pd_strlcpy(r->province_code, pd_col_text(st, 6), sizeof r->province_code);
    pd_strlcpy(r->method, pd_col_text(st, 7), sizeof r->method);
    r->band2_min = sqlite3_column_double(st, 8);
    r->band3_min = sqlite3_column_double(st, 9);
    r->band4_min = sqlite3_column_double(st, 10);
    pd_strlcpy(r->coverage_measure, pd_col_text(st, 11), sizeof r->coverage_measure);
    r->coverage_min = sqlite3_column_double(st, 12);
    r->elderly_age = sqlite3_column_int(st, 13);
    r->elderly_min = sqlite3_column_double(st, 14);
    r->quiet_days = sqlite3_column_int(st, 15);
    r->c3_no_lower = sqlite3_column_int(st, 16) != 0;
    r->is_default = sqlite3_column_int(st, 17) != 0;
    pd_strlcpy(r->note, pd_col_text(st, 18), sizeof r->note);
}

/* Runs a query of RULE_COLS with one text or integer parameter pair; PD_ENOTFOUND if no row. */
static int one_rule(sqlite3 *db, sqlite3_stmt *st, pd_risk_rule *out, const char *field,
                    const char *message, pd_err *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_rule(st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return load_matrix(db, out, err);
    if (rc != SQLITE_DONE)
        return pd_db_error(db, err);
    return pd_fail(err, field[0] == 'w' || field[0] == 'd' ? PD_EINVAL : PD_ENOTFOUND, field, "%s",
                   message);
}

int pd_risk_rule_for(sqlite3 *db, const char *date, const char *province_code, pd_risk_rule *out,
                     pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_prepare(db,
                      "SELECT " RULE_COLS " FROM risk_rules WHERE effective_from <= ?1"
                      " AND (effective_to IS NULL OR effective_to >= ?1)"
                      " AND (province_code IS NULL OR province_code = ?2)"
                      " ORDER BY province_code IS NULL, effective_from DESC LIMIT 1",
                      err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, province_code ? province_code : "", -1, SQLITE_TRANSIENT);
    char msg[160];
    snprintf(msg, sizeof msg, "Chưa có quy định cấp độ dịch áp dụng cho ngày %s", date);
    return one_rule(db, st, out, "week", msg, err);
}

int pd_risk_rule_get(sqlite3 *db, int64_t id, pd_risk_rule *out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT " RULE_COLS " FROM risk_rules WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    return one_rule(db, st, out, "id", "Không tìm thấy quy định", err);
}

int pd_risk_rules_list(sqlite3 *db, const pd_actor *actor, pd_risk_rule_cb cb, void *ctx,
                       pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_RISK_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem cấp độ dịch");
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT " RULE_COLS " FROM risk_rules WHERE province_code IS NULL OR ?1 = '' OR"
        " province_code = ?1 OR province_code = (SELECT province_code FROM units WHERE code = ?1)"
        " ORDER BY effective_from, province_code IS NOT NULL, id",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, actor->scope_level == PD_SCOPE_COUNTRY ? "" : actor->scope_code, -1,
                      SQLITE_TRANSIENT);
    int rc, out = PD_OK;
    while (out == PD_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        pd_risk_rule r;
        read_rule(st, &r);
        out = load_matrix(db, &r, err);
        if (out == PD_OK && cb(&r, ctx) != 0)
            break;
    }
    if (out == PD_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        out = pd_db_error(db, err);
    sqlite3_finalize(st);
    return out;
}

static int check_rule(const pd_risk_rule *r, pd_err *err)
{
    if (!(r->band2_min > 0 && r->band2_min < r->band3_min && r->band3_min < r->band4_min &&
          r->band4_min < 100000))
        return pd_fail(err, PD_EINVAL, "band2_min",
                       "Các ngưỡng tiêu chí 1 phải dương và tăng dần (mức 2 < mức 3 < mức 4)");
    if (!(r->coverage_min >= 0 && r->coverage_min <= 1))
        return pd_fail(err, PD_EINVAL, "coverage_min", "Tỷ lệ bao phủ phải từ 0 đến 1");
    if (!(r->elderly_min >= 0 && r->elderly_min <= 1))
        return pd_fail(err, PD_EINVAL, "elderly_min", "Tỷ lệ người cao tuổi phải từ 0 đến 1");
    if (r->elderly_age < 18 || r->elderly_age > 100)
        return pd_fail(err, PD_EINVAL, "elderly_age", "Tuổi người cao tuổi phải từ 18 đến 100");
    if (r->quiet_days < 1 || r->quiet_days > 60)
        return pd_fail(err, PD_EINVAL, "quiet_days", "Số ngày không có ca phải từ 1 đến 60");
    for (int b = 0; b < 4; b++)
        for (int c = 0; c < 2; c++)
            for (int k = 0; k < 2; k++)
                if (r->matrix[b][c][k] < 1 || r->matrix[b][c][k] > 4)
                    return pd_fail(err, PD_EINVAL, "matrix", "Cấp độ trong bảng phải từ 1 đến 4");
    return PD_OK;
}

static int save_rule(sqlite3 *db, const pd_risk_rule *r, int64_t user, int64_t *id, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "INSERT INTO risk_rules(id, code, name, legal_basis, effective_from, effective_to,"
        " province_code, method, band2_min, band3_min, band4_min, coverage_measure, coverage_min,"
        " elderly_age, elderly_min, quiet_days, c3_no_lower, is_default, note, updated_by,"
        " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16,"
        " ?17, ?18, ?19, ?20, ?21) ON CONFLICT(id) DO UPDATE SET band2_min = ?9, band3_min = ?10,"
        " band4_min = ?11, coverage_min = ?13, elderly_age = ?14, elderly_min = ?15,"
        " quiet_days = ?16, c3_no_lower = ?17, note = ?19, updated_by = ?20, updated_at = ?21",
        err);
    if (!st)
        return PD_EDB;
    if (*id)
        sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_text(st, 2, r->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, r->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, r->legal_basis, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, r->effective_from, -1, SQLITE_TRANSIENT);
    pd_bind_text_or_null(st, 6, r->effective_to);
    pd_bind_text_or_null(st, 7, r->province_code);
    sqlite3_bind_text(st, 8, r->method, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 9, r->band2_min);
    sqlite3_bind_double(st, 10, r->band3_min);
    sqlite3_bind_double(st, 11, r->band4_min);
    sqlite3_bind_text(st, 12, r->coverage_measure, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 13, r->coverage_min);
    sqlite3_bind_int(st, 14, r->elderly_age);
    sqlite3_bind_double(st, 15, r->elderly_min);
    sqlite3_bind_int(st, 16, r->quiet_days);
    sqlite3_bind_int(st, 17, r->c3_no_lower);
    sqlite3_bind_int(st, 18, r->is_default);
    sqlite3_bind_text(st, 19, r->note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 20, user);
    sqlite3_bind_int64(st, 21, pd_now());
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return pd_db_error(db, err);
    if (!*id)
        *id = sqlite3_last_insert_rowid(db);
    st = pd_db_prepare(db,
                       "INSERT OR REPLACE INTO risk_matrix(rule_id, c1_band, c2_met, c3_met, level)"
                       " VALUES (?, ?, ?, ?, ?)",
                       err);
    if (!st)
        return PD_EDB;
    for (int b = 0; b < 4 && rc == SQLITE_DONE; b++)
        for (int c = 0; c < 2 && rc == SQLITE_DONE; c++)
            for (int k = 0; k < 2 && rc == SQLITE_DONE; k++) {
                sqlite3_reset(st);
                sqlite3_bind_int64(st, 1, *id);
                sqlite3_bind_int(st, 2, b + 1);
                sqlite3_bind_int(st, 3, c);
                sqlite3_bind_int(st, 4, k);
                sqlite3_bind_int(st, 5, r->matrix[b][c][k]);
                rc = sqlite3_step(st);
            }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

/* Which row the actor writes: its own province's copy of the national row (made if needed). */
static int target_row(sqlite3 *db, const pd_actor *actor, const pd_risk_rule *old, int64_t *id,
                      char *province, pd_err *err)
{
    *id = old->id;
    province[0] = '\0';
    if (actor->role == PD_ROLE_ADMIN) {
        pd_strlcpy(province, old->province_code, 8);
        return PD_OK;
    }
    if (actor->role != PD_ROLE_PROVINCE || !pd_actor_can(actor, PD_PERM_RISK_WRITE))
        return pd_fail(err, PD_EDENIED, "",
                       "Chỉ tài khoản cấp tỉnh hoặc quản trị được điều chỉnh quy định");
    pd_strlcpy(province, actor->scope_code, 8);
    if (old->province_code[0])
        return strcmp(old->province_code, actor->scope_code) == 0
                   ? PD_OK
                   : pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy quy định");
    sqlite3_stmt *st =
        pd_db_prepare(db, "SELECT id FROM risk_rules WHERE code = ? AND province_code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, old->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, actor->scope_code, -1, SQLITE_TRANSIENT);
    *id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return PD_OK;
}

int pd_risk_rule_adjust(sqlite3 *db, const pd_actor *actor, const pd_risk_rule *in,
                        pd_risk_rule *out, pd_err *err)
{
    pd_risk_rule old;
    int rc = pd_risk_rule_get(db, in->id, &old, err);
    if (rc != PD_OK)
        return rc;
    int64_t id = 0;
    char province[8];
    rc = target_row(db, actor, &old, &id, province, err);
    if (rc == PD_OK)
        rc = check_rule(in, err);
    if (rc != PD_OK)
        return rc;
    pd_risk_rule row = *in;
    memcpy(row.code, old.code, sizeof row.code);
    memcpy(row.name, old.name, sizeof row.name);
    memcpy(row.legal_basis, old.legal_basis, sizeof row.legal_basis);
    memcpy(row.effective_from, old.effective_from, sizeof row.effective_from);
    memcpy(row.effective_to, old.effective_to, sizeof row.effective_to);
    memcpy(row.method, old.method, sizeof row.method);
    memcpy(row.coverage_measure, old.coverage_measure, sizeof row.coverage_measure);
    pd_strlcpy(row.province_code, province, sizeof row.province_code);
    row.is_default = false;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    rc = save_rule(db, &row, actor->user_id, &id, err);
    char detail[256];
    snprintf(detail, sizeof detail, "code=%s province=%s bands=%g/%g/%g coverage=%g elderly=%d:%g",
             row.code, province[0] ? province : "-", row.band2_min, row.band3_min, row.band4_min,
             row.coverage_min, row.elderly_age, row.elderly_min);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "risk_rule", id, province, detail, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    return pd_risk_rule_get(db, id, out, err);
}
