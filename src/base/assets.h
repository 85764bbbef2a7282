/* Files compiled into the binary: the web UI (web/) and the reference data (data/). */
#ifndef PD_ASSETS_H
#define PD_ASSETS_H

#include <stddef.h>

typedef struct pd_asset {
    const char *path; /* "/index.html", "/units.csv" */
    const unsigned char *data;
    size_t size;
} pd_asset;

extern const pd_asset pd_web_assets[];
extern const pd_asset pd_data_assets[];

/* Finds an asset by path in a table; NULL if absent. */
const pd_asset *pd_asset_find(const pd_asset *table, const char *path);

#endif
