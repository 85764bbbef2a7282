/* Cases (F0): confirming a case for a registry person (validation, one active case per person,
 * the status log's first row), reading one, moving it to recovered/died/transferred, naming its
 * likely source without cycles, adding contacts by hand, and lists in scope. Every change is one
 * transaction with its audit entry; the narrowest-lockdown suggestion is in lockdown.c. */
#include "cases/cases.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "people/unit_cache.h"
#include "quarantine/quarantine.h"
#include "store/db.h"
#include "trace/trace.h"

#define NOT_FOUND_CASE "Không tìm thấy ca bệnh này"
#define NOT_FOUND_PERSON "Không tìm thấy người này trong sổ dân cư"
#define SAMPLE_MAX_AGE_DAYS 60
#define ONSET_BEFORE_SAMPLE_DAYS 14
#define CLOCK_SKEW 300 /* a time "now" typed on a device whose clock runs a little ahead */

static const char *const found_in_values[] = {"community", "quarantine", "imported", NULL};
static const char *const basis_values[] = {"pcr",           "antigen_f1", "antigen_link",
                                           "antigen_twice", "entered",    NULL};
static const char *const end_status_values[] = {"recovered", "died", "transferred", NULL};

static bool in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return true;
    return false;
}

/* ---- days ---- */

/* A full date (day and month given). */
static bool parse_day(const char *s, pd_date *d)
{
    return s && *s && pd_date_parse(s, d) && d->month > 0 && d->day > 0;
}

int64_t pd_case_window_start(const pd_case *c)
{
    return pd_trace_window_start(c->onset_date, c->sample_date);
}

/* ---- reading ---- */

#define CASE_COLUMNS                                                                               \
    "c.id, c.person_id, c.confirmed_at, coalesce(c.onset_date,''), c.sample_date, c.found_in,"     \
    " c.basis, c.status, c.status_at, c.infectious_until, coalesce(c.source_case_id,0),"           \
    " c.unit_code, coalesce(c.area_code,''), c.district_code, c.province_code, c.note,"            \
    " coalesce(c.confirmed_by,0), c.created_at, coalesce(c.traced_at,0), p.full_name,"             \
    " coalesce(p.phone,''), p.address,"                                                            \
    " (SELECT count(*) FROM contacts k WHERE k.case_id = c.id AND k.level = 1),"                   \
    " (SELECT count(*) FROM contacts k WHERE k.case_id = c.id AND k.level = 2)"
#define CASE_FROM "cases c JOIN people p ON p.id = c.person_id"

static void case_from_row(sqlite3_stmt *st, pd_case *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->person_id = sqlite3_column_int64(st, 1);
    c->confirmed_at = sqlite3_column_int64(st, 2);
    pd_strlcpy(c->onset_date, pd_col_text(st, 3), sizeof c->onset_date);
    pd_strlcpy(c->sample_date, pd_col_text(st, 4), sizeof c->sample_date);
    pd_strlcpy(c->found_in, pd_col_text(st, 5), sizeof c->found_in);
    pd_strlcpy(c->basis, pd_col_text(st, 6), sizeof c->basis);
    pd_strlcpy(c->status, pd_col_text(st, 7), sizeof c->status);
    c->status_at = sqlite3_column_int64(st, 8);
    c->infectious_until = sqlite3_column_int64(st, 9);
    c->source_case_id = sqlite3_column_int64(st, 10);
    pd_strlcpy(c->unit_code, pd_col_text(st, 11), sizeof c->unit_code);
    pd_strlcpy(c->area_code, pd_col_text(st, 12), sizeof c->area_code);
    pd_strlcpy(c->district_code, pd_col_text(st, 13), sizeof c->district_code);
    pd_strlcpy(c->province_code, pd_col_text(st, 14), sizeof c->province_code);
    pd_strlcpy(c->note, pd_col_text(st, 15), sizeof c->note);
    c->confirmed_by = sqlite3_column_int64(st, 16);
    c->created_at = sqlite3_column_int64(st, 17);
    c->traced_at = sqlite3_column_int64(st, 18);
    pd_strlcpy(c->full_name, pd_col_text(st, 19), sizeof c->full_name);
    pd_strlcpy(c->phone, pd_col_text(st, 20), sizeof c->phone);
    pd_strlcpy(c->address, pd_col_text(st, 21), sizeof c->address);
    c->f1_count = sqlite3_column_int64(st, 22);
    c->f2_count = sqlite3_column_int64(st, 23);
}

/* Loads a case whoever asks; field names the id as the caller knows it. */
static int load_case(sqlite3 *db, int64_t id, const char *field, pd_case *out, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT " CASE_COLUMNS " FROM " CASE_FROM " WHERE c.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st), rc = PD_OK;
    if (r == SQLITE_ROW)
        case_from_row(st, out);
    else if (r == SQLITE_DONE)
        rc = pd_fail(err, PD_ENOTFOUND, field, NOT_FOUND_CASE);
    else
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

static bool may_see(const pd_actor *actor, const pd_case *c)
{
    return pd_scope_covers(actor, c->province_code, c->district_code, c->unit_code);
}

/* The case if it exists and lies in the actor's scope; else PD_ENOTFOUND, the same either way. */
static int load_visible(sqlite3 *db, const pd_actor *actor, int64_t id, const char *field,
                        pd_case *out, pd_err *err)
{
    int rc = id > 0 ? load_case(db, id, field, out, err)
                    : pd_fail(err, PD_ENOTFOUND, field, NOT_FOUND_CASE);
    if (rc == PD_OK && !may_see(actor, out)) {
        memset(out, 0, sizeof *out);
        rc = pd_fail(err, PD_ENOTFOUND, field, NOT_FOUND_CASE);
    }
    return rc;
}

int pd_case_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_case *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem ca bệnh");
    int rc = load_visible(db, actor, id, "id", out, err);
    if (rc == PD_OK)
        pd_audit_read(db, actor, "case", id, out->unit_code, "");
    return rc;
}

int pd_case_reload(sqlite3 *db, pd_case *c, pd_err *err)
{
    return load_case(db, c->id, "id", c, err);
}

/* ---- confirming ---- */

typedef struct person_row {
    char full_name[128], phone[16], address[256];
    char unit_code[16], area_code[16], district_code[16], province_code[16];
} person_row;

static int load_person(sqlite3 *db, const pd_actor *actor, int64_t id, person_row *p, pd_err *err)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT full_name, coalesce(phone,''), address, unit_code,"
                                    " coalesce(area_code,''), district_code, province_code"
                                    " FROM people WHERE id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st), rc = PD_OK;
    if (r == SQLITE_ROW) {
        char *const out[] = {p->full_name, p->phone,         p->address,      p->unit_code,
                             p->area_code, p->district_code, p->province_code};
        const size_t caps[] = {sizeof p->full_name,    sizeof p->phone,     sizeof p->address,
                               sizeof p->unit_code,    sizeof p->area_code, sizeof p->district_code,
                               sizeof p->province_code};
        for (int i = 0; i < 7; i++)
            pd_strlcpy(out[i], pd_col_text(st, i), caps[i]);
    } else if (r == SQLITE_DONE) {
        rc = pd_fail(err, PD_ENOTFOUND, "person_id", NOT_FOUND_PERSON);
    } else {
        rc = pd_db_error(db, err);
    }
    pd_db_release(st);
    if (rc == PD_OK && actor &&
        !pd_scope_covers(actor, p->province_code, p->district_code, p->unit_code))
        rc = pd_fail(err, PD_ENOTFOUND, "person_id", NOT_FOUND_PERSON);
    return rc;
}

/* One integer from a query with one integer parameter (0 when no row). */
static int query_int(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t *out, pd_err *err)
{
    *out = 0;
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, b);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    pd_db_release(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

/* Sample and onset dates, normalised to YYYY-MM-DD in place. */
static void check_dates(pd_case *c, pd_field_errors *errs)
{
    pd_date today = pd_local_date(pd_now()), s, o;
    bool sample_ok = false;
    if (!c->sample_date[0]) {
        pd_field_errors_add_once(errs, "sample_date", "Thiếu ngày lấy mẫu xét nghiệm dương tính");
    } else if (!parse_day(c->sample_date, &s)) {
        pd_field_errors_add_once(errs, "sample_date",
                                 "Ngày lấy mẫu không hợp lệ (dạng ngày/tháng/năm, vd. 15/11/2021)");
    } else if (pd_date_cmp(&s, &today) > 0) {
        pd_field_errors_add_once(errs, "sample_date", "Ngày lấy mẫu không được sau hôm nay");
    } else if (pd_date_days(&today) - pd_date_days(&s) > SAMPLE_MAX_AGE_DAYS) {
        pd_field_errors_add_once(errs, "sample_date",
                                 "Ngày lấy mẫu cách đây hơn 60 ngày; hãy kiểm tra lại");
    } else {
        pd_date_format(&s, c->sample_date, sizeof c->sample_date);
        sample_ok = true;
    }
    if (!c->onset_date[0])
        return;
    if (!parse_day(c->onset_date, &o))
        pd_field_errors_add_once(
            errs, "onset_date",
            "Ngày khởi phát triệu chứng không hợp lệ (dạng ngày/tháng/năm, vd. 12/11/2021)");
    else if (pd_date_cmp(&o, &today) > 0)
        pd_field_errors_add_once(errs, "onset_date",
                                 "Ngày khởi phát triệu chứng không được sau hôm nay");
    else if (sample_ok && pd_date_days(&s) - pd_date_days(&o) > ONSET_BEFORE_SAMPLE_DAYS)
        pd_field_errors_add_once(
            errs, "onset_date",
            "Ngày khởi phát sớm hơn ngày lấy mẫu quá 14 ngày; hãy kiểm tra lại");
    else
        pd_date_format(&o, c->onset_date, sizeof c->onset_date);
}

static void check_lists(pd_case *c, pd_field_errors *errs)
{
    if (!c->found_in[0])
        pd_field_errors_add_once(
            errs, "found_in", "Thiếu nơi phát hiện (cộng đồng, trong khu cách ly hoặc nhập cảnh)");
    else if (!in_list(c->found_in, found_in_values))
        pd_field_errors_add_once(
            errs, "found_in",
            "Nơi phát hiện không hợp lệ: community (cộng đồng), quarantine (trong khu cách "
            "ly) hoặc imported (nhập cảnh)");
    if (!c->basis[0])
        pd_field_errors_add_once(errs, "basis",
                                 "Thiếu căn cứ xác định ca bệnh (Công văn 11042/BYT-DP)");
    else if (!in_list(c->basis, basis_values))
        pd_field_errors_add_once(
            errs, "basis",
            "Căn cứ không hợp lệ: pcr (RT-PCR dương tính), antigen_f1 (F1 test nhanh dương "
            "tính), antigen_link (test nhanh dương tính có yếu tố dịch tễ), antigen_twice "
            "(hai lần test nhanh dương tính trong 8 giờ) hoặc entered (nhập từ hệ thống "
            "khác)");
}

/* confirmed_at (0: now) and infectious_until (0: confirmed_at): not in the future, the result not
 * before its sample, the window's end not before its start. */
static void check_times(pd_case *c, pd_field_errors *errs)
{
    int64_t now = pd_now();
    if (c->confirmed_at == 0)
        c->confirmed_at = now;
    pd_date s;
    if (c->confirmed_at > now + CLOCK_SKEW)
        pd_field_errors_add_once(errs, "confirmed_at",
                                 "Thời điểm xác định ca bệnh không được ở tương lai");
    else if (parse_day(c->sample_date, &s) && c->confirmed_at < pd_local_midnight(&s))
        pd_field_errors_add_once(errs, "confirmed_at",
                                 "Thời điểm xác định ca bệnh không được trước ngày lấy mẫu");
    if (c->infectious_until == 0) {
        c->infectious_until = c->confirmed_at;
        return;
    }
    int64_t start = pd_case_window_start(c);
    if (start && c->infectious_until < start)
        pd_field_errors_add_once(
            errs, "infectious_until",
            "Thời điểm hết lây nhiễm không được trước ngày bắt đầu thời kỳ lây nhiễm (2 "
            "ngày trước khởi phát hoặc lấy mẫu)");
}

static void check_note(pd_case *c, pd_field_errors *errs)
{
    char clean[sizeof c->note];
    if (!pd_nfc_clean(c->note, clean, sizeof clean) || pd_utf8_length(clean) > 250)
        pd_field_errors_add_once(errs, "note", "Ghi chú quá dài (tối đa 250 ký tự)");
    else
        pd_strlcpy(c->note, clean, sizeof c->note);
}

/* Domain rules §2: a case found while in quarantine is not a community case; an F1 confirmed by
 * an antigen test must be a known F1 (traced or listed by hand). */
static int check_domain(sqlite3 *db, pd_case *c, pd_field_errors *errs, pd_err *err)
{
    int64_t n = 0;
    if (strcmp(c->found_in, "community") == 0) {
        int rc = query_int(db,
                           "SELECT count(*) FROM quarantine_orders WHERE person_id = ?1 AND"
                           " status = 'active' AND (started_at IS NULL OR started_at <= ?2) AND"
                           " (ended_at IS NULL OR ended_at > ?2)",
                           c->person_id, c->confirmed_at, &n, err);
        if (rc != PD_OK)
            return rc;
        if (n > 0)
            pd_field_errors_add_once(
                errs, "found_in",
                "Người này đang cách ly nên không phải ca cộng đồng; chọn quarantine "
                "(phát hiện trong khu cách ly)");
    }
    if (strcmp(c->basis, "antigen_f1") == 0) {
        int rc = query_int(db,
                           "SELECT (SELECT count(*) FROM contacts WHERE person_id = ?1 AND level ="
                           " 1) + (SELECT count(*) FROM case_contacts WHERE person_id = ?1)",
                           c->person_id, 0, &n, err);
        if (rc != PD_OK)
            return rc;
        if (n == 0)
            pd_field_errors_add_once(
                errs, "basis",
                "Người này không có trong danh sách F1; chọn căn cứ khác (vd. test nhanh "
                "dương tính có yếu tố dịch tễ, hoặc RT-PCR)");
    }
    return PD_OK;
}

static int active_case_of(sqlite3 *db, int64_t person_id, int64_t *case_id, pd_err *err)
{
    return query_int(db, "SELECT id FROM cases WHERE person_id = ? AND status = 'active'",
                     person_id, 0, case_id, err);
}

static int insert_log(sqlite3 *db, const pd_actor *actor, int64_t case_id, const char *status,
                      int64_t at, const char *note, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "INSERT INTO case_status_log(case_id, status, at, by_user,"
                                    " note) VALUES (?,?,?,?,?)",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, at);
    if (actor->user_id)
        sqlite3_bind_int64(st, 4, actor->user_id);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, note ? note : "", -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    pd_db_release(st);
    return r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int insert_case(sqlite3 *db, const pd_actor *actor, pd_case *c, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO cases(person_id, confirmed_at, onset_date, sample_date, found_in, basis,"
        " status, status_at, infectious_until, unit_code, area_code, district_code,"
        " province_code, note, confirmed_by, created_at) VALUES"
        " (?,?,?,?,?,?,'active',?,?,?,?,?,?,?,?,?)",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, c->person_id);
    sqlite3_bind_int64(st, 2, c->confirmed_at);
    pd_bind_text_or_null(st, 3, c->onset_date);
    sqlite3_bind_text(st, 4, c->sample_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->found_in, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, c->basis, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, c->confirmed_at);
    sqlite3_bind_int64(st, 8, c->infectious_until);
    sqlite3_bind_text(st, 9, c->unit_code, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 10, c->area_code);
    sqlite3_bind_text(st, 11, c->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, c->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 13, c->note, -1, SQLITE_STATIC);
    if (actor->user_id)
        sqlite3_bind_int64(st, 14, actor->user_id);
    else
        sqlite3_bind_null(st, 14);
    sqlite3_bind_int64(st, 15, c->created_at);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if ((r & 0xff) == SQLITE_CONSTRAINT)
        return pd_fail(err, PD_ECONFLICT, "person_id", "Người này đang là ca bệnh (F0)");
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    c->id = sqlite3_last_insert_rowid(db);
    return PD_OK;
}

static int fail_invalid(const pd_field_errors *errs, pd_err *err)
{
    return pd_fail(err, PD_EINVAL, errs->items[0].field, "%s", errs->items[0].message);
}

/* Everything but the writes. */
static int check_case(sqlite3 *db, const pd_actor *actor, pd_case *c, person_row *p,
                      pd_field_errors *errs, pd_err *err)
{
    if (c->person_id <= 0) {
        pd_field_errors_add_once(errs, "person_id", "Chưa chọn người được xác định là ca bệnh");
    } else {
        int rc = load_person(db, actor, c->person_id, p, err);
        if (rc != PD_OK)
            return rc;
    }
    check_dates(c, errs);
    check_lists(c, errs);
    check_times(c, errs);
    check_note(c, errs);
    if (errs->count > 0)
        return fail_invalid(errs, err);
    int rc = check_domain(db, c, errs, err);
    if (rc != PD_OK)
        return rc;
    if (errs->count > 0)
        return fail_invalid(errs, err);
    int64_t active = 0;
    rc = active_case_of(db, c->person_id, &active, err);
    if (rc == PD_OK && active)
        rc = pd_fail(err, PD_ECONFLICT, "person_id",
                     "Người này đang là ca bệnh F0 (mã ca %lld) chưa kết thúc điều trị",
                     (long long)active);
    return rc;
}

int pd_case_confirm(sqlite3 *db, const pd_actor *actor, pd_case *c, pd_field_errors *errs,
                    pd_err *err)
{
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_CASES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xác định ca bệnh");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    person_row p;
    memset(&p, 0, sizeof p);
    c->id = 0;
    int rc = check_case(db, actor, c, &p, errs, err);
    if (rc == PD_OK) {
        pd_strlcpy(c->unit_code, p.unit_code, sizeof c->unit_code);
        pd_strlcpy(c->area_code, p.area_code, sizeof c->area_code);
        pd_strlcpy(c->district_code, p.district_code, sizeof c->district_code);
        pd_strlcpy(c->province_code, p.province_code, sizeof c->province_code);
        pd_strlcpy(c->full_name, p.full_name, sizeof c->full_name);
        pd_strlcpy(c->phone, p.phone, sizeof c->phone);
        pd_strlcpy(c->address, p.address, sizeof c->address);
        pd_strlcpy(c->status, "active", sizeof c->status);
        c->status_at = c->confirmed_at;
        c->source_case_id = 0;
        c->confirmed_by = actor->user_id;
        c->created_at = pd_now();
        c->traced_at = 0;
        c->f1_count = c->f2_count = 0;
        rc = insert_case(db, actor, c, err);
    }
    if (rc == PD_OK)
        rc = insert_log(db, actor, c->id, "active", c->confirmed_at, "Xác định ca bệnh (F0)", err);
    if (rc == PD_OK) /* an F1 who becomes a case leaves quarantine for care */
        rc = pd_quarantine_end_for_case(db, c->person_id, c->id, err);
    if (rc == PD_OK) {
        char detail[400];
        snprintf(detail, sizeof detail,
                 "Xác định ca bệnh F0: %.120s (người %lld), lấy mẫu %s, %s, %s", c->full_name,
                 (long long)c->person_id, c->sample_date, c->basis, c->found_in);
        rc = pd_audit_write(db, actor, "create", "case", c->id, c->unit_code, detail, err);
    }
    return pd_db_end(db, rc, err);
}

/* ---- status ---- */

static const char *status_label(const char *status)
{
    if (strcmp(status, "recovered") == 0)
        return "khỏi bệnh";
    if (strcmp(status, "died") == 0)
        return "tử vong";
    if (strcmp(status, "transferred") == 0)
        return "chuyển tuyến";
    return "đang điều trị";
}

static int write_status(sqlite3 *db, const pd_actor *actor, const pd_case *c, const char *status,
                        int64_t at, const char *note, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "UPDATE cases SET status = ?, status_at = ? WHERE id = ? AND status = 'active'", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, c->id);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    int rc = insert_log(db, actor, c->id, status, at, note, err);
    if (rc != PD_OK)
        return rc;
    char detail[400];
    snprintf(detail, sizeof detail, "Ca bệnh %.120s: %s%s%.200s", c->full_name,
             status_label(status), note[0] ? ". " : "", note);
    return pd_audit_write(db, actor, "update", "case", c->id, c->unit_code, detail, err);
}

int pd_case_set_status(sqlite3 *db, const pd_actor *actor, int64_t id, const char *status,
                       int64_t at, const char *note, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được cập nhật ca bệnh");
    char clean[256] = "";
    if (!pd_nfc_clean(note ? note : "", clean, sizeof clean) || pd_utf8_length(clean) > 250)
        return pd_fail(err, PD_EINVAL, "note", "Ghi chú quá dài (tối đa 250 ký tự)");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_case c;
    int rc = load_visible(db, actor, id, "id", &c, err);
    int64_t now = pd_now();
    if (at == 0)
        at = now;
    if (rc == PD_OK && (!status || !in_list(status, end_status_values)))
        rc = pd_fail(err, PD_EINVAL, "status",
                     "Trạng thái phải là recovered (khỏi bệnh), died (tử vong) hoặc transferred "
                     "(chuyển tuyến)");
    if (rc == PD_OK && strcmp(c.status, "active") != 0)
        rc = pd_fail(err, PD_EINVAL, "status",
                     "Ca bệnh này đã kết thúc (%s); không đổi được trạng thái nữa",
                     status_label(c.status));
    if (rc == PD_OK && at > now + CLOCK_SKEW)
        rc = pd_fail(err, PD_EINVAL, "at", "Thời điểm đổi trạng thái không được ở tương lai");
    if (rc == PD_OK && at < c.confirmed_at)
        rc = pd_fail(err, PD_EINVAL, "at",
                     "Thời điểm đổi trạng thái không được trước lúc xác định ca bệnh");
    if (rc == PD_OK)
        rc = write_status(db, actor, &c, status, at, clean, err);
    return pd_db_end(db, rc, err);
}

int pd_case_history(sqlite3 *db, const pd_actor *actor, int64_t id, pd_case_status_cb cb, void *ctx,
                    pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem ca bệnh");
    pd_case c;
    int rc = load_visible(db, actor, id, "id", &c, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT l.status, l.at, coalesce(l.by_user,0),"
                                     " coalesce(u.username,''), l.note FROM case_status_log l"
                                     " LEFT JOIN users u ON u.id = l.by_user WHERE l.case_id = ?"
                                     " ORDER BY l.at, l.id",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r;
    pd_case_status_entry e;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&e, 0, sizeof e);
        pd_strlcpy(e.status, pd_col_text(st, 0), sizeof e.status);
        e.at = sqlite3_column_int64(st, 1);
        e.by_user = sqlite3_column_int64(st, 2);
        pd_strlcpy(e.by_username, pd_col_text(st, 3), sizeof e.by_username);
        pd_strlcpy(e.note, pd_col_text(st, 4), sizeof e.note);
        if (cb(&e, ctx) != 0)
            break;
    }
    rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- source ---- */

/* True when following sources up from `from` reaches `target` (naming from as target's source
 * would close a loop). Sources always form chains, so the walk ends; the bound is a safeguard. */
static int reaches(sqlite3 *db, int64_t from, int64_t target, bool *found, pd_err *err)
{
    *found = false;
    int64_t cur = from;
    for (int steps = 0; cur > 0 && steps < 1000000; steps++) {
        if (cur == target) {
            *found = true;
            return PD_OK;
        }
        int64_t next = 0;
        int rc = query_int(db, "SELECT coalesce(source_case_id,0) FROM cases WHERE id = ?", cur, 0,
                           &next, err);
        if (rc != PD_OK)
            return rc;
        cur = next;
    }
    return PD_OK;
}

static int check_source(sqlite3 *db, const pd_actor *actor, const pd_case *c, int64_t source_id,
                        pd_case *src, pd_err *err)
{
    if (source_id < 0)
        return pd_fail(err, PD_EINVAL, "source_case_id", "Mã ca bệnh nguồn không hợp lệ");
    if (source_id == c->id)
        return pd_fail(err, PD_EINVAL, "source_case_id",
                       "Một ca bệnh không thể là nguồn lây của chính nó");
    int rc = load_visible(db, actor, source_id, "source_case_id", src, err);
    if (rc != PD_OK)
        return rc;
    if (src->confirmed_at > c->confirmed_at)
        return pd_fail(err, PD_EINVAL, "source_case_id",
                       "Ca nguồn phải được xác định không muộn hơn ca này");
    bool loop = false;
    rc = reaches(db, source_id, c->id, &loop, err);
    if (rc == PD_OK && loop)
        rc = pd_fail(err, PD_EINVAL, "source_case_id",
                     "Không thể chọn ca này làm nguồn: ca %lld đã lây từ ca hiện tại (vòng lặp "
                     "trong chuỗi lây nhiễm)",
                     (long long)source_id);
    return rc;
}

int pd_case_set_source(sqlite3 *db, const pd_actor *actor, int64_t id, int64_t source_case_id,
                       pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được cập nhật ca bệnh");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_case c, src;
    memset(&src, 0, sizeof src);
    int rc = load_visible(db, actor, id, "id", &c, err);
    if (rc == PD_OK && source_case_id != 0)
        rc = check_source(db, actor, &c, source_case_id, &src, err);
    if (rc == PD_OK) {
        sqlite3_stmt *st =
            pd_db_cached(db, "UPDATE cases SET source_case_id = ? WHERE id = ?", err);
        if (!st)
            rc = PD_EDB;
        if (st) {
            if (source_case_id)
                sqlite3_bind_int64(st, 1, source_case_id);
            else
                sqlite3_bind_null(st, 1);
            sqlite3_bind_int64(st, 2, id);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = pd_db_error(db, err);
            pd_db_release(st);
        }
    }
    if (rc == PD_OK) {
        char detail[400];
        if (source_case_id)
            snprintf(detail, sizeof detail, "Nguồn lây của ca %.120s: ca %lld (%.120s)",
                     c.full_name, (long long)source_case_id, src.full_name);
        else
            snprintf(detail, sizeof detail, "Bỏ nguồn lây của ca %.120s", c.full_name);
        rc = pd_audit_write(db, actor, "update", "case", id, c.unit_code, detail, err);
    }
    return pd_db_end(db, rc, err);
}

/* ---- contacts added by hand ---- */

int pd_case_contact_add(sqlite3 *db, const pd_actor *actor, int64_t case_id, int64_t person_id,
                        const char *kind, int64_t contact_at, const char *note, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được thêm người tiếp xúc");
    char clean[256] = "";
    if (!pd_nfc_clean(note ? note : "", clean, sizeof clean) || pd_utf8_length(clean) > 250)
        return pd_fail(err, PD_EINVAL, "note", "Ghi chú quá dài (tối đa 250 ký tự)");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_case c;
    person_row p;
    int rc = load_visible(db, actor, case_id, "id", &c, err);
    if (rc == PD_OK && (!kind || (strcmp(kind, "declared") != 0 && strcmp(kind, "manual") != 0)))
        rc = pd_fail(
            err, PD_EINVAL, "kind",
            "Loại tiếp xúc phải là declared (ca bệnh khai báo) hoặc manual (cán bộ bổ sung)");
    if (rc == PD_OK && person_id <= 0)
        rc = pd_fail(err, PD_EINVAL, "person_id", "Chưa chọn người tiếp xúc");
    if (rc == PD_OK)
        rc = load_person(db, NULL, person_id, &p, err); /* contacts cross communes */
    if (rc == PD_OK && person_id == c.person_id)
        rc = pd_fail(err, PD_EINVAL, "person_id",
                     "Ca bệnh không thể là người tiếp xúc của chính mình");
    if (rc == PD_OK && contact_at < 0)
        rc = pd_fail(err, PD_EINVAL, "contact_at", "Thời điểm tiếp xúc không hợp lệ");
    if (rc == PD_OK && contact_at > pd_now() + CLOCK_SKEW)
        rc = pd_fail(err, PD_EINVAL, "contact_at", "Thời điểm tiếp xúc không được ở tương lai");
    sqlite3_stmt *st = NULL;
    if (rc == PD_OK) {
        st = pd_db_cached(db,
                          "INSERT INTO case_contacts(case_id, person_id, kind, contact_at, note,"
                          " created_by, created_at) VALUES (?,?,?,?,?,?,?)",
                          err);
        if (!st)
            rc = PD_EDB;
    }
    if (st) {
        sqlite3_bind_int64(st, 1, case_id);
        sqlite3_bind_int64(st, 2, person_id);
        sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
        if (contact_at)
            sqlite3_bind_int64(st, 4, contact_at);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, clean, -1, SQLITE_STATIC);
        if (actor->user_id)
            sqlite3_bind_int64(st, 6, actor->user_id);
        else
            sqlite3_bind_null(st, 6);
        sqlite3_bind_int64(st, 7, pd_now());
        int r = sqlite3_step(st);
        if ((r & 0xff) == SQLITE_CONSTRAINT)
            rc = pd_fail(err, PD_ECONFLICT, "person_id",
                         "Người này đã có trong danh sách tiếp xúc (%s) của ca bệnh",
                         strcmp(kind, "declared") == 0 ? "khai báo" : "bổ sung");
        else if (r != SQLITE_DONE)
            rc = pd_db_error(db, err);
        pd_db_release(st);
    }
    if (rc == PD_OK) {
        char detail[400];
        snprintf(detail, sizeof detail,
                 "Thêm người tiếp xúc (%s) của ca %.120s: %.120s (người %lld)",
                 strcmp(kind, "declared") == 0 ? "khai báo" : "bổ sung", c.full_name, p.full_name,
                 (long long)person_id);
        rc = pd_audit_write(db, actor, "add_contact", "case", case_id, c.unit_code, detail, err);
    }
    return pd_db_end(db, rc, err);
}

int pd_case_contacts_added(sqlite3 *db, const pd_actor *actor, int64_t case_id,
                           pd_case_contact_cb cb, void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CASES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem ca bệnh");
    pd_case c;
    int rc = load_visible(db, actor, case_id, "id", &c, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT k.person_id, p.full_name, k.kind,"
                                     " coalesce(k.contact_at,0), k.note, k.created_at"
                                     " FROM case_contacts k JOIN people p ON p.id = k.person_id"
                                     " WHERE k.case_id = ? ORDER BY k.id",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, case_id);
    int r;
    pd_case_contact k;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&k, 0, sizeof k);
        k.person_id = sqlite3_column_int64(st, 0);
        pd_strlcpy(k.full_name, pd_col_text(st, 1), sizeof k.full_name);
        pd_strlcpy(k.kind, pd_col_text(st, 2), sizeof k.kind);
        k.contact_at = sqlite3_column_int64(st, 3);
        pd_strlcpy(k.note, pd_col_text(st, 4), sizeof k.note);
        k.created_at = sqlite3_column_int64(st, 5);
        if (cb(&k, ctx) != 0)
            break;
    }
    rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

/* ---- lists ---- */

#define MAX_BINDS 12

typedef struct where {
    pd_buf sql;
    const char *text[MAX_BINDS]; /* text binds, or NULL for the integer in num */
    int64_t num[MAX_BINDS];
    int n;
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

static int unit_filter(sqlite3 *db, where *w, const char *code, pd_err *err)
{
    if (!code[0])
        return PD_OK;
    pd_unit_info u;
    if (!pd_unit_cache_get(db, code, &u))
        return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s", code);
    static const char *const cond[] = {"", "c.province_code = ?", "c.district_code = ?",
                                       "c.unit_code = ?", "c.area_code = ?"};
    add_text(w, cond[u.level >= 1 && u.level <= 4 ? u.level : 3], code);
    return PD_OK;
}

/* A filter day as the Unix time of its 00:00 local (plus one day for `to`, exclusive). */
static int day_bound(const char *value, const char *field, bool end, int64_t *out, pd_err *err)
{
    pd_date d;
    if (!parse_day(value, &d))
        return pd_fail(err, PD_EINVAL, field, "Ngày không hợp lệ: %s (dạng ngày/tháng/năm)", value);
    *out = pd_local_midnight(&d) + (end ? 86400 : 0);
    return PD_OK;
}

static int build_where(sqlite3 *db, const pd_actor *actor, const pd_cases_query *q, where *w,
                       pd_err *err)
{
    pd_buf_puts(&w->sql, " WHERE 1");
    char cond[64];
    pd_scope_sql(actor, "c", cond, sizeof cond);
    if (pd_scope_param(actor))
        add_text(w, cond, pd_scope_param(actor));
    if (unit_filter(db, w, q->unit_code, err) != PD_OK)
        return PD_EINVAL;
    if (q->status[0]) {
        if (!in_list(q->status, end_status_values) && strcmp(q->status, "active") != 0)
            return pd_fail(err, PD_EINVAL, "status",
                           "Trạng thái phải là active, recovered, died hoặc transferred");
        add_text(w, "c.status = ?", q->status);
    }
    if (q->found_in[0]) {
        if (!in_list(q->found_in, found_in_values))
            return pd_fail(err, PD_EINVAL, "found_in",
                           "Nơi phát hiện phải là community, quarantine hoặc imported");
        add_text(w, "c.found_in = ?", q->found_in);
    }
    int64_t t = 0;
    if (q->from[0]) {
        if (day_bound(q->from, "from", false, &t, err) != PD_OK)
            return PD_EINVAL;
        add_int(w, "c.confirmed_at >= ?", t);
    }
    if (q->to[0]) {
        if (day_bound(q->to, "to", true, &t, err) != PD_OK)
            return PD_EINVAL;
        add_int(w, "c.confirmed_at < ?", t);
    }
    if (q->before_id > 0)
        add_int(w, "c.id < ?", q->before_id);
    return PD_OK;
}

int pd_cases_list(sqlite3 *db, const pd_actor *actor, const pd_cases_query *q, pd_case_cb cb,
                  void *ctx, bool *more, pd_err *err)
{
    if (more)
        *more = false;
    if (!pd_actor_can(actor, PD_PERM_CASES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem ca bệnh");
    int limit = q->limit <= 0 ? 50 : q->limit > 10000 ? 10000 : q->limit;
    where w;
    memset(&w, 0, sizeof w);
    pd_buf_init(&w.sql);
    int rc = build_where(db, actor, q, &w, err);
    if (rc != PD_OK) {
        pd_buf_free(&w.sql);
        return rc;
    }
    pd_buf sql;
    pd_buf_init(&sql);
    pd_buf_printf(&sql, "SELECT " CASE_COLUMNS " FROM " CASE_FROM "%s ORDER BY c.id DESC LIMIT %d",
                  w.sql.data, limit + 1);
    sqlite3_stmt *st = pd_db_prepare(db, sql.data, err);
    pd_buf_free(&sql);
    pd_buf_free(&w.sql);
    if (!st)
        return PD_EDB;
    for (int i = 0; i < w.n; i++) {
        if (w.text[i])
            sqlite3_bind_text(st, i + 1, w.text[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, i + 1, w.num[i]);
    }
    int n = 0, r;
    pd_case c;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == limit) {
            if (more)
                *more = true;
            break;
        }
        case_from_row(st, &c);
        n++;
        if (cb(&c, ctx) != 0)
            break;
    }
    rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
