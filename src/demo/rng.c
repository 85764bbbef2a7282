/* The demo builder's own random numbers: xoshiro256** seeded with splitmix64, so that a seed gives
 * the same data on every machine, plus a keyed Feistel permutation for collision-free identity
 * numbers. */
#include "demo/demo_internal.h"

#include <math.h>

uint64_t demo_mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

void demo_rng_seed(demo_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        r->s[i] = demo_mix64(x);
        x += 0x9E3779B97F4A7C15u;
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t demo_rng_next(demo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double demo_rng_unit(demo_rng *r)
{
    return (double)(demo_rng_next(r) >> 11) * 0x1.0p-53;
}

int demo_rng_below(demo_rng *r, int n)
{
    if (n <= 1)
        return 0;
    int v = (int)(demo_rng_unit(r) * n);
    return v < n ? v : n - 1;
}

int demo_rng_range(demo_rng *r, int lo, int hi)
{
    return hi <= lo ? lo : lo + demo_rng_below(r, hi - lo + 1);
}

bool demo_rng_chance(demo_rng *r, double p)
{
    return demo_rng_unit(r) < p;
}

int demo_rng_weighted(demo_rng *r, const int *weights, int n)
{
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += weights[i];
    int64_t x = (int64_t)(demo_rng_unit(r) * (double)total);
    for (int i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return n - 1;
}

/* Four Feistel rounds over [0, m*m), m = ceil(sqrt(n)); values at or above n are walked on (cycle
 * walking), which keeps the map a bijection of [0, n). */
static uint32_t feistel(uint32_t v, uint32_t m, uint64_t key)
{
    uint32_t left = v / m, right = v % m;
    for (uint64_t round = 0; round < 4; round++) {
        uint32_t f = (uint32_t)(demo_mix64(key ^ (round << 56) ^ right) % m);
        uint32_t next = (left + f) % m;
        left = right;
        right = next;
    }
    return left * m + right;
}

uint32_t demo_permute(uint32_t k, uint32_t n, uint64_t key)
{
    uint32_t m = (uint32_t)ceil(sqrt((double)n));
    while ((uint64_t)m * m < n)
        m++;
    uint32_t v = k;
    do
        v = feistel(v, m, key);
    while (v >= n);
    return v;
}
