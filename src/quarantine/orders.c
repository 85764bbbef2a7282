/* Quarantine orders once tracing has written them: starting one (place and facility, a free bed),
 * daily health checks, what blocks release, release with the hand-over to the person's commune
 * health station, the station's confirmation, and reading orders. Every change is one transaction
 * with its audit entry; an order outside the caller's scope answers PD_ENOTFOUND. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "quarantine/internal.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

#define NOT_FOUND_ORDER "Không tìm thấy lệnh cách ly này"
#define FEVER 37.5

typedef struct order_row {
    int64_t id, person_id, facility_id, handover_confirmed_at;
    char status[12], place[16], start_date[11], handover_unit[16];
    int quarantine_days, monitoring_days;
    char unit[16], district[16], province[16];
} order_row;

static int load_order(sqlite3 *db, const pd_actor *actor, int64_t id, order_row *o, pd_err *err)
{
    memset(o, 0, sizeof *o);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT person_id, coalesce(facility_id,0), coalesce(handover_confirmed_at,0), status,"
        " place, start_date, coalesce(handover_unit,''), quarantine_days, monitoring_days,"
        " unit_code, district_code, province_code FROM quarantine_orders WHERE id = ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        o->id = id;
        o->person_id = sqlite3_column_int64(st, 0);
        o->facility_id = sqlite3_column_int64(st, 1);
        o->handover_confirmed_at = sqlite3_column_int64(st, 2);
        pd_strlcpy(o->status, pd_col_text(st, 3), sizeof o->status);
        pd_strlcpy(o->place, pd_col_text(st, 4), sizeof o->place);
        pd_strlcpy(o->start_date, pd_col_text(st, 5), sizeof o->start_date);
        pd_strlcpy(o->handover_unit, pd_col_text(st, 6), sizeof o->handover_unit);
        o->quarantine_days = sqlite3_column_int(st, 7);
        o->monitoring_days = sqlite3_column_int(st, 8);
        pd_strlcpy(o->unit, pd_col_text(st, 9), sizeof o->unit);
        pd_strlcpy(o->district, pd_col_text(st, 10), sizeof o->district);
        pd_strlcpy(o->province, pd_col_text(st, 11), sizeof o->province);
    }
    pd_db_release(st);
    if (!found || !pd_scope_covers(actor, o->province, o->district, o->unit))
        return pd_fail(err, PD_ENOTFOUND, "id", NOT_FOUND_ORDER);
    return PD_OK;
}

static int need(const pd_actor *actor, pd_perm perm, pd_err *err)
{
    if (pd_actor_can(actor, perm))
        return PD_OK;
    return pd_fail(err, PD_EDENIED, "",
                   perm == PD_PERM_QUARANTINE_READ ? "Tài khoản không được xem cách ly"
                                                   : "Tài khoản không được cập nhật cách ly");
}

static int exec_bound(sqlite3 *db, sqlite3_stmt *st, pd_err *err)
{
    int rc = sqlite3_step(st);
    pd_db_release(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
}

/* ---- start ---- */

static int facility_free(sqlite3 *db, int64_t facility_id, int beds, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT count(*) FROM quarantine_orders WHERE facility_id = ?"
                                    " AND status = 'active'",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, facility_id);
    int used = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    pd_db_release(st);
    if (used >= beds)
        return pd_fail(err, PD_ECONFLICT, "facility_id",
                       "Cơ sở cách ly đã hết chỗ (%d/%d giường): chọn cơ sở khác", used, beds);
    return PD_OK;
}

static int check_start_place(sqlite3 *db, const pd_actor *actor, const char *place,
                             int64_t facility_id, pd_err *err)
{
    static const char *const places[] = {"centralised", "home", "hotel", NULL};
    if (!pdq_in_list(place, places))
        return pd_fail(err, PD_EINVAL, "place",
                       "Nơi cách ly phải là centralised (tập trung), home (tại nhà) hoặc hotel "
                       "(khách sạn)");
    if (strcmp(place, "home") == 0)
        return facility_id ? pd_fail(err, PD_EINVAL, "facility_id",
                                     "Cách ly tại nhà không gắn với cơ sở cách ly")
                           : PD_OK;
    if (!facility_id)
        return pd_fail(err, PD_EINVAL, "facility_id", "Chọn cơ sở cách ly");
    pdq_facility_row f;
    if (pdq_facility_load(db, actor, facility_id, "facility_id", &f, err) != PD_OK)
        return err->code;
    const char *want = strcmp(place, "hotel") == 0 ? "hotel" : "quarantine";
    if (strcmp(f.kind, want) != 0)
        return pd_fail(err, PD_EINVAL, "facility_id",
                       strcmp(want, "hotel") == 0 ? "Cơ sở này không phải khách sạn cách ly"
                                                  : "Cơ sở này không phải khu cách ly tập trung");
    return facility_free(db, facility_id, f.beds, err);
}

int pd_quarantine_start(sqlite3 *db, const pd_actor *actor, int64_t order_id, const char *place,
                        int64_t facility_id, const char *day, pd_err *err)
{
    if (need(actor, PD_PERM_QUARANTINE_WRITE, err) != PD_OK)
        return err->code;
    char on[11];
    if (pdq_day_not_future(day, "started_on", on, err) != PD_OK)
        return err->code;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    order_row o;
    int rc = load_order(db, actor, order_id, &o, err);
    if (rc == PD_OK && strcmp(o.status, "pending") != 0)
        rc = pd_fail(err, PD_ECONFLICT, "status", "Lệnh cách ly này không còn chờ bắt đầu");
    if (rc == PD_OK)
        rc = check_start_place(db, actor, place ? place : "", facility_id, err);
    if (rc == PD_OK) {
        sqlite3_stmt *st = pd_db_cached(
            db,
            "UPDATE quarantine_orders SET status = 'active', place = ?2, facility_id = ?3,"
            " started_on = ?4, started_at = ?5 WHERE id = ?1",
            err);
        if (!st)
            rc = PD_EDB;
        else {
            sqlite3_bind_int64(st, 1, order_id);
            sqlite3_bind_text(st, 2, place, -1, SQLITE_TRANSIENT);
            if (facility_id)
                sqlite3_bind_int64(st, 3, facility_id);
            sqlite3_bind_text(st, 4, on, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 5, pd_now());
            rc = exec_bound(db, st, err);
        }
    }
    if (rc == PD_OK) {
        char detail[96];
        snprintf(detail, sizeof detail, "place=%s facility=%lld on=%s", place,
                 (long long)facility_id, on);
        rc = pd_audit_write(db, actor, "start", "quarantine_order", order_id, o.unit, detail, err);
    }
    return pd_db_end(db, rc, err);
}

/* ---- health checks ---- */

static const char *const symptom_codes[] = {"fever",       "cough",  "breath",    "sore_throat",
                                            "taste_smell", "nausea", "diarrhoea", NULL};

static int symptoms_json(const char *const *symptoms, int n, char *out, size_t cap, pd_err *err)
{
    size_t k = (size_t)snprintf(out, cap, "[");
    for (int i = 0; i < n; i++) {
        if (!pdq_in_list(symptoms[i], symptom_codes))
            return pd_fail(err, PD_EINVAL, "symptoms",
                           "Triệu chứng không hợp lệ: %s (fever, cough, breath, sore_throat, "
                           "taste_smell, nausea, diarrhoea)",
                           symptoms[i] ? symptoms[i] : "");
        k += (size_t)snprintf(out + k, cap - k, "%s\"%s\"", i ? "," : "", symptoms[i]);
    }
    snprintf(out + k, cap - k, "]");
    return PD_OK;
}

int pd_quarantine_check(sqlite3 *db, const pd_actor *actor, int64_t order_id, const char *day,
                        double temperature, const char *const *symptoms, int nsymptoms,
                        const char *note, int64_t *check_id, bool *alert, pd_err *err)
{
    if (need(actor, PD_PERM_QUARANTINE_WRITE, err) != PD_OK)
        return err->code;
    char on[11], sym[256], clean[512];
    if (pdq_day_not_future(day, "checked_on", on, err) != PD_OK)
        return err->code;
    if (nsymptoms < 0 || nsymptoms > PD_QUARANTINE_SYMPTOMS_MAX)
        return pd_fail(err, PD_EINVAL, "symptoms", "Quá nhiều triệu chứng");
    if (symptoms_json(symptoms, nsymptoms, sym, sizeof sym, err) != PD_OK)
        return err->code;
    if (temperature >= 0 && (temperature < 34 || temperature > 43 || isnan(temperature)))
        return pd_fail(err, PD_EINVAL, "temperature", "Nhiệt độ phải từ 34 đến 43 °C");
    if (pdq_text(note, 250, "note", clean, sizeof clean, err) != PD_OK)
        return err->code;
    bool raise = nsymptoms > 0 || temperature >= FEVER;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    order_row o;
    int rc = load_order(db, actor, order_id, &o, err);
    if (rc == PD_OK && strcmp(o.status, "active") != 0)
        rc = pd_fail(err, PD_ECONFLICT, "status",
                     "Chỉ ghi kiểm tra sức khỏe cho người đang cách ly");
    sqlite3_stmt *st = rc == PD_OK ? pd_db_cached(db,
                                                  "INSERT INTO quarantine_checks(order_id,"
                                                  " person_id, checked_on, at, temperature,"
                                                  " symptoms, note, alert, by_user) VALUES"
                                                  " (?,?,?,?,?,?,?,?,nullif(?,0))",
                                                  err)
                                   : NULL;
    if (rc == PD_OK && !st)
        rc = PD_EDB;
    if (rc == PD_OK) {
        sqlite3_bind_int64(st, 1, order_id);
        sqlite3_bind_int64(st, 2, o.person_id);
        sqlite3_bind_text(st, 3, on, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, pd_now());
        if (temperature >= 0)
            sqlite3_bind_double(st, 5, temperature);
        sqlite3_bind_text(st, 6, sym, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, clean, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 8, raise);
        sqlite3_bind_int64(st, 9, actor->user_id);
        rc = exec_bound(db, st, err);
    }
    int64_t id = sqlite3_last_insert_rowid(db);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "check", "quarantine_order", order_id, o.unit,
                            raise ? "alert" : "", err);
    rc = pd_db_end(db, rc, err);
    if (rc == PD_OK) {
        if (check_id)
            *check_id = id;
        if (alert)
            *alert = raise;
    }
    return rc;
}

/* ---- release ---- */

/* The order's test days with the result of the latest sample taken for each. */
#define SCHEDULE_SQL                                                                               \
    "SELECT j.value AS day, date(o.start_date, '+' || j.value || ' days') AS date,"                \
    " (SELECT s.result FROM samples s WHERE s.quarantine_order_id = o.id AND (s.test_day ="        \
    " j.value OR (s.test_day IS NULL AND s.sampled_on = date(o.start_date, '+' || j.value ||"      \
    " ' days'))) ORDER BY s.sampled_on DESC, s.id DESC LIMIT 1) AS result,"                        \
    " (SELECT s.id FROM samples s WHERE s.quarantine_order_id = o.id AND (s.test_day ="            \
    " j.value OR (s.test_day IS NULL AND s.sampled_on = date(o.start_date, '+' || j.value ||"      \
    " ' days'))) ORDER BY s.sampled_on DESC, s.id DESC LIMIT 1) AS sample_id"                      \
    " FROM quarantine_orders o, json_each(o.test_days) j WHERE o.id = ? ORDER BY j.value"

static void blocker(json_t *list, const char *code, int day, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void blocker(json_t *list, const char *code, int day, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *b = json_pack("{s:s, s:s}", "code", code, "message", msg);
    json_object_set_new(b, "day", day ? json_integer(day) : json_null());
    json_array_append_new(list, b);
}

static int test_blockers(sqlite3 *db, int64_t order_id, json_t *list, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, SCHEDULE_SQL, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, order_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int d = sqlite3_column_int(st, 0);
        const char *date = pd_col_text(st, 1), *res = pd_col_text(st, 2);
        if (!*res)
            blocker(list, "missing_test", d, "Chưa lấy mẫu xét nghiệm ngày %d (%s)", d, date);
        else if (strcmp(res, "pending") == 0)
            blocker(list, "pending_result", d, "Chưa có kết quả xét nghiệm ngày %d (%s)", d, date);
        else if (strcmp(res, "positive") == 0)
            blocker(list, "positive", d, "Xét nghiệm ngày %d dương tính: xác định ca bệnh", d);
        else if (strcmp(res, "invalid") == 0)
            blocker(list, "invalid_test", d, "Mẫu ngày %d không đạt: lấy mẫu lại", d);
    }
    pd_db_release(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int blockers_of(sqlite3 *db, const order_row *o, const char *day, json_t *list, pd_err *err)
{
    if (strcmp(o->status, "active") != 0) {
        blocker(list, "status", 0, "Lệnh cách ly không ở trạng thái đang cách ly");
        return PD_OK;
    }
    char end[11];
    pdq_add_days(o->start_date, o->quarantine_days, end);
    if (strcmp(day, end) < 0)
        blocker(list, "days", 0, "Chưa đủ %d ngày cách ly: được ra từ ngày %s", o->quarantine_days,
                end);
    return test_blockers(db, o->id, list, err);
}

int pd_quarantine_blockers(sqlite3 *db, int64_t order_id, const char *day, json_t **out,
                           pd_err *err)
{
    pd_actor all = pd_actor_cli();
    order_row o;
    char on[11];
    *out = NULL;
    if (pdq_day(day, "date", on, err) != PD_OK || load_order(db, &all, order_id, &o, err) != PD_OK)
        return err->code;
    json_t *list = json_array();
    if (blockers_of(db, &o, on, list, err) != PD_OK) {
        json_decref(list);
        return err->code;
    }
    *out = list;
    return PD_OK;
}

/* Blockers that a forced release may pass over: tests missing, pending or spoiled. */
static bool only_tests_missing(const json_t *list)
{
    size_t i;
    json_t *b;
    json_array_foreach(list, i, b)
    {
        const char *c = json_string_value(json_object_get(b, "code"));
        if (strcmp(c, "missing_test") != 0 && strcmp(c, "pending_result") != 0 &&
            strcmp(c, "invalid_test") != 0)
            return false;
    }
    return true;
}

static int write_release(sqlite3 *db, const pd_actor *actor, const order_row *o, const char *on,
                         const char *note, bool forced, pd_err *err)
{
    char end[11];
    pdq_add_days(on, o->monitoring_days, end);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "UPDATE quarantine_orders SET status = 'done', released_on = ?2, ended_at = ?3,"
        " monitoring_end = ?4, handover_unit = CASE WHEN monitoring_days > 0 THEN unit_code END,"
        " release_note = ?5 WHERE id = ?1",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, o->id);
    sqlite3_bind_text(st, 2, on, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, pd_now());
    sqlite3_bind_text(st, 4, end, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, note, -1, SQLITE_TRANSIENT);
    if (exec_bound(db, st, err) != PD_OK)
        return PD_EDB;
    char detail[320];
    snprintf(detail, sizeof detail, "on=%s monitoring_end=%s%s%s", on, end,
             forced ? " forced: " : "", forced ? note : "");
    return pd_audit_write(db, actor, "release", "quarantine_order", o->id, o->unit, detail, err);
}

int pd_quarantine_release(sqlite3 *db, const pd_actor *actor, int64_t order_id, const char *day,
                          bool force, const char *note, json_t **blockers, pd_err *err)
{
    *blockers = NULL;
    if (need(actor, PD_PERM_QUARANTINE_WRITE, err) != PD_OK)
        return err->code;
    char on[11], clean[512];
    if (pdq_day_not_future(day, "released_on", on, err) != PD_OK ||
        pdq_text(note, 250, "note", clean, sizeof clean, err) != PD_OK)
        return err->code;
    if (force && !*clean)
        return pd_fail(err, PD_EINVAL, "note", "Ghi lý do khi cho ra khi thiếu xét nghiệm");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    order_row o;
    int rc = load_order(db, actor, order_id, &o, err);
    json_t *list = json_array();
    if (rc == PD_OK)
        rc = blockers_of(db, &o, on, list, err);
    bool forced = false;
    if (rc == PD_OK && json_array_size(list) > 0) {
        if (force && only_tests_missing(list))
            forced = true;
        else
            rc = pd_fail(err, PD_ECONFLICT, "release", "%s",
                         json_string_value(json_object_get(json_array_get(list, 0), "message")));
    }
    if (rc == PD_OK)
        rc = write_release(db, actor, &o, on, clean, forced, err);
    rc = pd_db_end(db, rc, err);
    if (rc == PD_ECONFLICT)
        *blockers = list;
    else
        json_decref(list);
    return rc;
}

int pd_quarantine_handover_confirm(sqlite3 *db, const pd_actor *actor, int64_t order_id,
                                   pd_err *err)
{
    if (need(actor, PD_PERM_QUARANTINE_WRITE, err) != PD_OK)
        return err->code;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    order_row o;
    int rc = load_order(db, actor, order_id, &o, err);
    if (rc == PD_OK && (strcmp(o.status, "done") != 0 || !o.handover_unit[0]))
        rc = pd_fail(err, PD_ECONFLICT, "status", "Người này chưa được bàn giao về trạm y tế xã");
    else if (rc == PD_OK && o.handover_confirmed_at)
        rc = pd_fail(err, PD_ECONFLICT, "status", "Trạm y tế xã đã xác nhận nhận bàn giao rồi");
    if (rc == PD_OK && actor->role != PD_ROLE_ADMIN &&
        !(actor->role == PD_ROLE_COMMUNE && strcmp(actor->scope_code, o.handover_unit) == 0))
        rc = pd_fail(err, PD_EDENIED, "",
                     "Chỉ tài khoản trạm y tế xã nhận bàn giao mới xác nhận được");
    if (rc == PD_OK) {
        sqlite3_stmt *st = pd_db_cached(db,
                                        "UPDATE quarantine_orders SET handover_confirmed_at = ?2,"
                                        " handover_confirmed_by = nullif(?3, 0) WHERE id = ?1",
                                        err);
        if (!st)
            rc = PD_EDB;
        else {
            sqlite3_bind_int64(st, 1, order_id);
            sqlite3_bind_int64(st, 2, pd_now());
            sqlite3_bind_int64(st, 3, actor->user_id);
            rc = exec_bound(db, st, err);
        }
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "handover", "quarantine_order", order_id, o.unit, "", err);
    return pd_db_end(db, rc, err);
}

/* ---- reading ---- */

/* The order's columns for lists and the detail; ?1 is today (for the phase). */
#define ORDER_COLUMNS                                                                              \
    "o.id, o.person_id, p.full_name, coalesce(p.phone,'') AS phone, p.address,"                    \
    " coalesce(p.birth_date,'') AS birth_date, o.case_id, o.reason, o.status,"                     \
    " CASE WHEN o.status = 'done' AND o.monitoring_end >= ?1 THEN 'monitoring'"                    \
    " WHEN o.status = 'done' THEN 'finished' ELSE o.status END AS phase,"                          \
    " o.rule, o.start_date, o.quarantine_days, date(o.start_date, '+' || o.quarantine_days ||"     \
    " ' days') AS release_from, o.place, o.facility_id, f.name AS facility_name,"                  \
    " o.monitoring_days, o.test_days AS test_days_json, o.started_on, o.released_on,"              \
    " o.monitoring_end, o.handover_unit, o.handover_confirmed_at IS NOT NULL AS "                  \
    "handover_confirmed,"                                                                          \
    " o.release_note, o.unit_code, u.name AS unit_name, o.created_at"
#define ORDER_FROM                                                                                 \
    " FROM quarantine_orders o JOIN people p ON p.id = o.person_id"                                \
    " LEFT JOIN facilities f ON f.id = o.facility_id LEFT JOIN units u ON u.code = o.unit_code"

static json_t *order_detail(sqlite3 *db, int64_t id, const char *today, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "SELECT " ORDER_COLUMNS ORDER_FROM " WHERE o.id = ?2", err);
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    json_t *o = pdq_row_or_null(st);
    pd_db_release(st);
    if (!o)
        return NULL;
    st = pd_db_cached(db, SCHEDULE_SQL, err);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        json_object_set_new(o, "schedule", pdq_rows(db, st, err));
        pd_db_release(st);
    }
    st =
        pd_db_cached(db,
                     "SELECT id, checked_on, temperature, symptoms AS symptoms_json, note, alert"
                     " FROM quarantine_checks WHERE order_id = ? ORDER BY checked_on DESC, id DESC",
                     err);
    if (st) {
        sqlite3_bind_int64(st, 1, id);
        json_object_set_new(o, "checks", pdq_rows(db, st, err));
        pd_db_release(st);
    }
    return o;
}

int pd_quarantine_order_get(sqlite3 *db, const pd_actor *actor, int64_t order_id, json_t **out,
                            pd_err *err)
{
    *out = NULL;
    if (need(actor, PD_PERM_QUARANTINE_READ, err) != PD_OK)
        return err->code;
    order_row o;
    char today[11];
    pdq_day("", "date", today, err);
    if (load_order(db, actor, order_id, &o, err) != PD_OK)
        return err->code;
    json_t *j = order_detail(db, order_id, today, err);
    if (!j)
        return pd_db_error(db, err);
    json_t *list = json_array();
    if (strcmp(o.status, "active") == 0)
        blockers_of(db, &o, today, list, err);
    json_object_set_new(j, "blockers", list);
    *out = j;
    pd_audit_read(db, actor, "quarantine_order", order_id, o.unit, "");
    return PD_OK;
}

int pd_quarantine_orders_list(sqlite3 *db, const pd_actor *actor, const char *unit,
                              const char *phase, int limit, json_t **out, pd_err *err)
{
    static const char *const phases[] = {"pending",  "active",    "monitoring",
                                         "finished", "cancelled", NULL};
    *out = NULL;
    if (need(actor, PD_PERM_QUARANTINE_READ, err) != PD_OK)
        return err->code;
    if (phase && *phase && !pdq_in_list(phase, phases))
        return pd_fail(err, PD_EINVAL, "phase",
                       "Giai đoạn phải là pending, active, monitoring, finished hoặc cancelled");
    pd_actor a;
    if (pdq_narrow(db, actor, unit, &a, err) != PD_OK)
        return err->code;
    char today[11], scope[64], sql[2048];
    pdq_day("", "date", today, err);
    snprintf(sql, sizeof sql,
             "SELECT * FROM (SELECT " ORDER_COLUMNS ORDER_FROM " WHERE %s) WHERE ?2 = '' OR"
             " phase = ?2 ORDER BY id DESC LIMIT ?3",
             pdq_scope_sql(&a, "o", scope, sizeof scope));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, phase ? phase : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, limit > 0 && limit <= 5000 ? limit : 200);
    pdq_bind_scope(st, &a);
    json_t *items = pdq_rows(db, st, err);
    pd_db_release(st);
    if (!items)
        return PD_EDB;
    *out = json_pack("{s:o}", "items", items);
    return PD_OK;
}

int pd_quarantine_end_for_case(sqlite3 *db, int64_t person_id, int64_t case_id, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "UPDATE quarantine_orders SET status = 'cancelled', ended_at = ?3,"
                     " release_note = 'Trở thành ca bệnh F0 (ca ' || ?2 || ')'"
                     " WHERE person_id = ?1 AND status IN ('pending','active')",
                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, case_id);
    sqlite3_bind_int64(st, 3, pd_now());
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}
