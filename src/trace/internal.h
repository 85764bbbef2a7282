/* The tracer's index, shared by the files of src/trace/: presences by venue and by person in
 * compressed rows (base, built by a scan), plus a small sorted delta of check-ins added since. */
#ifndef PD_TRACE_INTERNAL_H
#define PD_TRACE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "trace/trace.h"

/* One presence: [in, out) in Unix seconds; other = the person (by venue) or the venue (by
 * person). */
typedef struct pd_presence {
    uint32_t in, out, other;
} pd_presence;

/* A presence with its key (the venue or the person), for the delta. */
typedef struct pd_keyed_presence {
    uint32_t key;
    pd_presence p;
} pd_keyed_presence;

/* Rows keyed by a dense id: the presences of key k are items[offsets[k] .. offsets[k + 1]),
 * sorted by in. */
typedef struct pd_rows {
    uint64_t *offsets; /* keys + 1 */
    uint32_t keys;
    pd_presence *items;
    uint64_t count;
} pd_rows;

/* A visit without check-out when indexed, whose end may still be written. */
typedef struct pd_open_visit {
    int64_t id;
    uint32_t venue, person, in;
} pd_open_visit;

struct pd_tracer {
    pthread_rwlock_t lock;
    int64_t since;
    int64_t max_id; /* the largest check-in id indexed */
    pd_rows by_venue, by_person;
    uint32_t *venue_max_len; /* by venue: the longest presence, bounds a scan's start */
    uint32_t *stay_seconds;  /* by venue id: how long a visit without check-out lasts */
    uint32_t stay_keys;
    pd_keyed_presence *delta_venue, *delta_person; /* sorted by (key, in) */
    size_t delta_count, delta_cap;
    uint32_t delta_max_len;
    pd_open_visit *open;
    size_t open_count, open_cap;
    double build_ms;
};

/* The presences of one key: the base row and the delta's. */
typedef struct pd_span {
    const pd_presence *base;
    size_t base_count;
    const pd_keyed_presence *delta;
    size_t delta_count;
} pd_span;

pd_span pd_tracer_venue(const pd_tracer *t, uint32_t venue);
pd_span pd_tracer_person(const pd_tracer *t, uint32_t person);
/* The longest presence at a venue (base and delta). */
uint32_t pd_tracer_venue_max_len(const pd_tracer *t, uint32_t venue);

typedef void (*pd_overlap_cb)(void *ctx, uint32_t person, uint32_t venue, int64_t start,
                              int64_t end);
/* Calls hit for every presence at venue (but skip_person's) whose overlap [start, end) with
 * [from, to) lasts at least min_len seconds (>= 1). Call with t->lock held for reading. */
void pd_tracer_overlaps(const pd_tracer *t, uint32_t venue, int64_t from, int64_t to,
                        int64_t min_len, int64_t skip_person, pd_overlap_cb hit, void *ctx);


#endif
