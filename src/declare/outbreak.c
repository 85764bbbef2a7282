/* Outbreak areas: units of any level marked between two local dates by district or province staff,
 * and the lookup the alert rules use (a unit is in an outbreak area when it or an ancestor is). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "declare/internal.h"
#include "people/unit_cache.h"
#include "store/db.h"

#define OUTBREAK_COLUMNS                                                                           \
    "o.id, o.unit_code, u.name, u.level, o.from_date, coalesce(o.to_date, ''), o.note,"            \
    " coalesce(o.created_by, 0), o.created_at"

static void from_row(sqlite3_stmt *st, pd_outbreak_area *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    pd_strlcpy(a->unit_code, pd_col_text(st, 1), sizeof a->unit_code);
    pd_strlcpy(a->unit_name, pd_col_text(st, 2), sizeof a->unit_name);
    a->level = sqlite3_column_int(st, 3);
    pd_strlcpy(a->from_date, pd_col_text(st, 4), sizeof a->from_date);
    pd_strlcpy(a->to_date, pd_col_text(st, 5), sizeof a->to_date);
    pd_strlcpy(a->note, pd_col_text(st, 6), sizeof a->note);
    a->created_by = sqlite3_column_int64(st, 7);
    a->created_at = sqlite3_column_int64(st, 8);
}

static int load(sqlite3 *db, int64_t id, pd_outbreak_area *out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT " OUTBREAK_COLUMNS " FROM outbreak_areas o JOIN units u"
                                    " ON u.code = o.unit_code WHERE o.id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW)
        from_row(st, out);
    else
        rc = s == SQLITE_DONE ? pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy vùng dịch này")
                              : pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

/* A date field: "" becomes today; otherwise it must be a full date. Rewritten as YYYY-MM-DD. */
static int check_date(char *date, size_t cap, const char *field, const char *label, pd_err *err)
{
    int64_t days;
    if (!date[0]) {
        pd_declare_local_date(pd_now(), date);
        return PD_OK;
    }
    if (!pd_declare_date_days(date, &days))
        return pd_fail(err, PD_EINVAL, field, "%s không hợp lệ: ghi theo dạng ngày/tháng/năm",
                       label);
    char iso[12];
    pd_declare_days_date(days, iso);
    pd_strlcpy(date, iso, cap);
    return PD_OK;
}

static int validate(pd_outbreak_area *a, pd_err *err)
{
    char note[sizeof a->note];
    if (check_date(a->from_date, sizeof a->from_date, "from_date", "Ngày bắt đầu", err) != PD_OK)
        return PD_EINVAL;
    if (a->to_date[0]) {
        if (check_date(a->to_date, sizeof a->to_date, "to_date", "Ngày kết thúc", err) != PD_OK)
            return PD_EINVAL;
        if (strcmp(a->to_date, a->from_date) < 0)
            return pd_fail(err, PD_EINVAL, "to_date", "Ngày kết thúc phải từ ngày bắt đầu trở đi");
    }
    if (!pd_nfc_clean(a->note, note, sizeof note) || pd_utf8_length(note) > 200)
        return pd_fail(err, PD_EINVAL, "note", "Ghi chú quá dài (tối đa 200 ký tự)");
    pd_strlcpy(a->note, note, sizeof a->note);
    return PD_OK;
}

static int insert(sqlite3 *db, const pd_actor *actor, pd_outbreak_area *a, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "INSERT INTO outbreak_areas(unit_code, from_date, to_date, note,"
                     " created_by, created_at) VALUES (?,?,?,?,?,?)",
                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, a->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, a->from_date, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 3, a->to_date);
    sqlite3_bind_text(st, 4, a->note, -1, SQLITE_STATIC);
    if (actor->user_id)
        sqlite3_bind_int64(st, 5, actor->user_id);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, pd_now());
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    a->id = sqlite3_last_insert_rowid(db);
    char detail[256];
    snprintf(detail, sizeof detail, "vùng dịch từ %s%s%s", a->from_date,
             a->to_date[0] ? " đến " : "", a->to_date);
    return pd_audit_write(db, actor, "create", "outbreak_area", a->id, a->unit_code, detail, err);
}

int pd_outbreak_add(sqlite3 *db, const pd_actor *actor, pd_outbreak_area *a, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_OUTBREAK_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được công bố vùng dịch");
    if (!pd_declare_unit_in_scope(db, actor, a->unit_code))
        return pd_fail(err, PD_ENOTFOUND, "unit_code", "Không có đơn vị hành chính này");
    if (validate(a, err) != PD_OK)
        return PD_EINVAL;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = insert(db, actor, a, err);
    rc = pd_db_end(db, rc, err);
    return rc == PD_OK ? load(db, a->id, a, err) : rc;
}

static int write_end(sqlite3 *db, const pd_actor *actor, pd_outbreak_area *a, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "UPDATE outbreak_areas SET to_date = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, a->to_date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a->id);
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    char detail[64];
    snprintf(detail, sizeof detail, "kết thúc vùng dịch ngày %s", a->to_date);
    return pd_audit_write(db, actor, "update", "outbreak_area", a->id, a->unit_code, detail, err);
}

/* The marking may end on to_date: it is in scope, still open (or ends later), and starts before. */
static int check_end(sqlite3 *db, const pd_actor *actor, pd_outbreak_area *a, const char *to_date,
                     pd_err *err)
{
    char today[12], end[12];
    if (!pd_declare_unit_in_scope(db, actor, a->unit_code))
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy vùng dịch này");
    pd_declare_local_date(pd_now(), today);
    pd_strlcpy(end, to_date ? to_date : "", sizeof end);
    if (check_date(end, sizeof end, "to_date", "Ngày kết thúc", err) != PD_OK)
        return PD_EINVAL;
    if (a->to_date[0] && strcmp(a->to_date, today) < 0)
        return pd_fail(err, PD_ECONFLICT, "to_date", "Vùng dịch này đã kết thúc từ trước");
    if (strcmp(end, a->from_date) < 0)
        return pd_fail(err, PD_EINVAL, "to_date", "Ngày kết thúc phải từ ngày bắt đầu trở đi");
    pd_strlcpy(a->to_date, end, sizeof a->to_date);
    return PD_OK;
}

int pd_outbreak_end(sqlite3 *db, const pd_actor *actor, int64_t id, const char *to_date,
                    pd_outbreak_area *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_OUTBREAK_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được công bố vùng dịch");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = load(db, id, out, err);
    if (rc == PD_OK)
        rc = check_end(db, actor, out, to_date, err);
    if (rc == PD_OK)
        rc = write_end(db, actor, out, err);
    return pd_db_end(db, rc, err);
}

int pd_outbreak_list(sqlite3 *db, const pd_actor *actor, bool active_only, pd_outbreak_cb cb,
                     void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_UNITS_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem vùng dịch");
    char today[12];
    pd_declare_local_date(pd_now(), today);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT " OUTBREAK_COLUMNS " FROM outbreak_areas o JOIN units u"
                                    " ON u.code = o.unit_code WHERE ?1 = 0 OR (o.from_date <= ?2"
                                    " AND (o.to_date IS NULL OR o.to_date >= ?2))"
                                    " ORDER BY o.id DESC LIMIT 1000",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int(st, 1, active_only);
    sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
    int s, rc = PD_OK;
    pd_outbreak_area a;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        from_row(st, &a);
        if (cb(&a, ctx) != 0)
            break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

int pd_outbreak_match(sqlite3 *db, const char *unit_code, const char *date, bool *found,
                      pd_outbreak_area *hit, pd_err *err)
{
    pd_unit_info u;
    *found = false;
    if (!unit_code[0] || !pd_unit_cache_get(db, unit_code, &u))
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT " OUTBREAK_COLUMNS " FROM outbreak_areas o JOIN units u"
                                    " ON u.code = o.unit_code WHERE o.unit_code IN (?1, ?2, ?3, ?4)"
                                    " AND o.from_date <= ?5 AND (o.to_date IS NULL OR"
                                    " o.to_date >= ?5) ORDER BY u.level DESC, o.id LIMIT 1",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, u.commune_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u.district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, u.province_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, date, -1, SQLITE_STATIC);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW) {
        from_row(st, hit);
        *found = true;
    } else if (s != SQLITE_DONE) {
        rc = pd_db_error(db, err);
    }
    pd_db_release(st);
    return rc;
}
