/* A per-thread cache of unit facts (level and ancestors) for validating many rows quickly, and the
 * resolution of a record's commune and area through it. Units are never deleted or re-parented, so
 * a cached entry stays true. */
#ifndef PD_UNIT_CACHE_H
#define PD_UNIT_CACHE_H

#include <sqlite3.h>
#include <stdbool.h>

typedef struct pd_unit_info {
    char code[16];
    int level;
    char commune_code[16], district_code[16], province_code[16];
    char name[128];
} pd_unit_info;

/* False if there is no such unit. */
bool pd_unit_cache_get(sqlite3 *db, const char *code, pd_unit_info *out);

/* The place of a record held at a commune and optionally a thôn/tổ (people, venues): an area code
 * given as the commune moves to area_code under its commune, and the district and province codes
 * are filled in. NULL when the place is good; else the field at fault ("unit_code" or "area_code")
 * with *message saying why in Vietnamese. missing is the message for an empty unit_code. */
typedef struct pd_place {
    char *unit_code, *area_code, *district_code, *province_code; /* 16 bytes each */
} pd_place;
const char *pd_place_resolve(sqlite3 *db, pd_place place, const char *missing,
                             const char **message);

#endif
