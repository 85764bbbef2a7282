/* The demo's quarantine facilities and orders, F0 in care: a centralised quarantine site, a hotel,
 * treatment facilities of tiers 1, 2 and 3 with beds and ICU beds, a mobile medical station; most
 * pending F1 orders started (some at the site or the hotel, the rest at home) with today's health
 * check (a few with symptoms), and an earlier wave of orders from 15-32 days ago, released (some
 * still in post-release monitoring, some hand-overs confirmed by the commune station); every
 * active F0 triaged by colour with a bed or the mobile station, and home monitoring entries for
 * the last two days, one with a low SpO₂. Written through quarantine.h and care.h as the CLI
 * actor named "demo"; each call is its own transaction, so the step runs with synchronous=OFF and
 * restores FULL at the end (a demo database is rebuilt, never repaired). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "care/care.h"
#include "demo/demo.h"
#include "demo/demo_internal.h"
#include "quarantine/internal.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

typedef struct qdemo {
    sqlite3 *db;
    demo_rng *rng;
    pd_actor actor;
    char today[11], rules_day[11];
    int64_t site, hotel, tier[4], station;
    pd_err *err;
} qdemo;

static int64_t facility(qdemo *q, const char *kind, const char *name, int tier, int beds, int icu,
                        const char *unit, const char *team)
{
    pd_facility f;
    memset(&f, 0, sizeof f);
    snprintf(f.kind, sizeof f.kind, "%s", kind);
    snprintf(f.name, sizeof f.name, "%s", name);
    snprintf(f.unit_code, sizeof f.unit_code, "%s", unit);
    snprintf(f.team, sizeof f.team, "%s", team);
    snprintf(f.phone, sizeof f.phone, "0209387%04d", demo_rng_below(q->rng, 10000));
    f.tier = tier;
    f.beds = beds;
    f.icu_beds = icu;
    return pd_facility_add(q->db, &q->actor, &f, q->err) == PD_OK ? f.id : 0;
}

static int facilities(qdemo *q, const pd_demo_summary *sum)
{
    const char *c0 = sum->communes[0].code;
    const char *c1 = sum->commune_count > 1 ? sum->communes[1].code : c0;
    q->site = facility(q, "quarantine", "Khu cách ly tập trung Trường Cao đẳng Bắc Kạn", 0, 120, 0,
                       c0, "");
    q->hotel = facility(q, "hotel", "Khách sạn Bắc Kạn (cách ly có thu phí)", 0, 24, 0, c1, "");
    q->tier[1] = facility(q, "treatment", "Cơ sở thu dung, điều trị COVID-19 thành phố (tầng 1)", 1,
                          150, 0, c0, "");
    q->tier[2] = facility(q, "treatment", "Bệnh viện dã chiến số 1 (tầng 2)", 2, 60, 0, c1, "");
    q->tier[3] = facility(q, "treatment", "Bệnh viện Đa khoa tỉnh Bắc Kạn, khu hồi sức (tầng 3)", 3,
                          30, 12, c0, "");
    q->station = facility(q, "mobile_station", "Trạm y tế lưu động số 1", 0, 0, 0, c0,
                          "BS. Hà Thị Lan (trưởng trạm)\nĐD. Nông Văn Hải\nYS. Triệu Thị Mai");
    bool ok = q->site && q->hotel && q->tier[1] && q->tier[2] && q->tier[3] && q->station;
    return ok ? PD_OK : q->err->code;
}

/* An earlier wave: people of the district without an order or a case, quarantined 15-32 days
 * ago under the rules the demo shows. */
static int earlier_wave(qdemo *q, const pd_demo_summary *sum, int n)
{
    sqlite3_stmt *st = pd_db_prepare(
        q->db,
        "SELECT id, unit_code, district_code, province_code FROM people WHERE district_code = ?"
        " AND id NOT IN (SELECT person_id FROM quarantine_orders) AND id NOT IN (SELECT person_id"
        " FROM cases) ORDER BY (id * 7919) % 1009, id LIMIT ?",
        q->err);
    sqlite3_stmt *ins = pd_db_prepare(
        q->db,
        "INSERT INTO quarantine_orders(person_id, reason, status, rule, start_date,"
        " quarantine_days, place, monitoring_days, test_days, unit_code, district_code,"
        " province_code, created_at) VALUES (?,'f1','pending',?,?,?,?,?,?,?,?,?,?)",
        q->err);
    if (!st || !ins) {
        sqlite3_finalize(st);
        sqlite3_finalize(ins);
        return PD_EDB;
    }
    sqlite3_bind_text(st, 1, sum->district_code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, n);
    int rc = PD_OK, i = 0;
    while (rc == PD_OK && sqlite3_step(st) == SQLITE_ROW) {
        pd_immunity im = demo_rng_chance(q->rng, 0.6) ? PD_IMMUNITY_FULL : PD_IMMUNITY_NONE;
        json_t *r = NULL;
        if (pd_quarantine_rule_row(q->db, q->rules_day, "f1", im, &r, q->err) != PD_OK)
            rc = q->err->code;
        else {
            char start[11], *tests = json_dumps(json_object_get(r, "test_days"), JSON_COMPACT);
            /* The first three end their monitoring today. */
            int back = i++ < 3 ? (int)(json_integer_value(json_object_get(r, "quarantine_days")) +
                                       json_integer_value(json_object_get(r, "monitoring_days")))
                               : demo_rng_range(q->rng, 15, 32);
            pdq_add_days(q->today, -back, start);
            sqlite3_bind_int64(ins, 1, sqlite3_column_int64(st, 0));
            sqlite3_bind_text(ins, 2, json_string_value(json_object_get(r, "basis")), -1,
                              SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 3, start, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins, 4, json_integer_value(json_object_get(r, "quarantine_days")));
            sqlite3_bind_text(ins, 5, json_string_value(json_object_get(r, "place")), -1,
                              SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins, 6, json_integer_value(json_object_get(r, "monitoring_days")));
            sqlite3_bind_text(ins, 7, tests, -1, SQLITE_TRANSIENT);
            for (int i = 1; i <= 3; i++)
                sqlite3_bind_text(ins, 7 + i, (const char *)sqlite3_column_text(st, i), -1,
                                  SQLITE_TRANSIENT);
            sqlite3_bind_int64(ins, 11, pd_now());
            rc = sqlite3_step(ins) == SQLITE_DONE ? PD_OK : pd_db_error(q->db, q->err);
            sqlite3_reset(ins);
            free(tests);
            json_decref(r);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    return rc;
}

typedef struct order_ref {
    int64_t id;
    char start[11], release_from[11];
    bool earlier;
} order_ref;

#define MAX_ORDERS 4000

static int pending_orders(qdemo *q, order_ref *out, int *n)
{
    *n = 0;
    sqlite3_stmt *st = pd_db_prepare(q->db,
                                     "SELECT id, start_date, date(start_date, '+' ||"
                                     " quarantine_days || ' days'), case_id IS NULL FROM"
                                     " quarantine_orders WHERE status = 'pending' ORDER BY id",
                                     q->err);
    if (!st)
        return PD_EDB;
    while (*n < MAX_ORDERS && sqlite3_step(st) == SQLITE_ROW) {
        order_ref *o = &out[(*n)++];
        o->id = sqlite3_column_int64(st, 0);
        snprintf(o->start, sizeof o->start, "%s", sqlite3_column_text(st, 1));
        snprintf(o->release_from, sizeof o->release_from, "%s", sqlite3_column_text(st, 2));
        o->earlier = sqlite3_column_int(st, 3);
    }
    sqlite3_finalize(st);
    return PD_OK;
}

static int start_one(qdemo *q, const order_ref *o)
{
    char on[11];
    pdq_add_days(o->start, 1, on);
    if (strcmp(on, q->today) > 0)
        snprintf(on, sizeof on, "%s", q->today);
    double r = demo_rng_unit(q->rng);
    const char *place = r < 0.25 ? "centralised" : r < 0.3 ? "hotel" : "home";
    int64_t fac = strcmp(place, "centralised") == 0 ? q->site
                  : strcmp(place, "hotel") == 0     ? q->hotel
                                                    : 0;
    int rc = pd_quarantine_start(q->db, &q->actor, o->id, place, fac, on, q->err);
    if (rc == PD_ECONFLICT) /* the site is full: at home */
        rc = pd_quarantine_start(q->db, &q->actor, o->id, "home", 0, on, q->err);
    return rc;
}

static int check_one(qdemo *q, const order_ref *o)
{
    static const char *const fever[] = {"fever", "cough"};
    bool sick = demo_rng_chance(q->rng, 0.04);
    double t =
        sick ? 37.8 + demo_rng_below(q->rng, 12) / 10.0 : 36.2 + demo_rng_below(q->rng, 9) / 10.0;
    return pd_quarantine_check(q->db, &q->actor, o->id, q->today, t, fever, sick ? 2 : 0, "", NULL,
                               NULL, q->err);
}

static int release_one(qdemo *q, const order_ref *o)
{
    json_t *blockers = NULL;
    int rc = pd_quarantine_release(q->db, &q->actor, o->id, o->release_from, false, "", &blockers,
                                   q->err);
    json_decref(blockers);
    if (rc == PD_ECONFLICT)
        rc = pd_quarantine_release(q->db, &q->actor, o->id, o->release_from, true,
                                   "Kết quả xét nghiệm âm tính lưu trên giấy (dữ liệu mẫu)",
                                   &blockers, q->err);
    json_decref(blockers);
    if (rc == PD_OK && demo_rng_chance(q->rng, 0.6))
        rc = pd_quarantine_handover_confirm(q->db, &q->actor, o->id, q->err);
    return rc == PD_ECONFLICT ? PD_OK : rc;
}

static int orders(qdemo *q)
{
    static order_ref list[MAX_ORDERS];
    int n = 0;
    if (pending_orders(q, list, &n) != PD_OK)
        return PD_EDB;
    for (int i = 0; i < n; i++) {
        const order_ref *o = &list[i];
        if (!o->earlier && demo_rng_chance(q->rng, 0.15))
            continue; /* still pending: not reached yet */
        int rc = start_one(q, o);
        if (rc == PD_OK && o->earlier)
            rc = release_one(q, o);
        else if (rc == PD_OK)
            rc = check_one(q, o);
        if (rc != PD_OK)
            return rc;
    }
    return PD_OK;
}

/* ---- F0 in care ---- */

static void triage_input(qdemo *q, int64_t case_id, pd_care_input *in)
{
    memset(in, 0, sizeof *in);
    in->case_id = case_id;
    in->age = -1;
    in->age_months = -1;
    double c = demo_rng_unit(q->rng), s = demo_rng_unit(q->rng);
    snprintf(in->comorbidity, sizeof in->comorbidity, "%s",
             c < 0.03   ? "unstable"
             : c < 0.18 ? "stable"
                        : "none");
    const char *sym = s < 0.4 ? "none" : s < 0.85 ? "mild" : s < 0.97 ? "moderate" : "severe";
    snprintf(in->symptoms, sizeof in->symptoms, "%s", sym);
    bool worse = strcmp(sym, "moderate") == 0 || strcmp(sym, "severe") == 0;
    in->spo2 = worse ? demo_rng_range(q->rng, 91, 95) : demo_rng_range(q->rng, 97, 99);
    in->resp_rate = worse ? demo_rng_range(q->rng, 21, 26) : demo_rng_range(q->rng, 15, 19);
    in->self_care = demo_rng_chance(q->rng, 0.95);
    snprintf(in->day, sizeof in->day, "%s", q->today);
}

static int bed_for(qdemo *q, int64_t episode, const pd_care_class *k)
{
    if (strcmp(k->place, "home") == 0)
        return pd_care_assign(q->db, &q->actor, episode, q->station, "station", q->err);
    int rc = PD_ECONFLICT;
    if (k->tier == 3)
        rc = pd_care_assign(q->db, &q->actor, episode, q->tier[3], "icu", q->err);
    for (int t = k->tier; rc == PD_ECONFLICT && t <= 3; t++)
        rc = pd_care_assign(q->db, &q->actor, episode, q->tier[t], "bed", q->err);
    return rc == PD_ECONFLICT ? PD_OK : rc;
}

static int monitor(qdemo *q, int64_t episode, bool low)
{
    const char *slots[] = {"morning", "evening"};
    int rc = PD_OK;
    char alert[160];
    for (int i = 0; rc == PD_OK && i < 4; i++) {
        bool last = i == 3;
        int spo2 = low && last ? 94 : demo_rng_range(q->rng, 97, 99);
        rc = pd_care_monitor(q->db, &q->actor, episode, slots[i % 2], spo2,
                             demo_rng_range(q->rng, 15, 19),
                             36.4 + demo_rng_below(q->rng, 10) / 10.0,
                             demo_rng_range(q->rng, 70, 95), "", NULL, alert, q->err);
    }
    return rc;
}

static int care(qdemo *q)
{
    int64_t ids[512];
    int n = 0;
    sqlite3_stmt *st = pd_db_prepare(
        q->db, "SELECT id FROM cases WHERE status = 'active' ORDER BY id LIMIT 512", q->err);
    if (!st)
        return PD_EDB;
    while (sqlite3_step(st) == SQLITE_ROW)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    bool low_done = false;
    for (int i = 0; i < n; i++) {
        pd_care_input in;
        pd_care_class k;
        int64_t episode = 0;
        triage_input(q, ids[i], &in);
        int rc = pd_care_triage(q->db, &q->actor, &in, &episode, &k, q->err);
        if (rc == PD_EINVAL) /* no birth date in the registry: left for the station to triage */
            continue;
        if (rc == PD_OK)
            rc = bed_for(q, episode, &k);
        if (rc == PD_OK && strcmp(k.place, "home") == 0) {
            rc = monitor(q, episode, !low_done);
            low_done = true;
        }
        if (rc != PD_OK)
            return rc;
    }
    return PD_OK;
}

static void rules_day(qdemo *q)
{
    snprintf(q->rules_day, sizeof q->rules_day, "%s", q->today);
    sqlite3_stmt *st = pd_db_prepare(
        q->db, "SELECT value FROM settings WHERE key = 'quarantine_rules_date'", q->err);
    if (st && sqlite3_step(st) == SQLITE_ROW)
        snprintf(q->rules_day, sizeof q->rules_day, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

int demo_quarantine_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err)
{
    qdemo q = {.db = db, .rng = rng, .actor = pd_actor_cli(), .err = err};
    snprintf(q.actor.username, sizeof q.actor.username, "demo");
    if (pdq_day("", "day", q.today, err) != PD_OK)
        return err->code;
    rules_day(&q);
    if (sum->commune_count < 1)
        return PD_OK;
    pd_db_exec(db, "PRAGMA synchronous=OFF", err);
    int rc = facilities(&q, sum);
    if (rc == PD_OK)
        rc = earlier_wave(&q, sum, 60);
    if (rc == PD_OK)
        rc = orders(&q);
    if (rc == PD_OK)
        rc = care(&q);
    pd_err ignore;
    pd_db_exec(db, "PRAGMA synchronous=FULL", &ignore);
    return rc;
}
