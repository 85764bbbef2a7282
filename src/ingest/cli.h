/* `phongdich ingest`: the command-line front end of ingest.h. */
#ifndef PD_INGEST_CLI_H
#define PD_INGEST_CLI_H

/* `phongdich ingest --db DB --kind checkins|declarations [--format csv|xlsx|jsonl] [--json] FILE`;
 * argv excludes the subcommand. Returns the process exit status. */
int pd_cmd_ingest(int argc, char **argv);

#endif
