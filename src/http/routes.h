/* The table of API routes: method, pattern ("/api/people/:id"), handler and what the server must
 * check before calling it. Features add their handlers here; the server only matches and checks. */
#ifndef PD_ROUTES_H
#define PD_ROUTES_H

#include "http/http.h"

enum {
    PD_ROUTE_PUBLIC = 1, /* no session needed (login) */
    PD_ROUTE_UPLOAD = 2, /* large body spooled to a file instead of memory */
};

typedef int (*pd_handler)(pd_req *req, pd_resp *resp);

typedef struct pd_route {
    const char *method;
    const char *pattern;
    pd_handler handler;
    int flags;
} pd_route;

/* The core table (routes.c) and one table per later feature, each in the feature's routes.c; every
 * table ends with a NULL method. pd_route_tables lists them all, NULL-terminated. */
extern const pd_route pd_routes[];
extern const pd_route pd_lab_routes[];
extern const pd_route pd_quarantine_routes[];
extern const pd_route pd_vaccination_routes[];
extern const pd_route pd_risk_routes[];
extern const pd_route pd_directive_routes[];
extern const pd_route *const pd_route_tables[];

/* Finds the route for method and path, capturing :params into req. NULL if none; *path_known is set
 * when the path exists under another method (405). */
const pd_route *pd_route_match(const char *method, const char *path, pd_req *req, bool *path_known);

#endif
