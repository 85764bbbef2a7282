/* `phongdich lab ...`: samples, results and the pool-size advisor from the command line. */
#include "lab/cli.h"

#include <stdio.h>

int pd_cmd_lab(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "phongdich lab: chưa có\n");
    return 2;
}
