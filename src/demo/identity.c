/* Identity numbers and phones for the demo population, unique by construction: each number is a
 * per-prefix counter passed through a keyed permutation, so no set of issued numbers is kept. */
#include "demo/demo_internal.h"

#include <stdio.h>

/* Province of birth registration in CCCD numbers: mostly Bắc Kạn (006), some neighbours and Hà Nội.
 */
static const int cccd_origin[DEMO_CCCD_ORIGINS] = {6, 4, 19, 20, 1, 8, 2};
static const int cccd_origin_weight[DEMO_CCCD_ORIGINS] = {88, 3, 3, 2, 2, 1, 1};

/* Mobile prefixes in use in 2021 (Viettel, VinaPhone, MobiFone), weighted by a rough market share.
 */
static const char *const phone_prefix[DEMO_PHONE_PREFIXES] = {
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", /* Viettel */
    "038", "039", "088", "091", "094", "081", "082", "083", "084", "085", /* ... VinaPhone */
    "089", "090", "093", "070", "076", "077", "078", "079",               /* MobiFone */
};
static const int phone_weight[DEMO_PHONE_PREFIXES] = {4, 7, 7, 7, 4, 4, 4, 4, 4, 4, 4, 4, 4, 6,
                                                      5, 3, 3, 3, 3, 3, 2, 4, 3, 2, 1, 1, 1, 1};

#define CMND_PREFIX "095" /* Bắc Kạn on the 9-digit CMND */

void demo_ids_init(demo_ids *ids, uint64_t seed)
{
    ids->key = demo_mix64(seed ^ 0x1D5EEDu);
    for (int o = 0; o < DEMO_CCCD_ORIGINS; o++)
        for (int g = 0; g < 4; g++)
            for (int y = 0; y < 100; y++)
                ids->cccd_next[o][g][y] = 0;
    ids->cmnd_next = 0;
    for (int i = 0; i < DEMO_PHONE_PREFIXES; i++)
        ids->phone_next[i] = 0;
}

bool demo_ids_cccd(demo_ids *ids, demo_rng *r, int birth_year, char sex, char *out, size_t cap)
{
    if (birth_year < 1900 || birth_year > 2099)
        return false;
    int origin = demo_rng_weighted(r, cccd_origin_weight, DEMO_CCCD_ORIGINS);
    int gender_century = (birth_year >= 2000 ? 2 : 0) + (sex == 'F' ? 1 : 0);
    int yy = birth_year % 100;
    int32_t *next = &ids->cccd_next[origin][gender_century][yy];
    if (*next >= 1000000)
        return false;
    uint64_t key = ids->key ^ demo_mix64((uint64_t)(origin * 1000 + gender_century * 100 + yy));
    uint32_t serial = demo_permute((uint32_t)(*next)++, 1000000, key);
    snprintf(out, cap, "%03d%d%02d%06u", cccd_origin[origin], gender_century, yy, serial);
    return true;
}

bool demo_ids_cmnd(demo_ids *ids, char *out, size_t cap)
{
    if (ids->cmnd_next >= 1000000)
        return false;
    uint32_t serial = demo_permute((uint32_t)ids->cmnd_next++, 1000000, ids->key ^ 0xC31Du);
    snprintf(out, cap, CMND_PREFIX "%06u", serial);
    return true;
}

bool demo_ids_phone(demo_ids *ids, demo_rng *r, char *out, size_t cap)
{
    int p = demo_rng_weighted(r, phone_weight, DEMO_PHONE_PREFIXES);
    if (ids->phone_next[p] >= 10000000)
        return false;
    uint64_t key = ids->key ^ demo_mix64(0x9000u + (uint64_t)p);
    uint32_t serial = demo_permute((uint32_t)ids->phone_next[p]++, 10000000, key);
    snprintf(out, cap, "%s%07u", phone_prefix[p], serial);
    return true;
}
