/* `phongdich directive ...`: routes the subcommand to the import (cli_import.c) or the task
 * commands (cli_tasks.c). */
#include "directives/cli.h"

#include <string.h>

int pd_cmd_directive(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "import") == 0)
        return pd_directive_cli_import(argc, argv);
    return pd_directive_cli_tasks(argc, argv);
}
