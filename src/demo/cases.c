/* The demo's outbreak: after the 14 days of activity are written, a few clusters are seeded at
 * real venue kinds (the market, a factory, a school): a resident who was there early in the
 * fortnight becomes a case, is traced, and some of their F1 (household members first, then people
 * met at venues) fall ill three to five days after exposure, are confirmed, traced in turn and
 * named as the next generation of the chain. Cases are confirmed and traced through the same
 * functions as the API (cases.h, trace.h), as the demo account of the district. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "cases/cases.h"
#include "demo/demo.h"
#include "demo/demo_internal.h"
#include "store/db.h"
#include "trace/trace.h"

#define DEMO_GENERATIONS 3
#define DEMO_CASES_MAX 40

typedef struct seed_site {
    const char *kind;
    int day_from_end; /* exposure of the index case: this many days before today */
} seed_site;

/* The kinds of venues where clusters begin, as in the dispatches: markets, factories, schools. */
static const seed_site seed_sites[] = {{"market", 12}, {"factory", 11}, {"school", 10}};

typedef struct outbreak {
    sqlite3 *db;
    pd_tracer *tracer;
    demo_rng *rng;
    pd_actor actor;
    int64_t now, today_start;
    int cases;
    pd_demo_activity *out;
    pd_err *err;
} outbreak;

/* A resident who checked in at a venue of kind on the given local day (deterministic pick). */
static int64_t visitor_at(outbreak *o, const char *kind, int64_t day_start)
{
    sqlite3_stmt *st =
        pd_db_prepare(o->db,
                      "SELECT c.person_id FROM checkins c JOIN venues v ON v.id = c.venue_id"
                      " JOIN people p ON p.id = c.person_id"
                      " WHERE v.kind = ?1 AND c.in_at >= ?2 AND c.in_at < ?2 + 86400"
                      " AND p.household_id IS NOT NULL"
                      " AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.person_id = c.person_id)"
                      " ORDER BY (c.person_id * 2654435761) % 1000003 LIMIT 1",
                      o->err);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, day_start);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return id;
}

static void day_text(int64_t t, char out[12])
{
    pd_date d = pd_local_date(t);
    pd_date_format(&d, out, 12);
}

/* Confirms person as a case with onset on the day of `onset`, sampled the next day and confirmed
 * that evening (never after now); names source_case. Returns the case id, 0 if skipped. */
static int64_t confirm(outbreak *o, int64_t person, int64_t onset, int64_t source_case)
{
    pd_case c;
    memset(&c, 0, sizeof c);
    c.person_id = person;
    int64_t sample = onset + 86400;
    day_text(onset, c.onset_date);
    day_text(sample, c.sample_date);
    pd_date sd = pd_local_date(sample);
    c.confirmed_at = pd_local_midnight(&sd) + 18 * 3600;
    if (c.confirmed_at > o->now)
        c.confirmed_at = o->now;
    snprintf(c.found_in, sizeof c.found_in, "%s", "community");
    snprintf(c.basis, sizeof c.basis, "%s", source_case ? "antigen_f1" : "pcr");
    pd_field_errors errs;
    memset(&errs, 0, sizeof errs);
    if (pd_case_confirm(o->db, &o->actor, &c, &errs, o->err) != PD_OK)
        return o->err->code == PD_ECONFLICT || o->err->code == PD_EINVAL ? 0 : -1;
    if (source_case && pd_case_set_source(o->db, &o->actor, c.id, source_case, o->err) != PD_OK)
        return -1;
    o->cases++;
    return c.id;
}

static int trace(outbreak *o, int64_t case_id, pd_trace_result *r)
{
    pd_trace_opts opts = {.now = o->now};
    if (pd_tracer_refresh(o->tracer, o->db, o->err) != PD_OK ||
        pd_trace_run(o->tracer, o->db, case_id, &opts, r, o->err) != PD_OK)
        return -1;
    if (pd_trace_save(o->db, &o->actor, r, NULL, o->err) != PD_OK) {
        pd_trace_result_free(r);
        return -1;
    }
    return 0;
}

/* Some F1 of case_id fall ill: each household F1 with chance 0.35, each F1 met at a venue with
 * chance 0.03, at most 4, if their onset (3-5 days after exposure) is before today. */
static int spread(outbreak *o, int64_t case_id, int generation)
{
    pd_trace_result r;
    if (trace(o, case_id, &r) != 0)
        return -1;
    int infected = 0, rc = 0;
    for (size_t i = 0; i < r.f1_count && infected < 4 && rc == 0; i++) {
        const pd_contact *c = &r.contacts[i];
        const pd_evidence *e = &r.evidence[c->evidence_first];
        double chance = e->kind == PD_EVIDENCE_HOUSEHOLD ? 0.35 : 0.03;
        if (!demo_rng_chance(o->rng, chance))
            continue;
        int64_t exposed = e->kind == PD_EVIDENCE_HOUSEHOLD ? r.window_end - 86400 : e->from;
        int64_t onset = exposed + (int64_t)demo_rng_range(o->rng, 3, 5) * 86400;
        if (onset >= o->today_start || o->cases >= DEMO_CASES_MAX)
            continue;
        int64_t next = confirm(o, c->person_id, onset, case_id);
        if (next < 0)
            rc = -1;
        else if (next > 0) {
            infected++;
            if (generation + 1 < DEMO_GENERATIONS && spread(o, next, generation + 1) != 0)
                rc = -1;
        }
    }
    pd_trace_result_free(&r);
    return rc;
}

static int seed_clusters(outbreak *o)
{
    for (size_t i = 0; i < sizeof seed_sites / sizeof seed_sites[0]; i++) {
        int64_t day = o->today_start - (int64_t)seed_sites[i].day_from_end * 86400;
        int64_t person = visitor_at(o, seed_sites[i].kind, day);
        if (person < 0)
            return -1;
        if (person == 0)
            continue;
        int64_t id = confirm(o, person, day + 2 * 86400, 0);
        if (id < 0 || (id > 0 && spread(o, id, 0) != 0))
            return -1;
    }
    return 0;
}

static int count(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    *out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}

int demo_cases_write(sqlite3 *db, demo_rng *rng, const char *district_code, pd_demo_activity *out,
                     pd_err *err)
{
    outbreak o = {.db = db, .rng = rng, .out = out, .err = err, .now = pd_now()};
    o.actor = pd_actor_cli();
    snprintf(o.actor.username, sizeof o.actor.username, "%s", "demo");
    (void)district_code;
    pd_date today = pd_local_date(o.now);
    o.today_start = pd_local_midnight(&today);
    /* The demo shows the rules of December 2021 (Dispatch 10696/BYT-MT), when F1 were still
     * quarantined, whatever today's date: see quarantine.h. */
    if (pd_db_exec(db,
                   "INSERT OR REPLACE INTO settings(key, value)"
                   " VALUES ('quarantine_rules_date', '2021-12-16')",
                   err) != PD_OK)
        return err->code;
    if (pd_tracer_open(db, o.today_start - 20 * 86400, &o.tracer, err) != PD_OK)
        return err->code;
    int rc = seed_clusters(&o);
    pd_tracer_close(o.tracer);
    if (rc != 0)
        return err->code ? err->code : PD_EDB;
    out->cases = o.cases;
    count(db, "SELECT count(*) FROM contacts WHERE level = 1", &out->contacts_f1);
    count(db, "SELECT count(*) FROM contacts WHERE level = 2", &out->contacts_f2);
    return PD_OK;
}
