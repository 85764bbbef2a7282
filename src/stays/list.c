/* Listing stays (filters: unit, venue, present on a day, arrival between two days, nationality;
 * keyset paging newest first), counting them, and the XLSX export for the police. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "people/unit_cache.h"
#include "stays/stays_internal.h"
#include "store/db.h"

void pd_stay_from_row(sqlite3_stmt *st, pd_stay *s)
{
    memset(s, 0, sizeof *s);
    s->id = sqlite3_column_int64(st, 0);
    s->venue_id = sqlite3_column_int64(st, 1);
    s->person_id = sqlite3_column_int64(st, 2);
    struct {
        char *out;
        size_t cap;
    } t[] = {{s->full_name, sizeof s->full_name},
             {s->birth_date, sizeof s->birth_date},
             {s->sex, sizeof s->sex},
             {s->passport, sizeof s->passport},
             {s->nationality, sizeof s->nationality},
             {s->arrive_date, sizeof s->arrive_date},
             {s->leave_date, sizeof s->leave_date},
             {s->room, sizeof s->room},
             {s->venue_name, sizeof s->venue_name},
             {s->venue_address, sizeof s->venue_address},
             {s->unit_code, sizeof s->unit_code},
             {s->district_code, sizeof s->district_code},
             {s->province_code, sizeof s->province_code}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        pd_strlcpy(t[i].out, pd_col_text(st, 3 + (int)i), t[i].cap);
    s->created_at = sqlite3_column_int64(st, 16);
}

/* ---- the WHERE clause ---- */

#define MAX_BINDS 12

typedef struct where {
    pd_buf sql;
    const char *text[MAX_BINDS]; /* text binds, or NULL for the integer in num */
    int64_t num[MAX_BINDS];
    int n;
    char days[3][12]; /* normalised dates, bound from here */
} where;

static void add_text(where *w, const char *cond, const char *value)
{
    pd_buf_printf(&w->sql, " AND %s", cond);
    w->text[w->n++] = value;
}

static void add_int(where *w, const char *cond, int64_t value)
{
    pd_buf_printf(&w->sql, " AND %s", cond);
    w->text[w->n] = NULL;
    w->num[w->n++] = value;
}

/* Who may see what: venue staff their venue, everybody else their scope. */
static void access_filter(where *w, const pd_actor *actor)
{
    if (actor->role == PD_ROLE_VENUE) {
        add_int(w, "s.venue_id = ?", actor->venue_id);
        return;
    }
    char cond[64];
    pd_scope_sql(actor, "s", cond, sizeof cond);
    if (pd_scope_param(actor))
        add_text(w, cond, pd_scope_param(actor));
}

static int unit_filter(sqlite3 *db, where *w, const char *code, pd_err *err)
{
    if (!code[0])
        return PD_OK;
    pd_unit_info u;
    if (!pd_unit_cache_get(db, code, &u))
        return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s", code);
    static const char *const cond[] = {"", "s.province_code = ?", "s.district_code = ?",
                                       "s.unit_code = ?", "v.area_code = ?"};
    add_text(w, cond[u.level >= 1 && u.level <= 4 ? u.level : 3], code);
    return PD_OK;
}

/* Parses a filter day into w->days[slot]; PD_EINVAL naming field if it is not a date. */
static int day_filter(where *w, int slot, const char *value, const char *field, pd_err *err)
{
    pd_date d;
    if (!pd_stays_parse_day(value, &d))
        return pd_fail(err, PD_EINVAL, field, "Ngày không hợp lệ: %s (dạng ngày/tháng/năm)", value);
    pd_date_format(&d, w->days[slot], sizeof w->days[slot]);
    return PD_OK;
}

static int date_filters(where *w, const pd_stays_query *q, pd_err *err)
{
    if (q->present) {
        if (q->on[0]) {
            if (day_filter(w, 0, q->on, "on", err) != PD_OK)
                return PD_EINVAL;
        } else {
            pd_date today = pd_local_date(pd_now());
            pd_date_format(&today, w->days[0], sizeof w->days[0]);
        }
        add_text(w, "s.arrive_date <= ?", w->days[0]);
        add_text(w, "(s.leave_date IS NULL OR s.leave_date >= ?)", w->days[0]);
    }
    if (q->from[0]) {
        if (day_filter(w, 1, q->from, "from", err) != PD_OK)
            return PD_EINVAL;
        add_text(w, "s.arrive_date >= ?", w->days[1]);
    }
    if (q->to[0]) {
        if (day_filter(w, 2, q->to, "to", err) != PD_OK)
            return PD_EINVAL;
        add_text(w, "s.arrive_date <= ?", w->days[2]);
    }
    return PD_OK;
}

static void where_init(where *w)
{
    memset(w, 0, sizeof *w);
    pd_buf_init(&w->sql);
}

static int build_where(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, where *w,
                       pd_err *err)
{
    pd_buf_puts(&w->sql, " WHERE 1");
    access_filter(w, actor);
    if (unit_filter(db, w, q->unit_code, err) != PD_OK || date_filters(w, q, err) != PD_OK)
        return PD_EINVAL;
    if (q->venue_id > 0)
        add_int(w, "s.venue_id = ?", q->venue_id);
    if (q->nationality[0])
        add_text(w, "s.nationality = upper(?)", q->nationality);
    return PD_OK;
}

static void bind_where(sqlite3_stmt *st, const where *w)
{
    for (int i = 0; i < w->n; i++) {
        if (w->text[i])
            sqlite3_bind_text(st, i + 1, w->text[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, i + 1, w->num[i]);
    }
}

static int check_reader(const pd_actor *actor, pd_err *err)
{
    if (pd_actor_can(actor, PD_PERM_STAYS_READ) || pd_actor_can(actor, PD_PERM_STAYS_WRITE))
        return PD_OK;
    return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem khai báo lưu trú");
}

/* Runs the query; limit 0 means every row. */
static int run_query(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, int limit,
                     pd_stay_cb cb, void *ctx, bool *more, pd_err *err)
{
    if (more)
        *more = false;
    int rc = check_reader(actor, err);
    where w;
    where_init(&w);
    if (rc == PD_OK)
        rc = build_where(db, actor, q, &w, err);
    if (rc != PD_OK) {
        pd_buf_free(&w.sql);
        return rc;
    }
    if (q->before_id > 0)
        add_int(&w, "s.id < ?", q->before_id);
    pd_buf sql;
    pd_buf_init(&sql);
    pd_buf_printf(&sql, "SELECT " PD_STAY_COLUMNS " FROM " PD_STAY_FROM "%s ORDER BY s.id DESC",
                  w.sql.data);
    if (limit > 0)
        pd_buf_printf(&sql, " LIMIT %d", limit + 1);
    sqlite3_stmt *st = pd_db_prepare(db, sql.data, err);
    pd_buf_free(&sql);
    if (!st) {
        pd_buf_free(&w.sql);
        return PD_EDB;
    }
    bind_where(st, &w);
    int n = 0, r;
    pd_stay s;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (limit > 0 && n == limit) {
            if (more)
                *more = true;
            break;
        }
        pd_stay_from_row(st, &s);
        n++;
        if (cb(&s, ctx) != 0)
            break;
    }
    rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    pd_buf_free(&w.sql);
    return rc;
}

int pd_stays_list(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, pd_stay_cb cb,
                  void *ctx, bool *more, pd_err *err)
{
    int limit = q->limit <= 0 ? 50 : q->limit > 500 ? 500 : q->limit;
    return run_query(db, actor, q, limit, cb, ctx, more, err);
}

int pd_stays_count(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, int64_t *count,
                   pd_err *err)
{
    *count = 0;
    int rc = check_reader(actor, err);
    where w;
    where_init(&w);
    if (rc == PD_OK)
        rc = build_where(db, actor, q, &w, err);
    if (rc != PD_OK) {
        pd_buf_free(&w.sql);
        return rc;
    }
    pd_buf sql;
    pd_buf_init(&sql);
    pd_buf_printf(&sql, "SELECT count(*) FROM stays s JOIN venues v ON v.id = s.venue_id%s",
                  w.sql.data);
    sqlite3_stmt *st = pd_db_prepare(db, sql.data, err);
    pd_buf_free(&sql);
    if (st) {
        bind_where(st, &w);
        if (sqlite3_step(st) == SQLITE_ROW)
            *count = sqlite3_column_int64(st, 0);
        else
            rc = pd_db_error(db, err);
        sqlite3_finalize(st);
    } else {
        rc = PD_EDB;
    }
    pd_buf_free(&w.sql);
    return rc;
}

/* ---- venues where guests may be registered ---- */

int pd_stays_venues(sqlite3 *db, const pd_actor *actor, pd_stay_venue_cb cb, void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_STAYS_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được đăng ký lưu trú");
    char cond[64] = "v.id = ?";
    if (actor->role != PD_ROLE_VENUE)
        pd_scope_sql(actor, "v", cond, sizeof cond);
    char sql[320];
    snprintf(sql, sizeof sql,
             "SELECT v.id, v.name, v.address, v.unit_code FROM venues v WHERE %s AND v.kind ="
             " 'accommodation' AND v.closed_at IS NULL ORDER BY v.name_folded, v.id LIMIT 1000",
             cond);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    if (actor->role == PD_ROLE_VENUE)
        sqlite3_bind_int64(st, 1, actor->venue_id);
    else if (pd_scope_param(actor))
        sqlite3_bind_text(st, 1, pd_scope_param(actor), -1, SQLITE_STATIC);
    int r;
    pd_stay_venue v;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&v, 0, sizeof v);
        v.id = sqlite3_column_int64(st, 0);
        pd_strlcpy(v.name, pd_col_text(st, 1), sizeof v.name);
        pd_strlcpy(v.address, pd_col_text(st, 2), sizeof v.address);
        pd_strlcpy(v.unit_code, pd_col_text(st, 3), sizeof v.unit_code);
        if (cb(&v, ctx) != 0)
            break;
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- XLSX export ---- */

enum {
    C_NO,
    C_NAME,
    C_NAT,
    C_PASSPORT,
    C_BIRTH,
    C_SEX,
    C_VENUE,
    C_ADDRESS,
    C_UNIT,
    C_ROOM,
    C_ARRIVE,
    C_LEAVE,
    C_COUNT
};

static const char *const headers[C_COUNT] = {
    "STT",           "Họ và tên",     "Quốc tịch", "Số hộ chiếu", "Ngày sinh", "Giới tính",
    "Cơ sở lưu trú", "Địa chỉ cơ sở", "Mã xã",     "Phòng",       "Ngày đến",  "Ngày đi"};
static const double widths[C_COUNT] = {6, 28, 18, 14, 12, 9, 30, 36, 8, 8, 12, 12};

typedef struct sheet {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *text, *date;
    uint32_t row;
} sheet;

static void write_date(sheet *x, lxw_col_t col, const char *iso)
{
    pd_date d;
    if (!pd_stays_parse_day(iso, &d))
        return;
    lxw_datetime dt = {d.year, d.month, d.day, 0, 0, 0};
    worksheet_write_datetime(x->ws, x->row, col, &dt, x->date);
}

static int export_row(const pd_stay *s, void *ctx)
{
    sheet *x = ctx;
    char nat[96];
    const char *name = pd_country_name(s->nationality);
    if (strcmp(name, s->nationality) == 0)
        pd_strlcpy(nat, name, sizeof nat);
    else
        snprintf(nat, sizeof nat, "%s (%s)", name, s->nationality);
    worksheet_write_number(x->ws, x->row, C_NO, x->row, NULL);
    worksheet_write_string(x->ws, x->row, C_NAME, s->full_name, NULL);
    worksheet_write_string(x->ws, x->row, C_NAT, nat, NULL);
    worksheet_write_string(x->ws, x->row, C_PASSPORT, s->passport, x->text);
    write_date(x, C_BIRTH, s->birth_date);
    worksheet_write_string(x->ws, x->row, C_SEX, s->sex[0] == 'M' ? "Nam" : "Nữ", NULL);
    worksheet_write_string(x->ws, x->row, C_VENUE, s->venue_name, NULL);
    worksheet_write_string(x->ws, x->row, C_ADDRESS, s->venue_address, NULL);
    worksheet_write_string(x->ws, x->row, C_UNIT, s->unit_code, x->text);
    if (s->room[0])
        worksheet_write_string(x->ws, x->row, C_ROOM, s->room, x->text);
    write_date(x, C_ARRIVE, s->arrive_date);
    write_date(x, C_LEAVE, s->leave_date);
    x->row++;
    return 0;
}

static int sheet_open(sheet *x, const char *path, pd_err *err)
{
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
    x->wb = workbook_new_opt(path, &o);
    if (!x->wb)
        return pd_fail(err, PD_EIO, "file", "Không tạo được tệp %s", path);
    x->ws = workbook_add_worksheet(x->wb, "Khách lưu trú");
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    x->text = workbook_add_format(x->wb);
    format_set_num_format(x->text, "@");
    x->date = workbook_add_format(x->wb);
    format_set_num_format(x->date, "dd/mm/yyyy");
    for (int c = 0; c < C_COUNT; c++) {
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, headers[c], x->bold);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
    x->row = 1;
    return PD_OK;
}

int pd_stays_export(sqlite3 *db, const pd_actor *actor, const pd_stays_query *q, const char *path,
                    int64_t *rows_out, pd_err *err)
{
    if (rows_out)
        *rows_out = 0;
    int rc = check_reader(actor, err);
    if (rc != PD_OK)
        return rc;
    sheet x;
    memset(&x, 0, sizeof x);
    rc = sheet_open(&x, path, err);
    if (rc == PD_OK)
        rc = run_query(db, actor, q, 0, export_row, &x, NULL, err);
    if (x.wb) {
        if (rc == PD_OK && x.row > 1)
            worksheet_autofilter(x.ws, 0, 0, x.row - 1, C_COUNT - 1);
        lxw_error e = workbook_close(x.wb);
        if (e != LXW_NO_ERROR && rc == PD_OK)
            rc = pd_fail(err, PD_EIO, "file", "Không ghi được tệp %s (%s)", path, lxw_strerror(e));
    }
    if (rc != PD_OK) {
        remove(path);
        return rc;
    }
    char detail[200];
    snprintf(detail, sizeof detail, "Xuất %u lượt lưu trú ra xlsx%s", x.row - 1,
             q->present ? ", khách đang lưu trú" : "");
    rc = pd_audit_write(db, actor, "export", "stay", 0, q->unit_code[0] ? q->unit_code : NULL,
                        detail, err);
    if (rc == PD_OK && rows_out)
        *rows_out = x.row - 1;
    return rc;
}
