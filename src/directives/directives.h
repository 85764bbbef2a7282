/* Directives held by phongdich: dispatches with their original text and corrected structure, the chain
 * of documents they implement or cite, the agencies of each unit and one task per agency per item. */
#ifndef PD_DIRECTIVES_H
#define PD_DIRECTIVES_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

/* Saves a dispatch read by pd_directive_parse() (parse.h), possibly corrected by an official, with
 * its original text: the document, stubs for the documents it references, its items and one task
 * per agency named. *id is the new document's id. */
int pd_directive_save(sqlite3 *db, const pd_actor *actor, const char *original_text,
                      const json_t *parsed, int64_t *id, pd_err *err);

#endif
