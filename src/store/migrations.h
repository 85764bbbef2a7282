/* The schema as numbered migrations: migration i brings user_version from i to i+1. */
#ifndef PD_MIGRATIONS_H
#define PD_MIGRATIONS_H

extern const char *const pd_migrations[];
extern const int pd_migration_count;

#endif
