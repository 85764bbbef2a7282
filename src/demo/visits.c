/* The demo's QR check-ins: every venue gets visits on each of the 14 days in its opening hours
 * (fewer at schools and offices at the weekend, more at markets), mostly from residents of its own
 * ward or commune. A visit is closed by the visitor, by staff, or automatically after the venue's
 * usual stay; visits of the last hours are still open. Volumes scale with --scale; rates and hours
 * are assumptions (docs/demo-data.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo/activity.h"
#include "store/db.h"
#include "venues/venues.h"

typedef struct hours {
    const char *kind;
    int open, close;         /* minutes after midnight */
    int visit_lo, visit_hi;  /* minutes */
    double saturday, sunday; /* busy-ness against a weekday */
} hours;

static const hours kinds[] = {
    {"market", 330, 1080, 15, 90, 1.1, 1.2},         {"supermarket", 420, 1260, 10, 45, 1.2, 1.3},
    {"bus_station", 300, 1080, 20, 90, 1.2, 1.3},    {"school", 390, 1020, 30, 480, 0.3, 0.05},
    {"hospital", 360, 1140, 30, 240, 0.7, 0.5},      {"office", 450, 1020, 15, 240, 0.2, 0.05},
    {"factory", 420, 1020, 240, 600, 0.6, 0.3},      {"restaurant", 600, 1320, 30, 90, 1.3, 1.4},
    {"accommodation", 720, 1380, 30, 120, 1.2, 1.2}, {"sports", 960, 1260, 60, 120, 1.4, 1.6},
    {"other", 420, 1200, 30, 120, 1.0, 1.0},
};

static const hours *hours_of(const char *kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return &kinds[i];
    return &kinds[sizeof kinds / sizeof kinds[0] - 1];
}

static int stay_minutes(const char *kind)
{
    const pd_venue_kind *k = pd_venue_kind_find(kind);
    return k ? k->stay_minutes : 120;
}

/* A visitor aged 12 or more: from the venue's own commune two times in three. */
static int64_t visitor(demo_world *w, int commune)
{
    int c = commune;
    if (!w->by_commune_n[c] || demo_rng_chance(&w->rng, 0.35))
        c = demo_rng_below(&w->rng, w->ncommunes);
    for (int tries = 0; !w->by_commune_n[c] && tries < w->ncommunes; tries++)
        c = (c + 1) % w->ncommunes;
    if (!w->by_commune_n[c])
        return 0;
    size_t i = w->by_commune[c][(size_t)(demo_rng_unit(&w->rng) * (double)w->by_commune_n[c])];
    return w->residents[i].id;
}

typedef struct visit {
    int64_t person, in_at, out_at;
    int flags;
} visit;

/* How the visit ended: out by the visitor, by staff, automatically, or not yet. */
static void close_visit(demo_world *w, const hours *h, int stay, visit *v)
{
    int64_t length = 60 * (int64_t)demo_rng_range(&w->rng, h->visit_lo, h->visit_hi);
    double u = demo_rng_unit(&w->rng);
    v->flags = 0;
    if (u < 0.35) {
        v->out_at = v->in_at + 60 * (int64_t)stay;
        v->flags = PD_CHECKIN_AUTO_OUT;
    } else {
        v->out_at = v->in_at + length;
        v->flags = u < 0.45 ? PD_CHECKIN_BY_STAFF : 0;
    }
    if (v->out_at > w->now) { /* still inside */
        v->out_at = 0;
        v->flags &= PD_CHECKIN_BY_STAFF;
    }
}

static int insert_visit(demo_world *w, sqlite3_stmt *st, int64_t venue, const visit *v)
{
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, venue);
    sqlite3_bind_int64(st, 2, v->person);
    sqlite3_bind_int64(st, 3, v->in_at);
    if (v->out_at)
        sqlite3_bind_int64(st, 4, v->out_at);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_int(st, 5, v->flags);
    if (sqlite3_step(st) != SQLITE_DONE)
        return pd_db_error(w->db, w->err);
    w->out->checkins++;
    return PD_OK;
}

static int by_in_at(const void *a, const void *b)
{
    const visit *x = a, *y = b;
    return x->in_at < y->in_at ? -1 : x->in_at > y->in_at;
}

/* One venue's visits on one day, written in time order. */
static int venue_day(demo_world *w, sqlite3_stmt *st, const demo_venue *v, int64_t day, visit **buf,
                     size_t *cap)
{
    const hours *h = hours_of(v->kind);
    int wd = demo_weekday(day);
    double busy = wd == 0 ? h->sunday : wd == 6 ? h->saturday : 1.0;
    double mean = v->per_day * w->scale * busy * (0.85 + 0.3 * demo_rng_unit(&w->rng));
    size_t n = (size_t)llround(mean);
    if (n > *cap) {
        *cap = n;
        visit *p = realloc(*buf, n * sizeof *p);
        if (!p)
            abort();
        *buf = p;
    }
    int64_t start = demo_day_start(day);
    int stay = stay_minutes(v->kind);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        visit *x = &(*buf)[m];
        x->in_at = start + 60 * (int64_t)demo_rng_range(&w->rng, h->open, h->close - 1) +
                   demo_rng_below(&w->rng, 60);
        x->person = visitor(w, v->commune);
        if (x->in_at > w->now || !x->person)
            continue;
        close_visit(w, h, stay, x);
        m++;
    }
    qsort(*buf, m, sizeof **buf, by_in_at);
    int rc = PD_OK;
    for (size_t i = 0; i < m && rc == PD_OK; i++)
        rc = insert_visit(w, st, v->id, &(*buf)[i]);
    return rc;
}

int demo_visits_write(demo_world *w)
{
    sqlite3_stmt *st =
        pd_db_prepare(w->db,
                      "INSERT INTO checkins(venue_id, person_id, in_at, out_at, flags)"
                      " VALUES (?,?,?,?,?)",
                      w->err);
    if (!st)
        return PD_EDB;
    visit *buf = NULL;
    size_t cap = 0;
    int rc = PD_OK;
    for (int64_t day = w->today - (DEMO_DAYS - 1); day <= w->today && rc == PD_OK; day++)
        for (int i = 0; i < w->nvenues && rc == PD_OK; i++)
            rc = venue_day(w, st, &w->venues[i], day, &buf, &cap);
    free(buf);
    sqlite3_finalize(st);
    return rc;
}
