/* The loading half of the people import (transfer.c is the reading and checking half): validated rows
 * travel in batches from the parsing thread to the writer, which owns the database connection and
 * inserts them (people, new households, heads) inside one transaction set up for a bulk load, and,
 * when loading into an empty people table, on to a third thread that builds the name index
 * (people_fts) beside it. Internal to src/people/. */
#ifndef PD_PEOPLE_IMPORT_LOAD_H
#define PD_PEOPLE_IMPORT_LOAD_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "people/people.h"

/* One row that passed every check, normalised. */
typedef struct pd_import_row {
    pd_person p;       /* created_at set; id and household_id filled in by the writer */
    char folded[256];  /* pd_fold(p.full_name) */
    int64_t line;
    int32_t hh;    /* index of its "Mã hộ" household in the file, -1 none */
    bool hh_first; /* first row of that household: the writer creates the household from it */
    bool hh_head;  /* the household's head */
} pd_import_row;

#define PD_IMPORT_BATCH_ROWS 256
typedef struct pd_import_batch {
    int n;
    pd_import_row rows[PD_IMPORT_BATCH_ROWS];
} pd_import_batch;

typedef struct pd_import_writer pd_import_writer;

/* Sets the connection up for a bulk load and opens the transaction (BEGIN IMMEDIATE); see
 * import_load.c for what changes and why the guarantees hold. size_hint: bytes of the file.
 * pipelined: rows will come from another thread through pd_import_writer_take/give/end while this
 * thread runs pd_import_writer_run; otherwise the caller hands batches to pd_import_writer_rows. */
int pd_import_writer_open(sqlite3 *db, int64_t size_hint, bool pipelined, pd_import_writer **out,
                          pd_err *err);

/* ---- pipelined: the parsing thread ---- */

/* An empty batch to fill; waits while every batch is in flight. NULL once the writer has failed
 * (stop reading: the writer's error is the import's). */
pd_import_batch *pd_import_writer_take(pd_import_writer *w);
/* Hands a filled batch (n > 0) to the writer. */
void pd_import_writer_give(pd_import_writer *w, pd_import_batch *b);
/* No more rows; b (may be NULL) is given back unfilled. */
void pd_import_writer_end(pd_import_writer *w, pd_import_batch *b);

/* ---- pipelined: the writer's thread ---- */

/* Writes batches as they come until pd_import_writer_end. Returns the first write error. */
int pd_import_writer_run(pd_import_writer *w, pd_err *err);

/* ---- single thread ---- */

/* Inserts a batch (new households first, then the people, then household heads). */
int pd_import_writer_rows(pd_import_writer *w, pd_import_batch *b, pd_err *err);

/* ---- the end ---- */

/* After the last row: builds the deferred indexes and the name index, checks the references the
 * foreign keys would have checked. Still inside the transaction. */
int pd_import_writer_finish(pd_import_writer *w, pd_err *err);
/* COMMIT (commit == true) or ROLLBACK, then restores the connection's settings and frees w.
 * Returns the COMMIT's result (PD_OK after a rollback). */
int pd_import_writer_close(pd_import_writer *w, bool commit, pd_err *err);
int64_t pd_import_writer_people(const pd_import_writer *w);     /* rows inserted so far */
int64_t pd_import_writer_households(const pd_import_writer *w); /* households created so far */

#endif
