/* Quarantine rules in force on a date (domain rules §2, "Quarantine timeline"): how long an F1
 * is quarantined and where, which days they are tested, and how long they are monitored after.
 * Tracing writes a pending order from these for every new F1; the quarantine work itself reads
 * the orders. A deployment may pin the rules to those of one day with the setting
 * quarantine_rules_date (table settings, YYYY-MM-DD): the demo shows December 2021's. */
#ifndef PD_QUARANTINE_H
#define PD_QUARANTINE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#define PD_QUARANTINE_MAX_TESTS 6

typedef enum pd_immunity {
    PD_IMMUNITY_NONE = 0,    /* not vaccinated, or not known */
    PD_IMMUNITY_PARTIAL = 1, /* one dose */
    PD_IMMUNITY_FULL = 2,    /* two doses or more, the last at least 14 days before */
    PD_IMMUNITY_RECOVERED = 3, /* a case recovered in the months the rule names */
} pd_immunity;

typedef struct pd_quarantine_rule {
    const char *basis;      /* the dispatch, e.g. "5599/BYT-MT" */
    bool quarantine;        /* false: F1 are no longer quarantined (from April 2022) */
    const char *place;      /* "centralised" or "home" */
    int quarantine_days;
    int test_days[PD_QUARANTINE_MAX_TESTS]; /* days of quarantine with a test */
    int test_count;
    int monitoring_days;    /* health monitoring at home after release */
    int monitoring_test_days[2];
    int monitoring_test_count;
} pd_quarantine_rule;

/* The rule for an F1 exposed on `date` (YYYY-MM-DD) with the given immunity. Dates before the
 * first rule of the timeline take the first rule. Never NULL for a valid date; NULL otherwise. */
const pd_quarantine_rule *pd_quarantine_rule_for(const char *date, pd_immunity immunity);

/* The person's immunity on `date`, from what phongdich knows: the doses declared in their latest
 * declaration, and a recovered case of theirs within recovered_months (6 before 21 Feb 2022, 3
 * from then). */
int pd_quarantine_immunity(sqlite3 *db, int64_t person_id, const char *date, pd_immunity *out);

#endif
