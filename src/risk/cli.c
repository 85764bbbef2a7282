/* `phongdich risk ...`: weekly risk levels of communes and what-if levels from the command line. */
#include "risk/cli.h"

#include <stdio.h>

int pd_cmd_risk(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "phongdich risk: chưa có\n");
    return 2;
}
