/* The HTTP routes of quarantine and F0 care: orders, facilities, health checks, hand-over, care,
 * capacity (see http/routes.h). */
#include "http/routes.h"
#include "quarantine/api.h"

const pd_route pd_quarantine_routes[] = {
    {"GET", "/api/quarantine/rules", pd_api_quarantine_rules, 0},
    {"GET", "/api/quarantine/orders", pd_api_quarantine_orders, 0},
    {"GET", "/api/quarantine/orders/:id", pd_api_quarantine_order, 0},
    {"POST", "/api/quarantine/orders/:id/start", pd_api_quarantine_start, 0},
    {"POST", "/api/quarantine/orders/:id/checks", pd_api_quarantine_check, 0},
    {"POST", "/api/quarantine/orders/:id/release", pd_api_quarantine_release, 0},
    {"POST", "/api/quarantine/orders/:id/handover", pd_api_quarantine_handover, 0},
    {"GET", "/api/quarantine/worklists", pd_api_quarantine_worklists, 0},
    {"GET", "/api/quarantine/facilities", pd_api_facilities_list, 0},
    {"POST", "/api/quarantine/facilities", pd_api_facilities_add, 0},
    {"GET", "/api/quarantine/capacity", pd_api_capacity, 0},
    {"GET", "/api/care/cases", pd_api_care_list, 0},
    {"POST", "/api/care/cases/:id/triage", pd_api_care_triage, 0},
    {"GET", "/api/care/episodes/:id", pd_api_care_episode, 0},
    {"POST", "/api/care/episodes/:id/monitoring", pd_api_care_monitor, 0},
    {"POST", "/api/care/episodes/:id/bed", pd_api_care_assign, 0},
    {"POST", "/api/care/episodes/:id/release", pd_api_care_release, 0},
    {"GET", "/api/care/alerts", pd_api_care_alerts, 0},
    {"POST", "/api/care/alerts/:id/done", pd_api_care_alert_done, 0},
    {"GET", "/api/care/rules", pd_api_care_rules, 0},
    {NULL, NULL, NULL, 0},
};
