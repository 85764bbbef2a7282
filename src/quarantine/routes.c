/* The HTTP routes of quarantine and F0 care: orders, facilities, health checks, hand-over, care, capacity (see http/routes.h). */
#include "http/routes.h"

const pd_route pd_quarantine_routes[] = {
    {NULL, NULL, NULL, 0},
};
