/* F0 triage: the risk colour of Decision 5525/QĐ-BYT (1 Dec 2021) and home care or a facility by
 * the home-care criteria in force (table care_home_rules), and writing the care episode. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "care/care.h"
#include "quarantine/internal.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

#define BASIS_5525 "5525/QĐ-BYT"

static void set_colour(pd_care_class *out, const char *colour, const char *reason)
{
    pd_strlcpy(out->colour, colour, sizeof out->colour);
    pd_strlcpy(out->colour_reason, reason, sizeof out->colour_reason);
}

static int rank(const char *colour)
{
    static const char *const order[] = {"green", "yellow", "orange", "red"};
    for (int i = 0; i < 4; i++)
        if (strcmp(colour, order[i]) == 0)
            return i;
    return 0;
}

/* The table of 5525 by age, vaccination, chronic disease and pregnancy. */
static void colour_by_table(const pd_care_input *in, pd_care_class *out)
{
    bool full = strcmp(in->vaccination, "full") == 0;
    bool chronic = strcmp(in->comorbidity, "none") != 0;
    if (in->age_months >= 0 && in->age_months < 3 && in->age < 1)
        set_colour(out, "orange", "Trẻ dưới 3 tháng tuổi");
    else if (in->age >= 65 && chronic)
        set_colour(out, "red", "Từ 65 tuổi và có bệnh nền");
    else if (in->age >= 65 && !full)
        set_colour(out, "red", "Từ 65 tuổi, chưa tiêm đủ liều");
    else if (in->age >= 65)
        set_colour(out, "orange", "Từ 65 tuổi, đã tiêm đủ liều");
    else if (in->pregnant)
        set_colour(out, "orange", "Có thai hoặc mới sinh");
    else if (chronic && full)
        set_colour(out, "orange", "Có bệnh nền, đã tiêm đủ liều");
    else if (chronic)
        set_colour(out, "orange", "Có bệnh nền, chưa tiêm đủ liều (mặc định của dự án)");
    else if (in->age >= 50 && full)
        set_colour(out, "yellow", "50–64 tuổi, đã tiêm đủ liều, không bệnh nền");
    else if (in->age >= 50)
        set_colour(out, "orange", "50–64 tuổi, chưa tiêm đủ liều, không bệnh nền");
    else if (full)
        set_colour(out, "green", "Dưới 50 tuổi, đã tiêm đủ liều, không bệnh nền");
    else
        set_colour(out, "yellow", "3 tháng – 49 tuổi, chưa tiêm đủ liều");
}

void pd_care_colour(const pd_care_input *in, pd_care_class *out)
{
    memset(out, 0, sizeof *out);
    pd_strlcpy(out->colour_basis, BASIS_5525, sizeof out->colour_basis);
    colour_by_table(in, out);
    /* Clinical signs (project default, 5525's table names none): moderate at least orange,
     * severe red. */
    const char *floor = strcmp(in->symptoms, "severe") == 0     ? "red"
                        : strcmp(in->symptoms, "moderate") == 0 ? "orange"
                                                                : "green";
    if (rank(floor) > rank(out->colour)) {
        char reason[320];
        snprintf(reason, sizeof reason, "%.200s; triệu chứng %s", out->colour_reason,
                 strcmp(floor, "red") == 0 ? "nặng" : "vừa");
        set_colour(out, floor, reason);
    }
    out->tier = rank(out->colour) <= 1 ? 1 : rank(out->colour) == 2 ? 2 : 3;
}

typedef struct home_rule {
    bool found;
    char basis[48];
    int resp_max, spo2_min;
    bool stable_ok, vaccine_or_low_risk;
} home_rule;

static int load_home_rule(sqlite3 *db, const char *day, home_rule *r, pd_err *err)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT basis, resp_rate_max, spo2_min, stable_comorbidity_ok,"
                                    " needs_vaccine_or_low_risk FROM care_home_rules WHERE"
                                    " effective_from <= ? ORDER BY effective_from DESC LIMIT 1",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        r->found = true;
        pd_strlcpy(r->basis, pd_col_text(st, 0), sizeof r->basis);
        r->resp_max = sqlite3_column_int(st, 1);
        r->spo2_min = sqlite3_column_int(st, 2);
        r->stable_ok = sqlite3_column_int(st, 3);
        r->vaccine_or_low_risk = sqlite3_column_int(st, 4);
    }
    pd_db_release(st);
    return PD_OK;
}

/* Appends one failed criterion (already in words) to out, "; "-separated. */
static void why(char *out, size_t cap, const char *text)
{
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "%s%s", n ? "; " : "", text);
}

/* The criteria of the home-care row r that in fails, in words ("" when none). */
static void home_failures(const pd_care_input *in, const home_rule *r, char *out, size_t cap)
{
    char text[128];
    out[0] = '\0';
    if (strcmp(in->symptoms, "moderate") == 0 || strcmp(in->symptoms, "severe") == 0)
        why(out, cap, "có triệu chứng vừa hoặc nặng");
    if (in->resp_rate > r->resp_max) {
        snprintf(text, sizeof text, "nhịp thở %d lần/phút (tối đa %d)", in->resp_rate, r->resp_max);
        why(out, cap, text);
    }
    if (in->spo2 < r->spo2_min) {
        snprintf(text, sizeof text, "SpO₂ %d %% (tối thiểu %d %%)", in->spo2, r->spo2_min);
        why(out, cap, text);
    }
    bool chronic = strcmp(in->comorbidity, "none") != 0;
    if (r->vaccine_or_low_risk && strcmp(in->vaccination, "none") == 0 &&
        !(in->age >= 1 && in->age <= 49 && !chronic && !in->pregnant))
        why(out, cap, "chưa tiêm vắc xin và không thuộc nhóm 1–49 tuổi khỏe mạnh");
    if (r->stable_ok && strcmp(in->comorbidity, "unstable") == 0)
        why(out, cap, "bệnh nền chưa ổn định");
    if (!in->self_care)
        why(out, cap, "không tự chăm sóc được và không có người chăm sóc");
}

int pd_care_classify(sqlite3 *db, const pd_care_input *in, pd_care_class *out, pd_err *err)
{
    pd_care_colour(in, out);
    home_rule r;
    if (load_home_rule(db, in->day, &r, err) != PD_OK)
        return err->code;
    char fails[512];
    if (!r.found) {
        snprintf(fails, sizeof fails, "chưa có quy định điều trị tại nhà vào ngày này");
        pd_strlcpy(out->place_basis, "", sizeof out->place_basis);
    } else {
        home_failures(in, &r, fails, sizeof fails);
        pd_strlcpy(out->place_basis, r.basis, sizeof out->place_basis);
    }
    if (!fails[0] && rank(out->colour) >= 2)
        snprintf(fails, sizeof fails, "nhóm nguy cơ %s: điều trị tại bệnh viện có %s (5525)",
                 strcmp(out->colour, "red") == 0 ? "đỏ" : "cam",
                 strcmp(out->colour, "red") == 0 ? "hồi sức (ICU)" : "oxy");
    if (!fails[0] && strcmp(out->colour, "yellow") == 0 && strcmp(in->symptoms, "none") != 0)
        snprintf(fails, sizeof fails,
                 "nhóm vàng có triệu chứng: cơ sở điều trị tầng 1 (tại nhà nếu cơ sở đã đầy)");
    pd_strlcpy(out->place, fails[0] ? "facility" : "home", sizeof out->place);
    if (fails[0])
        snprintf(out->place_reason, sizeof out->place_reason, "Điều trị tại cơ sở: %s", fails);
    else
        snprintf(out->place_reason, sizeof out->place_reason,
                 "Đủ tiêu chí điều trị tại nhà theo %s", r.basis);
    return PD_OK;
}

/* ---- triage ---- */

typedef struct case_row {
    int64_t person_id;
    char status[16], sample_date[12], birth[12];
    char unit[16], district[16], province[16];
} case_row;

static int load_case(sqlite3 *db, const pd_actor *actor, int64_t id, case_row *c, pd_err *err)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT c.person_id, c.status, c.sample_date, coalesce(p.birth_date,''), c.unit_code,"
        " c.district_code, c.province_code FROM cases c JOIN people p ON p.id = c.person_id"
        " WHERE c.id = ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        c->person_id = sqlite3_column_int64(st, 0);
        pd_strlcpy(c->status, pd_col_text(st, 1), sizeof c->status);
        pd_strlcpy(c->sample_date, pd_col_text(st, 2), sizeof c->sample_date);
        pd_strlcpy(c->birth, pd_col_text(st, 3), sizeof c->birth);
        pd_strlcpy(c->unit, pd_col_text(st, 4), sizeof c->unit);
        pd_strlcpy(c->district, pd_col_text(st, 5), sizeof c->district);
        pd_strlcpy(c->province, pd_col_text(st, 6), sizeof c->province);
    }
    pd_db_release(st);
    if (!found || !pd_scope_covers(actor, c->province, c->district, c->unit))
        return pd_fail(err, PD_ENOTFOUND, "case_id", "Không tìm thấy ca bệnh này");
    return PD_OK;
}

static int check_input(pd_care_input *in, pd_err *err)
{
    static const char *const vacc[] = {"", "none", "partial", "full", NULL};
    static const char *const comorb[] = {"none", "stable", "unstable", NULL};
    static const char *const sym[] = {"none", "mild", "moderate", "severe", NULL};
    char day[11];
    if (pdq_day(in->day, "day", day, err) != PD_OK)
        return err->code;
    pd_strlcpy(in->day, day, sizeof in->day);
    if (!pdq_in_list(in->vaccination, vacc))
        return pd_fail(err, PD_EINVAL, "vaccination", "Tiêm chủng phải là none, partial hoặc full");
    if (!in->comorbidity[0])
        pd_strlcpy(in->comorbidity, "none", sizeof in->comorbidity);
    if (!pdq_in_list(in->comorbidity, comorb))
        return pd_fail(err, PD_EINVAL, "comorbidity",
                       "Bệnh nền phải là none, stable hoặc unstable");
    if (!pdq_in_list(in->symptoms, sym))
        return pd_fail(err, PD_EINVAL, "symptoms",
                       "Triệu chứng phải là none, mild, moderate hoặc severe");
    if (in->spo2 < 50 || in->spo2 > 100)
        return pd_fail(err, PD_EINVAL, "spo2", "SpO₂ phải từ 50 đến 100 %%");
    if (in->resp_rate < 5 || in->resp_rate > 80)
        return pd_fail(err, PD_EINVAL, "resp_rate", "Nhịp thở phải từ 5 đến 80 lần/phút");
    if (in->age < -1 || in->age > 130)
        return pd_fail(err, PD_EINVAL, "age", "Tuổi không hợp lệ");
    return PD_OK;
}

/* Age and vaccination from the registry and the records when not given. */
static int resolve(sqlite3 *db, const case_row *c, pd_care_input *in, pd_err *err)
{
    pd_date birth, day;
    pd_date_parse(in->day, &day);
    if (in->age < 0) {
        if (!c->birth[0] || !pd_date_parse(c->birth, &birth))
            return pd_fail(err, PD_EINVAL, "age", "Sổ dân cư không có ngày sinh: nhập tuổi");
        in->age = pd_age_on(&birth, &day);
        in->age_months = birth.month && birth.day
                             ? (int)((pd_date_days(&day) - pd_date_days(&birth)) / 30)
                             : 12 * in->age;
    } else if (in->age_months < 0) {
        in->age_months = 12 * in->age;
    }
    if (!in->vaccination[0]) {
        pd_immunity im = PD_IMMUNITY_NONE;
        if (pd_quarantine_immunity(db, c->person_id, in->day, &im) != PD_OK)
            return pd_fail(err, PD_EDB, "", "Không đọc được tiêm chủng");
        pd_strlcpy(in->vaccination,
                   im == PD_IMMUNITY_FULL      ? "full"
                   : im == PD_IMMUNITY_PARTIAL ? "partial"
                                               : "none",
                   sizeof in->vaccination);
    }
    return PD_OK;
}

static int write_episode(sqlite3 *db, const pd_actor *actor, const case_row *c,
                         const pd_care_input *in, const pd_care_class *k, int64_t *id, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO care_episodes(case_id, person_id, colour, colour_reason, colour_basis, place,"
        " place_reason, place_basis, tier, age, vaccination, comorbidity, pregnant, symptoms,"
        " resp_rate, spo2, self_care, started_on, unit_code, district_code, province_code,"
        " triaged_at, triaged_by) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
        "?17,?18,?19,?20,?21,?22,nullif(?23,0)) ON CONFLICT(case_id) DO UPDATE SET"
        " colour = excluded.colour, colour_reason = excluded.colour_reason,"
        " colour_basis = excluded.colour_basis, place = excluded.place,"
        " place_reason = excluded.place_reason, place_basis = excluded.place_basis,"
        " tier = excluded.tier, age = excluded.age, vaccination = excluded.vaccination,"
        " comorbidity = excluded.comorbidity, pregnant = excluded.pregnant,"
        " symptoms = excluded.symptoms, resp_rate = excluded.resp_rate, spo2 = excluded.spo2,"
        " self_care = excluded.self_care, triaged_at = excluded.triaged_at,"
        " triaged_by = excluded.triaged_by WHERE care_episodes.status = 'active' RETURNING id",
        err);
    if (!st)
        return PD_EDB;
    const char *texts[] = {k->colour, k->colour_reason, k->colour_basis,
                           k->place,  k->place_reason,  k->place_basis};
    sqlite3_bind_int64(st, 1, in->case_id);
    sqlite3_bind_int64(st, 2, c->person_id);
    for (int i = 0; i < 6; i++)
        sqlite3_bind_text(st, 3 + i, texts[i], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 9, k->tier);
    sqlite3_bind_int(st, 10, in->age);
    sqlite3_bind_text(st, 11, in->vaccination, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 12, in->comorbidity, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 13, in->pregnant);
    sqlite3_bind_text(st, 14, in->symptoms, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 15, in->resp_rate);
    sqlite3_bind_int(st, 16, in->spo2);
    sqlite3_bind_int(st, 17, in->self_care);
    sqlite3_bind_text(st, 18, c->sample_date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 19, c->unit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 20, c->district, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 21, c->province, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 22, pd_now());
    sqlite3_bind_int64(st, 23, actor->user_id);
    int r = sqlite3_step(st), rc = PD_OK;
    if (r == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else if (r == SQLITE_DONE)
        rc = pd_fail(err, PD_ECONFLICT, "case_id", "Ca bệnh này đã kết thúc điều trị");
    else
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

int pd_care_triage(sqlite3 *db, const pd_actor *actor, pd_care_input *in, int64_t *episode_id,
                   pd_care_class *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CARE_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được phân loại F0");
    if (check_input(in, err) != PD_OK)
        return err->code;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    case_row c;
    int rc = load_case(db, actor, in->case_id, &c, err);
    if (rc == PD_OK && strcmp(c.status, "active") != 0)
        rc = pd_fail(err, PD_ECONFLICT, "case_id", "Ca bệnh này không còn đang điều trị");
    if (rc == PD_OK)
        rc = resolve(db, &c, in, err);
    if (rc == PD_OK)
        rc = pd_care_classify(db, in, out, err);
    if (rc == PD_OK)
        rc = write_episode(db, actor, &c, in, out, episode_id, err);
    if (rc == PD_OK) {
        char detail[64];
        snprintf(detail, sizeof detail, "colour=%s place=%s", out->colour, out->place);
        rc = pd_audit_write(db, actor, "triage", "care_episode", *episode_id, c.unit, detail, err);
    }
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    return pd_db_commit(db, err);
}
