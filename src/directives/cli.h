/* `phongdich directive ...`: dispatches from the command line. `import` (cli_import.c) reads a
 * dispatch and prints its structure; the other subcommands (cli_tasks.c) work its tasks. */
#ifndef PD_DIRECTIVES_CLI_H
#define PD_DIRECTIVES_CLI_H

int pd_cmd_directive(int argc, char **argv);
/* argv[0] is the subcommand name in both. */
int pd_directive_cli_import(int argc, char **argv);
int pd_directive_cli_tasks(int argc, char **argv);

#endif
