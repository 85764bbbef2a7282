/* The HTTP routes of directives: dispatches, their chain, agencies and tasks (see http/routes.h). */
#include "http/routes.h"

const pd_route pd_directive_routes[] = {
    {NULL, NULL, NULL, 0},
};
