/* `phongdich vaccine ...`: doses, imports and coverage from the command line. */
#include "vaccination/cli.h"

#include <stdio.h>

int pd_cmd_vaccine(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "phongdich vaccine: chưa có\n");
    return 2;
}
