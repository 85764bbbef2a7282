/* Alerts raised by declarations (rules and wording), the commune's worklist, recording the action
 * taken, and the dashboard figures. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "declare/internal.h"
#include "people/unit_cache.h"
#include "store/db.h"

#define DETAIL_MAX 2000

const char *const pd_alert_actions[] = {
    "called", "sent_for_testing", "told_to_isolate", "no_answer", "other", NULL};
static const char *const action_labels[] = {"Đã gọi điện", "Đã cho đi xét nghiệm",
                                            "Đã yêu cầu tự cách ly", "Không liên lạc được", "Khác"};

const char *pd_alert_action_label(const char *action)
{
    for (int i = 0; pd_alert_actions[i]; i++)
        if (strcmp(pd_alert_actions[i], action) == 0)
            return action_labels[i];
    return "";
}

/* ---- Rules ---------------------------------------------------------------------------------- */

static void add_reason(char *reasons, size_t cap, const char *reason)
{
    char padded[96], have[80];
    snprintf(padded, sizeof padded, ",%s,", reason);
    snprintf(have, sizeof have, ",%s,", reasons);
    if (strstr(have, padded))
        return;
    size_t n = strlen(reasons);
    snprintf(reasons + n, cap - n, "%s%s", n ? "," : "", reason);
}

static void symptom_sentence(int symptoms, pd_buf *d)
{
    pd_buf_puts(d, "Có triệu chứng: ");
    bool first = true;
    for (int i = 0; i < PD_SYM_COUNT; i++) {
        if (!(symptoms & (1 << i)))
            continue;
        pd_buf_printf(d, "%s%s", first ? "" : ", ", pd_symptom_labels[i]);
        first = false;
    }
    pd_buf_puts(d, ". ");
}

static const char *unit_name(sqlite3 *db, const char *code, pd_unit_info *u)
{
    return pd_unit_cache_get(db, code, u) ? u->name : code;
}

/* "Nơi cư trú thuộc vùng dịch ..." when the residence (area, else commune) is marked on date. */
static int residence_rule(sqlite3 *db, const pd_residence *res, const char *date, pd_buf *d,
                          bool *hit, pd_err *err)
{
    pd_outbreak_area o;
    char from[12];
    const char *code = res->area_code[0] ? res->area_code : res->unit_code;
    if (pd_outbreak_match(db, code, date, hit, &o, err) != PD_OK)
        return PD_EDB;
    if (*hit) {
        pd_declare_date_vn(o.from_date, from, sizeof from);
        pd_buf_printf(d, "Nơi cư trú thuộc vùng dịch %s (công bố từ %s). ", o.unit_name, from);
    }
    return PD_OK;
}

/* One sentence per visited place that lay in an outbreak area on the day of the visit. */
static int places_rule(sqlite3 *db, const pd_declaration_in *in, pd_buf *d, bool *hit, pd_err *err)
{
    pd_outbreak_area o;
    pd_unit_info u;
    for (int i = 0; i < in->nplaces; i++) {
        const pd_place_visit *p = &in->places[i];
        bool found = false;
        char day[12];
        if (!p->unit_code[0])
            continue;
        if (pd_outbreak_match(db, p->unit_code, p->date, &found, &o, err) != PD_OK)
            return PD_EDB;
        if (!found)
            continue;
        *hit = true;
        pd_declare_date_vn(p->date, day, sizeof day);
        pd_buf_printf(d, "Đã đến %s%s%s ngày %s, khi đó thuộc vùng dịch %s. ",
                      unit_name(db, p->unit_code, &u), p->place[0] ? " - " : "", p->place, day,
                      o.unit_name);
    }
    return PD_OK;
}

static void exposure_sentences(int exposures, bool any_other, pd_buf *d)
{
    if (exposures & PD_EXP_CONTACT)
        pd_buf_puts(d, "Khai báo có tiếp xúc gần (dưới 2 m) với ca bệnh COVID-19. ");
    if (exposures & PD_EXP_OUTBREAK_AREA)
        pd_buf_puts(d, "Khai báo đã đến vùng có dịch. ");
    if ((exposures & PD_EXP_ANIMAL_MARKET) && any_other)
        pd_buf_puts(d, "Có đến trang trại, chợ buôn bán động vật sống. ");
}

int pd_alert_evaluate(sqlite3 *db, const pd_declaration_in *in, const pd_residence *res,
                      bool mismatch, char *reasons, size_t rcap, char *detail, size_t dcap,
                      pd_err *err)
{
    char date[12];
    bool home = false, visited = false;
    pd_buf d;
    pd_buf_init(&d);
    reasons[0] = detail[0] = '\0';
    pd_declare_local_date(in->declared_at ? in->declared_at : pd_now(), date);
    if (in->symptoms) {
        symptom_sentence(in->symptoms, &d);
        add_reason(reasons, rcap, "symptoms");
    }
    if (in->exposures & (PD_EXP_CONTACT | PD_EXP_OUTBREAK_AREA))
        add_reason(reasons, rcap, "exposure");
    exposure_sentences(in->exposures, reasons[0] != '\0', &d);
    int rc = residence_rule(db, res, date, &d, &home, err);
    if (rc == PD_OK)
        rc = places_rule(db, in, &d, &visited, err);
    if (home || visited)
        add_reason(reasons, rcap, "outbreak_area");
    if (mismatch) {
        pd_buf_puts(&d, "Thông tin nhân thân khai báo khác với hồ sơ có cùng số giấy tờ: cần kiểm"
                        " tra lại. ");
        add_reason(reasons, rcap, "review");
    }
    if (rc == PD_OK && reasons[0] && d.len)
        pd_strlcpy(detail, d.data, dcap);
    if (rc != PD_OK)
        reasons[0] = '\0';
    pd_buf_free(&d);
    /* Trailing space of the last sentence. */
    size_t n = strlen(detail);
    if (n && detail[n - 1] == ' ')
        detail[n - 1] = '\0';
    return rc;
}

/* ---- Raising ------------------------------------------------------------------------------- */

static int insert_alert(sqlite3 *db, int64_t person_id, int64_t declaration_id,
                        const pd_residence *res, const char *reasons, const char *detail,
                        int64_t *alert_id, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "INSERT INTO alerts(person_id, declaration_id, reason, detail,"
                                    " unit_code, district_code, province_code, created_at)"
                                    " VALUES (?,?,?,?,?,?,?,?)",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, declaration_id);
    sqlite3_bind_text(st, 3, reasons, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, res->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, res->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, res->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, pd_now());
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    *alert_id = sqlite3_last_insert_rowid(db);
    return PD_OK;
}

/* Adds a declaration's reasons and detail to an open alert (the newest lines kept when too long).
 */
static int extend_alert(sqlite3 *db, int64_t id, int64_t declaration_id, const char *old_reasons,
                        const char *old_detail, const char *reasons, const char *detail,
                        pd_err *err)
{
    char merged[64];
    pd_strlcpy(merged, old_reasons, sizeof merged);
    char copy[64];
    pd_strlcpy(copy, reasons, sizeof copy);
    for (char *save = NULL, *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save))
        add_reason(merged, sizeof merged, r);
    pd_buf d;
    pd_buf_init(&d);
    pd_buf_printf(&d, "%s\n%s", detail, old_detail);
    pd_declare_cut_utf8(d.data, DETAIL_MAX); /* the newest lines come first */
    sqlite3_stmt *st = pd_db_cached(
        db, "UPDATE alerts SET reason = ?, detail = ?, declaration_id = ? WHERE id = ?", err);
    int rc = st ? PD_OK : PD_EDB;
    if (st) {
        sqlite3_bind_text(st, 1, merged, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, d.data, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, declaration_id);
        sqlite3_bind_int64(st, 4, id);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
    }
    pd_buf_free(&d);
    return rc;
}

int pd_alert_raise_tx(sqlite3 *db, const pd_declaration_in *in, int64_t declaration_id,
                      int64_t person_id, const pd_residence *res, bool mismatch, int64_t *alert_id,
                      pd_err *err)
{
    char reasons[64], detail[DETAIL_MAX], date[12], line[DETAIL_MAX + 16], vn[12];
    *alert_id = 0;
    if (pd_alert_evaluate(db, in, res, mismatch, reasons, sizeof reasons, detail, sizeof detail,
                          err) != PD_OK)
        return PD_EDB;
    if (!reasons[0])
        return PD_OK;
    pd_declare_local_date(in->declared_at ? in->declared_at : pd_now(), date);
    pd_declare_date_vn(date, vn, sizeof vn);
    snprintf(line, sizeof line, "%s: %s", vn, detail);
    pd_declare_cut_utf8(line, DETAIL_MAX);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT id, reason, detail FROM alerts WHERE person_id = ? AND"
                                    " unit_code = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_text(st, 2, res->unit_code, -1, SQLITE_STATIC);
    int rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *alert_id = sqlite3_column_int64(st, 0);
        char old_reasons[64];
        pd_strlcpy(old_reasons, pd_col_text(st, 1), sizeof old_reasons);
        pd_buf old;
        pd_buf_init(&old);
        pd_buf_puts(&old, pd_col_text(st, 2));
        pd_db_release(st);
        rc = extend_alert(db, *alert_id, declaration_id, old_reasons, old.data ? old.data : "",
                          reasons, line, err);
        pd_buf_free(&old);
    } else {
        pd_db_release(st);
        rc = insert_alert(db, person_id, declaration_id, res, reasons, line, alert_id, err);
    }
    return rc;
}

/* ---- Worklist ------------------------------------------------------------------------------ */

#define ALERT_COLUMNS                                                                              \
    "a.id, a.person_id, coalesce(a.declaration_id, 0), a.reason, a.detail, a.unit_code,"           \
    " a.district_code, a.province_code, a.created_at, a.status, coalesce(a.action, ''),"           \
    " a.action_note, coalesce(a.acted_by, 0), coalesce(a.acted_at, 0), coalesce(u.username, ''),"  \
    " p.full_name, coalesce(p.phone, ''), coalesce(d.address, p.address)"
#define ALERT_FROM                                                                                 \
    " FROM alerts a JOIN people p ON p.id = a.person_id LEFT JOIN users u ON u.id = a.acted_by"    \
    " LEFT JOIN declarations d ON d.id = a.declaration_id"

static void alert_from_row(sqlite3_stmt *st, pd_alert *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    a->person_id = sqlite3_column_int64(st, 1);
    a->declaration_id = sqlite3_column_int64(st, 2);
    pd_strlcpy(a->reason, pd_col_text(st, 3), sizeof a->reason);
    pd_strlcpy(a->detail, pd_col_text(st, 4), sizeof a->detail);
    pd_strlcpy(a->unit_code, pd_col_text(st, 5), sizeof a->unit_code);
    pd_strlcpy(a->district_code, pd_col_text(st, 6), sizeof a->district_code);
    pd_strlcpy(a->province_code, pd_col_text(st, 7), sizeof a->province_code);
    a->created_at = sqlite3_column_int64(st, 8);
    pd_strlcpy(a->status, pd_col_text(st, 9), sizeof a->status);
    pd_strlcpy(a->action, pd_col_text(st, 10), sizeof a->action);
    pd_strlcpy(a->action_note, pd_col_text(st, 11), sizeof a->action_note);
    a->acted_by = sqlite3_column_int64(st, 12);
    a->acted_at = sqlite3_column_int64(st, 13);
    pd_strlcpy(a->acted_by_name, pd_col_text(st, 14), sizeof a->acted_by_name);
    pd_strlcpy(a->full_name, pd_col_text(st, 15), sizeof a->full_name);
    pd_strlcpy(a->phone, pd_col_text(st, 16), sizeof a->phone);
    pd_strlcpy(a->address, pd_col_text(st, 17), sizeof a->address);
}

static bool may_view(const pd_actor *actor)
{
    return pd_actor_can(actor, PD_PERM_ALERTS_ACT) ||
           pd_actor_can(actor, PD_PERM_DECLARATIONS_READ);
}

/* The WHERE clause of a list query and its text parameters, in order. */
typedef struct where {
    char sql[512];
    const char *params[6];
    int n;
    char unit_param[16];
} where;

static void where_add(where *w, const char *cond, const char *param)
{
    size_t n = strlen(w->sql);
    snprintf(w->sql + n, sizeof w->sql - n, "%s%s", n ? " AND " : "", cond);
    if (param)
        w->params[w->n++] = param;
}

static int alert_where(sqlite3 *db, const pd_actor *actor, const pd_alert_query *q, where *w,
                       pd_err *err)
{
    char cond[96];
    memset(w, 0, sizeof *w);
    where_add(w, pd_scope_sql(actor, "a", cond, sizeof cond), pd_scope_param(actor));
    if (q->unit_code[0]) {
        if (pd_declare_unit_filter(db, "a", q->unit_code, false, cond, sizeof cond, w->unit_param,
                                   sizeof w->unit_param, err) != PD_OK)
            return PD_EINVAL;
        where_add(w, cond, w->unit_param);
    }
    if (!q->status[0] || strcmp(q->status, "open") == 0 || strcmp(q->status, "done") == 0)
        where_add(w, "a.status = ?", q->status[0] ? q->status : "open");
    else if (strcmp(q->status, "all") != 0)
        return pd_fail(err, PD_EINVAL, "status", "Trạng thái phải là open, done hoặc all");
    if (q->reason[0])
        where_add(w, "(',' || a.reason || ',') LIKE ('%,' || ? || ',%')", q->reason);
    return PD_OK;
}

int pd_alerts_list(sqlite3 *db, const pd_actor *actor, const pd_alert_query *q, pd_alert_cb cb,
                   void *ctx, bool *more, pd_err *err)
{
    where w;
    *more = false;
    if (!may_view(actor))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem danh sách cảnh báo");
    if (alert_where(db, actor, q, &w, err) != PD_OK)
        return PD_EINVAL;
    int limit = q->limit <= 0 ? 50 : q->limit > 200 ? 200 : q->limit;
    char sql[1536];
    snprintf(sql, sizeof sql,
             "SELECT " ALERT_COLUMNS ALERT_FROM " WHERE %s AND (?%d = 0 OR a.id < ?%d)"
             " ORDER BY a.id DESC LIMIT ?%d",
             w.sql, w.n + 1, w.n + 1, w.n + 2);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    for (int i = 0; i < w.n; i++)
        sqlite3_bind_text(st, i + 1, w.params[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, w.n + 1, q->before_id);
    sqlite3_bind_int(st, w.n + 2, limit + 1);
    int s, count = 0, rc = PD_OK;
    pd_alert a;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (++count > limit) {
            *more = true;
            break;
        }
        alert_from_row(st, &a);
        if (cb(&a, ctx) != 0)
            break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

static int load_alert(sqlite3 *db, const pd_actor *actor, int64_t id, pd_alert *out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "SELECT " ALERT_COLUMNS ALERT_FROM " WHERE a.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW)
        alert_from_row(st, out);
    else if (s != SQLITE_DONE)
        rc = pd_db_error(db, err);
    pd_db_release(st);
    if (rc == PD_OK && (s == SQLITE_DONE || !pd_scope_covers(actor, out->province_code,
                                                             out->district_code, out->unit_code))) {
        memset(out, 0, sizeof *out);
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy cảnh báo này");
    }
    return rc;
}

static int check_action(const char *action, char *note, size_t cap, pd_err *err)
{
    char clean[512];
    if (!pd_alert_action_label(action)[0])
        return pd_fail(err, PD_EINVAL, "action",
                       "Hãy chọn việc đã làm: đã gọi điện, đã cho đi xét nghiệm, đã yêu cầu tự cách"
                       " ly, không liên lạc được hoặc khác");
    if (!pd_nfc_clean(note, clean, sizeof clean) || pd_utf8_length(clean) > 500)
        return pd_fail(err, PD_EINVAL, "note", "Ghi chú quá dài (tối đa 500 ký tự)");
    if (strcmp(action, "other") == 0 && !clean[0])
        return pd_fail(err, PD_EINVAL, "note", "Hãy ghi rõ việc đã làm vào ô ghi chú");
    pd_strlcpy(note, clean, cap);
    return PD_OK;
}

static int write_action(sqlite3 *db, const pd_actor *actor, const pd_alert *a, const char *action,
                        const char *note, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "UPDATE alerts SET status = 'done', action = ?, action_note = ?,"
                     " acted_by = ?, acted_at = ? WHERE id = ? AND status = 'open'",
                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, note, -1, SQLITE_STATIC);
    if (actor->user_id)
        sqlite3_bind_int64(st, 3, actor->user_id);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, pd_now());
    sqlite3_bind_int64(st, 5, a->id);
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    if (sqlite3_changes(db) != 1)
        return pd_fail(err, PD_ECONFLICT, "status", "Cảnh báo này đã được xử lý");
    char detail[600];
    snprintf(detail, sizeof detail, "%s%s%s", action, note[0] ? ": " : "", note);
    return pd_audit_write(db, actor, "update", "alert", a->id, a->unit_code, detail, err);
}

int pd_alert_act(sqlite3 *db, const pd_actor *actor, int64_t id, const char *action,
                 const char *note, pd_alert *out, pd_err *err)
{
    char clean[512];
    if (!pd_actor_can(actor, PD_PERM_ALERTS_ACT))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xử lý cảnh báo");
    pd_strlcpy(clean, note ? note : "", sizeof clean);
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = load_alert(db, actor, id, out, err);
    if (rc == PD_OK && strcmp(out->status, "open") != 0)
        rc = pd_fail(err, PD_ECONFLICT, "status", "Cảnh báo này đã được xử lý");
    if (rc == PD_OK)
        rc = check_action(action ? action : "", clean, sizeof clean, err);
    if (rc == PD_OK)
        rc = write_action(db, actor, out, action, clean, err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    if (pd_db_commit(db, err) != PD_OK)
        return PD_EDB;
    return load_alert(db, actor, id, out, err);
}

/* ---- Dashboard ----------------------------------------------------------------------------- */

static int count2(sqlite3 *db, const pd_actor *actor, const char *sql_fmt, int64_t a, int64_t b,
                  int64_t *x, int64_t *y, pd_err *err)
{
    char cond[96], sql[512];
    snprintf(sql, sizeof sql, sql_fmt, pd_scope_sql(actor, "t", cond, sizeof cond));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    int i = 1;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, i++, pd_scope_param(actor), -1, SQLITE_STATIC);
    if (a || b) {
        sqlite3_bind_int64(st, i++, a);
        sqlite3_bind_int64(st, i++, b);
    }
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW) {
        *x = sqlite3_column_int64(st, 0);
        if (y)
            *y = sqlite3_column_int64(st, 1);
    } else {
        rc = pd_db_error(db, err);
    }
    pd_db_release(st);
    return rc;
}

int pd_declare_stats_get(sqlite3 *db, const pd_actor *actor, pd_declare_stats *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    if (!pd_actor_can(actor, PD_PERM_UNITS_READ) && !may_view(actor))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem số liệu khai báo");
    char today[12];
    int64_t days;
    pd_declare_local_date(pd_now(), today);
    pd_declare_date_days(today, &days);
    int rc = count2(db, actor, "SELECT count(*) FROM alerts t WHERE %s AND t.status = 'open'", 0, 0,
                    &out->open_alerts, NULL, err);
    if (rc == PD_OK)
        rc =
            count2(db, actor,
                   "SELECT count(*), coalesce(sum(t.symptoms <> 0), 0) FROM declarations t WHERE %s"
                   " AND t.declared_at >= ? AND t.declared_at < ?",
                   pd_declare_day_start(days), pd_declare_day_start(days + 1),
                   &out->declarations_today, &out->symptoms_today, err);
    return rc;
}
