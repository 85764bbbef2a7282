/* The HTTP routes of testing: samples, results, pools and screening campaigns (see http/routes.h). */
#include "http/routes.h"

const pd_route pd_lab_routes[] = {
    {NULL, NULL, NULL, 0},
};
