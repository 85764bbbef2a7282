/* A per-thread cache of unit facts (level and ancestors) for validating many rows quickly. Units are
 * never deleted or re-parented, so a cached entry stays true. */
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

#endif
