/* `phongdich trace`: the command-line front end of trace.h. */
#ifndef PD_TRACE_CLI_H
#define PD_TRACE_CLI_H

/* `phongdich trace --db DB --case ID [--min-overlap MINUTES] [--no-save] [--json]`; argv excludes
 * the subcommand. Returns the process exit status. */
int pd_cmd_trace(int argc, char **argv);

#endif
