/* The server's in-memory cache of live sessions, so that authenticating a request does not read
 * SQLite every time: a BLAKE2b digest of the session cookie -> the caller (pd_actor), the CSRF
 * token and the session's expiry. One cache for the whole process, shared by every worker thread (a
 * mutex guards it), so dropping an entry takes effect on every worker at once.
 *
 * Off unless pd_session_cache_enable() was called (`phongdich serve` does); pd_session_lookup()
 * then consults it first and fills it from the database.
 * - Expiry: an entry is never used at or after its session's expires_at (pd_now()), as in the
 * database.
 * - Logout: pd_session_delete() deletes the row, then drops the entry.
 * - Changes made through this process to an account (disable, password, role or unit) must call
 *   pd_session_cache_forget_user(); changes made by another process (e.g. SQL on the file) are seen
 *   within PD_SESSION_RECHECK_MS, after which an entry is checked against the database again.
 * An entry is only stored if nothing was dropped since its database read began (an epoch counter),
 * so a lookup racing a logout cannot put the ended session back. */
#ifndef PD_SESSION_CACHE_H
#define PD_SESSION_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"

#define PD_SESSION_RECHECK_MS 1000

void pd_session_cache_enable(bool on);
bool pd_session_cache_enabled(void);

/* Fills actor and csrf from a fresh entry for token (64 hex characters) alive at now. */
bool pd_session_cache_get(const char *token, int64_t now, pd_actor *actor, char csrf[65]);
/* The epoch to pass to pd_session_cache_put(): read it before the database lookup. */
uint64_t pd_session_cache_epoch(void);
/* Stores what the database said about token, unless an entry was dropped since epoch was read. */
void pd_session_cache_put(const char *token, const pd_actor *actor, const char csrf[65],
                          int64_t expires_at, uint64_t epoch);
/* Drops the entry of one session / every session of one account / everything. */
void pd_session_cache_forget(const char *token);
void pd_session_cache_forget_user(int64_t user_id);
void pd_session_cache_clear(void);

#endif
