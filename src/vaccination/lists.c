/* The work lists of vaccination: people of a unit not yet vaccinated (optionally in a priority
 * group), people due for their next dose by the end of a week (the product's interval, the mixing
 * and booster rules through vax_next), and both as invitations in an XLSX file. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "audit/audit.h"
#include "base/text.h"
#include "store/db.h"
#include "vaccination/internal.h"

#define PERSON_COLS                                                                                \
    "p.id, p.full_name, coalesce(p.birth_date,''), coalesce(p.phone,''), p.address, p.unit_code,"  \
    " coalesce((SELECT group_concat(group_code) FROM person_priority_groups g"                     \
    " WHERE g.person_id = p.id),'')"

#define NOT_DEFERRED                                                                               \
    " AND NOT EXISTS (SELECT 1 FROM vaccination_deferrals v WHERE v.person_id = p.id AND"          \
    " (v.kind = 'contraindication' OR v.until_date IS NULL OR v.until_date >= ?1))"

#define IN_GROUP                                                                                   \
    " AND (?6 = '' OR EXISTS (SELECT 1 FROM person_priority_groups g WHERE g.person_id = p.id"     \
    " AND (?6 = '*' OR g.group_code = ?6)))"

static void build_sql(bool due, const char *scope, const char *filter, char *sql, size_t cap)
{
    if (!due) {
        snprintf(sql, cap,
                 "SELECT " PERSON_COLS ", 0, '', '' FROM people p WHERE %s AND %s AND p.id > ?4"
                 " AND NOT EXISTS (SELECT 1 FROM doses d WHERE d.person_id = p.id)"
                 " AND " VAX_AGE_SQL(1) " >= ?5" NOT_DEFERRED IN_GROUP " ORDER BY p.id",
                 scope, filter);
        return;
    }
    /* A loose filter in SQL: the smallest interval that could apply after the last dose (the
     * product's; or, once the course is complete, the booster rules in force by the Sunday, from
     * the completing dose or the first booster); vax_next decides. */
    snprintf(sql, cap,
             "SELECT " PERSON_COLS ", l.dose_number, l.product_code, l.given_on FROM people p"
             " JOIN doses l ON l.person_id = p.id AND l.dose_number = (SELECT max(x.dose_number)"
             " FROM doses x WHERE x.person_id = p.id)"
             " WHERE %s AND %s AND p.id > ?4 AND (SELECT count(*) FROM doses x WHERE"
             " x.person_id = p.id AND x.kind <> 'primary') < 2"
             " AND julianday(l.given_on) + CASE WHEN NOT EXISTS (SELECT 1 FROM doses x WHERE"
             " x.person_id = p.id AND x.completes_primary = 1) THEN (SELECT min_interval_days"
             " FROM vaccine_products WHERE code = l.product_code) ELSE (SELECT min(min_days) FROM"
             " vaccine_interval_rules WHERE effective_from <= ?7 AND kind = CASE l.kind WHEN"
             " 'primary' THEN 'booster' ELSE 'booster2' END) END"
             " <= julianday(?7)" NOT_DEFERRED IN_GROUP " ORDER BY p.id",
             scope, filter);
}

static void item_from_row(sqlite3_stmt *st, pd_vlist_item *it)
{
    memset(it, 0, sizeof *it);
    it->person_id = sqlite3_column_int64(st, 0);
    pd_strlcpy(it->full_name, pd_col_text(st, 1), sizeof it->full_name);
    pd_strlcpy(it->birth_date, pd_col_text(st, 2), sizeof it->birth_date);
    pd_strlcpy(it->phone, pd_col_text(st, 3), sizeof it->phone);
    pd_strlcpy(it->address, pd_col_text(st, 4), sizeof it->address);
    pd_strlcpy(it->unit_code, pd_col_text(st, 5), sizeof it->unit_code);
    pd_strlcpy(it->groups, pd_col_text(st, 6), sizeof it->groups);
    it->doses = sqlite3_column_int(st, 7);
    pd_strlcpy(it->last_product, pd_col_text(st, 8), sizeof it->last_product);
    pd_strlcpy(it->last_on, pd_col_text(st, 9), sizeof it->last_on);
}

static int check_query(sqlite3 *db, const pd_actor *actor, const pd_vlist_query *q, bool *due,
                       char day[12], char sunday[12], pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem danh sách tiêm chủng");
    *due = strcmp(q->list, "due") == 0;
    if (!*due && strcmp(q->list, "unvaccinated") != 0)
        return pd_fail(err, PD_EINVAL, "list", "Chọn danh sách unvaccinated hoặc due");
    if (q->date[0] && vax_day(q->date) < 0)
        return pd_fail(err, PD_EINVAL, "date", "Ngày không hợp lệ (dạng 2021-11-15)");
    if (q->date[0])
        vax_day_format(vax_day(q->date), day, 12);
    else
        vax_today(day);
    char wk[10], mon[12];
    pd_iso_week(day, wk, mon, sunday);
    if (q->group[0] && strcmp(q->group, "*") != 0) {
        sqlite3_stmt *st = pd_db_cached(db, "SELECT 1 FROM priority_groups WHERE code = ?", err);
        if (!st)
            return PD_EDB;
        sqlite3_bind_text(st, 1, q->group, -1, SQLITE_TRANSIENT);
        bool ok = sqlite3_step(st) == SQLITE_ROW;
        pd_db_release(st);
        if (!ok)
            return pd_fail(err, PD_EINVAL, "group", "Không có nhóm ưu tiên mã \"%s\"", q->group);
    }
    return PD_OK;
}

int pd_vlist(sqlite3 *db, const pd_actor *actor, const pd_vlist_query *q, pd_vlist_cb cb, void *ctx,
             bool *more, pd_err *err)
{
    if (more)
        *more = false;
    bool due = false;
    char day[12], sunday[12], scope[64], filter[64], code[16], sql[4096];
    int level, rc = check_query(db, actor, q, &due, day, sunday, err);
    if (rc == PD_OK)
        rc = vax_unit_clause(db, actor, q->unit_code, "p", 3, filter, sizeof filter, &level, code,
                             err);
    if (rc != PD_OK)
        return rc;
    build_sql(due, vax_scope_clause(actor, "p", 2, scope, sizeof scope), filter, sql, sizeof sql);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 2, pd_scope_param(actor), -1, SQLITE_STATIC);
    if (level > 0)
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, q->after_id);
    sqlite3_bind_int(st, 5, q->min_age > 0 ? q->min_age : 18);
    sqlite3_bind_text(st, 6, q->group, -1, SQLITE_STATIC);
    if (due)
        sqlite3_bind_text(st, 7, sunday, -1, SQLITE_STATIC);
    int limit = q->limit > 0 && q->limit <= 10000 ? q->limit : 100, n = 0, r;
    while (rc == PD_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        pd_vlist_item it;
        item_from_row(st, &it);
        rc = pd_dose_next(db, it.person_id, &it.next, err);
        if (rc != PD_OK || (due && (it.next.done || strcmp(it.next.earliest, sunday) > 0)))
            continue;
        if (n == limit) {
            if (more)
                *more = true;
            break;
        }
        n++;
        if (cb(&it, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- invitations as XLSX ---- */

enum {
    X_NO,
    X_NAME,
    X_BIRTH,
    X_PHONE,
    X_ADDR,
    X_UNIT,
    X_GROUPS,
    X_DOSE,
    X_PRODUCTS,
    X_FROM,
    X_COUNT
};

typedef struct sheet {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *text;
    lxw_row_t row;
} sheet;

static int export_row(const pd_vlist_item *it, void *vctx)
{
    sheet *x = vctx;
    char dose[48], from[12];
    snprintf(dose, sizeof dose, "Mũi %d (%s)", it->next.dose_number,
             strcmp(it->next.kind, "primary") == 0 ? "cơ bản" : "nhắc lại");
    vax_day_vn(it->next.earliest, from, sizeof from);
    worksheet_write_number(x->ws, x->row, X_NO, x->row, NULL);
    worksheet_write_string(x->ws, x->row, X_NAME, it->full_name, NULL);
    worksheet_write_string(x->ws, x->row, X_BIRTH, it->birth_date, x->text);
    worksheet_write_string(x->ws, x->row, X_PHONE, it->phone, x->text);
    worksheet_write_string(x->ws, x->row, X_ADDR, it->address, NULL);
    worksheet_write_string(x->ws, x->row, X_UNIT, it->unit_code, x->text);
    worksheet_write_string(x->ws, x->row, X_GROUPS, it->groups, NULL);
    worksheet_write_string(x->ws, x->row, X_DOSE, dose, NULL);
    worksheet_write_string(x->ws, x->row, X_PRODUCTS, it->next.products, NULL);
    worksheet_write_string(x->ws, x->row, X_FROM, from[0] ? from : "Ngay", x->text);
    x->row++;
    return 0;
}

static int sheet_open(sheet *x, const char *path, pd_err *err)
{
    static const char *const headers[X_COUNT] = {
        "STT",   "Họ và tên",    "Ngày sinh", "Điện thoại",        "Địa chỉ",
        "Mã xã", "Nhóm ưu tiên", "Mũi mời",   "Vắc xin được dùng", "Tiêm từ ngày"};
    static const double widths[X_COUNT] = {6, 28, 12, 14, 32, 8, 14, 20, 18, 14};
    x->wb = workbook_new(path);
    if (!x->wb)
        return pd_fail(err, PD_EIO, "file", "Không tạo được tệp %s", path);
    x->ws = workbook_add_worksheet(x->wb, "Giấy mời");
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    x->text = workbook_add_format(x->wb);
    format_set_num_format(x->text, "@");
    for (int c = 0; c < X_COUNT; c++) {
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, headers[c], x->bold);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    x->row = 1;
    return PD_OK;
}

int pd_vlist_export(sqlite3 *db, const pd_actor *actor, const pd_vlist_query *q_, const char *path,
                    int64_t *rows, pd_err *err)
{
    pd_vlist_query q = *q_;
    q.limit = 10000;
    sheet x;
    memset(&x, 0, sizeof x);
    int rc = sheet_open(&x, path, err);
    if (rc == PD_OK)
        rc = pd_vlist(db, actor, &q, export_row, &x, NULL, err);
    if (x.wb) {
        lxw_error e = workbook_close(x.wb);
        if (e != LXW_NO_ERROR && rc == PD_OK)
            rc = pd_fail(err, PD_EIO, "file", "Không ghi được tệp %s", path);
    }
    if (rc != PD_OK) {
        remove(path);
        return rc;
    }
    if (rows)
        *rows = x.row - 1;
    char detail[160];
    snprintf(detail, sizeof detail, "Xuất %u giấy mời tiêm (%s)", x.row - 1, q.list);
    return pd_audit_write(db, actor, "export", "dose", 0, q.unit_code[0] ? q.unit_code : NULL,
                          detail, err);
}
