/* `phongdich case ...`: list cases and confirm one (which traces it) from the command line. */
#ifndef PD_CASES_CLI_H
#define PD_CASES_CLI_H

int pd_cmd_case(int argc, char **argv);

#endif
