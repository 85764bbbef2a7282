/* F0 care: each active case classified by the risk colours of Decision 5525/QĐ-BYT (green,
 * yellow, orange, red: age, vaccination, comorbidity, pregnancy, clinical signs), home care or a
 * facility by the home-care criteria in force on the day (table care_home_rules: 4038/QĐ-BYT,
 * then 261/QĐ-BYT), beds at treatment facilities by tier (capacity enforced), mobile stations for
 * those at home, twice-daily home monitoring with an alert outside the thresholds, and release by
 * the rule in force (table care_release_rules), which marks the case recovered through cases.h.
 * Scope: an episode carries its case's unit codes. Reading needs PD_PERM_CARE_READ, changing
 * PD_PERM_CARE_WRITE; release also PD_PERM_CASES_WRITE (the commune station certifies recovery). */
#ifndef PD_CARE_H
#define PD_CARE_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

typedef struct pd_care_input {
    int64_t case_id;
    int age;              /* whole years; -1: from the registry's birth date */
    int age_months;       /* -1: from the registry (infants under 3 months) */
    char vaccination[8];  /* none | partial | full; "": from the records (quarantine.h immunity) */
    char comorbidity[10]; /* none | stable | unstable */
    bool pregnant;        /* pregnant or post-partum */
    char symptoms[10];    /* none | mild | moderate | severe */
    int resp_rate;        /* breaths a minute */
    int spo2;             /* % on room air */
    bool self_care;       /* can look after themselves, or has a carer, and reach health staff */
    char day[12];         /* "" today */
} pd_care_input;

typedef struct pd_care_class {
    char colour[8]; /* green | yellow | orange | red */
    char colour_reason[256];
    char colour_basis[48];
    char place[10]; /* home | facility */
    char place_reason[640];
    char place_basis[48];
    int tier; /* recommended tier of the tower: 1, 2 or 3 */
} pd_care_class;

/* The colour alone (no store): the table of 5525 with the project's defaults where it is silent
 * (docs/quarantine.md). in->age and in->vaccination must be resolved. */
void pd_care_colour(const pd_care_input *in, pd_care_class *out);
/* The colour, then home or facility by the home-care row in force on in->day. */
int pd_care_classify(sqlite3 *db, const pd_care_input *in, pd_care_class *out, pd_err *err);

/* Classifies an active case in scope and writes (or rewrites) its care episode. */
int pd_care_triage(sqlite3 *db, const pd_actor *actor, pd_care_input *in, int64_t *episode_id,
                   pd_care_class *out, pd_err *err);

/* A home monitoring entry (slot morning or evening); *alert gets why it needs a doctor ("" when
 * within the thresholds of the home-care row in force). */
int pd_care_monitor(sqlite3 *db, const pd_actor *actor, int64_t episode_id, const char *slot,
                    int spo2, int resp_rate, double temperature, int pulse, const char *note,
                    int64_t *entry_id, char alert[160], pd_err *err);
int pd_care_alert_done(sqlite3 *db, const pd_actor *actor, int64_t entry_id, pd_err *err);

/* A bed (bed_kind "bed" or "icu") at a treatment facility with one free, or the mobile station
 * ("station") that looks after someone at home. */
int pd_care_assign(sqlite3 *db, const pd_actor *actor, int64_t episode_id, int64_t facility_id,
                   const char *bed_kind, pd_err *err);

/* Whether the episode may end on day: {"eligible","basis","days","message"}. */
int pd_care_release_check(sqlite3 *db, int64_t episode_id, const char *day,
                          const char *negative_test_on, json_t **out, pd_err *err);
/* Ends the episode when the release rule allows it (PD_ECONFLICT with its message otherwise) and
 * marks the case recovered (pd_case_set_status). */
int pd_care_release(sqlite3 *db, const pd_actor *actor, int64_t episode_id, const char *day,
                    const char *negative_test_on, pd_err *err);

/* Active cases in scope (or under unit) with their episode (colour null: not triaged yet), colour
 * filter green/yellow/orange/red/untriaged ("" all). */
int pd_care_list(sqlite3 *db, const pd_actor *actor, const char *unit, const char *colour,
                 json_t **out, pd_err *err);
int pd_care_episode_get(sqlite3 *db, const pd_actor *actor, int64_t episode_id, json_t **out,
                        pd_err *err);
/* Monitoring entries with an open alert, of active episodes in scope. */
int pd_care_alerts(sqlite3 *db, const pd_actor *actor, const char *unit, json_t **out, pd_err *err);
/* The care rules as data: {"home":[...],"release":[...]} */
int pd_care_rules(sqlite3 *db, json_t **out, pd_err *err);

#endif
