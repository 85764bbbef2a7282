/* `phongdich declare ...`: outbreak areas, the alert list and token revocation from the command
 * line. */
#ifndef PD_DECLARE_CLI_H
#define PD_DECLARE_CLI_H

int pd_cmd_declare(int argc, char **argv);

#endif
