/* What officials do with the weekly levels: the capacity checklist of a commune and week
 * (criterion 3), confirming and publishing a week's result, a commune's history over the weeks.
 * Every change is one transaction with its audit entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "people/unit_cache.h"
#include "risk/risk.h"
#include "store/db.h"

/* A commune in the actor's scope (PD_ENOTFOUND otherwise, named by field). */
static int commune_in_scope(sqlite3 *db, const pd_actor *actor, const char *code, pd_unit_info *u,
                            const char *field, pd_err *err)
{
    if (!code || !code[0])
        return pd_fail(err, PD_EINVAL, field, "Chưa chọn xã/phường");
    if (!pd_unit_cache_get(db, code, u) || u->level != 3 ||
        !pd_scope_covers(actor, u->province_code, u->district_code, u->commune_code))
        return pd_fail(err, PD_ENOTFOUND, field, "Không tìm thấy xã/phường %s", code);
    return PD_OK;
}

int pd_risk_capacity_save(sqlite3 *db, const pd_actor *actor, pd_risk_capacity *c, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_RISK_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhập năng lực điều trị");
    char mon[12], sun[12];
    pd_unit_info u;
    int rc = pd_risk_week_parse(c->week, mon, sun, err);
    if (rc == PD_OK)
        rc = commune_in_scope(db, actor, c->unit_code, &u, "unit_code", err);
    if (rc != PD_OK)
        return rc;
    c->met = c->oxygen && c->mobile_station && c->care_team;
    c->filled_at = pd_now();
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "INSERT OR REPLACE INTO risk_capacity(unit_code, week, district_code, province_code,"
        " oxygen, mobile_station, care_team, met, note, filled_by, filled_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, c->unit_code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, c->week, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, u.district_code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, u.province_code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, c->oxygen);
    sqlite3_bind_int(st, 6, c->mobile_station);
    sqlite3_bind_int(st, 7, c->care_team);
    sqlite3_bind_int(st, 8, c->met);
    sqlite3_bind_text(st, 9, c->note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 10, actor->user_id);
    sqlite3_bind_int64(st, 11, c->filled_at);
    if (pd_db_begin(db, err) != PD_OK) {
        sqlite3_finalize(st);
        return PD_EDB;
    }
    rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    char detail[128];
    snprintf(detail, sizeof detail, "week=%s oxygen=%d mobile=%d care=%d met=%d", c->week,
             c->oxygen, c->mobile_station, c->care_team, c->met);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "risk_capacity", 0, c->unit_code, detail, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}

int pd_risk_capacity_list(sqlite3 *db, const pd_actor *actor, const char *week,
                          const char *unit_code, pd_risk_capacity_cb cb, void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_RISK_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem cấp độ dịch");
    char mon[12], sun[12], scope[64], sql[512];
    if (pd_risk_week_parse(week, mon, sun, err) != PD_OK)
        return PD_EINVAL;
    pd_unit_info u;
    if (unit_code && unit_code[0] &&
        (!pd_unit_cache_get(db, unit_code, &u) ||
         !pd_scope_covers(actor, u.province_code, u.level >= 2 ? u.district_code : "",
                          u.level >= 3 ? u.commune_code : "")))
        return pd_fail(err, PD_ENOTFOUND, "unit", "Không tìm thấy đơn vị %s", unit_code);
    pd_scope_sql(actor, "r", scope, sizeof scope);
    char *q = strstr(scope, "= ?");
    if (q)
        snprintf(q, sizeof scope - (size_t)(q - scope), "= ?3");
    snprintf(sql, sizeof sql,
             "SELECT unit_code, week, oxygen, mobile_station, care_team, met, note, filled_at"
             " FROM risk_capacity r WHERE week = ?1 AND (?2 = '' OR unit_code = ?2 OR"
             " district_code = ?2 OR province_code = ?2) AND %s ORDER BY unit_code",
             scope);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, week, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, unit_code ? unit_code : "", -1, SQLITE_TRANSIENT);
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 3, pd_scope_param(actor), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pd_risk_capacity c;
        memset(&c, 0, sizeof c);
        pd_strlcpy(c.unit_code, pd_col_text(st, 0), sizeof c.unit_code);
        pd_strlcpy(c.week, pd_col_text(st, 1), sizeof c.week);
        c.oxygen = sqlite3_column_int(st, 2);
        c.mobile_station = sqlite3_column_int(st, 3);
        c.care_team = sqlite3_column_int(st, 4);
        c.met = sqlite3_column_int(st, 5);
        pd_strlcpy(c.note, pd_col_text(st, 6), sizeof c.note);
        c.filled_at = sqlite3_column_int64(st, 7);
        if (cb(&c, ctx) != 0)
            break;
    }
    int out = rc == SQLITE_DONE || rc == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return out;
}

static int store_rows(sqlite3 *db, const pd_actor *actor, const pd_risk_week *w, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "INSERT OR REPLACE INTO risk_published(week, unit_code, district_code, province_code,"
        " level, population, cases, rate, dose1_18plus, full_elderly, full_all, capacity_met,"
        " previous_level, reason, rule_id, published_by, published_at, c1_band, coverage_met)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        err);
    if (!st)
        return PD_EDB;
    int rc = SQLITE_DONE;
    int64_t now = pd_now();
    for (int i = 0; i < w->count && rc == SQLITE_DONE; i++) {
        const pd_risk_row *r = &w->rows[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, w->week, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, r->unit_code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, r->district_code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, r->province_code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 5, r->res.level);
        sqlite3_bind_int64(st, 6, r->in.population);
        sqlite3_bind_int64(st, 7, r->in.cases);
        sqlite3_bind_double(st, 8, r->res.rate);
        sqlite3_bind_double(st, 9, r->in.dose1_18plus);
        sqlite3_bind_double(st, 10, r->in.full_elderly);
        sqlite3_bind_double(st, 11, r->in.full_all);
        sqlite3_bind_int(st, 12, r->in.capacity_met && r->in.capacity_known);
        if (r->in.previous)
            sqlite3_bind_int(st, 13, r->in.previous);
        else
            sqlite3_bind_null(st, 13);
        sqlite3_bind_text(st, 14, r->res.reason, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 15, r->rule_id);
        sqlite3_bind_int64(st, 16, actor->user_id);
        sqlite3_bind_int64(st, 17, now);
        sqlite3_bind_int(st, 18, r->res.band);
        sqlite3_bind_int(st, 19, r->res.coverage_met);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

int pd_risk_publish(sqlite3 *db, const pd_actor *actor, const char *week, const char *unit_code,
                    int *count, pd_err *err)
{
    *count = 0;
    if (!pd_actor_can(actor, PD_PERM_RISK_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được công bố cấp độ dịch");
    pd_risk_week w;
    int rc = pd_risk_week_compute(db, actor, week, unit_code, true, &w, err);
    if (rc != PD_OK)
        return rc;
    if (pd_db_begin(db, err) != PD_OK) {
        pd_risk_week_free(&w);
        return PD_EDB;
    }
    rc = store_rows(db, actor, &w, err);
    int per_level[5] = {0};
    for (int i = 0; i < w.count; i++)
        per_level[w.rows[i].res.level]++;
    char detail[160];
    snprintf(detail, sizeof detail, "week=%s communes=%d level1=%d level2=%d level3=%d level4=%d",
             week, w.count, per_level[1], per_level[2], per_level[3], per_level[4]);
    const char *unit = unit_code && unit_code[0] ? unit_code : actor->scope_code;
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "publish", "risk_week", 0, unit, detail, err);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    else
        *count = w.count;
    pd_risk_week_free(&w);
    return rc;
}

int pd_risk_history(sqlite3 *db, const pd_actor *actor, const char *unit_code, const char *week,
                    int n, pd_risk_row *rows, pd_err *err)
{
    pd_unit_info u;
    if (!pd_actor_can(actor, PD_PERM_RISK_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem cấp độ dịch");
    int rc = commune_in_scope(db, actor, unit_code, &u, "unit", err);
    char wk[12];
    pd_strlcpy(wk, week, sizeof wk);
    for (int i = n - 1; rc == PD_OK && i >= 0; i--) {
        memset(&rows[i], 0, sizeof rows[i]);
        pd_risk_week w;
        pd_err werr;
        if (pd_risk_week_compute(db, actor, wk, unit_code, false, &w, &werr) == PD_OK) {
            if (w.count == 1)
                rows[i] = w.rows[0];
            pd_risk_week_free(&w);
        }
        pd_strlcpy(rows[i].week, wk, sizeof rows[i].week);
        char prev[12];
        pd_risk_week_prev(wk, prev);
        pd_strlcpy(wk, prev, sizeof wk);
    }
    return rc;
}

static int latest_published(sqlite3 *db, const char *unit, char out[12], pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT max(week) FROM risk_published WHERE unit_code = ?1"
                                     " OR district_code = ?1 OR province_code = ?1",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        pd_strlcpy(out, pd_col_text(st, 0), 12);
    sqlite3_finalize(st);
    return PD_OK;
}

static void published_row(sqlite3_stmt *st, pd_risk_row *r)
{
    memset(r, 0, sizeof *r);
    r->published = true;
    pd_strlcpy(r->week, pd_col_text(st, 0), sizeof r->week);
    pd_strlcpy(r->unit_code, pd_col_text(st, 1), sizeof r->unit_code);
    pd_strlcpy(r->district_code, pd_col_text(st, 2), sizeof r->district_code);
    pd_strlcpy(r->province_code, pd_col_text(st, 3), sizeof r->province_code);
    r->res.level = sqlite3_column_int(st, 4);
    r->res.rate = sqlite3_column_double(st, 5);
    pd_strlcpy(r->res.reason, pd_col_text(st, 6), sizeof r->res.reason);
    r->published_at = sqlite3_column_int64(st, 7);
    pd_strlcpy(r->unit_name, pd_col_text(st, 8), sizeof r->unit_name);
    pd_strlcpy(r->district_name, pd_col_text(st, 9), sizeof r->district_name);
}

int pd_risk_published_list(sqlite3 *db, const char *unit_code, const char *week, char out_week[12],
                           pd_risk_week *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    pd_unit_info u;
    if (!unit_code || !unit_code[0] || !pd_unit_cache_get(db, unit_code, &u) || u.level > 3)
        return pd_fail(err, PD_ENOTFOUND, "unit", "Không tìm thấy đơn vị %s",
                       unit_code ? unit_code : "");
    char mon[12], sun[12];
    int rc = week && week[0] ? pd_risk_week_parse(week, mon, sun, err)
                             : latest_published(db, u.code, out_week, err);
    if (rc != PD_OK || (!(week && week[0]) && !out_week[0]))
        return rc;
    if (week && week[0])
        pd_strlcpy(out_week, week, 12);
    pd_strlcpy(out->week, out_week, sizeof out->week);
    pd_risk_week_parse(out_week, out->monday, out->sunday, err);
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT p.week, p.unit_code, p.district_code, p.province_code, p.level, p.rate, p.reason,"
        " p.published_at, ifnull(u.name, ''), ifnull(d.name, '') FROM risk_published p"
        " LEFT JOIN units u ON u.code = p.unit_code LEFT JOIN units d ON d.code = p.district_code"
        " WHERE p.week = ?1 AND (p.unit_code = ?2 OR p.district_code = ?2 OR p.province_code = ?2)"
        " ORDER BY p.unit_code",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, out_week, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, u.code, -1, SQLITE_TRANSIENT);
    int cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 64;
            pd_risk_row *rows = realloc(out->rows, (size_t)cap * sizeof *rows);
            if (!rows) {
                sqlite3_finalize(st);
                pd_risk_week_free(out);
                return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
            }
            out->rows = rows;
        }
        published_row(st, &out->rows[out->count++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        pd_risk_week_free(out);
        return pd_db_error(db, err);
    }
    return PD_OK;
}
