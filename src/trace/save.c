/* Saving a trace: contacts upserted (never removed; a level only rises from F2 to F1), a pending
 * quarantine order for each new F1 per the rules in force on the day of their last exposure,
 * cases.traced_at, and one audit entry, in one transaction. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "quarantine/quarantine.h"
#include "store/db.h"
#include "trace/trace.h"

static const char *kind_name(int kind)
{
    switch (kind) {
    case PD_EVIDENCE_HOUSEHOLD:
        return "household";
    case PD_EVIDENCE_VENUE:
        return "venue";
    case PD_EVIDENCE_DECLARED:
        return "declared";
    default:
        return "manual";
    }
}

/* The evidence kept for c as a JSON array (fits: 20 items of ~100 bytes). */
static void evidence_json(const pd_trace_result *r, const pd_contact *c, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < c->evidence_count && n < cap; i++) {
        const pd_evidence *e = &r->evidence[c->evidence_first + i];
        n += (size_t)snprintf(out + n, cap - n,
                              "%s{\"kind\":\"%s\",\"venue_id\":%lld,\"from\":%lld,\"to\":%lld,"
                              "\"via\":%lld}",
                              i ? "," : "", kind_name(e->kind), (long long)e->venue_id,
                              (long long)e->from, (long long)e->to, (long long)e->via_person_id);
    }
    if (n < cap)
        snprintf(out + n, cap - n, "]");
}

typedef struct place {
    char unit[16], area[16], district[16], province[16];
} place;

static int person_place(sqlite3 *db, int64_t person, place *p, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT unit_code, coalesce(area_code, ''), district_code, province_code FROM people"
        " WHERE id = ?",
        err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, person);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(p->unit, sizeof p->unit, "%s", sqlite3_column_text(st, 0));
        snprintf(p->area, sizeof p->area, "%s", sqlite3_column_text(st, 1));
        snprintf(p->district, sizeof p->district, "%s", sqlite3_column_text(st, 2));
        snprintf(p->province, sizeof p->province, "%s", sqlite3_column_text(st, 3));
    }
    pd_db_release(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : -1;
}

/* -1 when the contact is not saved yet, else its level. */
static int saved_level(sqlite3 *db, int64_t case_id, int64_t person, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT level FROM contacts WHERE case_id = ? AND person_id = ?", err);
    if (!st)
        return -2;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, person);
    int level = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    pd_db_release(st);
    return level;
}

static int upsert_contact(sqlite3 *db, const pd_trace_result *r, const pd_contact *c,
                          const place *p, int64_t now, pd_err *err)
{
    char ev[4096];
    evidence_json(r, c, ev, sizeof ev);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO contacts(case_id, person_id, level, via_person_id, exposure_at, evidence,"
        " unit_code, area_code, district_code, province_code, found_at, updated_at)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, ''), ?9, ?10, ?11, ?11)"
        " ON CONFLICT(case_id, person_id) DO UPDATE SET level = excluded.level,"
        " via_person_id = excluded.via_person_id, exposure_at = excluded.exposure_at,"
        " evidence = excluded.evidence, updated_at = excluded.updated_at"
        " WHERE excluded.level <= contacts.level AND (excluded.level, excluded.via_person_id,"
        " excluded.exposure_at, excluded.evidence) IS NOT (contacts.level, contacts.via_person_id,"
        " contacts.exposure_at, contacts.evidence)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, r->case_id);
    sqlite3_bind_int64(st, 2, c->person_id);
    sqlite3_bind_int(st, 3, c->level);
    sqlite3_bind_int64(st, 4, c->via_person_id);
    sqlite3_bind_int64(st, 5, c->exposure_at);
    sqlite3_bind_text(st, 6, ev, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, p->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, p->area, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, p->district, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, p->province, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, now);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

/* True when the person needs no new order: an active case, or an order pending or under way. */
static int has_order_or_case(sqlite3 *db, int64_t person, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "SELECT EXISTS (SELECT 1 FROM quarantine_orders WHERE person_id = ?1"
                     " AND status IN ('pending','active')) OR EXISTS (SELECT 1 FROM cases"
                     " WHERE person_id = ?1 AND status = 'active')",
                     err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, person);
    int rc = sqlite3_step(st);
    int yes = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    pd_db_release(st);
    if (yes < 0)
        pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
    return yes;
}

static void test_days_json(const int *days, int n, char *out, size_t cap)
{
    size_t k = (size_t)snprintf(out, cap, "[");
    for (int i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%d", i ? "," : "", days[i]);
    if (k < cap)
        snprintf(out + k, cap - k, "]");
}

/* The day whose rules apply to an exposure: the setting quarantine_rules_date when set, else the
 * exposure's own day. */
static void rules_day(sqlite3 *db, int64_t exposure, char day[12])
{
    pd_err err;
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT value FROM settings WHERE key = 'quarantine_rules_date'", &err);
    pd_date d = pd_local_date(exposure);
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        pd_date set;
        if (pd_date_parse((const char *)sqlite3_column_text(st, 0), &set) && set.month)
            d = set;
    }
    pd_db_release(st);
    pd_date_format(&d, day, 12);
}

static int insert_order(sqlite3 *db, const pd_trace_result *r, const pd_contact *c, const place *p,
                        int64_t now, pd_err *err)
{
    int busy = has_order_or_case(db, c->person_id, err);
    if (busy != 0)
        return busy < 0 ? err->code : 0;
    char day[12], rule_day[12];
    pd_date d = pd_local_date(c->last_exposure_at);
    pd_date_format(&d, day, sizeof day);
    rules_day(db, c->last_exposure_at, rule_day);
    pd_immunity immunity = PD_IMMUNITY_NONE;
    if (pd_quarantine_immunity(db, c->person_id, day, &immunity) != 0)
        immunity = PD_IMMUNITY_NONE;
    const pd_quarantine_rule *rule = pd_quarantine_rule_for(rule_day, immunity);
    if (!rule || !rule->quarantine)
        return 0;
    char tests[64], mtests[32];
    test_days_json(rule->test_days, rule->test_count, tests, sizeof tests);
    test_days_json(rule->monitoring_test_days, rule->monitoring_test_count, mtests, sizeof mtests);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT OR IGNORE INTO quarantine_orders(person_id, case_id, reason, status, rule,"
        " start_date, quarantine_days, place, monitoring_days, test_days, monitoring_test_days,"
        " unit_code, district_code, province_code, created_at)"
        " VALUES (?, ?, 'f1', 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, c->person_id);
    sqlite3_bind_int64(st, 2, r->case_id);
    sqlite3_bind_text(st, 3, rule->basis, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, day, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, rule->quarantine_days);
    sqlite3_bind_text(st, 6, rule->place, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, rule->monitoring_days);
    sqlite3_bind_text(st, 8, tests, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, mtests, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, p->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, p->district, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, p->province, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, now);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

static int save_contact(sqlite3 *db, const pd_trace_result *r, const pd_contact *c, int64_t now,
                        int64_t *added, pd_err *err)
{
    place p;
    int found = person_place(db, c->person_id, &p, err);
    if (found <= 0)
        return found < 0 ? pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db)) : 0;
    int before = saved_level(db, r->case_id, c->person_id, err);
    if (before == -2)
        return err->code;
    if (upsert_contact(db, r, c, &p, now, err) != 0)
        return err->code;
    if (before == -1)
        (*added)++;
    if (c->level == 1 && before != 1)
        return insert_order(db, r, c, &p, now, err);
    return 0;
}

/* Sets cases.traced_at; unit (16 bytes) gets the case's commune for the audit entry. */
static int mark_traced(sqlite3 *db, int64_t case_id, int64_t now, char *unit, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "UPDATE cases SET traced_at = ? WHERE id = ? RETURNING unit_code", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, case_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        snprintf(unit, 16, "%s", sqlite3_column_text(st, 0));
        rc = sqlite3_step(st);
    }
    pd_db_release(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

int pd_trace_save(sqlite3 *db, const pd_actor *actor, const pd_trace_result *r, int64_t *added,
                  pd_err *err)
{
    int64_t count = 0, now = pd_now();
    if (pd_db_begin(db, err) != 0)
        return err->code;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < r->f1_count + r->f2_count; i++)
        rc = save_contact(db, r, &r->contacts[i], now, &count, err);
    char unit[16] = "";
    if (rc == 0)
        rc = mark_traced(db, r->case_id, now, unit, err);
    char detail[96];
    snprintf(detail, sizeof detail, "f1=%zu f2=%zu added=%lld", r->f1_count, r->f2_count,
             (long long)count);
    if (rc == 0)
        rc = pd_audit_write(db, actor, "trace", "case", r->case_id, unit, detail, err);
    if (rc == 0)
        rc = pd_db_commit(db, err);
    if (rc != 0) {
        pd_db_rollback(db);
        return rc;
    }
    if (added)
        *added = count;
    return 0;
}
