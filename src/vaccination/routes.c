/* The HTTP routes of vaccination: priority groups, products, sessions, doses and coverage (see
 * http/routes.h). */
#include "http/routes.h"
#include "vaccination/api.h"

const pd_route pd_vaccination_routes[] = {
    {"GET", "/api/vaccination/products", pd_api_vacc_products, 0},
    {"GET", "/api/vaccination/groups", pd_api_vacc_groups, 0},
    {"GET", "/api/vaccination/people/:id", pd_api_vacc_person, 0},
    {"PUT", "/api/vaccination/people/:id/groups", pd_api_vacc_person_groups, 0},
    {"POST", "/api/vaccination/people/:id/deferrals", pd_api_vacc_deferral_add, 0},
    {"POST", "/api/vaccination/doses", pd_api_vacc_dose_add, 0},
    {"GET", "/api/vaccination/sessions", pd_api_vacc_sessions, 0},
    {"POST", "/api/vaccination/sessions", pd_api_vacc_session_add, 0},
    {"GET", "/api/vaccination/lists/:list", pd_api_vacc_list, 0},
    {"GET", "/api/vaccination/invitations.xlsx", pd_api_vacc_invitations_xlsx, 0},
    {"POST", "/api/vaccination/imports", pd_api_vacc_import, PD_ROUTE_UPLOAD},
    {"GET", "/api/vaccination/coverage", pd_api_vacc_coverage, 0},
    {"GET", "/api/vaccination/coverage/weekly", pd_api_vacc_weekly, 0},
    {NULL, NULL, NULL, 0},
};
