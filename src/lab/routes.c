/* The HTTP routes of testing: samples, results, pools and screening campaigns (see http/routes.h).
 */
#include "http/routes.h"
#include "lab/api.h"

const pd_route pd_lab_routes[] = {
    {"GET", "/api/lab/samples", pd_api_lab_samples_list, 0},
    {"POST", "/api/lab/samples", pd_api_lab_sample_take, 0},
    {"GET", "/api/lab/samples/:id", pd_api_lab_sample_get, 0},
    {"POST", "/api/lab/samples/:id/result", pd_api_lab_sample_result, 0},
    {"POST", "/api/lab/imports", pd_api_lab_import, PD_ROUTE_UPLOAD},
    {"GET", "/api/lab/pool-size", pd_api_lab_pool_size, 0},
    {"GET", "/api/lab/settings", pd_api_lab_settings_get, 0},
    {"PUT", "/api/lab/settings", pd_api_lab_settings_put, 0},
    {"GET", "/api/lab/pools", pd_api_lab_pools_list, 0},
    {"POST", "/api/lab/pools", pd_api_lab_pool_create, 0},
    {"GET", "/api/lab/pools/:id", pd_api_lab_pool_get, 0},
    {"POST", "/api/lab/pools/:id/result", pd_api_lab_pool_result, 0},
    {"GET", "/api/lab/retests", pd_api_lab_retests, 0},
    {"GET", "/api/lab/proposals", pd_api_lab_proposals, 0},
    {"POST", "/api/lab/proposals/:id/confirm", pd_api_lab_proposal_confirm, 0},
    {"POST", "/api/lab/proposals/:id/dismiss", pd_api_lab_proposal_dismiss, 0},
    {"GET", "/api/lab/campaigns", pd_api_lab_campaigns_list, 0},
    {"POST", "/api/lab/campaigns", pd_api_lab_campaign_create, 0},
    {"GET", "/api/lab/campaigns/:id", pd_api_lab_campaign_get, 0},
    {NULL, NULL, NULL, 0},
};
