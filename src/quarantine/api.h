/* HTTP handlers of quarantine (src/quarantine/api.c) and F0 care (src/care/api.c), listed in
 * src/quarantine/routes.c; and the small helpers they share (api_util in api.c). */
#ifndef PD_QUARANTINE_API_H
#define PD_QUARANTINE_API_H

#include "http/http.h"

int pd_api_quarantine_rules(pd_req *req, pd_resp *resp);
int pd_api_quarantine_orders(pd_req *req, pd_resp *resp);
int pd_api_quarantine_order(pd_req *req, pd_resp *resp);
int pd_api_quarantine_start(pd_req *req, pd_resp *resp);
int pd_api_quarantine_check(pd_req *req, pd_resp *resp);
int pd_api_quarantine_release(pd_req *req, pd_resp *resp);
int pd_api_quarantine_handover(pd_req *req, pd_resp *resp);
int pd_api_quarantine_worklists(pd_req *req, pd_resp *resp);
int pd_api_facilities_list(pd_req *req, pd_resp *resp);
int pd_api_facilities_add(pd_req *req, pd_resp *resp);
int pd_api_capacity(pd_req *req, pd_resp *resp);

int pd_api_care_list(pd_req *req, pd_resp *resp);
int pd_api_care_triage(pd_req *req, pd_resp *resp);
int pd_api_care_episode(pd_req *req, pd_resp *resp);
int pd_api_care_monitor(pd_req *req, pd_resp *resp);
int pd_api_care_assign(pd_req *req, pd_resp *resp);
int pd_api_care_release(pd_req *req, pd_resp *resp);
int pd_api_care_alerts(pd_req *req, pd_resp *resp);
int pd_api_care_alert_done(pd_req *req, pd_resp *resp);
int pd_api_care_rules(pd_req *req, pd_resp *resp);

/* Shared: 403 unless the actor has perm (false then); a domain error as its answer, with
 * {"errors":[{field,message}]} for 400; an integer member (def when absent or null; false and a
 * 400 naming key when not an integer); a number member likewise. */
bool pdq_api_may(pd_req *req, pd_resp *resp, pd_perm perm);
int pdq_api_err(pd_resp *resp, const pd_err *err);
bool pdq_api_int(const json_t *b, const char *key, long long def, long long *out, pd_resp *resp);
bool pdq_api_num(const json_t *b, const char *key, double def, double *out, pd_resp *resp);

#endif
