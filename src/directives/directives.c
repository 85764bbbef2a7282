/* Placeholder of the directive store (directives.h) until it is written. */
#include "directives/directives.h"

int pd_directive_save(sqlite3 *db, const pd_actor *actor, const char *original_text,
                      const json_t *parsed, int64_t *id, pd_err *err)
{
    (void)db;
    (void)actor;
    (void)original_text;
    (void)parsed;
    *id = 0;
    return pd_fail(err, PD_EINVAL, "", "Chưa lưu được văn bản");
}
