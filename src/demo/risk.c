/* The demo's capacity checklists and what the weekly risk levels need: community cases of the
 * 2021 wave in the demo communes, spread over the ISO weeks 2021-W40 to 2021-W52 with a peak in
 * 2021-W46 whose size differs by commune (so that the map of 2021-W46 has several colours, together
 * with the vaccination demo's uneven coverage), a few cases found in quarantine (which criterion 1
 * does not count), and one capacity checklist per commune and week (one commune short of oxygen in
 * W47-W48, so that its level is not lowered). The cases are recovered and carry the person's unit
 * codes like cases.h's confirm; they are never traced, and none is dated within 30 days of the
 * build's clock (pd_now()), so the outbreak of the last 14 days and its tracing are undisturbed
 * (with a clock inside the 2021 wave, the history stops 30 days before it). The draws come from a
 * generator of this step's own, seeded from the demo's seed, so the steps after it are unchanged.
 * demo_risk_history_write() writes the cases; demo.c may call it before the outbreak, so that case
 * ids keep following confirmation times; demo_risk_write() writes them itself if that has not
 * happened, then the checklists. Each part is one transaction. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "demo/demo.h"
#include "demo/demo_internal.h"
#include "demo/demo_risk.h"
#include "risk/risk.h"
#include "store/db.h"

/* Target community cases per 100,000 in the peak week, by the commune's position in the district
 * (GSO order: 01834 ... 01855); 0 leaves the commune quiet. Kept modest (a few cases a week) so
 * that the wave does not swamp today's outbreak in the case lists; with the vaccination demo's
 * coverage they give levels 1 to 4 in 2021-W46. */
static const double PEAK_RATE[] = {40, 60, 35, 0, 80, 0, 30, 35};
/* Share of the peak in each week from 2021-W40 to 2021-W52 (index 6 is W46). */
static const double CURVE[13] = {0.05, 0.15, 0.3, 0.5,  0.75, 0.9, 1.0,
                                 0.8,  0.5,  0.3, 0.15, 0.05, 0};

#define HISTORY_NOTE "Ca bệnh đợt dịch cuối năm 2021 (dữ liệu mẫu)"

typedef struct demo_risk {
    sqlite3 *db;
    demo_rng *rng;
    int64_t until; /* no case confirmed at or after this time */
    sqlite3_stmt *pick, *add, *cap;
    pd_err *err;
} demo_risk;

static int add_case(demo_risk *d, const char *unit, int64_t people, int64_t at, const char *found)
{
    sqlite3_reset(d->pick);
    sqlite3_bind_text(d->pick, 1, unit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(d->pick, 2, demo_rng_below(d->rng, (int)(people > 1 ? people : 1)));
    if (sqlite3_step(d->pick) != SQLITE_ROW)
        return PD_OK;
    pd_date day = pd_local_date(at - 86400);
    char sample[12];
    pd_date_format(&day, sample, sizeof sample);
    sqlite3_stmt *st = d->add;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, sqlite3_column_int64(d->pick, 0));
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_text(st, 3, sample, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, found, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, at + 14 * 86400);
    for (int i = 1; i <= 4; i++)
        pd_bind_text_or_null(st, 5 + i, (const char *)sqlite3_column_text(d->pick, i));
    return sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(d->db, d->err);
}

/* The cases of one commune in one week (Monday 00:00 local at monday). */
static int week_cases(demo_risk *d, const pd_demo_commune *c, int slot, int w, int64_t monday)
{
    double rate = PEAK_RATE[slot % 8] * CURVE[w];
    int n = (int)lround(rate * (double)c->people / 100000.0);
    int rc = PD_OK;
    for (int i = 0; i < n && rc == PD_OK; i++) {
        int64_t at =
            monday + demo_rng_below(d->rng, 7) * 86400 + demo_rng_range(d->rng, 7, 20) * 3600;
        rc = add_case(d, c->code, c->people, at, "community");
    }
    if (rc == PD_OK && n > 0 && demo_rng_chance(d->rng, 0.5)) /* found in quarantine: not counted */
        rc = add_case(d, c->code, c->people, monday + 3 * 86400 + 10 * 3600, "quarantine");
    return rc;
}

static int checklist(demo_risk *d, const pd_demo_commune *c, int slot, int w, const char *week)
{
    bool short_of_oxygen = slot == 0 && (w == 7 || w == 8); /* W47, W48: kept at level 2 */
    sqlite3_stmt *st = d->cap;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, c->code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, week, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, !short_of_oxygen);
    sqlite3_bind_text(st, 4, short_of_oxygen ? "Trạm y tế hết bình oxy, chờ cấp bổ sung" : "", -1,
                      SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(d->db, d->err);
}

static int64_t week_monday(int w)
{
    pd_date w40 = {2021, 10, 4}; /* Monday of 2021-W40 */
    return pd_local_midnight(&w40) + (int64_t)w * 7 * 86400;
}

static int write_cases(demo_risk *d, struct pd_demo_summary *sum)
{
    int rc = PD_OK;
    for (int i = 0; i < sum->commune_count && rc == PD_OK; i++)
        for (int w = 0; w < 13 && rc == PD_OK; w++)
            rc = week_cases(d, &sum->communes[i], i, w, week_monday(w));
    return rc;
}

static int write_checklists(demo_risk *d, struct pd_demo_summary *sum)
{
    int rc = PD_OK;
    for (int w = 0; w < 13 && rc == PD_OK; w++) {
        char week[12];
        snprintf(week, sizeof week, "2021-W%02u", (unsigned)(40 + w) % 100u);
        for (int i = 0; i < sum->commune_count && rc == PD_OK; i++)
            rc = checklist(d, &sum->communes[i], i, w, week);
    }
    return rc;
}

static int prepare(demo_risk *d)
{
    d->pick = pd_db_prepare(d->db,
                            "SELECT id, unit_code, area_code, district_code, province_code FROM"
                            " people WHERE unit_code = ? ORDER BY id LIMIT 1 OFFSET ?",
                            d->err);
    d->add = pd_db_prepare(
        d->db,
        "INSERT INTO cases(person_id, confirmed_at, sample_date, found_in, basis, status,"
        " status_at, infectious_until, unit_code, area_code, district_code, province_code, note,"
        " created_at) VALUES (?1, ?2, ?3, ?4, 'pcr', 'recovered', ?5, ?2, ?6, ?7, ?8, ?9,"
        " '" HISTORY_NOTE "', ?2)",
        d->err);
    d->cap = pd_db_prepare(
        d->db,
        "INSERT OR REPLACE INTO risk_capacity(unit_code, week, district_code, province_code,"
        " oxygen, mobile_station, care_team, met, note, filled_at) SELECT code, ?2, district_code,"
        " province_code, ?3, 1, 1, ?3, ?4, 1637000000 FROM units WHERE code = ?1",
        d->err);
    return d->pick && d->add && d->cap ? PD_OK : PD_EDB;
}

typedef int (*part_fn)(demo_risk *d, struct pd_demo_summary *sum);

/* Runs one part in its own transaction with this step's generator. */
static int run_part(sqlite3 *db, struct pd_demo_summary *sum, part_fn part, pd_err *err)
{
    demo_rng rng;
    demo_rng_seed(&rng, demo_mix64(sum->seed ^ 0x7269736b /* "risk" */));
    demo_risk d = {db, &rng, pd_now() - 30 * 86400, NULL, NULL, NULL, err};
    int rc = prepare(&d);
    if (rc == PD_OK)
        rc = pd_db_begin(db, err);
    if (rc == PD_OK) {
        rc = part(&d, sum);
        if (rc == PD_OK)
            rc = pd_db_commit(db, err);
        else
            pd_db_rollback(db);
    }
    sqlite3_finalize(d.pick);
    sqlite3_finalize(d.add);
    sqlite3_finalize(d.cap);
    return rc;
}

static bool history_written(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM cases WHERE note = '" HISTORY_NOTE "' LIMIT 1", -1,
                           &st, NULL) != SQLITE_OK)
        return false;
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

int demo_risk_history_write(sqlite3 *db, struct pd_demo_summary *sum, pd_err *err)
{
    return history_written(db) ? PD_OK : run_part(db, sum, write_cases, err);
}

int demo_risk_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err)
{
    (void)rng; /* this step draws from its own generator */
    int rc = demo_risk_history_write(db, sum, err);
    return rc == PD_OK ? run_part(db, sum, write_checklists, err) : rc;
}
