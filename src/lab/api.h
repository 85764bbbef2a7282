/* HTTP handlers of testing (/api/lab/...), listed in lab/routes.c; docs/lab.md describes them. */
#ifndef PD_LAB_API_H
#define PD_LAB_API_H

#include <jansson.h>

#include "http/http.h"
#include "lab/lab.h"

int pd_api_lab_samples_list(pd_req *req, pd_resp *resp);
int pd_api_lab_sample_get(pd_req *req, pd_resp *resp);
int pd_api_lab_sample_take(pd_req *req, pd_resp *resp);
int pd_api_lab_sample_result(pd_req *req, pd_resp *resp);
int pd_api_lab_import(pd_req *req, pd_resp *resp);
int pd_api_lab_pool_size(pd_req *req, pd_resp *resp);
int pd_api_lab_settings_get(pd_req *req, pd_resp *resp);
int pd_api_lab_settings_put(pd_req *req, pd_resp *resp);
int pd_api_lab_pools_list(pd_req *req, pd_resp *resp);
int pd_api_lab_pool_get(pd_req *req, pd_resp *resp);
int pd_api_lab_pool_create(pd_req *req, pd_resp *resp);
int pd_api_lab_pool_result(pd_req *req, pd_resp *resp);
int pd_api_lab_retests(pd_req *req, pd_resp *resp);
int pd_api_lab_proposals(pd_req *req, pd_resp *resp);
int pd_api_lab_proposal_confirm(pd_req *req, pd_resp *resp);
int pd_api_lab_proposal_dismiss(pd_req *req, pd_resp *resp);
int pd_api_lab_campaigns_list(pd_req *req, pd_resp *resp);
int pd_api_lab_campaign_get(pd_req *req, pd_resp *resp);
int pd_api_lab_campaign_create(pd_req *req, pd_resp *resp);

/* JSON of the records, shared by the handlers and the CLI (api_json.c). */
json_t *pd_lab_sample_json(const pd_sample *s);
json_t *pd_lab_pool_json(const pd_pool *p);
json_t *pd_lab_campaign_json(const pd_campaign *c);
json_t *pd_lab_proposal_json(const pd_lab_proposal *p);
json_t *pd_lab_import_json(const pd_lab_import_report *r);

#endif
