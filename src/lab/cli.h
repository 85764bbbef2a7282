/* `phongdich lab ...`: samples, results and the pool-size advisor from the command line. */
#ifndef PD_LAB_CLI_H
#define PD_LAB_CLI_H

int pd_cmd_lab(int argc, char **argv);

#endif
