/* `phongdich risk ...`: weekly risk levels of communes and what-if levels from the command line. */
#ifndef PD_RISK_CLI_H
#define PD_RISK_CLI_H

int pd_cmd_risk(int argc, char **argv);

#endif
