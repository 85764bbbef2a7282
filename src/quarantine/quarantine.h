/* Quarantine rules in force on a date (domain rules §2, "Quarantine timeline"): how long an F1
 * is quarantined and where, which days they are tested, and how long they are monitored after.
 * Tracing writes a pending order from these for every new F1; the quarantine work itself reads
 * the orders. A deployment may pin the rules to those of one day with the setting
 * quarantine_rules_date (table settings, YYYY-MM-DD): the demo shows December 2021's. */
#ifndef PD_QUARANTINE_H
#define PD_QUARANTINE_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

#define PD_QUARANTINE_MAX_TESTS 6

typedef enum pd_immunity {
    PD_IMMUNITY_NONE = 0,      /* not vaccinated, or not known */
    PD_IMMUNITY_PARTIAL = 1,   /* one dose */
    PD_IMMUNITY_FULL = 2,      /* two doses or more, the last at least 14 days before */
    PD_IMMUNITY_RECOVERED = 3, /* a case recovered in the months the rule names */
} pd_immunity;

typedef struct pd_quarantine_rule {
    const char *basis; /* the dispatch, e.g. "5599/BYT-MT" */
    bool quarantine;   /* false: F1 are no longer quarantined (from April 2022) */
    const char *place; /* "centralised" or "home" */
    int quarantine_days;
    int test_days[PD_QUARANTINE_MAX_TESTS]; /* days of quarantine with a test */
    int test_count;
    int monitoring_days; /* health monitoring at home after release */
    int monitoring_test_days[2];
    int monitoring_test_count;
} pd_quarantine_rule;

/* The rule for an F1 exposed on `date` (YYYY-MM-DD) with the given immunity. Dates before the
 * first rule of the timeline take the first rule. Never NULL for a valid date; NULL otherwise. */
const pd_quarantine_rule *pd_quarantine_rule_for(const char *date, pd_immunity immunity);

/* The person's immunity on `date`, from what phongdich knows: a recovered case of theirs within
 * recovered_months (6 before 21 Feb 2022, 3 from then); else their doses recorded by vaccination
 * (table doses: a completed primary series whose last dose is at least 14 days old is full, any
 * other dose partial) when they have any by then; else the doses declared in their latest
 * declaration. */
int pd_quarantine_immunity(sqlite3 *db, int64_t person_id, const char *date, pd_immunity *out);

/* ---- Rules as data (table quarantine_rules, seeded by migration 7) ------------------------- */

/* The row in force on `date` for a category ("f1", "arrival", "other": "other" and a category
 * without rows yet fall back to "f1"), as {"id","category","immunity","effective_from","basis",
 * "quarantine","place","quarantine_days","test_days":[..],"monitoring_days",
 * "monitoring_test_days":[..],"note"}. PD_EINVAL for a bad date, category or immunity. */
int pd_quarantine_rule_row(sqlite3 *db, const char *date, const char *category,
                           pd_immunity immunity, json_t **out, pd_err *err);
/* Every row, by category, date and immunity ({"items":[ROW]}). */
int pd_quarantine_rules_list(sqlite3 *db, json_t **out, pd_err *err);

/* ---- Facilities --------------------------------------------------------------------------- */

typedef struct pd_facility {
    int64_t id;
    char kind[16]; /* quarantine | hotel | treatment | mobile_station */
    char name[160];
    int tier; /* treatment: 1, 2 or 3; else 0 */
    int beds, icu_beds;
    char address[256], phone[16];
    char team[512]; /* mobile station: the team, one member a line */
    char unit_code[16];
} pd_facility;

/* Adds a facility in a unit of the caller's scope. Quarantine sites and hotels need
 * PD_PERM_QUARANTINE_WRITE, treatment facilities and mobile stations PD_PERM_CARE_WRITE. */
int pd_facility_add(sqlite3 *db, const pd_actor *actor, pd_facility *f, pd_err *err);
/* Facilities in scope (or under unit), of a kind ("" all), each with its live occupancy:
 * {"items":[{"id","kind","name","tier","beds","icu_beds","used","icu_used","free",...}]}. */
int pd_facilities_list(sqlite3 *db, const pd_actor *actor, const char *kind, const char *unit,
                       json_t **out, pd_err *err);
/* Beds used and free today per facility and per kind/tier, and the projection for 7 and 14 days
 * from the last 7 days' admissions minus releases (docs/quarantine.md). */
int pd_capacity(sqlite3 *db, const pd_actor *actor, const char *unit, const char *day, json_t **out,
                pd_err *err);

/* ---- Orders ------------------------------------------------------------------------------- */

/* Starts a pending order on `day` ("" today): place centralised or hotel with a facility of that
 * kind in scope and with a free bed, or home (no facility). */
int pd_quarantine_start(sqlite3 *db, const pd_actor *actor, int64_t order_id, const char *place,
                        int64_t facility_id, const char *day, pd_err *err);

#define PD_QUARANTINE_SYMPTOMS_MAX 8
/* A daily health check of an active order: temperature (< 0: not taken), symptoms from the
 * declaration list (fever, cough, breath, sore_throat, taste_smell, nausea, diarrhoea). A symptom
 * or a temperature of 37.5 °C or more raises an alert (worklist "alerts": to be tested). */
int pd_quarantine_check(sqlite3 *db, const pd_actor *actor, int64_t order_id, const char *day,
                        double temperature, const char *const *symptoms, int nsymptoms,
                        const char *note, int64_t *check_id, bool *alert, pd_err *err);

/* What keeps an active order from release on `day`, as an array of {"code","day","message"}
 * (empty: it may be released). */
int pd_quarantine_blockers(sqlite3 *db, int64_t order_id, const char *day, json_t **out,
                           pd_err *err);
/* Releases an active order on `day` when nothing blocks it (PD_ECONFLICT with the blockers in
 * *blockers otherwise); `force` with a note releases despite missing tests (never before the days
 * are served, never with a positive test). Hands the person over to their commune's station for
 * monitoring_days of monitoring. */
int pd_quarantine_release(sqlite3 *db, const pd_actor *actor, int64_t order_id, const char *day,
                          bool force, const char *note, json_t **blockers, pd_err *err);
/* The receiving commune station confirms the hand-over: the actor must be a commune account of
 * the order's commune (or admin), with PD_PERM_QUARANTINE_WRITE. */
/* Inside the caller's transaction: the person's open orders (pending or active) end as cancelled
 * because they became case case_id; care takes over (care/). */
int pd_quarantine_end_for_case(sqlite3 *db, int64_t person_id, int64_t case_id, pd_err *err);

int pd_quarantine_handover_confirm(sqlite3 *db, const pd_actor *actor, int64_t order_id,
                                   pd_err *err);

/* One order with its person, schedule (dates of the test days and their samples), checks and what
 * blocks its release today. Audited read. */
int pd_quarantine_order_get(sqlite3 *db, const pd_actor *actor, int64_t order_id, json_t **out,
                            pd_err *err);
/* Orders in scope (or under unit) by phase: pending, active, monitoring, finished, cancelled or
 * "" all; newest first, at most limit (default 200). */
int pd_quarantine_orders_list(sqlite3 *db, const pd_actor *actor, const char *unit,
                              const char *phase, int limit, json_t **out, pd_err *err);

/* The worklists of `day` ("" today) in scope or under unit, each computed set-wise in SQL:
 * tests_due, tests_overdue, releases_due, handovers, monitoring_ends, alerts (symptomatic checks
 * without a sample since). */
int pd_quarantine_worklists(sqlite3 *db, const pd_actor *actor, const char *unit, const char *day,
                            json_t **out, pd_err *err);

#endif
