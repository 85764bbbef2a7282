/* Tasks: one per agency per item of a dispatch, with a due date (read from the item's text or set
 * by the official), a status (mới, đang thực hiện, hoàn thành; quá hạn is computed from the due
 * date), progress reports with attached files, lists in scope and per document. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "directives/directives.h"
#include "directives/internal.h"
#include "store/db.h"

#define MAX_FILE (10u << 20)

/* ---- Due dates in the text ----------------------------------------------------------------- */

static int read_int(const char **p, int max_digits)
{
    int v = 0, n = 0;
    while (n < max_digits && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n ? v : -1;
}

static bool valid_day(int y, int m, int d, char out[11])
{
    pd_date dt = {y, m, d};
    char s[11];
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    pd_date_format(&dt, s, sizeof s);
    pd_date chk;
    if (!pd_date_parse(s, &chk))
        return false;
    memcpy(out, s, 11);
    return true;
}

/* "20/11/2021", "20/11", "20-11-2021", "20 thang 11 nam 2021" at p. */
static bool date_at(const char *p, int year, char out[11])
{
    while (*p == ' ')
        p++;
    if (strncmp(p, "ngay ", 5) == 0)
        p += 5;
    int d = read_int(&p, 2);
    if (d < 0)
        return false;
    int m = -1, y = year;
    if (*p == '/' || *p == '-' || *p == '.') {
        p++;
        m = read_int(&p, 2);
        if (m > 0 && (*p == '/' || *p == '-' || *p == '.') && isdigit((unsigned char)p[1])) {
            p++;
            y = read_int(&p, 4);
        }
    } else if (strncmp(p, " thang ", 7) == 0) {
        p += 7;
        m = read_int(&p, 2);
        if (m > 0 && strncmp(p, " nam ", 5) == 0) {
            p += 5;
            y = read_int(&p, 4);
        }
    }
    return y > 0 && valid_day(y, m, d, out);
}

static int days_in(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : n[m - 1];
}

/* "trong thang 11", "trong thang 11 nam 2021", "trong thang 11/2021": the month's last day. */
static bool month_at(const char *p, int year, int doc_month, char out[11])
{
    int m = read_int(&p, 2);
    if (m < 1 || m > 12)
        return false;
    int y = -1;
    if (strncmp(p, " nam ", 5) == 0 || *p == '/') {
        p += *p == '/' ? 1 : 5;
        y = read_int(&p, 4);
    }
    if (y < 0)
        y = year > 0 && doc_month > 0 && m < doc_month ? year + 1 : year;
    return y > 0 && valid_day(y, m, days_in(y, m), out);
}

bool pd_due_from_text(const char *text, const char *doc_date, char out[11])
{
    static const char *const day_triggers[] = {
        "truoc ngay",         "cham nhat ngay", "cham nhat la ngay",
        "cham nhat vao ngay", "cham nhat",      "han chot",
        "den ngay",           "trong ngay",     "truoc"};
    out[0] = '\0';
    if (!text || !text[0])
        return false;
    char *f = malloc(strlen(text) * 2 + 8);
    if (!f)
        return false;
    pd_fold(text, f, strlen(text) * 2 + 8);
    pd_date dd = {0, 0, 0};
    if (doc_date && doc_date[0])
        pd_date_parse(doc_date, &dd);
    bool found = false;
    for (size_t t = 0; t < sizeof day_triggers / sizeof day_triggers[0] && !found; t++) {
        for (const char *p = strstr(f, day_triggers[t]); p && !found;
             p = strstr(p + 1, day_triggers[t]))
            found = date_at(p + strlen(day_triggers[t]), dd.year, out);
    }
    for (const char *p = strstr(f, "trong thang "); p && !found; p = strstr(p + 1, "trong thang "))
        found = month_at(p + 12, dd.year, dd.month, out);
    free(f);
    return found;
}

const char *pd_task_status(const char *stored, const char *due_date, const char *today)
{
    if (strcmp(stored, "done") == 0)
        return "done";
    if (due_date && due_date[0] && strcmp(due_date, today) < 0)
        return "overdue";
    return stored;
}

/* ---- Creating and reading ------------------------------------------------------------------ */

int dv_tasks_for(sqlite3 *db, int64_t doc_id, int64_t item_id, const char *role,
                 const char *due_date, const int64_t *agency_ids, int n, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO tasks(doc_id, item_id, agency_id, role, due_date, province_code,"
        " district_code, unit_code, created_at, updated_at) SELECT ?, ?, a.id, ?, ?,"
        " a.province_code, a.district_code, a.unit_code, ?, ? FROM agencies a WHERE a.id = ?"
        " ON CONFLICT(item_id, agency_id) DO NOTHING",
        err);
    if (!st)
        return -1;
    int added = 0;
    int64_t now = pd_now();
    for (int i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int64(st, 2, item_id);
        sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
        pd_bind_text_or_null(st, 4, due_date);
        sqlite3_bind_int64(st, 5, now);
        sqlite3_bind_int64(st, 6, now);
        sqlite3_bind_int64(st, 7, agency_ids[i]);
        if (sqlite3_step(st) != SQLITE_DONE) {
            pd_db_release(st);
            return pd_db_error(db, err), -1;
        }
        added += sqlite3_changes(db);
    }
    pd_db_release(st);
    return added;
}

static json_t *task_json(sqlite3_stmt *st, const char *today)
{
    json_t *j = json_object();
    static const char *const ints[] = {"id", "doc_id", "item_id", "agency_id"};
    static const int int_cols[] = {0, 1, 5, 8};
    for (int i = 0; i < 4; i++)
        json_object_set_new(j, ints[i], json_integer(sqlite3_column_int64(st, int_cols[i])));
    static const char *const strs[] = {"doc_number", "doc_type",    "doc_subject", "item_label",
                                       "item_text",  "agency_name", "role",        "due_date"};
    static const int str_cols[] = {2, 3, 4, 6, 7, 9, 10, 11};
    for (int i = 0; i < 8; i++)
        json_object_set_new(j, strs[i], dv_col_json(st, str_cols[i]));
    const char *stored = pd_col_text(st, 12);
    json_object_set_new(j, "status",
                        json_string(pd_task_status(stored, pd_col_text(st, 11), today)));
    json_object_set_new(j, "stored_status", json_string(stored));
    json_object_set_new(j, "progress", json_integer(sqlite3_column_int(st, 13)));
    json_object_set_new(j, "done_at",
                        sqlite3_column_type(st, 14) == SQLITE_NULL
                            ? json_null()
                            : json_integer(sqlite3_column_int64(st, 14)));
    json_object_set_new(j, "unit_code", dv_col_json(st, 15));
    json_object_set_new(j, "updated_at", json_integer(sqlite3_column_int64(st, 16)));
    json_object_set_new(j, "reports", json_integer(sqlite3_column_int64(st, 17)));
    json_object_set_new(j, "doc_issuer", dv_col_json(st, 18));
    json_object_set_new(j, "doc_date", dv_col_json(st, 19));
    json_object_set_new(j, "province_code", dv_col_json(st, 20));
    json_object_set_new(j, "district_code", dv_col_json(st, 21));
    json_object_set_new(j, "agency_kind", dv_col_json(st, 22));
    return j;
}

json_t *dv_tasks_where(sqlite3 *db, const char *where, int64_t id, const char *scope, int limit,
                       pd_err *err)
{
    char sql[2048];
    snprintf(sql, sizeof sql,
             "SELECT t.id, t.doc_id, d.number, d.type, d.subject, t.item_id, i.label, i.text,"
             " t.agency_id, a.name, t.role, t.due_date, t.status, t.progress, t.done_at,"
             " t.unit_code, t.updated_at,"
             " (SELECT count(*) FROM task_reports r WHERE r.task_id = t.id), d.issuer, d.doc_date,"
             " t.province_code, t.district_code, a.kind"
             " FROM tasks t JOIN directive_docs d ON d.id = t.doc_id"
             " JOIN directive_items i ON i.id = t.item_id JOIN agencies a ON a.id = t.agency_id"
             " WHERE %s ORDER BY coalesce(t.due_date, '9999'), i.ord, a.id LIMIT %d",
             where, limit > 0 ? limit : 5000);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return NULL;
    char today[11];
    dv_today(today);
    dv_bind_int(st, ":id", id);
    dv_bind(st, ":scope", scope);
    dv_bind(st, ":today", today);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW)
        json_array_append_new(list, task_json(st, today));
    sqlite3_finalize(st);
    return list;
}

/* Police report only on the tasks of police agencies; other reporters on any agency in scope. */
static bool reports_on(const pd_actor *actor, const char *kind)
{
    return actor->role != PD_ROLE_POLICE || strcmp(kind, "cong_an") == 0;
}

/* The condition of a list query; scope on the task unless a document is named. */
static int list_where(sqlite3 *db, const pd_actor *actor, const pd_tasks_query *q, char *out,
                      size_t cap, pd_err *err)
{
    pd_buf b;
    pd_buf_init(&b);
    if (q->doc_id) {
        dv_chain ch;
        if (dv_chain_of(db, actor, &ch, err) != PD_OK) {
            pd_buf_free(&b);
            return PD_EDB;
        }
        if (!dv_doc_visible(db, &ch, q->doc_id)) {
            pd_buf_free(&b);
            return pd_fail(err, PD_ENOTFOUND, "doc", "Không tìm thấy văn bản");
        }
        pd_buf_printf(&b, "t.doc_id = %lld", (long long)q->doc_id);
    } else {
        char sql[96];
        pd_buf_puts(&b, pd_scope_sql(actor, "t", sql, sizeof sql));
    }
    if (q->agency_id)
        pd_buf_printf(&b, " AND t.agency_id = %lld", (long long)q->agency_id);
    const char *s = q->overdue ? "overdue" : q->status;
    if (strcmp(s, "overdue") == 0)
        pd_buf_puts(&b, " AND t.status <> 'done' AND t.due_date < :today");
    else if (strcmp(s, "done") == 0)
        pd_buf_puts(&b, " AND t.status = 'done'");
    else if (strcmp(s, "new") == 0 || strcmp(s, "in_progress") == 0)
        pd_buf_printf(&b, " AND t.status = '%s' AND (t.due_date IS NULL OR t.due_date >= :today)",
                      s);
    else if (s[0])
        return pd_buf_free(&b), pd_fail(err, PD_EINVAL, "status", "Trạng thái không hợp lệ");
    pd_strlcpy(out, b.data ? b.data : "1", cap);
    pd_buf_free(&b);
    return PD_OK;
}

int pd_tasks_list(sqlite3 *db, const pd_actor *actor, const pd_tasks_query *q, json_t **out,
                  pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_READ) && !pd_actor_can(actor, PD_PERM_TASKS_REPORT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem nhiệm vụ");
    char where[512];
    int rc = list_where(db, actor, q, where, sizeof where, err);
    if (rc != PD_OK)
        return rc;
    /* the scope condition's one '?' is written as :scope */
    char *qm = strchr(where, '?');
    char fixed[600];
    if (qm)
        snprintf(fixed, sizeof fixed, "%.*s:scope%s", (int)(qm - where), where, qm + 1);
    else
        pd_strlcpy(fixed, where, sizeof fixed);
    *out = dv_tasks_where(db, fixed, 0, pd_scope_param(actor), q->limit, err);
    if (!*out)
        return PD_EDB;
    bool reporter = pd_actor_can(actor, PD_PERM_TASKS_REPORT);
    size_t i;
    json_t *t;
    json_array_foreach(*out, i, t)
    {
        bool mine = reporter &&
                    pd_scope_covers(actor, dv_str(t, "province_code"), dv_str(t, "district_code"),
                                    dv_str(t, "unit_code")) &&
                    reports_on(actor, dv_str(t, "agency_kind"));
        json_object_set_new(t, "may_report", json_boolean(mine));
    }
    return PD_OK;
}

/* The task's codes and document, if the caller sees it: in scope, or its document visible. */
typedef struct task_row {
    int64_t doc;
    char p[16], d[16], c[16], status[16], kind[16];
    bool in_scope;
} task_row;

static int load_task(sqlite3 *db, const pd_actor *actor, int64_t id, task_row *t, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT t.doc_id, t.province_code, t.district_code, t.unit_code, t.status, a.kind"
        " FROM tasks t JOIN agencies a ON a.id = t.agency_id WHERE t.id = ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        t->doc = sqlite3_column_int64(st, 0);
        pd_strlcpy(t->p, pd_col_text(st, 1), sizeof t->p);
        pd_strlcpy(t->d, pd_col_text(st, 2), sizeof t->d);
        pd_strlcpy(t->c, pd_col_text(st, 3), sizeof t->c);
        pd_strlcpy(t->status, pd_col_text(st, 4), sizeof t->status);
        pd_strlcpy(t->kind, pd_col_text(st, 5), sizeof t->kind);
    }
    sqlite3_finalize(st);
    if (!found)
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy nhiệm vụ");
    /* an agency's codes: a commune's UBND has the commune as unit_code, the city's phòng the city
     */
    t->in_scope =
        actor->scope_level == PD_SCOPE_COUNTRY ||
        (actor->scope_level == PD_SCOPE_PROVINCE && strcmp(t->p, actor->scope_code) == 0) ||
        (actor->scope_level == PD_SCOPE_DISTRICT && strcmp(t->d, actor->scope_code) == 0) ||
        (actor->scope_level == PD_SCOPE_COMMUNE && strcmp(t->c, actor->scope_code) == 0);
    dv_chain ch;
    if (!t->in_scope &&
        (dv_chain_of(db, actor, &ch, err) != PD_OK || !dv_doc_visible(db, &ch, t->doc)))
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy nhiệm vụ");
    return PD_OK;
}

static json_t *reports_json(sqlite3 *db, int64_t task, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT r.id, r.at, r.username, r.status, r.progress, r.note,"
        " (SELECT json_group_array(json_object('id', f.id, 'name', f.name, 'type', f.type,"
        "  'size', f.size)) FROM task_files f WHERE f.report_id = r.id)"
        " FROM task_reports r WHERE r.task_id = ? ORDER BY r.id DESC",
        err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, task);
    json_t *list = json_array();
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *files = json_loads(pd_col_text(st, 6), 0, NULL);
        json_array_append_new(
            list, json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:o}", "id",
                            (json_int_t)sqlite3_column_int64(st, 0), "at",
                            (json_int_t)sqlite3_column_int64(st, 1), "username", pd_col_text(st, 2),
                            "status", pd_col_text(st, 3), "progress", sqlite3_column_int(st, 4),
                            "note", pd_col_text(st, 5), "files", files ? files : json_array()));
    }
    sqlite3_finalize(st);
    return list;
}

int pd_task_get(sqlite3 *db, const pd_actor *actor, int64_t id, json_t **out, pd_err *err)
{
    *out = NULL;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_READ) && !pd_actor_can(actor, PD_PERM_TASKS_REPORT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem nhiệm vụ");
    task_row t;
    int rc = load_task(db, actor, id, &t, err);
    if (rc != PD_OK)
        return rc;
    json_t *list = dv_tasks_where(db, "t.id = :id", id, NULL, 1, err);
    json_t *reports = list ? reports_json(db, id, err) : NULL;
    if (!reports) {
        json_decref(list);
        return PD_EDB;
    }
    json_t *task = json_incref(json_array_get(list, 0));
    json_decref(list);
    json_object_set_new(task, "reports", reports);
    json_object_set_new(task, "may_report",
                        json_boolean(t.in_scope && pd_actor_can(actor, PD_PERM_TASKS_REPORT) &&
                                     reports_on(actor, t.kind)));
    *out = task;
    return PD_OK;
}

int pd_task_set_due(sqlite3 *db, const pd_actor *actor, int64_t id, const char *due, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được đặt hạn nhiệm vụ");
    task_row t;
    int rc = load_task(db, actor, id, &t, err);
    if (rc != PD_OK)
        return rc;
    if (!t.in_scope) /* seen through its document, but another level's agency */
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy nhiệm vụ");
    char day[11] = "";
    pd_date d;
    if (due && due[0]) {
        if (!pd_date_parse(due, &d) || d.month == 0)
            return pd_fail(err, PD_EINVAL, "due_date",
                           "Hạn hoàn thành không hợp lệ (dạng 20/11/2021)");
        pd_date_format(&d, day, sizeof day);
    }
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    sqlite3_stmt *st =
        pd_db_prepare(db, "UPDATE tasks SET due_date = ?, updated_at = ? WHERE id = ?", err);
    rc = st ? PD_OK : PD_EDB;
    if (st) {
        pd_bind_text_or_null(st, 1, day);
        sqlite3_bind_int64(st, 2, pd_now());
        sqlite3_bind_int64(st, 3, id);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        sqlite3_finalize(st);
    }
    char detail[64];
    snprintf(detail, sizeof detail, "Hạn hoàn thành: %s", day[0] ? day : "không");
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "task", id, t.c, detail, err);
    return pd_db_end(db, rc, err);
}

static int report_tx(sqlite3 *db, const pd_actor *actor, int64_t id, const char *status,
                     int progress, const char *note, int64_t *report_id, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "UPDATE tasks SET status = :s, progress = :p, updated_at = :now,"
        " done_at = CASE WHEN :s = 'done' THEN coalesce(done_at, :now) END WHERE id = :id",
        err);
    if (!st)
        return PD_EDB;
    dv_bind(st, ":s", status);
    dv_bind_int(st, ":p", progress);
    dv_bind_int(st, ":now", pd_now());
    dv_bind_int(st, ":id", id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    st = rc == PD_OK ? pd_db_prepare(db,
                                     "INSERT INTO task_reports(task_id, at, user_id, username,"
                                     " status, progress, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                     err)
                     : NULL;
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, pd_now());
    if (actor->user_id)
        sqlite3_bind_int64(st, 3, actor->user_id);
    sqlite3_bind_text(st, 4, actor->username, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 6, progress);
    sqlite3_bind_text(st, 7, note ? note : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    *report_id = sqlite3_last_insert_rowid(db);
    return rc;
}

int pd_task_report(sqlite3 *db, const pd_actor *actor, int64_t task_id, const char *status,
                   int progress, const char *note, int64_t *report_id, pd_err *err)
{
    *report_id = 0;
    if (!pd_actor_can(actor, PD_PERM_TASKS_REPORT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được báo cáo tiến độ");
    task_row t;
    int rc = load_task(db, actor, task_id, &t, err);
    if (rc != PD_OK)
        return rc;
    if (!t.in_scope)
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy nhiệm vụ");
    if (!reports_on(actor, t.kind))
        return pd_fail(err, PD_EDENIED, "", "Công an chỉ báo cáo nhiệm vụ của cơ quan công an");
    if (strcmp(status, "new") != 0 && strcmp(status, "in_progress") != 0 &&
        strcmp(status, "done") != 0)
        return pd_fail(err, PD_EINVAL, "status",
                       "Trạng thái phải là mới, đang thực hiện hoặc hoàn thành");
    if (progress < 0 || progress > 100)
        return pd_fail(err, PD_EINVAL, "progress", "Tiến độ phải từ 0 đến 100%%");
    if (note && strlen(note) > 4000)
        return pd_fail(err, PD_EINVAL, "note", "Nội dung báo cáo quá dài (tối đa 4000 ký tự)");
    if (strcmp(status, "done") == 0)
        progress = 100;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    rc = report_tx(db, actor, task_id, status, progress, note, report_id, err);
    char detail[96];
    snprintf(detail, sizeof detail, "Báo cáo tiến độ: %s, %d%%", status, progress);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "task", task_id, t.c, detail, err);
    return pd_db_end(db, rc, err);
}

static bool report_of(sqlite3 *db, int64_t task, int64_t report)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM task_reports WHERE id = ? AND task_id = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_int64(st, 1, report);
    sqlite3_bind_int64(st, 2, task);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return ok;
}

/* A content type kept only when it is a plain, harmless one; else application/octet-stream. */
static const char *clean_type(const char *t)
{
    static const char *const ok[] = {"application/pdf",
                                     "image/png",
                                     "image/jpeg",
                                     "text/plain",
                                     "application/vnd.openxmlformats-officedocument."
                                     "wordprocessingml.document",
                                     "application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet",
                                     "application/msword",
                                     "application/vnd.ms-excel"};
    for (size_t i = 0; t && i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(t, ok[i], strlen(ok[i])) == 0 &&
            (t[strlen(ok[i])] == '\0' || t[strlen(ok[i])] == ';'))
            return ok[i];
    return "application/octet-stream";
}

/* The last path component, without quotes or control characters. */
static void clean_name(const char *in, char *out, size_t cap)
{
    const char *slash = strrchr(in, '/');
    const char *back = strrchr(in, '\\');
    const char *s = slash && slash > (back ? back : in) ? slash + 1 : back ? back + 1 : in;
    size_t n = 0;
    for (; *s && n + 1 < cap; s++)
        if ((unsigned char)*s >= 0x20 && *s != '"' && *s != 0x7f)
            out[n++] = *s;
    out[n] = '\0';
}

static int insert_file(sqlite3 *db, int64_t task, int64_t report, const char *name,
                       const char *type, const void *data, size_t size, int64_t *id, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "INSERT INTO task_files(report_id, task_id, name, type, size,"
                                     " data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, report);
    sqlite3_bind_int64(st, 2, task);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)size);
    sqlite3_bind_blob64(st, 6, size ? data : "", size, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, pd_now());
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    *id = sqlite3_last_insert_rowid(db);
    return rc;
}

int pd_task_attach(sqlite3 *db, const pd_actor *actor, int64_t task_id, int64_t report_id,
                   const char *name, const char *type, const void *data, size_t size,
                   int64_t *file_id, pd_err *err)
{
    *file_id = 0;
    if (!pd_actor_can(actor, PD_PERM_TASKS_REPORT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được báo cáo tiến độ");
    task_row t;
    int rc = load_task(db, actor, task_id, &t, err);
    if (rc != PD_OK)
        return rc;
    if (!t.in_scope || !report_of(db, task_id, report_id))
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy báo cáo");
    if (!reports_on(actor, t.kind))
        return pd_fail(err, PD_EDENIED, "", "Công an chỉ báo cáo nhiệm vụ của cơ quan công an");
    char clean[256];
    clean_name(name ? name : "", clean, sizeof clean);
    if (!clean[0] || !pd_utf8_valid(clean, strlen(clean)))
        return pd_fail(err, PD_EINVAL, "name", "Cần tên tệp");
    if (size > MAX_FILE)
        return pd_fail(err, PD_ELIMIT, "file", "Tệp quá lớn (tối đa 10 MB)");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    rc = insert_file(db, task_id, report_id, clean, clean_type(type), data, size, file_id, err);
    char detail[320];
    snprintf(detail, sizeof detail, "Đính kèm %s (%zu byte)", clean, size);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "task", task_id, t.c, detail, err);
    return pd_db_end(db, rc, err);
}

int pd_task_file(sqlite3 *db, const pd_actor *actor, int64_t file_id, char name[256],
                 char type[128], char **data, size_t *size, pd_err *err)
{
    *data = NULL;
    *size = 0;
    if (!pd_actor_can(actor, PD_PERM_DIRECTIVES_READ) && !pd_actor_can(actor, PD_PERM_TASKS_REPORT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem nhiệm vụ");
    sqlite3_stmt *st =
        pd_db_prepare(db, "SELECT task_id, name, type, data FROM task_files WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, file_id);
    int rc = PD_OK;
    task_row t;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy tệp");
    else
        rc = load_task(db, actor, sqlite3_column_int64(st, 0), &t, err);
    if (rc == PD_OK) {
        pd_strlcpy(name, pd_col_text(st, 1), 256);
        pd_strlcpy(type, pd_col_text(st, 2), 128);
        *size = (size_t)sqlite3_column_bytes(st, 3);
        *data = malloc(*size + 1);
        if (*data && *size)
            memcpy(*data, sqlite3_column_blob(st, 3), *size);
        rc = *data ? PD_OK : pd_fail(err, PD_EIO, "", "Hết bộ nhớ");
    }
    sqlite3_finalize(st);
    return rc;
}
