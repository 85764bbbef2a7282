/* `phongdich quarantine ...`: quarantine orders, worklists and F0 care from the command line. */
#ifndef PD_QUARANTINE_CLI_H
#define PD_QUARANTINE_CLI_H

int pd_cmd_quarantine(int argc, char **argv);

#endif
