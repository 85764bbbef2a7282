/* Command-line options of the form --name VALUE, --name=VALUE and --flag, shared by every subcommand. */
#ifndef PD_ARGS_H
#define PD_ARGS_H

#include <stdbool.h>

typedef struct pd_args {
    int argc;
    char **argv;
    const char *const *known; /* NULL-terminated: "db=", "json", ... ('=' marks an option with a value) */
} pd_args;

/* Checks every argument against known; prints a Vietnamese error naming the bad one and returns false. */
bool pd_args_check(const pd_args *a);
/* The value of --name, or NULL. */
const char *pd_arg(const pd_args *a, const char *name);
bool pd_arg_flag(const pd_args *a, const char *name);
/* The n-th argument that is neither an option nor an option's value (0-based), or NULL. */
const char *pd_arg_positional(const pd_args *a, int n);

#endif
