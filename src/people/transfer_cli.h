/* The import and export subcommands of the phongdich binary (thin front ends over transfer.h). */
#ifndef PD_PEOPLE_TRANSFER_CLI_H
#define PD_PEOPLE_TRANSFER_CLI_H

/* phongdich import --db DB [--unit CODE] [--format csv|xlsx] [--json] FILE
 * Exit status: 0 all rows imported, 1 rows rejected or the file refused, 2 usage error. argv
 * excludes the subcommand name. */
int pd_cmd_import(int argc, char **argv);

/* phongdich export --db DB --out FILE [--format xlsx|csv] [--q TEXT] [--unit CODE]
 * Exit status: 0 written, 1 failure, 2 usage error. */
int pd_cmd_export(int argc, char **argv);

#endif
