/* The HTTP handlers of vaccination (routes.c) and the JSON shapes the API and the CLI share
 * (docs/vaccination.md). */
#ifndef PD_VACCINATION_API_H
#define PD_VACCINATION_API_H

#include <jansson.h>

#include "http/http.h"
#include "vaccination/vaccination.h"

json_t *pd_vacc_dose_json(const pd_dose *d);
json_t *pd_vacc_next_json(const pd_next_dose *n);
json_t *pd_vacc_cov_row_json(const pd_cov_row *r);
json_t *pd_vacc_week_json(const pd_cov_week *w);
json_t *pd_vacc_item_json(const pd_vlist_item *it);
json_t *pd_vacc_session_json(const pd_vsession *s);
json_t *pd_vacc_report_json(const pd_vimport_report *r);
/* The coverage answer: {"as_of","unit","by","rows":[...],"total"}; NULL with err on failure. */
json_t *pd_vacc_coverage_json(sqlite3 *db, const pd_actor *actor, const char *unit,
                              const char *date, const char *by, pd_err *err);
json_t *pd_vacc_weekly_json(sqlite3 *db, const pd_actor *actor, const char *unit, const char *from,
                            const char *to, pd_err *err);

int pd_api_vacc_products(pd_req *req, pd_resp *resp);
int pd_api_vacc_groups(pd_req *req, pd_resp *resp);
int pd_api_vacc_person(pd_req *req, pd_resp *resp);
int pd_api_vacc_person_groups(pd_req *req, pd_resp *resp);
int pd_api_vacc_deferral_add(pd_req *req, pd_resp *resp);
int pd_api_vacc_dose_add(pd_req *req, pd_resp *resp);
int pd_api_vacc_sessions(pd_req *req, pd_resp *resp);
int pd_api_vacc_session_add(pd_req *req, pd_resp *resp);
int pd_api_vacc_list(pd_req *req, pd_resp *resp);
int pd_api_vacc_invitations_xlsx(pd_req *req, pd_resp *resp);
int pd_api_vacc_import(pd_req *req, pd_resp *resp);
int pd_api_vacc_coverage(pd_req *req, pd_resp *resp);
int pd_api_vacc_weekly(pd_req *req, pd_resp *resp);

#endif
