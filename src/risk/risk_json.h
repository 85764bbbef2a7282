/* The risk level's objects as JSON, shared by the API (api.c) and the CLI (cli.c) so both print
 * the same shape (docs/risk.md: RISK_ROW, RULE). */
#ifndef PD_RISK_JSON_H
#define PD_RISK_JSON_H

#include <jansson.h>

#include "risk/risk.h"

json_t *pd_risk_row_json(const pd_risk_row *r, int elderly_age);
json_t *pd_risk_rule_json(const pd_risk_rule *r);
json_t *pd_risk_result_json(const pd_risk_rule *rule, const pd_risk_result *res);
/* The whole week: {"week","monday","sunday","items":[RISK_ROW]}. */
json_t *pd_risk_week_json(sqlite3 *db, const pd_risk_week *w);

#endif
