/* The HTTP routes of directives: dispatches, their chain, agencies and tasks (see http/routes.h).
 */
#include "directives/api.h"
#include "http/routes.h"

const pd_route pd_directive_routes[] = {
    {"GET", "/api/directives", pd_api_directives_list, 0},
    {"POST", "/api/directives", pd_api_directives_create, 0},
    {"POST", "/api/directives/parse", pd_api_directives_parse, 0},
    {"POST", "/api/directives/parse-file", pd_api_directives_parse_file, PD_ROUTE_UPLOAD},
    {"POST", "/api/directives/draft.docx", pd_api_directives_draft_docx, 0},
    {"GET", "/api/directives/:id", pd_api_directive_get, 0},
    {"GET", "/api/directives/:id/chain", pd_api_directive_chain, 0},
    {"GET", "/api/directives/:id/tasks", pd_api_directive_tasks, 0},
    {"GET", "/api/directives/:id/tasks.xlsx", pd_api_directive_tasks_xlsx, 0},
    {"GET", "/api/directives/:id/draft", pd_api_directive_draft, 0},
    {"POST", "/api/directive-mentions/:id", pd_api_directive_mention_map, 0},
    {"GET", "/api/agencies", pd_api_agencies_list, 0},
    {"POST", "/api/agencies", pd_api_agencies_create, 0},
    {"POST", "/api/agencies/seed", pd_api_agencies_seed, 0},
    {"GET", "/api/tasks", pd_api_tasks_list, 0},
    {"GET", "/api/tasks.xlsx", pd_api_tasks_xlsx, 0},
    {"GET", "/api/tasks/:id", pd_api_task_get, 0},
    {"PUT", "/api/tasks/:id/due", pd_api_task_due, 0},
    {"POST", "/api/tasks/:id/reports", pd_api_task_report, 0},
    {"POST", "/api/tasks/:id/reports/:rid/files", pd_api_task_attach, PD_ROUTE_UPLOAD},
    {"GET", "/api/task-files/:id", pd_api_task_file, 0},
    {NULL, NULL, NULL, 0},
};
