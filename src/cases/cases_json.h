/* The JSON form of a case (docs/api.md, CASE), shared by the HTTP handlers and the CLI's --json
 * output of src/cases/. Not a public API of other features. */
#ifndef PD_CASES_JSON_H
#define PD_CASES_JSON_H

#include <jansson.h>
#include <sqlite3.h>

#include "cases/cases.h"

/* A new JSON object: CASE with times as ISO 8601 +07:00 (pd_json_time) and the unit's name. */
json_t *pd_case_json(sqlite3 *db, const pd_case *c);

#endif
