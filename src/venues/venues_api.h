/* Shared by the venue handlers (api.c, checkin_api.c): the VENUE JSON of docs/api.md. */
#ifndef PD_VENUES_API_H
#define PD_VENUES_API_H

#include <jansson.h>
#include <sqlite3.h>

#include "venues/venues.h"

json_t *pd_venue_json(sqlite3 *db, const pd_venue *v);

#endif
