/* Subcommands of the phongdich binary that belong to no single feature (init, user, backup, units,
 * people) and helpers every subcommand shares. */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <sqlite3.h>

#include "base/args.h"

/* Opens --db (creating and migrating it when create is set), printing the error on failure. */
sqlite3 *pd_cli_open_db(const pd_args *a, int create);

int pd_cmd_init(int argc, char **argv);
int pd_cmd_user(int argc, char **argv);
int pd_cmd_backup(int argc, char **argv);
int pd_cmd_units(int argc, char **argv);
int pd_cmd_people(int argc, char **argv);

#endif
