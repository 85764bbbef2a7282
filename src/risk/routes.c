/* The HTTP routes of the weekly risk level of communes: rule sets, capacity checklists, published
 * weeks, boundaries (see http/routes.h). */
#include "http/routes.h"
#include "risk/risk_api.h"

const pd_route pd_risk_routes[] = {
    {"GET", "/api/risk/rules", pd_api_risk_rules, 0},
    {"PUT", "/api/risk/rules/:id", pd_api_risk_rule_update, 0},
    {"GET", "/api/risk/level", pd_api_risk_level, 0},
    {"GET", "/api/risk/week", pd_api_risk_week, 0},
    {"GET", "/api/risk/history", pd_api_risk_history, 0},
    {"GET", "/api/risk/capacity", pd_api_risk_capacity_list, 0},
    {"PUT", "/api/risk/capacity", pd_api_risk_capacity_save, 0},
    {"POST", "/api/risk/publish", pd_api_risk_publish, 0},
    {"GET", "/api/risk/report.xlsx", pd_api_risk_report, 0},
    {"GET", "/api/risk/boundaries", pd_api_risk_boundaries, 0},
    {"POST", "/api/risk/boundaries", pd_api_risk_boundaries_import, 0},
    {"GET", "/api/public/risk", pd_api_public_risk, PD_ROUTE_PUBLIC},
    {NULL, NULL, NULL, 0},
};
