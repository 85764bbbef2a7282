/* Per-client rate limits for the public pages (declaration form, check-in): a token bucket per key
 * (usually "<what>:<client address>") in a fixed-size table. Thread-safe, in memory, no allocation per
 * request. When the table is full, the bucket closest to full is reused: it belongs to the client that
 * has been limited least. */
#ifndef PD_RATELIMIT_H
#define PD_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct pd_ratelimit pd_ratelimit;

/* Refills per_second tokens a second, up to burst; slots is the table size (rounded up to 2^n). */
pd_ratelimit *pd_ratelimit_new(double per_second, double burst, size_t slots);
void pd_ratelimit_free(pd_ratelimit *rl);

/* Takes one token from key's bucket at time now (seconds, any monotonic origin); false if empty. */
bool pd_ratelimit_take(pd_ratelimit *rl, const char *key, double now);

/* Seconds since an arbitrary origin, from CLOCK_MONOTONIC. */
double pd_monotonic_seconds(void);

#endif
