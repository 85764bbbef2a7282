/* The API route table and its matcher. Patterns are literal segments and :params. */
#include "http/routes.h"

#include <string.h>

#include "base/text.h"
#include "http/handlers.h"

const pd_route pd_routes[] = {
    {"POST", "/api/login", pd_api_login, PD_ROUTE_PUBLIC},
    {"POST", "/api/cases/:id/trace", pd_api_case_trace, 0},
    {"GET", "/api/cases/:id/contacts", pd_api_case_contacts, 0},
    {"GET", "/api/cases/:id/sources", pd_api_case_sources, 0},
    {"GET", "/api/chains", pd_api_chains, 0},
    {"GET", "/api/handoff", pd_api_handoff, 0},
    {"GET", "/api/exports/handoff.xlsx", pd_api_handoff_xlsx, 0},
    {"POST", "/api/logout", pd_api_logout, 0},
    {"GET", "/api/me", pd_api_me, 0},
    {"GET", "/api/users", pd_api_users_list, 0},
    {"POST", "/api/users", pd_api_users_create, 0},
    {"GET", "/api/stats", pd_api_stats, 0},
    {"GET", "/api/units", pd_api_units_children, 0},
    {"GET", "/api/units/search", pd_api_units_search, 0},
    {"GET", "/api/units/:code", pd_api_unit_get, 0},
    {"POST", "/api/units/:code/areas", pd_api_area_create, 0},
    {"GET", "/api/people", pd_api_people_list, 0},
    {"POST", "/api/people", pd_api_person_create, 0},
    {"GET", "/api/people/:id", pd_api_person_get, 0},
    {"PUT", "/api/people/:id", pd_api_person_update, 0},
    {"GET", "/api/households", pd_api_households_list, 0},
    {"POST", "/api/households", pd_api_household_create, 0},
    {"GET", "/api/households/:id", pd_api_household_get, 0},
    {"PUT", "/api/households/:id", pd_api_household_update, 0},
    {"POST", "/api/households/:id/members", pd_api_household_add_member, 0},
    {"DELETE", "/api/households/:id/members/:pid", pd_api_household_remove_member, 0},
    {"POST", "/api/imports", pd_api_import_start, PD_ROUTE_UPLOAD},
    {"GET", "/api/imports/:id", pd_api_import_get, 0},
    {"GET", "/api/exports/people.xlsx", pd_api_export_xlsx, 0},
    {"GET", "/api/exports/people.csv", pd_api_export_csv, 0},
    {"GET", "/api/audit", pd_api_audit_list, 0},
    {"GET", "/api/audit.csv", pd_api_audit_csv, 0},
    {"GET", "/api/audit.xlsx", pd_api_audit_xlsx, 0},
    {"GET", "/api/stays", pd_api_stays_list, 0},
    {"POST", "/api/stays", pd_api_stay_create, 0},
    {"GET", "/api/stays/venues", pd_api_stay_venues, 0},
    {"GET", "/api/stays/:id", pd_api_stay_get, 0},
    {"POST", "/api/stays/:id/leave", pd_api_stay_leave, 0},
    {"GET", "/api/exports/stays.xlsx", pd_api_stays_xlsx, 0},
    {"POST", "/api/ingest", pd_api_ingest_start, PD_ROUTE_UPLOAD},
    {"GET", "/api/ingest/:id", pd_api_ingest_get, 0},
    {"GET", "/api/venues/kinds", pd_api_venue_kinds, 0},
    {"GET", "/api/venues", pd_api_venues_list, 0},
    {"POST", "/api/venues", pd_api_venue_create, 0},
    {"GET", "/api/venues/:id", pd_api_venue_get, 0},
    {"PUT", "/api/venues/:id", pd_api_venue_update, 0},
    {"GET", "/api/venues/:id/poster.svg", pd_api_venue_poster_svg, 0},
    {"GET", "/api/venues/:id/poster.png", pd_api_venue_poster_png, 0},
    {"GET", "/api/venues/:id/poster.pdf", pd_api_venue_poster_pdf, 0},
    {"POST", "/api/venues/:id/scan", pd_api_venue_scan, 0},
    {"GET", "/api/venues/:id/checkins", pd_api_venue_checkins, 0},
    {"GET", "/api/people/:id/checkins", pd_api_person_checkins, 0},
    {"GET", "/api/public/venues/:code", pd_api_public_venue, PD_ROUTE_PUBLIC},
    {"POST", "/api/public/checkins", pd_api_public_checkin, PD_ROUTE_PUBLIC},
    {"POST", "/api/public/checkouts", pd_api_public_checkout, PD_ROUTE_PUBLIC},
    {"GET", "/api/declarations", pd_api_declarations_list, 0},
    {"POST", "/api/declarations", pd_api_declaration_create, 0},
    {"GET", "/api/declarations/stats", pd_api_declare_stats, 0},
    {"GET", "/api/declarations/:id", pd_api_declaration_get, 0},
    {"GET", "/api/people/:id/token", pd_api_person_token_get, 0},
    {"POST", "/api/people/:id/token", pd_api_person_token_issue, 0},
    {"DELETE", "/api/people/:id/token", pd_api_person_token_revoke, 0},
    {"GET", "/api/alerts", pd_api_alerts_list, 0},
    {"POST", "/api/alerts/:id/action", pd_api_alert_act, 0},
    {"GET", "/api/outbreak-areas", pd_api_outbreak_list, 0},
    {"POST", "/api/outbreak-areas", pd_api_outbreak_add, 0},
    {"POST", "/api/outbreak-areas/:id/end", pd_api_outbreak_end, 0},
    {"GET", "/api/public/units", pd_api_public_units, PD_ROUTE_PUBLIC},
    {"POST", "/api/public/declarations", pd_api_public_declare, PD_ROUTE_PUBLIC},
    {"POST", "/api/public/declarations/daily", pd_api_public_daily, PD_ROUTE_PUBLIC},
    {"GET", "/api/cases", pd_api_cases_list, 0},
    {"POST", "/api/cases", pd_api_case_create, 0},
    {"GET", "/api/cases/:id", pd_api_case_get, 0},
    {"POST", "/api/cases/:id/status", pd_api_case_status, 0},
    {"POST", "/api/cases/:id/source", pd_api_case_source, 0},
    {"POST", "/api/cases/:id/contacts", pd_api_case_contact_add, 0},
    {"GET", "/api/lockdown", pd_api_lockdown, 0},
    {NULL, NULL, NULL, 0},
};

const pd_route *const pd_route_tables[] = {pd_routes,     pd_lab_routes,  pd_quarantine_routes,
                                           pd_vaccination_routes, pd_risk_routes,
                                           pd_directive_routes,   NULL};

/* Matches path against pattern segment by segment, capturing :params. */
static bool match(const char *pattern, const char *path, pd_req *req)
{
    int n = 0;
    while (*pattern && *path) {
        if (*pattern != '/' || *path != '/')
            return false;
        pattern++, path++;
        size_t pl = strcspn(pattern, "/"), sl = strcspn(path, "/");
        if (*pattern == ':') {
            if (sl == 0 || sl >= sizeof req->params[0] || n >= PD_MAX_PATH_PARAMS)
                return false;
            memcpy(req->params[n], path, sl);
            req->params[n++][sl] = '\0';
        } else if (pl != sl || strncmp(pattern, path, pl) != 0) {
            return false;
        }
        pattern += pl, path += sl;
    }
    if (*pattern || *path)
        return false;
    req->nparams = n;
    return true;
}

const pd_route *pd_route_match(const char *method, const char *path, pd_req *req, bool *path_known)
{
    *path_known = false;
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (const pd_route *const *t = pd_route_tables; *t; t++)
        for (const pd_route *r = *t; r->method; r++) {
            if (!match(r->pattern, path, req))
                continue;
            if (strcmp(r->method, m) == 0)
                return r;
            *path_known = true;
        }
    req->nparams = 0;
    return NULL;
}
