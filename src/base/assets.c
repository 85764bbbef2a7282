/* Lookup in the tables of files compiled into the binary. */
#include "base/assets.h"

#include <string.h>

const pd_asset *pd_asset_find(const pd_asset *table, const char *path)
{
    for (const pd_asset *a = table; a->path; a++)
        if (strcmp(a->path, path) == 0)
            return a;
    return NULL;
}
