/* `phongdich directive import`: placeholder until the command is written. */
#include "directives/cli.h"

#include <stdio.h>

int pd_directive_cli_import(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "phongdich directive: chưa có\n");
    return 2;
}
