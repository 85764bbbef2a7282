/* Every API handler, declared in one place so the route table can name them. Each lives in its
 * feature's api.c. */
#ifndef PD_HANDLERS_H
#define PD_HANDLERS_H

#include "http/http.h"

/* auth/api.c */
int pd_api_login(pd_req *req, pd_resp *resp);
int pd_api_logout(pd_req *req, pd_resp *resp);
int pd_api_me(pd_req *req, pd_resp *resp);
int pd_api_users_list(pd_req *req, pd_resp *resp);
int pd_api_users_create(pd_req *req, pd_resp *resp);

/* units/api.c */
int pd_api_units_children(pd_req *req, pd_resp *resp);
int pd_api_units_search(pd_req *req, pd_resp *resp);
int pd_api_unit_get(pd_req *req, pd_resp *resp);
int pd_api_area_create(pd_req *req, pd_resp *resp);
int pd_api_stats(pd_req *req, pd_resp *resp);

/* people/api.c */
int pd_api_people_list(pd_req *req, pd_resp *resp);
int pd_api_person_get(pd_req *req, pd_resp *resp);
int pd_api_person_create(pd_req *req, pd_resp *resp);
int pd_api_person_update(pd_req *req, pd_resp *resp);
int pd_api_households_list(pd_req *req, pd_resp *resp);
int pd_api_household_get(pd_req *req, pd_resp *resp);
int pd_api_household_create(pd_req *req, pd_resp *resp);
int pd_api_household_update(pd_req *req, pd_resp *resp);
int pd_api_household_add_member(pd_req *req, pd_resp *resp);
int pd_api_household_remove_member(pd_req *req, pd_resp *resp);

/* people/transfer_api.c */
int pd_api_import_start(pd_req *req, pd_resp *resp);
int pd_api_import_get(pd_req *req, pd_resp *resp);
int pd_api_export_xlsx(pd_req *req, pd_resp *resp);
int pd_api_export_csv(pd_req *req, pd_resp *resp);

/* audit/api.c */
int pd_api_audit_list(pd_req *req, pd_resp *resp);
int pd_api_audit_csv(pd_req *req, pd_resp *resp);
int pd_api_audit_xlsx(pd_req *req, pd_resp *resp);

/* stays/api.c */
int pd_api_stays_list(pd_req *req, pd_resp *resp);
int pd_api_stay_create(pd_req *req, pd_resp *resp);
int pd_api_stay_get(pd_req *req, pd_resp *resp);
int pd_api_stay_leave(pd_req *req, pd_resp *resp);
int pd_api_stay_venues(pd_req *req, pd_resp *resp);
int pd_api_stays_xlsx(pd_req *req, pd_resp *resp);

/* ingest/api.c */
int pd_api_ingest_start(pd_req *req, pd_resp *resp);
int pd_api_ingest_get(pd_req *req, pd_resp *resp);

/* venues/api.c, venues/checkin_api.c */
int pd_api_venue_kinds(pd_req *req, pd_resp *resp);
int pd_api_venues_list(pd_req *req, pd_resp *resp);
int pd_api_venue_get(pd_req *req, pd_resp *resp);
int pd_api_venue_create(pd_req *req, pd_resp *resp);
int pd_api_venue_update(pd_req *req, pd_resp *resp);
int pd_api_venue_poster_svg(pd_req *req, pd_resp *resp);
int pd_api_venue_poster_png(pd_req *req, pd_resp *resp);
int pd_api_venue_poster_pdf(pd_req *req, pd_resp *resp);
int pd_api_venue_scan(pd_req *req, pd_resp *resp);
int pd_api_venue_checkins(pd_req *req, pd_resp *resp);
int pd_api_person_checkins(pd_req *req, pd_resp *resp);
int pd_api_public_venue(pd_req *req, pd_resp *resp);
int pd_api_public_checkin(pd_req *req, pd_resp *resp);
int pd_api_public_checkout(pd_req *req, pd_resp *resp);

/* declare/api.c, declare/public_api.c */
int pd_api_declarations_list(pd_req *req, pd_resp *resp);
int pd_api_declaration_get(pd_req *req, pd_resp *resp);
int pd_api_declaration_create(pd_req *req, pd_resp *resp);
int pd_api_declare_stats(pd_req *req, pd_resp *resp);
int pd_api_person_token_get(pd_req *req, pd_resp *resp);
int pd_api_person_token_issue(pd_req *req, pd_resp *resp);
int pd_api_person_token_revoke(pd_req *req, pd_resp *resp);
int pd_api_alerts_list(pd_req *req, pd_resp *resp);
int pd_api_alert_act(pd_req *req, pd_resp *resp);
int pd_api_outbreak_list(pd_req *req, pd_resp *resp);
int pd_api_outbreak_add(pd_req *req, pd_resp *resp);
int pd_api_outbreak_end(pd_req *req, pd_resp *resp);
int pd_api_public_units(pd_req *req, pd_resp *resp);
int pd_api_public_declare(pd_req *req, pd_resp *resp);
int pd_api_public_daily(pd_req *req, pd_resp *resp);

/* cases/api.c */
int pd_api_cases_list(pd_req *req, pd_resp *resp);
int pd_api_case_create(pd_req *req, pd_resp *resp);
int pd_api_case_get(pd_req *req, pd_resp *resp);
int pd_api_case_status(pd_req *req, pd_resp *resp);
int pd_api_case_source(pd_req *req, pd_resp *resp);
int pd_api_case_contact_add(pd_req *req, pd_resp *resp);
int pd_api_lockdown(pd_req *req, pd_resp *resp);

/* trace/api.c, trace/handoff_api.c */
int pd_api_case_trace(pd_req *req, pd_resp *resp);
int pd_api_case_contacts(pd_req *req, pd_resp *resp);
int pd_api_case_sources(pd_req *req, pd_resp *resp);
int pd_api_chains(pd_req *req, pd_resp *resp);
int pd_api_handoff(pd_req *req, pd_resp *resp);
int pd_api_handoff_xlsx(pd_req *req, pd_resp *resp);

#endif
