/* Serving the web UI (embedded in the binary, or from a folder while developing) and the start-up
 * notice of demo accounts. */
#ifndef PD_STATIC_H
#define PD_STATIC_H

#include <stdbool.h>

#include "http/http.h"

void pd_static_serve(const char *web_dir, const char *method, const char *path, pd_resp *resp);
/* Prints the accounts of a demo database (usernames, roles, units) and the demo password. */
void pd_static_print_demo_accounts(const char *db_path);
/* Whether cookies carry the Secure attribute (serve --secure-cookies, behind HTTPS). */
bool pd_server_secure_cookies(void);

#endif
