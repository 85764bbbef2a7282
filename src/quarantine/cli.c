/* `phongdich quarantine ...`: quarantine orders, worklists and F0 care from the command line. */
#include "quarantine/cli.h"

#include <stdio.h>

int pd_cmd_quarantine(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "phongdich quarantine: chưa có\n");
    return 2;
}
