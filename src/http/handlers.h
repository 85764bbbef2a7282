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

#endif
