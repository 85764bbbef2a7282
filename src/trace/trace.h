/* Contact tracing: an in-memory index of check-ins (pd_tracer) and the one function that finds a
 * case's F1 and F2 with their evidence (pd_trace_run), called by the HTTP API, the CLI, the demo
 * and the benchmarks alike; saving what it found (pd_trace_save); ranking the likely sources of a
 * case (pd_trace_sources).
 *
 * The rules (docs/tracing.md; domain rules §2), exactly as the engine applies them:
 *   - A check-in's presence is [in_at, out), out = out_at, or in_at + the venue's stay
 *     (pd_venue_stay_minutes) when out_at is NULL. A presence of zero length is none.
 *   - The case's window W = [start, end): start = 00:00 local (UTC+7) two days before the onset
 *     date, or before the sample date when there is no onset; end = cases.infectious_until.
 *   - F1, for case C with person P:
 *       household: every other person with P's household_id (P having one); exposure = W.start;
 *       venue: a person Q != P with a check-in at venue V whose presence overlaps a presence of P
 *         at V clipped to W; the overlap of that pair is [max of starts, min of ends) and counts
 *         when its length >= max(1 s, min_overlap); exposure = the overlap's start;
 *       declared / manual: case_contacts rows of C; exposure = contact_at, or W.start if NULL.
 *     P is never its own contact. Each F1's exposure is the earliest of its evidence.
 *   - F2: for each F1 X with exposure e, X's window is [e, q) where q = min(started_at) over X's
 *     quarantine_orders with status 'active' or 'done', started_at NOT NULL and (ended_at IS NULL
 *     or ended_at > e); with no such order q = opts.now. The window is empty when q <= e. X's
 * household members, and people who overlap X's presences clipped to that window (same overlap
 * rule), are F2 via X, unless they are P or an F1. A person reached through several F1s is one F2
 * (via = the F1 of the earliest evidence, ties to the lower person id); exposure = the earliest
 * evidence.
 *   - Re-running gives the same sets; check-ins added later only add contacts or evidence. */
#ifndef PD_TRACE_H
#define PD_TRACE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

/* Window start of a case: 00:00 local two days before onset_date, or sample_date when onset is
 * "" / NULL. 0 if neither parses. */
int64_t pd_trace_window_start(const char *onset_date, const char *sample_date);

/* ---- The check-in index ------------------------------------------------------------------- */

typedef struct pd_tracer pd_tracer;

/* Builds the index from every check-in with in_at >= since (0: all) in db. The index holds
 * presences (person, venue, in, out) by venue and by person. */
int pd_tracer_open(sqlite3 *db, int64_t since, pd_tracer **out, pd_err *err);
/* Brings the index up to date: check-ins added since (by id) and check-outs written for visits
 * that were open when indexed and began less than two days before (pd_now()); an older open
 * visit has long been closed at in_at + stay (no visit is open longer than PD_VENUE_STAY_MAX), so
 * its presence does not change. Thread-safe against concurrent pd_trace_run on the same tracer. */
int pd_tracer_refresh(pd_tracer *t, sqlite3 *db, pd_err *err);
void pd_tracer_close(pd_tracer *t);

typedef struct pd_tracer_stats {
    int64_t presences; /* check-ins held */
    int64_t venues;
    int64_t people;  /* distinct people with a check-in */
    size_t bytes;    /* memory held by the index */
    double build_ms; /* last full build */
} pd_tracer_stats;
void pd_tracer_stats_get(pd_tracer *t, pd_tracer_stats *out);

/* ---- One trace ---------------------------------------------------------------------------- */

typedef enum pd_evidence_kind {
    PD_EVIDENCE_HOUSEHOLD = 1,
    PD_EVIDENCE_VENUE = 2,
    PD_EVIDENCE_DECLARED = 3,
    PD_EVIDENCE_MANUAL = 4,
} pd_evidence_kind;

typedef struct pd_evidence {
    int kind;         /* pd_evidence_kind */
    int64_t venue_id; /* PD_EVIDENCE_VENUE, else 0 */
    int64_t from, to; /* venue: the overlap; household: the window; declared/manual: the contact */
    int64_t via_person_id; /* the case's person for F1, the F1's for F2 */
} pd_evidence;

typedef struct pd_contact {
    int64_t person_id;
    int level;                /* 1 or 2 */
    int64_t via_person_id;    /* F2: the F1; F1: the case's person */
    int64_t exposure_at;      /* the earliest evidence's start */
    int64_t last_exposure_at; /* the latest evidence's end: quarantine counts from it */
    size_t evidence_first;    /* into pd_trace_result.evidence */
    size_t evidence_count;    /* kept: at most PD_TRACE_EVIDENCE_KEPT, the earliest found */
    size_t evidence_total;    /* found */
} pd_contact;

#define PD_TRACE_EVIDENCE_KEPT 20
#define PD_TRACE_EVIDENCE_KEPT_F2 5

typedef struct pd_trace_result {
    int64_t case_id, case_person_id;
    int64_t window_start, window_end;
    pd_contact *contacts; /* F1s first (by exposure, then person id), then F2s likewise */
    size_t f1_count, f2_count;
    pd_evidence *evidence;
    size_t evidence_count;
    size_t evidence_cap, contacts_cap; /* internal */
} pd_trace_result;

typedef struct pd_trace_opts {
    int min_overlap_s; /* 0: any overlap; 900 for the 15-minute rule */
    int64_t now;       /* 0: the clock */
    bool no_f2;
} pd_trace_opts;

/* Finds the F1 and F2 of case_id (rules above). Reads the case, households, case_contacts and
 * quarantine_orders from db, presences from t. No scope check: callers check the case first.
 * Free the result with pd_trace_result_free. PD_ENOTFOUND for a missing case. */
int pd_trace_run(pd_tracer *t, sqlite3 *db, int64_t case_id, const pd_trace_opts *opts,
                 pd_trace_result *out, pd_err *err);
void pd_trace_result_free(pd_trace_result *r);

/* Writes r into contacts (one row per contact, upserted: a contact never disappears, its level
 * may rise from 2 to 1, its evidence is replaced) and gives each new F1 a pending quarantine order
 * per the rules in force on its exposure date (quarantine.h) unless the person already has an
 * order for this case; sets cases.traced_at. One transaction. *added counts new contacts. */
int pd_trace_save(sqlite3 *db, const pd_actor *actor, const pd_trace_result *r, int64_t *added,
                  pd_err *err);

struct pd_source;

/* ---- The process's shared tracer ---------------------------------------------------------
 * The server (and the CLI) keep one tracer for the database they serve, built on first use over
 * the check-ins of the last PD_TRACE_HORIZON_DAYS days (further back when a case's window needs
 * it) and refreshed before every trace. */

#define PD_TRACE_HORIZON_DAYS 45

/* Refreshes (building on first use) the shared tracer of db's file, runs case_id and, when save,
 * saves the result (pd_trace_save). The caller has checked the case is in its scope. *added may
 * be NULL. */
int pd_trace_case_now(sqlite3 *db, const pd_actor *actor, int64_t case_id,
                      const pd_trace_opts *opts, bool save, pd_trace_result *out, int64_t *added,
                      pd_err *err);
/* pd_trace_sources on the shared tracer of db's file, brought up to date first. */
int pd_trace_sources_now(sqlite3 *db, int64_t case_id, struct pd_source *out, size_t cap, size_t *n,
                         pd_err *err);
/* Frees the shared tracer (at server shutdown, and in tests). */
void pd_trace_shared_close(void);

/* ---- Possible sources --------------------------------------------------------------------- */

typedef struct pd_source { /* a case that may have infected another */
    int64_t case_id, person_id;
    int64_t shared_seconds; /* total overlap with that case's infectious presences */
    int episodes;           /* venue overlaps counted */
    bool household;         /* same household */
    bool listed_contact;    /* the new case is an F1/F2 of that case */
    double score;
} pd_source;

/* Ranks other cases as the likely source of case_id by what its person shared with them in the
 * 14 days before its onset (or sample) date, while they were infectious (their window): living in
 * the same household first, then being their saved contact, then total overlap at venues. Only
 * cases whose window starts before this case's onset count. At most cap sources into out, best
 * first; *n their number. */
int pd_trace_sources(pd_tracer *t, sqlite3 *db, int64_t case_id, pd_source *out, size_t cap,
                     size_t *n, pd_err *err);

#endif
