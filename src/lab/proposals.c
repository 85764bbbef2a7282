/* F0 proposals ("Đề xuất xác định F0"): a positive result whose person has no active case, with the
 * basis the case definition in force on the sample's date allows (rules.c); confirming it through
 * cases.h, or dismissing it with a reason. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "lab/internal.h"
#include "store/db.h"

#define DAY 86400
#define LOOKBACK_DAYS 14
#define TWICE_SECONDS (8 * 3600)

/* One count over the person and the sample's day (?1 person, ?2 midnight of the day, ?3 sample). */
static bool count_any(sqlite3 *db, const char *sql, const pd_sample *s, int64_t midnight)
{
    sqlite3_stmt *st = pd_db_cached(db, sql, NULL);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, s->person_id);
    sqlite3_bind_int64(st, 2, midnight);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, s->id);
    if (sqlite3_bind_parameter_count(st) >= 4)
        sqlite3_bind_int64(st, 4, s->sampled_at);
    if (sqlite3_bind_parameter_count(st) >= 5)
        sqlite3_bind_text(st, 5, s->sampled_on, -1, SQLITE_STATIC);
    bool yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
    pd_db_release(st);
    return yes;
}

/* F1 of a case in the 14 days up to the sample's day (traced, or listed by hand). */
static bool was_f1(sqlite3 *db, const pd_sample *s, int64_t midnight)
{
    return count_any(db,
                     "SELECT (SELECT count(*) FROM contacts WHERE person_id = ?1 AND level = 1"
                     " AND exposure_at >= ?2 - 14 * 86400 AND exposure_at < ?2 + 86400) +"
                     " (SELECT count(*) FROM case_contacts WHERE person_id = ?1 AND"
                     " coalesce(contact_at, created_at) >= ?2 - 14 * 86400 AND"
                     " coalesce(contact_at, created_at) < ?2 + 86400)",
                     s, midnight);
}

/* An epidemiological link other than being an F1: an exposure declared in the 14 days, or a
 * residence inside an outbreak area on the day. */
static bool other_link(sqlite3 *db, const pd_sample *s, int64_t midnight)
{
    return count_any(db,
                     "SELECT (SELECT count(*) FROM declarations WHERE person_id = ?1 AND"
                     " exposures <> 0 AND declared_at >= ?2 - 14 * 86400 AND declared_at < ?2 +"
                     " 86400) + (SELECT count(*) FROM outbreak_areas o JOIN people p ON p.id = ?1"
                     " WHERE o.unit_code IN (p.unit_code, coalesce(p.area_code,''),"
                     " p.district_code, p.province_code) AND o.from_date <= ?5 AND (o.to_date IS"
                     " NULL OR o.to_date >= ?5))",
                     s, midnight);
}

static bool has_symptoms(sqlite3 *db, const pd_sample *s, int64_t midnight)
{
    if (strcmp(s->reason, "symptoms") == 0)
        return true;
    return count_any(db,
                     "SELECT count(*) FROM declarations WHERE person_id = ?1 AND symptoms <> 0"
                     " AND declared_at >= ?2 - 14 * 86400 AND declared_at < ?2 + 86400",
                     s, midnight);
}

/* Another positive antigen test of the person within 8 hours. */
static bool positive_twice(sqlite3 *db, const pd_sample *s, int64_t midnight)
{
    if (!s->sampled_at)
        return false;
    return count_any(db,
                     "SELECT count(*) FROM samples WHERE person_id = ?1 AND kind = 'antigen' AND"
                     " result = 'positive' AND id <> ?3 AND sampled_at IS NOT NULL AND"
                     " abs(sampled_at - ?4) <= 8 * 3600 AND ?2 > 0",
                     s, midnight);
}

static void choose_basis(pd_lab_proposal *p, bool symptoms)
{
    const pd_lab_definition *d = p->definition;
    if (strcmp(p->sample.kind, "pcr") == 0) {
        pd_strlcpy(p->basis, "pcr", sizeof p->basis);
        snprintf(p->explain, sizeof p->explain, "RT-PCR dương tính (%s)", d->basis);
    } else if (p->is_f1 && d->antigen_f1) {
        pd_strlcpy(p->basis, "antigen_f1", sizeof p->basis);
        snprintf(p->explain, sizeof p->explain, "F1 có test nhanh dương tính (%s)", d->basis);
    } else if (p->has_link && symptoms && d->antigen_link) {
        pd_strlcpy(p->basis, "antigen_link", sizeof p->basis);
        snprintf(p->explain, sizeof p->explain,
                 "Ca nghi ngờ có test nhanh dương tính và yếu tố dịch tễ (%s)", d->basis);
    } else if (p->has_link && p->twice && d->antigen_twice) {
        pd_strlcpy(p->basis, "antigen_twice", sizeof p->basis);
        snprintf(p->explain, sizeof p->explain,
                 "Hai lần test nhanh dương tính trong 8 giờ, có yếu tố dịch tễ (%s)", d->basis);
    } else {
        pd_strlcpy(p->needs, "pcr", sizeof p->needs);
        snprintf(p->explain, sizeof p->explain,
                 "Test nhanh dương tính%s: theo %s cần xét nghiệm RT-PCR khẳng định",
                 p->has_link ? "" : " nhưng không có yếu tố dịch tễ", d->basis);
    }
}

static void fill_proposal(sqlite3 *db, const pd_sample *s, pd_lab_proposal *p)
{
    memset(p, 0, sizeof *p);
    p->sample = *s;
    p->definition = pd_lab_definition_for(s->sampled_on);
    pd_date d;
    int64_t midnight = lab_parse_day(s->sampled_on, &d) ? pd_local_midnight(&d) : 0;
    p->is_f1 = was_f1(db, s, midnight);
    p->has_link = p->is_f1 || other_link(db, s, midnight);
    p->twice = strcmp(s->kind, "antigen") == 0 && positive_twice(db, s, midnight);
    choose_basis(p, has_symptoms(db, s, midnight));
}

#define PROPOSAL_WHERE                                                                             \
    " s.result = 'positive' AND s.proposal = '' AND NOT EXISTS (SELECT 1 FROM cases c WHERE"       \
    " c.person_id = s.person_id AND c.status = 'active')"

int pd_lab_proposals(sqlite3 *db, const pd_actor *actor, const char *unit_code, int limit,
                     pd_lab_proposal_cb cb, void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    limit = limit <= 0 ? 200 : limit > 5000 ? 5000 : limit;
    bool unit = unit_code && unit_code[0];
    char scope[96], sql[2048];
    snprintf(sql, sizeof sql,
             "SELECT " LAB_SAMPLE_COLUMNS " FROM " LAB_SAMPLE_FROM " WHERE %s AND" PROPOSAL_WHERE
             "%s ORDER BY s.id DESC LIMIT %d",
             pd_scope_sql(actor, "s", scope, sizeof scope),
             unit ? " AND (s.unit_code = :u OR s.district_code = :u OR p.area_code = :u)" : "",
             limit);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 1, pd_scope_param(actor), -1, SQLITE_TRANSIENT);
    if (unit)
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":u"), unit_code, -1,
                          SQLITE_TRANSIENT);
    int r;
    pd_sample s;
    pd_lab_proposal p;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        lab_sample_from_row(st, &s);
        fill_proposal(db, &s, &p);
        if (cb(&p, ctx) != 0)
            break;
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

int pd_lab_proposal_get(sqlite3 *db, const pd_actor *actor, int64_t sample_id, pd_lab_proposal *out,
                        pd_err *err)
{
    pd_sample s;
    int rc = pd_sample_get(db, actor, sample_id, &s, err);
    if (rc != PD_OK)
        return rc;
    if (strcmp(s.result, "positive") != 0)
        return pd_fail(err, PD_EINVAL, "id", "Mẫu %s không có kết quả dương tính", s.label);
    if (s.proposal[0])
        return pd_fail(err, PD_ECONFLICT, "id", "Đề xuất từ mẫu %s đã được xử lý", s.label);
    fill_proposal(db, &s, out);
    return PD_OK;
}

static int mark_sample(sqlite3 *db, const pd_actor *actor, const pd_sample *s, const char *proposal,
                       int64_t case_id, const char *note, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "UPDATE samples SET proposal = ?, case_id = ?, proposal_note ="
                                    " ? WHERE id = ? AND proposal = ''",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, proposal, -1, SQLITE_STATIC);
    if (case_id)
        sqlite3_bind_int64(st, 2, case_id);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, s->id);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (sqlite3_changes(db) == 0)
        return pd_fail(err, PD_ECONFLICT, "id", "Đề xuất từ mẫu %s đã được xử lý", s->label);
    char detail[600];
    if (case_id)
        snprintf(detail, sizeof detail, "Xác định F0 từ mẫu %s của %.120s: ca bệnh %lld", s->label,
                 s->full_name, (long long)case_id);
    else
        snprintf(detail, sizeof detail, "Bỏ qua đề xuất F0 từ mẫu %s của %.120s: %.200s", s->label,
                 s->full_name, note);
    return pd_audit_write(db, actor, "update", "sample", s->id, s->unit_code, detail, err);
}

static void default_found_in(sqlite3 *db, const pd_sample *s, char *out, size_t cap)
{
    int64_t n = 0;
    pd_err err;
    lab_query_int(db,
                  "SELECT count(*) FROM quarantine_orders WHERE person_id = ? AND status ="
                  " 'active'",
                  s->person_id, 0, &n, &err);
    pd_strlcpy(out, n > 0 ? "quarantine" : "community", cap);
}

int pd_lab_proposal_confirm(sqlite3 *db, const pd_actor *actor, int64_t sample_id,
                            const char *found_in, const char *onset_date, const char *note,
                            pd_case *out, pd_field_errors *errs, pd_err *err)
{
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE) || !pd_actor_can(actor, PD_PERM_CASES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xác định ca bệnh");
    pd_lab_proposal p;
    int rc = pd_lab_proposal_get(db, actor, sample_id, &p, err);
    if (rc != PD_OK)
        return rc;
    if (!p.basis[0])
        return pd_fail(err, PD_EINVAL, "basis", "%s", p.explain);
    memset(out, 0, sizeof *out);
    out->person_id = p.sample.person_id;
    pd_strlcpy(out->sample_date, p.sample.sampled_on, sizeof out->sample_date);
    pd_strlcpy(out->basis, p.basis, sizeof out->basis);
    if (found_in && found_in[0])
        pd_strlcpy(out->found_in, found_in, sizeof out->found_in);
    else
        default_found_in(db, &p.sample, out->found_in, sizeof out->found_in);
    pd_strlcpy(out->onset_date, onset_date ? onset_date : "", sizeof out->onset_date);
    if (note && note[0])
        pd_strlcpy(out->note, note, sizeof out->note);
    else
        snprintf(out->note, sizeof out->note, "Từ kết quả xét nghiệm mẫu %s", p.sample.label);
    rc = pd_case_confirm(db, actor, out, errs, err);
    if (rc != PD_OK)
        return rc;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    return pd_db_end(db, mark_sample(db, actor, &p.sample, "confirmed", out->id, "", err), err);
}

int pd_lab_proposal_dismiss(sqlite3 *db, const pd_actor *actor, int64_t sample_id, const char *note,
                            pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xử lý đề xuất");
    char clean[256];
    if (!note || !pd_nfc_clean(note, clean, sizeof clean) || !clean[0])
        return pd_fail(err, PD_EINVAL, "note", "Cần ghi lý do bỏ qua đề xuất");
    if (pd_utf8_length(clean) > 250)
        return pd_fail(err, PD_EINVAL, "note", "Lý do quá dài (tối đa 250 ký tự)");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_lab_proposal p;
    int rc = pd_lab_proposal_get(db, actor, sample_id, &p, err);
    if (rc == PD_OK)
        rc = mark_sample(db, actor, &p.sample, "dismissed", 0, clean, err);
    return pd_db_end(db, rc, err);
}
