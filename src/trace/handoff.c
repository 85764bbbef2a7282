/* Hand-off lists and chains of transmission: the saved F1/F2 of active cases living in the
 * caller's scope, grouped by commune or by thôn/tổ (what one community team covers), as rows for
 * the API and as an XLSX workbook; and the cases with their contacts as compact arrays for the
 * graph. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "people/unit_cache.h"
#include "store/db.h"
#include "trace/handoff.h"
#include "trace/trace_json.h"

/* The column of a table alias that a unit code of this level narrows. */
static const char *unit_column(int level)
{
    switch (level) {
    case 1:
        return "province_code";
    case 2:
        return "district_code";
    case 3:
        return "unit_code";
    default:
        return "area_code";
    }
}

/* Builds "scope AND unit" for alias into sql; binds come from params (at most 2). */
static int where_scope(sqlite3 *db, const pd_actor *actor, const char *alias, const char *unit_code,
                       char *sql, size_t cap, const char **params, int *nparams, pd_err *err)
{
    char scope[128];
    const char *cond = pd_scope_sql(actor, alias, scope, sizeof scope);
    *nparams = 0;
    if (pd_scope_param(actor))
        params[(*nparams)++] = pd_scope_param(actor);
    size_t n = (size_t)snprintf(sql, cap, "%s", cond);
    if (!unit_code || !*unit_code)
        return 0;
    pd_unit_info u;
    if (!pd_unit_cache_get(db, unit_code, &u) ||
        !pd_scope_covers(actor, u.province_code, u.district_code, u.commune_code))
        return pd_fail(err, PD_EINVAL, "unit", "Đơn vị không có hoặc ngoài phạm vi quản lý");
    snprintf(sql + n, cap - n, " AND %s.%s = ?", alias, unit_column(u.level));
    params[(*nparams)++] = unit_code;
    return 0;
}

int pd_handoff_list(sqlite3 *db, const pd_actor *actor, const pd_handoff_query *q, pd_handoff_cb cb,
                    void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem danh sách F1, F2");
    char where[256], sql[1024];
    const char *params[2];
    int np;
    if (where_scope(db, actor, "k", q->unit_code, where, sizeof where, params, &np, err) != 0)
        return err->code;
    snprintf(sql, sizeof sql,
             "SELECT k.case_id, k.person_id, k.level, coalesce(k.via_person_id, 0),"
             " k.exposure_at, k.evidence, k.unit_code, coalesce(k.area_code, ''), p.full_name"
             " FROM contacts k JOIN cases c ON c.id = k.case_id JOIN people p ON p.id = c.person_id"
             " WHERE c.status = 'active' AND %s AND (?%d = 0 OR k.level = ?%d)"
             " AND (?%d = 0 OR k.case_id = ?%d)"
             " ORDER BY %s, k.person_id, k.level, k.exposure_at",
             where, np + 1, np + 1, np + 2, np + 2,
             q->by_area ? "k.unit_code, coalesce(k.area_code, '')" : "k.unit_code");
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return err->code;
    for (int i = 0; i < np; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, np + 1, q->level);
    sqlite3_bind_int64(st, np + 2, q->case_id);
    int rc;
    int64_t last_person = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pd_handoff_row r = {.case_id = sqlite3_column_int64(st, 0),
                            .person_id = sqlite3_column_int64(st, 1),
                            .level = sqlite3_column_int(st, 2),
                            .via_person_id = sqlite3_column_int64(st, 3),
                            .exposure_at = sqlite3_column_int64(st, 4),
                            .evidence = (const char *)sqlite3_column_text(st, 5)};
        if (r.person_id == last_person)
            continue; /* a contact of several cases: listed once, at its nearest level */
        last_person = r.person_id;
        snprintf(r.unit_code, sizeof r.unit_code, "%s", sqlite3_column_text(st, 6));
        snprintf(r.area_code, sizeof r.area_code, "%s", sqlite3_column_text(st, 7));
        snprintf(r.case_name, sizeof r.case_name, "%s", sqlite3_column_text(st, 8));
        if (cb(&r, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
    return 0;
}

/* ---- XLSX --------------------------------------------------------------------------------- */

typedef struct sheet {
    sqlite3 *db;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    lxw_row_t row;
} sheet;

static const char *const headers[] = {
    "STT",       "Họ và tên",   "Năm sinh",        "Điện thoại",   "Địa chỉ",    "Thôn/tổ",
    "Xã/phường", "Mức",         "Ca bệnh",         "Tiếp xúc lúc", "Bằng chứng", "Cách ly từ",
    "Số ngày",   "Nơi cách ly", "Ngày xét nghiệm", "Theo quy định"};
static const double widths[] = {6, 26, 9, 13, 34, 18, 20, 6, 24, 20, 40, 12, 8, 12, 16, 18};

static void evidence_text(const char *raw, char *out, size_t cap)
{
    json_t *a = json_loads(raw ? raw : "[]", 0, NULL);
    size_t n = 0, i;
    json_t *e;
    out[0] = '\0';
    json_array_foreach(a, i, e)
    {
        const char *kind = json_string_value(json_object_get(e, "kind"));
        char when[40];
        pd_format_local(json_integer_value(json_object_get(e, "from")), when, sizeof when);
        when[16] = '\0';
        const char *label = !kind                            ? ""
                            : strcmp(kind, "household") == 0 ? "cùng hộ"
                            : strcmp(kind, "venue") == 0     ? "cùng địa điểm"
                            : strcmp(kind, "declared") == 0  ? "ca bệnh khai báo"
                                                             : "thêm thủ công";
        if (n < cap)
            n += (size_t)snprintf(out + n, cap - n, "%s%s %s", i ? "; " : "", label,
                                  strcmp(kind ? kind : "", "venue") == 0 ? when + 11 : "");
        if (i >= 2)
            break;
    }
    json_decref(a);
}

static int write_row(const pd_handoff_row *r, void *vctx)
{
    sheet *x = vctx;
    pd_trace_person p;
    if (pd_trace_person_read(x->db, r->person_id, &p) != 1)
        return 0;
    pd_unit_info area, unit;
    char when[40], ev[256], tests[64] = "", start[12] = "", place[32] = "", rule[64] = "";
    int days = 0;
    pd_format_local(r->exposure_at, when, sizeof when);
    when[16] = '\0';
    when[10] = ' ';
    evidence_text(r->evidence, ev, sizeof ev);
    json_t *order = pd_trace_order_json(x->db, r->person_id, r->case_id);
    if (json_is_object(order)) {
        snprintf(start, sizeof start, "%s",
                 json_string_value(json_object_get(order, "start_date")));
        days = (int)json_integer_value(json_object_get(order, "quarantine_days"));
        const char *pl = json_string_value(json_object_get(order, "place"));
        snprintf(place, sizeof place, "%s",
                 pl && strcmp(pl, "home") == 0 ? "Tại nhà" : "Tập trung");
        snprintf(rule, sizeof rule, "%s", json_string_value(json_object_get(order, "rule")));
        char *t = json_dumps(json_object_get(order, "test_days"), JSON_COMPACT);
        snprintf(tests, sizeof tests, "%s", t ? t : "");
        free(t);
    }
    json_decref(order);
    char year[8];
    snprintf(year, sizeof year, "%.4s", p.birth_date);
    const char *cells[16] = {
        [1] = p.full_name,
        [2] = year,
        [3] = p.phone,
        [4] = p.address,
        [5] = *r->area_code && pd_unit_cache_get(x->db, r->area_code, &area) ? area.name : "",
        [6] = pd_unit_cache_get(x->db, r->unit_code, &unit) ? unit.name : r->unit_code,
        [7] = r->level == 1 ? "F1" : "F2",
        [8] = r->case_name,
        [9] = when,
        [10] = ev,
        [11] = start,
        [13] = place,
        [14] = tests,
        [15] = rule};
    lxw_row_t row = ++x->row;
    worksheet_write_number(x->ws, row, 0, (double)row, NULL);
    if (days)
        worksheet_write_number(x->ws, row, 12, days, NULL);
    for (lxw_col_t c = 1; c < 16; c++)
        if (cells[c])
            worksheet_write_string(x->ws, row, c, cells[c], NULL);
    return 0;
}

int pd_handoff_export(sqlite3 *db, const pd_actor *actor, const pd_handoff_query *q,
                      const char *path, int64_t *rows, pd_err *err)
{
    sheet x = {.db = db};
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
    x.wb = workbook_new_opt(path, &o);
    if (!x.wb)
        return pd_fail(err, PD_EIO, "file", "Không tạo được tệp %s", path);
    x.ws = workbook_add_worksheet(x.wb, "F1 F2");
    x.bold = workbook_add_format(x.wb);
    format_set_bold(x.bold);
    for (size_t c = 0; c < sizeof headers / sizeof headers[0]; c++) {
        worksheet_set_column(x.ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
        worksheet_write_string(x.ws, 0, (lxw_col_t)c, headers[c], x.bold);
    }
    int rc = pd_handoff_list(db, actor, q, write_row, &x, err);
    lxw_error e = workbook_close(x.wb);
    if (rc == 0 && e != LXW_NO_ERROR)
        rc = pd_fail(err, PD_EIO, "file", "Không ghi được tệp %s (%s)", path, lxw_strerror(e));
    if (rc == 0) {
        *rows = (int64_t)x.row;
        pd_audit_read(db, actor, "handoff", q->case_id, q->unit_code, "export");
    }
    return rc;
}

/* ---- Chains ------------------------------------------------------------------------------- */

static int chain_contacts(sqlite3 *db, int64_t case_id, json_t *contacts, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT person_id, level, coalesce(via_person_id, 0) FROM contacts WHERE case_id = ?",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, case_id);
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(contacts, json_pack("[I, I, i, I]", (json_int_t)case_id,
                                                  (json_int_t)sqlite3_column_int64(st, 0),
                                                  sqlite3_column_int(st, 1),
                                                  (json_int_t)sqlite3_column_int64(st, 2)));
    pd_db_release(st);
    return 0;
}

static int64_t day_bound(const char *s, int64_t def, int64_t add)
{
    pd_date d;
    if (!s || !*s || !pd_date_parse(s, &d) || d.month == 0)
        return def;
    return pd_local_midnight(&d) + add;
}

int pd_chains_read(sqlite3 *db, const pd_actor *actor, const pd_chains_query *q, json_t *cases,
                   json_t *contacts, bool *truncated, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem chuỗi lây nhiễm");
    char where[256], sql[1024];
    const char *params[2];
    int np;
    if (where_scope(db, actor, "c", q->unit_code, where, sizeof where, params, &np, err) != 0)
        return err->code;
    int limit = q->limit > 0 && q->limit <= 20000 ? q->limit : 5000;
    snprintf(sql, sizeof sql,
             "SELECT c.id, c.person_id, coalesce(c.source_case_id, 0), c.status, c.confirmed_at,"
             " c.unit_code, p.full_name FROM cases c JOIN people p ON p.id = c.person_id"
             " WHERE %s AND c.confirmed_at >= ?%d AND c.confirmed_at < ?%d"
             " ORDER BY c.confirmed_at DESC, c.id DESC LIMIT ?%d",
             where, np + 1, np + 2, np + 3);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return err->code;
    for (int i = 0; i < np; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, np + 1, day_bound(q->from, 0, 0));
    sqlite3_bind_int64(st, np + 2, day_bound(q->to, INT64_MAX, 86400));
    sqlite3_bind_int(st, np + 3, limit + 1);
    int rc, n = 0;
    *truncated = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (++n > limit) {
            *truncated = true;
            break;
        }
        int64_t id = sqlite3_column_int64(st, 0);
        json_array_append_new(
            cases, json_pack("[I, I, I, s, I, s, s]", (json_int_t)id,
                             (json_int_t)sqlite3_column_int64(st, 1),
                             (json_int_t)sqlite3_column_int64(st, 2), sqlite3_column_text(st, 3),
                             (json_int_t)sqlite3_column_int64(st, 4), sqlite3_column_text(st, 5),
                             sqlite3_column_text(st, 6)));
        if (chain_contacts(db, id, contacts, err) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
    return 0;
}
