/* F0 care once triaged: twice-daily home monitoring with alerts, beds and mobile stations,
 * release by the rule in force (marking the case recovered through cases.h), and reading
 * episodes, the F0 list by colour and the alert worklist. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "care/care.h"
#include "cases/cases.h"
#include "quarantine/internal.h"
#include "store/db.h"

#define NOT_FOUND_EPISODE "Không tìm thấy hồ sơ điều trị này"

typedef struct episode_row {
    int64_t id, case_id, person_id;
    int tier;             /* the tier triage recommended */
    char positive_on[12]; /* the positive sample's day (the case's), else the episode's start */
    char status[12], started_on[12], vaccination[8], case_status[16];
    char unit[16], district[16], province[16];
} episode_row;

static int load_episode(sqlite3 *db, const pd_actor *actor, int64_t id, episode_row *e, pd_err *err)
{
    memset(e, 0, sizeof *e);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT e.case_id, e.person_id, e.status, e.started_on, e.vaccination, c.status,"
        " e.unit_code, e.district_code, e.province_code, e.tier,"
        " coalesce(nullif(c.sample_date, ''), e.started_on)"
        " FROM care_episodes e JOIN cases c ON c.id = e.case_id WHERE e.id = ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        e->id = id;
        e->case_id = sqlite3_column_int64(st, 0);
        e->person_id = sqlite3_column_int64(st, 1);
        char *outs[] = {e->status, e->started_on, e->vaccination, e->case_status,
                        e->unit,   e->district,   e->province};
        size_t caps[] = {sizeof e->status,      sizeof e->started_on, sizeof e->vaccination,
                         sizeof e->case_status, sizeof e->unit,       sizeof e->district,
                         sizeof e->province};
        for (int i = 0; i < 7; i++)
            pd_strlcpy(outs[i], pd_col_text(st, 2 + i), caps[i]);
        e->tier = sqlite3_column_int(st, 9);
        pd_strlcpy(e->positive_on, pd_col_text(st, 10), sizeof e->positive_on);
    }
    pd_db_release(st);
    if (!found || !pd_scope_covers(actor, e->province, e->district, e->unit))
        return pd_fail(err, PD_ENOTFOUND, "id", NOT_FOUND_EPISODE);
    return PD_OK;
}

static int can(const pd_actor *actor, pd_perm perm, pd_err *err)
{
    if (pd_actor_can(actor, perm))
        return PD_OK;
    return pd_fail(err, PD_EDENIED, "",
                   perm == PD_PERM_CARE_READ ? "Tài khoản không được xem điều trị F0"
                                             : "Tài khoản không được cập nhật điều trị F0");
}

/* ---- monitoring ---- */

/* The thresholds of the home-care row in force on day (96 % and 20 a minute before any). */
static void thresholds(sqlite3 *db, const char *day, int *spo2_min, int *resp_max)
{
    *spo2_min = 96;
    *resp_max = 20;
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT spo2_min, resp_rate_max FROM care_home_rules WHERE"
                                    " effective_from <= ? ORDER BY effective_from DESC LIMIT 1",
                                    &err);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *spo2_min = sqlite3_column_int(st, 0);
        *resp_max = sqlite3_column_int(st, 1);
    }
    pd_db_release(st);
}

static int check_entry(const char *slot, int spo2, int resp, double temp, int pulse, pd_err *err)
{
    static const char *const slots[] = {"morning", "evening", NULL};
    if (!pdq_in_list(slot, slots))
        return pd_fail(err, PD_EINVAL, "slot", "Buổi phải là morning (sáng) hoặc evening (chiều)");
    if (spo2 < 50 || spo2 > 100)
        return pd_fail(err, PD_EINVAL, "spo2", "SpO₂ phải từ 50 đến 100 %%");
    if (resp < 5 || resp > 80)
        return pd_fail(err, PD_EINVAL, "resp_rate", "Nhịp thở phải từ 5 đến 80 lần/phút");
    if (temp >= 0 && (isnan(temp) || temp < 34 || temp > 43))
        return pd_fail(err, PD_EINVAL, "temperature", "Nhiệt độ phải từ 34 đến 43 °C");
    if (pulse != -1 && (pulse < 20 || pulse > 250))
        return pd_fail(err, PD_EINVAL, "pulse", "Mạch phải từ 20 đến 250 lần/phút");
    return PD_OK;
}

static int insert_entry(sqlite3 *db, const pd_actor *actor, int64_t episode, const char *day,
                        const char *slot, int spo2, int resp, double temp, int pulse,
                        const char *note, const char *alert, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO care_monitoring(episode_id, at, day, slot, spo2, resp_rate, temperature,"
        " pulse, note, alert, by_user) VALUES (?,?,?,?,?,?,?,?,?,?,nullif(?,0))",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, episode);
    sqlite3_bind_int64(st, 2, pd_now());
    sqlite3_bind_text(st, 3, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, slot, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, spo2);
    sqlite3_bind_int(st, 6, resp);
    if (temp >= 0)
        sqlite3_bind_double(st, 7, temp);
    if (pulse >= 0)
        sqlite3_bind_int(st, 8, pulse);
    sqlite3_bind_text(st, 9, note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, alert, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 11, actor->user_id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

int pd_care_monitor(sqlite3 *db, const pd_actor *actor, int64_t episode_id, const char *slot,
                    int spo2, int resp_rate, double temperature, int pulse, const char *note,
                    int64_t *entry_id, char alert[160], pd_err *err)
{
    alert[0] = '\0';
    char clean[512], day[11];
    if (can(actor, PD_PERM_CARE_WRITE, err) != PD_OK ||
        check_entry(slot ? slot : "", spo2, resp_rate, temperature, pulse, err) != PD_OK ||
        pdq_text(note, 250, "note", clean, sizeof clean, err) != PD_OK)
        return err->code;
    pdq_day("", "day", day, err);
    int spo2_min, resp_max;
    thresholds(db, day, &spo2_min, &resp_max);
    if (spo2 < spo2_min)
        snprintf(alert, 160, "SpO₂ %d %% dưới ngưỡng %d %%", spo2, spo2_min);
    else if (resp_rate > resp_max)
        snprintf(alert, 160, "Nhịp thở %d lần/phút trên ngưỡng %d", resp_rate, resp_max);
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    episode_row e;
    int rc = load_episode(db, actor, episode_id, &e, err);
    if (rc == PD_OK && strcmp(e.status, "active") != 0)
        rc = pd_fail(err, PD_ECONFLICT, "id", "Hồ sơ điều trị này đã kết thúc");
    if (rc == PD_OK)
        rc = insert_entry(db, actor, episode_id, day, slot, spo2, resp_rate, temperature, pulse,
                          clean, alert, err);
    if (entry_id)
        *entry_id = sqlite3_last_insert_rowid(db);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "monitor", "care_episode", episode_id, e.unit, alert, err);
    return pd_db_end(db, rc, err);
}

int pd_care_alert_done(sqlite3 *db, const pd_actor *actor, int64_t entry_id, pd_err *err)
{
    if (can(actor, PD_PERM_CARE_WRITE, err) != PD_OK)
        return err->code;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT episode_id, alert <> '' AND alert_done_at IS NULL"
                                    " FROM care_monitoring WHERE id = ?",
                                    err);
    int64_t episode = 0;
    int open = 0;
    if (st) {
        sqlite3_bind_int64(st, 1, entry_id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            episode = sqlite3_column_int64(st, 0);
            open = sqlite3_column_int(st, 1);
        }
        pd_db_release(st);
    }
    episode_row e;
    int rc = episode ? load_episode(db, actor, episode, &e, err) : PD_ENOTFOUND;
    if (rc == PD_ENOTFOUND) /* out of scope answers exactly like a missing alert */
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy cảnh báo này");
    if (rc == PD_OK && !open)
        rc = pd_fail(err, PD_ECONFLICT, "id", "Cảnh báo này đã được xử lý");
    st = rc == PD_OK ? pd_db_cached(db,
                                    "UPDATE care_monitoring SET alert_done_at = ?2,"
                                    " alert_done_by = nullif(?3,0) WHERE id = ?1",
                                    err)
                     : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, entry_id);
        sqlite3_bind_int64(st, 2, pd_now());
        sqlite3_bind_int64(st, 3, actor->user_id);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "alert_done", "care_episode", episode, e.unit, "", err);
    return pd_db_end(db, rc, err);
}

/* ---- beds ---- */

static int bed_free(sqlite3 *db, int64_t facility, const char *kind, int capacity, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT count(*) FROM care_episodes WHERE facility_id = ? AND"
                                    " bed_kind = ? AND status = 'active'",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, facility);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_TRANSIENT);
    int used = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    pd_db_release(st);
    if (used >= capacity)
        return pd_fail(err, PD_ECONFLICT, "facility_id", "Cơ sở đã hết %s (%d/%d): chọn cơ sở khác",
                       strcmp(kind, "icu") == 0 ? "giường hồi sức" : "giường", used, capacity);
    return PD_OK;
}

/* A bed at a treatment facility of at least the tier triage recommended (a higher tier may take a
 * patient of a lower one, never the other way), or the mobile station. */
static int check_bed(sqlite3 *db, const pd_actor *actor, int64_t facility, const char *kind,
                     int tier, pd_err *err)
{
    static const char *const kinds[] = {"bed", "icu", "station", NULL};
    if (!pdq_in_list(kind, kinds))
        return pd_fail(err, PD_EINVAL, "bed_kind",
                       "Loại chỗ phải là bed (giường), icu (hồi sức) hoặc station (trạm lưu động)");
    pdq_facility_row f;
    if (pdq_facility_load(db, actor, facility, "facility_id", &f, err) != PD_OK)
        return err->code;
    bool station = strcmp(kind, "station") == 0;
    if (strcmp(f.kind, station ? "mobile_station" : "treatment") != 0)
        return pd_fail(err, PD_EINVAL, "facility_id",
                       station ? "Cơ sở này không phải trạm y tế lưu động"
                               : "Cơ sở này không phải cơ sở điều trị");
    if (station)
        return PD_OK;
    if (f.tier < tier)
        return pd_fail(err, PD_EINVAL, "facility_id",
                       "Người bệnh cần cơ sở điều trị tầng %d trở lên; cơ sở này thuộc tầng %d",
                       tier, f.tier);
    bool icu = strcmp(kind, "icu") == 0;
    return bed_free(db, facility, kind, icu ? f.icu_beds : f.beds - f.icu_beds, err);
}

int pd_care_assign(sqlite3 *db, const pd_actor *actor, int64_t episode_id, int64_t facility_id,
                   const char *bed_kind, pd_err *err)
{
    if (can(actor, PD_PERM_CARE_WRITE, err) != PD_OK)
        return err->code;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    episode_row e;
    int rc = load_episode(db, actor, episode_id, &e, err);
    if (rc == PD_OK && strcmp(e.status, "active") != 0)
        rc = pd_fail(err, PD_ECONFLICT, "id", "Hồ sơ điều trị này đã kết thúc");
    if (rc == PD_OK)
        rc = check_bed(db, actor, facility_id, bed_kind ? bed_kind : "", e.tier, err);
    sqlite3_stmt *st =
        rc == PD_OK ? pd_db_cached(db,
                                   "UPDATE care_episodes SET facility_id = ?2, bed_kind = ?3,"
                                   " bed_at = ?4, place = CASE ?3 WHEN 'station' THEN 'home'"
                                   " ELSE 'facility' END WHERE id = ?1",
                                   err)
                    : NULL;
    if (st) {
        sqlite3_bind_int64(st, 1, episode_id);
        sqlite3_bind_int64(st, 2, facility_id);
        sqlite3_bind_text(st, 3, bed_kind, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 4, pd_now());
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
    }
    if (rc == PD_OK) {
        char detail[64];
        snprintf(detail, sizeof detail, "facility=%lld %s", (long long)facility_id, bed_kind);
        rc = pd_audit_write(db, actor, "assign", "care_episode", episode_id, e.unit, detail, err);
    }
    return pd_db_end(db, rc, err);
}

/* ---- release ---- */

typedef struct release_rule {
    char basis[64];
    int with_negative, full_without, other_without; /* -1: none */
} release_rule;

static int load_release_rule(sqlite3 *db, const char *day, release_rule *r, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT basis, days_with_negative, coalesce(days_full_without,-1),"
        " coalesce(days_other_without,-1) FROM care_release_rules ORDER BY"
        " (effective_from <= ?1) DESC, CASE WHEN effective_from <= ?1 THEN effective_from END"
        " DESC, effective_from LIMIT 1",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    int rc = PD_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        pd_strlcpy(r->basis, pd_col_text(st, 0), sizeof r->basis);
        r->with_negative = sqlite3_column_int(st, 1);
        r->full_without = sqlite3_column_int(st, 2);
        r->other_without = sqlite3_column_int(st, 3);
        rc = PD_OK;
    }
    pd_db_release(st);
    return rc == PD_OK ? PD_OK : pd_fail(err, PD_EDB, "", "Thiếu quy định ra viện");
}

/* The latest negative test of the person from day `from` to `to`: a sample (table samples) or the
 * date reported; "" when none. */
static void negative_test(sqlite3 *db, int64_t person, const char *from, const char *to,
                          const char *reported, char out[11])
{
    out[0] = '\0';
    if (reported && *reported && strcmp(reported, from) >= 0 && strcmp(reported, to) <= 0)
        pd_strlcpy(out, reported, 11);
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT max(sampled_on) FROM samples WHERE person_id = ? AND"
                                    " result = 'negative' AND sampled_on BETWEEN ? AND ?",
                                    &err);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, to, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
        strcmp(pd_col_text(st, 0), out) > 0)
        pd_strlcpy(out, pd_col_text(st, 0), 11);
    pd_db_release(st);
}

static json_t *judge(sqlite3 *db, const episode_row *e, const char *day, const char *reported,
                     pd_err *err)
{
    release_rule r;
    if (load_release_rule(db, day, &r, err) != PD_OK)
        return NULL;
    int days = pdq_days_between(e->positive_on, day);
    char from[11], neg[11], msg[400];
    pdq_add_days(e->positive_on, r.with_negative, from);
    negative_test(db, e->person_id, from, day, reported, neg);
    bool full = strcmp(e->vaccination, "full") == 0;
    int without = full ? r.full_without : r.other_without;
    bool ok = (days >= r.with_negative && neg[0]) || (without >= 0 && days >= without);
    if (ok && neg[0] && days >= r.with_negative)
        snprintf(msg, sizeof msg, "Đủ %d ngày và có xét nghiệm âm tính ngày %s (%s)", days, neg,
                 r.basis);
    else if (ok)
        snprintf(msg, sizeof msg, "Đủ %d ngày (%s, %s)", without,
                 full ? "đã tiêm đủ liều" : "chưa tiêm đủ liều", r.basis);
    else if (without >= 0)
        snprintf(msg, sizeof msg,
                 "Chưa đủ điều kiện (%s): cần từ %d ngày và xét nghiệm nhanh âm tính từ ngày %s,"
                 " hoặc đủ %d ngày; mới %d ngày",
                 r.basis, r.with_negative, from, without, days);
    else
        snprintf(msg, sizeof msg,
                 "Chưa đủ điều kiện (%s): cần từ %d ngày và xét nghiệm nhanh âm tính từ ngày %s;"
                 " mới %d ngày%s",
                 r.basis, r.with_negative, from, days,
                 neg[0] ? "" : ", chưa có xét nghiệm âm tính");
    return json_pack("{s:b, s:s, s:i, s:s, s:s}", "eligible", ok, "basis", r.basis, "days", days,
                     "message", msg, "negative_test_on", neg);
}

int pd_care_release_check(sqlite3 *db, int64_t episode_id, const char *day,
                          const char *negative_test_on, json_t **out, pd_err *err)
{
    pd_actor all = pd_actor_cli();
    episode_row e;
    char on[11];
    *out = NULL;
    if (pdq_day(day, "day", on, err) != PD_OK || load_episode(db, &all, episode_id, &e, err))
        return err->code;
    *out = judge(db, &e, on, negative_test_on, err);
    return *out ? PD_OK : err->code;
}

int pd_care_release(sqlite3 *db, const pd_actor *actor, int64_t episode_id, const char *day,
                    const char *negative_test_on, pd_err *err)
{
    char on[11], neg[11] = "";
    if (can(actor, PD_PERM_CARE_WRITE, err) != PD_OK)
        return err->code;
    if (!pd_actor_can(actor, PD_PERM_CASES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Chỉ trạm y tế xã, cấp huyện, tỉnh xác nhận khỏi bệnh");
    if (pdq_day_not_future(day, "day", on, err) != PD_OK ||
        (negative_test_on && *negative_test_on &&
         pdq_day_not_future(negative_test_on, "negative_test_on", neg, err) != PD_OK))
        return err->code;
    episode_row e;
    if (load_episode(db, actor, episode_id, &e, err) != PD_OK)
        return err->code;
    if (strcmp(e.status, "active") != 0)
        return pd_fail(err, PD_ECONFLICT, "id", "Hồ sơ điều trị này đã kết thúc");
    json_t *v = judge(db, &e, on, neg, err);
    if (!v)
        return err->code;
    bool ok = json_is_true(json_object_get(v, "eligible"));
    char basis[64];
    pd_strlcpy(basis, json_string_value(json_object_get(v, "basis")), sizeof basis);
    if (!ok)
        pd_fail(err, PD_ECONFLICT, "release", "%s",
                json_string_value(json_object_get(v, "message")));
    json_decref(v);
    if (!ok)
        return PD_ECONFLICT;
    /* The case first (its own transaction, audited); a crash between the two leaves an episode
     * whose case is recovered, which a second release closes. */
    if (strcmp(e.case_status, "active") == 0 &&
        pd_case_set_status(db, actor, e.case_id, "recovered", 0, "Hết cách ly điều trị F0", err))
        return err->code;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "UPDATE care_episodes SET status = 'released', released_on ="
                                    " ?2, released_at = ?3, release_basis = ?4,"
                                    " negative_test_on = nullif(?5,'') WHERE id = ?1",
                                    err);
    int rc = st ? PD_OK : PD_EDB;
    if (st) {
        sqlite3_bind_int64(st, 1, episode_id);
        sqlite3_bind_text(st, 2, on, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, pd_now());
        sqlite3_bind_text(st, 4, basis, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, neg, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "release", "care_episode", episode_id, e.unit, basis, err);
    return pd_db_end(db, rc, err);
}

/* ---- reading ---- */

#define CARE_LIST_SQL                                                                              \
    "SELECT * FROM (SELECT c.id AS case_id, c.person_id, p.full_name, coalesce(p.phone,'') AS"     \
    " phone, p.address, coalesce(p.birth_date,'') AS birth_date, c.sample_date, c.unit_code,"      \
    " u.name AS unit_name, e.id AS episode_id, e.colour, e.colour_reason, e.place,"                \
    " e.place_reason, e.tier, e.facility_id, f.name AS facility_name, e.bed_kind,"                 \
    " (SELECT m.spo2 FROM care_monitoring m WHERE m.episode_id = e.id ORDER BY m.at DESC, m.id"    \
    " DESC LIMIT 1) AS last_spo2, (SELECT count(*) FROM care_monitoring m WHERE m.episode_id ="    \
    " e.id AND m.alert <> '' AND m.alert_done_at IS NULL) AS open_alerts"                          \
    " FROM cases c JOIN people p ON p.id = c.person_id LEFT JOIN care_episodes e ON e.case_id ="   \
    " c.id LEFT JOIN facilities f ON f.id = e.facility_id LEFT JOIN units u ON u.code ="           \
    " c.unit_code WHERE c.status = 'active' AND %s) WHERE ?1 = '' OR colour = ?1 OR (?1 ="         \
    " 'untriaged' AND colour IS NULL) ORDER BY CASE colour WHEN 'red' THEN 0 WHEN 'orange' THEN 1" \
    " WHEN 'yellow' THEN 2 WHEN 'green' THEN 3 ELSE 4 END, open_alerts DESC, case_id DESC"         \
    " LIMIT 2000"

int pd_care_list(sqlite3 *db, const pd_actor *actor, const char *unit, const char *colour,
                 json_t **out, pd_err *err)
{
    static const char *const colours[] = {"",    "green",     "yellow", "orange",
                                          "red", "untriaged", NULL};
    *out = NULL;
    if (can(actor, PD_PERM_CARE_READ, err) != PD_OK)
        return err->code;
    if (!pdq_in_list(colour ? colour : "", colours))
        return pd_fail(err, PD_EINVAL, "colour",
                       "Màu phải là green, yellow, orange, red hoặc untriaged");
    pd_actor a;
    if (pdq_narrow(db, actor, unit, &a, err) != PD_OK)
        return err->code;
    char scope[64], sql[4096];
    snprintf(sql, sizeof sql, CARE_LIST_SQL, pdq_scope_sql(&a, "c", scope, sizeof scope));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, colour ? colour : "", -1, SQLITE_TRANSIENT);
    pdq_bind_scope(st, &a);
    json_t *items = pdq_rows(db, st, err);
    pd_db_release(st);
    if (!items)
        return PD_EDB;
    *out = json_pack("{s:o}", "items", items);
    return PD_OK;
}

int pd_care_episode_get(sqlite3 *db, const pd_actor *actor, int64_t episode_id, json_t **out,
                        pd_err *err)
{
    *out = NULL;
    episode_row e;
    if (can(actor, PD_PERM_CARE_READ, err) != PD_OK ||
        load_episode(db, actor, episode_id, &e, err) != PD_OK)
        return err->code;
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT e.*, p.full_name, coalesce(p.phone,'') AS phone, p.address, f.name AS"
        " facility_name, f.kind AS facility_kind FROM care_episodes e JOIN people p ON p.id ="
        " e.person_id LEFT JOIN facilities f ON f.id = e.facility_id WHERE e.id = ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, episode_id);
    json_t *j = pdq_row_or_null(st);
    pd_db_release(st);
    if (!j)
        return pd_db_error(db, err);
    st = pd_db_cached(db,
                      "SELECT id, at, day, slot, spo2, resp_rate, temperature, pulse, note, alert,"
                      " alert_done_at FROM care_monitoring WHERE episode_id = ? ORDER BY at DESC,"
                      " id DESC",
                      err);
    if (st) {
        sqlite3_bind_int64(st, 1, episode_id);
        json_object_set_new(j, "monitoring", pdq_rows(db, st, err));
        pd_db_release(st);
    }
    json_t *rel = NULL;
    if (strcmp(e.status, "active") == 0 &&
        pd_care_release_check(db, episode_id, "", "", &rel, err) == PD_OK)
        json_object_set_new(j, "release", rel);
    *out = j;
    pd_audit_read(db, actor, "care_episode", episode_id, e.unit, "");
    return PD_OK;
}

int pd_care_alerts(sqlite3 *db, const pd_actor *actor, const char *unit, json_t **out, pd_err *err)
{
    *out = NULL;
    pd_actor a;
    if (can(actor, PD_PERM_CARE_READ, err) != PD_OK ||
        pdq_narrow(db, actor, unit, &a, err) != PD_OK)
        return err->code;
    char scope[64], sql[2048];
    snprintf(sql, sizeof sql,
             "SELECT m.id, m.episode_id, e.case_id, p.full_name, coalesce(p.phone,'') AS phone,"
             " p.address, e.colour, e.unit_code, m.at, m.day, m.slot, m.spo2, m.resp_rate,"
             " m.temperature, m.alert FROM care_monitoring m JOIN care_episodes e ON e.id ="
             " m.episode_id JOIN people p ON p.id = e.person_id WHERE m.alert <> '' AND"
             " m.alert_done_at IS NULL AND e.status = 'active' AND %s ORDER BY m.at DESC LIMIT"
             " 1000",
             pdq_scope_sql(&a, "e", scope, sizeof scope));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    pdq_bind_scope(st, &a);
    json_t *items = pdq_rows(db, st, err);
    pd_db_release(st);
    if (!items)
        return PD_EDB;
    *out = json_pack("{s:o}", "items", items);
    return PD_OK;
}

int pd_care_rules(sqlite3 *db, json_t **out, pd_err *err)
{
    const char *sql[] = {"SELECT * FROM care_home_rules ORDER BY effective_from",
                         "SELECT * FROM care_release_rules ORDER BY effective_from"};
    json_t *j = json_object();
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = pd_db_cached(db, sql[i], err);
        json_t *rows = st ? pdq_rows(db, st, err) : NULL;
        pd_db_release(st);
        if (!rows) {
            json_decref(j);
            return PD_EDB;
        }
        json_object_set_new(j, i == 0 ? "home" : "release", rows);
    }
    json_object_set_new(j, "colour_basis", json_string("5525/QĐ-BYT"));
    *out = j;
    return PD_OK;
}
