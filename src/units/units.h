/* Administrative units: the GSO list (province, district, commune) loaded at init, sub-commune areas
 * (thôn, bản, tổ dân phố) added by officials, the tree, and lookup by name with or without diacritics. */
#ifndef PD_UNITS_H
#define PD_UNITS_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

typedef struct pd_unit {
    char code[16];
    char name[128];
    char type[32];
    char parent_code[16];
    int level; /* 1 province, 2 district, 3 commune, 4 area */
    char province_code[16], district_code[16], commune_code[16];
    int64_t population; /* -1 when unknown */
    int child_count;
} pd_unit;

/* Loads units.csv and population.csv (the copies compiled into the binary) if the table is empty.
 * Idempotent. Returns the number of units loaded (0 if already there) via loaded. */
int pd_units_init(sqlite3 *db, int *loaded, pd_err *err);

int pd_unit_get(sqlite3 *db, const char *code, pd_unit *out, pd_err *err);

typedef int (*pd_unit_cb)(const pd_unit *u, void *ctx);
/* Children of a unit ("" = the provinces). Everybody with PD_PERM_UNITS_READ sees the whole tree
 * (it is public), but only units inside scope are marked writable by pd_unit_in_scope. */
int pd_unit_children(sqlite3 *db, const char *parent, pd_unit_cb cb, void *ctx, pd_err *err);
/* Ancestors from the province down to the unit itself. */
int pd_unit_path(sqlite3 *db, const char *code, pd_unit_cb cb, void *ctx, pd_err *err);
/* Name search folded ("bac kan" finds "Bắc Kạn"); each word must start a word of the name. */
int pd_unit_search(sqlite3 *db, const char *query, int limit, pd_unit_cb cb, void *ctx, pd_err *err);

bool pd_unit_in_scope(const pd_actor *actor, const pd_unit *u);

/* Adds a thôn/bản/tổ dân phố/khu phố/ấp under a commune in the actor's scope. Its code is
 * "<commune>-NNN". kind: the type written in Vietnamese ("Thôn", "Bản", "Tổ dân phố", ...). */
int pd_area_add(sqlite3 *db, const pd_actor *actor, const char *commune_code, const char *name,
                const char *kind, pd_unit *out, pd_err *err);

/* The kinds of sub-commune areas accepted by pd_area_add. */
extern const char *const pd_area_kinds[];

#endif
