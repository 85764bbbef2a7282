/* `phongdich venue ...`: list, add and print posters of venues from the command line. */
#ifndef PD_VENUES_CLI_H
#define PD_VENUES_CLI_H

int pd_cmd_venue(int argc, char **argv);

#endif
