/* Login rate limiting: counts failed logins per username and per client address in a fixed window,
 * in a small open-addressing table guarded by a mutex. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "base/text.h"

#define SLOTS 4096

typedef struct slot {
    char key[96];
    int failures;
    int64_t window_start;
} slot;

static slot table[SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t hash_key(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static bool expired(const slot *s, int64_t now)
{
    return s->key[0] == '\0' || now - s->window_start >= PD_LOGIN_WINDOW;
}

/* Finds the slot for key, claiming a free or expired one if absent; when every slot of the probe run
 * is live, the one with the fewest failures is reused, but never a locked-out one (that would lift
 * the lockout). NULL if the run is all locked out: the caller then refuses, failing closed. */
static slot *find(const char *key, int64_t now)
{
    uint32_t h = hash_key(key);
    slot *victim = NULL;
    for (int i = 0; i < 16; i++) {
        slot *s = &table[(h + (uint32_t)i) % SLOTS];
        if (strcmp(s->key, key) == 0)
            return s;
        if (expired(s, now)) {
            if (!victim || !expired(victim, now))
                victim = s;
        } else if (s->failures < PD_LOGIN_MAX_FAILURES &&
                   (!victim || (!expired(victim, now) && s->failures < victim->failures))) {
            victim = s;
        }
    }
    if (!victim)
        return NULL;
    pd_strlcpy(victim->key, key, sizeof victim->key);
    victim->failures = 0;
    victim->window_start = now;
    return victim;
}

static int wait_for(const char *key, int64_t now)
{
    slot *s = find(key, now);
    if (!s)
        return PD_LOGIN_WINDOW;
    if (now - s->window_start >= PD_LOGIN_WINDOW) {
        s->failures = 0;
        s->window_start = now;
    }
    if (s->failures < PD_LOGIN_MAX_FAILURES)
        return 0;
    return (int)(s->window_start + PD_LOGIN_WINDOW - now);
}

static void keys(const char *username, const char *ip, char *ku, char *ki, size_t cap)
{
    char folded[64];
    pd_strlcpy(folded, username, sizeof folded);
    for (char *c = folded; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    snprintf(ku, cap, "u:%s", folded);
    snprintf(ki, cap, "i:%s", ip ? ip : "");
}

int pd_login_throttle_check(const char *username, const char *ip, int64_t now)
{
    char ku[96], ki[96];
    keys(username, ip, ku, ki, sizeof ku);
    pthread_mutex_lock(&lock);
    int a = wait_for(ku, now), b = wait_for(ki, now);
    pthread_mutex_unlock(&lock);
    return a > b ? a : b;
}

void pd_login_throttle_record(const char *username, const char *ip, bool success, int64_t now)
{
    char ku[96], ki[96];
    keys(username, ip, ku, ki, sizeof ku);
    pthread_mutex_lock(&lock);
    slot *u = find(ku, now), *i = success ? NULL : find(ki, now);
    if (success && u)
        u->failures = 0; /* a good login clears the account's count, not the address's */
    if (!success && u)
        u->failures++;
    if (i)
        i->failures++;
    pthread_mutex_unlock(&lock);
}

void pd_login_throttle_reset(void)
{
    pthread_mutex_lock(&lock);
    memset(table, 0, sizeof table);
    pthread_mutex_unlock(&lock);
}
