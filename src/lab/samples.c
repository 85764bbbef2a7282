/* Samples: taking one (checks, the person's unit codes, the tube label), entering its result,
 * reading one and listing them with filters in the caller's scope. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "lab/internal.h"
#include "store/db.h"

#define MAX_DAYS_AGO 60

static const char *const kinds[] = {"pcr", "antigen", NULL};
static const char *const reasons[] = {"symptoms", "f1_schedule", "screening", "entry",
                                      "release",  "retest",      "other",     NULL};

static void check_lists(pd_sample *s, pd_field_errors *errs)
{
    if (!lab_in_list(s->kind, kinds))
        pd_field_errors_add(
            errs, "kind",
            "Loại xét nghiệm phải là pcr (RT-PCR) hoặc antigen (test nhanh kháng nguyên)");
    if (!s->reason[0] && s->retest_id)
        pd_strlcpy(s->reason, "retest", sizeof s->reason);
    if (!lab_in_list(s->reason, reasons))
        pd_field_errors_add(errs, "reason",
                            "Lý do lấy mẫu không hợp lệ: symptoms, f1_schedule, screening, entry, "
                            "release, retest hoặc other");
}

static void check_date(pd_sample *s, pd_field_errors *errs)
{
    char today_s[12];
    lab_today(today_s);
    if (!s->sampled_on[0])
        pd_strlcpy(s->sampled_on, today_s, sizeof s->sampled_on);
    pd_date d, today = pd_local_date(pd_now());
    if (!lab_parse_day(s->sampled_on, &d)) {
        pd_field_errors_add(errs, "sampled_on", "Ngày lấy mẫu không hợp lệ (dạng ngày/tháng/năm)");
        return;
    }
    if (pd_date_cmp(&d, &today) > 0)
        pd_field_errors_add(errs, "sampled_on", "Ngày lấy mẫu không được sau hôm nay");
    else if (pd_date_days(&today) - pd_date_days(&d) > MAX_DAYS_AGO)
        pd_field_errors_add(errs, "sampled_on", "Ngày lấy mẫu quá 60 ngày trước; hãy kiểm tra lại");
    pd_date_format(&d, s->sampled_on, sizeof s->sampled_on);
    if (s->sampled_at == 0 && strcmp(s->sampled_on, today_s) == 0)
        s->sampled_at = pd_now();
    else if (s->sampled_at &&
             (s->sampled_at < pd_local_midnight(&d) ||
              s->sampled_at >= pd_local_midnight(&d) + 86400 || s->sampled_at > pd_now() + 300))
        pd_field_errors_add(errs, "sampled_at",
                            "Giờ lấy mẫu phải thuộc ngày lấy mẫu và không ở tương lai");
}

static bool clean_text(char *s, size_t cap, size_t max_chars)
{
    char clean[256];
    if (!pd_nfc_clean(s, clean, sizeof clean) || pd_utf8_length(clean) > max_chars)
        return false;
    pd_strlcpy(s, clean, cap);
    return true;
}

static void check_texts(pd_sample *s, pd_field_errors *errs)
{
    if (!clean_text(s->site, sizeof s->site, 120))
        pd_field_errors_add(errs, "site", "Nơi lấy mẫu quá dài (tối đa 120 ký tự)");
    if (!clean_text(s->team, sizeof s->team, 120))
        pd_field_errors_add(errs, "team", "Tên tổ lấy mẫu quá dài (tối đa 120 ký tự)");
    if (!clean_text(s->label, sizeof s->label, 32))
        pd_field_errors_add(errs, "label", "Mã ống mẫu quá dài (tối đa 32 ký tự)");
}

/* The order belongs to the person; the test day lies in its quarantine and monitoring. */
static int check_order(sqlite3 *db, pd_sample *s, pd_field_errors *errs, pd_err *err)
{
    if (!s->quarantine_order_id) {
        if (s->test_day)
            pd_field_errors_add(errs, "test_day",
                                "Ngày xét nghiệm theo lệnh cách ly cần có lệnh cách ly");
        return PD_OK;
    }
    int64_t days = 0;
    int rc = lab_query_int(db,
                           "SELECT quarantine_days + monitoring_days FROM quarantine_orders"
                           " WHERE id = ?1 AND person_id = ?2",
                           s->quarantine_order_id, s->person_id, &days, err);
    if (rc != PD_OK)
        return rc;
    if (days == 0)
        pd_field_errors_add(errs, "quarantine_order_id",
                            "Không có lệnh cách ly này của người được lấy mẫu");
    else if (s->test_day < 1 || s->test_day > days)
        pd_field_errors_add(
            errs, "test_day",
            "Ngày xét nghiệm phải nằm trong thời gian cách ly và theo dõi sức khỏe");
    return PD_OK;
}

static int check_campaign(sqlite3 *db, const pd_actor *actor, pd_sample *s, pd_field_errors *errs,
                          pd_err *err)
{
    if (!s->campaign_id)
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT unit_code, district_code, province_code FROM"
                                    " lab_campaigns WHERE id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, s->campaign_id);
    int r = sqlite3_step(st);
    bool found = r == SQLITE_ROW &&
                 pd_scope_covers(actor, pd_col_text(st, 2), pd_col_text(st, 1), pd_col_text(st, 0));
    pd_db_release(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (!found)
        pd_field_errors_add(errs, "campaign_id", "Không tìm thấy đợt xét nghiệm sàng lọc này");
    return PD_OK;
}

/* The task belongs to the person and is open; the new sample inherits the pooled sample's
 * quarantine test day and campaign (the individual test replaces the pooled one). */
static int check_retest(sqlite3 *db, pd_sample *s, pd_field_errors *errs, pd_err *err)
{
    if (!s->retest_id)
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT coalesce(f.quarantine_order_id,0),"
                                    " coalesce(f.test_day,0), coalesce(f.campaign_id,0) FROM"
                                    " lab_retests r JOIN samples f ON f.id = r.from_sample_id"
                                    " WHERE r.id = ? AND r.person_id = ? AND r.sample_id IS NULL",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, s->retest_id);
    sqlite3_bind_int64(st, 2, s->person_id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW && !s->quarantine_order_id && !s->test_day) {
        s->quarantine_order_id = sqlite3_column_int64(st, 0);
        s->test_day = sqlite3_column_int(st, 1);
    }
    if (r == SQLITE_ROW && !s->campaign_id)
        s->campaign_id = sqlite3_column_int64(st, 2);
    pd_db_release(st);
    if (r == SQLITE_DONE)
        pd_field_errors_add(
            errs, "retest_id",
            "Không có việc lấy mẫu lại này cho người được chọn, hoặc đã lấy mẫu rồi");
    return r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int check_label(sqlite3 *db, pd_sample *s, pd_field_errors *errs, pd_err *err)
{
    if (!s->label[0])
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT (SELECT count(*) FROM samples WHERE label = ?1) +"
                                    " (SELECT count(*) FROM lab_pools WHERE label = ?1)",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, s->label, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    int64_t n = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    pd_db_release(st);
    if (r != SQLITE_ROW)
        return pd_db_error(db, err);
    if (n > 0)
        pd_field_errors_add(errs, "label", "Mã ống mẫu này đã được dùng");
    return PD_OK;
}

static int check_sample(sqlite3 *db, const pd_actor *actor, pd_sample *s, lab_person *p,
                        pd_field_errors *errs, pd_err *err)
{
    int rc = lab_load_person(db, actor, s->person_id, p, err);
    if (rc != PD_OK)
        return rc;
    check_lists(s, errs);
    check_date(s, errs);
    check_texts(s, errs);
    if ((rc = check_retest(db, s, errs, err)) != PD_OK ||
        (rc = check_order(db, s, errs, err)) != PD_OK ||
        (rc = check_campaign(db, actor, s, errs, err)) != PD_OK ||
        (rc = check_label(db, s, errs, err)) != PD_OK)
        return rc;
    return errs->count ? lab_fail_invalid(errs, err) : PD_OK;
}

static void bind_id(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static int insert_sample(sqlite3 *db, const pd_actor *actor, pd_sample *s, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO samples(person_id, kind, reason, sampled_on, sampled_at, quarantine_order_id,"
        " test_day, campaign_id, pool_id, site, team, label, unit_code, district_code,"
        " province_code, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, s->person_id);
    sqlite3_bind_text(st, 2, s->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->sampled_on, -1, SQLITE_STATIC);
    bind_id(st, 5, s->sampled_at);
    bind_id(st, 6, s->quarantine_order_id);
    bind_id(st, 7, s->test_day);
    bind_id(st, 8, s->campaign_id);
    bind_id(st, 9, s->pool_id);
    pd_bind_text_or_null(st, 10, s->site);
    pd_bind_text_or_null(st, 11, s->team);
    pd_bind_text_or_null(st, 12, s->label);
    sqlite3_bind_text(st, 13, s->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 14, s->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 15, s->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 16, s->created_at);
    bind_id(st, 17, actor->user_id);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    s->id = sqlite3_last_insert_rowid(db);
    if (s->label[0])
        return PD_OK;
    snprintf(s->label, sizeof s->label, "S%07lld", (long long)s->id);
    st = pd_db_cached(db, "UPDATE samples SET label = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, s->label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s->id);
    r = sqlite3_step(st);
    pd_db_release(st);
    return r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int link_retest(sqlite3 *db, const pd_sample *s, pd_err *err)
{
    if (!s->retest_id)
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(db, "UPDATE lab_retests SET sample_id = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_int64(st, 2, s->retest_id);
    int r = sqlite3_step(st);
    pd_db_release(st);
    return r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

int lab_sample_take_tx(sqlite3 *db, const pd_actor *actor, pd_sample *s, pd_field_errors *errs,
                       pd_err *err)
{
    lab_person p;
    int rc = check_sample(db, actor, s, &p, errs, err);
    if (rc != PD_OK)
        return rc;
    pd_strlcpy(s->unit_code, p.unit_code, sizeof s->unit_code);
    pd_strlcpy(s->district_code, p.district_code, sizeof s->district_code);
    pd_strlcpy(s->province_code, p.province_code, sizeof s->province_code);
    pd_strlcpy(s->full_name, p.full_name, sizeof s->full_name);
    pd_strlcpy(s->result, "pending", sizeof s->result);
    s->created_at = pd_now();
    s->created_by = actor->user_id;
    if ((rc = insert_sample(db, actor, s, err)) != PD_OK || (rc = link_retest(db, s, err)) != PD_OK)
        return rc;
    char detail[300];
    snprintf(detail, sizeof detail, "Lấy mẫu %s (%s) của %.120s, ngày %s, mã ống %s", s->kind,
             s->reason, p.full_name, s->sampled_on, s->label);
    return pd_audit_write(db, actor, "create", "sample", s->id, s->unit_code, detail, err);
}

int pd_sample_take(sqlite3 *db, const pd_actor *actor, pd_sample *s, pd_field_errors *errs,
                   pd_err *err)
{
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được lấy mẫu xét nghiệm");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    return pd_db_end(db, lab_sample_take_tx(db, actor, s, errs, err), err);
}

int pd_sample_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_sample *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    int rc = lab_sample_load(db, id, out, err);
    if (rc == PD_OK &&
        !pd_scope_covers(actor, out->province_code, out->district_code, out->unit_code))
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy mẫu xét nghiệm");
    return rc;
}

static const char *result_label(const char *r)
{
    return strcmp(r, "negative") == 0   ? "âm tính"
           : strcmp(r, "positive") == 0 ? "dương tính"
                                        : "không xác định";
}

int lab_sample_result_tx(sqlite3 *db, const pd_actor *actor, const pd_sample *s, const char *result,
                         int64_t at, bool *changed, pd_err *err)
{
    static const char *const results[] = {"negative", "positive", "invalid", NULL};
    *changed = false;
    if (!lab_in_list(result, results))
        return pd_fail(err, PD_EINVAL, "result",
                       "Kết quả phải là negative (âm tính), positive (dương tính) hoặc invalid "
                       "(không xác định)");
    if (s->pool_blocked)
        return pd_fail(err, PD_EINVAL, "result",
                       "Mẫu gộp dương tính: không được suy ra kết quả từng người; hãy lấy mẫu lại "
                       "và xét nghiệm riêng");
    if (strcmp(s->result, result) == 0)
        return PD_OK;
    if (strcmp(s->result, "pending") != 0 && strcmp(s->result, "invalid") != 0)
        return pd_fail(err, PD_ECONFLICT, "result", "Mẫu %s đã có kết quả %s", s->label,
                       result_label(s->result));
    pd_date sampled;
    if (lab_parse_day(s->sampled_on, &sampled) && at < pd_local_midnight(&sampled))
        return pd_fail(err, PD_EINVAL, "result_at",
                       "Ngày có kết quả không được trước ngày lấy mẫu");
    if (at > pd_now() + 300)
        return pd_fail(err, PD_EINVAL, "result_at", "Ngày có kết quả không được ở tương lai");
    int rc = lab_write_result(db, s->id, result, at, err);
    if (rc != PD_OK)
        return rc;
    *changed = true;
    char detail[300];
    snprintf(detail, sizeof detail, "Kết quả mẫu %s của %.120s: %s", s->label, s->full_name,
             result_label(result));
    return pd_audit_write(db, actor, "update", "sample", s->id, s->unit_code, detail, err);
}

int pd_sample_result(sqlite3 *db, const pd_actor *actor, int64_t id, const char *result,
                     int64_t result_at, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhập kết quả xét nghiệm");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_sample s;
    bool changed;
    int rc = pd_sample_get(db, actor, id, &s, err);
    if (rc == PD_OK)
        rc = lab_sample_result_tx(db, actor, &s, result, result_at ? result_at : pd_now(), &changed,
                                  err);
    return pd_db_end(db, rc, err);
}

/* ---- list ---- */

static void add_filter(pd_buf *sql, const char *cond, bool on)
{
    if (on) {
        pd_buf_puts(sql, " AND ");
        pd_buf_puts(sql, cond);
    }
}

static int check_query(const pd_samples_query *q, pd_err *err)
{
    pd_date d;
    if (q->from[0] && !lab_parse_day(q->from, &d))
        return pd_fail(err, PD_EINVAL, "from", "Ngày không hợp lệ");
    if (q->to[0] && !lab_parse_day(q->to, &d))
        return pd_fail(err, PD_EINVAL, "to", "Ngày không hợp lệ");
    return PD_OK;
}

static void day_iso(const char *in, char out[12])
{
    pd_date d;
    out[0] = '\0';
    if (lab_parse_day(in, &d))
        pd_date_format(&d, out, 12);
}

int pd_samples_list(sqlite3 *db, const pd_actor *actor, const pd_samples_query *q, pd_sample_cb cb,
                    void *ctx, bool *more, pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    if (check_query(q, err) != PD_OK)
        return PD_EINVAL;
    int limit = q->limit <= 0 ? 50 : q->limit > 10000 ? 10000 : q->limit;
    char scope[96], from[12], to[12];
    day_iso(q->from, from);
    day_iso(q->to, to);
    pd_buf sql;
    pd_buf_init(&sql);
    pd_buf_printf(&sql, "SELECT " LAB_SAMPLE_COLUMNS " FROM " LAB_SAMPLE_FROM " WHERE %s",
                  pd_scope_sql(actor, "s", scope, sizeof scope));
    add_filter(&sql, "s.person_id = :person", q->person_id);
    add_filter(&sql, "s.campaign_id = :campaign", q->campaign_id);
    add_filter(&sql, "s.pool_id = :pool", q->pool_id);
    add_filter(&sql, "s.result = :result", q->result[0]);
    add_filter(&sql, "s.reason = :reason", q->reason[0]);
    add_filter(&sql, "s.sampled_on >= :from", from[0]);
    add_filter(&sql, "s.sampled_on <= :to", to[0]);
    add_filter(&sql,
               "(s.unit_code = :unit OR s.district_code = :unit OR s.province_code = :unit OR"
               " p.area_code = :unit)",
               q->unit_code[0]);
    add_filter(&sql, "s.id < :before", q->before_id);
    pd_buf_printf(&sql, " ORDER BY s.id DESC LIMIT %d", limit + 1);
    sqlite3_stmt *st = pd_db_prepare(db, sql.data, err);
    pd_buf_free(&sql);
    if (!st)
        return PD_EDB;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 1, pd_scope_param(actor), -1, SQLITE_TRANSIENT);
#define BIND_I(name, v)                                                                            \
    if (sqlite3_bind_parameter_index(st, name))                                                    \
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, name), v)
#define BIND_T(name, v)                                                                            \
    if (sqlite3_bind_parameter_index(st, name))                                                    \
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, name), v, -1, SQLITE_TRANSIENT)
    BIND_I(":person", q->person_id);
    BIND_I(":campaign", q->campaign_id);
    BIND_I(":pool", q->pool_id);
    BIND_T(":result", q->result);
    BIND_T(":reason", q->reason);
    BIND_T(":from", from);
    BIND_T(":to", to);
    BIND_T(":unit", q->unit_code);
    BIND_I(":before", q->before_id);
#undef BIND_I
#undef BIND_T
    int n = 0, r;
    pd_sample s;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        lab_sample_from_row(st, &s);
        if (cb(&s, ctx) != 0)
            break;
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
