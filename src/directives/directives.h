/* Directives held by phongdich: dispatches with their original text and corrected structure, the
 * chain of documents they implement or cite, the agencies of each unit and one task per agency per
 * item. Who sees a document: everyone sees documents of central bodies; otherwise a document is
 * seen by accounts whose scope holds its issuing unit, by accounts under that unit (issued above
 * them in their chain) and by accounts whose scope holds the unit of the account that imported it.
 * Tasks carry their agency's unit codes: lists of tasks are filtered by the caller's scope, and
 * progress may be reported (PD_PERM_TASKS_REPORT) only on tasks of agencies inside it. Reading
 * needs PD_PERM_DIRECTIVES_READ, changing PD_PERM_DIRECTIVES_WRITE. Every change is audited in its
 * transaction. JSON shapes: docs/directives.md. */
#ifndef PD_DIRECTIVES_H
#define PD_DIRECTIVES_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

/* Saves a dispatch read by pd_directive_parse() (parse.h), possibly corrected by an official, with
 * its original text: the document, stubs for the documents it references, its items and one task
 * per agency named. *id is the new document's id. */
int pd_directive_save(sqlite3 *db, const pd_actor *actor, const char *original_text,
                      const json_t *parsed, int64_t *id, pd_err *err);
/* The same, keeping also what the reader gave before the official's corrections (reader may be
 * NULL). A held document with the same type, number and issuer: PD_ECONFLICT (field number); a
 * stub with them is filled in. */
int pd_directive_save_ex(sqlite3 *db, const pd_actor *actor, const char *original_text,
                         const json_t *corrected, const json_t *reader, int64_t *id, pd_err *err);

/* The document as JSON: its fields, items with their tasks, unmatched mentions, the original text
 * ("original_text") and the reader's structure ("parsed"). PD_ENOTFOUND outside visibility. */
int pd_directive_get(sqlite3 *db, const pd_actor *actor, int64_t id, json_t **out, pd_err *err);

/* Documents the caller sees, newest first: q folded against number, issuer and subject ("" all);
 * stubs only with include_stubs. A JSON array of summaries. */
int pd_directive_list(sqlite3 *db, const pd_actor *actor, const char *q, bool include_stubs,
                      int limit, json_t **out, pd_err *err);

/* {"document": summary, "ancestors": [summary + "depth"], "descendants": [...]}: what it implements
 * or cites, up to the Government, and what implements it, down to the communes. */
int pd_directive_chain(sqlite3 *db, const pd_actor *actor, int64_t id, json_t **out, pd_err *err);

/* Maps an unmatched mention to an agency of the document's directory (learning the text as an
 * alias of the agency) and creates its tasks. */
int pd_directive_map_mention(sqlite3 *db, const pd_actor *actor, int64_t mention_id,
                             int64_t agency_id, int *tasks_added, pd_err *err);

/* ---- Agencies (agencies.c) ---------------------------------------------------------------- */

/* The matching key of an agency name: folded, abbreviations expanded (UBND, TTYT, VH-TT, ...),
 * punctuation dropped and the unit's own name ("thành phố", "huyện") left off the end. */
void pd_agency_key(const char *name, char *out, size_t cap);

/* Adds the usual agencies of a district-level unit (its phòng, ban, trung tâm, công an, đoàn thể)
 * and, for each of its communes, the commune's UBND and steering committee, with their usual
 * variants. Rows already there are kept. */
int pd_agencies_seed(sqlite3 *db, const pd_actor *actor, const char *unit_code, int *added,
                     pd_err *err);
/* The same inside the caller's transaction, without permission check or audit. */
int pd_agencies_seed_tx(sqlite3 *db, const char *unit_code, int *added, pd_err *err);

int pd_agency_add(sqlite3 *db, const pd_actor *actor, const char *dir_unit, const char *name,
                  const char *kind, const char *unit_code, int64_t *id, pd_err *err);

/* The agencies of a directory (unit_code "" : every directory the caller sees), as JSON. */
int pd_agencies_list(sqlite3 *db, const pd_actor *actor, const char *unit_code, json_t **out,
                     pd_err *err);

/* The agencies a mention names in a directory: one for a name, every member for a group ("UBND
 * các xã, phường"). *group is set for a group. Fills ids (cap) and returns how many (0: unmatched).
 */
int pd_agency_match(sqlite3 *db, const char *dir_unit, const char *mention, int64_t *ids, int cap,
                    bool *group, pd_err *err);

/* ---- Tasks (tasks.c) ---------------------------------------------------------------------- */

/* A due date stated in an item's text ("trước ngày 20/11/2021", "hoàn thành trong tháng 11",
 * "chậm nhất ngày 5/12"), as YYYY-MM-DD; the year missing is the document's (doc_date, may be NULL:
 * no year, no date). False when none is stated. */
bool pd_due_from_text(const char *text, const char *doc_date, char out[11]);

/* The status shown: "done", "overdue" (not done and the due date before today, local), else the
 * stored "new" or "in_progress". */
const char *pd_task_status(const char *stored, const char *due_date, const char *today);

typedef struct pd_tasks_query {
    int64_t doc_id;    /* 0 any */
    int64_t agency_id; /* 0 any */
    bool overdue;      /* only overdue ones */
    char status[16];   /* "" any; new | in_progress | done | overdue */
    int limit;         /* default 500 */
} pd_tasks_query;

/* Tasks in the caller's scope (agency's unit), as a JSON array; with doc_id, every task of a
 * document the caller sees. */
int pd_tasks_list(sqlite3 *db, const pd_actor *actor, const pd_tasks_query *q, json_t **out,
                  pd_err *err);
/* One task with its reports and their files. */
int pd_task_get(sqlite3 *db, const pd_actor *actor, int64_t id, json_t **out, pd_err *err);
/* Sets the due date (YYYY-MM-DD or DD/MM/YYYY; "" clears). PD_PERM_DIRECTIVES_WRITE. */
int pd_task_set_due(sqlite3 *db, const pd_actor *actor, int64_t id, const char *due, pd_err *err);
/* A progress report: status new|in_progress|done, progress 0..100 (done: 100), a note. */
int pd_task_report(sqlite3 *db, const pd_actor *actor, int64_t task_id, const char *status,
                   int progress, const char *note, int64_t *report_id, pd_err *err);
/* Attaches a file to a report of the task (at most 10 MiB). */
int pd_task_attach(sqlite3 *db, const pd_actor *actor, int64_t task_id, int64_t report_id,
                   const char *name, const char *type, const void *data, size_t size,
                   int64_t *file_id, pd_err *err);
/* A file of a task the caller sees: malloc'd data, its name and type. */
int pd_task_file(sqlite3 *db, const pd_actor *actor, int64_t file_id, char name[256],
                 char type[128], char **data, size_t *size, pd_err *err);
/* The tasks of a query as an XLSX file at path. */
int pd_tasks_xlsx(sqlite3 *db, const pd_actor *actor, const pd_tasks_query *q, const char *path,
                  int *rows, pd_err *err);

/* ---- Drafting (draft.c) ------------------------------------------------------------------- */

/* A draft implementing dispatch of the caller's unit from a received document: the JSON the draft
 * screen edits (header, basis, items with agencies, recipients, Nơi nhận, signer). */
int pd_directive_draft(sqlite3 *db, const pd_actor *actor, int64_t doc_id, json_t **out,
                       pd_err *err);
/* The draft as a .docx (WordprocessingML written here), malloc'd. */
int pd_draft_docx(const json_t *draft, char **data, size_t *size, pd_err *err);

#endif
