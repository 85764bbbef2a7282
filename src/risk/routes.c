/* The HTTP routes of the weekly risk level of communes: rule sets, capacity checklists, published weeks, boundaries (see http/routes.h). */
#include "http/routes.h"

const pd_route pd_risk_routes[] = {
    {NULL, NULL, NULL, 0},
};
