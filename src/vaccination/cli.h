/* `phongdich vaccine ...`: doses, imports and coverage from the command line. */
#ifndef PD_VACCINATION_CLI_H
#define PD_VACCINATION_CLI_H

int pd_cmd_vaccine(int argc, char **argv);

#endif
