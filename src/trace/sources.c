/* Possible sources of a case: the other cases its person shared a household with, was listed as
 * a contact of, or met at venues while they were infectious, in the 14 days before its onset (or
 * sample). Score: household 1000, listed contact 500, then one point per shared minute and ten per
 * venue episode. */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "trace/internal.h"

#define LOOKBACK_SECONDS (14 * 86400)

typedef struct candidate {
    int64_t person_id, window_start, window_end;
    pd_source s;
} candidate;

typedef struct candidates {
    candidate *items;
    size_t count, cap;
    int64_t from, to; /* the case's exposure period */
} candidates;

static int load_candidates(sqlite3 *db, int64_t case_id, candidates *c, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_prepare(db,
                      "SELECT id, person_id, onset_date, sample_date, infectious_until FROM cases"
                      " WHERE id <> ?1 AND infectious_until > ?2 ORDER BY person_id",
                      err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, case_id);
    sqlite3_bind_int64(st, 2, c->from);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t ws = pd_trace_window_start((const char *)sqlite3_column_text(st, 2),
                                           (const char *)sqlite3_column_text(st, 3));
        if (ws >= c->to)
            continue;
        if (c->count == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 64;
            candidate *p = realloc(c->items, cap * sizeof *p);
            if (!p)
                break;
            c->items = p;
            c->cap = cap;
        }
        candidate *k = &c->items[c->count++];
        memset(k, 0, sizeof *k);
        k->person_id = sqlite3_column_int64(st, 1);
        k->window_start = ws;
        k->window_end = sqlite3_column_int64(st, 4);
        k->s.case_id = sqlite3_column_int64(st, 0);
        k->s.person_id = k->person_id;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

/* The first candidate of person (they are sorted by person), or count. */
static size_t first_of(const candidates *c, int64_t person)
{
    size_t lo = 0, hi = c->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->items[mid].person_id < person)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void venue_met(void *vctx, uint32_t person, uint32_t venue, int64_t start, int64_t end)
{
    (void)venue;
    candidates *c = vctx;
    for (size_t i = first_of(c, person); i < c->count && c->items[i].person_id == person; i++) {
        candidate *k = &c->items[i];
        int64_t a = start > k->window_start ? start : k->window_start;
        int64_t b = end < k->window_end ? end : k->window_end;
        if (b > a) {
            k->s.episodes++;
            k->s.shared_seconds += b - a;
        }
    }
}

/* Marks candidates whose person is in rows of a one-column query bound to `id`. */
static int mark(sqlite3 *db, const char *sql, int64_t id, candidates *c, bool household,
                pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t v = sqlite3_column_int64(st, 0);
        for (size_t i = 0; i < c->count; i++) {
            if (household && c->items[i].person_id == v)
                c->items[i].s.household = true;
            if (!household && c->items[i].s.case_id == v)
                c->items[i].s.listed_contact = true;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

static int cmp_score(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    if (a->s.score != b->s.score)
        return a->s.score > b->s.score ? -1 : 1;
    return a->s.case_id < b->s.case_id ? -1 : a->s.case_id > b->s.case_id;
}

static int case_period(sqlite3 *db, int64_t case_id, int64_t *person, candidates *c, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_prepare(db, "SELECT person_id, onset_date, sample_date FROM cases WHERE id = ?", err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, case_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *person = sqlite3_column_int64(st, 0);
        c->to = pd_trace_window_start((const char *)sqlite3_column_text(st, 1),
                                      (const char *)sqlite3_column_text(st, 2)) +
                2 * 86400;
        c->from = c->to - LOOKBACK_SECONDS;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return pd_fail(err, PD_ENOTFOUND, "case", "Không tìm thấy ca bệnh");
    return rc == SQLITE_ROW ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

static void scan_presences(pd_tracer *t, int64_t person, candidates *c)
{
    if (person < 0 || person >= UINT32_MAX)
        return;
    pthread_rwlock_rdlock(&t->lock);
    pd_span s = pd_tracer_person(t, (uint32_t)person);
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass ? s.delta_count : s.base_count;
        for (size_t i = 0; i < n; i++) {
            const pd_presence *p = pass ? &s.delta[i].p : &s.base[i];
            int64_t a = p->in > c->from ? p->in : c->from, b = p->out < c->to ? p->out : c->to;
            if (b > a)
                pd_tracer_overlaps(t, p->other, a, b, 1, person, venue_met, c);
        }
    }
    pthread_rwlock_unlock(&t->lock);
}

int pd_trace_sources(pd_tracer *t, sqlite3 *db, int64_t case_id, pd_source *out, size_t cap,
                     size_t *n, pd_err *err)
{
    *n = 0;
    candidates c = {0};
    int64_t person = 0;
    int rc = case_period(db, case_id, &person, &c, err);
    if (rc == 0)
        rc = load_candidates(db, case_id, &c, err);
    if (rc == 0)
        rc = mark(db,
                  "SELECT m.id FROM people p JOIN people m ON m.household_id = p.household_id"
                  " AND m.id <> p.id WHERE p.id = ?",
                  person, &c, true, err);
    if (rc == 0)
        rc = mark(db, "SELECT case_id FROM contacts WHERE person_id = ?", person, &c, false, err);
    if (rc == 0)
        scan_presences(t, person, &c);
    size_t kept = 0;
    for (size_t i = 0; rc == 0 && i < c.count; i++) {
        pd_source *s = &c.items[i].s;
        s->score = (s->household ? 1000.0 : 0) + (s->listed_contact ? 500.0 : 0) +
                   (double)s->shared_seconds / 60.0 + 10.0 * s->episodes;
        if (s->score > 0)
            c.items[kept++] = c.items[i];
    }
    if (kept)
        qsort(c.items, kept, sizeof *c.items, cmp_score);
    for (size_t i = 0; rc == 0 && i < kept && i < cap; i++)
        out[(*n)++] = c.items[i].s;
    free(c.items);
    return rc;
}
