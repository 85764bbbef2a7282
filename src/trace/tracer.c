/* The tracer's check-in index: a scan of checkins builds presences by venue and by person
 * (counting sort into compressed rows, each row sorted by time); refresh adds newer check-ins to a
 * small sorted delta (folded into a rebuild when it grows) and writes the check-outs of visits
 * that were open when indexed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "store/db.h"
#include "trace/internal.h"
#include "venues/venues.h"

#define DELTA_REBUILD_MIN 1000000      /* delta rows before a rebuild... */
#define DELTA_REBUILD_SHARE 8          /* ...or one eighth of the base, whichever is more */
#define OPEN_WATCH_SECONDS (2 * 86400) /* open visits younger than this may still check out */

typedef struct raw_presence {
    uint32_t venue, person, in, out;
} raw_presence;

typedef struct raw_vec {
    raw_presence *items;
    size_t count, cap;
} raw_vec;

static double ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int out_of_memory(pd_err *err)
{
    return pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ cho chỉ mục truy vết");
}

static bool grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t cap2 = *cap ? *cap * 2 : 1024;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*items, cap2 * size);
    if (!p)
        return false;
    *items = p;
    *cap = cap2;
    return true;
}

/* ---- Venue stays -------------------------------------------------------------------------- */

static int load_stays(pd_tracer *t, sqlite3 *db, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT id, kind, coalesce(default_stay_minutes, 0) FROM venues ORDER BY id", err);
    if (!st)
        return err->code;
    free(t->stay_seconds);
    t->stay_seconds = NULL;
    t->stay_keys = 0;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id < 0 || id >= UINT32_MAX)
            continue;
        if (!grow((void **)&t->stay_seconds, &cap, (size_t)id + 1, sizeof(uint32_t))) {
            sqlite3_finalize(st);
            return out_of_memory(err);
        }
        for (uint32_t k = t->stay_keys; k <= (uint32_t)id; k++)
            t->stay_seconds[k] = 0;
        t->stay_keys = (uint32_t)id + 1;
        pd_venue v = {.default_stay_minutes = sqlite3_column_int(st, 2)};
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        snprintf(v.kind, sizeof v.kind, "%s", kind ? kind : "");
        t->stay_seconds[id] = (uint32_t)pd_venue_stay_minutes(&v) * 60u;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

static uint32_t stay_of(const pd_tracer *t, uint32_t venue)
{
    if (venue < t->stay_keys && t->stay_seconds[venue])
        return t->stay_seconds[venue];
    pd_venue v = {0};
    return (uint32_t)pd_venue_stay_minutes(&v) * 60u; /* an unknown venue: the default kind */
}

/* ---- Reading check-ins -------------------------------------------------------------------- */

static int remember_open(pd_tracer *t, int64_t id, const raw_presence *r)
{
    if (!grow((void **)&t->open, &t->open_cap, t->open_count + 1, sizeof *t->open))
        return -1;
    t->open[t->open_count++] =
        (pd_open_visit){.id = id, .venue = r->venue, .person = r->person, .in = r->in};
    return 0;
}

/* Reads check-ins with id > after_id and in_at >= since into out. */
static int read_checkins(pd_tracer *t, sqlite3 *db, int64_t after_id, raw_vec *out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT id, venue_id, person_id, in_at, out_at FROM checkins"
                                     " WHERE id > ?1 AND in_at >= ?2 ORDER BY id",
                                     err);
    if (!st)
        return err->code;
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, t->since);
    int64_t watch_from = pd_now() - OPEN_WATCH_SECONDS;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        int64_t venue = sqlite3_column_int64(st, 1), person = sqlite3_column_int64(st, 2);
        int64_t in = sqlite3_column_int64(st, 3);
        bool open = sqlite3_column_type(st, 4) == SQLITE_NULL;
        if (id > t->max_id)
            t->max_id = id;
        if (venue < 0 || venue >= UINT32_MAX || person < 0 || person >= UINT32_MAX || in < 0 ||
            in >= UINT32_MAX)
            continue;
        int64_t end = open ? in + stay_of(t, (uint32_t)venue) : sqlite3_column_int64(st, 4);
        if (end > UINT32_MAX - 1)
            end = UINT32_MAX - 1;
        raw_presence r = {(uint32_t)venue, (uint32_t)person, (uint32_t)in, (uint32_t)end};
        if (open && in >= watch_from && remember_open(t, id, &r) != 0)
            break;
        if (end <= in)
            continue; /* no presence */
        if (!grow((void **)&out->items, &out->cap, out->count + 1, sizeof *out->items))
            break;
        out->items[out->count++] = r;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return out_of_memory(err);
    return rc == SQLITE_DONE ? 0 : pd_fail(err, PD_EDB, "", "%s", sqlite3_errmsg(db));
}

/* ---- The base rows ------------------------------------------------------------------------ */

static int cmp_presence(const void *a, const void *b)
{
    const pd_presence *x = a, *y = b;
    if (x->in != y->in)
        return x->in < y->in ? -1 : 1;
    return x->other < y->other ? -1 : x->other > y->other;
}

static void sort_row(pd_presence *items, uint64_t n)
{
    for (uint64_t i = 1; i < n; i++)
        if (cmp_presence(&items[i - 1], &items[i]) > 0) {
            qsort(items, (size_t)n, sizeof *items, cmp_presence);
            return;
        }
}

static void rows_free(pd_rows *r)
{
    free(r->offsets);
    free(r->items);
    memset(r, 0, sizeof *r);
}

/* Counting sort of raw into rows keyed by venue (by_venue) or by person. */
static int rows_build(pd_rows *r, const raw_vec *raw, bool by_venue)
{
    uint32_t keys = 0;
    for (size_t i = 0; i < raw->count; i++) {
        uint32_t k = by_venue ? raw->items[i].venue : raw->items[i].person;
        if (k + 1 > keys)
            keys = k + 1;
    }
    r->keys = keys;
    r->count = raw->count;
    r->offsets = calloc((size_t)keys + 1, sizeof *r->offsets);
    r->items = malloc((raw->count ? raw->count : 1) * sizeof *r->items);
    if (!r->offsets || !r->items)
        return -1;
    for (size_t i = 0; i < raw->count; i++)
        r->offsets[(by_venue ? raw->items[i].venue : raw->items[i].person) + 1]++;
    for (uint32_t k = 0; k < keys; k++)
        r->offsets[k + 1] += r->offsets[k];
    uint64_t *fill = malloc(((size_t)keys + 1) * sizeof *fill);
    if (!fill)
        return -1;
    memcpy(fill, r->offsets, ((size_t)keys + 1) * sizeof *fill);
    for (size_t i = 0; i < raw->count; i++) {
        const raw_presence *p = &raw->items[i];
        uint32_t k = by_venue ? p->venue : p->person;
        r->items[fill[k]++] = (pd_presence){p->in, p->out, by_venue ? p->person : p->venue};
    }
    free(fill);
    for (uint32_t k = 0; k < keys; k++)
        sort_row(r->items + r->offsets[k], r->offsets[k + 1] - r->offsets[k]);
    return 0;
}

static int max_lengths(pd_tracer *t)
{
    free(t->venue_max_len);
    t->venue_max_len = calloc((size_t)t->by_venue.keys + 1, sizeof *t->venue_max_len);
    if (!t->venue_max_len)
        return -1;
    for (uint32_t v = 0; v < t->by_venue.keys; v++)
        for (uint64_t i = t->by_venue.offsets[v]; i < t->by_venue.offsets[v + 1]; i++) {
            uint32_t len = t->by_venue.items[i].out - t->by_venue.items[i].in;
            if (len > t->venue_max_len[v])
                t->venue_max_len[v] = len;
        }
    return 0;
}

static void delta_clear(pd_tracer *t)
{
    free(t->delta_venue);
    free(t->delta_person);
    t->delta_venue = t->delta_person = NULL;
    t->delta_count = t->delta_cap = 0;
    t->delta_max_len = 0;
}

/* Reads everything again: base rows from scratch, no delta. */
static int rebuild(pd_tracer *t, sqlite3 *db, pd_err *err)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rows_free(&t->by_venue);
    rows_free(&t->by_person);
    delta_clear(t);
    t->open_count = 0;
    t->max_id = 0;
    if (load_stays(t, db, err) != 0)
        return err->code;
    raw_vec raw = {0};
    if (read_checkins(t, db, 0, &raw, err) != 0) {
        free(raw.items);
        return err->code;
    }
    int rc = rows_build(&t->by_venue, &raw, true) || rows_build(&t->by_person, &raw, false) ||
             max_lengths(t);
    free(raw.items);
    if (rc)
        return out_of_memory(err);
    t->build_ms = ms_since(&t0);
    return 0;
}

int pd_tracer_open(sqlite3 *db, int64_t since, pd_tracer **out, pd_err *err)
{
    pd_tracer *t = calloc(1, sizeof *t);
    if (!t)
        return out_of_memory(err);
    pthread_rwlock_init(&t->lock, NULL);
    t->since = since > 0 ? since : 0;
    if (rebuild(t, db, err) != 0) {
        pd_tracer_close(t);
        return err->code;
    }
    *out = t;
    return 0;
}

void pd_tracer_close(pd_tracer *t)
{
    if (!t)
        return;
    rows_free(&t->by_venue);
    rows_free(&t->by_person);
    delta_clear(t);
    free(t->venue_max_len);
    free(t->stay_seconds);
    free(t->open);
    pthread_rwlock_destroy(&t->lock);
    free(t);
}

/* ---- The delta ---------------------------------------------------------------------------- */

static int cmp_keyed(const void *a, const void *b)
{
    const pd_keyed_presence *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return cmp_presence(&x->p, &y->p);
}

static int delta_add(pd_tracer *t, const raw_vec *raw)
{
    size_t need = t->delta_count + raw->count;
    size_t cap = t->delta_cap;
    if (!grow((void **)&t->delta_venue, &cap, need, sizeof *t->delta_venue))
        return -1;
    cap = t->delta_cap;
    if (!grow((void **)&t->delta_person, &cap, need, sizeof *t->delta_person))
        return -1;
    t->delta_cap = cap;
    for (size_t i = 0; i < raw->count; i++) {
        const raw_presence *p = &raw->items[i];
        t->delta_venue[t->delta_count + i] =
            (pd_keyed_presence){p->venue, {p->in, p->out, p->person}};
        t->delta_person[t->delta_count + i] =
            (pd_keyed_presence){p->person, {p->in, p->out, p->venue}};
        if (p->out - p->in > t->delta_max_len)
            t->delta_max_len = p->out - p->in;
    }
    t->delta_count = need;
    qsort(t->delta_venue, t->delta_count, sizeof *t->delta_venue, cmp_keyed);
    qsort(t->delta_person, t->delta_count, sizeof *t->delta_person, cmp_keyed);
    return 0;
}

/* ---- Check-outs of open visits ------------------------------------------------------------ */

static void set_out(pd_presence *items, size_t n, uint32_t in, uint32_t other, uint32_t old_out,
                    uint32_t new_out)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].in == in && items[i].other == other && items[i].out == old_out) {
            items[i].out = new_out;
            return;
        }
}

static void set_out_keyed(pd_keyed_presence *items, size_t n, uint32_t key, uint32_t in,
                          uint32_t other, uint32_t old_out, uint32_t new_out)
{
    for (size_t i = 0; i < n; i++)
        if (items[i].key == key && items[i].p.in == in && items[i].p.other == other &&
            items[i].p.out == old_out) {
            items[i].p.out = new_out;
            return;
        }
}

/* A check-out written for a visit indexed as open: its presence ends at new_out. A check-out
 * that ends the visit at once (new_out <= in) leaves the presence as a zero-length one. */
static void apply_checkout(pd_tracer *t, const pd_open_visit *o, uint32_t new_out)
{
    uint32_t old_out = o->in + stay_of(t, o->venue);
    if (new_out < o->in)
        new_out = o->in;
    if (o->venue < t->by_venue.keys) {
        pd_presence *row = t->by_venue.items + t->by_venue.offsets[o->venue];
        set_out(row, t->by_venue.offsets[o->venue + 1] - t->by_venue.offsets[o->venue], o->in,
                o->person, old_out, new_out);
    }
    if (o->person < t->by_person.keys) {
        pd_presence *row = t->by_person.items + t->by_person.offsets[o->person];
        set_out(row, t->by_person.offsets[o->person + 1] - t->by_person.offsets[o->person], o->in,
                o->venue, old_out, new_out);
    }
    set_out_keyed(t->delta_venue, t->delta_count, o->venue, o->in, o->person, old_out, new_out);
    set_out_keyed(t->delta_person, t->delta_count, o->person, o->in, o->venue, old_out, new_out);
    if (o->venue < t->by_venue.keys && new_out - o->in > t->venue_max_len[o->venue])
        t->venue_max_len[o->venue] = new_out - o->in;
    if (new_out - o->in > t->delta_max_len)
        t->delta_max_len = new_out - o->in;
}

static int watch_open(pd_tracer *t, sqlite3 *db, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "SELECT out_at FROM checkins WHERE id = ?", err);
    if (!st)
        return err->code;
    int64_t watch_from = pd_now() - OPEN_WATCH_SECONDS;
    size_t kept = 0;
    for (size_t i = 0; i < t->open_count; i++) {
        pd_open_visit o = t->open[i];
        sqlite3_bind_int64(st, 1, o.id);
        int rc = sqlite3_step(st);
        bool closed = rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
        int64_t out_at = closed ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (closed && out_at >= 0 && out_at < UINT32_MAX)
            apply_checkout(t, &o, (uint32_t)out_at);
        else if (rc == SQLITE_ROW && o.in >= watch_from)
            t->open[kept++] = o;
    }
    t->open_count = kept;
    pd_db_release(st);
    return 0;
}

int pd_tracer_refresh(pd_tracer *t, sqlite3 *db, pd_err *err)
{
    pthread_rwlock_wrlock(&t->lock);
    int rc = load_stays(t, db, err);
    raw_vec raw = {0};
    if (rc == 0)
        rc = read_checkins(t, db, t->max_id, &raw, err);
    if (rc == 0 && raw.count) {
        size_t limit = (size_t)(t->by_venue.count / DELTA_REBUILD_SHARE);
        if (limit < DELTA_REBUILD_MIN)
            limit = DELTA_REBUILD_MIN;
        if (t->delta_count + raw.count > limit)
            rc = rebuild(t, db, err);
        else if (delta_add(t, &raw) != 0)
            rc = out_of_memory(err);
    }
    free(raw.items);
    if (rc == 0)
        rc = watch_open(t, db, err);
    pthread_rwlock_unlock(&t->lock);
    return rc;
}

/* ---- Reading ------------------------------------------------------------------------------ */

static void delta_range(const pd_keyed_presence *items, size_t n, uint32_t key, pd_span *s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (items[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < n && items[end].key == key)
        end++;
    s->delta = items + lo;
    s->delta_count = end - lo;
}

static pd_span span_of(const pd_rows *r, const pd_keyed_presence *delta, size_t delta_count,
                       uint32_t key)
{
    pd_span s = {0};
    if (key < r->keys) {
        s.base = r->items + r->offsets[key];
        s.base_count = (size_t)(r->offsets[key + 1] - r->offsets[key]);
    }
    delta_range(delta, delta_count, key, &s);
    return s;
}

pd_span pd_tracer_venue(const pd_tracer *t, uint32_t venue)
{
    return span_of(&t->by_venue, t->delta_venue, t->delta_count, venue);
}

pd_span pd_tracer_person(const pd_tracer *t, uint32_t person)
{
    return span_of(&t->by_person, t->delta_person, t->delta_count, person);
}

uint32_t pd_tracer_venue_max_len(const pd_tracer *t, uint32_t venue)
{
    uint32_t base = venue < t->by_venue.keys ? t->venue_max_len[venue] : 0;
    return base > t->delta_max_len ? base : t->delta_max_len;
}

void pd_tracer_overlaps(const pd_tracer *t, uint32_t venue, int64_t from, int64_t to,
                        int64_t min_len, int64_t skip_person, pd_overlap_cb hit, void *ctx)
{
    pd_span s = pd_tracer_venue(t, venue);
    int64_t earliest = from - (int64_t)pd_tracer_venue_max_len(t, venue);
    size_t lo = 0, hi = s.base_count; /* the first presence that may overlap */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((int64_t)s.base[mid].in < earliest)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t pass = 0; pass < 2; pass++) {
        size_t n = pass ? s.delta_count : s.base_count;
        for (size_t i = pass ? 0 : lo; i < n; i++) {
            const pd_presence *p = pass ? &s.delta[i].p : &s.base[i];
            if ((int64_t)p->in >= to)
                break;
            int64_t start = p->in > from ? p->in : from, end = p->out < to ? p->out : to;
            if (end - start >= min_len && (int64_t)p->other != skip_person)
                hit(ctx, p->other, venue, start, end);
        }
    }
}

void pd_tracer_stats_get(pd_tracer *t, pd_tracer_stats *out)
{
    pthread_rwlock_rdlock(&t->lock);
    memset(out, 0, sizeof *out);
    out->presences = (int64_t)(t->by_venue.count + t->delta_count);
    for (uint32_t v = 0; v < t->by_venue.keys; v++)
        out->venues += t->by_venue.offsets[v + 1] > t->by_venue.offsets[v];
    for (uint32_t p = 0; p < t->by_person.keys; p++)
        out->people += t->by_person.offsets[p + 1] > t->by_person.offsets[p];
    out->bytes = sizeof *t +
                 (size_t)(t->by_venue.keys + 1 + t->by_person.keys + 1) * sizeof(uint64_t) +
                 (size_t)(t->by_venue.count + t->by_person.count) * sizeof(pd_presence) +
                 (size_t)(t->by_venue.keys + 1) * sizeof(uint32_t) +
                 (size_t)t->stay_keys * sizeof(uint32_t) +
                 t->delta_cap * 2 * sizeof(pd_keyed_presence) + t->open_cap * sizeof(pd_open_visit);
    out->build_ms = t->build_ms;
    pthread_rwlock_unlock(&t->lock);
}

int64_t pd_trace_window_start(const char *onset_date, const char *sample_date)
{
    pd_date d;
    const char *day = onset_date && *onset_date ? onset_date : sample_date;
    if (!day || !pd_date_parse(day, &d) || d.month == 0)
        return 0;
    return pd_local_midnight(&d) - 2 * 86400;
}
