/* The HTTP handlers of the weekly risk level (api.c), listed in risk/routes.c. */
#ifndef PD_RISK_API_H
#define PD_RISK_API_H

#include "http/http.h"

int pd_api_risk_rules(pd_req *req, pd_resp *resp);
int pd_api_risk_rule_update(pd_req *req, pd_resp *resp);
int pd_api_risk_level(pd_req *req, pd_resp *resp);
int pd_api_risk_week(pd_req *req, pd_resp *resp);
int pd_api_risk_history(pd_req *req, pd_resp *resp);
int pd_api_risk_capacity_list(pd_req *req, pd_resp *resp);
int pd_api_risk_capacity_save(pd_req *req, pd_resp *resp);
int pd_api_risk_publish(pd_req *req, pd_resp *resp);
int pd_api_risk_report(pd_req *req, pd_resp *resp);
int pd_api_risk_boundaries(pd_req *req, pd_resp *resp);
int pd_api_risk_boundaries_import(pd_req *req, pd_resp *resp);
int pd_api_public_risk(pd_req *req, pd_resp *resp); /* public_api.c, no account */

#endif
