/* The HTTP routes of vaccination: priority groups, products, sessions, doses and coverage (see http/routes.h). */
#include "http/routes.h"

const pd_route pd_vaccination_routes[] = {
    {NULL, NULL, NULL, 0},
};
