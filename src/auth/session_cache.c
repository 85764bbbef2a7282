/* The in-memory session cache of session_cache.h: a direct-mapped table of 1024 entries keyed by a
 * BLAKE2b digest of the cookie (a colliding session just evicts the other, which is then read from
 * the database again), one mutex, and an epoch counter bumped by every drop. */
#include "auth/session_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "base/text.h"

#define SLOTS 1024

typedef struct entry {
    bool used;
    unsigned char key[crypto_generichash_BYTES];
    pd_actor actor;
    char csrf[65];
    int64_t expires_at; /* the session's, Unix seconds */
    int64_t checked_ms; /* monotonic time at which the database confirmed it */
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry slots[SLOTS];
static uint64_t epoch; /* guarded by lock */
static atomic_bool enabled;

void pd_session_cache_enable(bool on)
{
    pd_session_cache_clear();
    atomic_store(&enabled, on);
}

bool pd_session_cache_enabled(void)
{
    return atomic_load_explicit(&enabled, memory_order_relaxed);
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The digest of token and the slot it maps to. */
static entry *slot_of(const char *token, unsigned char key[crypto_generichash_BYTES])
{
    crypto_generichash(key, crypto_generichash_BYTES, (const unsigned char *)token, strlen(token),
                       NULL, 0);
    uint32_t h;
    memcpy(&h, key, sizeof h);
    return &slots[h % SLOTS];
}

static bool same_key(const entry *e, const unsigned char key[crypto_generichash_BYTES])
{
    return e->used && sodium_memcmp(e->key, key, crypto_generichash_BYTES) == 0;
}

bool pd_session_cache_get(const char *token, int64_t now, pd_actor *actor, char csrf[65])
{
    if (!pd_session_cache_enabled())
        return false;
    unsigned char key[crypto_generichash_BYTES];
    entry *e = slot_of(token, key);
    int64_t ms = monotonic_ms();
    bool hit = false;
    pthread_mutex_lock(&lock);
    if (same_key(e, key)) {
        if (now >= e->expires_at) {
            e->used = false; /* expired: gone for good */
        } else if (ms >= e->checked_ms && ms - e->checked_ms < PD_SESSION_RECHECK_MS) {
            *actor = e->actor;
            memcpy(csrf, e->csrf, 65);
            hit = true;
        }
    }
    pthread_mutex_unlock(&lock);
    return hit;
}

uint64_t pd_session_cache_epoch(void)
{
    pthread_mutex_lock(&lock);
    uint64_t v = epoch;
    pthread_mutex_unlock(&lock);
    return v;
}

void pd_session_cache_put(const char *token, const pd_actor *actor, const char csrf[65],
                          int64_t expires_at, uint64_t read_epoch)
{
    if (!pd_session_cache_enabled())
        return;
    unsigned char key[crypto_generichash_BYTES];
    entry *e = slot_of(token, key);
    int64_t ms = monotonic_ms();
    pthread_mutex_lock(&lock);
    if (epoch == read_epoch) {
        e->used = true;
        memcpy(e->key, key, sizeof e->key);
        e->actor = *actor;
        e->actor.ip[0] = '\0'; /* the address belongs to the request, not the session */
        pd_strlcpy(e->csrf, csrf, sizeof e->csrf);
        e->expires_at = expires_at;
        e->checked_ms = ms;
    }
    pthread_mutex_unlock(&lock);
}

void pd_session_cache_forget(const char *token)
{
    unsigned char key[crypto_generichash_BYTES];
    entry *e = slot_of(token, key);
    pthread_mutex_lock(&lock);
    if (same_key(e, key))
        e->used = false;
    epoch++; /* also refuses what a lookup already under way would store */
    pthread_mutex_unlock(&lock);
}

void pd_session_cache_forget_user(int64_t user_id)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].used && slots[i].actor.user_id == user_id)
            slots[i].used = false;
    epoch++;
    pthread_mutex_unlock(&lock);
}

void pd_session_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < SLOTS; i++)
        slots[i].used = false;
    epoch++;
    pthread_mutex_unlock(&lock);
}
