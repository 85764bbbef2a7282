/* One trace: the F1 and F2 of a case, with their evidence, by the rules in trace.h. Presences
 * come from the tracer's index; the case, households, contacts added by hand and quarantine
 * orders from the database. Contacts accumulate in an array indexed by person id (ids are dense
 * rowids); evidence in one vector, ordered by contact at the end. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "store/db.h"
#include "trace/internal.h"

typedef struct acc_contact {
    int64_t person_id;
    int64_t via, exposure, last_exposure;
    uint32_t total;
    uint32_t order; /* position in the result */
    uint8_t kept;
    uint8_t level;
    bool household; /* has household evidence */
} acc_contact;

typedef struct acc_evidence {
    uint32_t owner; /* index into contacts */
    uint32_t seq;   /* insertion order, to keep it within a contact */
    pd_evidence e;
} acc_evidence;

typedef struct trace_acc {
    acc_contact *contacts;
    size_t count, cap;
    uint32_t *index_of; /* by person id: contact index + 1, 0 none (ids are dense rowids) */
    size_t index_cap;
    acc_evidence *evidence;
    size_t ev_count, ev_cap;
    int64_t case_person;
    int min_overlap;
    bool failed;
} trace_acc;

#define INDEX_MAX ((size_t)1 << 32) /* person ids the index can hold */

static bool grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t cap2 = *cap ? *cap * 2 : 64;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*items, cap2 * size);
    if (!p)
        return false;
    *items = p;
    *cap = cap2;
    return true;
}

/* Makes index_of hold person; new entries are zero. */
static bool reach(trace_acc *a, int64_t person)
{
    if ((size_t)person < a->index_cap)
        return true;
    if (person < 0 || (size_t)person >= INDEX_MAX)
        return false;
    size_t cap = a->index_cap ? a->index_cap : 1024;
    while (cap <= (size_t)person)
        cap *= 2;
    uint32_t *p = realloc(a->index_of, cap * sizeof *p);
    if (!p)
        return false;
    memset(p + a->index_cap, 0, (cap - a->index_cap) * sizeof *p);
    a->index_of = p;
    a->index_cap = cap;
    return true;
}

/* The contact of person, or -1. */
static long find_contact(const trace_acc *a, int64_t person)
{
    if (person < 0 || (size_t)person >= a->index_cap || !a->index_of[person])
        return -1;
    return (long)a->index_of[person] - 1;
}

static long add_contact(trace_acc *a, int64_t person, int level)
{
    if (!reach(a, person) ||
        !grow((void **)&a->contacts, &a->cap, a->count + 1, sizeof *a->contacts))
        return -1;
    acc_contact *c = &a->contacts[a->count];
    memset(c, 0, sizeof *c);
    c->person_id = person;
    c->level = (uint8_t)level;
    c->exposure = INT64_MAX;
    c->last_exposure = INT64_MIN;
    a->index_of[person] = (uint32_t)a->count + 1;
    return (long)a->count++;
}

/* Records one piece of evidence that person is a contact at level (1 or 2) via via_person. F2
 * evidence for a person who is the case's person or an F1 is dropped. */
static void evidence(trace_acc *a, int64_t person, int level, const pd_evidence *e)
{
    if (person == a->case_person || a->failed)
        return;
    long i = find_contact(a, person);
    if (i >= 0 && a->contacts[i].level < level)
        return;
    if (i < 0 && (i = add_contact(a, person, level)) < 0) {
        a->failed = true;
        return;
    }
    acc_contact *c = &a->contacts[i];
    if (e->from < c->exposure || (e->from == c->exposure && e->via_person_id < c->via)) {
        c->exposure = e->from;
        c->via = e->via_person_id;
    }
    if (e->to > c->last_exposure)
        c->last_exposure = e->to;
    if (e->kind == PD_EVIDENCE_HOUSEHOLD)
        c->household = true;
    c->total++;
    if (c->kept >= (level == 1 ? PD_TRACE_EVIDENCE_KEPT : PD_TRACE_EVIDENCE_KEPT_F2))
        return;
    if (!grow((void **)&a->evidence, &a->ev_cap, a->ev_count + 1, sizeof *a->evidence)) {
        a->failed = true;
        return;
    }
    a->evidence[a->ev_count] = (acc_evidence){(uint32_t)i, (uint32_t)a->ev_count, *e};
    a->ev_count++;
    c->kept++;
}

/* ---- Presences ---------------------------------------------------------------------------- */

typedef struct venue_hit_ctx {
    trace_acc *acc;
    int level;
    int64_t via;
} venue_hit_ctx;

static void venue_hit(void *vctx, uint32_t other, uint32_t venue, int64_t start, int64_t end)
{
    venue_hit_ctx *c = vctx;
    pd_evidence e = {PD_EVIDENCE_VENUE, venue, start, end, c->via};
    evidence(c->acc, other, c->level, &e);
}

/* People present at venue overlapping [from, to) by at least the minimum: evidence at level via
 * `via`. */
static void scan_venue(const pd_tracer *t, trace_acc *a, uint32_t venue, int64_t from, int64_t to,
                       int level, int64_t via)
{
    venue_hit_ctx ctx = {a, level, via};
    pd_tracer_overlaps(t, venue, from, to, a->min_overlap > 1 ? a->min_overlap : 1, via, venue_hit,
                       &ctx);
}

/* Every presence of person clipped to [from, to), scanned for overlaps. */
static void scan_person(const pd_tracer *t, trace_acc *a, int64_t person, int64_t from, int64_t to,
                        int level)
{
    if (person < 0 || person >= UINT32_MAX || to <= from)
        return;
    pd_span s = pd_tracer_person(t, (uint32_t)person);
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass ? s.delta_count : s.base_count;
        for (size_t i = 0; i < n; i++) {
            const pd_presence *p = pass ? &s.delta[i].p : &s.base[i];
            if ((int64_t)p->in >= to)
                break;
            int64_t start = p->in > from ? p->in : from, end = p->out < to ? p->out : to;
            if (end > start)
                scan_venue(t, a, p->other, start, end, level, person);
        }
    }
}

/* ---- What the database holds -------------------------------------------------------------- */

typedef struct case_row {
    int64_t person_id, window_start, window_end;
} case_row;

static int read_case(sqlite3 *db, int64_t case_id, case_row *c, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT person_id, onset_date, sample_date, infectious_until FROM cases WHERE id = ?",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, case_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        c->person_id = sqlite3_column_int64(st, 0);
        c->window_start = pd_trace_window_start((const char *)sqlite3_column_text(st, 1),
                                                (const char *)sqlite3_column_text(st, 2));
        c->window_end = sqlite3_column_int64(st, 3);
    }
    pd_db_release(st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE)
        return pd_fail(err, PD_ENOTFOUND, "case", "Không tìm thấy ca bệnh");
    return pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

/* The other members of person's household: evidence household over [from, to) via `via`. */
static int household(sqlite3 *db, trace_acc *a, int64_t person, int64_t from, int64_t to, int level,
                     pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "SELECT m.id FROM people p JOIN people m ON m.household_id = p.household_id"
                     " AND m.id <> p.id WHERE p.id = ? ORDER BY m.id",
                     err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, person);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pd_evidence e = {PD_EVIDENCE_HOUSEHOLD, 0, from, to, person};
        evidence(a, sqlite3_column_int64(st, 0), level, &e);
    }
    pd_db_release(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

static int added_contacts(sqlite3 *db, trace_acc *a, int64_t case_id, const case_row *c,
                          pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT person_id, kind, contact_at FROM case_contacts WHERE case_id = ? ORDER BY id",
        err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, case_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        bool at = sqlite3_column_type(st, 2) != SQLITE_NULL;
        pd_evidence e = {strcmp(kind ? kind : "", "declared") == 0 ? PD_EVIDENCE_DECLARED
                                                                   : PD_EVIDENCE_MANUAL,
                         0, at ? sqlite3_column_int64(st, 2) : c->window_start,
                         at ? sqlite3_column_int64(st, 2) : c->window_end, c->person_id};
        evidence(a, sqlite3_column_int64(st, 0), 1, &e);
    }
    pd_db_release(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

/* When the F1's quarantine began (the rule in trace.h), or 0. */
static int quarantine_start(sqlite3 *db, int64_t person, int64_t exposure, int64_t *out,
                            pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "SELECT min(started_at) FROM quarantine_orders WHERE person_id = ?1"
                     " AND status IN ('active','done') AND started_at IS NOT NULL"
                     " AND (ended_at IS NULL OR ended_at > ?2)",
                     err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, exposure);
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    pd_db_release(st);
    return rc == SQLITE_ROW ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

/* ---- The result --------------------------------------------------------------------------- */

/* A contact's sort key: level, then exposure, then person. */
typedef struct order_key {
    int level;
    int64_t exposure, person_id;
    uint32_t index;
} order_key;

static int cmp_order(const void *x, const void *y)
{
    const order_key *a = x, *b = y;
    if (a->level != b->level)
        return a->level - b->level;
    if (a->exposure != b->exposure)
        return a->exposure < b->exposure ? -1 : 1;
    return a->person_id < b->person_id ? -1 : a->person_id > b->person_id;
}

/* Evidence by its contact's position (owner, rewritten before sorting), then as found. */
static int cmp_evidence(const void *x, const void *y)
{
    const acc_evidence *a = x, *b = y;
    if (a->owner != b->owner)
        return a->owner < b->owner ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int finish(trace_acc *a, pd_trace_result *r)
{
    order_key *keys = malloc((a->count ? a->count : 1) * sizeof *keys);
    r->contacts = malloc((a->count ? a->count : 1) * sizeof *r->contacts);
    r->evidence = malloc((a->ev_count ? a->ev_count : 1) * sizeof *r->evidence);
    if (!keys || !r->contacts || !r->evidence) {
        free(keys);
        return -1;
    }
    for (size_t i = 0; i < a->count; i++)
        keys[i] = (order_key){a->contacts[i].level, a->contacts[i].exposure,
                              a->contacts[i].person_id, (uint32_t)i};
    if (a->count)
        qsort(keys, a->count, sizeof *keys, cmp_order);
    for (size_t i = 0; i < a->count; i++)
        a->contacts[keys[i].index].order = (uint32_t)i;
    for (size_t i = 0; i < a->ev_count; i++)
        a->evidence[i].owner = (uint32_t)a->contacts[a->evidence[i].owner].order;
    if (a->ev_count)
        qsort(a->evidence, a->ev_count, sizeof *a->evidence, cmp_evidence);
    size_t ev = 0;
    for (size_t i = 0; i < a->count; i++) {
        const acc_contact *c = &a->contacts[keys[i].index];
        r->contacts[i] = (pd_contact){.person_id = c->person_id,
                                      .level = c->level,
                                      .via_person_id = c->via,
                                      .exposure_at = c->exposure,
                                      .last_exposure_at = c->last_exposure,
                                      .evidence_first = ev,
                                      .evidence_count = c->kept,
                                      .evidence_total = c->total};
        ev += c->kept;
        if (c->level == 1)
            r->f1_count++;
        else
            r->f2_count++;
    }
    for (size_t i = 0; i < a->ev_count; i++)
        r->evidence[i] = a->evidence[i].e;
    r->evidence_count = a->ev_count;
    r->contacts_cap = a->count;
    r->evidence_cap = a->ev_count;
    free(keys);
    return 0;
}

static void acc_free(trace_acc *a)
{
    free(a->contacts);
    free(a->index_of);
    free(a->evidence);
}

/* F2 through each F1, in the order F1 were found (the result does not depend on it). */
static int trace_f2(const pd_tracer *t, sqlite3 *db, trace_acc *a, int64_t now, pd_err *err)
{
    size_t f1 = a->count;
    for (size_t i = 0; i < f1 && !a->failed; i++) {
        acc_contact c = a->contacts[i];
        int64_t q;
        if (quarantine_start(db, c.person_id, c.exposure, &q, err) != 0)
            return err->code;
        int64_t end = q ? q : now;
        if (end <= c.exposure)
            continue;
        if (!c.household && household(db, a, c.person_id, c.exposure, end, 2, err) != 0)
            return err->code;
        scan_person(t, a, c.person_id, c.exposure, end, 2);
    }
    return 0;
}

int pd_trace_run(pd_tracer *t, sqlite3 *db, int64_t case_id, const pd_trace_opts *opts,
                 pd_trace_result *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    case_row c = {0};
    if (read_case(db, case_id, &c, err) != 0)
        return err->code;
    out->case_id = case_id;
    out->case_person_id = c.person_id;
    out->window_start = c.window_start;
    out->window_end = c.window_end;
    trace_acc a = {.case_person = c.person_id, .min_overlap = opts ? opts->min_overlap_s : 0};
    int64_t now = opts && opts->now ? opts->now : pd_now();
    pthread_rwlock_rdlock(&t->lock);
    int rc = household(db, &a, c.person_id, c.window_start, c.window_end, 1, err);
    if (rc == 0)
        scan_person(t, &a, c.person_id, c.window_start, c.window_end, 1);
    if (rc == 0)
        rc = added_contacts(db, &a, case_id, &c, err);
    if (rc == 0 && !(opts && opts->no_f2))
        rc = trace_f2(t, db, &a, now, err);
    pthread_rwlock_unlock(&t->lock);
    if (rc == 0 && (a.failed || finish(&a, out) != 0))
        rc = pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ để truy vết");
    acc_free(&a);
    if (rc != 0)
        pd_trace_result_free(out);
    return rc;
}

void pd_trace_result_free(pd_trace_result *r)
{
    free(r->contacts);
    free(r->evidence);
    memset(r, 0, sizeof *r);
}
