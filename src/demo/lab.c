/* The demo's testing (src/lab/): RT-PCR samples of the outbreak's F1 on their first quarantine test
 * day, antigen tests of people who declared symptoms this week, a screening of residents in pools
 * of ten (one pool positive, its members being re-sampled), and a screening campaign at the city's
 * market with most of those due already sampled. Results are mostly negative, a few positive (they
 * show as F0 proposals), the latest still pending. Written through lab.h's checks in one
 * transaction (the campaign in its own, before). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "demo/demo.h"
#include "demo/demo_internal.h"
#include "lab/internal.h"
#include "store/db.h"

#define MAX_ROWS 1500

typedef struct lab_writer {
    sqlite3 *db;
    demo_rng *rng;
    pd_actor actor;
    int64_t now, today_mid, today_days;
    pd_err *err;
} lab_writer;

typedef struct row {
    int64_t person, order, extra;
    int offset; /* days before today */
} row;

/* Rows of (person, order, extra, offset) from SQL with ?1 = today's day count, ?2 = now. */
static int collect(lab_writer *w, const char *sql, row *rows, int cap, int *n)
{
    *n = 0;
    sqlite3_stmt *st = pd_db_prepare(w->db, sql, w->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, w->today_days);
    sqlite3_bind_int64(st, 2, w->now);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
        row *x = &rows[(*n)++];
        x->person = sqlite3_column_int64(st, 0);
        x->order = sqlite3_column_int64(st, 1);
        x->extra = sqlite3_column_int64(st, 2);
        x->offset = sqlite3_column_int(st, 3);
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(w->db, w->err);
    sqlite3_finalize(st);
    return rc;
}

static int take(lab_writer *w, const pd_sample *in, int offset, int64_t *id)
{
    pd_sample s = *in;
    int64_t mid = w->today_mid - (int64_t)offset * 86400;
    pd_date d = pd_local_date(mid + 3600);
    pd_date_format(&d, s.sampled_on, sizeof s.sampled_on);
    s.sampled_at = mid + 7 * 3600 + demo_rng_below(w->rng, 4 * 3600);
    if (s.sampled_at > w->now)
        s.sampled_at = w->now - 600 > mid ? w->now - 600 : mid;
    pd_field_errors errs = {0};
    *id = 0;
    int rc = lab_sample_take_tx(w->db, &w->actor, &s, &errs, w->err);
    if (rc == PD_OK)
        *id = s.id;
    return rc == PD_EINVAL ? PD_OK : rc; /* a person the checks refuse is left out */
}

/* A result some hours after sampling, if that time has come (forced: by now at the latest); else
 * the sample stays pending. */
static int result_at(lab_writer *w, int64_t id, const char *value, bool forced)
{
    pd_sample s;
    int rc = lab_sample_load(w->db, id, &s, w->err);
    if (rc != PD_OK)
        return rc;
    int64_t at =
        (s.sampled_at ? s.sampled_at : w->now) + 6 * 3600 + demo_rng_below(w->rng, 20 * 3600);
    if (at > w->now && forced)
        at = w->now - 60;
    if (at > w->now || at < s.sampled_at)
        return PD_OK;
    bool changed;
    return lab_sample_result_tx(w->db, &w->actor, &s, value, at, &changed, w->err);
}

static int result(lab_writer *w, int64_t id, const char *value)
{
    return result_at(w, id, value, false);
}

static const char *draw(lab_writer *w, double positive, double invalid)
{
    double u = demo_rng_unit(w->rng);
    return u < positive ? "positive" : u < positive + invalid ? "invalid" : "negative";
}

static pd_sample sample_of(int64_t person, const char *kind, const char *reason)
{
    pd_sample s;
    memset(&s, 0, sizeof s);
    s.person_id = person;
    pd_strlcpy(s.kind, kind, sizeof s.kind);
    pd_strlcpy(s.reason, reason, sizeof s.reason);
    pd_strlcpy(s.site, "Trạm Y tế", sizeof s.site);
    return s;
}

/* F1 of the outbreak without a case: RT-PCR on day 1 of their order (or a day or two ago). */
static int f1_samples(lab_writer *w)
{
    static row rows[MAX_ROWS];
    int n,
        rc = collect(w,
                     "SELECT k.person_id, coalesce(q.id,0), coalesce(q.quarantine_days,0),"
                     " CASE WHEN q.id IS NOT NULL AND julianday(q.start_date) - 2440587.5 <= ?1"
                     " THEN ?1 - CAST(julianday(q.start_date) - 2440587.5 AS INTEGER) ELSE 1 END"
                     " FROM (SELECT DISTINCT person_id FROM contacts WHERE level = 1) k LEFT JOIN"
                     " quarantine_orders q ON q.person_id = k.person_id AND q.status IN"
                     " ('pending','active') WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE"
                     " c.person_id = k.person_id AND c.status = 'active') AND ?2 > 0"
                     " GROUP BY k.person_id ORDER BY k.person_id LIMIT 120",
                     rows, MAX_ROWS, &n);
    for (int i = 0; rc == PD_OK && i < n; i++) {
        pd_sample s = sample_of(rows[i].person, "pcr", "f1_schedule");
        bool on_order = rows[i].order && rows[i].offset >= 0 && rows[i].offset <= 30;
        if (on_order) {
            s.quarantine_order_id = rows[i].order;
            s.test_day = 1;
        }
        int64_t id;
        rc = take(w, &s, on_order ? rows[i].offset : 1 + demo_rng_below(w->rng, 2), &id);
        if (rc == PD_OK && id)
            rc = result(w, id, draw(w, 0.05, 0.01));
    }
    return rc;
}

/* Symptoms declared in the last week: an antigen test on the day. */
static int symptom_samples(lab_writer *w)
{
    static row rows[MAX_ROWS];
    int n,
        rc = collect(w,
                     "SELECT d.person_id, 0, 0, ?1 - CAST((max(d.declared_at) + 25200) / 86400"
                     " AS INTEGER) FROM declarations d WHERE d.symptoms <> 0 AND d.declared_at >="
                     " ?2 - 7 * 86400 AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.person_id ="
                     " d.person_id AND c.status = 'active') GROUP BY d.person_id ORDER BY"
                     " d.person_id LIMIT 60",
                     rows, MAX_ROWS, &n);
    for (int i = 0; rc == PD_OK && i < n; i++) {
        pd_sample s = sample_of(rows[i].person, "antigen", "symptoms");
        int64_t id;
        rc = take(w, &s, rows[i].offset < 0 ? 0 : rows[i].offset, &id);
        if (rc == PD_OK && id)
            rc = result(w, id, draw(w, 0.08, 0.03));
    }
    return rc;
}

/* Residents of the first commune screened two days ago in pools of ten; the third pool positive:
 * its members are re-sampled (half of them already, one of those positive). */
static int pooled_screening(lab_writer *w, const char *commune)
{
    int64_t ids[30], pools[3];
    int n = 0, rc;
    char sql[600];
    snprintf(sql, sizeof sql,
             "SELECT p.id, 0, 0, 2 FROM people p WHERE p.unit_code = '%s' AND p.birth_date <"
             " '2005' AND NOT EXISTS (SELECT 1 FROM samples s WHERE s.person_id = p.id) AND NOT"
             " EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id) AND ?1 > 0 AND ?2 > 0"
             " ORDER BY p.id LIMIT 30",
             commune);
    static row rows[MAX_ROWS];
    int m;
    if ((rc = collect(w, sql, rows, MAX_ROWS, &m)) != PD_OK)
        return rc;
    for (int i = 0; rc == PD_OK && i < m; i++) {
        pd_sample s = sample_of(rows[i].person, "pcr", "screening");
        pd_strlcpy(s.team, "Tổ lấy mẫu số 1", sizeof s.team);
        int64_t id;
        rc = take(w, &s, 2, &id);
        if (rc == PD_OK && id)
            ids[n++] = id;
    }
    for (int p = 0; rc == PD_OK && p < 3 && (p + 1) * 10 <= n; p++) {
        pd_pool pool;
        rc = lab_pool_create_tx(w->db, &w->actor, ids + p * 10, 10, &pool, w->err);
        pools[p] = pool.id;
        bool changed;
        if (rc == PD_OK && (rc = pd_pool_get(w->db, &w->actor, pool.id, &pool, w->err)) == PD_OK)
            rc = lab_pool_result_tx(w->db, &w->actor, &pool, p == 2 ? "positive" : "negative",
                                    w->now - 30 * 3600, &changed, w->err);
    }
    if (rc != PD_OK || n < 30)
        return rc;
    snprintf(sql, sizeof sql,
             "SELECT person_id, id, 0, 0 FROM lab_retests WHERE pool_id = %lld AND ?1 > 0 AND"
             " ?2 > 0 ORDER BY id LIMIT 5",
             (long long)pools[2]);
    if ((rc = collect(w, sql, rows, MAX_ROWS, &m)) != PD_OK)
        return rc;
    for (int i = 0; rc == PD_OK && i < m; i++) {
        pd_sample s = sample_of(rows[i].person, "pcr", "retest");
        s.retest_id = rows[i].order;
        int64_t id;
        rc = take(w, &s, 1, &id);
        if (rc == PD_OK && id)
            rc = result_at(w, id, i == 0 ? "positive" : "negative", i == 0);
    }
    return rc;
}

/* The market's screening: most of those due sampled today or yesterday. */
static int market_samples(lab_writer *w, int64_t campaign)
{
    static row rows[MAX_ROWS];
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT person_id, 0, 0, 0 FROM lab_campaign_due WHERE campaign_id = %lld AND ?1 > 0"
             " AND ?2 > 0 ORDER BY person_id LIMIT 1200",
             (long long)campaign);
    int n, rc = collect(w, sql, rows, MAX_ROWS, &n);
    for (int i = 0; rc == PD_OK && i < n; i++) {
        if (!demo_rng_chance(w->rng, 0.65))
            continue;
        pd_sample s = sample_of(rows[i].person, "antigen", "screening");
        pd_strlcpy(s.site, "Chợ", sizeof s.site);
        s.campaign_id = campaign;
        int64_t id;
        rc = take(w, &s, demo_rng_below(w->rng, 2), &id);
        if (rc == PD_OK && id)
            rc = result(w, id, draw(w, 0.02, 0.01));
    }
    return rc;
}

static int market_campaign(lab_writer *w, const char *district, int64_t *id)
{
    *id = 0;
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "SELECT id, name FROM venues WHERE kind = 'market' AND"
                                     " district_code = ? ORDER BY id LIMIT 1",
                                     w->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, district, -1, SQLITE_STATIC);
    pd_campaign c;
    memset(&c, 0, sizeof c);
    if (sqlite3_step(st) == SQLITE_ROW) {
        c.venue_id = sqlite3_column_int64(st, 0);
        snprintf(c.name, sizeof c.name, "Sàng lọc tiểu thương và khách %s", pd_col_text(st, 1));
    }
    sqlite3_finalize(st);
    if (!c.venue_id)
        return PD_OK;
    pd_strlcpy(c.target, "venue", sizeof c.target);
    pd_strlcpy(c.kind, "antigen", sizeof c.kind);
    c.lookback_days = 7;
    pd_date from = pd_local_date(w->now - 86400), to = pd_local_date(w->now + 86400);
    pd_date_format(&from, c.from_date, sizeof c.from_date);
    pd_date_format(&to, c.to_date, sizeof c.to_date);
    pd_field_errors errs = {0};
    int rc = pd_campaign_create(w->db, &w->actor, &c, &errs, w->err);
    *id = c.id;
    return rc;
}

int demo_lab_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err)
{
    lab_writer w = {.db = db, .rng = rng, .actor = pd_actor_cli(), .now = pd_now(), .err = err};
    pd_date today = pd_local_date(w.now);
    w.today_mid = pd_local_midnight(&today);
    w.today_days = pd_date_days(&today);
    int64_t campaign = 0;
    int rc = market_campaign(&w, sum->district_code, &campaign);
    if (rc != PD_OK || pd_db_begin(db, err) != PD_OK)
        return rc != PD_OK ? rc : PD_EDB;
    rc = f1_samples(&w);
    if (rc == PD_OK)
        rc = symptom_samples(&w);
    if (rc == PD_OK && sum->commune_count > 0)
        rc = pooled_screening(&w, sum->communes[0].code);
    if (rc == PD_OK && campaign)
        rc = market_samples(&w, campaign);
    return pd_db_end(db, rc, err);
}
