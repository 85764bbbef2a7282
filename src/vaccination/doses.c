/* Recording doses against registry people (checks of vaccination.h, then one row with the person's
 * unit codes and the audit entry), reading a person's doses and next dose, their priority groups
 * and contraindication/deferral notes. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "store/db.h"
#include "vaccination/internal.h"

#define NOT_FOUND_PERSON "Không tìm thấy người này trong sổ dân cư"

typedef struct vperson {
    char birth_date[12];
    char unit_code[16], district_code[16], province_code[16];
} vperson;

static int load_person(sqlite3 *db, const pd_actor *actor, int64_t id, vperson *p, pd_err *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT coalesce(birth_date,''), unit_code, district_code,"
                                    " province_code FROM people WHERE id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        pd_strlcpy(p->birth_date, pd_col_text(st, 0), sizeof p->birth_date);
        pd_strlcpy(p->unit_code, pd_col_text(st, 1), sizeof p->unit_code);
        pd_strlcpy(p->district_code, pd_col_text(st, 2), sizeof p->district_code);
        pd_strlcpy(p->province_code, pd_col_text(st, 3), sizeof p->province_code);
    }
    pd_db_release(st);
    if (!found || !pd_scope_covers(actor, p->province_code, p->district_code, p->unit_code))
        return pd_fail(err, PD_ENOTFOUND, "person_id", NOT_FOUND_PERSON);
    return PD_OK;
}

static int check_day(const char *s, char out[12], pd_err *err)
{
    char today[12];
    vax_today(today);
    long d = vax_day(s);
    if (d < 0)
        return pd_fail(err, PD_EINVAL, "given_on",
                       "Ngày tiêm không hợp lệ (dạng 2021-11-15 hoặc 15/11/2021)");
    vax_day_format(d, out, 12);
    if (strcmp(out, today) > 0)
        return pd_fail(err, PD_EINVAL, "given_on", "Ngày tiêm không được sau hôm nay");
    if (strcmp(out, VAX_FIRST_DAY) < 0)
        return pd_fail(err, PD_EINVAL, "given_on", "Ngày tiêm không được trước 01/01/2021");
    return PD_OK;
}

static int check_age(const vperson *p, const char *given_on, pd_err *err)
{
    pd_date b, g;
    if (!p->birth_date[0] || !pd_date_parse(p->birth_date, &b) || !pd_date_parse(given_on, &g))
        return PD_OK;
    if (pd_age_on(&b, &g) < 12)
        return pd_fail(err, PD_EINVAL, "person_id",
                       "Người này chưa đủ 12 tuổi vào ngày tiêm: chưa thuộc đối tượng tiêm");
    return PD_OK;
}

/* Session defaults: product, date and lot of the session, which must lie in scope. */
static int apply_session(sqlite3 *db, const pd_actor *actor, pd_dose_in *in, pd_err *err)
{
    if (in->session_id == 0)
        return PD_OK;
    pd_vsession s;
    if (pd_vsession_get(db, actor, in->session_id, &s, err) != PD_OK)
        return pd_fail(err, PD_ENOTFOUND, "session_id", "Không tìm thấy buổi tiêm này");
    if (!in->product_code[0])
        pd_strlcpy(in->product_code, s.product_code, sizeof in->product_code);
    if (!in->given_on[0])
        pd_strlcpy(in->given_on, s.session_date, sizeof in->given_on);
    if (!in->lot[0])
        pd_strlcpy(in->lot, s.lot, sizeof in->lot);
    if (!in->place[0])
        pd_strlcpy(in->place, s.site, sizeof in->place);
    return PD_OK;
}

static int insert_dose(sqlite3 *db, const pd_actor *actor, pd_dose *d, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO doses(person_id, product_code, dose_number, kind, given_on,"
        " completes_primary, session_id, lot, place, source, unit_code, district_code,"
        " province_code, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, d->person_id);
    sqlite3_bind_text(st, 2, d->product_code, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, d->dose_number);
    sqlite3_bind_text(st, 4, d->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, d->given_on, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, d->completes_primary);
    if (d->session_id)
        sqlite3_bind_int64(st, 7, d->session_id);
    pd_bind_text_or_null(st, 8, d->lot);
    sqlite3_bind_text(st, 9, d->place, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, d->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, d->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, d->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, d->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 14, d->created_at);
    if (actor->user_id)
        sqlite3_bind_int64(st, 15, actor->user_id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    pd_db_release(st);
    d->id = rc == PD_OK ? sqlite3_last_insert_rowid(db) : 0;
    return rc;
}

static int check_number(const pd_dose_in *in, const vax_history *h, pd_err *err)
{
    if (in->dose_number != 0 && in->dose_number != h->n + 1)
        return pd_fail(err, PD_EINVAL, "dose_number",
                       "Người này đã có %d mũi: mũi tiếp theo là mũi %d", h->n, h->n + 1);
    return PD_OK;
}

int pd_dose_record_tx(sqlite3 *db, const pd_actor *actor, const pd_dose_in *in_, const char *source,
                      pd_dose *out, pd_err *err)
{
    pd_dose_in in = *in_;
    pd_dose d;
    memset(&d, 0, sizeof d);
    vperson p;
    vax_history h;
    pd_vaccine_product prod;
    int rc = load_person(db, actor, in.person_id, &p, err);
    if (rc == PD_OK)
        rc = apply_session(db, actor, &in, err);
    if (rc == PD_OK && !in.product_code[0])
        rc = pd_fail(err, PD_EINVAL, "product_code", "Chưa chọn loại vắc xin");
    if (rc == PD_OK)
        rc = vax_product_get(db, in.product_code, &prod, err);
    if (rc == PD_OK)
        rc = check_day(in.given_on, d.given_on, err);
    if (rc == PD_OK)
        rc = check_age(&p, d.given_on, err);
    if (rc == PD_OK)
        rc = vax_history_load(db, in.person_id, &h, err);
    if (rc == PD_OK)
        rc = check_number(&in, &h, err);
    if (rc == PD_OK)
        rc = vax_check(db, &h, &prod, d.given_on, in.kind, d.kind, &d.completes_primary, err);
    if (rc != PD_OK)
        return rc;
    d.person_id = in.person_id;
    d.session_id = in.session_id;
    d.dose_number = h.n + 1;
    pd_strlcpy(d.product_code, prod.code, sizeof d.product_code);
    pd_strlcpy(d.product_name, prod.name, sizeof d.product_name);
    pd_nfc_clean(in.lot, d.lot, sizeof d.lot);
    pd_nfc_clean(in.place, d.place, sizeof d.place);
    pd_strlcpy(d.source, source, sizeof d.source);
    pd_strlcpy(d.unit_code, p.unit_code, sizeof d.unit_code);
    pd_strlcpy(d.district_code, p.district_code, sizeof d.district_code);
    pd_strlcpy(d.province_code, p.province_code, sizeof d.province_code);
    d.created_at = pd_now();
    rc = insert_dose(db, actor, &d, err);
    if (rc == PD_OK && out)
        *out = d;
    return rc;
}

int pd_dose_record(sqlite3 *db, const pd_actor *actor, const pd_dose_in *in, pd_dose *out,
                   pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được ghi nhận mũi tiêm");
    pd_dose d;
    int rc = pd_db_begin(db, err);
    if (rc != PD_OK)
        return rc;
    rc = pd_dose_record_tx(db, actor, in, "staff", &d, err);
    if (rc == PD_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "Mũi %d %s ngày %s cho người %lld", d.dose_number,
                 d.product_code, d.given_on, (long long)d.person_id);
        rc = pd_audit_write(db, actor, "create", "dose", d.id, d.unit_code, detail, err);
    }
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    if (out)
        *out = d;
    return PD_OK;
}

/* ---- reading ---- */

static int may_read_person(sqlite3 *db, const pd_actor *actor, int64_t person_id, vperson *p,
                           pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem thông tin tiêm chủng");
    return load_person(db, actor, person_id, p, err);
}

int pd_person_doses(sqlite3 *db, const pd_actor *actor, int64_t person_id, pd_dose_cb cb, void *ctx,
                    pd_err *err)
{
    vperson p;
    int rc = may_read_person(db, actor, person_id, &p, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT d.id, d.person_id, coalesce(d.session_id,0), d.product_code, v.name,"
        " d.dose_number, d.kind, d.given_on, d.completes_primary, coalesce(d.lot,''), d.place,"
        " d.source, d.unit_code, d.district_code, d.province_code, d.created_at FROM doses d"
        " JOIN vaccine_products v ON v.code = d.product_code WHERE d.person_id = ?"
        " ORDER BY d.dose_number",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        pd_dose d;
        memset(&d, 0, sizeof d);
        d.id = sqlite3_column_int64(st, 0);
        d.person_id = sqlite3_column_int64(st, 1);
        d.session_id = sqlite3_column_int64(st, 2);
        pd_strlcpy(d.product_code, pd_col_text(st, 3), sizeof d.product_code);
        pd_strlcpy(d.product_name, pd_col_text(st, 4), sizeof d.product_name);
        d.dose_number = sqlite3_column_int(st, 5);
        pd_strlcpy(d.kind, pd_col_text(st, 6), sizeof d.kind);
        pd_strlcpy(d.given_on, pd_col_text(st, 7), sizeof d.given_on);
        d.completes_primary = sqlite3_column_int(st, 8);
        pd_strlcpy(d.lot, pd_col_text(st, 9), sizeof d.lot);
        pd_strlcpy(d.place, pd_col_text(st, 10), sizeof d.place);
        pd_strlcpy(d.source, pd_col_text(st, 11), sizeof d.source);
        pd_strlcpy(d.unit_code, pd_col_text(st, 12), sizeof d.unit_code);
        pd_strlcpy(d.district_code, pd_col_text(st, 13), sizeof d.district_code);
        pd_strlcpy(d.province_code, pd_col_text(st, 14), sizeof d.province_code);
        d.created_at = sqlite3_column_int64(st, 15);
        if (cb(&d, ctx) != 0)
            break;
    }
    pd_db_release(st);
    pd_audit_read(db, actor, "dose", person_id, p.unit_code, "Xem lịch sử tiêm chủng");
    return PD_OK;
}

int pd_dose_next(sqlite3 *db, int64_t person_id, pd_next_dose *out, pd_err *err)
{
    vax_history h;
    int rc = vax_history_load(db, person_id, &h, err);
    return rc == PD_OK ? vax_next(db, &h, out, err) : rc;
}

/* ---- priority groups ---- */

static int group_exists(sqlite3 *db, const char *code, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "SELECT 1 FROM priority_groups WHERE code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    pd_db_release(st);
    return found ? PD_OK
                 : pd_fail(err, PD_EINVAL, "groups", "Không có nhóm ưu tiên mã \"%s\"", code);
}

static int groups_write(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                        const char *const *codes, int n, pd_err *err)
{
    sqlite3_stmt *del =
        pd_db_cached(db, "DELETE FROM person_priority_groups WHERE person_id = ?", err);
    if (!del)
        return PD_EDB;
    sqlite3_bind_int64(del, 1, person_id);
    int rc = sqlite3_step(del) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    pd_db_release(del);
    for (int i = 0; rc == PD_OK && i < n; i++) {
        sqlite3_stmt *st = pd_db_cached(db,
                                        "INSERT OR IGNORE INTO person_priority_groups(person_id,"
                                        " group_code, created_at, created_by) VALUES (?,?,?,?)",
                                        err);
        if (!st)
            return PD_EDB;
        sqlite3_bind_int64(st, 1, person_id);
        sqlite3_bind_text(st, 2, codes[i], -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, pd_now());
        if (actor->user_id)
            sqlite3_bind_int64(st, 4, actor->user_id);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
    }
    return rc;
}

int pd_person_groups_set(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                         const char *const *codes, int n, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được sửa nhóm ưu tiên");
    vperson p;
    int rc = load_person(db, actor, person_id, &p, err);
    if (rc == PD_OK && n > PD_MAX_GROUPS)
        rc = pd_fail(err, PD_EINVAL, "groups", "Tối đa %d nhóm ưu tiên", PD_MAX_GROUPS);
    for (int i = 0; rc == PD_OK && i < n; i++)
        rc = group_exists(db, codes[i], err);
    if (rc != PD_OK)
        return rc;
    if ((rc = pd_db_begin(db, err)) != PD_OK)
        return rc;
    rc = groups_write(db, actor, person_id, codes, n, err);
    if (rc == PD_OK) {
        char detail[160] = "Nhóm ưu tiên:";
        for (int i = 0; i < n; i++) {
            size_t len = strlen(detail);
            snprintf(detail + len, sizeof detail - len, " %s", codes[i]);
        }
        rc = pd_audit_write(db, actor, "update", "priority_group", person_id, p.unit_code, detail,
                            err);
    }
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}

int pd_person_groups_get(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                         char codes[PD_MAX_GROUPS][8], int *n, pd_err *err)
{
    *n = 0;
    vperson p;
    int rc = may_read_person(db, actor, person_id, &p, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT g.group_code FROM person_priority_groups g JOIN"
                                    " priority_groups pg ON pg.code = g.group_code WHERE"
                                    " g.person_id = ? ORDER BY pg.number",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    while (sqlite3_step(st) == SQLITE_ROW && *n < PD_MAX_GROUPS)
        pd_strlcpy(codes[(*n)++], pd_col_text(st, 0), 8);
    pd_db_release(st);
    return PD_OK;
}

/* ---- contraindications and deferrals ---- */

int pd_deferral_add(sqlite3 *db, const pd_actor *actor, pd_deferral *d, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được ghi chống chỉ định");
    vperson p;
    int rc = load_person(db, actor, d->person_id, &p, err);
    if (rc != PD_OK)
        return rc;
    if (strcmp(d->kind, "contraindication") != 0 && strcmp(d->kind, "deferral") != 0)
        return pd_fail(err, PD_EINVAL, "kind",
                       "Loại phải là chống chỉ định (contraindication) hoặc hoãn tiêm (deferral)");
    char reason[256];
    if (!pd_nfc_clean(d->reason, reason, sizeof reason) || !reason[0])
        return pd_fail(err, PD_EINVAL, "reason", "Chưa ghi lý do");
    pd_strlcpy(d->reason, reason, sizeof d->reason);
    if (d->until_date[0]) {
        long u = vax_day(d->until_date);
        if (u < 0)
            return pd_fail(err, PD_EINVAL, "until_date", "Ngày hết hạn hoãn tiêm không hợp lệ");
        vax_day_format(u, d->until_date, sizeof d->until_date);
    }
    if ((rc = pd_db_begin(db, err)) != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "INSERT INTO vaccination_deferrals(person_id, kind, reason,"
                                    " until_date, created_at, created_by) VALUES (?,?,?,?,?,?)",
                                    err);
    rc = st ? PD_OK : PD_EDB;
    if (st) {
        d->created_at = pd_now();
        sqlite3_bind_int64(st, 1, d->person_id);
        sqlite3_bind_text(st, 2, d->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, d->reason, -1, SQLITE_STATIC);
        pd_bind_text_or_null(st, 4, d->until_date);
        sqlite3_bind_int64(st, 5, d->created_at);
        if (actor->user_id)
            sqlite3_bind_int64(st, 6, actor->user_id);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
        d->id = sqlite3_last_insert_rowid(db);
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "vaccination_deferral", d->id, p.unit_code,
                            d->kind, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}

int pd_person_deferrals(sqlite3 *db, const pd_actor *actor, int64_t person_id, pd_deferral_cb cb,
                        void *ctx, pd_err *err)
{
    vperson p;
    int rc = may_read_person(db, actor, person_id, &p, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT id, kind, reason, coalesce(until_date,''), created_at"
                                    " FROM vaccination_deferrals WHERE person_id = ? ORDER BY id",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    while (sqlite3_step(st) == SQLITE_ROW) {
        pd_deferral d;
        memset(&d, 0, sizeof d);
        d.id = sqlite3_column_int64(st, 0);
        d.person_id = person_id;
        pd_strlcpy(d.kind, pd_col_text(st, 1), sizeof d.kind);
        pd_strlcpy(d.reason, pd_col_text(st, 2), sizeof d.reason);
        pd_strlcpy(d.until_date, pd_col_text(st, 3), sizeof d.until_date);
        d.created_at = sqlite3_column_int64(st, 4);
        if (cb(&d, ctx) != 0)
            break;
    }
    pd_db_release(st);
    return PD_OK;
}
