/* HTTP handlers of directives, agencies and tasks (routes in routes.c, contract in
 * docs/directives.md). */
#ifndef PD_DIRECTIVES_API_H
#define PD_DIRECTIVES_API_H

#include "http/http.h"

int pd_api_directives_list(pd_req *req, pd_resp *resp);
int pd_api_directives_parse(pd_req *req, pd_resp *resp);
int pd_api_directives_parse_file(pd_req *req, pd_resp *resp);
int pd_api_directives_create(pd_req *req, pd_resp *resp);
int pd_api_directive_get(pd_req *req, pd_resp *resp);
int pd_api_directive_chain(pd_req *req, pd_resp *resp);
int pd_api_directive_tasks(pd_req *req, pd_resp *resp);
int pd_api_directive_tasks_xlsx(pd_req *req, pd_resp *resp);
int pd_api_directive_draft(pd_req *req, pd_resp *resp);
int pd_api_directives_draft_docx(pd_req *req, pd_resp *resp);
int pd_api_directive_mention_map(pd_req *req, pd_resp *resp);

int pd_api_agencies_list(pd_req *req, pd_resp *resp);
int pd_api_agencies_create(pd_req *req, pd_resp *resp);
int pd_api_agencies_seed(pd_req *req, pd_resp *resp);

int pd_api_tasks_list(pd_req *req, pd_resp *resp);
int pd_api_tasks_xlsx(pd_req *req, pd_resp *resp);
int pd_api_task_get(pd_req *req, pd_resp *resp);
int pd_api_task_due(pd_req *req, pd_resp *resp);
int pd_api_task_report(pd_req *req, pd_resp *resp);
int pd_api_task_attach(pd_req *req, pd_resp *resp);
int pd_api_task_file(pd_req *req, pd_resp *resp);

#endif
