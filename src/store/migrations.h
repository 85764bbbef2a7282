/* The schema as numbered migrations: migration i brings user_version from i to i+1. */
#ifndef PD_MIGRATIONS_H
#define PD_MIGRATIONS_H

extern const char *const pd_migrations[];
extern const int pd_migration_count;

/* Later features keep their schema step beside their code (src/<feature>/schema.c). */
extern const char pd_schema_lab[];          /* migration 6 */
extern const char pd_schema_quarantine[];   /* migration 7 */
extern const char pd_schema_vaccination[];  /* migration 8 */
extern const char pd_schema_risk[];         /* migration 9 */
extern const char pd_schema_directives[];   /* migration 10 */

#endif
