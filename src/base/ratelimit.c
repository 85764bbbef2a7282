/* Token buckets keyed by string in an open-addressing table guarded by one mutex (see ratelimit.h). */
#include "base/ratelimit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/text.h"

#define KEY_MAX 80
#define PROBES 8

typedef struct bucket {
    char key[KEY_MAX];
    double tokens;
    double at; /* when tokens was last brought up to date */
} bucket;

struct pd_ratelimit {
    pthread_mutex_t lock;
    double per_second, burst;
    size_t mask;
    bucket *slots;
};

pd_ratelimit *pd_ratelimit_new(double per_second, double burst, size_t slots)
{
    size_t n = 16;
    while (n < slots)
        n <<= 1;
    pd_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    rl->slots = calloc(n, sizeof *rl->slots);
    if (!rl->slots) {
        free(rl);
        return NULL;
    }
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_second = per_second;
    rl->burst = burst;
    rl->mask = n - 1;
    return rl;
}

void pd_ratelimit_free(pd_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->slots);
    free(rl);
}

static uint64_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *c = (const unsigned char *)key; *c; c++)
        h = (h ^ *c) * 1099511628211ULL;
    return h;
}

static double level_now(const pd_ratelimit *rl, const bucket *b, double now)
{
    double t = b->tokens + (now - b->at) * rl->per_second;
    return t > rl->burst ? rl->burst : t;
}

/* The key's bucket, or the slot to (re)use for it: an empty one, else the fullest in the probe run. */
static bucket *find_slot(pd_ratelimit *rl, const char *key, double now, bool *fresh)
{
    uint64_t h = hash_key(key);
    bucket *victim = NULL;
    double victim_level = -1;
    for (size_t i = 0; i < PROBES; i++) {
        bucket *b = &rl->slots[(h + i) & rl->mask];
        if (!b->key[0] || strcmp(b->key, key) == 0) {
            *fresh = !b->key[0];
            return b;
        }
        double level = level_now(rl, b, now);
        if (level > victim_level) {
            victim = b;
            victim_level = level;
        }
    }
    *fresh = true;
    return victim;
}

bool pd_ratelimit_take(pd_ratelimit *rl, const char *key, double now)
{
    pthread_mutex_lock(&rl->lock);
    bool fresh;
    bucket *b = find_slot(rl, key, now, &fresh);
    if (fresh) {
        pd_strlcpy(b->key, key, sizeof b->key);
        b->tokens = rl->burst;
    } else {
        b->tokens = level_now(rl, b, now);
    }
    b->at = now;
    bool allowed = b->tokens >= 1.0;
    if (allowed)
        b->tokens -= 1.0;
    pthread_mutex_unlock(&rl->lock);
    return allowed;
}

double pd_monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
